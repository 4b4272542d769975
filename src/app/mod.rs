//! The application core: state, messages, actions, effects and the pure `update`.

pub mod actions;
pub mod composer;
pub mod effect;
pub mod form;
pub mod layout;
pub mod mouse;
pub mod msg;
pub mod palette;
pub mod search;
pub mod state;
pub mod team;
#[cfg(test)]
pub(crate) mod test_support;
pub mod timers;
pub mod triage;
pub mod update;
pub mod views;

// Keys and the filter language sit below config; these paths stay for the callers.
pub use crate::filter;
pub use crate::keys::{Action, action, keymap};
pub use effect::Effect;
pub use msg::Msg;
pub use state::AppState;
pub use update::update;
