//! What is drawn on top of the inbox, one file per overlay (named as its keys' file in
//! `app/` where it has one): help, the palette, the composer, forms, the outbox, the
//! follow-ups and the quit confirmation, in the shared frame of `dialog`.

pub mod composer;
pub mod confirm;
pub mod dialog;
pub mod followups;
pub mod form;
pub mod help;
pub mod outbox;
pub mod palette;

#[cfg(test)]
mod tests;
