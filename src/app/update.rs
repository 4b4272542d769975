//! `update`: the only place state changes. (Skeleton.)
use jiff::Timestamp;

use super::{AppState, Effect, Msg};

pub fn update(_state: &mut AppState, _msg: Msg, _now: Timestamp) -> Vec<Effect> {
    Vec::new()
}
