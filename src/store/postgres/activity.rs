//! What the traffic cop asks of the team store: activity in a conversation since a responder
//! opened the composer — new customer messages, and replies sent or queued by someone else.

use jiff::Timestamp;

use super::rows::{secs, ts};
use super::{PgStore, db};
use crate::model::ItemId;
use crate::store::{Activity, StoreBackend, StoreResult};

impl PgStore {
    pub(super) fn activity(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<Activity>> {
        let item = self.item(id)?;
        let since = secs(since);
        let mut out = Vec::new();
        let inbound = self
            .client
            .query(
                "SELECT author_handle, first_seen_at FROM items \
                 WHERE account = $1 AND thread_root = $2 AND id <> $3 AND first_seen_at >= $4 \
                 ORDER BY first_seen_at, id",
                &[&item.account, &item.thread_root, &id.0, &since],
            )
            .map_err(db)?;
        for r in inbound {
            out.push(Activity::Inbound {
                author: r.try_get(0).map_err(db)?,
                at: ts(r.try_get(1).map_err(db)?),
            });
        }
        // The responder's own replies are no news to them. Replies that went through the
        // outbox are dated by when they were queued (this side's clock, like `since`), not by
        // the network's timestamp of the post.
        let replies = self
            .client
            .query(
                "SELECT te.author_handle, te.created_at, FALSE FROM thread_entries te \
                 WHERE te.account = $1 AND te.thread_root = $2 AND te.outbound AND te.created_at >= $3 \
                 AND te.author_handle <> $4 AND NOT EXISTS (SELECT 1 FROM outbox o \
                   WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
                 UNION ALL SELECT o.queued_by, o.created_at, o.state <> 'sent' FROM outbox o \
                 JOIN items i ON i.id = o.item_id \
                 WHERE i.account = $1 AND i.thread_root = $2 AND o.state IN ('queued', 'sending', 'sent') \
                 AND o.created_at >= $3 AND o.queued_by <> $4 ORDER BY 2",
                &[&item.account, &item.thread_root, &since, &who],
            )
            .map_err(db)?;
        for r in replies {
            out.push(Activity::Reply {
                who: r.try_get(0).map_err(db)?,
                at: ts(r.try_get(1).map_err(db)?),
                queued: r.try_get(2).map_err(db)?,
            });
        }
        Ok(out)
    }
}
