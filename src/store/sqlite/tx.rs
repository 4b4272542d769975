//! The rules' primitives ([`Tx`]) in SQLite's dialect. One writer at a time holds the store,
//! so no row is locked: "locked" reads are plain reads.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Transaction, params};

use super::rows::{self, FOLLOWUP_COLUMNS, ITEM_COLUMNS, secs};
use super::{SqliteStore, db};
use crate::model::{ChannelKind, FollowUp, FollowUpInput, Item, ItemId, Status};
use crate::store::rules::{Answered, Clock, Field, NewItem, OutboxRow, Transact, Tx};
use crate::store::{StoreError, StoreResult};

impl Transact for SqliteStore {
    type Tx<'t> = Transaction<'t>;

    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        // Immediate: the write lock is taken before the first read, so what a transaction
        // decides on is what it writes over (two programs at once queue up; neither fails).
        let mut tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let out = f(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(out)
    }
}

/// The first column of every row, collected.
fn ids(tx: &Transaction<'_>, sql: &str, args: impl rusqlite::Params) -> StoreResult<Vec<ItemId>> {
    let mut stmt = tx.prepare(sql).map_err(db)?;
    let rows = stmt.query_map(args, |r| r.get(0).map(ItemId)).map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

/// One statement whose row count does not matter.
fn run(tx: &Transaction<'_>, sql: &str, args: impl rusqlite::Params) -> StoreResult<()> {
    tx.execute(sql, args).map(drop).map_err(db)
}

fn status(s: String) -> StoreResult<Status> {
    s.parse().map_err(StoreError::Db)
}

impl Tx for Transaction<'_> {
    fn status_for_update(&mut self, id: ItemId) -> StoreResult<Status> {
        let s: Option<String> = self
            .query_row("SELECT status FROM items WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        status(s.ok_or(StoreError::NoSuchItem(id))?)
    }

    fn item(&mut self, id: ItemId) -> StoreResult<Item> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = ?1");
        self.query_row(&sql, [id.0], rows::item)
            .optional()
            .map_err(db)?
            .ok_or(StoreError::NoSuchItem(id))
    }

    fn thread_root_of(&mut self, account: &str, remote_id: &str) -> StoreResult<Option<String>> {
        self.query_row(
            "SELECT thread_root FROM items WHERE account = ?1 AND remote_id = ?2 \
             UNION ALL SELECT thread_root FROM thread_entries WHERE account = ?1 AND remote_id = ?2 LIMIT 1",
            params![account, remote_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)
    }

    fn thread_answered(&mut self, account: &str, root: &str) -> StoreResult<bool> {
        self.query_row(
            "SELECT EXISTS (SELECT 1 FROM thread_entries WHERE account = ?1 AND thread_root = ?2 AND outbound = 1)",
            params![account, root],
            |r| r.get(0),
        )
        .map_err(db)
    }

    fn insert_item(&mut self, new: &NewItem<'_>) -> StoreResult<Option<ItemId>> {
        let it = new.item;
        let exists: bool = self
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE account = ?1 AND remote_id = ?2)",
                params![new.account, it.remote_id],
                |r| r.get(0),
            )
            .map_err(db)?;
        if exists {
            return Ok(None);
        }
        let target = if new.answered {
            "next_response"
        } else {
            "first_response"
        };
        self.execute(
            "INSERT INTO items (account, channel, kind, remote_id, url, author_handle, author_name, text, created_at, \
             first_seen_at, status, thread_root, in_reply_to, visibility, timer_target, waiting_since) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'new', ?11, ?12, ?13, ?14, ?15)",
            params![
                new.account,
                new.channel.as_str(),
                it.kind.as_str(),
                it.remote_id,
                it.url,
                it.author.handle,
                it.author.name,
                it.text,
                secs(it.created_at),
                secs(new.now),
                new.thread_root,
                it.in_reply_to,
                it.visibility.as_str(),
                target,
                secs(new.waiting_since),
            ],
        )
        .map_err(db)?;
        Ok(Some(ItemId(self.last_insert_rowid())))
    }

    fn record_sync(
        &mut self,
        account: &str,
        channel: ChannelKind,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<()> {
        run(
            self,
            "INSERT INTO accounts (name, channel, cursor, last_sync, last_error) VALUES (?1, ?2, ?3, ?4, NULL) \
             ON CONFLICT (name) DO UPDATE SET channel = ?2, cursor = COALESCE(?3, cursor), last_sync = ?4, last_error = NULL",
            params![account, channel.as_str(), cursor, secs(now)],
        )
    }

    fn pending_in_thread(
        &mut self,
        account: &str,
        root: &str,
        except: ItemId,
    ) -> StoreResult<Vec<ItemId>> {
        ids(
            self,
            "SELECT id FROM items WHERE account = ?1 AND thread_root = ?2 AND status = 'pending' AND id <> ?3 ORDER BY id",
            params![account, root, except.0],
        )
    }

    fn answered_by(&mut self, item: &Item) -> StoreResult<Vec<(ItemId, Status)>> {
        let mut stmt = self
            .prepare(
                "SELECT id, status FROM items WHERE account = ?1 AND thread_root = ?2 AND status IN ('new', 'pending') \
                 AND (created_at < ?3 OR (created_at = ?3 AND id <= ?4)) OR id = ?4 ORDER BY id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(
                params![
                    item.account,
                    item.thread_root,
                    secs(item.created_at),
                    item.id.0
                ],
                |r| Ok((ItemId(r.get(0)?), r.get::<_, String>(1)?)),
            )
            .map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            let (id, s) = r.map_err(db)?;
            out.push((id, status(s)?));
        }
        Ok(out)
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
        run(
            self,
            "INSERT INTO history (item_id, at, who, from_status, to_status, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.0,
                secs(at),
                who,
                from.map(|s| s.as_str()),
                to.as_str(),
                why
            ],
        )
    }

    fn clock(&mut self, id: ItemId, change: Clock, at: Timestamp) -> StoreResult<()> {
        let sql = match change {
            Clock::Pause => {
                "UPDATE items SET paused_since = ?2 WHERE id = ?1 AND paused_since IS NULL"
            }
            Clock::Resume => {
                "UPDATE items SET paused_secs = paused_secs + MAX(0, ?2 - paused_since), paused_since = NULL \
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
        run(self, sql, params![id.0, secs(at)])
    }

    fn write_status(&mut self, id: ItemId, status: Status) -> StoreResult<()> {
        run(
            self,
            "UPDATE items SET status = ?2, \
             snoozed_until = CASE WHEN ?2 = 'snoozed' THEN snoozed_until END WHERE id = ?1",
            params![id.0, status.as_str()],
        )
    }

    fn insert_reply(
        &mut self,
        item: &Item,
        remote_id: &str,
        text: &str,
        who: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        run(
            self,
            "INSERT INTO thread_entries (account, thread_root, item_id, remote_id, author_handle, author_name, text, created_at, outbound) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, 1)",
            params![
                item.account,
                item.thread_root,
                item.id.0,
                remote_id,
                who,
                text,
                secs(at)
            ],
        )
    }

    fn delete_draft(&mut self, id: ItemId) -> StoreResult<()> {
        run(self, "DELETE FROM drafts WHERE item_id = ?1", [id.0])
    }

    fn set_field(&mut self, id: ItemId, field: Field, value: Option<&str>) -> StoreResult<()> {
        let sql = format!("UPDATE items SET {} = ?2 WHERE id = ?1", field.column());
        run(self, &sql, params![id.0, value])
    }

    fn set_snoozed_until(&mut self, id: ItemId, until: Option<Timestamp>) -> StoreResult<()> {
        run(
            self,
            "UPDATE items SET snoozed_until = ?2 WHERE id = ?1",
            params![id.0, until.map(secs)],
        )
    }

    fn snoozed_due(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        ids(
            self,
            "SELECT id FROM items WHERE status = 'snoozed' AND snoozed_until IS NOT NULL \
             AND snoozed_until <= ?1 ORDER BY id",
            [secs(now)],
        )
    }

    fn open_followup(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        super::followups::open_followup(self, id)
    }

    fn followup(&mut self, followup_id: i64) -> StoreResult<FollowUp> {
        let sql = format!("SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE id = ?1");
        self.query_row(&sql, [followup_id], rows::followup)
            .map_err(db)
    }

    fn next_case(&mut self) -> StoreResult<i64> {
        self.execute(
            "INSERT INTO sequences (name, value) VALUES ('case', 1) \
             ON CONFLICT (name) DO UPDATE SET value = value + 1",
            [],
        )
        .map_err(db)?;
        self.query_row("SELECT value FROM sequences WHERE name = 'case'", [], |r| {
            r.get(0)
        })
        .map_err(db)
    }

    fn insert_followup(
        &mut self,
        id: ItemId,
        case_number: &str,
        input: &FollowUpInput,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.execute(
            "INSERT INTO followups (item_id, case_number, method, contact, due_at, assignee, note, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.0,
                case_number,
                input.method.as_str(),
                input.contact,
                input.due_at.map(secs),
                input.assignee,
                input.note,
                secs(now)
            ],
        )
        .map_err(db)?;
        Ok(self.last_insert_rowid())
    }

    fn close_followup(
        &mut self,
        followup_id: i64,
        outcome: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        run(
            self,
            "UPDATE followups SET outcome = ?2, closed_at = ?3 WHERE id = ?1",
            params![followup_id, outcome, secs(now)],
        )
    }

    fn outbox_row(&mut self, outbox_id: i64) -> StoreResult<Option<OutboxRow>> {
        self.query_row(
            "SELECT item_id, text, state FROM outbox WHERE id = ?1",
            [outbox_id],
            |r| {
                Ok(OutboxRow {
                    item: ItemId(r.get(0)?),
                    text: r.get(1)?,
                    state: r.get(2)?,
                    queued_by: None,
                })
            },
        )
        .optional()
        .map_err(db)
    }

    fn insert_outbox(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.execute(
            "INSERT INTO outbox (item_id, text, idempotency_key, state, next_attempt_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'queued', ?4, ?4, ?4)",
            params![id.0, text, key, secs(now)],
        )
        .map_err(db)?;
        Ok(self.last_insert_rowid())
    }

    fn outbox_sent(&mut self, outbox_id: i64, remote_id: &str, at: Timestamp) -> StoreResult<()> {
        run(
            self,
            "UPDATE outbox SET state = 'sent', remote_id = ?2, last_error = NULL, updated_at = ?3 WHERE id = ?1",
            params![outbox_id, remote_id, secs(at)],
        )
    }

    fn outbox_requeue(
        &mut self,
        outbox_id: i64,
        text: &str,
        key: &str,
        _new_writer: bool,
        now: Timestamp,
    ) -> StoreResult<()> {
        // One user writes every reply of a one-person store: no writer to record.
        run(
            self,
            "UPDATE outbox SET state = 'queued', text = ?2, idempotency_key = ?3, attempts = 0, \
             next_attempt_at = ?4, updated_at = ?4 WHERE id = ?1",
            params![outbox_id, text, key, secs(now)],
        )
    }

    fn lock_thread(&mut self, _account: &str, _root: &str) -> StoreResult<()> {
        // The write transaction is immediate: it holds the store's one write lock already.
        Ok(())
    }

    fn answered_since_latest(
        &mut self,
        account: &str,
        root: &str,
        who: &str,
    ) -> StoreResult<Option<Answered>> {
        // Outbox entries are dated by this side's clock, like an item's arrival; replies that
        // did not go through the outbox by the network's, like the item's own date.
        self.query_row(
            "SELECT who, at, state FROM ( \
               SELECT COALESCE(te.author_handle, ?3) AS who, o.created_at AS at, o.state AS state \
               FROM outbox o JOIN items i ON i.id = o.item_id \
               LEFT JOIN thread_entries te ON te.item_id = o.item_id AND te.remote_id = o.remote_id \
               WHERE i.account = ?1 AND i.thread_root = ?2 AND o.state IN ('queued', 'sending', 'sent') \
               AND o.created_at >= (SELECT MAX(first_seen_at) FROM items WHERE account = ?1 AND thread_root = ?2) \
               UNION ALL SELECT te.author_handle, te.created_at, 'sent' FROM thread_entries te \
               WHERE te.account = ?1 AND te.thread_root = ?2 AND te.outbound = 1 \
               AND te.created_at >= (SELECT MAX(created_at) FROM items WHERE account = ?1 AND thread_root = ?2) \
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
             ) ORDER BY at DESC LIMIT 1",
            params![account, root, who],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
        )
        .optional()
        .map_err(db)?
        .map(|(who, at, state)| {
            Ok(Answered {
                who,
                at: rows::ts(at),
                state: state.parse().map_err(StoreError::Db)?,
            })
        })
        .transpose()
    }

    fn notify(&mut self) -> StoreResult<()> {
        Ok(())
    }
}
