//! The rules' primitives ([`Tx`]), written once in the common dialect ([`crate::store::sql`]):
//! every backend's transaction has them. "Locked" reads take row locks (`FOR UPDATE`) on PostgreSQL,
//! where several instances write at once; SQLite's one writer holds the whole store, so there
//! they are plain reads. Where the team store keeps more (who queued a reply, who sends it),
//! the statement says so.

use jiff::Timestamp;

use super::ingest_tx::{INSERT_ITEM, insert_args, words_of};
use super::{Answered, Clock, Field, NewItem, OutboxRow};
use crate::model::{ChannelKind, FollowUp, FollowUpInput, Item, ItemId, Status};
use crate::store::rows::{self, Cols, FOLLOWUP_COLUMNS, item_columns, secs, ts};
use crate::store::sql::{Sql, args};
use crate::store::{StoreError, StoreResult};

fn status(s: String) -> StoreResult<Status> {
    s.parse().map_err(StoreError::Db)
}

fn id(r: &impl rows::Cols) -> StoreResult<ItemId> {
    r.col(0).map(ItemId)
}

/// One item as the store's user sees it.
pub(crate) fn read_item<S: Sql>(s: &mut S, id: ItemId) -> StoreResult<Item> {
    let (cols, mut args) = item_columns(s);
    args.push(id.0.into());
    let sql = format!("SELECT {cols} FROM items i WHERE i.id = ?{}", args.len());
    s.opt(&sql, &args, |r| rows::item(r))?
        .ok_or(StoreError::NoSuchItem(id))
}

/// The open follow-up of an item, if any.
pub(crate) fn read_open_followup<S: Sql>(s: &mut S, id: ItemId) -> StoreResult<Option<FollowUp>> {
    let sql = format!(
        "SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE item_id = ?1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1"
    );
    s.opt(&sql, args![id.0], |r| rows::followup(r))
}

/// The primitives the rules need, each one statement of the backend's dialect inside the
/// transaction. Reads marked "locked" keep the rows locked until the transaction ends on a
/// store shared by several instances (PostgreSQL), so that changes to one item queue up.
pub trait Tx: Sql + Sized {
    /// The item's status (locked). No such item is [`crate::store::StoreError::NoSuchItem`].
    fn status_for_update(&mut self, id: ItemId) -> StoreResult<Status> {
        let sql = "SELECT status FROM items WHERE id = ?1 FOR UPDATE";
        status(
            self.opt(sql, args![id.0], |r| r.col(0))?
                .ok_or(StoreError::NoSuchItem(id))?,
        )
    }

    fn item(&mut self, id: ItemId) -> StoreResult<Item> {
        read_item(self, id)
    }

    /// The thread of a known post (an item or one of our replies) of the account.
    fn thread_root_of(&mut self, account: &str, remote_id: &str) -> StoreResult<Option<String>> {
        self.opt(
            "SELECT thread_root FROM (SELECT thread_root FROM items WHERE account = ?1 AND remote_id = ?2 \
             UNION ALL SELECT thread_root FROM thread_entries WHERE account = ?1 AND remote_id = ?2) AS t LIMIT 1",
            args![account, remote_id],
            |r| r.col(0),
        )
    }

    /// We replied in this thread before.
    fn thread_answered(&mut self, account: &str, root: &str) -> StoreResult<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM thread_entries WHERE account = ?1 AND thread_root = ?2 AND outbound)",
            args![account, root],
        )
    }

    /// Insert a `new` item; `None` when the account already has its remote id.
    fn insert_item(&mut self, new: &NewItem<'_>) -> StoreResult<Option<ItemId>> {
        // Dedup by (account, remote_id), also against an instance ingesting the same batch.
        let sql = format!("{INSERT_ITEM} RETURNING id");
        // The words search finds it by (`crate::store::search`).
        self.opt(&sql, &insert_args(new, words_of(new)), |r| id(r))
    }

    fn record_sync(
        &mut self,
        account: &str,
        channel: ChannelKind,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO accounts (name, channel, cursor, last_sync, last_error) VALUES (?1, ?2, ?3, ?4, NULL) \
             ON CONFLICT (name) DO UPDATE SET channel = EXCLUDED.channel, \
             cursor = COALESCE(EXCLUDED.cursor, accounts.cursor), last_sync = EXCLUDED.last_sync, last_error = NULL",
            args![account, channel.as_str(), cursor, secs(now)],
        )
        .map(drop)
    }

    fn pending_in_thread(
        &mut self,
        account: &str,
        root: &str,
        except: ItemId,
    ) -> StoreResult<Vec<ItemId>> {
        self.rows(
            "SELECT id FROM items WHERE account = ?1 AND thread_root = ?2 AND status = 'pending' AND id <> ?3 \
             ORDER BY id FOR UPDATE",
            args![account, root, except.0],
            |r| id(r),
        )
    }

    /// The item and the `new`/`pending` items of its thread up to it (locked), with statuses.
    fn answered_by(&mut self, item: &Item) -> StoreResult<Vec<(ItemId, Status)>> {
        self.rows(
            "SELECT id, status FROM items WHERE account = ?1 AND thread_root = ?2 AND status IN ('new', 'pending') \
             AND (created_at < ?3 OR (created_at = ?3 AND id <= ?4)) OR id = ?4 ORDER BY id FOR UPDATE",
            args![&item.account, &item.thread_root, secs(item.created_at), item.id.0],
            |r| Ok((id(r)?, status(r.col(1)?)?)),
        )
    }

    fn history(
        &mut self,
        id: ItemId,
        at: Timestamp,
        who: &str,
        from: Option<Status>,
        to: Status,
        why: &str,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO history (item_id, at, who, from_status, to_status, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![id.0, secs(at), who, from.map(|s| s.as_str()), to.as_str(), why],
        )
        .map(drop)
    }

    /// Move the item's response clock ([`Clock`]) at `at`.
    fn clock(&mut self, id: ItemId, change: Clock, at: Timestamp) -> StoreResult<()> {
        let sql = match change {
            Clock::Pause => {
                "UPDATE items SET paused_since = ?2 WHERE id = ?1 AND paused_since IS NULL"
            }
            Clock::Resume => {
                "UPDATE items SET paused_secs = paused_secs + GREATEST(0, ?2 - paused_since), paused_since = NULL \
                 WHERE id = ?1 AND paused_since IS NOT NULL"
            }
            Clock::Restart => {
                "UPDATE items SET waiting_since = ?2, paused_secs = 0, paused_since = NULL, timer_target = \
                 CASE WHEN first_response_at IS NULL THEN 'first_response' ELSE 'next_response' END WHERE id = ?1"
            }
            Clock::Replied => {
                "UPDATE items SET status = 'replied', waiting_since = NULL, paused_since = NULL, paused_secs = 0, \
                 snoozed_until = NULL, first_response_at = COALESCE(first_response_at, ?2) WHERE id = ?1"
            }
        };
        self.exec(sql, args![id.0, secs(at)]).map(drop)
    }

    /// Write the status; the wake time is kept only while snoozed.
    fn write_status(&mut self, id: ItemId, status: Status) -> StoreResult<()> {
        self.exec(
            "UPDATE items SET status = ?2, \
             snoozed_until = CASE WHEN ?2 = 'snoozed' THEN snoozed_until END WHERE id = ?1",
            args![id.0, status.as_str()],
        )
        .map(drop)
    }

    fn insert_reply(
        &mut self,
        item: &Item,
        remote_id: &str,
        text: &str,
        who: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO thread_entries (account, thread_root, item_id, remote_id, author_handle, author_name, text, created_at, outbound) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, TRUE)",
            args![&item.account, &item.thread_root, item.id.0, remote_id, who, text, secs(at)],
        )
        .map(drop)
    }

    fn delete_draft(&mut self, id: ItemId) -> StoreResult<()> {
        self.exec("DELETE FROM drafts WHERE item_id = ?1", args![id.0])
            .map(drop)
    }

    fn set_field(&mut self, id: ItemId, field: Field, value: Option<&str>) -> StoreResult<()> {
        let sql = format!("UPDATE items SET {} = ?2 WHERE id = ?1", field.column());
        self.exec(&sql, args![id.0, value]).map(drop)
    }

    fn set_snoozed_until(&mut self, id: ItemId, until: Option<Timestamp>) -> StoreResult<()> {
        let sql = "UPDATE items SET snoozed_until = ?2 WHERE id = ?1";
        self.exec(sql, args![id.0, until.map(secs)]).map(drop)
    }

    /// Snoozed items whose time is up (locked; items another instance holds are skipped).
    fn snoozed_due(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        // Another instance waking the same items skips them (it will not record them twice).
        self.rows(
            "SELECT id FROM items WHERE status = 'snoozed' AND snoozed_until IS NOT NULL \
             AND snoozed_until <= ?1 ORDER BY id FOR UPDATE SKIP LOCKED",
            args![secs(now)],
            |r| id(r),
        )
    }

    fn open_followup(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        read_open_followup(self, id)
    }

    fn followup(&mut self, followup_id: i64) -> StoreResult<FollowUp> {
        let sql = format!("SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE id = ?1");
        self.opt(&sql, args![followup_id], |r| rows::followup(r))?
            .ok_or_else(|| StoreError::Db(format!("no follow-up {followup_id}")))
    }

    /// The next case number (one counter per store).
    fn next_case(&mut self) -> StoreResult<i64> {
        // One counter for the whole store; on a team's, the row lock orders concurrent cases.
        self.one(
            "INSERT INTO sequences (name, value) VALUES ('case', 1) \
             ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
            &[],
        )
    }

    fn insert_followup(
        &mut self,
        id: ItemId,
        case_number: &str,
        input: &FollowUpInput,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.one(
            "INSERT INTO followups (item_id, case_number, method, contact, due_at, assignee, note, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            args![
                id.0,
                case_number,
                input.method.as_str(),
                &input.contact,
                input.due_at.map(secs),
                &input.assignee,
                &input.note,
                secs(now),
            ],
        )
    }

    fn close_followup(
        &mut self,
        followup_id: i64,
        outcome: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.exec(
            "UPDATE followups SET outcome = ?2, closed_at = ?3 WHERE id = ?1",
            args![followup_id, outcome, secs(now)],
        )
        .map(drop)
    }

    /// The outbox entry (locked), if any.
    fn outbox_row(&mut self, outbox_id: i64) -> StoreResult<Option<OutboxRow>> {
        // Only the team store records who queued an entry.
        let who = if self.user().is_some() {
            "queued_by"
        } else {
            "NULL"
        };
        let sql =
            format!("SELECT item_id, text, state, {who} FROM outbox WHERE id = ?1 FOR UPDATE");
        self.opt(&sql, args![outbox_id], |r| {
            Ok(OutboxRow {
                item: id(r)?,
                text: r.col(1)?,
                state: r.col(2)?,
                queued_by: r.col(3)?,
            })
        })
    }

    fn insert_outbox(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        let insert = "INSERT INTO outbox (item_id, text, idempotency_key, state, next_attempt_at, created_at, updated_at";
        match self.user() {
            Some(user) => self.one(
                &format!("{insert}, queued_by) VALUES (?1, ?2, ?3, 'queued', ?4, ?4, ?4, ?5) RETURNING id"),
                args![id.0, text, key, secs(now), user],
            ),
            None => self.one(
                &format!("{insert}) VALUES (?1, ?2, ?3, 'queued', ?4, ?4, ?4) RETURNING id"),
                args![id.0, text, key, secs(now)],
            ),
        }
    }

    fn outbox_sent(&mut self, outbox_id: i64, remote_id: &str, at: Timestamp) -> StoreResult<()> {
        self.exec(
            "UPDATE outbox SET state = 'sent', remote_id = ?2, last_error = NULL, updated_at = ?3 WHERE id = ?1",
            args![outbox_id, remote_id, secs(at)],
        )
        .map(drop)
    }

    fn outbox_requeue(
        &mut self,
        outbox_id: i64,
        text: &str,
        key: &str,
        new_writer: bool,
        now: Timestamp,
    ) -> StoreResult<()> {
        let set = "UPDATE outbox SET state = 'queued', text = ?2, idempotency_key = ?3, attempts = 0, \
                   next_attempt_at = ?4, updated_at = ?4";
        match self.user() {
            // The team store records the writer and frees the entry from its last sender.
            Some(user) => self.exec(
                &format!("{set}, queued_by = COALESCE(?5, queued_by), sender_instance = NULL WHERE id = ?1"),
                args![outbox_id, text, key, secs(now), new_writer.then_some(user.as_str())],
            ),
            // One user writes every reply of a one-person store: no writer to record.
            None => self.exec(
                &format!("{set} WHERE id = ?1"),
                args![outbox_id, text, key, secs(now)],
            ),
        }
        .map(drop)
    }

    /// Lock the items of a thread (in id order), so that deciding who answers it is one step.
    fn lock_thread(&mut self, account: &str, root: &str) -> StoreResult<()> {
        // SQLite's write transaction is immediate: it holds the store's one write lock already.
        if self.user().is_none() {
            return Ok(());
        }
        let sql =
            "SELECT id FROM items WHERE account = ?1 AND thread_root = ?2 ORDER BY id FOR UPDATE";
        self.rows(sql, args![account, root], |r| id(r)).map(drop)
    }

    fn answered_since_latest(
        &mut self,
        account: &str,
        root: &str,
        who: &str,
    ) -> StoreResult<Option<Answered>> {
        // Clocks count whole seconds: a customer's message that arrives in the second our reply
        // to an earlier one was queued is still unanswered, so an entry answers the latest
        // message when it was queued after it arrived or when it answers that very item.
        // Outbox entries are dated by the queuing side's clock, like an item's arrival; replies
        // that did not go through the outbox by the network's, like the item's own date. The
        // team store records who queued an entry; alone, it is the recorded reply's author,
        // or (still queued) `who`.
        let team = self.user().is_some();
        let (writer, join) = if team {
            ("o.queued_by", "")
        } else {
            (
                "COALESCE(te.author_handle, ?3)",
                "LEFT JOIN thread_entries te ON te.item_id = o.item_id AND te.remote_id = o.remote_id",
            )
        };
        let sql = format!(
            "SELECT who, at, state FROM ( \
               SELECT {writer} AS who, o.created_at AS at, o.state AS state \
               FROM outbox o JOIN items i ON i.id = o.item_id {join} \
               WHERE i.account = ?1 AND i.thread_root = ?2 AND o.state IN ('queued', 'sending', 'sent') \
               AND (o.created_at > (SELECT MAX(first_seen_at) FROM items WHERE account = ?1 AND thread_root = ?2) \
                 OR o.item_id = (SELECT id FROM items WHERE account = ?1 AND thread_root = ?2 \
                                 ORDER BY first_seen_at DESC, id DESC LIMIT 1)) \
               UNION ALL SELECT te.author_handle, te.created_at, 'sent' FROM thread_entries te \
               WHERE te.account = ?1 AND te.thread_root = ?2 AND te.outbound \
               AND te.created_at >= (SELECT MAX(created_at) FROM items WHERE account = ?1 AND thread_root = ?2) \
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
             ) AS replies ORDER BY at DESC LIMIT 1"
        );
        let args = if team {
            args![account, root].to_vec()
        } else {
            args![account, root, who].to_vec()
        };
        self.opt(&sql, &args, |r| {
            Ok(Answered {
                who: r.col(0)?,
                at: ts(r.col(1)?),
                state: r.col::<String>(2)?.parse().map_err(StoreError::Db)?,
            })
        })
    }
}

impl<S: Sql> Tx for S {}
