//! The outbox's rules: a reply is queued durably before any network call, and when it is sent
//! it is recorded on the item in the same transaction; a failed one can be queued again.

use jiff::Timestamp;

use super::{Transact, Tx, record_reply};
use crate::channels::clock_time;
use crate::model::{ItemId, OutboxState};
use crate::store::sql::Sql;
use crate::store::{StoreError, StoreResult};

/// A reply that already answers an item's latest inbound message: the traffic cop's reason
/// for not queueing another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub who: String,
    /// When it was queued (sent, for a reply that did not go through the outbox).
    pub at: Timestamp,
    /// `queued`, `sending` or `sent`.
    pub state: OutboxState,
}

impl std::fmt::Display for Answered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (who, at) = (&self.who, clock_time(&self.at));
        match self.state {
            OutboxState::Sent => write!(f, "{who} already replied (at {at})"),
            OutboxState::Sending => write!(f, "{who} is sending a reply (queued at {at})"),
            _ => write!(f, "{who} has a reply queued (at {at})"),
        }
    }
}

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
    /// Take the right to answer the item's latest inbound message and queue the reply, in one
    /// step: of two responders (or scripts) at once, exactly one gets it. `Err(Answered)`, and
    /// nothing queued, when a reply to that message is already sent, being sent or queued.
    fn enqueue_first_reply(
        &mut self,
        id: ItemId,
        text: &str,
        idempotency_key: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<Result<i64, Answered>>;
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

    fn enqueue_first_reply(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<Result<i64, Answered>> {
        self.write(|tx| {
            let item = tx.item(id)?;
            // Every other taker of this thread waits here until we commit, then sees our entry.
            tx.lock_thread(&item.account, &item.thread_root)?;
            if let Some(a) = tx.answered_since_latest(&item.account, &item.thread_root, who)? {
                return Ok(Err(a));
            }
            let oid = tx.insert_outbox(id, text, key, now)?;
            tx.delete_draft(id)?;
            tx.notify()?;
            Ok(Ok(oid))
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
