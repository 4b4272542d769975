use crossterm::event::KeyCode;

use super::*;
use crate::app::state::Focus;
use crate::app::test_support::update;
use crate::app::test_support::*;
use crate::channels::poller::SyncReport;
use crate::model::{ItemId, Status, ThreadEntry};
use crate::sla;
use crate::testing::{item, t0};

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
    let mut s = AppState::new(sla::Policies::default(), false, "me".into());
    let mut paused = item(1, t0(), 5 * 3600);
    paused.status = Status::Pending;
    paused.paused_since = Some(t0());
    let mut done = item(2, t0(), 9 * 3600);
    done.status = Status::Done;
    update(
        &mut s,
        Msg::ItemsLoaded(rows([done, paused, item(3, t0(), 5)])),
        t0(),
    );
    assert_eq!(ids(&s), vec![3, 1, 2]);
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

/// In help, `G` `g` `j` `k` and the page keys scroll (to its last line, no further) and a
/// "more below" marker shows while lines are hidden; only `?`, Esc and `q` close it.
#[test]
fn help_scrolls_with_the_list_keys_and_says_more_below() {
    let mut s = loaded();
    assert_eq!((s.width, s.height), (80, 24));
    update(&mut s, key('?'), t0());
    assert!(crate::ui::tests::render(&s, 80, 24).contains("more below"));
    update(&mut s, key('G'), t0());
    let (_, max) = crate::app::layout::help_scroll(&s);
    assert!(max > 0, "the help does not fit 24 rows");
    assert_eq!(s.mode, Mode::Help { scroll: max }, "G scrolls to the end");
    let screen = crate::ui::tests::render(&s, 80, 24);
    assert!(!screen.contains("more below"), "{screen}");
    assert!(screen.contains("In the composer"), "{screen}");
    update(&mut s, key('j'), t0());
    assert_eq!(s.mode, Mode::Help { scroll: max }, "no further");
    update(&mut s, key('k'), t0());
    assert_eq!(s.mode, Mode::Help { scroll: max - 1 }, "k moves at once");
    update(&mut s, key('g'), t0());
    assert_eq!(s.mode, Mode::Help { scroll: 0 });
    update(&mut s, code(KeyCode::PageDown), t0());
    assert!(matches!(s.mode, Mode::Help { scroll } if scroll > 1));
    for k in ['d', 'x', 'r', 'V'] {
        update(&mut s, key(k), t0());
        assert!(matches!(s.mode, Mode::Help { .. }), "{k} keeps help open");
    }
    for close in [key('?'), code(KeyCode::Esc), key('q')] {
        assert!(update(&mut s, close, t0()).is_empty());
        assert_eq!(s.mode, Mode::Normal);
        update(&mut s, key('?'), t0());
    }
    assert!(!s.quit);
}

/// The app's count of the help's lines is the count drawn, so `G` ends on the last line.
#[test]
fn the_help_line_count_matches_the_drawing() {
    let mut s = loaded();
    s.mode = Mode::Help { scroll: 0 };
    let screen = crate::ui::tests::render(&s, 100, 200);
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows
        .iter()
        .position(|l| l.contains("┌ Keys —"))
        .expect("top");
    // The box's left border: the column of its top-left corner, in characters.
    let left = rows[top].chars().position(|c| c == '┌').expect("corner");
    let bottom = (top + 1..rows.len())
        .find(|&r| rows[r].chars().nth(left) == Some('└'))
        .expect("bottom");
    let drawn = bottom - top - 1;
    assert_eq!(
        drawn,
        crate::app::Action::ALL.len() + crate::app::layout::HELP_NOTE_LINES,
        "HELP_NOTE_LINES must count the lines below the actions:\n{screen}"
    );
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
    let report = SyncReport {
        new_items: vec![ItemId(9)],
        ..SyncReport::default()
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
        report: SyncReport::default(),
        at: t0(),
    };
    assert!(
        update(&mut s, Msg::Poller(quiet), t0()).is_empty(),
        "nothing new, no reload"
    );
}

#[test]
fn an_alert_shows_a_banner_notifies_and_esc_dismisses_it() {
    let mut s = loaded();
    let alert = |m: &str| crate::rules::Alert {
        rule: "outage".into(),
        message: m.into(),
        item: None,
    };
    let report = SyncReport {
        alerts: vec![alert("outage: 6 items in the last 10 min (more than 5)")],
        ..SyncReport::default()
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
        vec![Effect::Notify {
            event: crate::notify::Event::Alert,
            text: "tinbox alert: outage: 6 items in the last 10 min (more than 5)".into()
        }]
    );
    assert_eq!(s.alerts.len(), 1);
    let screen = crate::ui::tests::render(&s, 80, 24);
    assert!(
        screen.contains("⚠ ALERT outage: 6 items in the last 10 min"),
        "{screen}"
    );
    // Esc dismisses the banner first, and only the banner.
    s.focus = Focus::Detail;
    update(&mut s, code(KeyCode::Esc), t0());
    assert!(s.alerts.is_empty());
    assert_eq!(s.focus, Focus::Detail);
    let screen = crate::ui::tests::render(&s, 80, 24);
    assert!(!screen.contains("ALERT"));
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
        report: SyncReport::default(),
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
    let it = whole(s.selected_item().expect("sel"));
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
fn urgency_uses_each_items_own_policy() {
    let rule = sla::Rule {
        channel: None,
        account: None,
        kind: Some(crate::model::Kind::Dm),
        priority: None,
        tag: None,
        policy: sla::Policy {
            warn_s: 300,
            breach_s: 1800,
            hours: None,
        },
    };
    let mut s = AppState::new(
        sla::Policies::new(sla::Policy::default(), vec![rule]),
        false,
        "me".into(),
    );
    let mention = item(1, t0(), 40 * 60); // 20m left of 1h
    let mut dm = item(2, t0(), 20 * 60); // 10m left of 30m
    dm.kind = crate::model::Kind::Dm;
    update(&mut s, Msg::ItemsLoaded(rows([mention, dm])), t0());
    assert_eq!(ids(&s), vec![2, 1], "the DM has less time left");
}

#[test]
fn breaching_soon_shows_only_warn_and_breached() {
    let mut s = loaded();
    let fx = update(&mut s, key('b'), t0());
    assert_eq!(
        fx,
        vec![Effect::LoadItems {
            include_closed: false
        }]
    );
    let items = rows([
        item(1, t0(), 10),
        item(2, t0(), 20 * 60),
        item(3, t0(), 2 * 3600),
        item(4, t0(), 30 * 60),
    ]);
    update(&mut s, Msg::ItemsLoaded(items.clone()), t0());
    assert_eq!(ids(&s), vec![3, 4, 2], "the 10-second-old item is hidden");
    update(&mut s, key('b'), t0());
    update(&mut s, Msg::ItemsLoaded(items), t0());
    assert_eq!(s.items.len(), 4);
}

#[test]
fn new_items_and_breaches_raise_notifications_after_the_baseline() {
    use crate::notify::Event;
    let mut s = loaded();
    let notes = |fx: &[Effect]| -> Vec<Event> {
        fx.iter()
            .filter_map(|e| {
                if let Effect::Notify { event, .. } = e {
                    Some(*event)
                } else {
                    None
                }
            })
            .collect()
    };
    // The same items again: nothing new.
    let items: Vec<_> = s.items.rows().to_vec();
    assert!(notes(&update(&mut s, Msg::ItemsLoaded(items.clone()), t0())).is_empty());
    // A new DM and a new mention arrive.
    let mut dm = item(9, t0(), 5);
    dm.kind = crate::model::Kind::Dm;
    let mut more = items.clone();
    more.extend(rows([dm, item(10, t0(), 5)]));
    let fx = update(&mut s, Msg::ItemsLoaded(more), t0());
    assert_eq!(notes(&fx), vec![Event::Dm, Event::Mention]);
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Notify { text, .. } if text.starts_with("New DM from User 9"))
    ));
    // Time passes: the 30-minute item (id 4) breaches at 1h; the 20-minute one (id 2) too.
    let fx = update(&mut s, Msg::Tick, crate::testing::at(31 * 60));
    let n = notes(&fx);
    assert_eq!(
        n.iter().filter(|e| **e == Event::Breach).count(),
        1,
        "only #4 crossed the hour: {n:?}"
    );
    assert_eq!(
        n.iter().filter(|e| **e == Event::Warn).count(),
        3,
        "#1, #9 and #10 crossed 15 minutes: {n:?}"
    );
    assert!(
        notes(&update(&mut s, Msg::Tick, crate::testing::at(31 * 60))).is_empty(),
        "once per crossing"
    );
}

#[test]
fn a_key_sequence_from_the_config_runs_its_action() {
    let mut s = loaded();
    s.keymap =
        crate::app::keymap::Keymap::with_bindings(&[("g g".into(), "first".into())]).expect("keys");
    update(&mut s, key('j'), t0());
    update(&mut s, key('j'), t0());
    assert_eq!(s.selected, 2);
    update(&mut s, key('g'), t0());
    assert_eq!(s.selected, 2, "g alone waits");
    update(&mut s, key('g'), t0());
    assert_eq!(s.selected, 0);
    // g then k: k counts on its own.
    update(&mut s, key('j'), t0());
    update(&mut s, key('g'), t0());
    update(&mut s, key('k'), t0());
    assert_eq!(s.selected, 0);
}
