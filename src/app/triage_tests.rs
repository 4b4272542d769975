use crossterm::event::KeyCode;

use super::*;
use crate::app::Msg;
use crate::app::test_support::*;
use crate::model::Kind;
use crate::testing::{item, t0};

/// Four items: a DM, a tagged mention, one assigned to me, an old (breaching) read one.
fn four(me: &str) -> Vec<crate::model::Item> {
    let mut items = vec![
        item(1, t0(), 60),
        item(2, t0(), 120),
        item(3, t0(), 180),
        item(4, t0(), 3 * 3600),
    ];
    items[0].kind = Kind::Dm;
    items[1].tags = vec!["vip".into()];
    items[2].assignee = Some(me.to_string());
    items[3].read = true;
    items
}

fn inbox() -> AppState {
    let mut s = loaded();
    load_again(&mut s);
    update(&mut s, key('g'), t0());
    s
}

/// The store answers a reload.
fn load_again(s: &mut AppState) {
    let items = four(&s.user);
    update(s, crate::app::Msg::ItemsLoaded(rows(items)), t0());
}

fn typed(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(s, key(c), t0());
    }
}

#[test]
fn number_keys_switch_views_and_zero_shows_everything() {
    let mut s = inbox();
    assert_eq!(ids(&s).len(), 4);
    let fx = update(&mut s, key('1'), t0());
    assert_eq!(
        fx,
        vec![Effect::LoadItems {
            include_closed: false
        }]
    );
    load_again(&mut s);
    assert_eq!(ids(&s), [1], "view 1: DMs");
    update(&mut s, key('3'), t0());
    load_again(&mut s);
    assert_eq!(ids(&s), [3], "view 3: Mine");
    update(&mut s, key('2'), t0());
    load_again(&mut s);
    assert_eq!(ids(&s), [4], "view 2: Breaching");
    let screen = crate::ui::tests::render(&s, 160, 10);
    assert!(screen.contains("view Breaching: is:breaching"), "{screen}");
    update(&mut s, key('0'), t0());
    load_again(&mut s);
    assert_eq!(ids(&s).len(), 4);
    update(&mut s, key('9'), t0());
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("No view 9"))
    );
}

#[test]
fn a_typed_filter_combines_terms_and_a_mistake_keeps_the_form_open() {
    let mut s = inbox();
    update(&mut s, key('l'), t0());
    typed(&mut s, "tag:vip kind:mentoin");
    update(&mut s, code(KeyCode::Enter), t0());
    let Mode::Form(form) = &s.mode else {
        panic!("the form stays open on a mistake")
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("kind:mentoin"))
    );
    for _ in 0.."mentoin".len() {
        update(&mut s, code(KeyCode::Backspace), t0());
    }
    typed(&mut s, "mention");
    update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(s.mode, Mode::Normal);
    load_again(&mut s);
    assert_eq!(ids(&s), [2]);
    let screen = crate::ui::tests::render(&s, 160, 10);
    assert!(screen.contains("filter: tag:vip kind:mention"), "{screen}");
    // status:done needs closed items from the store.
    update(&mut s, key('l'), t0());
    for _ in 0..40 {
        update(&mut s, code(KeyCode::Backspace), t0());
    }
    typed(&mut s, "status:done");
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    // The closed ones come as a tail of ids, filtered by the store.
    match fx.as_slice() {
        [Effect::LoadList(spec)] => {
            let done = crate::filter::Filter::parse("status:done").expect("filter");
            assert_eq!(spec.filter.as_ref(), Some(&done));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn marked_items_are_closed_tagged_and_assigned_together() {
    let mut s = inbox();
    // Space marks and moves down: mark the first two.
    update(&mut s, key(' '), t0());
    update(&mut s, key(' '), t0());
    assert_eq!(s.marked.len(), 2);
    let screen = crate::ui::tests::render(&s, 160, 10);
    assert!(screen.contains("2 marked"), "{screen}");
    let marked: Vec<ItemId> = s.marked.iter().copied().collect();
    assert_eq!(marked.len(), 2);
    // More than one item: asked first ("Mark 2 items done?"), made on y.
    assert!(update(&mut s, key('d'), t0()).is_empty());
    let fx = update(&mut s, key('y'), t0());
    let closed: Vec<ItemId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::SetStatus {
                id,
                status: Status::Done,
                ..
            } => Some(*id),
            _ => None,
        })
        .collect();
    let mut closed = closed;
    closed.sort();
    assert_eq!(closed, marked);
    assert!(s.marked.is_empty(), "marks clear after a bulk action");

    // V marks everything shown; tags typed are added to each.
    update(&mut s, key('V'), t0());
    assert_eq!(s.marked.len(), 4);
    update(&mut s, key('t'), t0());
    for _ in 0..20 {
        update(&mut s, code(KeyCode::Backspace), t0());
    }
    typed(&mut s, "outage");
    assert!(
        update(&mut s, code(KeyCode::Enter), t0()).is_empty(),
        "asked"
    );
    let fx = update(&mut s, key('y'), t0());
    let tagged: Vec<&Vec<String>> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::SetTags { tags, .. } => Some(tags),
            _ => None,
        })
        .collect();
    assert_eq!(tagged.len(), 4);
    assert!(tagged.contains(&&vec!["outage".to_string(), "vip".to_string()]));
    // V twice clears.
    update(&mut s, key('V'), t0());
    update(&mut s, key('V'), t0());
    assert!(s.marked.is_empty());
}

#[test]
fn read_toggles_and_notes_go_to_the_history() {
    let mut s = inbox();
    let first = s.items[0].id;
    assert!(s.items[0].read, "the oldest was read already");
    assert_eq!(
        update(&mut s, key('m'), t0()),
        vec![Effect::MarkUnread(first)]
    );
    assert!(!s.items[0].read);
    assert_eq!(
        update(&mut s, key('m'), t0()),
        vec![Effect::MarkRead(first)]
    );
    update(&mut s, key('i'), t0());
    update(&mut s, code(KeyCode::Enter), t0());
    let Mode::Form(form) = &s.mode else {
        panic!("an empty note is refused")
    };
    assert!(form.error.is_some());
    typed(&mut s, "called her, sending a voucher");
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert!(fx.contains(&Effect::AddNote {
        id: first,
        text: "called her, sending a voucher".into()
    }));
    assert!(fx.contains(&Effect::LoadDetail(first)));
}

/// The steps of the report (`V`, Esc, Enter, Esc, `j`, `d`): Esc cleared the marks, so `d`
/// closes the one item selected, not all of them.
#[test]
fn esc_clears_the_marks_so_d_closes_one_item() {
    let mut s = inbox();
    update(&mut s, key('V'), t0());
    assert_eq!(s.marked.len(), 4);
    update(&mut s, code(KeyCode::Esc), t0());
    assert!(s.marked.is_empty(), "Esc cleared the marks");
    update(&mut s, code(KeyCode::Enter), t0());
    update(&mut s, code(KeyCode::Esc), t0());
    update(&mut s, key('j'), t0());
    let chosen = s.items[1].id;
    let fx = update(&mut s, key('d'), t0());
    let closed: Vec<&Effect> = fx
        .iter()
        .filter(|e| matches!(e, Effect::SetStatus { .. }))
        .collect();
    assert_eq!(
        closed,
        [&Effect::SetStatus {
            id: chosen,
            status: Status::Done,
            why: "marked done".into()
        }]
    );
    assert_eq!(s.mode, Mode::Normal, "one item: no question");
}

fn set_status_ids(fx: &[Effect], to: Status) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::SetStatus { id, status, .. } if *status == to => Some(*id),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

/// The items an undo sends back to `to` (keeping their clocks).
fn restored_ids(fx: &[Effect], to: Status) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::RestoreStatus { id, status, .. } if *status == to => Some(*id),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

/// A bulk change asks first; `n` changes nothing and keeps the marks, `y` makes it; `U`
/// sets every item back through `SetStatus` (so it is in their history), once.
#[test]
fn a_bulk_change_asks_first_and_u_undoes_all_of_it() {
    let mut s = inbox();
    let all: Vec<ItemId> = {
        let mut v: Vec<ItemId> = s.items.iter().map(|i| i.id).collect();
        v.sort();
        v
    };
    update(&mut s, key('V'), t0());
    assert!(update(&mut s, key('d'), t0()).is_empty(), "nothing yet");
    let Mode::Confirm(ask) = &s.mode else {
        panic!("a question, not {:?}", s.mode)
    };
    assert_eq!(ask.question, "Mark 4 items done?");
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("Mark 4 items done? y/n"),
        "the status line asks too (the linear mode reads it)"
    );
    let screen = crate::ui::tests::render(&s, 120, 30);
    assert!(screen.contains("Mark 4 items done?") && screen.contains("y = yes"));
    // A stray key is not an answer.
    assert!(update(&mut s, key('j'), t0()).is_empty());
    assert!(matches!(s.mode, Mode::Confirm(_)));
    assert!(update(&mut s, key('n'), t0()).is_empty());
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.marked.len(), 4, "no: the marks stay");

    update(&mut s, key('d'), t0());
    let fx = update(&mut s, key('y'), t0());
    assert_eq!(set_status_ids(&fx, Status::Done), all);
    assert!(fx.contains(&Effect::LoadItems {
        include_closed: false
    }));
    assert!(s.marked.is_empty());

    let fx = update(&mut s, key('U'), t0());
    assert_eq!(restored_ids(&fx, Status::New), all);
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::RestoreStatus { why, .. } if why == "undo: back to new"
    )));
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("Undid: 4 items back to new")
    );
    assert!(update(&mut s, ctrl('z'), t0()).is_empty());
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("Nothing to undo.")
    );
}

/// `p` on one item: no question, the selection moves on as after `d`, `ctrl-z` undoes it.
#[test]
fn pending_moves_on_and_ctrl_z_undoes_it() {
    let mut s = inbox();
    let first = s.items[0].id;
    let next = s.items[1].id;
    let fx = update(&mut s, key('p'), t0());
    assert_eq!(set_status_ids(&fx, Status::Pending), [first]);
    assert_eq!(s.selected_item().map(|i| i.id), Some(next));
    let fx = update(&mut s, ctrl('z'), t0());
    assert_eq!(restored_ids(&fx, Status::New), [first]);
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some(format!("Undid: #{first} back to new").as_str())
    );
}

/// A snoozed item leaves the list until it wakes; view 6 shows the snoozed ones; `s` on
/// marked items asks first, and the list reloads when the snooze ends.
#[test]
fn snoozed_items_leave_the_list_until_they_wake() {
    let mut s = inbox();
    let first = s.items[0].id;
    let next = s.items[1].id;
    update(&mut s, key('s'), t0());
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    let until = t0() + jiff::SignedDuration::from_hours(2);
    assert_eq!(fx[0], Effect::Snooze { id: first, until });
    assert_eq!(s.selected_item().map(|i| i.id), Some(next), "moved on");
    assert_eq!(s.next_wake, Some(until));

    // The store answers with the item snoozed: it is not in the list, view 6 shows it.
    let mut items = four(&s.user);
    items
        .iter_mut()
        .filter(|i| i.id == first)
        .for_each(|i| i.status = Status::Snoozed);
    update(&mut s, Msg::ItemsLoaded(rows(items.clone())), t0());
    assert!(!ids(&s).contains(&first.0));
    assert_eq!(s.selected_item().map(|i| i.id), Some(next));
    update(&mut s, key('6'), t0());
    update(&mut s, Msg::ItemsLoaded(rows(items)), t0());
    assert_eq!(ids(&s), [first.0], "view 6: Snoozed");
    update(&mut s, key('0'), t0());

    // Two marked: asked first.
    load_again(&mut s);
    update(&mut s, key(' '), t0());
    update(&mut s, key(' '), t0());
    update(&mut s, key('s'), t0());
    assert!(update(&mut s, code(KeyCode::Enter), t0()).is_empty());
    let Mode::Confirm(ask) = &s.mode else {
        panic!("a question, not {:?}", s.mode)
    };
    assert_eq!(ask.question, "Snooze 2 items until 12:00?");
    let fx = update(&mut s, key('y'), t0());
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::Snooze { .. }))
            .count(),
        2
    );

    // The wake time comes: a tick reloads the list, once.
    let fx = update(&mut s, Msg::Tick, until);
    assert!(fx.contains(&Effect::LoadItems {
        include_closed: false
    }));
    assert_eq!(s.next_wake, None);
}

/// The demo deletes its store on quit: its quit prompt does not promise the drafts.
#[test]
fn the_demos_quit_prompt_says_drafts_are_not_kept() {
    let mut s = inbox();
    s.draft_count = 1;
    s.mode = Mode::ConfirmQuit;
    s.demo = true;
    let screen = crate::ui::tests::render(&s, 100, 30);
    assert!(screen.contains("forgets everything"), "{screen}");
    assert!(!screen.contains("here next time"), "{screen}");
    s.demo = false;
    let screen = crate::ui::tests::render(&s, 100, 30);
    assert!(screen.contains("will be here next time"), "{screen}");
}
