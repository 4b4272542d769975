//! Moderation, never deletion: `h` hides a public comment (spam, abuse) on the networks that
//! can hide one (Facebook, Instagram). It asks first in the question mode (`Mode::Confirm`),
//! then [`Effect::Hide`] runs the channel's hide in the background; on success the item is
//! ignored through the store's status rule, with what was done in its history. Items that
//! cannot be hidden are refused at once, before any question or network call.
//!
//! [`refusal`] (in `crate::moderation`) is the one rule of what can be hidden; `tinbox hide`
//! and the inbox's hide both go through `crate::moderation::hide_item`.

use super::state::{Ask, Level, Mode};
use super::{AppState, Effect};
pub use crate::moderation::{refusal, why};
use crate::sanitize;

/// `h`: ask before hiding the selected comment, or say at once why it cannot be hidden.
pub fn hide(state: &mut AppState) -> Vec<Effect> {
    state.dirty = true;
    if !state.marked.is_empty() {
        // One public comment at a time: each hide is a deliberate act on one customer's words.
        state.message = Some((
            Level::Error,
            "h hides one comment at a time (Esc clears the marks).".into(),
        ));
        return Vec::new();
    }
    let Some(row) = state.items.get(state.selected) else {
        return Vec::new();
    };
    if let Some(why) = refusal(row.channel, row.kind) {
        state.message = Some((Level::Error, format!("Cannot hide #{}: {why}.", row.id)));
        return Vec::new();
    }
    let (id, channel) = (row.id, row.channel);
    let question = format!(
        "Hide this comment by {} on {channel}?",
        sanitize::one_line(row.author())
    );
    state.message = Some((Level::Info, format!("{question} y/n")));
    state.mode = Mode::Confirm(Box::new(Ask {
        question,
        effects: vec![Effect::Hide { id }],
        undo: None,
        done: format!("Hiding #{id} on {channel}…"),
    }));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Msg;
    use crate::app::test_support::{code, key, rows, update};
    use crate::model::{ChannelKind, ItemId, Kind, Status};
    use crate::testing::{item, t0};
    use crossterm::event::KeyCode;

    /// An inbox of a Facebook comment (#1), a Facebook DM (#2) and a demo mention (#3).
    fn inbox() -> AppState {
        let mut s = AppState::new(crate::sla::Policies::default(), true, "me".into());
        let mut comment = item(1, t0(), 60);
        (comment.channel, comment.kind) = (ChannelKind::Facebook, Kind::Comment);
        comment.author.name = "Kim Spam".into();
        let mut dm = item(2, t0(), 30);
        (dm.channel, dm.kind) = (ChannelKind::Facebook, Kind::Dm);
        let demo = item(3, t0(), 10);
        update(&mut s, Msg::ItemsLoaded(rows([comment, dm, demo])), t0());
        s
    }

    fn select(s: &mut AppState, id: i64) {
        s.selected = s
            .items
            .iter()
            .position(|i| i.id == ItemId(id))
            .expect("row");
    }

    #[test]
    fn h_asks_and_y_hides_the_comment() {
        let mut s = inbox();
        select(&mut s, 1);
        let fx = update(&mut s, key('h'), t0());
        assert!(fx.is_empty(), "nothing before the answer: {fx:?}");
        assert!(matches!(s.mode, Mode::Confirm(_)));
        let (_, said) = s.message.clone().expect("the question");
        assert_eq!(said, "Hide this comment by Kim Spam on facebook? y/n");
        let fx = update(&mut s, key('y'), t0());
        assert!(fx.contains(&Effect::Hide { id: ItemId(1) }), "{fx:?}");
        assert!(matches!(s.mode, Mode::Normal));
        // The status changes only when the network has hidden it.
        assert_eq!(
            s.items.iter().find(|i| i.id == ItemId(1)).map(|i| i.status),
            Some(Status::New)
        );
    }

    #[test]
    fn n_keeps_the_comment_and_other_items_are_refused_at_once() {
        let mut s = inbox();
        select(&mut s, 1);
        update(&mut s, key('h'), t0());
        let fx = update(&mut s, code(KeyCode::Esc), t0());
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Hide { .. })),
            "{fx:?}"
        );
        for (id, says) in [(2, "direct message"), (3, "demo has no way to hide")] {
            select(&mut s, id);
            let fx = update(&mut s, key('h'), t0());
            assert!(fx.is_empty(), "{fx:?}");
            assert!(matches!(s.mode, Mode::Normal), "no question for #{id}");
            let (level, text) = s.message.clone().expect("a refusal");
            assert_eq!(level, Level::Error);
            assert!(text.contains(says), "#{id}: {text}");
        }
    }

    #[test]
    fn only_meta_comments_can_be_hidden() {
        assert_eq!(refusal(ChannelKind::Facebook, Kind::Comment), None);
        assert_eq!(refusal(ChannelKind::Instagram, Kind::Comment), None);
        let dm = refusal(ChannelKind::Instagram, Kind::Dm).expect("a dm is refused");
        assert!(dm.contains("direct message"), "{dm}");
        let toot = refusal(ChannelKind::Mastodon, Kind::Mention).expect("mastodon is refused");
        assert!(toot.starts_with("mastodon has no way to hide"), "{toot}");
        assert_eq!(
            why(ChannelKind::Facebook, Some(" spam\n")),
            "hidden on facebook: spam"
        );
        assert_eq!(why(ChannelKind::Instagram, None), "hidden on instagram");
    }
}
