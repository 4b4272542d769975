//! A damaged or emptied store file, on the real binary: refused with the way back,
//! described by `tinbox db check`, rebuilt by `tinbox db check --repair`.

mod support;

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use support::{Sandbox, stderr, stdout};

const DEMO_CONFIG: &str = "[accounts.demo]\nchannel = \"demo\"\n";

/// Overwrite the first page of the largest index of `items` with garbage.
fn corrupt_an_index(db: &Path) {
    let (page, size): (i64, i64) = {
        let c = rusqlite::Connection::open(db).expect("open");
        c.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .expect("checkpoint");
        let page = c
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' ORDER BY rootpage LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("an index on items");
        let size = c
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        (page, size)
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(db)
        .expect("open file");
    let at = u64::try_from((page - 1) * size).expect("offset");
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(&vec![0xA5; usize::try_from(size).expect("size")])
        .expect("write");
    f.sync_all().expect("sync");
}

#[test]
fn a_damaged_store_is_refused_checked_and_repaired() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let before = sb.items().len();
    assert!(before > 0);
    let db = sb.data_dir().join("tinbox.db");
    corrupt_an_index(&db);

    for args in [&["sync", "--once"][..], &["list"], &["status"]] {
        let out = sb.run(args);
        assert!(
            !out.status.success(),
            "{args:?} must refuse a damaged store"
        );
        let err = stderr(&out);
        assert!(
            err.contains("damaged") && err.contains("tinbox db check --repair"),
            "{args:?}: {err}"
        );
    }

    let out = sb.run(&["db", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("damaged"), "{}", stdout(&out));

    let out = sb.run(&["db", "check", "--repair"]);
    assert!(out.status.success(), "{} {}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("kept as"), "{}", stdout(&out));
    let kept: Vec<_> = std::fs::read_dir(sb.data_dir())
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert!(!kept.is_empty(), "the damaged file is kept");

    let out = sb.run(&["db", "check"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(sb.items().len(), before, "every row came back");
    assert!(sb.run(&["sync", "--once"]).status.success());
}

#[test]
fn an_empty_store_file_is_never_taken_for_a_new_one() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    std::fs::create_dir_all(sb.data_dir()).expect("mkdir");
    let db = sb.data_dir().join("tinbox.db");
    std::fs::write(&db, "").expect("empty file");
    for args in [&["sync", "--once"][..], &["list"]] {
        let out = sb.run(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    }
    assert_eq!(
        std::fs::metadata(&db).expect("meta").len(),
        0,
        "left as found"
    );
    let out = sb.run(&["db", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("empty"), "{}", stdout(&out));
}

#[test]
fn a_new_store_appears_complete() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let names: Vec<String> = std::fs::read_dir(sb.data_dir())
        .expect("ls")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with(".tinbox-")),
        "no temp file left: {names:?}"
    );
}
