//! The bottom layer's formatting: text measured in terminal cells and durations in tinbox's
//! compact notation (`1h30m`). Pure functions of their arguments, no clock and no I/O;
//! everything above (the store, channels, the app core, drawing, the CLI) may use them, and
//! they use nothing of tinbox.

pub mod duration;
pub mod text;

pub use duration::{format_age, parse_duration};
pub use text::{fit, truncate, width};
