use jiff::Timestamp;

use super::*;
use crate::model::{
    Author, ChannelKind, IncomingItem, ItemId, Kind, Status, TimerTarget, Visibility,
};
use crate::store::{ItemQuery, StoreBackend};
use crate::testing::at;

fn incoming(remote: &str, created: Timestamp) -> IncomingItem {
    IncomingItem {
        remote_id: remote.into(),
        kind: Kind::Mention,
        author: Author {
            handle: "@kim@example.social".into(),
            name: "Kim".into(),
        },
        text: format!("hello from {remote}"),
        url: None,
        created_at: created,
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    }
}

fn reply_in(remote: &str, root: &str, created: Timestamp) -> IncomingItem {
    IncomingItem {
        thread_root: Some(root.into()),
        in_reply_to: Some(root.into()),
        kind: Kind::Reply,
        ..incoming(remote, created)
    }
}

fn store() -> SqliteStore {
    SqliteStore::open_in_memory().expect("store")
}

#[test]
fn migrations_run_once_and_reopen_is_a_no_op() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("data/tinbox.db");
    let mut s = SqliteStore::open(&path).expect("open");
    assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
    s.ingest(
        "a",
        ChannelKind::Demo,
        &[incoming("1", at(0))],
        Some("c1"),
        at(5),
    )
    .expect("ingest");
    drop(s);
    let mut s = SqliteStore::open(&path).expect("reopen");
    assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
    assert_eq!(s.list_items(&ItemQuery::default()).expect("list").len(), 1);
    assert!(s.integrity_ok().expect("check"));
}

#[test]
fn newer_schema_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("tinbox.db");
    drop(SqliteStore::open(&path).expect("open"));
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    let before = std::fs::read(&path).expect("read");
    match SqliteStore::open(&path) {
        Err(StoreError::NewerSchema { found, known, .. }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "nothing changed"
    );
}

#[test]
fn not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("tinbox.db");
    std::fs::write(
        &path,
        "this is not sqlite, just some text that is long enough to look like a header....",
    )
    .expect("w");
    let err = SqliteStore::open(&path).err().expect("error").to_string();
    assert!(err.contains("not a tinbox store"), "{err}");
}

#[test]
fn ingest_dedups_and_keeps_cursor() {
    let mut s = store();
    let batch = [incoming("1", at(0)), incoming("2", at(10))];
    let r = s
        .ingest("a", ChannelKind::Demo, &batch, Some("c1"), at(20))
        .expect("ingest");
    assert_eq!(r.new_items.len(), 2);
    let r = s
        .ingest("a", ChannelKind::Demo, &batch, None, at(30))
        .expect("again");
    assert!(r.new_items.is_empty());
    let acc = s.account("a").expect("q").expect("account");
    assert_eq!(acc.cursor.as_deref(), Some("c1"), "None keeps the cursor");
    assert_eq!(acc.last_sync, Some(at(30)));
    // Same remote id on another account is another item.
    assert_eq!(
        s.ingest("b", ChannelKind::Demo, &batch, None, at(30))
            .expect("b")
            .new_items
            .len(),
        2
    );
    let items = s.list_items(&ItemQuery::default()).expect("list");
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].created_at, at(10), "newest first");
    let h = s.history(items[0].id).expect("history");
    assert_eq!(
        (h.len(), h[0].to, h[0].who.as_str()),
        (1, Status::New, "tinbox")
    );
}

#[test]
fn ingest_sanitizes_remote_text() {
    let mut s = store();
    let mut it = incoming("1", at(0));
    it.text = "hi\u{1b}]0;owned\u{7} there\u{1b}[2J".into();
    it.author.name = "Evil\u{1b}[31m\nName".into();
    s.ingest("a", ChannelKind::Demo, &[it], None, at(1))
        .expect("ingest");
    let item = &s.list_items(&ItemQuery::default()).expect("list")[0];
    assert_eq!(item.text, "hi there");
    assert_eq!(item.author.name, "Evil Name");
}

#[test]
fn status_changes_pause_and_resume_the_clock() {
    let mut s = store();
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_status(
        id,
        Status::Pending,
        "kim",
        "asked for the order number",
        at(600),
    )
    .expect("pending");
    let it = s.item(id).expect("item");
    assert_eq!(it.paused_since, Some(at(600)));
    s.set_status(id, Status::New, "kim", "back", at(1800))
        .expect("new");
    let it = s.item(id).expect("item");
    assert_eq!((it.paused_secs, it.paused_since), (1200, None));
    assert_eq!(
        it.waiting_since,
        Some(at(0)),
        "resuming keeps the original start"
    );
    // Same status: nothing recorded.
    s.set_status(id, Status::New, "kim", "again", at(1900))
        .expect("noop");
    let h = s.history(id).expect("h");
    assert_eq!(h.len(), 3);
    assert_eq!(
        (h[1].who.as_str(), h[1].why.as_str(), h[1].from, h[1].to),
        (
            "kim",
            "asked for the order number",
            Some(Status::New),
            Status::Pending
        )
    );
    assert!(matches!(
        s.set_status(ItemId(999), Status::Done, "k", "x", at(0)),
        Err(StoreError::NoSuchItem(_))
    ));
}

#[test]
fn reply_answers_the_thread_and_next_message_gets_next_response_clock() {
    let mut s = store();
    let r = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[
                incoming("root", at(0)),
                reply_in("r2", "root", at(60)),
                reply_in("r9", "root", at(900)),
            ],
            None,
            at(1000),
        )
        .expect("ingest");
    let (root, second, later) = (r.new_items[0], r.new_items[1], r.new_items[2]);
    s.save_draft(second, "On it!", at(1100)).expect("draft");
    assert_eq!(s.draft_count().expect("n"), 1);
    s.record_reply(second, "out-1", "On it!", "kim", at(1200))
        .expect("reply");
    for id in [root, second] {
        let it = s.item(id).expect("item");
        assert_eq!(
            (it.status, it.waiting_since, it.first_response_at),
            (Status::Replied, None, Some(at(1200)))
        );
    }
    assert_eq!(
        s.item(later).expect("later").status,
        Status::New,
        "a newer message still waits"
    );
    assert_eq!(
        s.draft(second).expect("d"),
        None,
        "the draft is gone once sent"
    );
    let thread = s.thread(second).expect("thread");
    assert_eq!(thread.len(), 4);
    assert!(thread.iter().any(|e| e.outbound && e.remote_id == "out-1"));
    assert_eq!(thread[0].remote_id, "root");
    // The customer writes again: the new item measures the next response.
    let n = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("r10", "root", at(2000))],
            None,
            at(2000),
        )
        .expect("i")
        .new_items[0];
    assert_eq!(
        s.item(n).expect("n").timer_target,
        TimerTarget::NextResponse
    );
    assert_eq!(
        s.item(later).expect("l").timer_target,
        TimerTarget::FirstResponse
    );
}

#[test]
fn a_new_message_brings_back_pending_items_of_the_thread() {
    let mut s = store();
    let id = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("root", at(0))],
            None,
            at(0),
        )
        .expect("i")
        .new_items[0];
    s.set_status(id, Status::Pending, "kim", "waiting", at(100))
        .expect("p");
    let r = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("r2", "root", at(400))],
            None,
            at(400),
        )
        .expect("i");
    assert_eq!(r.reopened, vec![id]);
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.paused_secs, it.paused_since),
        (Status::New, 300, None)
    );
}

#[test]
fn reopening_a_done_item_starts_a_fresh_clock() {
    let mut s = store();
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.record_reply(id, "o", "hi", "kim", at(50)).expect("reply");
    s.set_status(id, Status::Done, "kim", "done", at(60))
        .expect("done");
    assert!(
        s.list_items(&ItemQuery::default())
            .expect("open")
            .is_empty()
    );
    assert_eq!(
        s.list_items(&ItemQuery {
            all: true,
            ..ItemQuery::default()
        })
        .expect("all")
        .len(),
        1
    );
    s.set_status(id, Status::New, "kim", "reopened", at(500))
        .expect("new");
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.waiting_since, it.timer_target),
        (Some(at(500)), TimerTarget::NextResponse)
    );
}

#[test]
fn drafts_round_trip() {
    let mut s = store();
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    assert_eq!(s.draft(id).expect("d"), None);
    s.save_draft(id, "first", at(1)).expect("save");
    s.save_draft(id, "second", at(2)).expect("save");
    assert_eq!(s.draft(id).expect("d").as_deref(), Some("second"));
    assert!(s.item(id).expect("i").has_draft);
    s.save_draft(id, "  ", at(3)).expect("clear");
    assert_eq!(
        (s.draft(id).expect("d"), s.draft_count().expect("n")),
        (None, 0)
    );
    assert!(matches!(
        s.save_draft(ItemId(77), "x", at(0)),
        Err(StoreError::NoSuchItem(_))
    ));
}

#[test]
fn list_filters() {
    let mut s = store();
    let ids = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("1", at(0)), incoming("2", at(1))],
            None,
            at(2),
        )
        .expect("i")
        .new_items;
    s.ingest("b", ChannelKind::Demo, &[incoming("3", at(3))], None, at(4))
        .expect("i");
    s.set_status(ids[0], Status::Ignored, "k", "spam", at(5))
        .expect("s");
    let q = |statuses: Vec<Status>, account: Option<&str>, limit| ItemQuery {
        statuses,
        all: false,
        account: account.map(String::from),
        limit,
    };
    assert_eq!(s.list_items(&q(vec![], None, None)).expect("l").len(), 2);
    assert_eq!(
        s.list_items(&q(vec![Status::Ignored], None, None))
            .expect("l")
            .len(),
        1
    );
    assert_eq!(
        s.list_items(&q(vec![], Some("a"), None)).expect("l").len(),
        1
    );
    assert_eq!(s.list_items(&q(vec![], None, Some(1))).expect("l").len(), 1);
}

#[test]
fn an_answer_to_our_reply_joins_the_thread() {
    let mut s = store();
    let id = s
        .ingest(
            "a",
            ChannelKind::Mastodon,
            &[incoming("100", at(0))],
            None,
            at(0),
        )
        .expect("i")
        .new_items[0];
    s.record_reply(id, "200", "we are on it", "kim", at(60))
        .expect("reply");
    // Mastodon knows only the direct parent: our reply.
    let answer = IncomingItem {
        thread_root: Some("200".into()),
        in_reply_to: Some("200".into()),
        kind: Kind::Reply,
        ..incoming("300", at(120))
    };
    let n = s
        .ingest("a", ChannelKind::Mastodon, &[answer], None, at(130))
        .expect("i")
        .new_items[0];
    let it = s.item(n).expect("item");
    assert_eq!(
        (it.thread_root.as_str(), it.timer_target),
        ("100", TimerTarget::NextResponse)
    );
    assert_eq!(s.thread(n).expect("thread").len(), 3);
}

#[test]
fn feed_entries_wait_from_when_they_are_first_seen() {
    let mut s = store();
    let entry = IncomingItem {
        kind: Kind::Entry,
        ..incoming("e1", at(-86_400 * 30))
    };
    let id = s
        .ingest("f", ChannelKind::Feed, &[entry], None, at(0))
        .expect("i")
        .new_items[0];
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.created_at, it.waiting_since),
        (at(-86_400 * 30), Some(at(0)))
    );
}

#[test]
fn followups_get_case_numbers_pause_the_clock_and_close_with_an_outcome() {
    use crate::model::{FollowUpInput, FollowUpMethod};
    let mut s = store();
    let ids = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("1", at(0)), incoming("2", at(10))],
            None,
            at(20),
        )
        .expect("i")
        .new_items;
    let input = FollowUpInput {
        method: FollowUpMethod::Phone,
        contact: Some("+49 30 1234\u{1b}[2J".into()),
        due_at: Some(at(7200)),
        assignee: Some("kim".into()),
        note: Some("call about the double charge".into()),
    };
    let f = s
        .create_followup(ids[0], &input, "CASE-{n:05}", "kim", at(600))
        .expect("create");
    assert_eq!(
        (f.case_number.as_str(), f.contact.as_deref()),
        ("CASE-00001", Some("+49 30 1234"))
    );
    let it = s.item(ids[0]).expect("item");
    assert_eq!(
        (it.status, it.paused_since, it.assignee.as_deref()),
        (Status::FollowUp, Some(at(600)), Some("kim"))
    );
    assert!(
        s.create_followup(ids[0], &input, "CASE-{n:05}", "kim", at(601))
            .is_err(),
        "one open follow-up per item"
    );
    let g = s
        .create_followup(
            ids[1],
            &FollowUpInput {
                due_at: None,
                ..input.clone()
            },
            "CASE-{n:05}",
            "kim",
            at(700),
        )
        .expect("second");
    assert_eq!(g.case_number, "CASE-00002");
    let open = s.followups(false).expect("list");
    assert_eq!(
        open.iter()
            .map(|f| f.case_number.as_str())
            .collect::<Vec<_>>(),
        vec!["CASE-00001", "CASE-00002"],
        "due first"
    );
    let closed = s
        .resolve_followup(ids[0], "refunded", true, "kim", at(900))
        .expect("resolve");
    assert_eq!(
        (closed.outcome.as_deref(), closed.closed_at),
        (Some("refunded"), Some(at(900)))
    );
    assert_eq!(s.item(ids[0]).expect("item").status, Status::Done);
    assert_eq!(s.followups(false).expect("open").len(), 1);
    assert_eq!(s.followups(true).expect("all").len(), 2);
    assert!(
        s.history(ids[0])
            .expect("h")
            .iter()
            .any(|h| h.why.contains("CASE-00001 closed: refunded"))
    );
    assert!(
        s.resolve_followup(ids[0], "again", true, "kim", at(901))
            .is_err(),
        "nothing open any more"
    );
}

#[test]
fn a_snoozed_item_comes_back_when_its_time_is_up() {
    let mut s = store();
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.snooze(id, at(3600), "kim", at(600)).expect("snooze");
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.snoozed_until, it.paused_since),
        (Status::Snoozed, Some(at(3600)), Some(at(600)))
    );
    assert!(s.wake_snoozed(at(3599)).expect("early").is_empty());
    assert_eq!(s.wake_snoozed(at(3600)).expect("due"), vec![id]);
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.snoozed_until, it.paused_secs),
        (Status::New, None, 3000)
    );
    assert_eq!(
        s.history(id).expect("h").last().map(|h| h.why.clone()),
        Some("snooze ended".into())
    );
}

#[test]
fn priority_changes_are_kept_and_recorded() {
    let mut s = store();
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_priority(id, crate::model::Priority::Urgent, "kim", at(5))
        .expect("set");
    assert_eq!(
        s.item(id).expect("item").priority,
        crate::model::Priority::Urgent
    );
    let h = s.history(id).expect("h");
    assert_eq!(
        (
            h.last().map(|h| h.why.as_str()),
            h.last().map(|h| h.who.as_str())
        ),
        (Some("priority urgent"), Some("kim"))
    );
}

#[test]
fn tags_and_assignee_are_kept_and_recorded() {
    let mut s = store();
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_tags(
        id,
        &["vip".into(), "refund\u{1b}[2J".into(), " ".into()],
        "kim",
        at(1),
    )
    .expect("tags");
    s.set_assignee(id, Some("sam"), "kim", at(2))
        .expect("assign");
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.tags, it.assignee.as_deref()),
        (vec!["vip".to_string(), "refund".to_string()], Some("sam"))
    );
    s.set_assignee(id, None, "kim", at(3)).expect("unassign");
    assert_eq!(s.item(id).expect("item").assignee, None);
    let why: Vec<String> = s
        .history(id)
        .expect("h")
        .into_iter()
        .map(|h| h.why)
        .collect();
    assert_eq!(
        &why[1..],
        &["tags: vip, refund", "assigned to sam", "unassigned"]
    );
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = SqliteStore::open(&dir.path().join("full.db")).expect("open");
    let first: Vec<IncomingItem> = (0..10).map(|i| incoming(&format!("a{i}"), at(i))).collect();
    s.ingest("acc", ChannelKind::Demo, &first, Some("c1"), at(20))
        .expect("ingest");
    // The file may not grow any more: SQLite answers SQLITE_FULL, as on a full disk.
    let pages: i64 = s
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("pages");
    s.conn
        .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
        .expect("limit");
    let big: Vec<IncomingItem> = (0..500)
        .map(|i| IncomingItem {
            text: "x".repeat(4000),
            ..incoming(&format!("b{i}"), at(30 + i))
        })
        .collect();
    let e = s
        .ingest("acc", ChannelKind::Demo, &big, Some("c2"), at(40))
        .expect_err("full");
    assert_eq!(
        e.to_string(),
        StoreError::Db("the disk is full".into()).to_string()
    );
    // Nothing half-written: the ten items and the old cursor, an intact file.
    assert_eq!(s.list_items(&ItemQuery::default()).expect("list").len(), 10);
    assert_eq!(
        s.account("acc")
            .expect("acc")
            .and_then(|a| a.cursor)
            .as_deref(),
        Some("c1"),
        "the cursor does not move past items that were not stored"
    );
    assert!(s.integrity_ok().expect("check"));
    // Space again: the same batch goes in.
    s.conn
        .query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))
        .expect("unlimit");
    s.ingest("acc", ChannelKind::Demo, &big, Some("c2"), at(50))
        .expect("ingest after space is freed");
    assert_eq!(
        s.list_items(&ItemQuery::default()).expect("list").len(),
        510
    );
}
