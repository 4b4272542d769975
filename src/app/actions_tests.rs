//! What actions do: moving, scrolling, opening, status and priority changes.

use crossterm::event::KeyCode;

use super::*;
use crate::app::state::Focus;
use crate::app::test_support::update;
use crate::app::test_support::*;
use crate::app::{Effect, Msg};
use crate::model::{ItemId, Status};
use crate::sla;
use crate::testing::{item, t0};

#[test]
fn navigation_moves_and_clamps() {
    let mut s = loaded();
    update(&mut s, key('j'), t0());
    assert_eq!(s.selected, 1);
    update(&mut s, key('G'), t0());
    assert_eq!(s.selected, 3);
    update(&mut s, code(KeyCode::Down), t0());
    assert_eq!(s.selected, 3, "stays on the last row");
    update(&mut s, key('g'), t0());
    assert_eq!(s.selected, 0);
    update(&mut s, key('k'), t0());
    assert_eq!(s.selected, 0);
}

#[test]
fn selection_change_asks_for_detail() {
    let mut s = loaded();
    let fx = update(&mut s, key('j'), t0());
    assert_eq!(fx, vec![Effect::LoadDetail(ItemId(4))]);
    let m = detail(&s, None);
    update(&mut s, m, t0());
    assert_eq!(s.detail.as_ref().map(|d| d.item.id), Some(ItemId(4)));
    // A late answer for another item is ignored.
    update(&mut s, key('j'), t0());
    let mut other = s.detail.clone().expect("detail");
    other.item.id = ItemId(99);
    update(&mut s, Msg::DetailLoaded(Box::new(other)), t0());
    assert_eq!(s.detail.as_ref().map(|d| d.item.id), Some(ItemId(4)));
}

#[test]
fn scrolling_keeps_selection_on_screen() {
    let mut s = AppState::new(sla::Policies::default(), false, "me".into());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 10,
        },
        t0(),
    );
    let items = rows((1..=50).map(|i| item(i, t0(), i * 10)));
    update(&mut s, Msg::ItemsLoaded(items), t0());
    let rows = crate::app::layout::list_rows(80, 10, &s);
    for _ in 0..30 {
        update(&mut s, key('j'), t0());
        assert!(
            s.selected >= s.offset && s.selected < s.offset + rows,
            "{} in {}+{rows}",
            s.selected,
            s.offset
        );
    }
    update(&mut s, key('g'), t0());
    assert_eq!((s.selected, s.offset), (0, 0));
    update(&mut s, key('G'), t0());
    assert_eq!(s.offset, 50 - rows);
}

#[test]
fn done_sets_status_and_reloads() {
    let mut s = loaded();
    let fx = update(&mut s, key('d'), t0());
    assert_eq!(
        fx,
        vec![
            Effect::SetStatus {
                id: ItemId(3),
                status: Status::Done,
                why: "marked done".into()
            },
            Effect::LoadItems {
                include_closed: false
            }
        ]
    );
    assert_eq!(s.items[0].status, Status::Done);
    // Pressing it again does nothing.
    assert!(update(&mut s, key('d'), t0()).is_empty());
    let fx = update(&mut s, key('u'), t0());
    assert!(matches!(
        fx[0],
        Effect::SetStatus {
            status: Status::New,
            ..
        }
    ));
}

#[test]
fn open_focuses_detail_and_marks_read() {
    let mut s = loaded();
    let fx = update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(s.focus, Focus::Detail);
    assert!(fx.contains(&Effect::MarkRead(ItemId(3))));
    // j/k scroll the detail pane while it has focus.
    update(&mut s, key('j'), t0());
    assert_eq!((s.selected, s.detail_scroll), (0, 1));
    update(&mut s, code(KeyCode::Esc), t0());
    assert_eq!(s.focus, Focus::List);
}

#[test]
fn priority_moves_up_and_down_within_its_range() {
    use crate::model::Priority;
    let mut s = loaded();
    let fx = update(&mut s, key('+'), t0());
    assert_eq!(
        fx[0],
        Effect::SetPriority {
            id: ItemId(3),
            priority: Priority::High
        }
    );
    update(&mut s, key('+'), t0());
    assert_eq!(s.items[0].priority, Priority::Urgent);
    assert!(
        update(&mut s, key('+'), t0()).is_empty(),
        "urgent is the top"
    );
    for _ in 0..3 {
        update(&mut s, key('-'), t0());
    }
    assert_eq!(s.items[0].priority, Priority::Low);
    assert!(
        update(&mut s, key('-'), t0()).is_empty(),
        "low is the bottom"
    );
}

#[test]
fn z_shows_and_folds_the_selected_items_quote_and_redraws() {
    let mut s = loaded();
    let id = s.selected_item().map(|i| i.id);
    s.dirty = false;
    let fx = update(&mut s, key('z'), t0());
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.show_quoted, id);
    assert!(s.dirty, "the pane is drawn again");
    s.dirty = false;
    update(&mut s, key('z'), t0());
    assert_eq!(s.show_quoted, None);
    assert!(s.dirty);
    // Shown for one item only: the next one starts folded.
    update(&mut s, key('z'), t0());
    update(&mut s, key('j'), t0());
    assert_ne!(s.show_quoted, s.selected_item().map(|i| i.id));
}
