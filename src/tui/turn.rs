//! One turn of the inbox loop, apart from reading the terminal: a message in (and every
//! message already waiting), `update`, its effects started but never awaited, and a frame
//! when something visible changed. The loop in `mod.rs` feeds it keys, signals and the
//! background's messages; tests and benches drive it the same way, on any backend.

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;

use super::effects::EffectRunner;
use crate::app::state::Mode;
use crate::app::{AppState, Effect, Msg, update};
use crate::theme::Theme;

pub struct Inbox {
    pub state: AppState,
    pub runner: EffectRunner,
    /// Answers of the store and the background tasks (their senders are clones of the
    /// runner's `tx`).
    pub rx: UnboundedReceiver<Msg>,
    /// The time zone `update` shows times in.
    pub tz: jiff::tz::TimeZone,
}

impl Inbox {
    /// Apply `msg`, then whatever else is already waiting (one draw per burst), and start
    /// the effects. Returns the text to edit when `update` asked for the external editor,
    /// which needs the terminal the caller owns.
    pub fn handle(&mut self, msg: Msg) -> Option<String> {
        let mut effects = update(&mut self.state, msg, Timestamp::now(), &self.tz);
        while let Ok(more) = self.rx.try_recv() {
            effects.extend(update(&mut self.state, more, Timestamp::now(), &self.tz));
        }
        let mut editor = None;
        for e in effects {
            match e {
                Effect::OpenEditor { text } => editor = Some(text),
                e => self.runner.run(e),
            }
        }
        editor
    }

    /// Draw a frame if something visible changed since the last one; true if it drew.
    pub fn draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        theme: &Theme,
        now: Timestamp,
    ) -> Result<bool, B::Error> {
        if !self.state.dirty {
            return Ok(false);
        }
        terminal.draw(|f| crate::ui::draw(f, &self.state, theme, now))?;
        self.state.dirty = false;
        Ok(true)
    }

    /// Before leaving, whatever the reason: keep the composer's text, then wait until every
    /// queued write has landed (drafts and replies are never lost on `q`).
    pub async fn close(&mut self) {
        if let Mode::Composer(c) = &self.state.mode {
            let (id, text) = (c.item, c.text.clone());
            self.runner.run(Effect::SaveDraft { id, text });
        }
        if let Err(e) = self.runner.store.flush().await {
            tracing::warn!("the store did not finish its queued writes: {e}");
        }
    }
}

#[cfg(test)]
#[path = "turn_tests.rs"]
mod tests;
