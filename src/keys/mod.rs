//! Keys: the user's vocabulary ([`Action`]) and the map from key presses to it ([`Keymap`]).
//! Below `config` (which reads `[keys]` into a keymap) and the app core (which looks keys up),
//! above nothing of tinbox but the bottom layer.

pub mod action;
pub mod keymap;

pub use action::Action;
pub use keymap::{KeySpec, Keymap, Lookup};
