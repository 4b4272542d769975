//! tinbox: a terminal social inbox.
//!
//! Layers (see `../shared/design.md`): channels poll networks and normalize posts into
//! [`model::IncomingItem`]s; the [`store`] keeps them; the [`app`] core turns messages into
//! state changes and effects with a pure `update`; [`ui`] draws state; the binary wires it all.

pub mod accounts;
pub mod app;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod config;
pub mod filter;
pub mod fmt;
pub mod fuzzy;
pub mod html;
pub mod instance;
pub mod keys;
pub mod logging;
pub mod model;
pub mod moderation;
pub mod notify;
pub mod outbox;
pub mod private;
pub mod report;
pub mod rules;
pub mod sanitize;
pub mod secrets;
pub mod sla;
pub mod store;
pub mod templates;
#[doc(hidden)]
pub mod testing;
pub mod theme;
pub mod tui;
pub mod ui;
