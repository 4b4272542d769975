use crossterm::event::KeyCode;

use crate::app::state::{FormKind, Mode};
use crate::app::test_support::*;
use crate::app::{Effect, Msg};
use crate::model::{FollowUpMethod, ItemId};
use crate::testing::{at, t0};

fn form(s: &crate::app::AppState) -> &crate::app::state::Form {
    match &s.mode {
        Mode::Form(f) => f,
        other => panic!("no form open: {other:?}"),
    }
}

#[test]
fn follow_up_form_validates_then_creates() {
    let mut s = loaded();
    update(&mut s, key('f'), t0());
    assert_eq!(
        (
            form(&s).kind,
            form(&s).value("assignee"),
            form(&s).value("due")
        ),
        (FormKind::FollowUp, "me", "2h")
    );
    // The method is a choice, not text: a typed x is no method and changes nothing.
    update(&mut s, key('x'), t0());
    assert_eq!(form(&s).value("method"), "phone");
    // due: "2h" → "2hx" is invalid.
    update(&mut s, code(KeyCode::Tab), t0());
    update(&mut s, code(KeyCode::Tab), t0());
    update(&mut s, key('x'), t0());
    for _ in 0..2 {
        update(&mut s, code(KeyCode::Enter), t0());
    }
    assert!(update(&mut s, code(KeyCode::Enter), t0()).is_empty());
    assert!(
        form(&s).error.as_deref().is_some_and(|e| e.contains("2hx")),
        "{:?}",
        form(&s).error
    );
    // Back to the due field and fix it; add a contact.
    for _ in 0..2 {
        update(&mut s, code(KeyCode::BackTab), t0());
    }
    update(&mut s, code(KeyCode::Backspace), t0());
    update(&mut s, code(KeyCode::BackTab), t0());
    for c in "+49 30 1234".chars() {
        update(&mut s, key(c), t0());
    }
    let fx = update(&mut s, ctrl('s'), t0());
    let Some(Effect::CreateFollowUp { id, input }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(*id, ItemId(3));
    assert_eq!(input.method, FollowUpMethod::Phone);
    assert_eq!(input.contact.as_deref(), Some("+49 30 1234"));
    assert_eq!(input.due_at, Some(at(7200)));
    assert_eq!(input.assignee.as_deref(), Some("me"));
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn snooze_form_and_escape() {
    let mut s = loaded();
    update(&mut s, key('s'), t0());
    assert_eq!(form(&s).kind, FormKind::Snooze);
    update(&mut s, code(KeyCode::Esc), t0());
    assert_eq!(s.mode, Mode::Normal, "Esc cancels");
    update(&mut s, key('s'), t0());
    update(&mut s, code(KeyCode::Backspace), t0());
    update(&mut s, code(KeyCode::Backspace), t0());
    update(&mut s, key('3'), t0());
    update(&mut s, key('0'), t0());
    update(&mut s, key('m'), t0());
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(
        fx[0],
        Effect::Snooze {
            id: ItemId(3),
            until: at(1800)
        }
    );
}

#[test]
fn follow_up_view_closes_one_with_its_outcome() {
    use crate::model::{FollowUp, FollowUpMethod};
    let mut s = loaded();
    assert_eq!(update(&mut s, key('F'), t0()), vec![Effect::LoadFollowUps]);
    let f = FollowUp {
        id: 1,
        item: ItemId(4),
        case_number: "CASE-00001".into(),
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: Some(at(-60)),
        assignee: Some("me".into()),
        note: None,
        outcome: None,
        created_at: at(-600),
        closed_at: None,
    };
    update(&mut s, Msg::FollowUpsLoaded(vec![f]), t0());
    update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(
        (form(&s).kind, form(&s).item),
        (FormKind::Resolve, ItemId(4))
    );
    for _ in 0.."resolved".len() {
        update(&mut s, code(KeyCode::Backspace), t0());
    }
    for c in "refunded".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, code(KeyCode::Enter), t0());
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(
        fx,
        vec![
            Effect::ResolveFollowUp {
                id: ItemId(4),
                outcome: "refunded".into(),
                done: true
            },
            Effect::LoadFollowUps,
            Effect::LoadItems {
                include_closed: false
            }
        ]
    );
    assert!(matches!(s.mode, Mode::FollowUps { .. }), "back to the list");
}

#[test]
fn stats_view_builds_the_report_from_store_data() {
    let mut s = loaded();
    assert_eq!(
        update(&mut s, key('S'), t0()),
        vec![Effect::LoadReport {
            since_s: 7 * 86_400
        }]
    );
    assert_eq!(s.mode, Mode::Stats(None));
    let items = s.items.iter().map(whole).collect();
    update(
        &mut s,
        Msg::ReportData {
            items,
            followups: vec![],
            since: at(-7 * 86_400),
        },
        t0(),
    );
    let Mode::Stats(Some(r)) = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert_eq!(
        (r.total.items_in, r.total.replied, r.total.breaches),
        (4, 0, 1)
    );
    update(&mut s, key('x'), t0());
    assert_eq!(s.mode, Mode::Normal, "any key closes");
}

#[test]
fn follow_up_view_filters_to_mine() {
    use crate::model::{FollowUp, FollowUpMethod};
    let mut s = loaded();
    let f = |id: i64, who: &str| FollowUp {
        id,
        item: ItemId(id),
        case_number: format!("CASE-{id}"),
        method: FollowUpMethod::Email,
        contact: None,
        due_at: None,
        assignee: Some(who.into()),
        note: None,
        outcome: None,
        created_at: t0(),
        closed_at: None,
    };
    update(&mut s, key('F'), t0());
    assert_eq!(update(&mut s, key('m'), t0()), vec![Effect::LoadFollowUps]);
    update(
        &mut s,
        Msg::FollowUpsLoaded(vec![f(1, "me"), f(2, "sam")]),
        t0(),
    );
    let Mode::FollowUps { entries, .. } = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert_eq!(entries.iter().map(|e| e.id).collect::<Vec<_>>(), vec![1]);
}

#[test]
fn tags_and_assignee_forms() {
    let mut s = loaded();
    update(&mut s, key('t'), t0());
    assert_eq!(form(&s).kind, FormKind::Tags);
    for c in "VIP, refund,vip , ".chars() {
        update(&mut s, key(c), t0());
    }
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(
        fx[0],
        Effect::SetTags {
            id: ItemId(3),
            tags: vec!["refund".into(), "vip".into()]
        }
    );
    update(&mut s, key('a'), t0());
    for c in "sam".chars() {
        update(&mut s, key(c), t0());
    }
    assert_eq!(
        update(&mut s, code(KeyCode::Enter), t0())[0],
        Effect::SetAssignee {
            id: ItemId(3),
            assignee: Some("sam".into())
        }
    );
    update(&mut s, key('a'), t0());
    assert_eq!(
        update(&mut s, code(KeyCode::Enter), t0())[0],
        Effect::SetAssignee {
            id: ItemId(3),
            assignee: None
        }
    );
}

/// Each box's typed character, backspace, Tab and error must reach the next frame: the
/// loop draws only a dirty state, so a key that leaves it clean shows at the next tick.
#[test]
fn every_key_in_every_box_marks_the_frame_dirty() {
    use crate::model::{FollowUp, FollowUpMethod};
    let resolve = |s: &mut crate::app::AppState| {
        update(s, key('F'), t0());
        let f = FollowUp {
            id: 1,
            item: ItemId(4),
            case_number: "CASE-00001".into(),
            method: FollowUpMethod::Phone,
            contact: None,
            due_at: None,
            assignee: None,
            note: None,
            outcome: None,
            created_at: at(-600),
            closed_at: None,
        };
        update(s, Msg::FollowUpsLoaded(vec![f]), t0());
        update(s, code(KeyCode::Enter), t0());
    };
    let opened_by: [(&str, Option<char>); 7] = [
        ("snooze", Some('s')),
        ("follow-up", Some('f')),
        ("tags", Some('t')),
        ("assign", Some('a')),
        ("note", Some('i')),
        ("filter", Some('l')),
        ("close a follow-up", None),
    ];
    for (name, opener) in opened_by {
        let mut s = loaded();
        match opener {
            Some(c) => update(&mut s, key(c), t0()),
            None => {
                resolve(&mut s);
                Vec::new()
            }
        };
        let before = form(&s).clone();
        let pressed = |s: &mut crate::app::AppState, m: Msg, what: &str| {
            s.dirty = false;
            update(s, m, t0());
            assert!(s.dirty, "{name}: {what} left the frame clean");
        };
        // The follow-up's first field is a choice: type into the second.
        if form(&s).kind == FormKind::FollowUp {
            pressed(&mut s, code(KeyCode::Tab), "Tab");
        }
        pressed(&mut s, key('z'), "a typed character");
        assert_ne!(form(&s).fields, before.fields, "{name}: the z was taken");
        pressed(&mut s, code(KeyCode::Backspace), "backspace");
        pressed(&mut s, code(KeyCode::BackTab), "shift-Tab");
    }
}

#[test]
fn a_form_error_is_drawn_at_once() {
    let mut s = loaded();
    update(&mut s, key('s'), t0());
    for c in "xyz".chars() {
        update(&mut s, key(c), t0());
    }
    s.dirty = false;
    update(&mut s, code(KeyCode::Enter), t0());
    assert!(form(&s).error.is_some());
    assert!(s.dirty, "the error waited for the next tick");
}

#[test]
fn the_follow_up_method_cycles_through_the_models_methods() {
    let mut s = loaded();
    update(&mut s, key('f'), t0());
    let method = |s: &crate::app::AppState| form(s).value("method").to_string();
    let mut seen = vec![method(&s)];
    for _ in 1..FollowUpMethod::ALL.len() {
        update(&mut s, code(KeyCode::Right), t0());
        seen.push(method(&s));
    }
    let all: Vec<String> = FollowUpMethod::ALL.iter().map(|m| m.to_string()).collect();
    assert_eq!(seen, all);
    update(&mut s, key(' '), t0());
    assert_eq!(method(&s), "phone", "space wraps round");
    update(&mut s, code(KeyCode::Left), t0());
    assert_eq!(method(&s), "other");
    update(&mut s, key('e'), t0());
    assert_eq!(method(&s), "email", "a letter jumps");
    update(&mut s, code(KeyCode::Backspace), t0());
    assert_eq!(method(&s), "email", "nothing to delete in a choice");
    let fx = update(&mut s, ctrl('s'), t0());
    assert!(
        matches!(fx.first(), Some(Effect::CreateFollowUp { input, .. }) if input.method == FollowUpMethod::Email),
        "{fx:?}"
    );
}

#[test]
fn fields_edit_like_the_composer() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let mut s = loaded();
    update(&mut s, key('l'), t0());
    for c in "tag:vip kind:dm".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, ctrl('w'), t0());
    assert_eq!(form(&s).value("filter"), "tag:vip");
    let alt_b = Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::ALT));
    update(&mut s, alt_b, t0());
    assert!(matches!(s.mode, Mode::Form(_)), "alt-b is no Esc in a box");
    update(&mut s, key('x'), t0());
    assert_eq!(form(&s).value("filter"), "tag:xvip");
    update(&mut s, code(KeyCode::Home), t0());
    update(&mut s, key('!'), t0());
    update(&mut s, code(KeyCode::End), t0());
    update(&mut s, key('?'), t0());
    assert_eq!(form(&s).value("filter"), "!tag:xvip ?");
    update(&mut s, ctrl('u'), t0());
    assert_eq!(form(&s).value("filter"), "");
}

#[test]
fn the_snooze_error_names_its_field() {
    let mut s = loaded();
    update(&mut s, key('s'), t0());
    update(&mut s, key('x'), t0());
    update(&mut s, code(KeyCode::Enter), t0());
    let e = form(&s).error.clone().unwrap_or_default();
    assert!(e.starts_with("until \"2hx\""), "{e}");
}
