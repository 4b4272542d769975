//! [`ItemRow`]: what the inbox list keeps of each item it shows.
//!
//! The list holds every shown item: 100,000 of them once done and ignored items are shown.
//! An [`Item`] is 392 bytes and eight heap strings; a row keeps only what the list, its
//! filters, search, urgency order, timers and the composer read, in 96 bytes and one shared
//! string (the author, text, link, account and assignee, one after the other). A reload
//! shares that string with the previous list's row when it did not change ([`RowBuilder`]),
//! so the old and the new list on screen together do not hold every text twice. The whole
//! item (remote id, thread, history) is loaded from the store for the item on screen
//! (`Effect::LoadDetail`), and the effect runner loads it again for anything sent out.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use jiff::Timestamp;

use super::{Author, ChannelKind, Item, ItemId, Kind, Priority, Status, TimerTarget, Visibility};

/// A time as whole seconds, as the store keeps it; `NONE` for no time.
type Secs = i64;
const NONE: Secs = i64::MIN;

fn secs(t: Option<Timestamp>) -> Secs {
    t.map_or(NONE, |t| t.as_second())
}

fn time(s: Secs) -> Option<Timestamp> {
    (s != NONE).then(|| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH))
}

/// The parts of a row's string, in order.
const HANDLE: usize = 0;
const NAME: usize = 1;
const TEXT: usize = 2;
const URL: usize = 3;
const ACCOUNT: usize = 4;
const ASSIGNEE: usize = 5;

/// One item as the inbox list shows it. Times are whole seconds, as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: ItemId,
    created_at: Secs,
    waiting_since: Secs,
    paused_since: Secs,
    pub paused_secs: i64,
    /// The author's handle and name, the text, the link, the account and the assignee.
    strings: Arc<str>,
    /// Where each part but the last ends in `strings`.
    ends: [u32; ASSIGNEE],
    /// Most items have no tags: then no allocation, and 8 bytes where a `Vec` takes 24.
    #[allow(clippy::box_collection)]
    tags: Option<Box<Vec<String>>>,
    pub channel: ChannelKind,
    pub kind: Kind,
    pub status: Status,
    pub priority: Priority,
    /// For the composer's title: a reply never widens the audience.
    pub visibility: Visibility,
    pub timer_target: TimerTarget,
    pub read: bool,
    pub has_draft: bool,
    has_url: bool,
    has_assignee: bool,
}

impl ItemRow {
    /// A row sharing its string with the previous list's row through `shared`.
    pub fn new(item: &Item, shared: &mut RowBuilder) -> ItemRow {
        let (strings, ends) = shared.strings(item);
        ItemRow {
            id: item.id,
            created_at: item.created_at.as_second(),
            waiting_since: secs(item.waiting_since),
            paused_since: secs(item.paused_since),
            paused_secs: item.paused_secs,
            strings,
            ends,
            tags: (!item.tags.is_empty()).then(|| Box::new(item.tags.clone())),
            channel: item.channel,
            kind: item.kind,
            status: item.status,
            priority: item.priority,
            visibility: item.visibility,
            timer_target: item.timer_target,
            read: item.read,
            has_draft: item.has_draft,
            has_url: item.url.is_some(),
            has_assignee: item.assignee.is_some(),
        }
    }

    fn part(&self, i: usize) -> &str {
        let end_of = |i: usize| self.ends.get(i).map_or(self.strings.len(), |e| *e as usize);
        let start = if i == 0 { 0 } else { end_of(i - 1) };
        self.strings
            .get(start..end_of(i).min(self.strings.len()))
            .unwrap_or("")
    }

    /// The author's handle, e.g. `@kim@example.social`.
    pub fn handle(&self) -> &str {
        self.part(HANDLE)
    }

    /// The author's display name; may be empty.
    pub fn name(&self) -> &str {
        self.part(NAME)
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
        self.part(TEXT)
    }

    pub fn url(&self) -> Option<&str> {
        self.has_url.then(|| self.part(URL))
    }

    pub fn account(&self) -> &str {
        self.part(ACCOUNT)
    }

    pub fn assignee(&self) -> Option<&str> {
        self.has_assignee.then(|| self.part(ASSIGNEE))
    }

    pub fn tags(&self) -> &[String] {
        self.tags.as_deref().map_or(&[], |t| t.as_slice())
    }

    pub fn created_at(&self) -> Timestamp {
        time(self.created_at).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    pub fn waiting_since(&self) -> Option<Timestamp> {
        time(self.waiting_since)
    }

    pub fn paused_since(&self) -> Option<Timestamp> {
        time(self.paused_since)
    }

    /// Both rows hold the same copy of the author, text and link (a reload shared it).
    pub fn shares_text_with(&self, other: &ItemRow) -> bool {
        Arc::ptr_eq(&self.strings, &other.strings)
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

/// Builds the rows of a list, sharing each item's string with the previous list's row of the
/// item when it is the same: a reload of 100,000 rows then costs new rows of 96 bytes, not a
/// second copy of every text.
#[derive(Debug, Default)]
pub struct RowBuilder {
    /// The string of each item built, with the list that last used it.
    strings: HashMap<ItemId, (Arc<str>, u32)>,
    /// The list being built.
    list: u32,
    buf: String,
}

impl RowBuilder {
    fn strings(&mut self, item: &Item) -> (Arc<str>, [u32; ASSIGNEE]) {
        self.buf.clear();
        let mut ends = [0u32; ASSIGNEE];
        let parts = [
            item.author.handle.as_str(),
            &item.author.name,
            &item.text,
            item.url.as_deref().unwrap_or(""),
            &item.account,
        ];
        for (end, s) in ends.iter_mut().zip(parts) {
            self.buf.push_str(s);
            // Texts are far below 4 GB; a longer one would only show cut short.
            *end = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        }
        self.buf.push_str(item.assignee.as_deref().unwrap_or(""));
        let list = self.list;
        let strings = match self.strings.entry(item.id) {
            Entry::Occupied(mut e) if *e.get().0 == *self.buf => {
                e.get_mut().1 = list;
                e.get().0.clone()
            }
            e => {
                let s: Arc<str> = Arc::from(self.buf.as_str());
                match e {
                    Entry::Occupied(mut o) => *o.get_mut() = (s.clone(), list),
                    Entry::Vacant(v) => {
                        v.insert((s.clone(), list));
                    }
                }
                s
            }
        };
        (strings, ends)
    }

    /// The list is complete: forget the strings of items it did not have, and start the next.
    pub fn finish(&mut self) {
        let list = self.list;
        self.strings.retain(|_, (_, l)| *l == list);
        // Back from 100,000 rows to the open few: the room for the many is not kept.
        if self.strings.len() < self.strings.capacity() / 4 {
            self.strings.shrink_to_fit();
        }
        self.list = list.wrapping_add(1);
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
        refill(&mut i.account, row.account());
        i.channel = row.channel;
        i.kind = row.kind;
        refill_opt(&mut i.url, row.url());
        refill(&mut i.author.handle, row.handle());
        refill(&mut i.author.name, row.name());
        refill(&mut i.text, row.text());
        i.created_at = row.created_at();
        i.first_seen_at = i.created_at;
        i.status = row.status;
        i.priority = row.priority;
        refill_tags(&mut i.tags, row.tags());
        refill_opt(&mut i.assignee, row.assignee());
        i.visibility = row.visibility;
        i.timer_target = row.timer_target;
        i.waiting_since = row.waiting_since();
        i.paused_secs = row.paused_secs;
        i.paused_since = row.paused_since();
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
