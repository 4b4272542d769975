use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::state::{Composer, Level, Mode};
use crate::app::test_support::*;
use crate::app::{Effect, Msg};
use crate::model::{ChannelKind, ItemId};
use crate::testing::t0;

#[test]
fn composer_types_confirms_and_sends() {
    let mut s = loaded();
    let m = detail(&s, Some("Hi "));
    update(&mut s, m, t0());
    update(&mut s, key('r'), t0());
    for c in "Maya".chars() {
        update(&mut s, key(c), t0());
    }
    let Mode::Composer(c) = &s.mode else {
        panic!("composer not open: {:?}", s.mode)
    };
    assert_eq!((c.text.as_str(), c.cursor), ("Hi Maya", 7));
    // ctrl-s first asks the store what happened in the conversation since the composer opened.
    assert_eq!(
        update(&mut s, ctrl('s'), t0()),
        vec![Effect::CheckActivity {
            id: ItemId(3),
            since: t0()
        }]
    );
    assert!(
        update(&mut s, key('y'), t0()).is_empty(),
        "no send while checking"
    );
    let nothing_new = Msg::Activity {
        id: ItemId(3),
        activity: Ok(Vec::new()),
    };
    update(&mut s, nothing_new, t0());
    assert!(matches!(
        &s.mode,
        Mode::Composer(Composer {
            confirm: true,
            warning: None,
            again: false,
            ..
        })
    ));
    let fx = update(&mut s, key('y'), t0());
    assert_eq!(
        fx,
        vec![
            Effect::SaveDraft {
                id: ItemId(3),
                text: "Hi Maya".into()
            },
            Effect::SendReply {
                id: ItemId(3),
                text: "Hi Maya".into(),
                again: false,
            },
            Effect::ReleaseClaim(ItemId(3)),
        ]
    );
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn opening_the_composer_claims_the_item_and_closing_releases_it() {
    let mut s = loaded();
    assert_eq!(
        update(&mut s, key('r'), t0()),
        vec![Effect::Claim(ItemId(3))]
    );
    // A teammate was already replying: said at once.
    let others = vec![crate::store::Claim {
        item: ItemId(3),
        who: "kim".into(),
        since: t0(),
    }];
    update(
        &mut s,
        Msg::Claimed {
            id: ItemId(3),
            others,
        },
        t0(),
    );
    let (level, text) = s.message.clone().expect("warning");
    assert_eq!(level, Level::Error);
    assert!(text.contains("kim is replying to #3"), "{text}");
    let fx = update(&mut s, code(KeyCode::Esc), t0());
    assert!(fx.contains(&Effect::ReleaseClaim(ItemId(3))), "{fx:?}");
}

#[test]
fn the_traffic_cop_asks_before_crossing_a_teammates_reply() {
    let mut s = loaded();
    update(&mut s, key('r'), t0());
    update(&mut s, Msg::Paste("On it".into()), t0());
    update(&mut s, ctrl('s'), t0());
    let found = vec![
        crate::store::Activity::Reply {
            who: "kim".into(),
            at: t0(),
            queued: false,
        },
        crate::store::Activity::Inbound {
            author: "@maya".into(),
            at: t0(),
        },
    ];
    update(
        &mut s,
        Msg::Activity {
            id: ItemId(3),
            activity: Ok(found),
        },
        t0(),
    );
    let Mode::Composer(c) = &s.mode else {
        panic!("composer closed: {:?}", s.mode)
    };
    let warning = c.warning.clone().expect("a warning");
    assert!(warning.contains("kim has replied"), "{warning}");
    assert!(warning.contains("new message from @maya"), "{warning}");
    // Enter is not enough after a warning; `n` goes back to editing with the text intact.
    assert!(update(&mut s, code(KeyCode::Enter), t0()).is_empty());
    assert!(matches!(&s.mode, Mode::Composer(c) if !c.confirm && c.text == "On it"));
    // Asked again and answered `y`: it is sent.
    update(&mut s, ctrl('s'), t0());
    let again = vec![crate::store::Activity::Reply {
        who: "kim".into(),
        at: t0(),
        queued: true,
    }];
    update(
        &mut s,
        Msg::Activity {
            id: ItemId(3),
            activity: Ok(again),
        },
        t0(),
    );
    let fx = update(&mut s, key('y'), t0());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::SendReply { text, .. } if text == "On it")),
        "{fx:?}"
    );
}

#[test]
fn composer_refuses_empty_and_too_long() {
    let mut s = loaded();
    update(&mut s, key('r'), t0());
    update(&mut s, ctrl('s'), t0());
    assert!(matches!(
        &s.mode,
        Mode::Composer(Composer { confirm: false, .. })
    ));
    assert_eq!(s.message.as_ref().map(|m| m.0), Some(Level::Error));
    update(&mut s, Msg::Paste("x".repeat(21)), t0());
    update(&mut s, ctrl('s'), t0());
    assert!(matches!(
        &s.mode,
        Mode::Composer(Composer { confirm: false, .. })
    ));
    assert!(s.message.as_ref().is_some_and(|m| m.1.contains("21/20")));
}

#[test]
fn composer_escape_keeps_draft_and_tick_saves_while_typing() {
    let mut s = loaded();
    update(&mut s, key('r'), t0());
    update(&mut s, key('a'), t0());
    assert_eq!(
        update(&mut s, Msg::Tick, t0()),
        vec![Effect::SaveDraft {
            id: ItemId(3),
            text: "a".into()
        }]
    );
    assert!(
        update(&mut s, Msg::Tick, t0()).is_empty(),
        "saved once per change"
    );
    update(&mut s, code(KeyCode::Enter), t0());
    update(&mut s, key('b'), t0());
    let fx = update(&mut s, code(KeyCode::Esc), t0());
    assert_eq!(
        fx,
        vec![
            Effect::ReleaseClaim(ItemId(3)),
            Effect::SaveDraft {
                id: ItemId(3),
                text: "a\nb".into()
            }
        ]
    );
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn composer_editing_keys() {
    let mut s = loaded();
    update(&mut s, key('r'), t0());
    update(&mut s, Msg::Paste("ab\r\ncdé".into()), t0());
    update(&mut s, code(KeyCode::Backspace), t0());
    update(&mut s, code(KeyCode::Up), t0());
    update(&mut s, code(KeyCode::Home), t0());
    update(&mut s, code(KeyCode::Delete), t0());
    update(&mut s, code(KeyCode::End), t0());
    update(&mut s, key('!'), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer")
    };
    assert_eq!(c.text, "b!\ncd");
}

#[test]
fn feed_like_accounts_cannot_be_answered_in_channel() {
    let mut s = loaded();
    if let Some(a) = s.accounts.get_mut("demo") {
        a.capabilities.can_reply = false;
    }
    update(&mut s, key('r'), t0());
    assert_eq!(s.mode, Mode::Normal);
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.1.contains("https://demo.invalid/posts/3")),
        "the link is offered"
    );
}

#[test]
fn a_mastodon_reply_starts_by_mentioning_the_author() {
    let mut s = loaded();
    if let Some(row) = s.items.get_mut(0) {
        let mut i = whole(row);
        i.channel = ChannelKind::Mastodon;
        i.author.handle = "@zoe@x.invalid".into();
        *row = crate::model::ItemRow::from(&i);
    }
    update(&mut s, key('r'), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer")
    };
    assert_eq!((c.text.as_str(), c.cursor), ("@zoe@x.invalid ", 15));
}

#[test]
fn template_picker_inserts_the_rendered_template() {
    let mut s = loaded();
    update(&mut s, key('r'), t0());
    update(&mut s, ctrl('t'), t0());
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.1.contains("No templates"))
    );
    s.templates = vec![
        crate::templates::Template {
            name: "call-back".into(),
            body: "We'll call you.".into(),
        },
        crate::templates::Template {
            name: "refund".into(),
            body: "Hi {name}, refund sent. — {agent}".into(),
        },
        crate::templates::Template {
            name: "needs-case".into(),
            body: "Case {case}".into(),
        },
    ];
    update(&mut s, key('x'), t0());
    update(&mut s, ctrl('t'), t0());
    for c in "rfd".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, code(KeyCode::Enter), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer")
    };
    assert_eq!(c.text, "xHi User 3, refund sent. — me");
    assert!(c.picker.is_none());
    // A template that cannot be filled in says why and inserts nothing.
    update(&mut s, ctrl('t'), t0());
    for c in "case".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, code(KeyCode::Enter), t0());
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.1.contains("no follow-up case"))
    );
    update(&mut s, code(KeyCode::Esc), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("Esc closes only the picker")
    };
    assert!(c.picker.is_none() && c.text.starts_with("xHi"));
}

#[test]
fn a_kept_draft_is_what_the_composer_reopens_with() {
    let mut s = loaded();
    let m = detail(&s, None);
    update(&mut s, m, t0());
    update(&mut s, key('r'), t0());
    update(&mut s, Msg::Paste("first words".into()), t0());
    update(&mut s, code(KeyCode::Esc), t0());
    assert!(s.items[0].has_draft);
    update(&mut s, key('r'), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer")
    };
    assert_eq!(
        c.text, "first words",
        "not an empty composer that would overwrite the draft"
    );
}

#[test]
fn escape_then_a_key_read_as_alt_key_closes_then_acts() {
    let mut s = loaded();
    update(&mut s, key('r'), t0());
    update(&mut s, key('a'), t0());
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT)),
        t0(),
    );
    assert_eq!(
        fx,
        vec![
            Effect::ReleaseClaim(ItemId(3)),
            Effect::SaveDraft {
                id: ItemId(3),
                text: "a".into()
            }
        ]
    );
    assert_eq!(
        s.mode,
        Mode::ConfirmQuit,
        "the draft was kept and q asks before quitting"
    );
}

#[test]
fn the_picker_fills_in_the_items_case_number() {
    use crate::model::{FollowUp, FollowUpMethod};
    let mut s = loaded();
    let mut d = match detail(&s, None) {
        Msg::DetailLoaded(d) => d,
        _ => unreachable!(),
    };
    d.follow_up = Some(FollowUp {
        id: 1,
        item: d.item.id,
        case_number: "CASE-00042".into(),
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: None,
        assignee: None,
        note: None,
        outcome: None,
        created_at: t0(),
        closed_at: None,
    });
    update(&mut s, Msg::DetailLoaded(d), t0());
    s.templates = vec![crate::templates::Template {
        name: "call".into(),
        body: "Your case is {case}.".into(),
    }];
    update(&mut s, key('r'), t0());
    update(&mut s, ctrl('t'), t0());
    update(&mut s, code(KeyCode::Enter), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer")
    };
    assert_eq!(c.text, "Your case is CASE-00042.");
}

#[test]
fn a_further_reply_to_an_answered_item_is_sent_as_asked() {
    let mut s = loaded();
    let fresh = s.selected;
    update(&mut s, key('r'), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer not open");
    };
    assert!(!c.again, "a new item: the store decides who answers first");
    update(&mut s, code(KeyCode::Esc), t0());
    s.items[fresh].status = crate::model::Status::Replied;
    update(&mut s, key('r'), t0());
    let Mode::Composer(c) = &s.mode else {
        panic!("composer not open");
    };
    assert!(
        c.again,
        "the item was already answered when the composer opened"
    );
}

/// The composer's text and cursor after `keys`, from an empty reply on a screen `width` wide.
fn composed(width: u16, keys: Vec<Msg>) -> (String, usize) {
    let mut s = loaded();
    update(&mut s, Msg::Resize { width, height: 24 }, t0());
    update(&mut s, key('r'), t0());
    update(&mut s, ctrl('u'), t0());
    for k in keys {
        update(&mut s, k, t0());
    }
    match &s.mode {
        Mode::Composer(c) => (c.text.clone(), c.cursor),
        other => panic!("composer closed: {other:?}"),
    }
}

#[test]
fn composer_edits_by_word_and_line() {
    let typed = |t: &str| t.chars().map(key).collect::<Vec<_>>();
    let alt = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    let mut keys = typed("Hi Zoë, see you");
    keys.push(ctrl('w'));
    assert_eq!(composed(80, keys.clone()).0, "Hi Zoë, see ");
    // alt-b is a word move here, not Esc (which would close the composer).
    keys.extend([alt('b'), alt('b'), key('X')]);
    assert_eq!(composed(80, keys.clone()).0, "Hi XZoë, see ");
    keys.extend([code(KeyCode::End), key('!'), code(KeyCode::Home), key('>')]);
    assert_eq!(composed(80, keys.clone()).0, ">Hi XZoë, see !");
    keys.extend([
        code(KeyCode::End),
        code(KeyCode::Enter),
        key('b'),
        key('y'),
        ctrl('u'),
    ]);
    assert_eq!(composed(80, keys).0, ">Hi XZoë, see !\n");
}

#[test]
fn up_and_down_move_by_the_rows_shown() {
    // 20 columns: 17 for text; "aaaa bbbb cccc dddd eeee" wraps after "cccc ", and the
    // cursor at the end (column 9 of the second row) goes up to column 9 of the first.
    let mut keys: Vec<Msg> = "aaaa bbbb cccc dddd eeee".chars().map(key).collect();
    keys.push(code(KeyCode::Up));
    let (text, cursor) = composed(20, keys.clone());
    assert_eq!(&text[..cursor], "aaaa bbbb", "one row up, same column");
    keys.push(code(KeyCode::Down));
    assert_eq!(composed(20, keys).1, text.len());
}
