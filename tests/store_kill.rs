//! A writer killed with SIGKILL mid-stream: the store reopens intact with every committed batch.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use tinbox::model::{Author, ChannelKind, IncomingItem, Kind, Visibility};
use tinbox::store::ItemQuery;
use tinbox::store::prelude::*;
use tinbox::store::sqlite::SqliteStore;
use tinbox::testing::at;

const CHILD_ENV: &str = "TINBOX_STORE_KILL_CHILD";
const BATCH: usize = 50;

fn batch(n: usize) -> Vec<IncomingItem> {
    (0..BATCH)
        .map(|i| IncomingItem {
            remote_id: format!("b{n}-{i}"),
            kind: Kind::Mention,
            author: Author {
                handle: "@w@x.invalid".into(),
                name: "Writer".into(),
            },
            text: format!("batch {n} item {i}"),
            url: None,
            created_at: at(i as i64),
            thread_root: None,
            in_reply_to: None,
            visibility: Visibility::Public,
        })
        .collect()
}

/// Only does something when started by the test below: writes batches until it is killed.
#[test]
fn child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut store = SqliteStore::open(Path::new(&path)).expect("open");
    for n in 0.. {
        store
            .ingest(
                "acc",
                ChannelKind::Demo,
                &batch(n),
                Some(&n.to_string()),
                at(0),
            )
            .expect("ingest");
        println!("committed {n}");
    }
}

#[test]
fn killed_writer_loses_nothing_committed() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("tinbox.db");
    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn writer");
    let mut last = None;
    let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for line in lines {
        let line = line.expect("line");
        if let Some(n) = line.strip_prefix("committed ") {
            let n: usize = n.trim().parse().expect("number");
            last = Some(n);
            if n >= 20 {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let last = last.expect("the writer committed something");

    let mut store = SqliteStore::open(&path).expect("reopens after the kill");
    assert!(
        store.integrity_ok().expect("check"),
        "integrity_check is ok"
    );
    let items = store
        .list_items(&ItemQuery {
            all: true,
            ..ItemQuery::default()
        })
        .expect("list");
    assert_eq!(items.len() % BATCH, 0, "batches are all-or-nothing");
    assert!(
        items.len() >= (last + 1) * BATCH,
        "every reported batch is there: {} < {}",
        items.len(),
        (last + 1) * BATCH
    );
    for n in 0..=last {
        assert!(
            items
                .iter()
                .any(|i| i.remote_id == format!("b{n}-{}", BATCH - 1)),
            "batch {n}"
        );
    }
    let cursor: usize = store
        .account("acc")
        .expect("q")
        .expect("account")
        .cursor
        .expect("cursor")
        .parse()
        .expect("n");
    assert!(cursor >= last, "the cursor moved with its batch");
    assert_eq!(
        cursor + 1,
        items.len() / BATCH,
        "cursor and items were committed together"
    );
}
