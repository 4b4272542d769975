//! `StoreBackend` for PostgreSQL: each method is one short transaction; each change tells the
//! other instances ([`notify_changed`]).

use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::{GenericClient, Transaction};

use super::rows::{self, ITEM_COLUMNS, secs};
use super::{PgStore, db, notify_changed};
use crate::model::{
    ChannelKind, FollowUp, FollowUpInput, HistoryEntry, IncomingItem, Item, ItemId, ItemRow, Kind,
    OutboxEntry, RowBuilder, Status, ThreadEntry,
};
use crate::sanitize::{clean, one_line};
use crate::store::{
    AccountRecord, Activity, Claim, IngestReport, ItemQuery, LeaseState, StoreBackend, StoreError,
    StoreResult,
};

pub(super) const WHO_SYSTEM: &str = "tinbox";

pub(super) fn history(
    tx: &mut Transaction<'_>,
    id: i64,
    at: Timestamp,
    who: &str,
    from: Option<Status>,
    to: Status,
    why: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO history (item_id, at, who, from_status, to_status, why) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id, &secs(at), &who, &from.map(|s| s.as_str()), &to.as_str(), &why],
    )
    .map_err(db)?;
    Ok(())
}

/// The item's status, its row locked until the transaction ends (changes to one item queue up).
pub(super) fn status_of(tx: &mut Transaction<'_>, id: ItemId) -> StoreResult<Status> {
    let row = tx
        .query_opt(
            "SELECT status FROM items WHERE id = $1 FOR UPDATE",
            &[&id.0],
        )
        .map_err(db)?
        .ok_or(StoreError::NoSuchItem(id))?;
    let s: String = row.try_get(0).map_err(db)?;
    s.parse::<Status>().map_err(StoreError::Db)
}

/// One item as `user` sees it (their read position).
pub(super) fn item_in<C: GenericClient>(c: &mut C, user: &str, id: ItemId) -> StoreResult<Item> {
    let row = c
        .query_opt(
            &format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = $2"),
            &[&user, &id.0],
        )
        .map_err(db)?
        .ok_or(StoreError::NoSuchItem(id))?;
    rows::item(&row)
}

/// End a pause: add its length to `paused_secs`.
pub(super) fn resume_clock(tx: &mut Transaction<'_>, id: i64, now: Timestamp) -> StoreResult<()> {
    tx.execute(
        "UPDATE items SET paused_secs = paused_secs + GREATEST(0, $2 - paused_since), paused_since = NULL \
         WHERE id = $1 AND paused_since IS NOT NULL",
        &[&id, &secs(now)],
    )
    .map_err(db)?;
    Ok(())
}

/// [`StoreBackend::set_status`] inside `tx`; `false` when the item already had that status.
pub(super) fn set_status_tx(
    tx: &mut Transaction<'_>,
    id: ItemId,
    status: Status,
    who: &str,
    why: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let from = status_of(tx, id)?;
    if from == status {
        return Ok(false);
    }
    let pauses = |s: Status| matches!(s, Status::Pending | Status::Snoozed | Status::FollowUp);
    if pauses(from) && !pauses(status) {
        resume_clock(tx, id.0, now)?;
    }
    if pauses(status) && !pauses(from) {
        tx.execute(
            "UPDATE items SET paused_since = $2 WHERE id = $1 AND paused_since IS NULL",
            &[&id.0, &secs(now)],
        )
        .map_err(db)?;
    }
    if status == Status::New && matches!(from, Status::Done | Status::Ignored | Status::Replied) {
        // Reopened by hand: a fresh clock, measuring the next response if we answered before.
        tx.execute(
            "UPDATE items SET waiting_since = $2, paused_secs = 0, paused_since = NULL, timer_target = \
             CASE WHEN first_response_at IS NULL THEN 'first_response' ELSE 'next_response' END WHERE id = $1",
            &[&id.0, &secs(now)],
        )
        .map_err(db)?;
    }
    tx.execute(
        "UPDATE items SET status = $2, \
         snoozed_until = CASE WHEN $2 = 'snoozed' THEN snoozed_until END WHERE id = $1",
        &[&id.0, &status.as_str()],
    )
    .map_err(db)?;
    history(tx, id.0, now, who, Some(from), status, why)?;
    Ok(true)
}

/// Record a sent reply inside `tx`: an outbound thread entry; the item and the older
/// unanswered items of its thread become `replied`, their clocks stop, the first response
/// time is kept, and the draft is deleted.
pub(super) fn record_reply_tx(
    tx: &mut Transaction<'_>,
    item: &Item,
    remote_id: &str,
    text: &str,
    who: &str,
    sent_at: Timestamp,
) -> StoreResult<()> {
    let id = item.id;
    tx.execute(
        "INSERT INTO thread_entries (account, thread_root, item_id, remote_id, author_handle, author_name, text, created_at, outbound) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, TRUE)",
        &[&item.account, &item.thread_root, &id.0, &remote_id, &who, &clean(text), &secs(sent_at)],
    )
    .map_err(db)?;
    // One reply answers the conversation up to this message.
    let answered = tx
        .query(
            "SELECT id, status FROM items WHERE account = $1 AND thread_root = $2 AND status IN ('new', 'pending') \
             AND (created_at < $3 OR (created_at = $3 AND id <= $4)) OR id = $4 ORDER BY id FOR UPDATE",
            &[&item.account, &item.thread_root, &secs(item.created_at), &id.0],
        )
        .map_err(db)?;
    for row in answered {
        let aid: i64 = row.try_get(0).map_err(db)?;
        let from: String = row.try_get(1).map_err(db)?;
        let from: Status = from.parse().map_err(StoreError::Db)?;
        tx.execute(
            "UPDATE items SET status = 'replied', waiting_since = NULL, paused_since = NULL, paused_secs = 0, \
             snoozed_until = NULL, first_response_at = COALESCE(first_response_at, $2) WHERE id = $1",
            &[&aid, &secs(sent_at)],
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
    tx.execute("DELETE FROM drafts WHERE item_id = $1", &[&id.0])
        .map_err(db)?;
    Ok(())
}

fn ingest_one(
    tx: &mut Transaction<'_>,
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
    if let Some(parent) = &it.in_reply_to {
        let known = tx
            .query_opt(
                "(SELECT thread_root FROM items WHERE account = $1 AND remote_id = $2 \
                 UNION ALL SELECT thread_root FROM thread_entries WHERE account = $1 AND remote_id = $2) LIMIT 1",
                &[&account, parent],
            )
            .map_err(db)?;
        if let Some(r) = known {
            root = r.try_get(0).map_err(db)?;
        }
    }
    // A thread we already answered: this message starts the next-response clock.
    let answered: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM thread_entries WHERE account = $1 AND thread_root = $2 AND outbound)",
            &[&account, &root],
        )
        .map_err(db)?
        .try_get(0)
        .map_err(db)?;
    let target = if answered {
        "next_response"
    } else {
        "first_response"
    };
    // Feed entries wait from when they were first seen, not from their date.
    let waiting = secs(if it.kind == Kind::Entry {
        now
    } else {
        it.created_at
    });
    // Dedup by (account, remote_id), also against an instance ingesting the same batch.
    let inserted = tx
        .query_opt(
            "INSERT INTO items (account, channel, kind, remote_id, url, author_handle, author_name, text, created_at, \
             first_seen_at, status, thread_root, in_reply_to, visibility, timer_target, waiting_since) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11, $12, $13, $14, $15) \
             ON CONFLICT (account, remote_id) DO NOTHING RETURNING id",
            &[
                &account,
                &channel.as_str(),
                &it.kind.as_str(),
                &it.remote_id,
                &it.url.as_deref().map(one_line),
                &one_line(&it.author.handle),
                &one_line(&it.author.name),
                &clean(&it.text),
                &secs(it.created_at),
                &secs(now),
                &root,
                &it.in_reply_to,
                &it.visibility.as_str(),
                &target,
                &waiting,
            ],
        )
        .map_err(db)?;
    let Some(row) = inserted else {
        return Ok(());
    };
    let id: i64 = row.try_get(0).map_err(db)?;
    history(tx, id, now, WHO_SYSTEM, None, Status::New, "arrived")?;
    report.new_items.push(ItemId(id));
    // The customer wrote again: earlier items of the thread waiting on them come back.
    let pending = tx
        .query(
            "SELECT id FROM items WHERE account = $1 AND thread_root = $2 AND status = 'pending' AND id <> $3 \
             ORDER BY id FOR UPDATE",
            &[&account, &root, &id],
        )
        .map_err(db)?;
    for row in pending {
        let p: i64 = row.try_get(0).map_err(db)?;
        resume_clock(tx, p, now)?;
        tx.execute("UPDATE items SET status = 'new' WHERE id = $1", &[&p])
            .map_err(db)?;
        history(
            tx,
            p,
            now,
            WHO_SYSTEM,
            Some(Status::Pending),
            Status::New,
            "the customer wrote again",
        )?;
        report.reopened.push(ItemId(p));
    }
    Ok(())
}

impl StoreBackend for PgStore {
    fn ingest(
        &mut self,
        account: &str,
        channel: ChannelKind,
        items: &[IncomingItem],
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<IngestReport> {
        let mut tx = self.client.transaction().map_err(db)?;
        let mut report = IngestReport::default();
        for it in items {
            ingest_one(&mut tx, account, channel, it, now, &mut report)?;
        }
        tx.execute(
            "INSERT INTO accounts (name, channel, cursor, last_sync, last_error) VALUES ($1, $2, $3, $4, NULL) \
             ON CONFLICT (name) DO UPDATE SET channel = EXCLUDED.channel, \
             cursor = COALESCE(EXCLUDED.cursor, accounts.cursor), last_sync = EXCLUDED.last_sync, last_error = NULL",
            &[&account, &channel.as_str(), &cursor, &secs(now)],
        )
        .map_err(db)?;
        // A poll that brought nothing new is not worth a reload in every teammate's inbox.
        if !report.new_items.is_empty() || !report.reopened.is_empty() {
            notify_changed(&mut tx)?;
        }
        tx.commit().map_err(db)?;
        Ok(report)
    }

    fn record_sync_error(
        &mut self,
        account: &str,
        channel: ChannelKind,
        error: &str,
        _now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO accounts (name, channel, last_error) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET last_error = EXCLUDED.last_error",
            &[&account, &channel.as_str(), &one_line(error)],
        )
        .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn account(&mut self, name: &str) -> StoreResult<Option<AccountRecord>> {
        Ok(self.accounts()?.into_iter().find(|a| a.name == name))
    }

    fn accounts(&mut self) -> StoreResult<Vec<AccountRecord>> {
        let rows = self
            .client
            .query(
                "SELECT name, channel, cursor, last_sync, last_error FROM accounts ORDER BY name",
                &[],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                let channel: String = r.try_get(1).map_err(db)?;
                Ok(AccountRecord {
                    name: r.try_get(0).map_err(db)?,
                    channel: channel.parse().unwrap_or(ChannelKind::Demo),
                    cursor: r.try_get(2).map_err(db)?,
                    last_sync: r.try_get::<_, Option<i64>>(3).map_err(db)?.map(rows::ts),
                    last_error: r.try_get(4).map_err(db)?,
                })
            })
            .collect()
    }

    fn list_items(&mut self, query: &ItemQuery) -> StoreResult<Vec<Item>> {
        self.each_item(query, |item| item)
    }

    fn list_rows(&mut self, query: &ItemQuery, rows: &mut RowBuilder) -> StoreResult<Vec<ItemRow>> {
        let list = self.each_item(query, |item| rows.row(&item))?;
        rows.finish();
        Ok(list)
    }

    fn item(&mut self, id: ItemId) -> StoreResult<Item> {
        item_in(&mut self.client, &self.opts.user, id)
    }

    fn thread(&mut self, id: ItemId) -> StoreResult<Vec<ThreadEntry>> {
        let item = self.item(id)?;
        let found = self
            .client
            .query(
                "SELECT remote_id, author_handle, author_name, text, created_at, FALSE, id, 0::BIGINT AS seq FROM items \
                 WHERE account = $1 AND thread_root = $2 \
                 UNION ALL SELECT remote_id, author_handle, author_name, text, created_at, TRUE, NULL::BIGINT, id \
                 FROM thread_entries WHERE account = $1 AND thread_root = $2 ORDER BY 5, 8, 7",
                &[&item.account, &item.thread_root],
            )
            .map_err(db)?;
        rows::all(found, rows::thread_entry)
    }

    fn history(&mut self, id: ItemId) -> StoreResult<Vec<HistoryEntry>> {
        let found = self
            .client
            .query(
                "SELECT at, who, from_status, to_status, why FROM history WHERE item_id = $1 ORDER BY at, id",
                &[&id.0],
            )
            .map_err(db)?;
        rows::all(found, rows::history)
    }

    fn set_status(
        &mut self,
        id: ItemId,
        status: Status,
        who: &str,
        why: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        if set_status_tx(&mut tx, id, status, who, why, now)? {
            notify_changed(&mut tx)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }

    fn set_read(&mut self, id: ItemId, read: bool) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        status_of(&mut tx, id)?;
        if read {
            tx.execute(
                "INSERT INTO item_reads (item_id, who) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&id.0, &self.opts.user],
            )
        } else {
            tx.execute(
                "DELETE FROM item_reads WHERE item_id = $1 AND who = $2",
                &[&id.0, &self.opts.user],
            )
        }
        .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn record_reply(
        &mut self,
        id: ItemId,
        remote_id: &str,
        text: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        status_of(&mut tx, id)?;
        let item = item_in(&mut tx, &self.opts.user, id)?;
        record_reply_tx(&mut tx, &item, remote_id, text, who, sent_at)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn save_draft(&mut self, id: ItemId, text: &str, now: Timestamp) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        if text.trim().is_empty() {
            tx.execute("DELETE FROM drafts WHERE item_id = $1", &[&id.0])
                .map_err(db)?;
        } else {
            tx.execute(
                "INSERT INTO drafts (item_id, text, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (item_id) DO UPDATE SET text = EXCLUDED.text, updated_at = EXCLUDED.updated_at",
                &[&id.0, &text, &secs(now)],
            )
            .map_err(|e| {
                if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
                    StoreError::NoSuchItem(id)
                } else {
                    db(e)
                }
            })?;
        }
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn draft(&mut self, id: ItemId) -> StoreResult<Option<String>> {
        self.client
            .query_opt("SELECT text FROM drafts WHERE item_id = $1", &[&id.0])
            .map_err(db)?
            .map(|r| r.try_get(0).map_err(db))
            .transpose()
    }

    fn draft_count(&mut self) -> StoreResult<usize> {
        let n: i64 = self
            .client
            .query_one("SELECT COUNT(*) FROM drafts", &[])
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn enqueue_reply(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.enqueue(id, text, key, now)
    }
    fn outbox_due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        self.due(now)
    }
    fn outbox_next_due(&mut self) -> StoreResult<Option<Timestamp>> {
        self.next_due()
    }
    fn outbox(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        self.list(include_sent)
    }
    fn outbox_entry(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        self.get(id)
    }
    fn outbox_mark_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        self.sending(id, now)
    }
    fn activity_since(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<Activity>> {
        self.activity(id, since, who)
    }
    fn first_responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>> {
        self.team_first_responders(since)
    }
    fn lease_account(&mut self, account: &str, now: Timestamp) -> StoreResult<LeaseState> {
        self.team_lease(account, now)
    }
    fn claim_item(&mut self, id: ItemId, who: &str, now: Timestamp) -> StoreResult<Vec<Claim>> {
        self.team_claim(id, who, now)
    }
    fn release_claim(&mut self, id: ItemId, who: &str) -> StoreResult<()> {
        self.team_release(id, who)
    }
    fn claims(&mut self) -> StoreResult<Vec<Claim>> {
        self.team_claims()
    }
    fn heal(&mut self) {
        if self.client.is_closed() {
            match PgStore::connect(&self.opts) {
                Ok(c) => {
                    tracing::info!("team store: reconnected");
                    self.client = c;
                }
                Err(e) => tracing::warn!("team store: reconnecting: {e}"),
            }
        }
    }
    fn subscribe(&mut self) -> Option<std::sync::mpsc::Receiver<crate::store::StoreEvent>> {
        self.team_subscribe()
    }
    fn shared_templates(&mut self) -> StoreResult<Vec<(String, String)>> {
        self.team_templates()
    }
    fn share_template(
        &mut self,
        name: &str,
        body: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.team_share_template(name, body, who, now)
    }
    fn outbox_mark_sent(
        &mut self,
        id: i64,
        remote_id: &str,
        _who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        // The reply is recorded as written by whoever queued it, whichever instance sent it.
        self.sent(id, remote_id, sent_at)
    }
    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        self.retry(id, error, next_at)
    }
    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        self.failed(id, error, now)
    }
    fn outbox_requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.requeue(id, text, key, now)
    }
    fn create_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        self.new_followup(id, input, case_format, who, now)
    }
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
        self.list_followups(include_closed)
    }
    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        super::followups::open_followup(&mut self.client, id)
    }
    fn resolve_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        self.close_followup(id, outcome, done, who, now)
    }
    fn snooze(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.snooze_item(id, until, who, now)
    }
    fn wake_snoozed(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        self.wake(now)
    }
    fn set_priority(
        &mut self,
        id: ItemId,
        priority: crate::model::Priority,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.change(
            id,
            "UPDATE items SET priority = $2 WHERE id = $1",
            Some(priority.as_str()),
            who,
            now,
            &format!("priority {priority}"),
        )
    }
    fn set_tags(
        &mut self,
        id: ItemId,
        tags: &[String],
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let tags: Vec<String> = tags
            .iter()
            .map(|t| one_line(t))
            .filter(|t| !t.is_empty())
            .collect();
        let json = serde_json::to_string(&tags).map_err(|e| StoreError::Db(e.to_string()))?;
        self.change(
            id,
            "UPDATE items SET tags = $2 WHERE id = $1",
            Some(&json),
            who,
            now,
            &format!("tags: {}", tags.join(", ")),
        )
    }
    fn add_note(&mut self, id: ItemId, text: &str, who: &str, now: Timestamp) -> StoreResult<()> {
        let why = format!("note: {}", clean(text));
        let mut tx = self.client.transaction().map_err(db)?;
        let status = status_of(&mut tx, id)?;
        history(&mut tx, id.0, now, who, Some(status), status, &why)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }
    fn set_assignee(
        &mut self,
        id: ItemId,
        assignee: Option<&str>,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let a = assignee.map(one_line).filter(|a| !a.is_empty());
        let why = match &a {
            Some(a) => format!("assigned to {a}"),
            None => "unassigned".to_string(),
        };
        self.change(
            id,
            "UPDATE items SET assignee = $2 WHERE id = $1",
            a.as_deref(),
            who,
            now,
            &why,
        )
    }
}

impl PgStore {
    /// Update one text column of an item (`sql` with `$1` = id, `$2` = value) and record why in
    /// its history, in one transaction.
    fn change(
        &mut self,
        id: ItemId,
        sql: &str,
        value: Option<&str>,
        who: &str,
        now: Timestamp,
        why: &str,
    ) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        let status = status_of(&mut tx, id)?;
        tx.execute(sql, &[&id.0, &value]).map_err(db)?;
        history(&mut tx, id.0, now, who, Some(status), status, why)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }
}
