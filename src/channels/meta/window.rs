//! Meta's reply window for direct messages: a Page (or Instagram account) may answer within
//! 24 hours of the customer's last message, and up to 7 days with the `HUMAN_AGENT` tag; after
//! that Meta refuses the message. tinbox shows when the window closes and refuses a reply after
//! it closed before any network call. Comments have no window.

use jiff::{SignedDuration, Timestamp};

use crate::model::{ChannelKind, Item, Kind};

/// The standard messaging window.
pub const STANDARD: SignedDuration = SignedDuration::from_hours(24);
/// The window with the `HUMAN_AGENT` tag.
pub const HUMAN_AGENT: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Where a DM stands with the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// A plain `RESPONSE` may be sent until `closes_at`.
    Standard { closes_at: Timestamp },
    /// Only a `HUMAN_AGENT`-tagged message may be sent, until `closes_at`.
    HumanAgent { closes_at: Timestamp },
    /// Nothing may be sent any more.
    Closed { closed_at: Timestamp },
}

impl Window {
    /// When the last reply may go out (`None` once closed).
    pub fn closes_at(self) -> Option<Timestamp> {
        match self {
            Window::Standard { closes_at } | Window::HumanAgent { closes_at } => Some(closes_at),
            Window::Closed { .. } => None,
        }
    }

    /// The time the window closes or closed: the one `timer.window_closes_at` shows.
    pub fn deadline(self) -> Timestamp {
        match self {
            Window::Standard { closes_at } | Window::HumanAgent { closes_at } => closes_at,
            Window::Closed { closed_at } => closed_at,
        }
    }
}

/// The window of a message received at `last_inbound`, seen at `now`.
pub fn at(last_inbound: Timestamp, now: Timestamp) -> Window {
    let standard = last_inbound.checked_add(STANDARD).unwrap_or(Timestamp::MAX);
    let human = last_inbound
        .checked_add(HUMAN_AGENT)
        .unwrap_or(Timestamp::MAX);
    if now < standard {
        Window::Standard {
            closes_at: standard,
        }
    } else if now < human {
        Window::HumanAgent { closes_at: human }
    } else {
        Window::Closed { closed_at: human }
    }
}

/// Whether an item has a window at all: direct messages on Facebook and Instagram.
pub fn applies(channel: ChannelKind, kind: Kind) -> bool {
    matches!(channel, ChannelKind::Facebook | ChannelKind::Instagram) && kind == Kind::Dm
}

/// The item's window, if it has one.
pub fn of(item: &Item, now: Timestamp) -> Option<Window> {
    applies(item.channel, item.kind).then(|| at(item.created_at, now))
}

/// `Err` with the message to show when a reply to `item` may no longer be sent.
pub fn check(item: &Item, now: Timestamp) -> Result<(), String> {
    match of(item, now) {
        Some(Window::Closed { closed_at }) => Err(format!(
            "Meta's reply window for this {} message closed on {} (7 days after the \
             customer's last message); Meta refuses messages after it. Take it offline instead: \
             `tinbox followup {} --method phone|email` records a follow-up",
            item.channel,
            closed_at.strftime("%Y-%m-%d %H:%M UTC"),
            item.id
        )),
        _ => Ok(()),
    }
}

/// A short line for the detail pane: "reply window closes in 3h", "…(HUMAN_AGENT) in 2d".
pub fn describe(w: Window, now: Timestamp) -> String {
    let left = |t: Timestamp| {
        let secs = t.duration_since(now).as_secs().max(0);
        if secs >= 2 * 86_400 {
            format!("{}d", secs / 86_400)
        } else if secs >= 3600 {
            format!("{}h", secs / 3600)
        } else {
            format!("{}m", (secs / 60).max(1))
        }
    };
    match w {
        Window::Standard { closes_at } => format!("reply window closes in {}", left(closes_at)),
        Window::HumanAgent { closes_at } => format!(
            "24h window passed; human-agent window closes in {}",
            left(closes_at)
        ),
        Window::Closed { .. } => "reply window closed: take it offline (follow-up)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + h * 3600).expect("t")
    }

    #[test]
    fn the_window_is_24_hours_then_7_days_with_the_tag() {
        assert_eq!(at(t(0), t(21)), Window::Standard { closes_at: t(24) });
        assert_eq!(
            describe(at(t(0), t(21)), t(21)),
            "reply window closes in 3h"
        );
        assert_eq!(at(t(0), t(24)), Window::HumanAgent { closes_at: t(168) });
        assert_eq!(at(t(0), t(168)), Window::Closed { closed_at: t(168) });
        assert_eq!(at(t(0), t(200)).closes_at(), None);
        assert!(applies(ChannelKind::Instagram, Kind::Dm));
        assert!(!applies(ChannelKind::Facebook, Kind::Comment));
        assert!(!applies(ChannelKind::Mastodon, Kind::Dm));
    }

    #[test]
    fn a_reply_after_the_week_is_refused_with_a_follow_up_hint() {
        let mut it = crate::testing::item(7, t(0), 0);
        it.channel = ChannelKind::Instagram;
        it.kind = Kind::Dm;
        it.created_at = t(0);
        assert!(check(&it, t(167)).is_ok());
        let e = check(&it, t(169)).expect_err("closed");
        assert!(
            e.contains("reply window") && e.contains("tinbox followup 7"),
            "{e}"
        );
        it.kind = Kind::Comment;
        assert!(check(&it, t(1000)).is_ok(), "comments have no window");
    }
}
