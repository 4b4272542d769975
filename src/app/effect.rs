//! Effects: what `update` asks the effect runner to do. `update` itself does no I/O.

use std::ops::Range;

use crate::model::{ItemId, Status};

/// What a list with a closed tail is: the store applies the filter to the tail (closed
/// items never breach, so a list with `is:breaching` has no tail), the app to the open rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSpec {
    pub filter: Option<crate::filter::Filter>,
    /// Who `assignee:me` is.
    pub me: String,
    /// Newest first, open and closed interleaved by date: the tail is every id.
    pub merged: bool,
    /// The tail's indexes whose rows come with the list (the window around the screen).
    pub window: Range<usize>,
    /// How many ids of the tail come with the list (`None`: all of them); the rest follow
    /// in pages ([`Effect::LoadTail`]), so a new view of a long history shows at once.
    pub first: Option<usize>,
    /// The app has the open rows (`AppState::open_rows`): the store reads only the tail,
    /// and the open rows afterwards ([`Effect::LoadOpen`]).
    pub reuse_open: bool,
}

impl ListSpec {
    /// Whether two specs list the same items (the window and the paging aside).
    pub fn same_list(&self, other: &ListSpec) -> bool {
        self.filter == other.filter && self.me == other.me && self.merged == other.merged
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Reload the item list from the store, whole rows (answers with `Msg::ItemsLoaded`).
    /// The app asks for open items only this way; a list with closed items is a
    /// [`Effect::LoadList`].
    LoadItems {
        include_closed: bool,
    },
    /// Reload the list with its closed tail by id (answers with `Msg::ListLoaded`).
    LoadList(Box<ListSpec>),
    /// The next page of a tail that came in part, the ids after `after` (answers with
    /// `Msg::TailLoaded`).
    LoadTail {
        spec: Box<ListSpec>,
        after: ItemId,
    },
    /// The open rows afresh, after a list shown with the ones the app had (answers with
    /// `Msg::OpenLoaded`).
    LoadOpen,
    /// Load the rows of the window on screen (answers with `Msg::RowsLoaded`).
    LoadRows(Vec<ItemId>),
    /// Which of these tail items, near where a search starts, it matches (answers with
    /// `Msg::NearMatches`): the next match at once, before the whole tail's answer.
    SearchNear {
        query: String,
        ids: Vec<ItemId>,
    },
    /// Search the closed tail in the store (answers with `Msg::TailMatches`).
    SearchTail {
        query: String,
        /// The list positions of the chunk, and the ids of its tail items.
        range: Range<usize>,
        ids: Vec<ItemId>,
    },
    /// Load an item's thread/history/draft (answers with `Msg::DetailLoaded`).
    LoadDetail(ItemId),
    /// Ask the item's network for the whole conversation (answers with `Msg::ThreadFetched`).
    FetchThread(ItemId),
    /// Change an item's status and record why (then reload).
    SetStatus {
        id: ItemId,
        status: Status,
        why: String,
    },
    /// Undo a status change: back to `status`, keeping the clock the item had.
    RestoreStatus {
        id: ItemId,
        status: Status,
        why: String,
    },
    MarkRead(ItemId),
    MarkUnread(ItemId),
    /// An internal note in the item's history.
    AddNote {
        id: ItemId,
        text: String,
    },
    SetPriority {
        id: ItemId,
        priority: crate::model::Priority,
    },
    SetTags {
        id: ItemId,
        tags: Vec<String>,
    },
    SetAssignee {
        id: ItemId,
        assignee: Option<String>,
    },
    /// Persist the composer text (empty deletes the draft).
    SaveDraft {
        id: ItemId,
        text: String,
    },
    /// Queue a reply in the durable outbox (the worker sends it on the item's thread).
    /// Unless `again`, only if nobody answered the item's latest message meanwhile (the store
    /// decides, atomically); otherwise the text stays a draft and the status bar says who did.
    SendReply {
        id: ItemId,
        text: String,
        again: bool,
    },
    /// Load the outbox for its view (answers with `Msg::OutboxLoaded`).
    LoadOutbox,
    /// "I am replying to this" for teammates (answers with `Msg::Claimed`).
    Claim(ItemId),
    /// The composer closed: the claim ends.
    ReleaseClaim(ItemId),
    /// Who is replying to what (answers with `Msg::ClaimsLoaded`).
    LoadClaims,
    /// The traffic cop: what happened in the conversation since the composer opened
    /// (answers with `Msg::Activity`).
    CheckActivity {
        id: ItemId,
        since: jiff::Timestamp,
    },
    /// Send a failed outbox entry again, with new text if edited.
    Resend {
        entry: i64,
        text: Option<String>,
    },
    /// Suspend the screen and edit the composer text in `$VISUAL`/`$EDITOR`
    /// (answers with `Msg::EditorDone`).
    OpenEditor {
        text: String,
    },
    /// Take the item offline (a follow-up with a case number).
    CreateFollowUp {
        id: ItemId,
        input: crate::model::FollowUpInput,
    },
    /// Snooze the item until a time (its clock pauses; it comes back by itself).
    Snooze {
        id: ItemId,
        until: jiff::Timestamp,
    },
    /// Load items and follow-ups of the last `since_s` seconds for the stats view
    /// (answers with `Msg::ReportData`).
    LoadReport {
        since_s: i64,
    },
    /// Load open follow-ups (answers with `Msg::FollowUpsLoaded`).
    LoadFollowUps,
    /// Close an item's follow-up.
    ResolveFollowUp {
        id: ItemId,
        outcome: String,
        done: bool,
    },
    /// Tell the user through the terminal (or a command), as configured per event.
    Notify {
        event: crate::notify::Event,
        text: String,
    },
    /// Hide the comment on its network (never delete it); on success it becomes ignored.
    Hide {
        id: ItemId,
    },
    /// Poll every account now.
    SyncNow,
    /// Leave the app (drafts are already saved).
    Quit,
}
