//! The loop never waits on the store: keys are handled and drawn while a store job is held
//! on a gate the test opens, and the answers arrive in the order their effects were queued.
//! A real SQLite file behind the real store actor; no sleeps (the gate is a channel).

use std::sync::mpsc;

use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::error::TryRecvError;

use super::Inbox;
use crate::app::test_support::key;
use crate::app::{AppState, Effect, Msg, update};
use crate::model::{Author, ChannelKind, IncomingItem, ItemId, Kind, Status, Visibility};
use crate::sla::Policies;
use crate::store::StoreHandle;
use crate::store::prelude::*;
use crate::store::sqlite::SqliteStore;
use crate::theme::Theme;
use crate::tui::effects::EffectRunner;

/// Holds every store job before it runs until the test lets it through.
struct Gate {
    entered: mpsc::Receiver<()>,
    open: mpsc::Sender<()>,
}

impl Gate {
    /// Wait until the store thread has taken the next job and is held on it.
    fn holding(&self) {
        self.entered.recv().expect("the store thread took a job");
    }

    /// Let the held job run.
    fn release(&self) {
        self.open.send(()).expect("the store thread is waiting");
    }

    /// Let the next job through: wait for it, then release it.
    fn pass(&self) {
        self.holding();
        self.release();
    }
}

struct World {
    inbox: Inbox,
    gate: Gate,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn incoming(n: usize, now: Timestamp) -> IncomingItem {
    IncomingItem {
        remote_id: format!("r{n}"),
        kind: Kind::Mention,
        author: Author {
            handle: format!("@user{n}@example.invalid"),
            name: format!("User {n}"),
        },
        text: format!("message {n}"),
        url: None,
        created_at: now
            .checked_sub(SignedDuration::from_mins(i64::try_from(n).unwrap_or(0)))
            .unwrap_or(now),
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    }
}

/// Three new items in a store file, loaded and shown with the first one's detail; every
/// store job from now on waits at the gate.
fn world() -> World {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("store.db");
    let now = Timestamp::now();
    let mut store = SqliteStore::open(&db).expect("store");
    let batch: Vec<_> = (1..=3).map(|n| incoming(n, now)).collect();
    store
        .ingest("demo", ChannelKind::Demo, &batch, None, now)
        .expect("ingest");
    let (entered_tx, entered) = mpsc::channel();
    let (open, open_rx) = mpsc::channel::<()>();
    let handle = StoreHandle::spawn_with(Box::new(store), move || {
        let _ = entered_tx.send(());
        let _ = open_rx.recv();
    });
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let runner = EffectRunner::headless(handle, tx, "kim");
    let mut state = AppState::new(Policies::default(), false, "kim".into());
    update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: 20,
        },
        now,
        &jiff::tz::TimeZone::UTC,
    );
    let mut w = World {
        inbox: Inbox {
            state,
            runner,
            rx,
            tz: jiff::tz::TimeZone::UTC,
        },
        gate: Gate { entered, open },
        db,
        _dir: dir,
    };
    w.inbox.runner.run(Effect::LoadItems {
        include_closed: false,
    });
    w.gate.pass();
    let loaded = w.answer();
    assert!(matches!(&loaded, Msg::ItemsLoaded(rows) if rows.len() == 3));
    w.inbox.handle(loaded);
    // Showing the items asks for the selected one's detail.
    w.gate.pass();
    let detail = w.answer();
    assert!(matches!(detail, Msg::DetailLoaded(_)));
    w.inbox.handle(detail);
    w
}

impl World {
    fn answer(&mut self) -> Msg {
        self.inbox.rx.blocking_recv().expect("an answer")
    }

    fn no_answer_yet(&mut self) -> bool {
        matches!(self.inbox.rx.try_recv(), Err(TryRecvError::Empty))
    }

    /// Queue a marker behind everything queued so far and let the store run up to it:
    /// afterwards every answer of the earlier jobs is in the channel.
    fn settle(&mut self, jobs_before: usize) {
        let (done_tx, done) = mpsc::channel();
        self.inbox
            .runner
            .store
            .submit(move |_| {
                let _ = done_tx.send(());
            })
            .expect("queued");
        for _ in 0..=jobs_before {
            self.gate.pass();
        }
        done.recv().expect("the marker ran");
    }

    fn selected(&self) -> Option<ItemId> {
        self.inbox.state.selected_item().map(|i| i.id)
    }
}

#[test]
fn keys_are_handled_and_drawn_while_a_write_is_held_and_answers_keep_their_order() {
    let mut w = world();
    let mut term = Terminal::new(TestBackend::new(100, 20)).expect("terminal");
    let theme = Theme::monochrome();
    let first = w.selected().expect("a selection");
    let second = w.inbox.state.items[1].id;

    // A write with an answer (the draft count), then `d`: a status change and a reload.
    w.inbox.runner.run(Effect::SaveDraft {
        id: second,
        text: "on its way".into(),
    });
    w.inbox.handle(key('d'));
    w.gate.holding();
    // The store is busy with the draft; the next key is handled and drawn regardless.
    assert_eq!(w.inbox.handle(key('j')), None);
    assert_eq!(w.selected(), Some(second));
    assert!(
        w.inbox
            .draw(&mut term, &theme, Timestamp::now())
            .expect("draw")
    );
    assert!(w.no_answer_yet(), "nothing has been answered yet");

    // Released, the answers come in the order the effects were queued: the draft count,
    // then the list (already without the item marked done, and showing the draft), then
    // the detail `j` asked for.
    w.gate.release();
    assert!(matches!(w.answer(), Msg::DraftCount(1)));
    w.gate.pass(); // set_status: no answer unless it fails
    w.gate.pass(); // the reload
    match w.answer() {
        Msg::ItemsLoaded(rows) => {
            assert!(rows.iter().all(|r| r.id != first), "the done item is gone");
            let row = rows.iter().find(|r| r.id == second).expect("second item");
            assert!(row.has_draft);
            assert_eq!(row.status, Status::New);
        }
        other => panic!("expected the reload, got {other:?}"),
    }
    w.gate.pass();
    assert!(matches!(w.answer(), Msg::DetailLoaded(d) if d.item.id == second));
    w.settle(0);
    assert!(w.no_answer_yet());
}

#[test]
fn a_load_queued_behind_a_newer_one_is_skipped() {
    let mut w = world();
    // The store is held on a write while `j` is pressed twice: two detail loads queue up.
    w.inbox.handle(key('m'));
    w.gate.holding();
    w.inbox.handle(key('j'));
    w.inbox.handle(key('j'));
    let last = w.selected().expect("a selection");
    w.gate.release();
    // The older load is dropped unrun: only the newer one reaches the store (and its gate).
    w.settle(1);
    // Only the newest load answered.
    match w.answer() {
        Msg::DetailLoaded(d) => assert_eq!(d.item.id, last),
        other => panic!("expected the detail, got {other:?}"),
    }
    assert!(w.no_answer_yet());
}

#[test]
fn a_store_error_reaches_the_status_bar() {
    let mut w = world();
    w.inbox.runner.run(Effect::SetStatus {
        id: ItemId(999),
        status: Status::Done,
        why: "test".into(),
    });
    w.gate.pass();
    let msg = w.answer();
    assert!(matches!(&msg, Msg::Error(_)), "{msg:?}");
    w.inbox.handle(msg);
    assert!(matches!(
        w.inbox.state.message,
        Some((crate::app::state::Level::Error, _))
    ));
}

#[test]
fn closing_waits_for_the_queued_draft() {
    let mut w = world();
    w.inbox.handle(key('r'));
    for c in "thanks".chars() {
        w.inbox.handle(key(c));
    }
    let id = w.selected().expect("a selection");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let close = w.inbox.close();
        tokio::pin!(close);
        // The store is held (the composer's claim is first in line): closing cannot end.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        assert!(close.as_mut().poll(&mut cx).is_pending());
        // The claim, the draft, the flush.
        for _ in 0..3 {
            w.gate.pass();
        }
        close.await;
    });
    let mut store = SqliteStore::open(&w.db).expect("reopen");
    let draft = store.draft(id).expect("draft").unwrap_or_default();
    assert!(draft.ends_with("thanks"), "{draft:?}");
}

#[test]
fn a_reply_from_the_composer_loses_to_one_queued_meanwhile_and_stays_a_draft() {
    let mut w = world();
    let item = w.selected().expect("a selection");
    // Someone else (a script, `tinbox reply`) takes the answer after the composer checked.
    let mut other = SqliteStore::open(&w.db).expect("second connection");
    let now = Timestamp::now();
    assert!(
        other
            .enqueue_first_reply(item, "theirs", "key-theirs", "sam", now)
            .expect("queue")
            .is_ok()
    );
    let entries = |db: &std::path::Path| {
        let mut s = SqliteStore::open(db).expect("store");
        let all = s.outbox(true).expect("outbox");
        all.into_iter().filter(|e| e.item == item).count()
    };

    w.inbox.runner.run(Effect::SendReply {
        id: item,
        text: "ours".into(),
        again: false,
    });
    w.gate.pass();
    match w.answer() {
        Msg::Error(text) => assert!(text.starts_with("Not sent:"), "{text}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(entries(&w.db), 1, "nothing more was queued");

    // Confirmed over the warning (or a further message to an answered item): it is queued.
    w.inbox.runner.run(Effect::SendReply {
        id: item,
        text: "ours, deliberately".into(),
        again: true,
    });
    w.gate.pass();
    assert!(matches!(w.answer(), Msg::DraftCount(_)));
    assert_eq!(entries(&w.db), 2);
}
