//! The application core: state, messages, actions, effects and the pure `update`.
//!
//! Inside, from the bottom: `state`, `msg`, `effect`; `layout` (the screen's pure `Rect`
//! arithmetic, shared with `ui`); `actions` (what an `Action` does); the handlers of each
//! mode, named as their drawings in `ui/overlays/` (`palette`, `composer`, `form`, `outbox`,
//! `followups`, `confirm`, plus `search`, `sync`, `triage`, `team`, `mouse`), which change state or return an
//! intent and never call back up; `update` on top routes every message. Below the app core:
//! `crate::keys`, `crate::filter`, `crate::fmt`, `crate::clock`; it never imports `ui`.

pub mod actions;
pub mod composer;
pub mod confirm;
pub mod effect;
pub mod followups;
pub mod form;
pub mod help;
pub mod layout;
pub mod list;
pub mod moderation;
pub mod mouse;
pub mod msg;
pub mod outbox;
pub mod palette;
pub mod search;
pub mod search_tail;
pub mod state;
pub mod sync;
pub mod tail;
pub mod team;
#[cfg(test)]
pub(crate) mod test_support;
pub mod textedit;
pub mod timers;
pub mod triage;
pub mod update;

// Keys and the filter language sit below config; these paths stay for the callers.
pub use crate::filter;
pub use crate::keys::{Action, action, keymap};
pub use effect::Effect;
pub use msg::Msg;
pub use state::AppState;
pub use update::update;
