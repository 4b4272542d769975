//! Ingest: new items join their threads, start the right clock, and bring back the thread's
//! items that were waiting on the customer.

use jiff::Timestamp;

use super::{Clock, NewItem, Tx, WHO_SYSTEM};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, Status};
use crate::sanitize::{clean, one_line};
use crate::store::{IngestReport, StoreResult};

/// Insert the items the store does not have yet (dedup by account and remote id; remote
/// text is sanitized first) and record the account's cursor and sync time.
pub(super) fn ingest<T: Tx>(
    tx: &mut T,
    account: &str,
    channel: ChannelKind,
    items: &[IncomingItem],
    cursor: Option<&str>,
    now: Timestamp,
) -> StoreResult<IngestReport> {
    let mut report = IngestReport::default();
    for it in items {
        ingest_one(tx, account, channel, it, now, &mut report)?;
    }
    tx.record_sync(account, channel, cursor, now)?;
    // A poll that brought nothing new is not worth a reload in every teammate's inbox.
    if !report.new_items.is_empty() || !report.reopened.is_empty() {
        tx.notify()?;
    }
    Ok(report)
}

fn ingest_one<T: Tx>(
    tx: &mut T,
    account: &str,
    channel: ChannelKind,
    it: &IncomingItem,
    now: Timestamp,
    report: &mut IngestReport,
) -> StoreResult<()> {
    let mut root = it
        .thread_root
        .clone()
        .unwrap_or_else(|| it.remote_id.clone());
    // An answer to a post we know (theirs or our reply) joins that post's thread.
    if let Some(parent) = &it.in_reply_to
        && let Some(known) = tx.thread_root_of(account, parent)?
    {
        root = known;
    }
    let cleaned = IncomingItem {
        url: it.url.as_deref().map(one_line),
        author: Author {
            handle: one_line(&it.author.handle),
            name: one_line(&it.author.name),
        },
        text: clean(&it.text),
        ..it.clone()
    };
    let new = NewItem {
        account,
        channel,
        item: &cleaned,
        thread_root: &root,
        // A thread we already answered: this message starts the next-response clock.
        answered: tx.thread_answered(account, &root)?,
        // Feed entries wait from when they were first seen, not from their date.
        waiting_since: if it.kind == Kind::Entry {
            now
        } else {
            it.created_at
        },
        now,
    };
    let Some(id) = tx.insert_item(&new)? else {
        return Ok(());
    };
    tx.history(id, now, WHO_SYSTEM, None, Status::New, "arrived")?;
    report.new_items.push(id);
    // The customer wrote again: earlier items of the thread waiting on them come back.
    for p in tx.pending_in_thread(account, &root, id)? {
        tx.clock(p, Clock::Resume, now)?;
        tx.write_status(p, Status::New)?;
        tx.history(
            p,
            now,
            WHO_SYSTEM,
            Some(Status::Pending),
            Status::New,
            "the customer wrote again",
        )?;
        report.reopened.push(p);
    }
    Ok(())
}
