//! [`ItemRow`]: what the inbox list keeps of each item it shows.
//!
//! The list holds every shown item: 100,000 of them once done and ignored items are shown.
//! An [`Item`] is 392 bytes and eight heap strings; a row keeps only what the list, its
//! filters, search, urgency order, timers and the composer read, in about half the memory:
//! the account shared between rows, and the author, text and link in one allocation. The
//! whole item (remote id, thread, history) is loaded from the store for the item on screen
//! (`Effect::LoadDetail`), and the effect runner loads it again for anything sent out.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;

use super::{Author, ChannelKind, Item, ItemId, Kind, Priority, Status, TimerTarget, Visibility};

/// One item as the inbox list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: ItemId,
    /// Shared by every row of the account ([`RowBuilder`]).
    pub account: Arc<str>,
    pub channel: ChannelKind,
    pub kind: Kind,
    pub status: Status,
    pub priority: Priority,
    /// For the composer's title: a reply never widens the audience.
    pub visibility: Visibility,
    pub timer_target: TimerTarget,
    pub read: bool,
    pub has_draft: bool,
    pub created_at: Timestamp,
    pub waiting_since: Option<Timestamp>,
    pub paused_secs: i64,
    pub paused_since: Option<Timestamp>,
    pub tags: Box<[String]>,
    /// Shared between rows like the account (assignees are a few names).
    pub assignee: Option<Arc<str>>,
    /// The author's handle and name, the text and the link, one after the other.
    strings: Box<str>,
    /// Where the handle, the name and the text end in `strings`.
    ends: [u32; 3],
    /// The item has a link (it may be empty).
    has_url: bool,
}

impl ItemRow {
    /// A row sharing its account and assignee strings through `shared`.
    pub fn new(item: &Item, shared: &mut RowBuilder) -> ItemRow {
        let mut strings = String::with_capacity(
            item.author.handle.len()
                + item.author.name.len()
                + item.text.len()
                + item.url.as_deref().map_or(0, str::len),
        );
        let mut ends = [0u32; 3];
        for (end, s) in ends
            .iter_mut()
            .zip([&item.author.handle, &item.author.name, &item.text])
        {
            strings.push_str(s);
            // Texts are far below 4 GB; a longer one would only show cut short.
            *end = u32::try_from(strings.len()).unwrap_or(u32::MAX);
        }
        strings.push_str(item.url.as_deref().unwrap_or(""));
        ItemRow {
            id: item.id,
            account: shared.share(&item.account),
            channel: item.channel,
            kind: item.kind,
            status: item.status,
            priority: item.priority,
            visibility: item.visibility,
            timer_target: item.timer_target,
            read: item.read,
            has_draft: item.has_draft,
            created_at: item.created_at,
            waiting_since: item.waiting_since,
            paused_secs: item.paused_secs,
            paused_since: item.paused_since,
            tags: item.tags.clone().into_boxed_slice(),
            assignee: item.assignee.as_deref().map(|a| shared.share(a)),
            strings: strings.into_boxed_str(),
            ends,
            has_url: item.url.is_some(),
        }
    }

    fn part(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(u32::MAX),
        };
        let end = self.ends.get(i).copied().unwrap_or(u32::MAX);
        let (start, end) = (start as usize, (end as usize).min(self.strings.len()));
        self.strings.get(start..end).unwrap_or("")
    }

    /// The author's handle, e.g. `@kim@example.social`.
    pub fn handle(&self) -> &str {
        self.part(0)
    }

    /// The author's display name; may be empty.
    pub fn name(&self) -> &str {
        self.part(1)
    }

    /// The name, or the handle when there is no name.
    pub fn author(&self) -> &str {
        match self.name() {
            "" => self.handle(),
            name => name,
        }
    }

    /// The whole text (search and filters look at all of it).
    pub fn text(&self) -> &str {
        self.part(2)
    }

    pub fn url(&self) -> Option<&str> {
        let start = self.ends[2] as usize;
        self.has_url
            .then(|| self.strings.get(start..).unwrap_or(""))
    }

    /// The row says the same as `item` (a loaded detail is still current).
    pub fn describes(&self, item: &Item) -> bool {
        *self == ItemRow::from(item)
    }
}

impl From<&Item> for ItemRow {
    fn from(item: &Item) -> ItemRow {
        ItemRow::new(item, &mut RowBuilder::default())
    }
}

/// Builds the rows of one list, sharing equal account and assignee strings.
#[derive(Debug, Default)]
pub struct RowBuilder {
    names: HashSet<Arc<str>>,
}

impl RowBuilder {
    pub fn share(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.names.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.names.insert(a.clone());
        a
    }

    pub fn row(&mut self, item: &Item) -> ItemRow {
        ItemRow::new(item, self)
    }
}

/// An [`Item`] refilled from one row after another, to hand rows to code that reads items
/// (response-time policies and timers, templates) without allocating for each row. It has
/// what the row has; the rest (remote id, thread root, first seen) is empty.
#[derive(Debug, Clone)]
pub struct RowItem(Item);

impl Default for RowItem {
    fn default() -> Self {
        RowItem(Item {
            id: ItemId(0),
            account: String::new(),
            channel: ChannelKind::Demo,
            kind: Kind::Mention,
            remote_id: String::new(),
            url: None,
            author: Author::default(),
            text: String::new(),
            created_at: Timestamp::UNIX_EPOCH,
            first_seen_at: Timestamp::UNIX_EPOCH,
            status: Status::New,
            priority: Priority::Normal,
            tags: Vec::new(),
            assignee: None,
            thread_root: String::new(),
            in_reply_to: None,
            visibility: Visibility::Public,
            timer_target: TimerTarget::FirstResponse,
            waiting_since: None,
            paused_secs: 0,
            paused_since: None,
            snoozed_until: None,
            first_response_at: None,
            read: false,
            has_draft: false,
        })
    }
}

fn refill(into: &mut String, from: &str) {
    into.clear();
    into.push_str(from);
}

fn refill_opt(into: &mut Option<String>, from: Option<&str>) {
    match (into.as_mut(), from) {
        (Some(s), Some(f)) => refill(s, f),
        (_, f) => *into = f.map(String::from),
    }
}

impl RowItem {
    /// The item as far as `row` tells it.
    pub fn of(&mut self, row: &ItemRow) -> &Item {
        let i = &mut self.0;
        i.id = row.id;
        refill(&mut i.account, &row.account);
        i.channel = row.channel;
        i.kind = row.kind;
        refill_opt(&mut i.url, row.url());
        refill(&mut i.author.handle, row.handle());
        refill(&mut i.author.name, row.name());
        refill(&mut i.text, row.text());
        i.created_at = row.created_at;
        i.first_seen_at = row.created_at;
        i.status = row.status;
        i.priority = row.priority;
        refill_tags(&mut i.tags, &row.tags);
        refill_opt(&mut i.assignee, row.assignee.as_deref());
        i.visibility = row.visibility;
        i.timer_target = row.timer_target;
        i.waiting_since = row.waiting_since;
        i.paused_secs = row.paused_secs;
        i.paused_since = row.paused_since;
        i.read = row.read;
        i.has_draft = row.has_draft;
        &self.0
    }
}

/// Reuses the strings already there (no allocation while tags stay as short).
fn refill_tags(into: &mut Vec<String>, from: &[String]) {
    into.truncate(from.len());
    let have = into.len();
    for (s, f) in into.iter_mut().zip(from) {
        refill(s, f);
    }
    into.extend(from.iter().skip(have).cloned());
}

#[cfg(test)]
mod tests;
