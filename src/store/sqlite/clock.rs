//! Clock bookkeeping shared by the store's operations: ending a pause, and recording a sent
//! reply (which stops the clocks of the conversation it answers).

use jiff::Timestamp;
use rusqlite::{Transaction, params};

use super::db;
use super::ops::history;
use super::rows::secs;
use crate::model::{Item, Status};
use crate::sanitize::clean;
use crate::store::{StoreError, StoreResult};

/// End a pause: add its length to `paused_secs`.
pub(super) fn resume_clock(tx: &Transaction<'_>, id: i64, now: Timestamp) -> StoreResult<()> {
    tx.execute(
        "UPDATE items SET paused_secs = paused_secs + MAX(0, ?2 - paused_since), paused_since = NULL \
         WHERE id = ?1 AND paused_since IS NOT NULL",
        params![id, secs(now)],
    )
    .map_err(db)?;
    Ok(())
}

/// Record a sent reply inside `tx`: an outbound thread entry; the item and the older
/// unanswered items of its thread become `replied`, their clocks stop, the first response
/// time is kept, and the draft is deleted.
pub(super) fn record_reply_tx(
    tx: &Transaction<'_>,
    item: &Item,
    remote_id: &str,
    text: &str,
    who: &str,
    sent_at: Timestamp,
) -> StoreResult<()> {
    let id = item.id;
    tx.execute(
        "INSERT INTO thread_entries (account, thread_root, item_id, remote_id, author_handle, author_name, text, created_at, outbound) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, 1)",
        params![item.account, item.thread_root, id.0, remote_id, who, clean(text), secs(sent_at)],
    )
    .map_err(db)?;
    // One reply answers the conversation up to this message.
    let mut stmt = tx
        .prepare(
            "SELECT id, status FROM items WHERE account = ?1 AND thread_root = ?2 AND status IN ('new', 'pending') \
             AND (created_at < ?3 OR (created_at = ?3 AND id <= ?4)) OR id = ?4",
        )
        .map_err(db)?;
    let answered: Vec<(i64, String)> = stmt
        .query_map(
            params![item.account, item.thread_root, secs(item.created_at), id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(db)?
        .collect::<Result<_, _>>()
        .map_err(db)?;
    drop(stmt);
    for (aid, from) in answered {
        let from: Status = from.parse().map_err(StoreError::Db)?;
        tx.execute(
            "UPDATE items SET status = 'replied', waiting_since = NULL, paused_since = NULL, paused_secs = 0, \
             snoozed_until = NULL, first_response_at = COALESCE(first_response_at, ?2) WHERE id = ?1",
            params![aid, secs(sent_at)],
        )
        .map_err(db)?;
        if from != Status::Replied {
            history(
                tx,
                aid,
                sent_at,
                who,
                Some(from),
                Status::Replied,
                "replied",
            )?;
        }
    }
    tx.execute("DELETE FROM drafts WHERE item_id = ?1", [id.0])
        .map_err(db)?;
    Ok(())
}
