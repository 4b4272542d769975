//! Figure 9: key to frame through the inbox loop's own turn (`tinbox::tui::turn::Inbox`:
//! `update`, the effect runner, the draw), on the bench's SQLite store as it is and with
//! 50 ms added before every store job (a team database far away), keys arriving every
//! 30 ms (a held key repeats about that fast). Key to frame is the time from the loop taking
//! a key to the frame that shows it. For comparison, "awaiting" waits for the store queue
//! before drawing, as the loop did when it awaited every store effect.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tinbox::app::{Effect, Msg};
use tinbox::store::StoreHandle;
use tinbox::store::sqlite::SqliteStore;
use tinbox::theme::Theme;
use tinbox::tui::effects::EffectRunner;
use tinbox::tui::turn::Inbox;

const LATENCY: Duration = Duration::from_millis(50);
const EVERY: Duration = Duration::from_millis(30);

/// Moves (detail loads), a read mark, priority changes and a status change (writes, each
/// but the read mark followed by a reload).
const KEYS: &[char] = &['j', 'j', 'm', 'j', '+', 'k', 'j', '-', 'd', 'j'];

pub fn run(db: &Path, quick: bool) {
    let presses = if quick { 60 } else { 300 };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let line = |name: &str, latency: Option<Duration>, awaiting: bool| {
        // Each run on its own copy: the keys change the store.
        let copy = dir.path().join(format!("{name}.db"));
        std::fs::copy(db, &copy).expect("copy the bench store");
        let backend = Box::new(SqliteStore::open(&copy).expect("store"));
        let store = match latency {
            Some(d) => StoreHandle::spawn_with(backend, move || std::thread::sleep(d)),
            None => StoreHandle::spawn(backend),
        };
        let (mut times, answered) = rt.block_on(session(store, presses, awaiting));
        times.sort();
        println!(
            "   {name}: median {:.2} ms, p95 {:.2} ms, max {:.1} ms over {} keys; store queue done {:.0} ms after the last key",
            super::ms(super::percentile(&times, 0.5)),
            super::ms(super::percentile(&times, 0.95)),
            super::ms(times[times.len() - 1]),
            times.len(),
            super::ms(answered)
        );
    };
    println!(
        "9. key to frame through the loop's turn, a key every {} ms   target median ≤ 5 ms on both stores",
        EVERY.as_millis()
    );
    line("SQLite", None, false);
    line("SQLite + 50 ms per store job", Some(LATENCY), false);
    line("SQLite + 50 ms, awaiting (as before)", Some(LATENCY), true);
}

/// Load the inbox, press `presses` keys, and return each key's time to its frame and how
/// long the store took to finish after the last key.
async fn session(store: StoreHandle, presses: usize, awaiting: bool) -> (Vec<Duration>, Duration) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let runner = EffectRunner::headless(store.clone(), tx, "bench");
    let state = super::inbox_state(Timestamp::now());
    let mut inbox = Inbox {
        state,
        runner,
        rx,
        tz: jiff::tz::TimeZone::UTC,
    };
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
    let theme = Theme::monochrome();
    inbox.runner.run(Effect::LoadItems {
        include_closed: false,
    });
    while inbox.state.items.is_empty() {
        let msg = inbox.rx.recv().await.expect("the first load");
        inbox.handle(msg);
    }
    let mut times = Vec::with_capacity(presses);
    let mut due = tokio::time::Instant::now();
    while times.len() < presses {
        inbox
            .draw(&mut term, &theme, Timestamp::now())
            .expect("draw");
        tokio::select! {
            biased;
            _ = tokio::time::sleep_until(due) => {
                let c = KEYS[times.len() % KEYS.len()];
                let t = Instant::now();
                inbox.handle(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
                if awaiting {
                    store.flush().await.expect("flush");
                }
                inbox.draw(&mut term, &theme, Timestamp::now()).expect("draw");
                times.push(t.elapsed());
                due = tokio::time::Instant::now() + EVERY;
            }
            Some(msg) = inbox.rx.recv() => {
                inbox.handle(msg);
            }
        }
    }
    let t = Instant::now();
    store.flush().await.expect("flush");
    (times, t.elapsed())
}
