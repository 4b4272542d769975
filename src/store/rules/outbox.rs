//! The outbox's rules: a reply is queued durably before any network call, and when it is sent
//! it is recorded on the item in the same transaction; a failed one can be queued again.

use jiff::Timestamp;

use super::{Transact, Tx, record_reply};
use crate::model::{ItemId, OutboxState};
use crate::store::{StoreError, StoreResult};

fn no_entry(id: i64) -> StoreError {
    StoreError::Db(format!("no outbox entry {id}"))
}

/// The outbox writes that follow the store's rules.
pub trait OutboxRules {
    /// Queue a reply (durable before any network call); the item's draft is deleted.
    fn enqueue_reply(
        &mut self,
        id: ItemId,
        text: &str,
        idempotency_key: &str,
        now: Timestamp,
    ) -> StoreResult<i64>;
    /// Sent: the entry records the remote id and the reply is recorded on the item
    /// ([`super::ItemRules::record_reply`]) as written by whoever queued it, in one transaction.
    fn outbox_mark_sent(
        &mut self,
        id: i64,
        remote_id: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()>;
    /// Queue a failed entry again, with new text if given, under a new idempotency key.
    fn outbox_requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        idempotency_key: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
}

impl<S: Transact> OutboxRules for S {
    fn enqueue_reply(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            tx.status_for_update(id)?;
            let oid = tx.insert_outbox(id, text, key, now)?;
            tx.delete_draft(id)?;
            tx.notify()?;
            Ok(oid)
        })
    }

    fn outbox_mark_sent(
        &mut self,
        id: i64,
        remote_id: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        self.write(|tx| {
            let e = tx.outbox_row(id)?.ok_or_else(|| no_entry(id))?;
            if e.state == OutboxState::Sent.as_str() {
                return Ok(());
            }
            tx.status_for_update(e.item)?;
            let item = tx.item(e.item)?;
            tx.outbox_sent(id, remote_id, sent_at)?;
            // The reply is recorded as written by whoever queued it, whichever instance sent it.
            let writer = e.queued_by.as_deref().unwrap_or(who);
            record_reply(tx, &item, remote_id, &e.text, writer, sent_at)?;
            tx.notify()
        })
    }

    fn outbox_requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.write(|tx| {
            let e = tx.outbox_row(id)?.ok_or_else(|| no_entry(id))?;
            if e.state != OutboxState::Failed.as_str() {
                return Err(StoreError::Db(format!(
                    "outbox entry {id} is {}, only failed replies can be resent",
                    e.state
                )));
            }
            // New text makes the requeuer its writer.
            tx.outbox_requeue(id, text.unwrap_or(&e.text), key, text.is_some(), now)?;
            tx.notify()
        })
    }
}
