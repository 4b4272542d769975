//! Reads and plain writes, written once in the common dialect ([`crate::store::sql`]): a
//! backend that gives its connection and answers a few questions its own way ([`SqlStore`])
//! is an [`ItemStore`], an [`OutboxStore`] and a [`FollowUpStore`]. A team store (one with a
//! user, [`Sql::user`]) shows each user their own read position, records who queued a reply
//! and who sends it, and tells the teammates of every change ([`Sql::notify`]).

use std::collections::HashSet;

use jiff::Timestamp;

use super::query::{Dialect, conditions, from_items};
use super::rows::{self, Cols, FOLLOWUP_COLUMNS, OUTBOX_COLUMNS, item_columns, secs, ts};
use super::rules::{Transact, Tx};
use super::sql::{Arg, Sql, args};
use super::{AccountRecord, Activity, FollowUpStore, ItemQuery, ItemStore, OutboxStore};
use super::{StoreError, StoreResult};
use crate::model::{
    ChannelKind, FollowUp, HistoryEntry, Item, ItemId, ItemRow, OutboxEntry, RowBuilder,
    ThreadEntry,
};
use crate::sanitize::one_line;

/// What each backend does its own way.
pub trait SqlStore: Transact {
    type Conn<'c>: Sql
    where
        Self: 'c;
    /// The connection, for reads outside a transaction.
    fn conn(&mut self) -> Self::Conn<'_>;
    /// Rows come from a local file: a list is counted first, to be allocated once.
    const LOCAL: bool;
    /// How its list queries search and filter.
    const DIALECT: Dialect;
    /// Mark the item read or unread (for the store's user).
    fn mark_read(&mut self, id: ItemId, read: bool) -> StoreResult<()>;
    /// [`OutboxStore::outbox_due`]: who may retry an entry left `sending` differs.
    fn due_entries(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>>;
    /// [`OutboxStore::outbox_mark_sending`]: how one sender is chosen differs.
    fn take_for_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool>;
}

/// The list statement of `query` selecting `cols` (whose own arguments `args` holds), all of
/// its filtering in SQL and in list order, newest first; with `limit`, its `LIMIT`.
fn list_sql<'a, C: Sql>(
    s: &mut C,
    d: Dialect,
    query: &ItemQuery,
    cols: &str,
    args: &mut Vec<Arg<'a>>,
) -> StoreResult<String> {
    let cond = conditions(s, d, query, args)?;
    Ok(format!(
        "SELECT {cols} FROM {} WHERE TRUE{cond}{}",
        from_items(d, query),
        query.tail_sql()
    ))
}

/// The plan the database makes for the list statement of `query` selecting `cols` (`i.id`
/// for [`ItemStore::list_ids`]): `explain` is put before it, `column` of each row is read.
#[cfg(test)]
pub(crate) fn plan<S: SqlStore>(
    store: &mut S,
    query: &ItemQuery,
    whole_items: bool,
    explain: &str,
    column: usize,
) -> StoreResult<Vec<String>> {
    let mut s = store.conn();
    let (cols, mut args) = if whole_items {
        item_columns(&s)
    } else {
        ("i.id", Vec::new())
    };
    let sql = list_sql(&mut s, S::DIALECT, query, cols, &mut args)?;
    s.rows(&format!("{explain} {sql}"), &args, |r| r.col(column))
}

/// The items of `query` in list order, each made into a `T` as it is read (a list of rows
/// never holds every whole item at once).
fn each_item<S: SqlStore, T>(
    store: &mut S,
    query: &ItemQuery,
    mut f: impl FnMut(Item) -> T,
) -> StoreResult<Vec<T>> {
    // Sized up front where counting is cheap: a list of 100,000 items grown by doubling would
    // hold the old and the new buffer at once (tens of MB) and keep up to half of it unused.
    let mut items = Vec::new();
    if S::LOCAL {
        items.reserve_exact(store.count_items(query)?);
    }
    let mut s = store.conn();
    let (cols, mut args) = item_columns(&s);
    let sql = list_sql(&mut s, S::DIALECT, query, cols, &mut args)?;
    s.each(&sql, &args, |r| {
        items.push(f(rows::item(r)?));
        Ok(())
    })?;
    // A server does not say how many rows come: give back the room grown in advance.
    items.shrink_to_fit();
    Ok(items)
}

impl<S: SqlStore> ItemStore for S {
    fn record_sync_error(
        &mut self,
        account: &str,
        channel: ChannelKind,
        error: &str,
        _now: Timestamp,
    ) -> StoreResult<()> {
        self.write(|t| {
            t.exec(
                "INSERT INTO accounts (name, channel, last_error) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (name) DO UPDATE SET last_error = EXCLUDED.last_error",
                args![account, channel.as_str(), one_line(error)],
            )?;
            Sql::notify(t)
        })
    }

    fn accounts(&mut self) -> StoreResult<Vec<AccountRecord>> {
        let sql = "SELECT name, channel, cursor, last_sync, last_error FROM accounts ORDER BY name";
        self.conn().rows(sql, &[], |r| {
            Ok(AccountRecord {
                name: r.col(0)?,
                channel: r.col::<String>(1)?.parse().unwrap_or(ChannelKind::Demo),
                cursor: r.col(2)?,
                last_sync: r.col::<Option<i64>>(3)?.map(ts),
                last_error: r.col(4)?,
            })
        })
    }

    fn list_items(&mut self, query: &ItemQuery) -> StoreResult<Vec<Item>> {
        each_item(self, query, |item| item)
    }

    fn list_rows(&mut self, query: &ItemQuery, rows: &mut RowBuilder) -> StoreResult<Vec<ItemRow>> {
        let list = each_item(self, query, |item| rows.row(&item))?;
        rows.finish();
        Ok(list)
    }

    fn list_ids(&mut self, query: &ItemQuery) -> StoreResult<Vec<ItemId>> {
        let mut s = self.conn();
        let mut args = Vec::new();
        let sql = list_sql(&mut s, Self::DIALECT, query, "i.id", &mut args)?;
        s.rows(&sql, &args, |r| Ok(ItemId(r.col(0)?)))
    }

    fn count_items(&mut self, query: &ItemQuery) -> StoreResult<usize> {
        let mut s = self.conn();
        let mut args = Vec::new();
        let cond = conditions(&mut s, Self::DIALECT, query, &mut args)?;
        let limit = query
            .limit
            .map(|n| format!(" LIMIT {n}"))
            .unwrap_or_default();
        let tail = ItemQuery {
            limit: None,
            ..query.clone()
        }
        .tail_sql();
        // The time filters without the order (a count needs none), then the cut.
        let since = tail.split(" ORDER BY").next().unwrap_or_default();
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE TRUE{cond}{since}{limit}) AS c",
            from_items(Self::DIALECT, query)
        );
        let n: i64 = s.one(&sql, &args)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn rows_by_ids(&mut self, ids: &[ItemId], rows: &mut RowBuilder) -> StoreResult<Vec<ItemRow>> {
        super::window::rows_by_ids(self, ids, rows)
    }

    fn scan_ids(&mut self, query: &ItemQuery, rows: usize) -> StoreResult<super::ScanPage> {
        super::window::scan_ids(self, query, rows)
    }

    fn matching_ids(&mut self, ids: &[ItemId], search: &str) -> StoreResult<Vec<ItemId>> {
        super::window::matching_ids(self, ids, search)
    }

    fn item(&mut self, id: ItemId) -> StoreResult<Item> {
        super::rules::read_item(&mut self.conn(), id)
    }

    fn thread(&mut self, id: ItemId) -> StoreResult<Vec<ThreadEntry>> {
        let item = ItemStore::item(self, id)?;
        self.conn().rows(
            "SELECT remote_id, author_handle, author_name, text, created_at, FALSE, id, CAST(0 AS BIGINT) AS seq \
             FROM items WHERE account = ?1 AND thread_root = ?2 \
             UNION ALL SELECT remote_id, author_handle, author_name, text, created_at, TRUE, CAST(NULL AS BIGINT), id \
             FROM thread_entries WHERE account = ?1 AND thread_root = ?2 ORDER BY 5, 8, 7",
            args![&item.account, &item.thread_root],
            |r| rows::thread_entry(r),
        )
    }

    fn history(&mut self, id: ItemId) -> StoreResult<Vec<HistoryEntry>> {
        self.conn().rows(
            "SELECT at, who, from_status, to_status, why FROM history WHERE item_id = ?1 ORDER BY at, id",
            args![id.0],
            |r| rows::history(r),
        )
    }

    fn set_read(&mut self, id: ItemId, read: bool) -> StoreResult<()> {
        self.mark_read(id, read)
    }

    fn save_draft(&mut self, id: ItemId, text: &str, now: Timestamp) -> StoreResult<()> {
        self.write(|t| {
            if text.trim().is_empty() {
                t.delete_draft(id)?;
            } else {
                t.status_for_update(id)?; // no such item: an error, not a dangling draft
                t.exec(
                    "INSERT INTO drafts (item_id, text, updated_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (item_id) DO UPDATE SET text = EXCLUDED.text, updated_at = EXCLUDED.updated_at",
                    args![id.0, text, secs(now)],
                )?;
            }
            Sql::notify(t)
        })
    }

    fn draft(&mut self, id: ItemId) -> StoreResult<Option<String>> {
        let sql = "SELECT text FROM drafts WHERE item_id = ?1";
        self.conn().opt(sql, args![id.0], |r| r.col(0))
    }

    fn draft_count(&mut self) -> StoreResult<usize> {
        let n: i64 = self.conn().one("SELECT COUNT(*) FROM drafts", &[])?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn activity_since(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<Activity>> {
        let item = ItemStore::item(self, id)?;
        let since = secs(since);
        let mut s = self.conn();
        let mut out = s.rows(
            "SELECT author_handle, first_seen_at FROM items \
             WHERE account = ?1 AND thread_root = ?2 AND id <> ?3 AND first_seen_at >= ?4 \
             ORDER BY first_seen_at, id",
            args![&item.account, &item.thread_root, id.0, since],
            |r| {
                Ok(Activity::Inbound {
                    author: r.col(0)?,
                    at: ts(r.col(1)?),
                })
            },
        )?;
        // Replies that went through the outbox are dated by when they were queued (this side's
        // clock, like `since`), not by the network's timestamp of the post. On a team store the
        // responder's own replies are no news to them; alone, the sender is the recorded
        // reply's author, or (still queued) the user.
        let (mine, writer, join, theirs) = if s.user().is_some() {
            (
                "AND te.author_handle <> ?4",
                "o.queued_by",
                "",
                "AND o.queued_by <> ?4",
            )
        } else {
            let join = "LEFT JOIN thread_entries te ON te.item_id = o.item_id AND te.remote_id = o.remote_id";
            ("", "COALESCE(te.author_handle, ?4)", join, "")
        };
        let sql = format!(
            "SELECT te.author_handle, te.created_at, FALSE FROM thread_entries te \
             WHERE te.account = ?1 AND te.thread_root = ?2 AND te.outbound AND te.created_at >= ?3 {mine} \
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
             UNION ALL SELECT {writer}, o.created_at, o.state <> 'sent' FROM outbox o \
             JOIN items i ON i.id = o.item_id {join} \
             WHERE i.account = ?1 AND i.thread_root = ?2 AND o.state IN ('queued', 'sending', 'sent') \
             AND o.created_at >= ?3 {theirs} ORDER BY 2"
        );
        let args = args![&item.account, &item.thread_root, since, who];
        out.extend(s.rows(&sql, args, |r| {
            Ok(Activity::Reply {
                who: r.col(0)?,
                at: ts(r.col(1)?),
                queued: r.col(2)?,
            })
        })?);
        Ok(out)
    }

    fn first_responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>> {
        let sql = "SELECT item_id, who FROM history WHERE to_status = 'replied' AND at >= ?1 ORDER BY at, id";
        let all = self.conn().rows(sql, args![secs(since)], |r| {
            Ok((ItemId(r.col(0)?), r.col::<String>(1)?))
        })?;
        let mut seen = HashSet::new();
        Ok(all.into_iter().filter(|(id, _)| seen.insert(*id)).collect())
    }
}

impl<S: SqlStore> FollowUpStore for S {
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
        let filter = if include_closed {
            "TRUE"
        } else {
            "closed_at IS NULL"
        };
        let sql = format!(
            "SELECT {FOLLOWUP_COLUMNS} FROM followups WHERE {filter} ORDER BY due_at IS NULL, due_at, id"
        );
        self.conn().rows(&sql, &[], |r| rows::followup(r))
    }

    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        super::rules::read_open_followup(&mut self.conn(), id)
    }
}

/// The outbox entries `WHERE {sql_where}`.
pub fn outbox_where<S: Sql>(
    s: &mut S,
    sql_where: &str,
    args: &[Arg<'_>],
) -> StoreResult<Vec<OutboxEntry>> {
    let sql = format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {sql_where}");
    s.rows(&sql, args, |r| rows::outbox_entry(r))
}

/// `UPDATE outbox SET {sql_set} WHERE id = ?1` in its own transaction; the entry must exist.
/// An entry leaving `sending` on a team store is no longer held by its sender.
fn outbox_update<S: SqlStore>(
    store: &mut S,
    id: i64,
    sql_set: &str,
    args: &[Arg<'_>],
) -> StoreResult<()> {
    store.write(|t| {
        let freed = if t.user().is_some() {
            ", sender_instance = NULL"
        } else {
            ""
        };
        let sql = format!("UPDATE outbox SET {sql_set}{freed} WHERE id = ?1");
        let mut all = vec![Arg::from(id)];
        all.extend_from_slice(args);
        if t.exec(&sql, &all)? == 0 {
            return Err(StoreError::Db(format!("no outbox entry {id}")));
        }
        Sql::notify(t)
    })
}

impl<S: SqlStore> OutboxStore for S {
    fn outbox_due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        self.due_entries(now)
    }

    fn outbox_next_due(&mut self) -> StoreResult<Option<Timestamp>> {
        let sql = "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued'";
        Ok(self.conn().one::<Option<i64>>(sql, &[])?.map(ts))
    }

    fn outbox(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        let filter = if include_sent {
            "TRUE"
        } else {
            "state <> 'sent'"
        };
        outbox_where(&mut self.conn(), &format!("{filter} ORDER BY id DESC"), &[])
    }

    fn outbox_entry(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        Ok(outbox_where(&mut self.conn(), "id = ?1", args![id])?.pop())
    }

    fn outbox_mark_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        self.take_for_sending(id, now)
    }

    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        let set = "state = 'queued', last_error = ?2, next_attempt_at = ?3, updated_at = ?3";
        outbox_update(self, id, set, args![one_line(error), secs(next_at)])
    }

    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        let set = "state = 'failed', last_error = ?2, updated_at = ?3";
        outbox_update(self, id, set, args![one_line(error), secs(now)])
    }
}
