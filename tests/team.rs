//! The team inbox on PostgreSQL with real processes: two responders' tinbox instances on one
//! database (the throw-away server of `.ci/postgres`, `TINBOX_PG_URL`), a fake Mastodon
//! server for the account they share. Without `TINBOX_PG_URL` these tests say they are skipped.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::fake_mastodon::{FakeMastodon, account, status};
use support::pty::PtyApp;
use support::team::{TeamDb, log, wait_until};
use support::{stderr, stdout};
use tinbox::store::postgres::PgStore;
use tinbox::store::prelude::*;

fn team() -> Option<TeamDb> {
    let db = TeamDb::create();
    if db.is_none() {
        eprintln!("skipped: set TINBOX_PG_URL to a PostgreSQL server (.ci/postgres start)");
    }
    db
}

fn mention(fake: &FakeMastodon, n: u64, text: &str) {
    fake.mention(
        n,
        status(
            &format!("1100000000000000{n:02}"),
            account(
                &format!("{}", 70 + n),
                &format!("cust{n}@x.invalid"),
                "Customer",
            ),
            &format!("<p>{text}</p>"),
            "public",
            None,
        ),
    );
}

fn migrate(db: &TeamDb, sb: &support::Sandbox) {
    let out = db.run(sb, &["db", "migrate"]);
    assert!(
        out.status.success(),
        "migrate: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("migrated from version 0"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains(&db.password),
        "the password is never printed"
    );
    let again = db.run(sb, &["db", "migrate"]);
    assert!(
        stdout(&again).contains("already at version"),
        "{}",
        stdout(&again)
    );
}

/// `tinbox db status --json`: pid of the instance holding the lease of `account`.
fn lease_holder(db: &TeamDb, sb: &support::Sandbox, account: &str) -> Option<i64> {
    let out = db.run(sb, &["db", "status", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).ok()?;
    let team = &v["team"];
    let id = team["leases"]
        .as_array()?
        .iter()
        .find(|l| l[0] == account)?[1]
        .as_i64()?;
    team["instances"]
        .as_array()?
        .iter()
        .find(|i| i["id"] == id && i["alive"] == true)?["pid"]
        .as_i64()
}

#[test]
fn one_instance_polls_an_account_and_another_takes_over_when_it_is_killed() {
    let Some(db) = team() else { return };
    let fake = FakeMastodon::start();
    mention(&fake, 1, "first");
    let kim = db.responder("kim", &fake.url());
    let sam = db.responder("sam", &fake.url());
    migrate(&db, &kim);
    let (log_a, log_b) = (kim.dir.path().join("a.log"), sam.dir.path().join("b.log"));
    let mut a = db.spawn(&kim, &["sync"], &log_a);
    wait_until("kim's instance to sync", 30, || {
        log(&log_a).contains("brand: synced")
    });
    let a_pid = i64::from(a.id());
    assert_eq!(lease_holder(&db, &kim, "brand"), Some(a_pid));
    let mut b = db.spawn(&sam, &["sync"], &log_b);
    wait_until("sam's instance to see the lease", 30, || {
        log(&log_b).contains("brand: polled by kim on")
    });
    // A one-off sync (cron) leaves the account to the instance polling it.
    let once = db.run(&sam, &["sync", "--once"]);
    assert!(once.status.success(), "{}", stderr(&once));
    assert!(
        stdout(&once).contains("brand: polled by kim on") && stdout(&once).contains("skipped"),
        "{}",
        stdout(&once)
    );
    // Several intervals: the account stays with kim's instance; sam's never polls it.
    std::thread::sleep(Duration::from_secs(3));
    assert!(!log(&log_b).contains("synced"), "{}", log(&log_b));
    assert_eq!(lease_holder(&db, &kim, "brand"), Some(a_pid));

    // Kill kim's instance without a chance to clean up: sam's takes over after the lease.
    a.kill().expect("kill");
    a.wait().expect("reap");
    mention(&fake, 2, "second, after the crash");
    wait_until("sam's instance to take over", 30, || {
        log(&log_b).contains("brand: synced")
    });
    let b_pid = i64::from(b.id());
    assert_eq!(lease_holder(&db, &sam, "brand"), Some(b_pid));
    wait_until("the new mention in the shared inbox", 15, || {
        let out = db.run(&kim, &["list", "--json"]);
        stdout(&out).contains("second, after the crash")
    });
    let out = db.run(&kim, &["list", "--json"]);
    let items: Vec<Value> = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(items.len(), 2, "each mention once: {items:?}");
    b.kill().expect("kill");
    b.wait().expect("reap");
}

#[test]
fn with_two_instances_sending_every_queued_reply_goes_out_exactly_once() {
    let Some(db) = team() else { return };
    let fake = FakeMastodon::start();
    for n in 1..=6 {
        mention(&fake, n, &format!("question {n}"));
    }
    let kim = db.responder("kim", &fake.url());
    let sam = db.responder("sam", &fake.url());
    migrate(&db, &kim);
    let out = db.run(&kim, &["sync", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Slow answers, so the two senders overlap.
    for _ in 0..6 {
        fake.fault_on(
            "POST",
            "/api/v1/statuses",
            support::fake_mastodon::Fault::Delay(300),
        );
    }
    let (log_a, log_b) = (kim.dir.path().join("a.log"), sam.dir.path().join("b.log"));
    let mut a = db.spawn(&kim, &["sync"], &log_a);
    let mut b = db.spawn(&sam, &["sync"], &log_b);
    wait_until("both instances up", 30, || {
        log(&log_a).contains("brand:") && log(&log_b).contains("brand:")
    });
    // Replies queued in the shared outbox (as the composer does), all at once.
    let mut store = PgStore::open(&db.options("lee")).expect("open");
    let items = store
        .list_items(&tinbox::store::ItemQuery::default())
        .expect("items");
    assert_eq!(items.len(), 6);
    let now = jiff::Timestamp::now();
    for it in &items {
        let key = tinbox::outbox::new_key(it.id);
        store
            .enqueue_reply(it.id, &format!("answer to #{}", it.id), &key, now)
            .expect("queue");
    }
    wait_until("every reply sent", 60, || {
        store
            .outbox(true)
            .expect("outbox")
            .iter()
            .all(|e| e.state == tinbox::model::OutboxState::Sent)
    });
    let (posted, requests) = fake.with(|s| (s.posted.len(), s.post_requests));
    assert_eq!(posted, 6, "six replies on the network");
    assert_eq!(
        requests, 6,
        "and not one extra attempt: nothing was sent twice"
    );
    for it in &items {
        let replies: Vec<_> = store
            .thread(it.id)
            .expect("thread")
            .into_iter()
            .filter(|e| e.outbound)
            .collect();
        assert_eq!(replies.len(), 1, "one reply recorded on #{}", it.id);
        assert_eq!(replies[0].author.handle, "lee", "recorded as who wrote it");
    }
    for p in [&mut a, &mut b] {
        p.kill().expect("kill");
        p.wait().expect("reap");
    }
}

#[test]
fn a_teammate_sees_who_is_replying_and_is_asked_before_crossing_a_reply() {
    let Some(db) = team() else { return };
    let fake = FakeMastodon::start();
    mention(&fake, 1, "my order never came");
    let kim = db.responder("kim", &fake.url());
    let sam = db.responder("sam", &fake.url());
    migrate(&db, &kim);
    assert!(db.run(&kim, &["sync", "--once"]).status.success());
    let env = |sb: &support::Sandbox, user: &str| {
        vec![
            ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
            ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
            ("NO_COLOR", "1".to_string()),
            ("USER", user.to_string()),
            ("PGPASSWORD", db.password.clone()),
        ]
    };
    let mut k = PtyApp::spawn(&[], &env(&kim, "kim"), 120, 30);
    k.wait_text("my order never came");
    // Kim's inbox polls the account; sam's says who does.
    k.wait_text("brand ✓");
    let mut s = PtyApp::spawn(&[], &env(&sam, "sam"), 120, 30);
    s.wait_text("my order never came");
    s.wait_text("brand ⇄ kim on");

    // Kim opens the composer: sam's inbox shows it within a moment.
    k.send("r");
    k.wait_text("ctrl-s send");
    s.wait_text("✎kim");
    // Sam opens it too and is told at once.
    s.send("r");
    s.wait_text("kim is replying to #");

    // Kim sends.
    k.send("We are on it, sorry!");
    k.wait_text("on it, sorry");
    k.send("\x13");
    k.wait_text("Send this reply?");
    k.send("y");
    wait_until("kim's reply on the network", 30, || {
        fake.with(|st| st.posted.len()) == 1
    });

    // Sam tries to send as well: the traffic cop stops it.
    s.send("Hello!");
    s.wait_text("Hello!");
    s.send("\x13");
    s.wait_text("kim has replied");
    s.wait_text("Send anyway?");
    s.send("n");
    s.send("\x1b");
    s.wait_text("Draft for #");
    assert_eq!(
        fake.with(|st| st.posted.len()),
        1,
        "one answer to the customer"
    );
    for app in [&mut k, &mut s] {
        app.send("q");
    }
}

#[test]
fn a_template_one_responder_shares_is_there_for_the_others() {
    let Some(db) = team() else { return };
    let fake = FakeMastodon::start();
    mention(&fake, 1, "where is my parcel?");
    let kim = db.responder("kim", &fake.url());
    let sam = db.responder("sam", &fake.url());
    migrate(&db, &kim);
    // Kim's own template, in her config.
    let cfg = kim.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).expect("config");
    text.push_str("\n[templates]\nparcel = \"Hi {name}, your parcel left today. — {agent}\"\n");
    std::fs::write(&cfg, text).expect("write");
    let out = db.run(&sam, &["template", "share", "parcel"]);
    assert!(
        !out.status.success() && stderr(&out).contains("no template \"parcel\" of yours"),
        "{}",
        stderr(&out)
    );
    let out = db.run(&kim, &["template", "share", "parcel"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Sam has no template of his own, and sees the team's.
    let out = db.run(&sam, &["template", "list", "--json"]);
    let list: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(list[0]["name"], "parcel");
    assert_eq!(list[0]["source"], "team");
    assert!(db.run(&sam, &["sync", "--once"]).status.success());
    let items: Value =
        serde_json::from_str(&stdout(&db.run(&sam, &["list", "--json"]))).expect("json");
    let id = items[0]["id"].as_str().expect("id").to_string();
    let out = db.run(&sam, &["reply", &id, "--template", "parcel", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let posted = fake.with(|s| s.posted.clone());
    assert_eq!(
        posted[0]["content"],
        "<p>@cust1@x.invalid Hi Customer, your parcel left today. — sam</p>"
    );

    // No longer shared: gone for Sam.
    let out = db.run(&kim, &["template", "unshare", "parcel"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = db.run(&sam, &["template", "list"]);
    assert!(
        stdout(&out).contains("no templates yet"),
        "{}",
        stdout(&out)
    );
}
