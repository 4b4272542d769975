//! The windowed inbox list in a pseudo-terminal: the real binary on a real SQLite store
//! seeded with a few thousand closed items. `c` shows them (a tail of ids, rows loaded
//! around the screen), `G` goes to the oldest one and its row arrives.

mod support;

use jiff::{SignedDuration, Timestamp};
use support::fake_mastodon::{FakeMastodon, connect};
use support::pty::PtyApp;
use tinbox::model::{Author, ChannelKind, IncomingItem, Kind, Visibility};
use tinbox::store::prelude::*;
use tinbox::store::sqlite::SqliteStore;

const N: usize = 3000;

/// `N` items, one a minute, the oldest first; the oldest and the newest have names of
/// their own.
fn seed(db: &std::path::Path) {
    let now = Timestamp::now();
    let items: Vec<IncomingItem> = (0..N)
        .map(|i| {
            let name = match i {
                0 => "Oldest Person".to_string(),
                i if i == N - 1 => "Newest Person".to_string(),
                i => format!("User {i}"),
            };
            IncomingItem {
                remote_id: format!("r{i}"),
                kind: Kind::Mention,
                author: Author {
                    handle: format!("@u{i}@x.invalid"),
                    name,
                },
                text: format!("message {i} about an order"),
                url: None,
                created_at: now
                    .checked_sub(SignedDuration::from_secs(((N - i) * 60) as i64))
                    .unwrap_or(now),
                thread_root: None,
                in_reply_to: None,
                visibility: Visibility::Public,
            }
        })
        .collect();
    let mut store = SqliteStore::open(db).expect("store");
    for chunk in items.chunks(500) {
        store
            .ingest("brand", ChannelKind::Mastodon, chunk, None, now)
            .expect("ingest");
    }
    drop(store);
    // A history: all closed but the newest.
    let conn = rusqlite::Connection::open(db).expect("conn");
    conn.execute(
        "UPDATE items SET status = 'done', timer_target = 'none', waiting_since = NULL \
         WHERE remote_id <> ?1",
        [format!("r{}", N - 1)],
    )
    .expect("close");
}

#[test]
fn c_shows_thousands_of_closed_items_and_g_reaches_the_oldest() {
    let fake = FakeMastodon::start();
    let sb = connect(&fake);
    std::fs::create_dir_all(sb.data_dir()).expect("data dir");
    seed(&sb.data_dir().join("tinbox.db"));
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&[], &envs, 120, 30);
    app.wait_text("Newest Person");
    assert!(!app.screen().contains("User 2998"), "closed items hidden");
    app.send("c");
    app.wait_text("Showing all items.");
    // The newest closed ones come right below the open one.
    app.wait_text("User 2998");
    app.send("G");
    app.wait_text("Oldest Person");
    // The detail pane may show the oldest before the list's rows arrive: wait for a
    // neighbour's row.
    app.wait_text("message 3 about");
    let screen = app.screen();
    assert!(screen.contains("User 1"), "its neighbours too:\n{screen}");
    assert!(
        !screen.contains("Newest Person"),
        "scrolled away:\n{screen}"
    );
    // And back to the top.
    app.send("g");
    app.wait_text("Newest Person");
    app.send("q");
    assert!(app.wait_exit());
}
