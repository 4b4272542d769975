//! `cargo bench --bench perf`: the performance figures of issues #9 and #21 on this
//! machine, with generated data (fixed seed). Prints one line per figure with its target;
//! never fails a build (timings are reported, not asserted). `-- --items N` sets the size
//! (default 100,000; issue 21's targets for 1,000,000 apply from a million); `-- --quick`
//! runs 5,000; `-- --only-scale` runs figure 7 alone,
//! `-- --only-toot` the comparison with `toot`. With `TINBOX_PG_URL` set, figures
//! 1–4 run on the PostgreSQL store too (a fresh database, dropped after).

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use tinbox::app::{AppState, Effect, Msg};
use tinbox::model::RowBuilder;
use tinbox::sla::Policies;
use tinbox::store::ItemQuery;
use tinbox::store::StoreBackend;
use tinbox::store::postgres::PgStore;
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
#[path = "perf/pg.rs"]
mod pg;
#[path = "perf/scale.rs"]
mod scale;
#[path = "perf/slow_store.rs"]
mod slow_store;
#[path = "perf/toot.rs"]
mod toot;
#[path = "perf/window.rs"]
mod window;

const N: usize = 100_000;

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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss") {
        // The child of figure 4: a store path, or a PostgreSQL URL.
        let at = &args[i + 1];
        let mut store: Box<dyn StoreBackend> = if at.starts_with("postgres") {
            Box::new(PgStore::open(&pg::options(at)).expect("open"))
        } else {
            Box::new(SqliteStore::open(std::path::Path::new(at)).expect("store"))
        };
        window::rss_child(store.as_mut());
        return;
    }
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful.
    let quick = std::env::args().any(|a| a == "--quick");
    let n = match args.iter().position(|a| a == "--items") {
        Some(i) => args[i + 1]
            .replace(['_', ','], "")
            .parse()
            .expect("--items N"),
        None if quick => 5_000,
        None => N,
    };
    if std::env::args().any(|a| a == "--only-scale") {
        scale::sync_many(if quick { 100 } else { 1000 });
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--keys") {
        // Figures 2–3 alone, on a store made by `--db-out`.
        let db = std::path::PathBuf::from(&args[i + 1]);
        let open = || -> Box<dyn StoreBackend> { Box::new(SqliteStore::open(&db).expect("store")) };
        window::keys(&open, n, Timestamp::now(), &window::targets(n));
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
    let t = window::targets(n);

    // 1. Ingest: batches of 500 in one transaction each.
    println!("SQLite store:");
    let mut store = SqliteStore::open(&db).expect("store");
    let (rate, spent) = window::ingest(&mut store, n, now);
    println!(
        "1. ingest: {rate:.0} items/s ({n} items in {:.1} s, batches of {})   target ≥ {}/s  {}",
        spent.as_secs_f64(),
        window::BATCH,
        t.ingest,
        if rate >= t.ingest { "ok" } else { "MISSED" }
    );
    // A realistic history: closed but for a few hundred open ones.
    {
        let conn = rusqlite::Connection::open(&db).expect("conn");
        conn.execute(&window::close_most_sql(n), [])
            .expect("close most");
        conn.execute("ANALYZE", []).expect("analyze");
    }
    drop(store);
    if let Some(i) = args.iter().position(|a| a == "--db-out") {
        // Only the store, for looking at one figure: `--rss PATH` then measures it.
        std::fs::copy(&db, &args[i + 1]).expect("copy the bench store");
        return;
    }
    scale::quick_check(&db);

    // 2.–3. Start to first frame; key to frame with everything listed.
    println!("2.–3. first frame and key to complete frame (120 × 40):");
    let open = || -> Box<dyn StoreBackend> { Box::new(SqliteStore::open(&db).expect("store")) };
    window::keys(&open, n, now, &t);

    // 4. Peak memory of a fresh process that lists everything, with a reload.
    let rss = |at: &str| -> (String, String) {
        let exe = std::env::current_exe().expect("exe");
        let out = std::process::Command::new(exe)
            .arg("--rss")
            .arg(at)
            .output()
            .expect("child");
        let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
        (text(&out.stdout), text(&out.stderr))
    };
    let (all_mb, all_steps) = rss(&db.display().to_string());
    println!(
        "4. peak RSS of a process listing all {n} items, with a reload: {all_mb} MB   target ≤ {} MB",
        t.rss
    );
    println!("   ({all_steps})");
    if let Some(admin) = pg::admin_url() {
        pg::run(&admin, n, now, &rss);
    }

    let mut store = SqliteStore::open(&db).expect("store");
    let mut rows = RowBuilder::default();
    let theme = Theme::monochrome();
    {
        let mut state = inbox_state(now);
        let open = store
            .list_rows(&ItemQuery::default(), &mut rows)
            .expect("list");
        update(&mut state, Msg::ItemsLoaded(open), now);
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
        boxes::run(&mut state, &mut term, &theme, now);
    }
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
