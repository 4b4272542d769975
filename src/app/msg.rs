//! Messages into the app loop. Everything that happens reaches `update` as a `Msg`.

use crossterm::event::KeyEvent;

use crate::channels::poller::PollerEvent;
use crate::model::{Item, ItemDetail, ItemId, ItemRow, OutboxEntry, ThreadEntry};
use crate::outbox::OutboxEvent;

#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press from the terminal (mapped to an [`super::Action`] by the keymap in `update`).
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// A mouse click or wheel turn (only when `mouse = true`): at a cell of the screen.
    Mouse {
        kind: MouseKind,
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved on; only visible timers change.
    Tick,
    /// A poller reports progress or failure.
    Poller(PollerEvent),
    /// Fresh list of items from the store, as list rows.
    ItemsLoaded(Vec<ItemRow>),
    /// Fresh list with a closed tail by id ([`crate::app::Effect::LoadList`]).
    ListLoaded(Box<Loaded>),
    /// The open rows afresh ([`crate::app::Effect::LoadOpen`]).
    OpenLoaded(Vec<ItemRow>),
    /// The next page of the tail ([`crate::app::Effect::LoadTail`]).
    TailLoaded(Box<TailPage>),
    /// Rows of the window on screen ([`crate::app::Effect::LoadRows`]).
    RowsLoaded(Vec<ItemRow>),
    /// The items near where a search starts that it matches ([`crate::app::Effect::SearchNear`]).
    NearMatches {
        query: String,
        ids: Vec<ItemId>,
    },
    /// The tail's items a search matches, newest first.
    TailMatches {
        query: String,
        range: std::ops::Range<usize>,
        ids: Vec<ItemId>,
    },
    /// The selected item's thread, history and draft.
    DetailLoaded(Box<ItemDetail>),
    /// The conversation as the network knows it (or why it could not be had).
    ThreadFetched {
        id: ItemId,
        thread: Result<Vec<ThreadEntry>, String>,
    },
    /// The external editor exited: the new text, or why not.
    EditorDone(Result<String, String>),
    /// Number of items with unsent drafts.
    DraftCount(usize),
    /// The outbox worker sent, postponed or gave up on a reply.
    Outbox(OutboxEvent),
    /// Everything the stats view needs, from the store.
    ReportData {
        items: Vec<Item>,
        followups: Vec<crate::model::FollowUp>,
        since: jiff::Timestamp,
    },
    /// Open follow-ups, for their view.
    FollowUpsLoaded(Vec<crate::model::FollowUp>),
    /// The outbox's entries, for the outbox view.
    OutboxLoaded(Vec<OutboxEntry>),
    /// A teammate's tinbox changed the shared store: reload what is shown.
    StoreChanged,
    /// Every live claim ("kim is replying"), this user's included.
    ClaimsLoaded(Vec<crate::store::Claim>),
    /// Our claim on an item is recorded; `others` are also replying to it.
    Claimed {
        id: ItemId,
        others: Vec<crate::store::Claim>,
    },
    /// What happened in the conversation since the composer opened (or why we cannot tell).
    Activity {
        id: ItemId,
        activity: Result<Vec<crate::store::Activity>, String>,
    },
    /// Any store or effect failure the user should see.
    Error(String),
    /// Informational status-bar message.
    Info(String),
}

/// A list with a closed tail, as the store answers [`crate::app::Effect::LoadList`].
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Every open item (the view and the snoozed are left out by the app, which keeps
    /// counting the hidden ones in the header).
    pub open: Vec<ItemRow>,
    /// The closed ids the filter keeps, newest first; merged: every id the filter keeps.
    pub tail: Vec<ItemId>,
    pub merged: bool,
    /// Rows of `tail[window]`.
    pub window: Vec<ItemRow>,
    pub covered: std::ops::Range<usize>,
    /// What was listed; when the tail came in part, the row its next page reads after.
    pub spec: super::effect::ListSpec,
    pub next: Option<ItemId>,
}

/// A page of a tail that came in part ([`crate::app::Effect::LoadTail`]).
#[derive(Debug, Clone)]
pub struct TailPage {
    pub spec: super::effect::ListSpec,
    /// The row the page read after.
    pub after: ItemId,
    /// What the list keeps of the rows read.
    pub ids: Vec<ItemId>,
    /// The last row read, when pages are left after this one.
    pub next: Option<ItemId>,
}

impl Loaded {
    /// The open rows, and the tail as the list keeps it.
    pub fn split(self) -> (Vec<ItemRow>, super::list::Tail) {
        let tail = super::list::Tail {
            ids: self.tail,
            merged: self.merged,
            window: self.window,
            covered: self.covered,
            spec: self.spec,
            next: self.next,
        };
        (self.open, tail)
    }
}

/// What the mouse did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Click,
    WheelUp,
    WheelDown,
}
