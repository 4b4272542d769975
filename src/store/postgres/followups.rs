//! Follow-ups, the team's case-number sequence, and snoozing, in PostgreSQL. Each operation is
//! one transaction (the status change and the follow-up together).

use jiff::Timestamp;
use postgres::GenericClient;

use super::ops::set_status_tx;
use super::rows::{self, FOLLOWUP_COLUMNS, secs};
use super::{PgStore, db, notify_changed};
use crate::model::{FollowUp, FollowUpInput, ItemId, Status};
use crate::sanitize::one_line;
use crate::store::sqlite::format_case;
use crate::store::{StoreError, StoreResult};

/// The open follow-up of an item, if any.
pub(super) fn open_followup<C: GenericClient>(
    c: &mut C,
    id: ItemId,
) -> StoreResult<Option<FollowUp>> {
    let sql = format!(
        "SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE item_id = $1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1"
    );
    c.query_opt(&sql, &[&id.0])
        .map_err(db)?
        .map(|r| rows::followup(&r))
        .transpose()
}

fn followup_by_id<C: GenericClient>(c: &mut C, fid: i64) -> StoreResult<FollowUp> {
    let sql = format!("SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE id = $1");
    let row = c.query_one(&sql, &[&fid]).map_err(db)?;
    rows::followup(&row)
}

impl PgStore {
    pub(super) fn new_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        let mut tx = self.client.transaction().map_err(db)?;
        // Lock the item first: two teammates taking it offline at once get one follow-up.
        super::ops::status_of(&mut tx, id)?;
        if let Some(open) = open_followup(&mut tx, id)? {
            return Err(StoreError::Db(format!(
                "item {id} already has open follow-up {}",
                open.case_number
            )));
        }
        set_status_tx(
            &mut tx,
            id,
            Status::FollowUp,
            who,
            &format!("taken offline by {}", input.method),
            now,
        )?;
        // One counter for the whole team; the row lock orders concurrent cases.
        let n: i64 = tx
            .query_one(
                "INSERT INTO sequences (name, value) VALUES ('case', 1) \
                 ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
                &[],
            )
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        let case = format_case(case_format, n);
        let clean = |s: &Option<String>| s.as_deref().map(one_line).filter(|s| !s.is_empty());
        let note = input.note.as_deref().filter(|s| !s.trim().is_empty());
        let fid: i64 = tx
            .query_one(
                "INSERT INTO followups (item_id, case_number, method, contact, due_at, assignee, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &id.0,
                    &case,
                    &input.method.as_str(),
                    &clean(&input.contact),
                    &input.due_at.map(secs),
                    &clean(&input.assignee),
                    &note,
                    &secs(now),
                ],
            )
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        if let Some(a) = clean(&input.assignee) {
            tx.execute("UPDATE items SET assignee = $2 WHERE id = $1", &[&id.0, &a])
                .map_err(db)?;
        }
        let f = followup_by_id(&mut tx, fid)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(f)
    }

    pub(super) fn snooze_item(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let when = crate::channels::clock_time(&until);
        let mut tx = self.client.transaction().map_err(db)?;
        set_status_tx(
            &mut tx,
            id,
            Status::Snoozed,
            who,
            &format!("snoozed until {when}"),
            now,
        )?;
        tx.execute(
            "UPDATE items SET snoozed_until = $2 WHERE id = $1",
            &[&id.0, &secs(until)],
        )
        .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    pub(super) fn wake(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        let mut tx = self.client.transaction().map_err(db)?;
        // Another instance waking the same items skips them (it will not record them twice).
        let due = tx
            .query(
                "SELECT id FROM items WHERE status = 'snoozed' AND snoozed_until IS NOT NULL \
                 AND snoozed_until <= $1 ORDER BY id FOR UPDATE SKIP LOCKED",
                &[&secs(now)],
            )
            .map_err(db)?;
        let mut woken = Vec::new();
        for row in due {
            let id = ItemId(row.try_get(0).map_err(db)?);
            set_status_tx(&mut tx, id, Status::New, "tinbox", "snooze ended", now)?;
            tx.execute(
                "UPDATE items SET snoozed_until = NULL WHERE id = $1",
                &[&id.0],
            )
            .map_err(db)?;
            woken.push(id);
        }
        if !woken.is_empty() {
            notify_changed(&mut tx)?;
            tx.commit().map_err(db)?;
        }
        Ok(woken)
    }

    pub(super) fn list_followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
        let filter = if include_closed {
            "TRUE"
        } else {
            "closed_at IS NULL"
        };
        let sql = format!(
            "SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE {filter} ORDER BY due_at IS NULL, due_at, id"
        );
        let found = self.client.query(&sql, &[]).map_err(db)?;
        rows::all(found, rows::followup)
    }

    pub(super) fn close_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        let none_open = || StoreError::Db(format!("item {id} has no open follow-up"));
        let mut tx = self.client.transaction().map_err(db)?;
        // Nothing open (also: no such item) is the same answer as in the one-person store.
        open_followup(&mut tx, id)?.ok_or_else(none_open)?;
        super::ops::status_of(&mut tx, id)?;
        let f = open_followup(&mut tx, id)?.ok_or_else(none_open)?;
        tx.execute(
            "UPDATE followups SET outcome = $2, closed_at = $3 WHERE id = $1",
            &[&f.id, &one_line(outcome), &secs(now)],
        )
        .map_err(db)?;
        let next = if done { Status::Done } else { Status::Replied };
        set_status_tx(
            &mut tx,
            id,
            next,
            who,
            &format!("follow-up {} closed: {}", f.case_number, one_line(outcome)),
            now,
        )?;
        let closed = followup_by_id(&mut tx, f.id)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(closed)
    }
}
