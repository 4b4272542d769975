//! Drawing: a pure function of state, theme and `now`. (Skeleton: the UI helper fills this in.)
use crate::app::AppState;

pub fn list_rows(_width: u16, height: u16, _state: &AppState) -> usize {
    height.saturating_sub(3) as usize
}
