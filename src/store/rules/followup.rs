//! Follow-ups (an item taken offline, with a case number) and snoozes: both move the item to a
//! status that pauses its clock, in the same transaction as their own record.

use jiff::Timestamp;

use super::status::set_status;
use super::{Field, Transact, Tx, WHO_SYSTEM};
use crate::model::{FollowUp, FollowUpInput, ItemId, Status};
use crate::sanitize::one_line;
use crate::store::rows::Cols;
use crate::store::sql::{Sql, args};
use crate::store::{StoreError, StoreResult};

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

/// The writes to follow-ups and snoozes that follow the store's rules.
pub trait FollowUpRules {
    /// Take an item offline: a follow-up with the next case number (`format` with `{n}`, e.g.
    /// `CASE-{n:05}` → `CASE-00042`); the item moves to `follow_up` (its clock pauses).
    fn create_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp>;
    /// Close the item's open follow-up with an outcome; `done` also marks the item done, else
    /// it goes back to its status before the follow-up (usually `new`, its clock running).
    fn resolve_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp>;
    /// Snooze an item until `until` (its clock pauses; [`FollowUpRules::wake_snoozed`] brings
    /// it back).
    fn snooze(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Items whose snooze has ended go back to `new`; returns them.
    fn wake_snoozed(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>>;
}

/// The open status an item had when it was last taken offline: `new`, `pending` or `replied`
/// (anything else, or no record, is `new`).
fn status_before_followup<T: Tx>(tx: &mut T, id: ItemId) -> StoreResult<Status> {
    let before: Option<String> = tx.opt(
        "SELECT COALESCE(from_status, 'new') FROM history WHERE item_id = ?1 \
         AND to_status = 'follow_up' ORDER BY at DESC, id DESC LIMIT 1",
        args![id.0],
        |r| r.col(0),
    )?;
    Ok(
        match before
            .as_deref()
            .map(str::parse::<Status>)
            .and_then(Result::ok)
        {
            Some(s @ (Status::New | Status::Pending | Status::Replied)) => s,
            _ => Status::New,
        },
    )
}

impl<S: Transact> FollowUpRules for S {
    fn create_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        let clean = |s: &Option<String>| s.as_deref().map(one_line).filter(|s| !s.is_empty());
        let input = FollowUpInput {
            method: input.method,
            contact: clean(&input.contact),
            due_at: input.due_at,
            assignee: clean(&input.assignee),
            note: input.note.clone().filter(|s| !s.trim().is_empty()),
        };
        let why = format!("taken offline by {}", input.method);
        self.write(|tx| {
            // Lock the item first: two teammates taking it offline at once get one follow-up.
            tx.status_for_update(id)?;
            if let Some(open) = tx.open_followup(id)? {
                return Err(StoreError::Db(format!(
                    "item {id} already has open follow-up {}",
                    open.case_number
                )));
            }
            set_status(tx, id, Status::FollowUp, who, &why, now)?;
            let case = format_case(case_format, tx.next_case()?);
            let fid = tx.insert_followup(id, &case, &input, now)?;
            if let Some(a) = &input.assignee {
                tx.set_field(id, Field::Assignee, Some(a))?;
            }
            tx.notify()?;
            tx.followup(fid)
        })
    }

    fn resolve_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        let none_open = || StoreError::Db(format!("item {id} has no open follow-up"));
        let outcome = one_line(outcome);
        self.write(|tx| {
            // Nothing open (also: no such item) is one answer; then the item is locked.
            tx.open_followup(id)?.ok_or_else(none_open)?;
            tx.status_for_update(id)?;
            let f = tx.open_followup(id)?.ok_or_else(none_open)?;
            tx.close_followup(f.id, &outcome, now)?;
            let current = tx.status_for_update(id)?;
            // Kept open: no reply was sent by closing the case, so the item goes back to what
            // it was before it went offline (its clock running again, a breach still counted).
            // Answered meanwhile (a reply makes it `replied`), it stays as it is.
            let next = match (done, current) {
                (true, _) => Status::Done,
                (false, Status::FollowUp) => status_before_followup(tx, id)?,
                (false, other) => other,
            };
            let why = format!("follow-up {} closed: {outcome}", f.case_number);
            if !set_status(tx, id, next, who, &why, now)? {
                tx.history(id, now, who, Some(current), current, &why)?;
            }
            tx.notify()?;
            tx.followup(f.id)
        })
    }

    fn snooze(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let why = format!("snoozed until {}", crate::channels::clock_time(&until));
        self.write(|tx| {
            set_status(tx, id, Status::Snoozed, who, &why, now)?;
            tx.set_snoozed_until(id, Some(until))?;
            tx.notify()
        })
    }

    fn wake_snoozed(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        self.write(|tx| {
            let due = tx.snoozed_due(now)?;
            for &id in &due {
                set_status(tx, id, Status::New, WHO_SYSTEM, "snooze ended", now)?;
                tx.set_snoozed_until(id, None)?;
            }
            Ok(due)
        })
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
