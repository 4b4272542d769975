//! Issue 21's figures at one size, on one store: ingest, start to first frame, key to frame
//! with every item listed (moves, `G`, view change, filter, search), search to the first
//! frame with its results, peak RSS of a process listing everything with a reload. Each key
//! runs as the app runs it: `update`, then the list's store effects answered (the window's
//! rows, a list with its closed tail, a search of the tail), then a frame. So a figure is
//! key to *complete* frame, placeholders filled.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tinbox::app::{AppState, Effect, Msg};
use tinbox::model::{Author, ChannelKind, IncomingItem, Kind, RowBuilder, Visibility};
use tinbox::store::{ItemQuery, StoreBackend};
use tinbox::theme::Theme;
use tinbox::tui::window;

use super::{WORDS, inbox_state, key, ms, peak_rss_mb, percentile, update};

pub const BATCH: usize = 500;

/// Issue 21's targets at a size.
pub struct Targets {
    pub first_frame: f64,
    pub key_median: f64,
    pub key_p99: f64,
    pub rss: f64,
    pub search: f64,
    pub ingest: f64,
}

pub fn targets(n: usize) -> Targets {
    if n >= 1_000_000 {
        Targets {
            first_frame: 100.0,
            key_median: 5.0,
            key_p99: 20.0,
            rss: 40.0,
            search: 100.0,
            ingest: 30_000.0,
        }
    } else {
        Targets {
            first_frame: 50.0,
            key_median: 2.0,
            key_p99: 10.0,
            rss: 30.0,
            search: 30.0,
            ingest: 30_000.0,
        }
    }
}

/// Items `start..start + len` of `n`, one every 30 s up to now (a fixed seed per batch).
fn batch(start: usize, len: usize, n: usize, now: Timestamp) -> Vec<IncomingItem> {
    let mut rng = fastrand::Rng::with_seed(9 + start as u64);
    (start..start + len)
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

/// Ingest `n` generated items in batches; items per second.
pub fn ingest(store: &mut dyn StoreBackend, n: usize, now: Timestamp) -> (f64, Duration) {
    let mut spent = Duration::ZERO;
    for start in (0..n).step_by(BATCH) {
        let items = batch(start, BATCH.min(n - start), n, now);
        let t = Instant::now();
        store
            .ingest("brand", ChannelKind::Mastodon, &items, None, now)
            .expect("ingest");
        spent += t.elapsed();
    }
    (n as f64 / spent.as_secs_f64(), spent)
}

/// The statement that makes a history of the ingested items: every one closed but one in
/// twelve of the newest 12,000 (open items are what needs a human: a small set whatever
/// the history's length).
pub fn close_most_sql(n: usize) -> String {
    format!(
        "UPDATE items SET status = 'done', timer_target = 'none', waiting_since = NULL \
         WHERE NOT (id % 12 = 0 AND id > {})",
        n.saturating_sub(12_000)
    )
}

/// Answer the list's store effects as the effect runner does, until none is left.
pub fn settle(
    state: &mut AppState,
    store: &mut dyn StoreBackend,
    rows: &mut RowBuilder,
    fx: Vec<Effect>,
    now: Timestamp,
) {
    let mut later = settle_first(state, store, rows, fx, now);
    while !later.is_empty() {
        later = settle_first(state, store, rows, later, now);
    }
}

/// What runs after a key's frame, as the app shows it when it comes: the pages of a new
/// list's tail and a search of the whole tail (the count).
#[derive(Clone, Copy, Default)]
struct After {
    /// The longest page job: what a key pressed meanwhile could wait for.
    page: Duration,
    /// The longest time a tail took to be whole after its list's frame.
    tail: Duration,
    /// The longest job of a search of the whole tail (a chunk, store and update), and the
    /// longest time the whole tail's search took after a key's frame (every chunk).
    chunk: Duration,
    search: Duration,
}

/// Whether an effect runs after the frame (see [`After`]).
fn is_later(e: &Effect) -> bool {
    matches!(
        e,
        Effect::LoadTail { .. } | Effect::SearchTail { .. } | Effect::LoadOpen
    )
}

/// Answer what runs after the frame, one store job at a time until none is left.
fn settle_later(
    state: &mut AppState,
    store: &mut dyn StoreBackend,
    rows: &mut RowBuilder,
    later: Vec<Effect>,
    now: Timestamp,
) -> After {
    let mut after = After::default();
    let mut queue: VecDeque<Effect> = later.into();
    while let Some(e) = queue.pop_front() {
        let page = matches!(e, Effect::LoadTail { .. });
        let t = Instant::now();
        queue.extend(settle_first(state, store, rows, vec![e], now));
        let spent = t.elapsed();
        if page {
            after.page = after.page.max(spent);
            after.tail += spent;
        } else {
            after.chunk = after.chunk.max(spent);
            after.search += spent;
        }
    }
    after
}

/// Answer `fx` and the effects their answers bring, which a frame waits for; return the
/// pages of a tail these ask for (`LoadTail`), which the app shows as they come, after the
/// frame.
fn settle_first(
    state: &mut AppState,
    store: &mut dyn StoreBackend,
    rows: &mut RowBuilder,
    fx: Vec<Effect>,
    now: Timestamp,
) -> Vec<Effect> {
    let mut later = Vec::new();
    let mut queue: VecDeque<Effect> = fx.into();
    let trace = std::env::var_os("TINBOX_BENCH_TRACE").is_some();
    while let Some(e) = queue.pop_front() {
        let (t, what) = (
            Instant::now(),
            format!("{e:?}").chars().take(40).collect::<String>(),
        );
        let msg = match e {
            Effect::LoadItems { include_closed } => {
                let q = ItemQuery {
                    all: include_closed,
                    ..ItemQuery::default()
                };
                Msg::ItemsLoaded(store.list_rows(&q, rows).expect("list"))
            }
            Effect::LoadList(spec) => Msg::ListLoaded(Box::new(
                window::load_list(store, &spec, rows).expect("list"),
            )),
            Effect::LoadRows(ids) => Msg::RowsLoaded(window::load_rows(store, &ids).expect("rows")),
            Effect::LoadOpen => {
                Msg::OpenLoaded(store.list_rows(&ItemQuery::default(), rows).expect("open"))
            }
            Effect::LoadTail { spec, after } => Msg::TailLoaded(Box::new(
                window::load_page(store, &spec, after).expect("page"),
            )),
            Effect::SearchNear { query, ids } => Msg::NearMatches {
                ids: store.matching_ids(&ids, &query).expect("near"),
                query,
            },
            Effect::SearchTail { query, range, ids } => Msg::TailMatches {
                ids: store.matching_ids(&ids, &query).expect("search"),
                query,
                range,
            },
            _ => continue,
        };
        let store_ms = ms(t.elapsed());
        for e in update(state, msg, now) {
            if is_later(&e) {
                later.push(e);
            } else {
                queue.push_back(e);
            }
        }
        if trace {
            eprintln!(
                "  {what}: store {store_ms:.2} ms, update {:.2} ms",
                ms(t.elapsed()) - store_ms
            );
        }
    }
    later
}

/// A key to a complete frame.
fn press(
    state: &mut AppState,
    store: &mut dyn StoreBackend,
    rows: &mut RowBuilder,
    term: &mut Terminal<TestBackend>,
    m: Msg,
    now: Timestamp,
) -> Duration {
    let t = Instant::now();
    let (now_fx, mut later): (Vec<Effect>, Vec<Effect>) = update(state, m, now)
        .into_iter()
        .partition(|e| !is_later(e));
    later.extend(settle_first(state, store, rows, now_fx, now));
    term.draw(|f| tinbox::ui::draw(f, state, &Theme::monochrome(), now))
        .expect("draw");
    let key = t.elapsed();
    // What comes after the frame (the app draws it when it comes).
    let a = settle_later(state, store, rows, later, now);
    AFTER.with(|p| {
        let b = p.get();
        p.set(After {
            page: b.page.max(a.page),
            tail: b.tail.max(a.tail),
            chunk: b.chunk.max(a.chunk),
            search: b.search.max(a.search),
        });
    });
    key
}

thread_local! {
    static AFTER: std::cell::Cell<After> = const {
        std::cell::Cell::new(After {
            page: Duration::ZERO,
            tail: Duration::ZERO,
            chunk: Duration::ZERO,
            search: Duration::ZERO,
        })
    };
}

fn line(what: &str, times: &mut [Duration], t: &Targets) {
    times.sort();
    let (med, p99) = (ms(percentile(times, 0.5)), ms(percentile(times, 0.99)));
    let ok = if med <= t.key_median && p99 <= t.key_p99 {
        "ok"
    } else {
        "MISSED"
    };
    println!(
        "   {what:<28} median {med:6.2} ms, p99 {p99:6.2} ms over {:4}   target ≤ {} / ≤ {} ms  {ok}",
        times.len(),
        t.key_median,
        t.key_p99
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// Start to first frame, then the keys with every item listed. `open` opens the store
/// afresh (its opening counts in the first frame).
pub fn keys(open: &dyn Fn() -> Box<dyn StoreBackend>, n: usize, now: Timestamp, t: &Targets) {
    let start = Instant::now();
    let mut store = open();
    let mut rows = RowBuilder::default();
    let mut state = inbox_state(now);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
    let fx = vec![tinbox::app::triage::reload(&state)];
    settle(&mut state, store.as_mut(), &mut rows, fx, now);
    term.draw(|f| tinbox::ui::draw(f, &state, &Theme::monochrome(), now))
        .expect("draw");
    let first = ms(start.elapsed());
    println!(
        "   start to first frame: {first:.1} ms ({} open of {n})   target ≤ {} ms  {}",
        state.items.len(),
        t.first_frame,
        verdict(first <= t.first_frame)
    );
    let s = store.as_mut();
    let mut p = |state: &mut AppState, m: Msg| press(state, s, &mut rows, &mut term, m, now);
    // `c`: everything listed (the closed tail by id).
    let shown = p(&mut state, key(KeyCode::Char('c')));
    println!(
        "   c (all {} listed): {:.1} ms",
        state.items.len(),
        ms(shown)
    );
    let mut moves: Vec<Duration> = (0..400)
        .map(|i| {
            let c = if i % 50 < 40 { 'j' } else { 'k' };
            p(&mut state, key(KeyCode::Char(c)))
        })
        .collect();
    for _ in 0..3 {
        moves.push(p(&mut state, key(KeyCode::PageDown)));
    }
    line("moves (j/k, page)", &mut moves, t);
    let mut ends: Vec<Duration> = Vec::new();
    for _ in 0..10 {
        ends.push(p(&mut state, key(KeyCode::Char('G'))));
        ends.push(p(&mut state, key(KeyCode::Char('g'))));
    }
    line("G and g", &mut ends, t);
    let mut views = Vec::new();
    for i in 0..10 {
        let v = if i % 2 == 0 { '1' } else { '0' };
        views.push(p(&mut state, key(KeyCode::Char(v))));
    }
    line("view change (1, 0)", &mut views, t);
    let a = AFTER.with(|p| p.get());
    println!(
        "   (after a new list's frame the rest of its tail came in pages: the longest page {:.1} ms — what a key pressed meanwhile could wait — the whole tail {:.1} ms at most)",
        ms(a.page),
        ms(a.tail)
    );
    let mut filters = Vec::new();
    for i in 0..6 {
        p(&mut state, key(KeyCode::Char('l')));
        for _ in 0..30 {
            p(&mut state, key(KeyCode::Backspace));
        }
        for c in if i % 2 == 0 { "kind:dm refund" } else { "" }.chars() {
            p(&mut state, key(KeyCode::Char(c)));
        }
        filters.push(p(&mut state, key(KeyCode::Enter)));
    }
    line("filter (l … Enter)", &mut filters, t);
    let mut typing = Vec::new();
    let mut results = Vec::new();
    AFTER.with(|p| p.set(After::default()));
    for word in ["refund", "coffee", "monday", "login"] {
        p(&mut state, key(KeyCode::Char('/')));
        let mut last = Duration::ZERO;
        for c in word.chars() {
            last = p(&mut state, key(KeyCode::Char(c)));
            typing.push(last);
        }
        results.push(last);
        p(&mut state, key(KeyCode::Enter));
        for _ in 0..3 {
            typing.push(p(&mut state, key(KeyCode::Char('n'))));
        }
    }
    line("search (typing, n)", &mut typing, t);
    results.sort();
    let worst = ms(results[results.len() - 1]);
    let said = state.message.clone().map(|m| m.1).unwrap_or_default();
    println!(
        "   search over all {n} to the frame at its first match: worst {worst:.1} ms of {} words   target ≤ {} ms  {}",
        results.len(),
        t.search,
        verdict(worst <= t.search)
    );
    let a = AFTER.with(|p| p.get());
    println!(
        "   (then the count of every match, the whole tail searched after the frame in chunks: {:.0} ms at most, the longest chunk {:.1} ms; \"{said}\")",
        ms(a.search),
        ms(a.chunk)
    );
}

/// The child of the RSS figure: open the store, list everything as the app does (the
/// closed tail by id), draw, reload, draw; print VmHWM.
pub fn rss_child(store: &mut dyn StoreBackend) {
    let now = Timestamp::now();
    let opened = peak_rss_mb();
    let mut rows = RowBuilder::default();
    let mut state = inbox_state(now);
    state.show_closed = true;
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
    let fx = vec![tinbox::app::triage::reload(&state)];
    settle(&mut state, store, &mut rows, fx, now);
    term.draw(|f| tinbox::ui::draw(f, &state, &Theme::monochrome(), now))
        .expect("draw");
    let shown = peak_rss_mb();
    let fx = vec![tinbox::app::triage::reload(&state)];
    settle(&mut state, store, &mut rows, fx, now);
    term.draw(|f| tinbox::ui::draw(f, &state, &Theme::monochrome(), now))
        .expect("draw");
    eprintln!(
        "peak after open {opened:.1}, listed and drawn {shown:.1}, reloaded {:.1} MB ({} listed, {} whole rows)",
        peak_rss_mb(),
        state.items.len(),
        state.items.rows().len()
    );
    println!("{:.1}", peak_rss_mb());
}
