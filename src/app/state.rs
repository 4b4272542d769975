//! `AppState`: everything the screen shows, owned by the app loop alone.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::channels::{Capabilities, LengthUnit};
use crate::model::{ChannelKind, ItemDetail, ItemId, ItemRow, OutboxEntry};
use crate::sla::Policies;

use crate::filter::View;
use crate::keys::{KeySpec, Keymap};

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Detail,
}

/// Inbox order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Least time left before breach first; items without a running clock after.
    #[default]
    Urgency,
    Newest,
}

/// The reply composer (a simple multi-line editor; `$EDITOR` and templates come later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composer {
    pub item: ItemId,
    pub text: String,
    /// Cursor position as a byte offset into `text` (always on a char boundary).
    pub cursor: usize,
    /// Waiting for the user to confirm sending.
    pub confirm: bool,
    pub max_len: Option<usize>,
    pub unit: LengthUnit,
    /// Text has changed since the draft was last saved.
    pub dirty: bool,
    /// Editing a failed outbox entry: sending resends that entry instead of a new reply.
    pub resend: Option<i64>,
    /// The template picker (`ctrl-t`), when open.
    pub picker: Option<Picker>,
    /// When the composer opened: the traffic cop looks for what happened since.
    pub opened_at: jiff::Timestamp,
    /// `ctrl-s` pressed: waiting for the traffic cop's look at the conversation.
    pub checking: bool,
    /// What the traffic cop found (a teammate replied, a new message came): asks before sending.
    pub warning: Option<String>,
    /// The item was already answered when the composer opened: this reply is a deliberate
    /// further message (`reply --again`), not a race for the first answer.
    pub again: bool,
}

/// Choosing a canned reply by fuzzy search over names and bodies.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picker {
    pub query: String,
    pub selected: usize,
}

/// Modal state on top of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    Help {
        scroll: u16,
    },
    Composer(Composer),
    /// `q` with unsent drafts: asks before leaving.
    ConfirmQuit,
    /// A change to more than one item, waiting for y/n ([`Ask`]).
    Confirm(Box<Ask>),
    /// The outbox view.
    Outbox {
        entries: Vec<OutboxEntry>,
        selected: usize,
    },
    /// A small form (follow-up, snooze, closing a follow-up).
    Form(Form),
    /// Open follow-ups.
    FollowUps {
        entries: Vec<crate::model::FollowUp>,
        selected: usize,
    },
    /// Typing a search; `origin` is where the selection was before.
    Search {
        query: String,
        origin: usize,
    },
    /// Response-time figures (None while loading).
    Stats(Option<Box<crate::report::Report>>),
    /// The command palette: every action, narrowed as you type.
    Palette {
        query: String,
        selected: usize,
    },
}

/// Health of one account's poller, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountHealth {
    Idle,
    Syncing,
    Ok {
        at: Timestamp,
    },
    Failing {
        error: String,
        retry_at: Option<Timestamp>,
    },
    /// A teammate's tinbox polls this account (a team store).
    Elsewhere {
        holder: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub channel: ChannelKind,
    pub capabilities: Capabilities,
    pub health: AccountHealth,
    /// What a metered network has spent ("1,234 of 10,000 reads this month"), as its
    /// poller last reported.
    pub usage: Option<String>,
}

/// Severity of the status-bar message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Debug, Clone)]
pub struct AppState {
    /// Items in display order (already sorted by `sort`): open ones as whole list rows,
    /// closed ones by id with rows for the window on screen ([`super::list`]). The whole
    /// item of the selected one is `detail` once loaded.
    pub items: super::list::List,
    pub selected: usize,
    /// First visible row of the list.
    pub offset: usize,
    pub focus: Focus,
    pub sort: SortOrder,
    /// Show done/ignored items too.
    pub show_closed: bool,
    /// Only items that are breached or in their warn time (the "breaching soon" filter).
    pub breaching_only: bool,
    /// Timer states at the last look, to notice new items and crossings (None before the
    /// first load, which is the baseline).
    pub seen: Option<std::collections::HashMap<ItemId, crate::sla::TimerState>>,
    /// Open items with a running clock that the filter or view hides, so the header can
    /// count the whole inbox whatever the view ("2 breached elsewhere").
    pub elsewhere: Vec<ItemRow>,
    /// Every open row as the store last gave it (before the view): a new view of a list
    /// with a closed tail shows with these at once, and the store's fresh ones follow.
    pub open_rows: Option<Vec<ItemRow>>,
    /// When each open follow-up is due (the header counts the overdue ones).
    pub followups_due: Vec<Timestamp>,
    /// The last search, for `n`/`N`.
    pub search: Option<String>,
    /// Where the search being typed, or the last one, matches ([`super::search`]).
    pub hits: Option<super::search::Hits>,
    /// The follow-up view shows only the local user's.
    pub followups_mine: bool,
    pub detail: Option<ItemDetail>,
    pub detail_scroll: u16,
    /// The item whose folded quoted history and signature is shown (`z`; others stay folded).
    pub show_quoted: Option<ItemId>,
    pub mode: Mode,
    pub accounts: BTreeMap<String, AccountView>,
    pub message: Option<(Level, String)>,
    /// Alerts raised by rules and spikes, newest last, until dismissed (Esc).
    pub alerts: Vec<crate::rules::Alert>,
    /// Named filters (`[[views]]`), switched with 1–9.
    pub views: Vec<View>,
    /// The filter in force (a view, or typed with `l`).
    pub filter: Option<View>,
    /// Keys of a sequence typed so far (`g` of `g g`).
    pub pending_keys: Vec<KeySpec>,
    /// The item to select when items first load (where the user left off).
    pub resume: Option<ItemId>,
    /// The linear mode: plain lines for screen readers (`--linear`).
    pub linear: bool,
    /// Items marked for a bulk action (space, `V`).
    pub marked: std::collections::BTreeSet<ItemId>,
    /// The last status change, for `U`.
    pub undo: Option<Undo>,
    /// `R` pressed: the accounts whose sync it still waits for, to say what it did.
    pub sync_round: Option<SyncRound>,
    /// The earliest end of a snooze set here: the list reloads then, so the item comes back.
    pub next_wake: Option<Timestamp>,
    /// Response-time policies (default and rules); each item's timer uses its own.
    pub policies: Policies,
    pub keymap: Keymap,
    pub draft_count: usize,
    /// Canned replies for the composer's picker.
    pub templates: Vec<crate::templates::Template>,
    /// Running on the simulated demo community (labelled on screen).
    pub demo: bool,
    /// Local user's name for history entries.
    pub user: String,
    /// Teammates replying right now, by item (a team store; never the local user).
    pub claims: std::collections::BTreeMap<ItemId, Vec<String>>,
    pub width: u16,
    pub height: u16,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    pub quit: bool,
}

impl AppState {
    pub fn new(policies: Policies, demo: bool, user: String) -> AppState {
        AppState {
            items: Default::default(),
            selected: 0,
            offset: 0,
            focus: Focus::List,
            sort: SortOrder::default(),
            show_closed: false,
            breaching_only: false,
            followups_mine: false,
            elsewhere: Vec::new(),
            open_rows: None,
            followups_due: Vec::new(),
            search: None,
            hits: None,
            seen: None,
            detail: None,
            detail_scroll: 0,
            show_quoted: None,
            mode: Mode::Normal,
            accounts: BTreeMap::new(),
            message: None,
            alerts: Vec::new(),
            claims: std::collections::BTreeMap::new(),
            views: View::defaults(),
            filter: None,
            marked: Default::default(),
            undo: None,
            sync_round: None,
            next_wake: None,
            linear: false,
            resume: None,
            pending_keys: Vec::new(),
            policies,
            keymap: Keymap::default(),
            draft_count: 0,
            templates: Vec::new(),
            demo,
            user,
            width: 80,
            height: 24,
            dirty: true,
            quit: false,
        }
    }

    pub fn selected_item(&self) -> Option<&ItemRow> {
        self.items.get(self.selected)
    }

    /// The quit prompt's text about unsent drafts: the demo's store is deleted on quit.
    pub fn quit_question(&self) -> String {
        let n = self.draft_count;
        let s = if n == 1 { "" } else { "s" };
        if self.demo {
            format!("{n} unsent draft{s}; the demo forgets everything when it quits.")
        } else {
            format!("{n} unsent draft{s} saved; they will be here next time.")
        }
    }
}

/// A change to more than one item, asked before it is made: `y` runs `effects`, `n` or Esc
/// drops them. Kept in the state (not only drawn) so every screen, linear too, can ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// "Mark 13 items done?"
    pub question: String,
    pub effects: Vec<crate::app::Effect>,
    /// What `U` undoes once it is made (a status change), if anything.
    pub undo: Option<Undo>,
    /// The status-bar text once it is made.
    pub done: String,
}

/// The last status change, single or bulk: each item and its status before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    pub before: Vec<(ItemId, crate::model::Status)>,
}

/// A sync asked for with `R`: accounts still to answer, and what the others said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncRound {
    pub waiting: std::collections::BTreeSet<String>,
    pub synced: usize,
    pub new_items: usize,
    pub failed: Vec<(String, String)>,
}

/// What a form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    FollowUp,
    Snooze,
    Resolve,
    Tags,
    Assign,
    /// The inbox filter (`l`); not about one item.
    Filter,
    /// An internal note on the item.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
    /// Byte offset of the cursor in `value` (on a grapheme boundary; see `app::textedit`).
    pub cursor: usize,
}

impl Field {
    /// A field with the cursor after its prefilled value.
    pub fn new(label: &'static str, value: &str, hint: &'static str) -> Field {
        Field {
            label,
            value: value.to_string(),
            hint,
            cursor: value.len(),
        }
    }
}

/// A few labelled one-line fields; Tab moves, Enter on the last field (or ctrl-s) submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub item: ItemId,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
}

impl Form {
    pub fn follow_up(item: ItemId, me: &str) -> Form {
        let f = Field::new;
        Form {
            kind: FormKind::FollowUp,
            item,
            fields: vec![
                f("method", "phone", "phone, email, dm, in-person, other"),
                f("contact", "", "number, address, …"),
                f("due", "2h", "2h, tomorrow 10:00, 2026-11-30 14:00"),
                f("assignee", me, "the designated person"),
                f("note", "", "for whoever follows up"),
            ],
            focus: 0,
            error: None,
        }
    }

    pub fn snooze(item: ItemId) -> Form {
        Form {
            kind: FormKind::Snooze,
            item,
            fields: vec![Field::new("until", "2h", "2h, tomorrow 09:00, 14:30")],
            focus: 0,
            error: None,
        }
    }

    pub fn resolve(item: ItemId) -> Form {
        let f = Field::new;
        Form {
            kind: FormKind::Resolve,
            item,
            fields: vec![
                f(
                    "outcome",
                    "resolved",
                    "resolved, no answer, escalated, refunded, …",
                ),
                f("done", "y", "y: mark the item done · n: keep it open"),
            ],
            focus: 0,
            error: None,
        }
    }

    /// One field, prefilled.
    pub fn single(
        kind: FormKind,
        item: ItemId,
        label: &'static str,
        value: &str,
        hint: &'static str,
    ) -> Form {
        Form {
            kind,
            item,
            fields: vec![Field::new(label, value, hint)],
            focus: 0,
            error: None,
        }
    }

    pub fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.trim())
            .unwrap_or("")
    }
}
