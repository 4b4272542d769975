//! Follow-ups and the case-number sequence in SQLite.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use super::rows::{secs, ts};
use super::{SqliteStore, db};
use crate::model::{FollowUp, FollowUpInput, FollowUpMethod, ItemId, Status};
use crate::sanitize::one_line;
use crate::store::{StoreBackend, StoreError, StoreResult};

const COLUMNS: &str = "id, item_id, case_number, method, contact, due_at, assignee, note, outcome, created_at, closed_at";

fn row(r: &Row<'_>) -> rusqlite::Result<FollowUp> {
    let method: String = r.get(3)?;
    Ok(FollowUp {
        id: r.get(0)?,
        item: ItemId(r.get(1)?),
        case_number: r.get(2)?,
        method: method.parse().unwrap_or(FollowUpMethod::Other),
        contact: r.get(4)?,
        due_at: r.get::<_, Option<i64>>(5)?.map(ts),
        assignee: r.get(6)?,
        note: r.get(7)?,
        outcome: r.get(8)?,
        created_at: ts(r.get(9)?),
        closed_at: r.get::<_, Option<i64>>(10)?.map(ts),
    })
}

/// `CASE-{n:05}` with n = 42 → `CASE-00042`; `{n}` alone is unpadded.
pub fn format_case(format: &str, n: i64) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(i) = rest.find("{n") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(end) = after.find('}') else { break };
        let spec = &after[2..end];
        let width: usize = spec
            .trim_start_matches(":0")
            .trim_start_matches(':')
            .parse()
            .unwrap_or(0);
        out.push_str(&format!("{n:0width$}"));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

impl SqliteStore {
    pub(super) fn new_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        if let Some(open) = self.open_followup(id)? {
            return Err(StoreError::Db(format!(
                "item {id} already has open follow-up {}",
                open.case_number
            )));
        }
        self.set_status(
            id,
            Status::FollowUp,
            who,
            &format!("taken offline by {}", input.method),
            now,
        )?;
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute("INSERT INTO sequences (name, value) VALUES ('case', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1", [])
            .map_err(db)?;
        let n: i64 = tx
            .query_row("SELECT value FROM sequences WHERE name = 'case'", [], |r| {
                r.get(0)
            })
            .map_err(db)?;
        let case = format_case(case_format, n);
        let clean = |s: &Option<String>| s.as_deref().map(one_line).filter(|s| !s.is_empty());
        tx.execute(
            "INSERT INTO followups (item_id, case_number, method, contact, due_at, assignee, note, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.0,
                case,
                input.method.as_str(),
                clean(&input.contact),
                input.due_at.map(secs),
                clean(&input.assignee),
                input.note.as_deref().filter(|s| !s.trim().is_empty()),
                secs(now)
            ],
        )
        .map_err(db)?;
        if let Some(a) = clean(&input.assignee) {
            tx.execute(
                "UPDATE items SET assignee = ?2 WHERE id = ?1",
                params![id.0, a],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        self.open_followup(id)?
            .ok_or_else(|| StoreError::Db("the new follow-up vanished".into()))
    }

    pub(super) fn snooze_item(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let when = crate::channels::clock_time(&until);
        self.set_status(
            id,
            Status::Snoozed,
            who,
            &format!("snoozed until {when}"),
            now,
        )?;
        self.conn
            .execute(
                "UPDATE items SET snoozed_until = ?2 WHERE id = ?1",
                params![id.0, secs(until)],
            )
            .map_err(db)?;
        Ok(())
    }

    pub(super) fn wake(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM items WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?1")
            .map_err(db)?;
        let due: Vec<i64> = stmt
            .query_map([secs(now)], |r| r.get(0))
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        drop(stmt);
        for id in &due {
            self.set_status(ItemId(*id), Status::New, "tinbox", "snooze ended", now)?;
            self.conn
                .execute("UPDATE items SET snoozed_until = NULL WHERE id = ?1", [id])
                .map_err(db)?;
        }
        Ok(due.into_iter().map(ItemId).collect())
    }

    pub(super) fn list_followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
        let filter = if include_closed {
            "1 = 1"
        } else {
            "closed_at IS NULL"
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM followups WHERE {filter} ORDER BY due_at IS NULL, due_at, id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let rows = stmt.query_map([], row).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    pub(super) fn open_followup(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM followups WHERE item_id = ?1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1"
        );
        self.conn
            .query_row(&sql, [id.0], row)
            .optional()
            .map_err(db)
    }

    pub(super) fn close_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        let f = self
            .open_followup(id)?
            .ok_or_else(|| StoreError::Db(format!("item {id} has no open follow-up")))?;
        self.conn
            .execute(
                "UPDATE followups SET outcome = ?2, closed_at = ?3 WHERE id = ?1",
                params![f.id, one_line(outcome), secs(now)],
            )
            .map_err(db)?;
        let next = if done { Status::Done } else { Status::Replied };
        self.set_status(
            id,
            next,
            who,
            &format!("follow-up {} closed: {}", f.case_number, one_line(outcome)),
            now,
        )?;
        let sql = format!("SELECT {COLUMNS} FROM followups WHERE id = ?1");
        self.conn.query_row(&sql, [f.id], row).map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::format_case;

    #[test]
    fn case_numbers_follow_the_format() {
        assert_eq!(format_case("CASE-{n:05}", 42), "CASE-00042");
        assert_eq!(format_case("#{n}", 7), "#7");
        assert_eq!(format_case("NW-{n:03}-X", 1234), "NW-1234-X");
    }
}
