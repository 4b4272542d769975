//! Ingest: new items join their threads, start the right clock, and bring back the thread's
//! items that were waiting on the customer.
//!
//! A batch is decided as if its items arrived one after another (an item answering an
//! earlier one of the same batch joins that one's thread; a remote id seen twice is one
//! item), but the store is asked once per batch ([`IngestTx`]), not once per item.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::{Clock, IngestTx, NewItem, WHO_SYSTEM};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, Status};
use crate::sanitize::{clean, one_line};
use crate::store::{IngestReport, StoreResult};

/// Insert the items the store does not have yet (dedup by account and remote id; remote
/// text is sanitized first) and record the account's cursor and sync time.
pub(super) fn ingest<T: IngestTx>(
    tx: &mut T,
    account: &str,
    channel: ChannelKind,
    items: &[IncomingItem],
    cursor: Option<&str>,
    now: Timestamp,
) -> StoreResult<IngestReport> {
    let mut report = IngestReport::default();
    if !items.is_empty() {
        ingest_batch(tx, account, channel, items, now, &mut report)?;
    }
    tx.record_sync(account, channel, cursor, now)?;
    // A poll that brought nothing new is not worth a reload in every teammate's inbox.
    if !report.new_items.is_empty() || !report.reopened.is_empty() {
        tx.notify()?;
    }
    Ok(report)
}

fn ingest_batch<T: IngestTx>(
    tx: &mut T,
    account: &str,
    channel: ChannelKind,
    items: &[IncomingItem],
    now: Timestamp,
    report: &mut IngestReport,
) -> StoreResult<()> {
    // What the store knows of the batch's posts: their own ids (dedup) and their parents.
    let mut asked: Vec<&str> = items
        .iter()
        .flat_map(|it| std::iter::once(&it.remote_id).chain(&it.in_reply_to))
        .map(String::as_str)
        .collect();
    asked.sort_unstable();
    asked.dedup();
    let known = tx.known_posts(account, &asked)?;
    // The items this batch adds (remote id → thread root), in order.
    let mut added: HashMap<&str, String> = HashMap::new();
    let mut fresh: Vec<(&IncomingItem, String)> = Vec::new();
    for it in items {
        let mut root = it
            .thread_root
            .clone()
            .unwrap_or_else(|| it.remote_id.clone());
        // An answer to a post we know (theirs, one of this batch, or our reply) joins that
        // post's thread.
        if let Some(parent) = &it.in_reply_to
            && let Some(known) = (known.items.get(parent))
                .or_else(|| added.get(parent.as_str()))
                .or_else(|| known.entries.get(parent))
        {
            root = known.clone();
        }
        if known.items.contains_key(&it.remote_id) || added.contains_key(it.remote_id.as_str()) {
            continue;
        }
        added.insert(&it.remote_id, root.clone());
        fresh.push((it, root));
    }
    if fresh.is_empty() {
        return Ok(());
    }
    let mut roots: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for (_, root) in &fresh {
        if seen.insert(root.as_str()) {
            roots.push(root);
        }
    }
    // Threads we already answered: their new messages start the next-response clock.
    let answered = tx.answered_threads(account, &roots)?;
    let cleaned: Vec<IncomingItem> = fresh.iter().map(|(it, _)| cleaned(it)).collect();
    let new: Vec<NewItem<'_>> = cleaned
        .iter()
        .zip(&fresh)
        .map(|(item, (it, root))| NewItem {
            account,
            channel,
            item,
            thread_root: root,
            answered: answered.contains(root),
            // Feed entries wait from when they were first seen, not from their date.
            waiting_since: if it.kind == Kind::Entry {
                now
            } else {
                it.created_at
            },
            now,
        })
        .collect();
    let ids = tx.insert_items(&new)?;
    let mut inserted_roots: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for (id, (_, root)) in ids.iter().zip(&fresh) {
        if let Some(id) = id {
            report.new_items.push(*id);
            if seen.insert(root.as_str()) {
                inserted_roots.push(root);
            }
        }
    }
    tx.arrived(&report.new_items, now)?;
    // The customer wrote again: earlier items of the thread waiting on them come back (by
    // the thread's first new message, in the order the batch brought the threads).
    let mut pending: HashMap<String, Vec<_>> = HashMap::new();
    for (root, id) in tx.pending_in_threads(account, &inserted_roots)? {
        pending.entry(root).or_default().push(id);
    }
    for root in inserted_roots {
        for &p in pending.get(root).into_iter().flatten() {
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
    }
    Ok(())
}

/// The item with its remote text made safe to show.
fn cleaned(it: &IncomingItem) -> IncomingItem {
    IncomingItem {
        url: it.url.as_deref().map(one_line),
        author: Author {
            handle: one_line(&it.author.handle),
            name: one_line(&it.author.name),
        },
        text: clean(&it.text),
        ..it.clone()
    }
}
