//! The conformance suite and PostgreSQL-specific tests, against a real server: set
//! `TINBOX_PG_URL` to an admin URL (`.ci/postgres start` prints one). Without it every test
//! here says "skipped" and passes. Each test works in its own throw-away database.

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use self::testdb::TestDb;
use super::*;
use crate::model::{ChannelKind, FollowUpInput, FollowUpMethod, ItemId, Status};
use crate::store::conformance::{incoming, reply_in};
use crate::store::prelude::*;
use crate::store::{Activity, LeaseState};
use crate::testing::at;

/// A throw-away database per test.
pub(crate) mod testdb {
    use super::super::{PgOptions, PgStore};

    /// The admin URL, or `None` (the test is skipped) when `TINBOX_PG_URL` is not set.
    pub(crate) fn admin_url() -> Option<String> {
        let url = std::env::var("TINBOX_PG_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        Some(with_rootcert(&url))
    }

    /// Trust the test cluster's self-signed certificate (`TINBOX_PG_ROOTCERT`, or the one
    /// `.ci/postgres` writes) unless the URL says how to do TLS.
    fn with_rootcert(url: &str) -> String {
        if url.contains("sslrootcert=") || url.contains("sslmode=") {
            return url.to_string();
        }
        let dir = std::env::var("TINBOX_PG_DIR").unwrap_or_else(|_| "/tmp/tinbox-pg".into());
        let cert =
            std::env::var("TINBOX_PG_ROOTCERT").unwrap_or_else(|_| format!("{dir}/server.crt"));
        if !std::path::Path::new(&cert).exists() {
            return url.to_string();
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sslrootcert={cert}")
    }

    pub(crate) fn options(url: &str, user: &str) -> PgOptions {
        PgOptions {
            url: url.to_string(),
            password: None,
            user: user.to_string(),
            lease_secs: 60,
        }
    }

    /// A fresh, empty database; dropped (with its connections) when this is dropped.
    pub(crate) struct TestDb {
        admin: String,
        pub(crate) name: String,
        /// The URL of this database (admin credentials).
        pub(crate) url: String,
    }

    impl TestDb {
        /// A new empty database, or `None` after printing "skipped" without `TINBOX_PG_URL`.
        pub(crate) fn create() -> Option<TestDb> {
            let Some(admin) = admin_url() else {
                println!("skipped: set TINBOX_PG_URL");
                return None;
            };
            let name = format!("tinbox_t_{:016x}", fastrand::u64(..));
            let mut c = PgStore::connect(&options(&admin, "admin")).expect("admin connection");
            c.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create database");
            let mut u = url::Url::parse(&admin).expect("TINBOX_PG_URL is a postgres:// URL");
            u.set_path(&format!("/{name}"));
            Some(TestDb {
                admin,
                name,
                url: u.to_string(),
            })
        }

        /// A new database with the current schema.
        pub(crate) fn migrated() -> Option<TestDb> {
            let db = Self::create()?;
            PgStore::migrate(&db.options("kim")).expect("migrate");
            Some(db)
        }

        pub(crate) fn options(&self, user: &str) -> PgOptions {
            options(&self.url, user)
        }

        /// A store acting for `user` (a new instance).
        pub(crate) fn open(&self, user: &str) -> PgStore {
            PgStore::open(&self.options(user)).expect("open")
        }

        /// A plain connection to this database, for looking behind the store's back.
        pub(crate) fn raw(&self) -> postgres::Client {
            PgStore::connect(&self.options("admin")).expect("connect")
        }
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            if let Ok(mut c) = PgStore::connect(&options(&self.admin, "admin")) {
                let _ = c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        }
    }
}

/// Every backend-independent test, on a fresh migrated database (as user "kim").
mod conformance {
    use super::TestDb;
    use crate::store::StoreBackend;

    fn run(test: fn(&mut dyn StoreBackend)) {
        let Some(db) = TestDb::migrated() else {
            return;
        };
        let mut store = db.open("kim");
        test(&mut store);
        drop(store);
        drop(db);
    }

    crate::store::conformance::conformance_suite!(run);
}

fn version_in(c: &mut postgres::Client) -> i64 {
    c.query_one("SELECT version FROM schema_version", &[])
        .expect("version")
        .get(0)
}

fn tables(c: &mut postgres::Client) -> Vec<String> {
    c.query(
        "SELECT table_name::TEXT FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
        &[],
    )
    .expect("tables")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

fn count(c: &mut postgres::Client, sql: &str) -> i64 {
    c.query_one(sql, &[]).expect("count").get(0)
}

fn password_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.password().map(|p| p.to_string())
}

#[test]
fn migrating_twice_is_a_no_op() {
    let Some(db) = TestDb::create() else { return };
    assert_eq!(
        PgStore::migrate(&db.options("kim")).expect("migrate"),
        (0, SCHEMA_VERSION)
    );
    let before = tables(&mut db.raw());
    assert_eq!(
        PgStore::migrate(&db.options("kim")).expect("again"),
        (SCHEMA_VERSION, SCHEMA_VERSION)
    );
    assert_eq!(tables(&mut db.raw()), before);
    let mut s = db.open("kim");
    assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
    assert_eq!(
        count(&mut db.raw(), "SELECT COUNT(*) FROM schema_version"),
        1
    );
}

#[test]
fn concurrent_migrators_wait_for_each_other() {
    let Some(db) = TestDb::create() else { return };
    let opts = db.options("kim");
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let o = opts.clone();
            std::thread::spawn(move || PgStore::migrate(&o))
        })
        .collect();
    let mut from: Vec<i64> = runs
        .into_iter()
        .map(|h| h.join().expect("thread").expect("migrate").0)
        .collect();
    from.sort();
    assert_eq!(from, vec![0, SCHEMA_VERSION, SCHEMA_VERSION]);
    assert_eq!(version_in(&mut db.raw()), SCHEMA_VERSION);
}

#[test]
fn a_newer_schema_is_refused_and_nothing_changes() {
    let Some(db) = TestDb::migrated() else { return };
    let mut raw = db.raw();
    raw.execute(
        "UPDATE schema_version SET version = $1",
        &[&(SCHEMA_VERSION + 1)],
    )
    .expect("bump");
    let before = tables(&mut raw);
    match PgStore::open(&db.options("kim")) {
        Err(StoreError::NewerSchema { found, known, .. }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
    assert!(matches!(
        PgStore::migrate(&db.options("kim")),
        Err(StoreError::NewerSchema { .. })
    ));
    assert_eq!(version_in(&mut raw), SCHEMA_VERSION + 1);
    assert_eq!(tables(&mut raw), before);
    assert_eq!(
        count(&mut raw, "SELECT COUNT(*) FROM instances"),
        0,
        "no instance registered"
    );
}

#[test]
fn an_unmigrated_database_asks_for_tinbox_db_migrate() {
    let Some(db) = TestDb::create() else { return };
    let err = PgStore::open(&db.options("kim")).err().expect("refused");
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("run `tinbox db migrate`"), "{msg}");
    if let Some(pw) = password_of(&db.url) {
        assert!(!msg.contains(&pw), "the password is shown: {msg}");
    }
    assert!(tables(&mut db.raw()).is_empty(), "opening changed nothing");
    // An older schema: the same advice.
    PgStore::migrate(&db.options("kim")).expect("migrate");
    db.raw()
        .execute(
            "UPDATE schema_version SET version = $1",
            &[&(SCHEMA_VERSION - 1)],
        )
        .expect("downgrade");
    let msg = PgStore::open(&db.options("kim"))
        .err()
        .expect("refused")
        .to_string();
    assert!(msg.contains("run `tinbox db migrate`"), "{msg}");
}

/// The URL of `db` with other query parameters.
fn url_with(db: &TestDb, query: &str) -> String {
    let mut u = url::Url::parse(&db.url).expect("url");
    u.set_query(if query.is_empty() { None } else { Some(query) });
    u.to_string()
}

fn uses_tls(c: &mut postgres::Client) -> bool {
    c.query_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        &[],
    )
    .expect("ssl")
    .get(0)
}

#[test]
fn tls_is_used_and_the_certificate_verified() {
    let Some(db) = TestDb::migrated() else { return };
    let Some(cert) = db
        .url
        .split("sslrootcert=")
        .nth(1)
        .map(|c| c.split('&').next().unwrap_or(c).to_string())
    else {
        println!("skipped: no test certificate (TINBOX_PG_ROOTCERT)");
        return;
    };
    let pw = password_of(&db.url);
    let require = url_with(&db, &format!("sslmode=require&sslrootcert={cert}"));
    let mut s = PgStore::open(&detail_opts(&require)).expect("TLS with the test CA");
    assert!(uses_tls(&mut s.client));
    // Prefer (the default) uses TLS when offered.
    let prefer = url_with(&db, &format!("sslrootcert={cert}"));
    assert!(uses_tls(
        &mut PgStore::connect(&detail_opts(&prefer)).expect("prefer")
    ));
    // Without the CA the self-signed certificate is not trusted: a clear error, no password.
    let err = PgStore::connect(&detail_opts(&url_with(&db, "sslmode=require")))
        .err()
        .expect("an untrusted certificate is refused")
        .to_string();
    assert!(err.contains("certificate"), "{err}");
    assert!(err.contains("sslrootcert"), "{err}");
    if let Some(pw) = &pw {
        assert!(!err.contains(pw.as_str()), "the password is shown: {err}");
    }
    let missing = url_with(&db, "sslmode=require&sslrootcert=/nonexistent/ca.pem");
    let err = PgStore::connect(&detail_opts(&missing))
        .err()
        .expect("missing CA file")
        .to_string();
    assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    // sslmode=disable: plain.
    let plain = url_with(&db, "sslmode=disable");
    assert!(!uses_tls(
        &mut PgStore::connect(&detail_opts(&plain)).expect("plain")
    ));
}

fn detail_opts(url: &str) -> PgOptions {
    testdb::options(url, "kim")
}

#[test]
fn the_password_may_come_from_the_options_and_is_never_shown() {
    let Some(db) = TestDb::migrated() else { return };
    let Some(pw) = password_of(&db.url) else {
        println!("skipped: TINBOX_PG_URL has no password");
        return;
    };
    let mut u = url::Url::parse(&db.url).expect("url");
    u.set_password(None).expect("no password");
    let bare = u.to_string();
    let mut opts = detail_opts(&bare);
    opts.password = Some(pw.clone());
    PgStore::open(&opts).expect("password from the options");
    opts.password = Some("wrong-Secret-123".into());
    let err = PgStore::open(&opts)
        .err()
        .expect("wrong password")
        .to_string();
    assert!(!err.contains("wrong-Secret-123"), "{err}");
    // A password in the URL is not shown either.
    u.set_password(Some("url-Secret-456")).expect("pw");
    let err = PgStore::open(&detail_opts(u.as_str()))
        .err()
        .expect("wrong password")
        .to_string();
    assert!(!err.contains("url-Secret-456"), "{err}");
    assert!(err.contains(":***@"), "{err}");
    assert!(!format!("{opts:?}").contains("wrong-Secret-123"));
}

#[test]
fn instances_are_registered_and_stale_ones_removed() {
    let Some(db) = TestDb::migrated() else { return };
    let mut raw = db.raw();
    let now = jiff::Timestamp::now().as_second();
    raw.execute(
        "INSERT INTO instances (who, host, pid, started_at, heartbeat_at) VALUES ('old', 'gone', 1, $1, $1)",
        &[&(now - 7200)],
    )
    .expect("stale");
    let s = db.open("kim");
    let row = raw
        .query_one("SELECT id, who, pid FROM instances", &[])
        .expect("one instance: the stale one is gone");
    let (id, who, pid): (i64, String, i32) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        (id, who.as_str(), pid),
        (s.instance, "kim", std::process::id() as i32)
    );
    let t = db.open("sam");
    assert_ne!(t.instance, s.instance);
    drop(s);
    drop(t);
    assert_eq!(count(&mut raw, "SELECT COUNT(*) FROM instances"), 0);
}

#[test]
fn read_positions_are_per_user() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    let id = kim
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    kim.set_read(id, true).expect("read");
    assert!(kim.item(id).expect("kim").read);
    assert!(!sam.item(id).expect("sam").read);
    sam.set_read(id, true).expect("read");
    kim.set_read(id, false).expect("unread");
    assert!(!kim.item(id).expect("kim").read);
    assert!(sam.item(id).expect("sam").read);
}

#[test]
fn the_same_batch_from_two_instances_is_stored_once() {
    let Some(db) = TestDb::migrated() else { return };
    let mut a = db.open("kim");
    let mut b = db.open("sam");
    let batch = [incoming("1", at(0)), incoming("2", at(1))];
    assert_eq!(
        a.ingest("acc", ChannelKind::Demo, &batch, None, at(2))
            .expect("a")
            .new_items
            .len(),
        2
    );
    assert!(
        b.ingest("acc", ChannelKind::Demo, &batch, None, at(3))
            .expect("b")
            .new_items
            .is_empty()
    );
}

fn set_heartbeat(db: &TestDb, instance: i64, at_secs: i64) {
    db.raw()
        .execute(
            "UPDATE instances SET heartbeat_at = $2 WHERE id = $1",
            &[&instance, &at(at_secs).as_second()],
        )
        .expect("heartbeat");
}

#[test]
fn an_outbox_entry_is_sent_by_one_instance_and_taken_over_only_from_a_dead_one() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    set_heartbeat(&db, kim.instance, 0);
    set_heartbeat(&db, sam.instance, 0);
    let id = kim
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    let oid = kim.enqueue_reply(id, "On it", "k1", at(1)).expect("queue");
    assert_eq!(sam.outbox_due(at(2)).expect("due").len(), 1);
    assert!(kim.outbox_mark_sending(oid, at(2)).expect("kim takes it"));
    assert!(
        !sam.outbox_mark_sending(oid, at(3)).expect("sam may not"),
        "kim is alive and sending"
    );
    assert!(sam.outbox_due(at(3)).expect("due").is_empty());
    assert_eq!(kim.outbox_due(at(3)).expect("due").len(), 1, "kim's own");
    // kim's instance stops beating: after the lease, sam takes the entry over.
    set_heartbeat(&db, sam.instance, 1000);
    assert_eq!(sam.outbox_due(at(1000)).expect("due").len(), 1);
    assert!(sam.outbox_mark_sending(oid, at(1000)).expect("takeover"));
    assert!(
        !kim.outbox_mark_sending(oid, at(1001)).expect("kim is back"),
        "sam holds it now"
    );
    let e = sam.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(e.attempts, 2);
    // Sent by sam's instance, written by kim: the reply is kim's.
    sam.outbox_mark_sent(oid, "out-1", "sam", at(1002))
        .expect("sent");
    let thread = kim.thread(id).expect("thread");
    assert_eq!(thread[1].author.handle, "kim");
    let h = kim.history(id).expect("h");
    assert_eq!(h.last().map(|h| h.who.as_str()), Some("kim"));
    assert!(
        !sam.outbox_mark_sending(oid, at(1003)).expect("sent"),
        "a sent entry is never taken again"
    );
}

#[test]
fn racing_instances_take_an_entry_exactly_once() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let id = kim
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    let oid = kim.enqueue_reply(id, "On it", "k1", at(1)).expect("queue");
    let stores: Vec<PgStore> = (0..6).map(|i| db.open(&format!("u{i}"))).collect();
    for s in &stores {
        set_heartbeat(&db, s.instance, 0);
    }
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(stores.len()));
    let runs: Vec<_> = stores
        .into_iter()
        .map(|mut s| {
            let b = barrier.clone();
            std::thread::spawn(move || {
                b.wait();
                let took = s.outbox_mark_sending(oid, at(5)).expect("take");
                // Alive until every racer is done: a dropped store is a gone instance.
                (took, s)
            })
        })
        .collect();
    let results: Vec<(bool, PgStore)> = runs
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(results.iter().filter(|(took, _)| *took).count(), 1);
    assert_eq!(kim.outbox_entry(oid).expect("q").expect("e").attempts, 1);
}

#[test]
fn activity_names_who_queued_and_leaves_out_ones_own() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    let id = kim
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("root", at(0))],
            None,
            at(0),
        )
        .expect("i")
        .new_items[0];
    kim.enqueue_reply(id, "kim's answer", "k1", at(110))
        .expect("queue");
    kim.record_reply(id, "out-0", "kim earlier", "kim", at(120))
        .expect("reply");
    assert!(
        kim.activity_since(id, at(100), "kim")
            .expect("a")
            .is_empty(),
        "kim's own replies are no news to kim"
    );
    assert_eq!(
        sam.activity_since(id, at(100), "sam").expect("a"),
        vec![
            Activity::Reply {
                who: "kim".into(),
                at: at(110),
                queued: true
            },
            Activity::Reply {
                who: "kim".into(),
                at: at(120),
                queued: false
            },
        ]
    );
    // The customer answers: news for both.
    kim.ingest(
        "a",
        ChannelKind::Demo,
        &[reply_in("r2", "root", at(130))],
        None,
        at(130),
    )
    .expect("i");
    assert_eq!(
        kim.activity_since(id, at(100), "kim").expect("a"),
        vec![Activity::Inbound {
            author: "@kim@example.social".into(),
            at: at(130)
        }]
    );
}

#[test]
fn case_numbers_are_one_sequence_for_the_team() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let ids = kim
        .ingest(
            "a",
            ChannelKind::Demo,
            &(0..6)
                .map(|i| incoming(&format!("m{i}"), at(i)))
                .collect::<Vec<_>>(),
            None,
            at(10),
        )
        .expect("i")
        .new_items;
    let input = FollowUpInput {
        method: FollowUpMethod::Email,
        contact: None,
        due_at: None,
        assignee: None,
        note: None,
    };
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(ids.len()));
    let runs: Vec<_> = ids
        .iter()
        .map(|&id| {
            let mut s = db.open("sam");
            let (b, input) = (barrier.clone(), input.clone());
            std::thread::spawn(move || {
                b.wait();
                s.create_followup(id, &input, "C{n}", "sam", at(20))
                    .expect("follow-up")
                    .case_number
            })
        })
        .collect();
    let mut cases: Vec<String> = runs
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    cases.sort();
    assert_eq!(cases, vec!["C1", "C2", "C3", "C4", "C5", "C6"]);
    assert_eq!(kim.item(ids[0]).expect("i").status, Status::FollowUp);
    // Two teammates taking the same item offline get one follow-up.
    assert!(
        kim.create_followup(ids[0], &input, "C{n}", "kim", at(30))
            .is_err()
    );
    assert!(matches!(
        kim.create_followup(ItemId(9999), &input, "C{n}", "kim", at(30)),
        Err(StoreError::NoSuchItem(_))
    ));
}

#[test]
fn changes_are_announced_to_listeners() {
    let Some(db) = TestDb::migrated() else { return };
    let mut listener = db.raw();
    listener.batch_execute("LISTEN tinbox").expect("listen");
    let mut kim = db.open("kim");
    let id = kim
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    kim.set_status(id, Status::Pending, "kim", "asked", at(1))
        .expect("status");
    let mut got = Vec::new();
    {
        let mut n = listener.notifications();
        let mut it = n.timeout_iter(Duration::from_secs(5));
        while got.len() < 2 {
            match it.next().expect("notifications") {
                Some(n) => got.push(n.payload().to_string()),
                None => break,
            }
        }
    }
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter()
            .all(|p| p.starts_with("changed:") && *p == got[0]),
        "both from kim's connection: {got:?}"
    );
    // Nothing changed (same status): nothing announced.
    kim.set_status(id, Status::Pending, "kim", "again", at(2))
        .expect("noop");
    let mut n = listener.notifications();
    let next = n
        .timeout_iter(Duration::from_millis(300))
        .next()
        .expect("notifications");
    assert!(next.is_none(), "announced: {next:?}");
}

#[test]
fn subscribers_hear_their_teammates_changes_and_not_their_own() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    let kim_hears = kim.subscribe().expect("a team store announces changes");
    let sam_hears = sam.subscribe().expect("a team store announces changes");
    let id = kim
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    assert_eq!(
        sam_hears.recv_timeout(Duration::from_secs(5)),
        Ok(crate::store::StoreEvent::Changed)
    );
    kim.claim_item(id, "kim", Timestamp::now()).expect("claim");
    assert_eq!(
        sam_hears.recv_timeout(Duration::from_secs(5)),
        Ok(crate::store::StoreEvent::Claims)
    );
    assert!(
        kim_hears.recv_timeout(Duration::from_millis(700)).is_err(),
        "kim's own changes are not news to kim"
    );
    // A poll that brings nothing new is not announced.
    kim.ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(5))
        .expect("again");
    assert!(sam_hears.recv_timeout(Duration::from_millis(700)).is_err());
}

#[test]
fn an_account_lease_is_held_by_one_instance_and_taken_over_when_it_stops() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    let now = Timestamp::now();
    assert_eq!(
        kim.lease_account("brand", now).expect("lease"),
        LeaseState::Held
    );
    assert_eq!(
        kim.lease_account("brand", now).expect("renew"),
        LeaseState::Held
    );
    match sam.lease_account("brand", now).expect("lease") {
        LeaseState::Elsewhere(who) => assert!(who.starts_with("kim on "), "{who}"),
        held => panic!("two holders: {held:?}"),
    }
    // Another account is free for sam.
    assert_eq!(
        sam.lease_account("other", now).expect("lease"),
        LeaseState::Held
    );
    // Kim's instance goes silent (no heartbeat for longer than the lease): sam takes over.
    let later = now
        .checked_add(jiff::SignedDuration::from_secs(db_lease() + 60))
        .expect("time");
    assert_eq!(
        sam.lease_account("brand", later).expect("lease"),
        LeaseState::Held
    );
    // Kim stops cleanly: its leases and claims go at once.
    let mut lee = db.open("lee");
    kim.claim_item(ItemId(1), "kim", now).ok();
    drop(kim);
    assert!(lee.claims().expect("claims").iter().all(|c| c.who != "kim"));
}

#[test]
fn a_teammate_whose_clock_is_off_still_sees_who_is_alive() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    // One machine, one clock.
    assert_eq!((kim.skew, sam.skew), (0, 0));
    let now = Timestamp::now();
    assert_eq!(
        kim.lease_account("brand", now).expect("lease"),
        LeaseState::Held
    );
    // Sam's machine runs ten minutes ahead: its `now` says so, and its measured skew too.
    sam.skew = -600;
    let sams_now = now
        .checked_add(jiff::SignedDuration::from_secs(600))
        .expect("time");
    match sam.lease_account("brand", sams_now).expect("lease") {
        LeaseState::Elsewhere(who) => assert!(who.starts_with("kim on "), "{who}"),
        held => panic!("kim is alive, yet sam took the account: {held:?}"),
    }
    // Longer than the lease without a heartbeat (seen from sam's clock): sam takes over.
    let later = sams_now
        .checked_add(jiff::SignedDuration::from_secs(db_lease() + 60))
        .expect("time");
    assert_eq!(
        sam.lease_account("brand", later).expect("lease"),
        LeaseState::Held
    );
}

/// The lease of the test stores (see `TestDb::open`).
fn db_lease() -> i64 {
    60
}

#[test]
fn claims_show_who_is_replying_until_the_composer_closes() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    let mut sam = db.open("sam");
    let id = kim
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    let now = Timestamp::now();
    assert!(kim.claim_item(id, "kim", now).expect("claim").is_empty());
    let others = sam.claim_item(id, "sam", now).expect("claim");
    assert_eq!(
        others.iter().map(|c| c.who.as_str()).collect::<Vec<_>>(),
        ["kim"]
    );
    let mut all: Vec<_> = sam
        .claims()
        .expect("claims")
        .into_iter()
        .map(|c| c.who)
        .collect();
    all.sort();
    assert_eq!(all, ["kim", "sam"]);
    kim.release_claim(id, "kim").expect("release");
    let left: Vec<_> = sam
        .claims()
        .expect("claims")
        .into_iter()
        .map(|c| c.who)
        .collect();
    assert_eq!(left, ["sam"]);
}

#[test]
fn a_lost_connection_is_an_error_once_and_then_reconnected() {
    let Some(db) = TestDb::migrated() else { return };
    let mut kim = db.open("kim");
    kim.ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("ingest");
    // The server drops kim's connection (a restart, a network cut).
    let pid: i32 = kim
        .client
        .query_one("SELECT pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    let mut admin = db.raw();
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .expect("terminate");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while admin
        .query_opt("SELECT 1 FROM pg_stat_activity WHERE pid = $1", &[&pid])
        .expect("activity")
        .is_some()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the backend did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let lost = kim.list_items(&crate::store::ItemQuery::default());
    assert!(lost.is_err(), "the lost connection is reported");
    kim.heal();
    let items = kim
        .list_items(&crate::store::ItemQuery::default())
        .expect("works again after reconnecting");
    assert_eq!(items.len(), 1, "nothing lost");
}
