//! `cargo bench --bench perf`: the performance figures of issue #9 on this machine, with
//! generated data (fixed seed). Prints one line per figure with its target; never fails a
//! build (timings are reported, not asserted). `-- --only-scale` runs figure 7 alone,
//! `-- --only-toot` the comparison with `toot`.

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use tinbox::app::{AppState, Effect, Msg};
use tinbox::model::{Author, ChannelKind, IncomingItem, Kind, RowBuilder, Visibility};
use tinbox::sla::Policies;
use tinbox::store::ItemQuery;
use tinbox::store::prelude::*;
use tinbox::store::sqlite::SqliteStore;
use tinbox::theme::Theme;

/// The app's `update` in UTC (the benchmarks measure the work, not the machine's zone).
fn update(state: &mut AppState, msg: Msg, now: Timestamp) -> Vec<Effect> {
    tinbox::app::update(state, msg, now, &jiff::tz::TimeZone::UTC)
}

#[path = "perf/accounts.rs"]
mod accounts;
#[path = "perf/boxes.rs"]
mod boxes;
#[path = "../tests/support/http.rs"]
mod http;
#[path = "perf/scale.rs"]
mod scale;
#[path = "perf/slow_store.rs"]
mod slow_store;
#[path = "perf/toot.rs"]
mod toot;

const N: usize = 100_000;
const BATCH: usize = 500;

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown cpu".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cores} cores, {cpu}")
}

/// Peak resident memory of this process so far (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

const WORDS: &[&str] = &[
    "order",
    "refund",
    "late",
    "app",
    "crash",
    "love",
    "coffee",
    "subscription",
    "billing",
    "thanks",
    "where",
    "is",
    "my",
    "the",
    "delivery",
    "broken",
    "login",
    "help",
    "please",
    "today",
    "again",
    "week",
    "café",
    "☕",
    "great",
    "support",
    "waiting",
    "since",
    "monday",
];

fn generate(n: usize, now: Timestamp) -> Vec<IncomingItem> {
    let mut rng = fastrand::Rng::with_seed(9);
    (0..n)
        .map(|i| {
            let words = rng.usize(8..40);
            let text: Vec<&str> = (0..words)
                .map(|_| WORDS[rng.usize(..WORDS.len())])
                .collect();
            let age = (n - i) as i64 * 30;
            IncomingItem {
                remote_id: format!("r{i}"),
                kind: [Kind::Mention, Kind::Reply, Kind::Dm, Kind::Quote][rng.usize(..4)],
                author: Author {
                    handle: format!("@user{}@example.social", rng.usize(..5000)),
                    name: format!("User {}", rng.usize(..5000)),
                },
                text: text.join(" "),
                url: Some(format!("https://example.social/@u/{i}")),
                created_at: now
                    .checked_sub(SignedDuration::from_secs(age))
                    .unwrap_or(now),
                thread_root: None,
                in_reply_to: None,
                visibility: Visibility::Public,
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// An empty inbox the size of the bench's terminal (120 × 40).
fn inbox_state(now: Timestamp) -> AppState {
    let mut state = AppState::new(Policies::default(), false, "bench".into());
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 40,
        },
        now,
    );
    state
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The child of figure 4: open the store, load the inbox as the app does (`list_rows`), draw
/// one frame, reload it (as after any change), print VmHWM.
fn rss_child(db: &std::path::Path, all: bool) {
    let now = Timestamp::now();
    let mut store = SqliteStore::open(db).expect("store");
    let opened = peak_rss_mb();
    let query = ItemQuery {
        all,
        ..ItemQuery::default()
    };
    // What the effect runner keeps between loads.
    let mut rows = RowBuilder::default();
    let items = store.list_rows(&query, &mut rows).expect("list");
    let listed = peak_rss_mb();
    let mut state = inbox_state(now);
    update(&mut state, Msg::ItemsLoaded(items), now);
    let shown = peak_rss_mb();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
    term.draw(|f| tinbox::ui::draw(f, &state, &Theme::monochrome(), now))
        .expect("draw");
    let drawn = peak_rss_mb();
    // Any change reloads the list: the new rows arrive while the old ones are on screen.
    let again = store.list_rows(&query, &mut rows).expect("reload");
    let relisted = peak_rss_mb();
    update(&mut state, Msg::ItemsLoaded(again), now);
    term.draw(|f| tinbox::ui::draw(f, &state, &Theme::monochrome(), now))
        .expect("draw");
    eprintln!(
        "peak after open {opened:.1}, list {listed:.1}, update {shown:.1}, draw {drawn:.1}, \
         reload: list {relisted:.1}, update and draw {:.1} MB; an item is {} B + its text, \
         a row {} B + its text",
        peak_rss_mb(),
        std::mem::size_of::<tinbox::model::Item>(),
        std::mem::size_of::<tinbox::model::ItemRow>()
    );
    println!("{:.1}", peak_rss_mb());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss") {
        let db = std::path::PathBuf::from(&args[i + 1]);
        rss_child(&db, args.iter().any(|a| a == "--all"));
        return;
    }
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful.
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 5_000 } else { N };
    if std::env::args().any(|a| a == "--only-scale") {
        scale::sync_many(if quick { 100 } else { 1000 });
        return;
    }
    if std::env::args().any(|a| a == "--only-toot") {
        toot::run();
        return;
    }
    println!("tinbox perf — {} — {n} items", machine());
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bench.db");
    let now = Timestamp::now();
    let items = generate(n, now);

    // 1. Ingest: batches of 500 in one transaction each.
    let mut store = SqliteStore::open(&db).expect("store");
    let t = Instant::now();
    for chunk in items.chunks(BATCH) {
        store
            .ingest("brand", ChannelKind::Mastodon, chunk, None, now)
            .expect("ingest");
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "1. ingest: {:.0} items/s ({n} items in {:.2}s, batches of {BATCH})   target ≥ 20000/s",
        n as f64 / secs,
        secs
    );
    drop(items);
    // A realistic history: most items are closed; one in twelve is still open.
    {
        let conn = rusqlite::Connection::open(&db).expect("conn");
        conn.execute(
            "UPDATE items SET status = 'done', timer_target = 'none', waiting_since = NULL WHERE id % 12 <> 0",
            [],
        )
        .expect("close most");
    }
    drop(store);
    if let Some(i) = args.iter().position(|a| a == "--db-out") {
        // Only the store, for looking at one figure: `--rss PATH [--all]` then measures it.
        std::fs::copy(&db, &args[i + 1]).expect("copy the bench store");
        return;
    }

    scale::quick_check(&db);

    // 2. Open the store to a complete first frame (in process: open, query, sort, draw).
    let t = Instant::now();
    let mut store = SqliteStore::open(&db).expect("store");
    let mut rows = RowBuilder::default();
    let open = store
        .list_rows(&ItemQuery::default(), &mut rows)
        .expect("list");
    let open_n = open.len();
    let mut state = inbox_state(now);
    update(&mut state, Msg::ItemsLoaded(open), now);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
    let theme = Theme::monochrome();
    term.draw(|f| tinbox::ui::draw(f, &state, &theme, now))
        .expect("draw");
    println!(
        "2. start to first frame: {:.1} ms ({open_n} open of {n} stored)   target ≤ 100 ms",
        ms(t.elapsed())
    );

    // 3. Key press to frame: move, change the filter, open an item.
    let press = |state: &mut AppState, term: &mut Terminal<TestBackend>, m: Msg| {
        let t = Instant::now();
        update(state, m, now);
        term.draw(|f| tinbox::ui::draw(f, state, &theme, now))
            .expect("draw");
        t.elapsed()
    };
    let mut times = Vec::new();
    for i in 0..400 {
        let m = key(if i % 50 < 40 {
            KeyCode::Char('j')
        } else {
            KeyCode::Char('k')
        });
        times.push(press(&mut state, &mut term, m));
    }
    for i in 0..20 {
        times.push(press(
            &mut state,
            &mut term,
            key(KeyCode::Char(if i % 2 == 0 { '2' } else { '0' })),
        ));
        let all = store
            .list_rows(&ItemQuery::default(), &mut rows)
            .expect("list");
        times.push(press(&mut state, &mut term, Msg::ItemsLoaded(all)));
        times.push(press(&mut state, &mut term, key(KeyCode::Enter)));
        times.push(press(&mut state, &mut term, key(KeyCode::Esc)));
    }
    times.sort();
    println!(
        "3. key to frame (open items): median {:.2} ms, p99 {:.2} ms over {} presses   target median ≤ 5, p99 ≤ 20",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        times.len()
    );
    // The same with every status shown (all items in the list).
    let all = ItemQuery {
        all: true,
        ..ItemQuery::default()
    };
    let everything = store.list_rows(&all, &mut rows).expect("all");
    update(&mut state, Msg::ItemsLoaded(everything), now);
    let mut times = Vec::new();
    for _ in 0..200 {
        times.push(press(&mut state, &mut term, key(KeyCode::Char('j'))));
    }
    // A reload (after any change) arriving: `update` filters, sorts and checks timers.
    let mut reloads = Vec::new();
    for _ in 0..5 {
        let again = store.list_rows(&all, &mut rows).expect("all");
        reloads.push(press(&mut state, &mut term, Msg::ItemsLoaded(again)));
    }
    times.sort();
    reloads.sort();
    println!(
        "   key to frame (all {n} items listed): median {:.2} ms, p99 {:.2} ms; a reload arriving: median {:.1} ms",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&reloads, 0.5))
    );
    boxes::run(&mut state, &mut term, &theme, now);

    // 4. Peak memory of a fresh process that opens the store and shows the inbox.
    // Returns the figure and the child's breakdown by step.
    let rss = |all: bool| -> (String, String) {
        let exe = std::env::current_exe().expect("exe");
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("--rss").arg(&db);
        if all {
            cmd.arg("--all");
        }
        let out = cmd.output().expect("child");
        let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
        (text(&out.stdout), text(&out.stderr))
    };
    let (open_mb, open_steps) = rss(false);
    let (all_mb, all_steps) = rss(true);
    println!(
        "4. peak RSS of a process showing the inbox: {open_mb} MB ({open_n} open items), {all_mb} MB (all {n} listed)   target ≤ 60 MB"
    );
    println!("   open items: {open_steps}");
    println!("   all listed: {all_steps}");

    // 5. Bytes to the terminal per scroll step and per idle minute (one visible timer).
    let mut state = inbox_state(now);
    let open = store
        .list_rows(&ItemQuery::default(), &mut rows)
        .expect("list");
    update(&mut state, Msg::ItemsLoaded(open), now);
    let bytes = Counting::default();
    let mut out = Terminal::new(CrosstermBackend::new(bytes.clone())).expect("term");
    out.resize(ratatui::layout::Rect::new(0, 0, 120, 40))
        .expect("size");
    out.draw(|f| tinbox::ui::draw(f, &state, &theme, now))
        .expect("draw");
    let before = bytes.count();
    let steps = 100;
    for _ in 0..steps {
        update(&mut state, key(KeyCode::Char('j')), now);
        out.draw(|f| tinbox::ui::draw(f, &state, &theme, now))
            .expect("draw");
    }
    let per_step = (bytes.count() - before) / steps;
    let mut one = inbox_state(now);
    let single = store
        .list_rows(
            &ItemQuery {
                limit: Some(1),
                ..ItemQuery::default()
            },
            &mut rows,
        )
        .expect("one");
    update(&mut one, Msg::ItemsLoaded(single), now);
    let idle_count = Counting::default();
    let mut idle = Terminal::new(CrosstermBackend::new(idle_count.clone())).expect("term");
    idle.resize(ratatui::layout::Rect::new(0, 0, 120, 40))
        .expect("size");
    idle.draw(|f| tinbox::ui::draw(f, &one, &theme, now))
        .expect("draw");
    let before = idle_count.count();
    let mut t = now;
    let end = now
        .checked_add(SignedDuration::from_secs(60))
        .unwrap_or(now);
    let mut draws = 0;
    // The loop of src/tui: sleep until the next visible change, then tick and draw if dirty.
    while t < end {
        let wait = tinbox::tui::next_tick(&one, t);
        t = t
            .checked_add(SignedDuration::try_from(wait).unwrap_or_default())
            .unwrap_or(end);
        if t >= end {
            break;
        }
        update(&mut one, Msg::Tick, t);
        if one.dirty {
            idle.draw(|f| tinbox::ui::draw(f, &one, &theme, t))
                .expect("draw");
            one.dirty = false;
            draws += 1;
        }
    }
    let idle_bytes = idle_count.count() - before;
    println!(
        "5. terminal bytes: {per_step} B per scroll step (target ≤ 2048); {idle_bytes} B per idle minute with one timer, {draws} redraws (target ≤ 4096)"
    );
    let _ = std::io::stdout().flush();
    drop(store);
    accounts::run(if quick { 10 } else { 50 });
    scale::sync_many(if quick { 100 } else { 1000 });
    toot::run();
    deep_html();
    slow_store::run(&db, quick);
}

/// Issue 22: a feed entry of 200,000 nested `<div>` (2.2 MB) took 236 s to convert.
fn deep_html() {
    let n = 200_000;
    let html = "<div>".repeat(n) + "bottom" + &"</div>".repeat(n);
    let t = Instant::now();
    let text = tinbox::html::to_text(&html);
    println!(
        "12. deep HTML: {n} nested <div> ({:.1} MB) to text in {:.0} ms (target < 1000), {} chars",
        html.len() as f64 / 1e6,
        ms(t.elapsed()),
        text.len()
    );
}

/// A writer that only counts bytes (shared, so the count can be read while it is in use).
#[derive(Default, Clone)]
struct Counting(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Counting {
    fn count(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .fetch_add(buf.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
