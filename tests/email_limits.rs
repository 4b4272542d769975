//! What polling leaves alone and what it reads, on the mail lab: mail stays unread in the
//! mailbox unless `mark_seen = true`; a first sync reads back only through `backfill`; mail
//! over `max_message_mb` is listed by its headers, its body never read. Needs the mail lab
//! (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use futures_util::StreamExt;
use support::mail_lab::{Lab, configure, wait_item};
use support::{stderr, stdout};
use tinbox::channels::email::imap;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The flags of every message in `user`'s INBOX, by Message-ID.
fn flags(lab: &Lab, user: &str) -> Vec<(String, Vec<String>)> {
    rt().block_on(async {
        let mut s = lab.imap(user).await;
        imap::select(&mut s, "INBOX").await.expect("select");
        let uids = imap::uid_search(&mut s, "ALL").await.expect("search");
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        let mut out = Vec::new();
        {
            let mut stream = s
                .uid_fetch(
                    set.join(","),
                    "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])",
                )
                .await
                .expect("fetch");
            while let Some(f) = stream.next().await {
                let f = f.expect("fetch");
                let header = String::from_utf8_lossy(f.header().unwrap_or_default()).to_string();
                let id = header
                    .split_once('<')
                    .and_then(|(_, r)| r.split_once('>'))
                    .map(|(id, _)| id.to_string())
                    .unwrap_or_default();
                let flags = f.flags().map(|fl| format!("{fl:?}")).collect();
                out.push((id, flags));
            }
        }
        let _ = s.logout().await;
        out
    })
}

fn seen(flags: &[(String, Vec<String>)], id: &str) -> bool {
    let (_, f) = flags
        .iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("{id} not in {flags:?}"));
    f.iter().any(|f| f == "Seen")
}

#[test]
fn polling_leaves_mail_unread_unless_mark_seen_is_set() {
    let lab = mail_lab_or_skip!();
    let customer = "kim@customer.test";
    for mark in [false, true] {
        let brand = lab.new_user("brand", "brand.test");
        let sb = lab.connect(&brand, &lab.smtps);
        if mark {
            configure(&sb, "mark_seen = true\n");
        }
        let id = lab.send(customer, &brand, "Where is my order?", "Order 1182.", &[]);
        wait_item(&sb, &id);
        let f = flags(&lab, &brand);
        assert_eq!(seen(&f, &id), mark, "mark_seen = {mark}: {f:?}");
    }
}

#[test]
fn a_first_sync_reads_back_only_through_the_backfill_window() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let sb = lab.connect(&brand, &lab.smtps);
    let old_time = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(30 * 24);
    let pid = std::process::id();
    let old = format!(
        "From: Ana <ana@customer.test>\r\nTo: {brand}\r\nSubject: Old question\r\nMessage-ID: <old-{pid}@customer.test>\r\nDate: {}\r\n\r\nFrom last month.\r\n",
        old_time.strftime("%a, %d %b %Y %H:%M:%S +0000"),
    );
    rt().block_on(async {
        let mut s = lab.imap(&brand).await;
        let date = format!("\"{}\"", old_time.strftime("%d-%b-%Y %H:%M:%S +0000"));
        s.append("INBOX", None, Some(&date), old.as_bytes())
            .await
            .expect("append");
        let _ = s.logout().await;
    });
    let new = lab.send("kim@customer.test", &brand, "New question", "Today.", &[]);
    // The default window is a day: the new mail is open, last month's is not read at all.
    wait_item(&sb, &new);
    let out = sb.run(&["list", "--json", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let ids: Vec<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["remote_id"].as_str())
        .collect();
    assert_eq!(ids, vec![new.as_str()], "only the new mail");

    // With `backfill = "all"` a new account reads the whole mailbox.
    let sb = lab.connect(&brand, &lab.smtps);
    let config = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("backfill = \"all\"\n{text}")).expect("write");
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let open: Vec<String> = sb
        .items()
        .iter()
        .filter_map(|i| i["remote_id"].as_str().map(String::from))
        .collect();
    assert_eq!(open.len(), 2, "{open:?}");
    assert!(
        open.contains(&format!("old-{pid}@customer.test")),
        "{open:?}"
    );
}

#[test]
fn mail_over_the_size_limit_is_listed_by_its_headers() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let sb = lab.connect(&brand, &lab.smtps);
    configure(&sb, "max_message_mb = 1\n");
    let pid = std::process::id();
    // 2 MB of text: a scanned invoice pasted inline, say.
    let body = "INVOICE-LINE-0123456789 ".repeat(90_000);
    let big = format!(
        "From: Ana <ana@customer.test>\r\nTo: {brand}\r\nSubject: My invoice\r\nMessage-ID: <big-{pid}@customer.test>\r\nDate: {}\r\n\r\n{body}\r\n",
        jiff::Timestamp::now().strftime("%a, %d %b %Y %H:%M:%S +0000"),
    );
    rt().block_on(async {
        let mut s = lab.imap(&brand).await;
        s.append("INBOX", None, None, big.as_bytes())
            .await
            .expect("append");
        let _ = s.logout().await;
    });
    let item = wait_item(&sb, &format!("big-{pid}@customer.test"));
    let text = item["text"].as_str().expect("text");
    assert!(text.contains("My invoice"), "{text}");
    assert!(text.contains("over the size limit"), "{text}");
    assert!(!text.contains("INVOICE-LINE"), "the body was read");
    assert_eq!(item["author"]["handle"], "ana@customer.test", "{item}");
}
