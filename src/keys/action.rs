//! `Action` is the user's vocabulary: every key maps to one, the help screen and the README
//! key table are generated from this enum, and (later) `[keys]` in config binds to its names.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($(#[$m:meta])* $var:ident => $name:literal, [$($key:literal),*], $desc:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Action { $($(#[$m])* #[serde(rename = $name)] $var),+ }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$var),+];
            /// The name used in config and the command palette.
            pub fn name(self) -> &'static str { match self { $(Action::$var => $name),+ } }
            /// One line for the help screen.
            pub fn description(self) -> &'static str { match self { $(Action::$var => $desc),+ } }
            /// Default key bindings in the inbox (see [`super::keymap`]).
            pub fn default_keys(self) -> &'static [&'static str] { match self { $(Action::$var => &[$($key),*]),+ } }
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$var),)+ _ => None }
            }
        }
    };
}

actions! {
    Down => "down", ["j", "down"], "move down / scroll the detail pane";
    Up => "up", ["k", "up"], "move up / scroll the detail pane";
    PageDown => "page-down", ["ctrl-d", "pagedown"], "half a page down";
    PageUp => "page-up", ["ctrl-u", "pageup"], "half a page up";
    First => "first", ["g", "home"], "go to the first item";
    Last => "last", ["G", "end"], "go to the last item";
    Open => "open", ["enter"], "open the item in the detail pane";
    SwitchPane => "switch-pane", ["tab", "backtab"], "switch between list and detail";
    ToggleQuoted => "toggle-quoted", ["z"], "show or fold an email's quoted history and signature";
    Back => "back", ["esc"], "close the detail pane / dialog";
    Reply => "reply", ["r"], "reply to the item (draft kept on Esc)";
    Done => "done", ["d"], "mark done";
    Reopen => "reopen", ["u"], "back to new";
    Pending => "pending", ["p"], "waiting on the customer (pauses the clock)";
    Snooze => "snooze", ["s"], "snooze until a time (2h, tomorrow 09:00)";
    FollowUp => "follow-up", ["f"], "take offline: case number, method, due time, assignee";
    Tag => "tag", ["t"], "set tags (comma-separated)";
    Assign => "assign", ["a"], "assign to someone";
    PriorityUp => "priority-up", ["+"], "raise priority (low, normal, high, urgent)";
    PriorityDown => "priority-down", ["-"], "lower priority";
    Ignore => "ignore", ["x"], "ignore: spam or no response needed";
    Hide => "hide", ["h"], "hide a comment (spam, abuse); never deletes";
    Undo => "undo", ["U", "ctrl-z"], "undo the last status change (one item or many)";
    Mark => "mark", ["space"], "mark for a bulk action (d x u p s t a; Esc clears)";
    MarkAll => "mark-all", ["V"], "mark every item shown (again: clear the marks)";
    ToggleRead => "toggle-read", ["m"], "mark read / unread";
    Note => "note", ["i"], "add an internal note (in the history, never sent)";
    Filter => "filter", ["l"], "filter: kind:dm tag:vip is:unread … (0-9: views)";
    Search => "search", ["/"], "search author and text as you type";
    SearchNext => "search-next", ["n"], "next match";
    SearchPrev => "search-prev", ["N"], "previous match";
    ToggleSort => "toggle-sort", ["O"], "order: most urgent first / newest first";
    Outbox => "outbox", ["o"], "the outbox: queued, failed and sent replies";
    Stats => "stats", ["S"], "response-time figures for the last 7 days";
    FollowUps => "follow-ups", ["F"], "open follow-ups, due times; close with an outcome";
    ToggleClosed => "toggle-closed", ["c"], "show or hide done and ignored items";
    BreachingSoon => "breaching-soon", ["b"], "only items breached or within their warn time";
    SyncNow => "sync-now", ["R"], "poll every account now and say what came";
    Palette => "palette", [":"], "command palette: find any action by name";
    Help => "help", ["?", "f1"], "show this help";
    Quit => "quit", ["q"], "quit (asks first if drafts are unsent)";
}

impl Action {
    /// The default keys of this action as shown to people (`j`, `↓`).
    pub fn key_labels(self) -> Vec<String> {
        self.default_keys().iter().map(|k| key_label(k)).collect()
    }
}

/// A key spec as shown on screen and in the README.
pub fn key_label(spec: &str) -> String {
    match spec {
        "down" => "↓".into(),
        "up" => "↑".into(),
        "left" => "←".into(),
        "right" => "→".into(),
        "enter" => "Enter".into(),
        "tab" => "Tab".into(),
        "backtab" => "Shift-Tab".into(),
        "esc" => "Esc".into(),
        "pagedown" => "PgDn".into(),
        "pageup" => "PgUp".into(),
        "home" => "Home".into(),
        "end" => "End".into(),
        "f1" => "F1".into(),
        other => other.to_string(),
    }
}

/// The README's key table, generated from [`Action::ALL`] (a test keeps the README current).
pub fn key_table_markdown() -> String {
    let mut out = String::from("| keys | action |\n|---|---|\n");
    for &a in Action::ALL {
        let keys: Vec<String> = a.key_labels().iter().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("| {} | {} |\n", keys.join(" "), a.description()));
    }
    out
}
