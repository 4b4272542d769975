//! Moderation, never deletion: what can be hidden, and hiding it. Only a public comment on a
//! network that can hide one (Facebook, Instagram) is hidden, never deleted; the item is then
//! `ignored` through the store's status rule with what was done in its history. The rules
//! sit here, below the inbox (`app::moderation`, `tui`) and the command (`cli::hide`), so
//! both go through the same steps.

use jiff::Timestamp;

use crate::channels::Channel;
use crate::model::{ChannelKind, Item, Kind, Status};
use crate::sanitize;
use crate::store::StoreHandle;

/// Why an item of `kind` on `channel` cannot be hidden, or `None` when it can.
pub fn refusal(channel: ChannelKind, kind: Kind) -> Option<String> {
    match (channel, kind) {
        (ChannelKind::Facebook | ChannelKind::Instagram, Kind::Comment) => None,
        (ChannelKind::Facebook | ChannelKind::Instagram, Kind::Dm) => Some(
            "a direct message cannot be hidden, only a public comment; tinbox never deletes".into(),
        ),
        (ChannelKind::Facebook | ChannelKind::Instagram, other) => Some(format!(
            "only a comment can be hidden, and this is a {other}; tinbox never deletes"
        )),
        (ChannelKind::X, Kind::Dm) => {
            Some("a direct message cannot be hidden, only a reply; tinbox never deletes".into())
        }
        (ChannelKind::X, Kind::Reply) => None,
        (ChannelKind::X, other) => Some(format!(
            "X hides only replies to our posts, and this is a {other}; tinbox never deletes"
        )),
        (network, _) => Some(format!(
            "{network} has no way to hide a post; tinbox never deletes"
        )),
    }
}

/// What the history says of a hide: "hidden on facebook: spam".
pub fn why(channel: ChannelKind, reason: Option<&str>) -> String {
    match reason
        .map(sanitize::one_line)
        .filter(|r| !r.trim().is_empty())
    {
        Some(r) => format!("hidden on {channel}: {}", r.trim()),
        None => format!("hidden on {channel}"),
    }
}

/// Hide `item` on `channel`, then record it: the item becomes `ignored` with why in its
/// history (already ignored: the same line as a note). The text to show, or why not (the
/// item then left as it was).
pub async fn hide_item(
    store: &StoreHandle,
    channel: &dyn Channel,
    item: &Item,
    who: &str,
    reason: Option<&str>,
) -> Result<String, String> {
    let id = item.id;
    if let Some(why) = refusal(item.channel, item.kind) {
        return Err(format!("Cannot hide #{id}: {why}."));
    }
    channel
        .hide(&item.remote_id)
        .await
        .map_err(|e| format!("Not hidden: {e}. #{id} is left as it was."))?;
    let why = why(item.channel, reason);
    let (who, ignored) = (who.to_string(), item.status == Status::Ignored);
    store
        .call(move |s| {
            let now = Timestamp::now();
            if ignored {
                s.add_note(id, &why, &who, now)
            } else {
                s.set_status(id, Status::Ignored, &who, &why, now)
            }
        })
        .await
        .map_err(|e| {
            format!(
                "Hidden on {}, but #{id} could not be marked ignored: {e}",
                item.channel
            )
        })?;
    Ok(format!(
        "Hidden on {}: #{id} is now ignored (the comment is kept, not deleted).",
        item.channel
    ))
}
