//! PostgreSQL's rows: its item columns (with the user's read position), and reading a column
//! for the shared mapping ([`crate::store::rows`]).

use postgres::Row;

use super::db;
use crate::store::StoreResult;
use crate::store::rows::{Col, Cols};
pub use crate::store::rows::{
    FOLLOWUP_COLUMNS, OUTBOX_COLUMNS, followup, history, item, outbox_entry, secs, thread_entry, ts,
};

/// The columns of an item row (`items i`); `$1` is the user whose read position is shown.
pub const ITEM_COLUMNS: &str = "i.id, i.account, i.channel, i.kind, i.remote_id, i.url, i.author_handle, \
    i.author_name, i.text, i.created_at, i.first_seen_at, i.status, i.priority, i.tags, i.assignee, \
    i.thread_root, i.in_reply_to, i.visibility, i.timer_target, i.waiting_since, i.paused_secs, \
    i.paused_since, i.snoozed_until, i.first_response_at, \
    EXISTS (SELECT 1 FROM item_reads r WHERE r.item_id = i.id AND r.who = $1::TEXT), \
    EXISTS (SELECT 1 FROM drafts d WHERE d.item_id = i.id)";

impl Cols for Row {
    fn col<T: Col>(&self, idx: usize) -> StoreResult<T> {
        self.try_get(idx).map_err(db)
    }
}

/// Map every row.
pub fn all<T>(rows: Vec<Row>, f: fn(&Row) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.iter().map(f).collect()
}
