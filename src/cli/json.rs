//! The JSON shape of items for `list --json` and `show --json` (documented in the design).

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::model::{FollowUp, HistoryEntry, Item, ItemDetail, ThreadEntry};
use crate::sanitize;
use crate::sla::Policies;

/// One item as `list --json` prints it, with its open follow-up if it has one. Remote text is
/// sanitized again on the way out.
pub fn item(
    item: &Item,
    follow_up: Option<&FollowUp>,
    policies: &Policies,
    now: Timestamp,
) -> Value {
    let t = policies.timer(item, now);
    let window = crate::channels::meta::window::of(item, now);
    json!({
        "id": item.id.to_string(),
        "account": item.account,
        "channel": item.channel.as_str(),
        "kind": item.kind.as_str(),
        "remote_id": sanitize::one_line(&item.remote_id),
        "url": item.url.as_deref().map(sanitize::one_line),
        "author": { "handle": sanitize::one_line(&item.author.handle), "name": sanitize::one_line(&item.author.name) },
        "text": sanitize::clean(&item.text),
        "created_at": item.created_at.to_string(),
        "status": item.status.as_str(),
        "priority": item.priority.as_str(),
        // Tags and assignees are teammates' text, cleaned like remote text.
        "tags": item.tags.iter().map(|t| sanitize::one_line(t)).collect::<Vec<_>>(),
        "assignee": item.assignee.as_deref().map(sanitize::one_line),
        "visibility": item.visibility.as_str(),
        "timer": {
            "state": t.state.as_str(),
            "target": t.target.as_str(),
            "elapsed_s": t.elapsed_s,
            "due_at": t.due_at.map(|d| d.to_string()),
            // Meta's DM reply window (Facebook, Instagram): when the last reply may go out.
            "window_closes_at": window.map(|w| w.deadline().to_string()),
        },
        "follow_up": follow_up.map(follow_up_json),
    })
}

/// The open case as the design names it. Contacts, names and notes are teammates' text,
/// cleaned like remote text.
fn follow_up_json(f: &FollowUp) -> Value {
    json!({
        "case": sanitize::one_line(&f.case_number),
        "method": f.method.as_str(),
        "contact": f.contact.as_deref().map(sanitize::one_line),
        "due_at": f.due_at.map(|d| d.to_string()),
        "assignee": f.assignee.as_deref().map(sanitize::one_line),
        "note": f.note.as_deref().map(sanitize::clean),
    })
}

/// One item with `thread`, `history` and `draft`, as `show --json` prints it.
pub fn detail(d: &ItemDetail, policies: &Policies, now: Timestamp) -> Value {
    let mut v = item(&d.item, d.follow_up.as_ref(), policies, now);
    if let Value::Object(map) = &mut v {
        map.insert("thread".into(), d.thread.iter().map(thread_entry).collect());
        map.insert(
            "history".into(),
            d.history.iter().map(history_entry).collect(),
        );
        map.insert(
            "draft".into(),
            d.draft.as_deref().map(sanitize::clean).into(),
        );
    }
    v
}

fn thread_entry(e: &ThreadEntry) -> Value {
    json!({
        "remote_id": sanitize::one_line(&e.remote_id),
        "author": { "handle": sanitize::one_line(&e.author.handle), "name": sanitize::one_line(&e.author.name) },
        "text": sanitize::clean(&e.text),
        "created_at": e.created_at.to_string(),
        "outbound": e.outbound,
        "item": e.item.map(|i| i.to_string()),
    })
}

fn history_entry(h: &HistoryEntry) -> Value {
    json!({
        "at": h.at.to_string(),
        "who": sanitize::one_line(&h.who),
        "from": h.from.map(|s| s.as_str()),
        "to": h.to.as_str(),
        "why": sanitize::clean(&h.why),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{item as fixture, t0};

    #[test]
    fn item_json_has_the_documented_shape() {
        let mut it = fixture(42, t0(), 1260);
        it.text = "evil \u{1b}]0;title\u{7}text".into();
        let v = item(&it, None, &Policies::default(), t0());
        assert_eq!(v["id"], "42");
        assert_eq!(v["channel"], "demo");
        assert_eq!(v["kind"], "mention");
        assert_eq!(v["status"], "new");
        assert_eq!(v["text"], "evil text");
        assert_eq!(v["timer"]["state"], "warn");
        assert_eq!(v["timer"]["target"], "first_response");
        assert_eq!(v["timer"]["elapsed_s"], 1260);
        assert_eq!(v["timer"]["due_at"], "2026-11-26T10:39:00Z");
        assert_eq!(v["author"]["handle"], "@user42@demo.invalid");
        assert!(v["follow_up"].is_null());
        assert!(v["tags"].as_array().is_some_and(|a| a.is_empty()));
    }

    #[test]
    fn an_open_case_is_in_follow_up() {
        let it = fixture(42, t0(), 60);
        let f = FollowUp {
            id: 1,
            item: it.id,
            case_number: "NW-0007".into(),
            method: crate::model::FollowUpMethod::Phone,
            contact: Some("+49 30\u{202e} 1234".into()),
            due_at: Some(t0()),
            assignee: Some("sam".into()),
            note: Some("call\nback".into()),
            outcome: None,
            created_at: t0(),
            closed_at: None,
        };
        let v = item(&it, Some(&f), &Policies::default(), t0());
        assert_eq!(
            v["follow_up"],
            json!({ "case": "NW-0007", "method": "phone", "contact": "+49 30 1234",
                "due_at": t0().to_string(), "assignee": "sam", "note": "call\nback" })
        );
    }

    #[test]
    fn teammates_text_is_cleaned_too() {
        let mut it = fixture(42, t0(), 60);
        it.tags = vec!["vip\u{1b}[2J".into()];
        it.assignee = Some("sam\u{e0041}".into());
        let v = item(&it, None, &Policies::default(), t0());
        assert_eq!(
            (v["tags"][0].as_str(), v["assignee"].as_str()),
            (Some("vip"), Some("sam"))
        );
        let h = HistoryEntry {
            at: t0(),
            who: "kim\u{202e}".into(),
            from: None,
            to: crate::model::Status::Done,
            why: "done\u{1b}]0;x\u{7}".into(),
        };
        let v = history_entry(&h);
        assert_eq!(
            (v["who"].as_str(), v["why"].as_str()),
            (Some("kim"), Some("done"))
        );
    }
}
