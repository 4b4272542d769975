//! The outbox view and the outbox's events in the status bar.

use crate::app::state::{Level, Mode};
use crate::app::test_support::*;
use crate::app::{Effect, Msg};
use crate::model::{ItemId, OutboxEntry, OutboxState};
use crate::outbox::OutboxEvent;
use crate::testing::t0;

#[test]
fn outbox_events_reach_the_status_bar() {
    let mut s = loaded();
    let fx = update(
        &mut s,
        Msg::Outbox(OutboxEvent::Failed {
            entry: 1,
            item: ItemId(3),
            error: "too long".into(),
        }),
        t0(),
    );
    assert!(fx.is_empty());
    let (level, text) = s.message.clone().expect("message");
    assert_eq!(level, Level::Error);
    assert!(
        text.contains("too long") && text.contains("outbox"),
        "{text}"
    );
    let fx = update(
        &mut s,
        Msg::Outbox(OutboxEvent::Sent {
            entry: 1,
            item: ItemId(3),
            remote_id: "x".into(),
        }),
        t0(),
    );
    assert_eq!(
        fx,
        vec![Effect::LoadItems {
            include_closed: false
        }]
    );
}

#[test]
fn outbox_view_resends_and_edits_failed_replies() {
    let mut s = loaded();
    assert_eq!(update(&mut s, key('o'), t0()), vec![Effect::LoadOutbox]);
    let entry = |id: i64, state: OutboxState| OutboxEntry {
        id,
        item: ItemId(3),
        text: format!("text {id}"),
        idempotency_key: "k".into(),
        state,
        attempts: 1,
        last_error: Some("rejected".into()),
        next_attempt_at: t0(),
        remote_id: None,
        created_at: t0(),
    };
    update(
        &mut s,
        Msg::OutboxLoaded(vec![
            entry(2, OutboxState::Queued),
            entry(1, OutboxState::Failed),
        ]),
        t0(),
    );
    update(&mut s, key('r'), t0());
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.1.contains("Only failed")),
        "queued entries go by themselves"
    );
    update(&mut s, key('j'), t0());
    assert_eq!(
        update(&mut s, key('r'), t0()),
        vec![Effect::Resend {
            entry: 1,
            text: None
        }]
    );
    update(&mut s, key('e'), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("editing opens the composer: {:?}", s.mode)
    };
    assert_eq!((c.text.as_str(), c.resend), ("text 1", Some(1)));
    update(&mut s, key('!'), t0());
    update(&mut s, ctrl('s'), t0());
    assert_eq!(
        update(&mut s, key('y'), t0()),
        vec![Effect::Resend {
            entry: 1,
            text: Some("text 1!".into())
        }]
    );
}
