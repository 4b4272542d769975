//! Reading follow-ups in PostgreSQL (their writes are the store's rules).

use postgres::GenericClient;

use super::rows::{self, FOLLOWUP_COLUMNS};
use super::{PgStore, db};
use crate::model::{FollowUp, ItemId};
use crate::store::{FollowUpStore, StoreResult};

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
