//! SQLite's rows: its item columns, and reading a column for the shared mapping
//! ([`crate::store::rows`]), in the form rusqlite's `query_map` takes.

use rusqlite::Row;

use super::db;
use crate::model::{FollowUp, HistoryEntry, Item, OutboxEntry, ThreadEntry};
use crate::store::StoreResult;
use crate::store::rows::{self as shared, Col, Cols};
pub use crate::store::rows::{FOLLOWUP_COLUMNS, OUTBOX_COLUMNS, secs, ts};

pub const ITEM_COLUMNS: &str = "i.id, i.account, i.channel, i.kind, i.remote_id, i.url, i.author_handle, \
    i.author_name, i.text, i.created_at, i.first_seen_at, i.status, i.priority, i.tags, i.assignee, \
    i.thread_root, i.in_reply_to, i.visibility, i.timer_target, i.waiting_since, i.paused_secs, \
    i.paused_since, i.snoozed_until, i.first_response_at, i.read, \
    EXISTS (SELECT 1 FROM drafts d WHERE d.item_id = i.id)";

impl Cols for Row<'_> {
    fn col<T: Col>(&self, idx: usize) -> StoreResult<T> {
        self.get(idx).map_err(db)
    }
}

/// A shared mapper's error, carried through rusqlite (and shown as it was).
fn lift<T>(r: StoreResult<T>) -> rusqlite::Result<T> {
    r.map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub fn item(r: &Row<'_>) -> rusqlite::Result<Item> {
    lift(shared::item(r))
}

pub fn history(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    lift(shared::history(r))
}

pub fn thread_entry(r: &Row<'_>) -> rusqlite::Result<ThreadEntry> {
    lift(shared::thread_entry(r))
}

pub fn outbox_entry(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    lift(shared::outbox_entry(r))
}

pub fn followup(r: &Row<'_>) -> rusqlite::Result<FollowUp> {
    lift(shared::followup(r))
}
