//! Reading follow-ups in SQLite (their writes are the store's rules).

use rusqlite::{Connection, OptionalExtension};

use super::rows::{self, FOLLOWUP_COLUMNS};
use super::{SqliteStore, db};
use crate::model::{FollowUp, ItemId};
use crate::store::{FollowUpStore, StoreResult};

/// The open follow-up of an item, if any.
pub(super) fn open_followup(c: &Connection, id: ItemId) -> StoreResult<Option<FollowUp>> {
    let sql = format!(
        "SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE item_id = ?1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1"
    );
    c.query_row(&sql, [id.0], rows::followup)
        .optional()
        .map_err(db)
}

impl FollowUpStore for SqliteStore {
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
        let filter = if include_closed {
            "1 = 1"
        } else {
            "closed_at IS NULL"
        };
        let sql = format!(
            "SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE {filter} ORDER BY due_at IS NULL, due_at, id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let rows = stmt.query_map([], rows::followup).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        open_followup(&self.conn, id)
    }
}
