use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::state::{AccountView, Composer};
use crate::channels::{Capabilities, LengthUnit};
use crate::model::{ChannelKind, ItemDetail, ItemId, OutboxEntry, OutboxState, ThreadEntry};
use crate::outbox::OutboxEvent;
use crate::store::IngestReport;
use crate::testing::{item, t0};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// State with items aged 10s, 20m, 2h, 30m (ids 1..=4), loaded at t0.
fn loaded() -> AppState {
    let mut s = AppState::new(sla::Policy::default(), true, "me".into());
    s.accounts.insert(
        "demo".into(),
        AccountView {
            channel: ChannelKind::Demo,
            capabilities: Capabilities {
                can_reply: true,
                can_dm: true,
                max_len: Some(20),
                length_unit: LengthUnit::Chars,
            },
            health: AccountHealth::Idle,
        },
    );
    let items = vec![
        item(1, t0(), 10),
        item(2, t0(), 20 * 60),
        item(3, t0(), 2 * 3600),
        item(4, t0(), 30 * 60),
    ];
    update(&mut s, Msg::ItemsLoaded(items), t0());
    s
}

fn ids(s: &AppState) -> Vec<i64> {
    s.items.iter().map(|i| i.id.0).collect()
}

fn detail(s: &AppState, draft: Option<&str>) -> Msg {
    let item = s.selected_item().expect("selected").clone();
    Msg::DetailLoaded(Box::new(ItemDetail {
        item,
        thread: vec![],
        history: vec![],
        draft: draft.map(String::from),
    }))
}

#[test]
fn most_urgent_first_and_toggle_to_newest() {
    let mut s = loaded();
    assert_eq!(ids(&s), vec![3, 4, 2, 1]);
    update(&mut s, key('O'), t0());
    assert_eq!(ids(&s), vec![1, 2, 4, 3]);
    // The selection follows the item, not the row.
    assert_eq!(s.selected_item().map(|i| i.id), Some(ItemId(3)));
}

#[test]
fn paused_and_closed_items_sort_after_running_clocks() {
    let mut s = AppState::new(sla::Policy::default(), false, "me".into());
    let mut paused = item(1, t0(), 5 * 3600);
    paused.status = Status::Pending;
    paused.paused_since = Some(t0());
    let mut done = item(2, t0(), 9 * 3600);
    done.status = Status::Done;
    update(
        &mut s,
        Msg::ItemsLoaded(vec![done, paused, item(3, t0(), 5)]),
        t0(),
    );
    assert_eq!(ids(&s), vec![3, 1, 2]);
}

#[test]
fn navigation_moves_and_clamps() {
    let mut s = loaded();
    update(&mut s, key('j'), t0());
    assert_eq!(s.selected, 1);
    update(&mut s, key('G'), t0());
    assert_eq!(s.selected, 3);
    update(&mut s, code(KeyCode::Down), t0());
    assert_eq!(s.selected, 3, "stays on the last row");
    update(&mut s, key('g'), t0());
    assert_eq!(s.selected, 0);
    update(&mut s, key('k'), t0());
    assert_eq!(s.selected, 0);
}

#[test]
fn selection_change_asks_for_detail() {
    let mut s = loaded();
    let fx = update(&mut s, key('j'), t0());
    assert_eq!(fx, vec![Effect::LoadDetail(ItemId(4))]);
    let m = detail(&s, None);
    update(&mut s, m, t0());
    assert_eq!(s.detail.as_ref().map(|d| d.item.id), Some(ItemId(4)));
    // A late answer for another item is ignored.
    update(&mut s, key('j'), t0());
    let mut other = s.detail.clone().expect("detail");
    other.item.id = ItemId(99);
    update(&mut s, Msg::DetailLoaded(Box::new(other)), t0());
    assert_eq!(s.detail.as_ref().map(|d| d.item.id), Some(ItemId(4)));
}

#[test]
fn scrolling_keeps_selection_on_screen() {
    let mut s = AppState::new(sla::Policy::default(), false, "me".into());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 10,
        },
        t0(),
    );
    let items = (1..=50).map(|i| item(i, t0(), i * 10)).collect();
    update(&mut s, Msg::ItemsLoaded(items), t0());
    let rows = crate::ui::list_rows(80, 10, &s);
    for _ in 0..30 {
        update(&mut s, key('j'), t0());
        assert!(
            s.selected >= s.offset && s.selected < s.offset + rows,
            "{} in {}+{rows}",
            s.selected,
            s.offset
        );
    }
    update(&mut s, key('g'), t0());
    assert_eq!((s.selected, s.offset), (0, 0));
    update(&mut s, key('G'), t0());
    assert_eq!(s.offset, 50 - rows);
}

#[test]
fn done_sets_status_and_reloads() {
    let mut s = loaded();
    let fx = update(&mut s, key('d'), t0());
    assert_eq!(
        fx,
        vec![
            Effect::SetStatus {
                id: ItemId(3),
                status: Status::Done,
                why: "marked done".into()
            },
            Effect::LoadItems {
                include_closed: false
            }
        ]
    );
    assert_eq!(s.items[0].status, Status::Done);
    // Pressing it again does nothing.
    assert!(update(&mut s, key('d'), t0()).is_empty());
    let fx = update(&mut s, key('u'), t0());
    assert!(matches!(
        fx[0],
        Effect::SetStatus {
            status: Status::New,
            ..
        }
    ));
}

#[test]
fn open_focuses_detail_and_marks_read() {
    let mut s = loaded();
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(s.focus, Focus::Detail);
    assert!(fx.contains(&Effect::MarkRead(ItemId(3))));
    // j/k scroll the detail pane while it has focus.
    update(&mut s, key('j'), t0());
    assert_eq!((s.selected, s.detail_scroll), (0, 1));
    update(&mut s, code(KeyCode::Esc), t0());
    assert_eq!(s.focus, Focus::List);
}

#[test]
fn help_opens_and_any_key_closes() {
    let mut s = loaded();
    update(&mut s, key('?'), t0());
    assert_eq!(s.mode, Mode::Help { scroll: 0 });
    update(&mut s, key('j'), t0());
    assert_eq!(s.mode, Mode::Help { scroll: 1 });
    update(&mut s, key('q'), t0());
    assert_eq!(s.mode, Mode::Normal);
    assert!(!s.quit, "q closes help, it does not quit");
}

#[test]
fn quit_asks_when_drafts_exist() {
    let mut s = loaded();
    update(&mut s, Msg::DraftCount(2), t0());
    assert!(update(&mut s, key('q'), t0()).is_empty());
    assert_eq!(s.mode, Mode::ConfirmQuit);
    update(&mut s, key('n'), t0());
    assert_eq!(s.mode, Mode::Normal);
    update(&mut s, key('q'), t0());
    assert_eq!(update(&mut s, key('y'), t0()), vec![Effect::Quit]);
    assert!(s.quit);

    let mut s = loaded();
    assert_eq!(update(&mut s, key('q'), t0()), vec![Effect::Quit]);
    let mut s = loaded();
    assert_eq!(update(&mut s, ctrl('c'), t0()), vec![Effect::Quit]);
}

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
    assert!(update(&mut s, ctrl('s'), t0()).is_empty());
    assert!(matches!(
        &s.mode,
        Mode::Composer(Composer { confirm: true, .. })
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
                text: "Hi Maya".into()
            }
        ]
    );
    assert_eq!(s.mode, Mode::Normal);
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
        vec![Effect::SaveDraft {
            id: ItemId(3),
            text: "a\nb".into()
        }]
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
    assert_eq!(s.message.as_ref().map(|m| m.0), Some(Level::Error));
}

#[test]
fn poller_events_update_health_and_reload_on_news() {
    let mut s = loaded();
    let ev = PollerEvent::Failed {
        account: "demo".into(),
        error: "offline".into(),
        retry_at: None,
    };
    assert!(update(&mut s, Msg::Poller(ev), t0()).is_empty());
    assert!(matches!(
        s.accounts["demo"].health,
        AccountHealth::Failing { .. }
    ));
    let report = IngestReport {
        new_items: vec![ItemId(9)],
        reopened: vec![],
    };
    let fx = update(
        &mut s,
        Msg::Poller(PollerEvent::Synced {
            account: "demo".into(),
            report,
            at: t0(),
        }),
        t0(),
    );
    assert_eq!(
        fx,
        vec![Effect::LoadItems {
            include_closed: false
        }]
    );
    assert_eq!(s.accounts["demo"].health, AccountHealth::Ok { at: t0() });
    let quiet = PollerEvent::Synced {
        account: "demo".into(),
        report: IngestReport::default(),
        at: t0(),
    };
    assert!(
        update(&mut s, Msg::Poller(quiet), t0()).is_empty(),
        "nothing new, no reload"
    );
}

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

#[test]
fn a_healthy_account_does_not_flicker_while_polling() {
    let mut s = loaded();
    let started = || {
        Msg::Poller(PollerEvent::Started {
            account: "demo".into(),
        })
    };
    update(&mut s, started(), t0());
    assert_eq!(
        s.accounts["demo"].health,
        AccountHealth::Syncing,
        "first sync shows progress"
    );
    let synced = PollerEvent::Synced {
        account: "demo".into(),
        report: IngestReport::default(),
        at: t0(),
    };
    update(&mut s, Msg::Poller(synced), t0());
    s.dirty = false;
    update(&mut s, started(), t0());
    assert_eq!(s.accounts["demo"].health, AccountHealth::Ok { at: t0() });
    assert!(!s.dirty, "nothing visible changed");
}

#[test]
fn opening_fetches_the_remote_thread_and_merges_it() {
    let mut s = loaded();
    let m = detail(&s, None);
    update(&mut s, m, t0());
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert!(fx.contains(&Effect::FetchThread(ItemId(3))), "{fx:?}");
    let it = s.selected_item().expect("sel").clone();
    let entry = |id: &str, secs: i64, outbound: bool| ThreadEntry {
        remote_id: id.into(),
        author: it.author.clone(),
        text: id.into(),
        created_at: crate::testing::at(secs),
        outbound,
        item: None,
    };
    let mut local = entry(&it.remote_id, -7200, false);
    local.item = Some(it.id);
    if let Some(d) = s.detail.as_mut() {
        d.thread.push(local);
    }
    let remote = vec![
        entry("older", -9000, false),
        entry(&it.remote_id, -7200, false),
        entry("ours", -100, true),
    ];
    update(
        &mut s,
        Msg::ThreadFetched {
            id: ItemId(3),
            thread: Ok(remote),
        },
        t0(),
    );
    let ids: Vec<_> = s
        .detail
        .as_ref()
        .expect("d")
        .thread
        .iter()
        .map(|e| e.remote_id.clone())
        .collect();
    assert_eq!(
        ids,
        vec![
            "older".to_string(),
            it.remote_id.clone(),
            "ours".to_string()
        ],
        "merged in time order, no duplicates"
    );
    assert_eq!(
        s.detail.as_ref().expect("d").thread[1].item,
        Some(it.id),
        "the stored entry is kept"
    );
    update(
        &mut s,
        Msg::ThreadFetched {
            id: ItemId(3),
            thread: Err("offline".into()),
        },
        t0(),
    );
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.1.contains("stored thread"))
    );
}

#[test]
fn a_mastodon_reply_starts_by_mentioning_the_author() {
    let mut s = loaded();
    if let Some(i) = s.items.get_mut(0) {
        i.channel = ChannelKind::Mastodon;
        i.author.handle = "@zoe@x.invalid".into();
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
        vec![Effect::SaveDraft {
            id: ItemId(3),
            text: "a".into()
        }]
    );
    assert_eq!(
        s.mode,
        Mode::ConfirmQuit,
        "the draft was kept and q asks before quitting"
    );
}
