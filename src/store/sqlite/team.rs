//! What the traffic cop asks of a one-person store: activity in a conversation since the
//! composer opened (new customer messages, replies sent or queued meanwhile, e.g. by
//! `tinbox reply` from a script).

use jiff::Timestamp;
use rusqlite::params;

use super::rows::{secs, ts};
use super::{SqliteStore, db};
use crate::model::ItemId;
use crate::store::{Activity, StoreBackend, StoreResult};

impl SqliteStore {
    pub(super) fn responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT item_id, who FROM history WHERE to_status = 'replied' AND at >= ?1 \
                 ORDER BY at, id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map([secs(since)], |r| Ok((ItemId(r.get(0)?), r.get(1)?)))
            .map_err(db)?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in rows {
            let (id, who): (ItemId, String) = r.map_err(db)?;
            if seen.insert(id) {
                out.push((id, who));
            }
        }
        Ok(out)
    }

    pub(super) fn activity(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<Activity>> {
        let item = self.item(id)?;
        let since = secs(since);
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT author_handle, first_seen_at FROM items \
                 WHERE account = ?1 AND thread_root = ?2 AND id <> ?3 AND first_seen_at >= ?4 \
                 ORDER BY first_seen_at, id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![item.account, item.thread_root, id.0, since], |r| {
                Ok(Activity::Inbound {
                    author: r.get(0)?,
                    at: ts(r.get(1)?),
                })
            })
            .map_err(db)?;
        for r in rows {
            out.push(r.map_err(db)?);
        }
        drop(stmt);
        // Replies that went through the outbox are dated by when they were queued (this
        // side's clock, like `since`), not by the network's timestamp of the post; the sender
        // is the author of the recorded reply, or (still queued) the user.
        let mut stmt = self
            .conn
            .prepare(
                "SELECT te.author_handle, te.created_at, 0 FROM thread_entries te \
                 WHERE te.account = ?1 AND te.thread_root = ?2 AND te.outbound = 1 AND te.created_at >= ?3 \
                 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
                 UNION ALL SELECT COALESCE(te.author_handle, ?4), o.created_at, o.state <> 'sent' \
                 FROM outbox o JOIN items i ON i.id = o.item_id \
                 LEFT JOIN thread_entries te ON te.item_id = o.item_id AND te.remote_id = o.remote_id \
                 WHERE i.account = ?1 AND i.thread_root = ?2 AND o.state IN ('queued', 'sending', 'sent') \
                 AND o.created_at >= ?3 ORDER BY 2",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![item.account, item.thread_root, since, who], |r| {
                Ok(Activity::Reply {
                    who: r.get(0)?,
                    at: ts(r.get(1)?),
                    queued: r.get::<_, i64>(2)? == 1,
                })
            })
            .map_err(db)?;
        for r in rows {
            out.push(r.map_err(db)?);
        }
        Ok(out)
    }
}
