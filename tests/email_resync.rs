//! Polling on the mail lab: a folder renumbered by the server (a new UIDVALIDITY) is read
//! again without losing or doubling anything; automatic mail arrives tagged `noise` and
//! set aside. Needs the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use support::mail_lab::{Lab, PASSWORD};
use support::{Sandbox, stderr, stdout};
use tinbox::channels::email::imap;

fn message(n: u32, to: &str) -> Vec<u8> {
    format!(
        "From: Kim <kim@customer.test>\r\nTo: {to}\r\nSubject: Question {n}\r\nMessage-ID: <resync-{n}-{}@customer.test>\r\nDate: {}\r\n\r\nBody {n}\r\n",
        std::process::id(),
        jiff::Timestamp::now().strftime("%a, %d %b %Y %H:%M:%S +0000"),
    )
    .into_bytes()
}

/// (Re)create `folder` holding messages `ns`; returns its UIDVALIDITY.
async fn fill(lab: &Lab, user: &str, folder: &str, ns: &[u32], fresh: bool) -> u32 {
    let mut s = lab.imap(user).await;
    if fresh {
        let _ = s.delete(folder).await;
    }
    let _ = s.create(folder).await;
    for n in ns {
        imap::append(&mut s, folder, &message(*n, user))
            .await
            .expect("append");
    }
    let (validity, _) = imap::select(&mut s, folder).await.expect("select");
    let _ = s.logout().await;
    validity
}

fn remote_ids(sb: &Sandbox) -> Vec<String> {
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = sb.run(&["list", "--json", "--all"]);
    let items: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let mut ids: Vec<String> = items
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["remote_id"].as_str().map(String::from))
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_new_uidvalidity_rereads_the_folder_without_duplicates() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let before = rt.block_on(fill(&lab, &brand, "Support", &[1, 2], true));

    let sb = Sandbox::new();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "email",
            "--address",
            &brand,
            "--imap",
            &lab.imaps,
            "--smtp",
            &lab.smtps,
            "--ca-file",
            &lab.ca_file,
            "--name",
            "support",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    // Poll the Support folder.
    support::mail_lab::configure(&sb, "folders = [\"Support\"]\n");

    let first = remote_ids(&sb);
    assert_eq!(first.len(), 2, "{first:?}");

    // The server renumbers the folder: the same two messages and a new one, new UIDs.
    let after = rt.block_on(fill(&lab, &brand, "Support", &[1, 2, 3], true));
    assert_ne!(before, after, "the folder has a new UIDVALIDITY");
    let second = remote_ids(&sb);
    assert_eq!(
        second.len(),
        3,
        "nothing doubled, the new one found: {second:?}"
    );
    assert!(first.iter().all(|id| second.contains(id)), "nothing lost");
    // And polling goes on from the new cursor.
    rt.block_on(fill(&lab, &brand, "Support", &[4], false));
    assert_eq!(remote_ids(&sb).len(), 4);
}

#[test]
fn an_out_of_office_reply_is_noise_and_never_waits() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let sb = lab.connect(&brand, &lab.smtps);
    let auto = format!(
        "From: kim@customer.test\r\nTo: {brand}\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <ooo-{}@customer.test>\r\n\r\nBack on Monday.\r\n",
        std::process::id()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut s = lab.imap(&brand).await;
        imap::append(&mut s, "INBOX", auto.as_bytes())
            .await
            .expect("append");
        let _ = s.logout().await;
    });
    assert_eq!(remote_ids(&sb).len(), 1);
    let out = sb.run(&["list", "--json", "--all"]);
    let items: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let item = &items[0];
    assert_eq!(item["kind"], "email");
    assert_eq!(item["tags"], serde_json::json!(["noise"]));
    assert_eq!(item["status"], "ignored");
    // Not in the open inbox.
    assert!(sb.items().is_empty());
}
