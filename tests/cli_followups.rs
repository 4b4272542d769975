//! Follow-ups from the command line: create, list, export (CSV/JSON), resolve.

mod support;

use serde_json::Value;
use support::{Sandbox, stderr, stdout};

fn synced_demo() -> (Sandbox, Vec<Value>) {
    let sb = Sandbox::new();
    sb.write_config("user = \"kim\"\ncase_format = \"NW-{n:04}\"\n\n[accounts.demo]\nchannel = \"demo\"\n\n[templates]\ncall = \"Hi {name}, we will call you. Your case number is {case}.\"\n");
    assert!(sb.run(&["sync", "--once"]).status.success());
    let list: Value = serde_json::from_str(&stdout(&sb.run(&["list", "--json"]))).expect("json");
    (sb, list.as_array().expect("array").clone())
}

#[test]
fn take_offline_list_export_and_resolve() {
    let (sb, items) = synced_demo();
    let (a, b) = (
        items[0]["id"].as_str().expect("id"),
        items[1]["id"].as_str().expect("id"),
    );
    let out = sb.run(&[
        "followup",
        a,
        "--method",
        "phone",
        "--contact",
        "+49 30 1234",
        "--due",
        "2h",
        "--note",
        "=HYPERLINK(\"evil\")",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(&format!("NW-0001: #{a} by phone with kim")),
        "{}",
        stdout(&out)
    );
    let out = sb.run(&[
        "followup",
        b,
        "--method",
        "email",
        "--due",
        "2020-01-01 09:00",
        "--assignee",
        "sam",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb.run(&["followup", a, "--method", "fax"]);
    assert!(
        !out.status.success()
            && stderr(&out).contains(
                "unknown follow-up method 'fax' (expected: phone, email, dm, in-person, other)"
            ),
        "{}",
        stderr(&out)
    );

    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", a, "--json"]))).expect("show");
    assert_eq!(
        (shown["status"].as_str(), shown["timer"]["state"].as_str()),
        (Some("follow_up"), Some("paused"))
    );

    let csv = stdout(&sb.run(&["followups", "--csv"]));
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "a header and two rows:\n{csv}");
    assert!(lines[0].starts_with("case,item,method,contact,assignee,due_at,overdue"));
    assert!(
        lines[1].starts_with("NW-0002,") && lines[1].contains(",true,"),
        "overdue first: {}",
        lines[1]
    );
    assert!(
        lines[2].contains("\"'=HYPERLINK(\"\"evil\"\")\""),
        "formula neutralized: {}",
        lines[2]
    );
    assert!(
        lines[2].contains(",+49 30 1234,") || lines[2].contains(",'+49 30 1234,"),
        "{}",
        lines[2]
    );

    let overdue: Value =
        serde_json::from_str(&stdout(&sb.run(&["followups", "--json", "--overdue"])))
            .expect("json");
    assert_eq!(overdue.as_array().expect("array").len(), 1);
    assert_eq!(overdue[0]["assignee"], "sam");
    let mine: Value = serde_json::from_str(&stdout(&sb.run(&[
        "followups",
        "--json",
        "--assignee",
        "kim",
    ])))
    .expect("json");
    assert_eq!(mine[0]["case"], "NW-0001");

    let out = sb.run(&["resolve", a, "--outcome", "refunded"]);
    assert!(
        out.status.success() && stdout(&out).contains("NW-0001 closed: refunded"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", a, "--json"]))).expect("show");
    assert_eq!(shown["status"], "done");
    let open: Value =
        serde_json::from_str(&stdout(&sb.run(&["followups", "--json"]))).expect("json");
    assert_eq!(open.as_array().expect("array").len(), 1);
    let all: Value =
        serde_json::from_str(&stdout(&sb.run(&["followups", "--json", "--all"]))).expect("json");
    assert_eq!(all.as_array().expect("array").len(), 2);
}

#[test]
fn the_open_case_is_in_list_and_show() {
    let (sb, items) = synced_demo();
    let id = items[0]["id"].as_str().expect("id");
    let out = sb.run(&[
        "followup",
        id,
        "--method",
        "phone",
        "--contact",
        "+49 30 1234",
        "--due",
        "2026-11-30 14:00",
        "--assignee",
        "sam",
        "--note",
        "about the refund",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = sb.items();
    let it = listed.iter().find(|i| i["id"] == id).expect("listed");
    let due = it["follow_up"]["due_at"].as_str().expect("a due time");
    assert!(due.parse::<jiff::Timestamp>().is_ok(), "{due}");
    let want = serde_json::json!({ "case": "NW-0001", "method": "phone",
        "contact": "+49 30 1234", "due_at": due, "assignee": "sam", "note": "about the refund" });
    assert_eq!(it["follow_up"], want);
    assert!(
        listed
            .iter()
            .filter(|i| i["id"] != id)
            .all(|i| i["follow_up"].is_null()),
        "only the item taken offline has a case"
    );
    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", id, "--json"]))).expect("show");
    assert_eq!(shown["follow_up"], want);
    let text = stdout(&sb.run(&["show", id]));
    assert!(
        text.contains("case NW-0001 · by phone · +49 30 1234 · due ")
            && text.contains("· with sam")
            && text.contains("Note:    about the refund"),
        "{text}"
    );
    // A closed case is no longer the item's.
    assert!(sb.run(&["resolve", id]).status.success());
    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", id, "--json"]))).expect("show");
    assert!(shown["follow_up"].is_null(), "{shown}");
}

#[test]
fn the_table_says_how_closed_cases_ended_and_keeps_one_line_per_case() {
    let (sb, items) = synced_demo();
    let (a, b) = (
        items[0]["id"].as_str().expect("id"),
        items[1]["id"].as_str().expect("id"),
    );
    let long = "word ".repeat(40);
    for (id, note) in [(a, "first\nsecond\r\nthird"), (b, long.as_str())] {
        let out = sb.run(&[
            "followup",
            id,
            "--method",
            "phone",
            "--due",
            "2020-01-01",
            "--note",
            note,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(
        sb.run(&["resolve", a, "--outcome", "refunded"])
            .status
            .success()
    );
    let table = stdout(&sb.run(&["followups", "--all"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "one line per case:\n{table}");
    let closed = lines
        .iter()
        .find(|l| l.starts_with("NW-0001"))
        .expect("closed");
    assert!(
        closed.contains("closed: refunded") && !closed.contains("OVERDUE"),
        "{closed}"
    );
    assert!(closed.contains("first⏎second⏎third"), "{closed}");
    let open = lines
        .iter()
        .find(|l| l.starts_with("NW-0002"))
        .expect("open");
    assert!(open.contains("OVERDUE") && open.ends_with('…'), "{open}");
}

#[test]
fn keeping_an_item_open_keeps_it_in_the_list_and_its_breach_in_the_report() {
    let (sb, items) = synced_demo();
    let id = items[0]["id"].as_str().expect("id");
    assert_eq!(items[0]["timer"]["state"], "breached");
    let breaches = |sb: &Sandbox| {
        let r: Value =
            serde_json::from_str(&stdout(&sb.run(&["report", "--json"]))).expect("report");
        r["total"]["breaches"].as_u64().expect("breaches")
    };
    let before = breaches(&sb);
    assert!(
        sb.run(&["followup", id, "--method", "phone"])
            .status
            .success()
    );
    let out = sb.run(&["resolve", id, "--outcome", "no answer", "--keep-open"]);
    assert!(
        out.status.success() && stdout(&out).contains("the item stays open (new)"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let it = sb
        .items()
        .into_iter()
        .find(|i| i["id"] == id)
        .expect("still in the list");
    assert_eq!(
        (it["status"].as_str(), it["timer"]["state"].as_str()),
        (Some("new"), Some("breached"))
    );
    assert_eq!(breaches(&sb), before, "the breach still counts");
}

#[test]
fn the_case_number_goes_into_the_reply() {
    let (sb, items) = synced_demo();
    let id = items[0]["id"].as_str().expect("id");
    assert!(
        sb.run(&["followup", id, "--method", "phone"])
            .status
            .success()
    );
    let out = sb.run(&["reply", id, "--template", "call", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("Your case number is NW-0001."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn report_counts_what_happened() {
    let (sb, items) = synced_demo();
    let id = items[0]["id"].as_str().expect("id");
    assert!(
        sb.run(&["reply", id, "--text", "We're on it.", "--yes"])
            .status
            .success()
    );
    assert!(
        sb.run(&[
            "followup",
            items[1]["id"].as_str().expect("id"),
            "--method",
            "email",
            "--due",
            "2020-01-01"
        ])
        .status
        .success()
    );
    let out = sb.run(&["report", "--json", "--since", "30d"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(r["rows"].as_array().expect("rows").len(), 1);
    let total = &r["total"];
    assert_eq!(total["items_in"].as_u64(), Some(items.len() as u64));
    assert_eq!(total["replied"], 1);
    assert!(
        total["breaches"].as_u64().is_some_and(|b| b >= 3),
        "the demo starts with breached items: {total}"
    );
    assert_eq!(
        (
            total["open_followups"].as_u64(),
            total["overdue_followups"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert!(
        total["median_first_response_s"]
            .as_i64()
            .is_some_and(|s| s > 0)
    );
    let csv = stdout(&sb.run(&["report", "--csv"]));
    assert!(
        csv.starts_with("channel,account,items_in,replied,median_first_response_s")
            && csv.contains("\r\ndemo,demo,"),
        "{csv}"
    );
    let table = stdout(&sb.run(&["report"]));
    assert!(table.contains("MEDIAN") && table.contains("all"), "{table}");
    let out = sb.run(&["report", "--since", "last tuesday"]);
    assert!(
        !out.status.success() && stderr(&out).contains("--since"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn notes_and_teammates_text_are_cleaned_in_every_export() {
    let (sb, items) = synced_demo();
    let a = items[0]["id"].as_str().expect("id");
    // What a teammate (or a script on a team store) may have typed or pasted.
    let out = sb.run(&[
        "followup",
        a,
        "--method",
        "phone",
        "--contact",
        "+49\u{202e}4321",
        "--assignee",
        "sam\u{1b}[2J",
        "--note",
        "call back\u{1b}]52;c;cm0gLXJm\u{7} tomorrow\u{e0041}\u{e0042}\nsecond line",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let hostile = |s: &str| {
        s.chars().any(|c| {
            matches!(
                c,
                '\u{1b}' | '\u{7}' | '\u{202e}' | '\u{e0000}'..='\u{e007f}'
            )
        })
    };
    let text = stdout(&sb.run(&["followups"]));
    assert!(!hostile(&text), "{text:?}");
    assert!(
        text.contains("sam") && text.contains("call back tomorrow⏎second line"),
        "{text}"
    );
    let json = stdout(&sb.run(&["followups", "--json"]));
    assert!(!hostile(&json), "{json:?}");
    let v: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v[0]["note"], "call back tomorrow\nsecond line");
    assert_eq!(v[0]["assignee"], "sam");
    assert_eq!(v[0]["contact"], "+494321");
    let csv = stdout(&sb.run(&["followups", "--csv"]));
    assert!(!hostile(&csv), "{csv:?}");
    assert!(csv.contains("\"call back tomorrow\nsecond line\""), "{csv}");
}
