//! The rules' primitives ([`Tx`]) in PostgreSQL's dialect. Several instances write at once:
//! "locked" reads take row locks (`FOR UPDATE`) so that changes to one item queue up, and
//! [`Tx::notify`] tells the teammates when the transaction commits.

use jiff::Timestamp;
use postgres::Transaction;

use super::followups::open_followup;
use super::items::item_in;
use super::rows::{self, FOLLOWUP_COLUMNS, secs};
use super::{PgStore, db, notify_changed};
use crate::model::{ChannelKind, FollowUp, FollowUpInput, Item, ItemId, Status};
use crate::store::rules::{Answered, Clock, Field, NewItem, OutboxRow, Transact, Tx};
use crate::store::{StoreError, StoreResult};

/// A write transaction, and the user this instance acts for (read positions, queued replies).
pub struct PgTx<'t> {
    pub(super) tx: Transaction<'t>,
    pub(super) user: &'t str,
}

impl Transact for PgStore {
    type Tx<'t> = PgTx<'t>;

    fn write<T>(&mut self, f: impl FnOnce(&mut PgTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let tx = self.client.transaction().map_err(db)?;
        let mut t = PgTx {
            tx,
            user: &self.opts.user,
        };
        let out = f(&mut t)?;
        t.tx.commit().map_err(db)?;
        Ok(out)
    }
}

fn status(s: String) -> StoreResult<Status> {
    s.parse().map_err(StoreError::Db)
}

impl PgTx<'_> {
    fn exec(
        &mut self,
        sql: &str,
        args: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> StoreResult<u64> {
        self.tx.execute(sql, args).map_err(db)
    }

    fn ids(
        &mut self,
        sql: &str,
        args: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> StoreResult<Vec<ItemId>> {
        let found = self.tx.query(sql, args).map_err(db)?;
        found
            .iter()
            .map(|r| r.try_get(0).map(ItemId).map_err(db))
            .collect()
    }

    fn one<T: for<'a> postgres::types::FromSql<'a>>(
        &mut self,
        sql: &str,
        args: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> StoreResult<T> {
        self.tx
            .query_one(sql, args)
            .map_err(db)?
            .try_get(0)
            .map_err(db)
    }
}

impl Tx for PgTx<'_> {
    fn status_for_update(&mut self, id: ItemId) -> StoreResult<Status> {
        let row = self
            .tx
            .query_opt(
                "SELECT status FROM items WHERE id = $1 FOR UPDATE",
                &[&id.0],
            )
            .map_err(db)?
            .ok_or(StoreError::NoSuchItem(id))?;
        status(row.try_get(0).map_err(db)?)
    }

    fn item(&mut self, id: ItemId) -> StoreResult<Item> {
        item_in(&mut self.tx, self.user, id)
    }

    fn thread_root_of(&mut self, account: &str, remote_id: &str) -> StoreResult<Option<String>> {
        self.tx
            .query_opt(
                "(SELECT thread_root FROM items WHERE account = $1 AND remote_id = $2 \
                 UNION ALL SELECT thread_root FROM thread_entries WHERE account = $1 AND remote_id = $2) LIMIT 1",
                &[&account, &remote_id],
            )
            .map_err(db)?
            .map(|r| r.try_get(0).map_err(db))
            .transpose()
    }

    fn thread_answered(&mut self, account: &str, root: &str) -> StoreResult<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM thread_entries WHERE account = $1 AND thread_root = $2 AND outbound)",
            &[&account, &root],
        )
    }

    fn insert_item(&mut self, new: &NewItem<'_>) -> StoreResult<Option<ItemId>> {
        let it = new.item;
        let target = if new.answered {
            "next_response"
        } else {
            "first_response"
        };
        // Dedup by (account, remote_id), also against an instance ingesting the same batch.
        let inserted = self
            .tx
            .query_opt(
                "INSERT INTO items (account, channel, kind, remote_id, url, author_handle, author_name, text, created_at, \
                 first_seen_at, status, thread_root, in_reply_to, visibility, timer_target, waiting_since) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11, $12, $13, $14, $15) \
                 ON CONFLICT (account, remote_id) DO NOTHING RETURNING id",
                &[
                    &new.account,
                    &new.channel.as_str(),
                    &it.kind.as_str(),
                    &it.remote_id,
                    &it.url,
                    &it.author.handle,
                    &it.author.name,
                    &it.text,
                    &secs(it.created_at),
                    &secs(new.now),
                    &new.thread_root,
                    &it.in_reply_to,
                    &it.visibility.as_str(),
                    &target,
                    &secs(new.waiting_since),
                ],
            )
            .map_err(db)?;
        inserted
            .map(|r| r.try_get(0).map(ItemId).map_err(db))
            .transpose()
    }

    fn record_sync(
        &mut self,
        account: &str,
        channel: ChannelKind,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO accounts (name, channel, cursor, last_sync, last_error) VALUES ($1, $2, $3, $4, NULL) \
             ON CONFLICT (name) DO UPDATE SET channel = EXCLUDED.channel, \
             cursor = COALESCE(EXCLUDED.cursor, accounts.cursor), last_sync = EXCLUDED.last_sync, last_error = NULL",
            &[&account, &channel.as_str(), &cursor, &secs(now)],
        )
        .map(drop)
    }

    fn pending_in_thread(
        &mut self,
        account: &str,
        root: &str,
        except: ItemId,
    ) -> StoreResult<Vec<ItemId>> {
        self.ids(
            "SELECT id FROM items WHERE account = $1 AND thread_root = $2 AND status = 'pending' AND id <> $3 \
             ORDER BY id FOR UPDATE",
            &[&account, &root, &except.0],
        )
    }

    fn answered_by(&mut self, item: &Item) -> StoreResult<Vec<(ItemId, Status)>> {
        let found = self
            .tx
            .query(
                "SELECT id, status FROM items WHERE account = $1 AND thread_root = $2 AND status IN ('new', 'pending') \
                 AND (created_at < $3 OR (created_at = $3 AND id <= $4)) OR id = $4 ORDER BY id FOR UPDATE",
                &[&item.account, &item.thread_root, &secs(item.created_at), &item.id.0],
            )
            .map_err(db)?;
        found
            .iter()
            .map(|r| {
                Ok((
                    ItemId(r.try_get(0).map_err(db)?),
                    status(r.try_get(1).map_err(db)?)?,
                ))
            })
            .collect()
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
            "INSERT INTO history (item_id, at, who, from_status, to_status, why) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&id.0, &secs(at), &who, &from.map(|s| s.as_str()), &to.as_str(), &why],
        )
        .map(drop)
    }

    fn clock(&mut self, id: ItemId, change: Clock, at: Timestamp) -> StoreResult<()> {
        let sql = match change {
            Clock::Pause => {
                "UPDATE items SET paused_since = $2 WHERE id = $1 AND paused_since IS NULL"
            }
            Clock::Resume => {
                "UPDATE items SET paused_secs = paused_secs + GREATEST(0, $2 - paused_since), paused_since = NULL \
                 WHERE id = $1 AND paused_since IS NOT NULL"
            }
            Clock::Restart => {
                "UPDATE items SET waiting_since = $2, paused_secs = 0, paused_since = NULL, timer_target = \
                 CASE WHEN first_response_at IS NULL THEN 'first_response' ELSE 'next_response' END WHERE id = $1"
            }
            Clock::Replied => {
                "UPDATE items SET status = 'replied', waiting_since = NULL, paused_since = NULL, paused_secs = 0, \
                 snoozed_until = NULL, first_response_at = COALESCE(first_response_at, $2) WHERE id = $1"
            }
        };
        self.exec(sql, &[&id.0, &secs(at)]).map(drop)
    }

    fn write_status(&mut self, id: ItemId, status: Status) -> StoreResult<()> {
        self.exec(
            "UPDATE items SET status = $2, \
             snoozed_until = CASE WHEN $2 = 'snoozed' THEN snoozed_until END WHERE id = $1",
            &[&id.0, &status.as_str()],
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
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, TRUE)",
            &[&item.account, &item.thread_root, &item.id.0, &remote_id, &who, &text, &secs(at)],
        )
        .map(drop)
    }

    fn delete_draft(&mut self, id: ItemId) -> StoreResult<()> {
        self.exec("DELETE FROM drafts WHERE item_id = $1", &[&id.0])
            .map(drop)
    }

    fn set_field(&mut self, id: ItemId, field: Field, value: Option<&str>) -> StoreResult<()> {
        let sql = format!("UPDATE items SET {} = $2 WHERE id = $1", field.column());
        self.exec(&sql, &[&id.0, &value]).map(drop)
    }

    fn set_snoozed_until(&mut self, id: ItemId, until: Option<Timestamp>) -> StoreResult<()> {
        self.exec(
            "UPDATE items SET snoozed_until = $2 WHERE id = $1",
            &[&id.0, &until.map(secs)],
        )
        .map(drop)
    }

    fn snoozed_due(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        // Another instance waking the same items skips them (it will not record them twice).
        self.ids(
            "SELECT id FROM items WHERE status = 'snoozed' AND snoozed_until IS NOT NULL \
             AND snoozed_until <= $1 ORDER BY id FOR UPDATE SKIP LOCKED",
            &[&secs(now)],
        )
    }

    fn open_followup(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        open_followup(&mut self.tx, id)
    }

    fn followup(&mut self, followup_id: i64) -> StoreResult<FollowUp> {
        let sql = format!("SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE id = $1");
        let row = self.tx.query_one(&sql, &[&followup_id]).map_err(db)?;
        rows::followup(&row)
    }

    fn next_case(&mut self) -> StoreResult<i64> {
        // One counter for the whole team; the row lock orders concurrent cases.
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &[
                &id.0,
                &case_number,
                &input.method.as_str(),
                &input.contact,
                &input.due_at.map(secs),
                &input.assignee,
                &input.note,
                &secs(now),
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
            "UPDATE followups SET outcome = $2, closed_at = $3 WHERE id = $1",
            &[&followup_id, &outcome, &secs(now)],
        )
        .map(drop)
    }

    fn outbox_row(&mut self, outbox_id: i64) -> StoreResult<Option<OutboxRow>> {
        let Some(r) = self
            .tx
            .query_opt(
                "SELECT item_id, text, state, queued_by FROM outbox WHERE id = $1 FOR UPDATE",
                &[&outbox_id],
            )
            .map_err(db)?
        else {
            return Ok(None);
        };
        Ok(Some(OutboxRow {
            item: ItemId(r.try_get(0).map_err(db)?),
            text: r.try_get(1).map_err(db)?,
            state: r.try_get(2).map_err(db)?,
            queued_by: Some(r.try_get(3).map_err(db)?),
        }))
    }

    fn insert_outbox(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        let user = self.user;
        self.one(
            "INSERT INTO outbox (item_id, text, idempotency_key, state, next_attempt_at, created_at, updated_at, queued_by) \
             VALUES ($1, $2, $3, 'queued', $4, $4, $4, $5) RETURNING id",
            &[&id.0, &text, &key, &secs(now), &user],
        )
    }

    fn outbox_sent(&mut self, outbox_id: i64, remote_id: &str, at: Timestamp) -> StoreResult<()> {
        self.exec(
            "UPDATE outbox SET state = 'sent', remote_id = $2, last_error = NULL, updated_at = $3 WHERE id = $1",
            &[&outbox_id, &remote_id, &secs(at)],
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
        let writer = new_writer.then_some(self.user);
        self.exec(
            "UPDATE outbox SET state = 'queued', text = $2, idempotency_key = $3, attempts = 0, \
             next_attempt_at = $4, updated_at = $4, queued_by = COALESCE($5, queued_by), \
             sender_instance = NULL WHERE id = $1",
            &[&outbox_id, &text, &key, &secs(now), &writer],
        )
        .map(drop)
    }

    fn lock_thread(&mut self, account: &str, root: &str) -> StoreResult<()> {
        self.ids(
            "SELECT id FROM items WHERE account = $1 AND thread_root = $2 ORDER BY id FOR UPDATE",
            &[&account, &root],
        )
        .map(drop)
    }

    fn answered_since_latest(
        &mut self,
        account: &str,
        root: &str,
        _who: &str,
    ) -> StoreResult<Option<Answered>> {
        // Outbox entries are dated by the queuing side's clock, like an item's arrival; replies
        // that did not go through the outbox by the network's, like the item's own date.
        let Some(r) = self
            .tx
            .query_opt(
                "SELECT who, at, state FROM ( \
                   SELECT o.queued_by AS who, o.created_at AS at, o.state AS state \
                   FROM outbox o JOIN items i ON i.id = o.item_id \
                   WHERE i.account = $1 AND i.thread_root = $2 AND o.state IN ('queued', 'sending', 'sent') \
                   AND o.created_at >= (SELECT MAX(first_seen_at) FROM items WHERE account = $1 AND thread_root = $2) \
                   UNION ALL SELECT te.author_handle, te.created_at, 'sent' FROM thread_entries te \
                   WHERE te.account = $1 AND te.thread_root = $2 AND te.outbound \
                   AND te.created_at >= (SELECT MAX(created_at) FROM items WHERE account = $1 AND thread_root = $2) \
                   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
                 ) AS replies ORDER BY at DESC LIMIT 1",
                &[&account, &root],
            )
            .map_err(db)?
        else {
            return Ok(None);
        };
        let state: String = r.try_get(2).map_err(db)?;
        Ok(Some(Answered {
            who: r.try_get(0).map_err(db)?,
            at: rows::ts(r.try_get(1).map_err(db)?),
            state: state.parse().map_err(StoreError::Db)?,
        }))
    }

    fn notify(&mut self) -> StoreResult<()> {
        notify_changed(&mut self.tx)
    }
}
