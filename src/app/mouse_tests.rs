//! The mouse: clicks pick rows and focus panes, the wheel moves or scrolls.

use super::*;
use crate::app::state::Focus;
use crate::app::test_support::update;
use crate::app::test_support::*;
use crate::app::{Effect, Msg};
use crate::testing::t0;

#[test]
fn the_mouse_picks_rows_focuses_the_detail_and_scrolls() {
    use crate::app::msg::MouseKind;
    let mut s = loaded();
    update(
        &mut s,
        Msg::Resize {
            width: 120,
            height: 30,
        },
        t0(),
    );
    let at = |kind, column, row| Msg::Mouse { kind, column, row };
    // Row 0 is the header bar, row 1 the list's column titles, items from row 2.
    let fx = update(&mut s, at(MouseKind::Click, 5, 4), t0());
    assert_eq!(s.selected, 2);
    assert_eq!(s.focus, Focus::List);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadDetail(_))),
        "{fx:?}"
    );
    // Below the last item, or on the titles: nothing changes.
    update(&mut s, at(MouseKind::Click, 5, 20), t0());
    update(&mut s, at(MouseKind::Click, 5, 1), t0());
    assert_eq!(s.selected, 2);
    // The wheel over the list moves the selection.
    update(&mut s, at(MouseKind::WheelDown, 5, 10), t0());
    assert_eq!(s.selected, 3);
    update(&mut s, at(MouseKind::WheelUp, 5, 10), t0());
    update(&mut s, at(MouseKind::WheelUp, 5, 10), t0());
    assert_eq!(s.selected, 1);
    // A click in the detail pane (the right 40%) gives it the focus.
    update(&mut s, at(MouseKind::Click, 110, 6), t0());
    assert_eq!(s.focus, Focus::Detail);
    // In the composer the mouse does nothing.
    update(&mut s, key('r'), t0());
    assert!(matches!(s.mode, Mode::Composer(_)));
    update(&mut s, at(MouseKind::Click, 5, 2), t0());
    assert_eq!(s.selected, 1);
}
