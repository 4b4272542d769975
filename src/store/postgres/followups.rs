//! Reading follow-ups in PostgreSQL (their writes are the store's rules).

use super::rows::{self, FOLLOWUP_COLUMNS};
use super::tx::open_followup;
use super::{PgStore, db};
use crate::model::{FollowUp, ItemId};
use crate::store::{FollowUpStore, StoreResult};

impl FollowUpStore for PgStore {
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
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

    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        open_followup(&mut self.client, id)
    }
}
