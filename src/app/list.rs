//! The inbox list as a window: open items whole in memory, closed items by id.
//!
//! Open items (what needs a human) are a small set even with years of history: they stay
//! whole rows (`rows`), sorted by urgency or newest, and timers, notices and the header
//! counts read them. Closed items (shown with `c`, or a filter on closed statuses) can be a
//! million: the list keeps only their ids (`tail`, 8 bytes each, newest first, as the store's
//! `list_ids` gives them) and whole rows only for the window around what is on screen
//! (`loaded`), which the effect runner fills with `rows_by_ids`. A position whose row is not
//! loaded yet has no row ([`List::get`] is `None`): the screen draws a dim placeholder.
//!
//! Two layouts. By urgency, the closed tail comes after the open rows (closed items have no
//! clock to be urgent by). By newest with closed items shown, the list is merged: `tail`
//! holds every id in the store's newest-first order (open and closed interleaved by date,
//! the honest newest-first order) and the open rows are found by id among them.
//!
//! Positions are what the keys move over; ids are what marks, bulk actions, searches and
//! resuming keep.

use std::collections::HashMap;
use std::ops::Range;

use super::effect::ListSpec;
use crate::model::{ItemId, ItemRow};

/// Rows loaded on each side of the screen: moves within it need no load; a load is asked
/// for when the screen comes within half of it of the loaded edge.
pub const MARGIN: usize = 100;

/// The closed tail of a list load, by id ([`super::msg::Loaded`]).
pub struct Tail {
    pub ids: Vec<ItemId>,
    pub merged: bool,
    pub window: Vec<ItemRow>,
    /// Tail indexes of `window`.
    pub covered: Range<usize>,
    /// What was listed; while pages are to come, the row its next page reads after.
    pub spec: ListSpec,
    pub next: Option<ItemId>,
}

/// Rows of the tail read at a time when a list changes (a view, a filter, `c`), until what
/// the filter keeps fills the screen and its margin (or a [`PAGE`] was read); the rest
/// follow in pages of [`PAGE`] rows read, so the new list is on screen before a long
/// history is read, whatever the filter finds.
pub const FIRST: usize = 500;

/// Rows read per page of a tail that follows its first part: short store jobs, so a key
/// pressed meanwhile waits for one page at most.
pub const PAGE: usize = 10_000;

#[derive(Debug, Clone, Default)]
pub struct List {
    /// Whole rows: the open items (or every row, for a list given whole), in display
    /// order unless `merged`.
    rows: Vec<ItemRow>,
    /// Closed ids after `rows` (newest first); when `merged`, every id in display order.
    tail: Vec<ItemId>,
    merged: bool,
    /// Where each whole row is in `rows`, by id.
    whole: HashMap<ItemId, usize>,
    /// Rows of the window around the screen, by id.
    loaded: HashMap<ItemId, ItemRow>,
    /// The positions whose rows were last asked for (loaded, or on their way).
    covered: Range<usize>,
    /// The largest id listed (the id column's width).
    max_id: i64,
    /// What the tail lists (`None`: no tail), and the row its next page reads after while
    /// pages are still to come.
    spec: Option<Box<ListSpec>>,
    next: Option<ItemId>,
    /// `G` was pressed before the tail was whole: the end moves as pages arrive.
    pub want_end: bool,
}

impl List {
    /// A list of whole rows only (no tail).
    pub fn whole(rows: Vec<ItemRow>) -> List {
        List::windowed(rows, Vec::new(), false, Vec::new(), 0..0)
    }

    /// Open rows (display order unless the tail is merged) and a tail as the store gave
    /// it; `at`: the first tail position.
    pub fn with_tail(rows: Vec<ItemRow>, t: Tail) -> List {
        let at = if t.merged { 0 } else { rows.len() };
        let covered = t.covered.start + at..t.covered.end + at;
        let mut list = List::windowed(rows, t.ids, t.merged, t.window, covered);
        list.spec = Some(Box::new(t.spec));
        list.next = t.next;
        list
    }

    /// The tail as the list has it (ids, the window's rows, the pages to come), for open
    /// rows to be replaced under it; `None` without a tail.
    pub fn into_tail(self) -> Option<Tail> {
        let at = self.tail_start();
        let spec = *self.spec?;
        Some(Tail {
            covered: self.covered.start.saturating_sub(at)..self.covered.end.saturating_sub(at),
            window: self.loaded.into_values().collect(),
            ids: self.tail,
            merged: self.merged,
            spec,
            next: self.next,
        })
    }

    /// What the tail lists, when the list has one.
    pub fn spec(&self) -> Option<&ListSpec> {
        self.spec.as_deref()
    }

    /// Pages of the tail are still to come (the length is what has come so far).
    pub fn pending(&self) -> bool {
        self.next.is_some()
    }

    /// The page to ask for next: the list's spec and the row it reads after.
    pub fn next_page(&self) -> Option<(Box<ListSpec>, ItemId)> {
        Some((self.spec.clone()?, self.next?))
    }

    /// A page of the tail arrived: it joins the list when it follows what the list has
    /// (the same spec, after the row asked for); a page of a list since replaced is dropped.
    pub fn extend_tail(
        &mut self,
        spec: &ListSpec,
        after: ItemId,
        ids: Vec<ItemId>,
        next: Option<ItemId>,
    ) -> bool {
        let follows =
            self.next == Some(after) && self.spec.as_deref().is_some_and(|s| s.same_list(spec));
        if !follows {
            return false;
        }
        if let Some(&m) = ids.iter().max() {
            self.max_id = self.max_id.max(m.0);
        }
        self.tail.extend(ids);
        self.next = next;
        true
    }

    /// Open rows (display order unless `merged`), the tail, and rows already loaded for
    /// the positions `covered`.
    pub fn windowed(
        rows: Vec<ItemRow>,
        tail: Vec<ItemId>,
        merged: bool,
        window: Vec<ItemRow>,
        covered: Range<usize>,
    ) -> List {
        let whole = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let max_id = rows.iter().map(|r| r.id).chain(tail.iter().copied()).max();
        List {
            max_id: max_id.map_or(0, |id| id.0),
            rows,
            tail,
            merged,
            whole,
            loaded: window.into_iter().map(|r| (r.id, r)).collect(),
            covered,
            spec: None,
            next: None,
            want_end: false,
        }
    }

    pub fn len(&self) -> usize {
        if self.merged {
            self.tail.len()
        } else {
            self.rows.len() + self.tail.len()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole rows (the open items): what timers, notices and header counts read.
    pub fn rows(&self) -> &[ItemRow] {
        &self.rows
    }

    pub fn max_id(&self) -> i64 {
        self.max_id
    }

    /// Whether the list has ids without whole rows (a closed tail).
    pub fn has_tail(&self) -> bool {
        !self.tail.is_empty()
    }

    pub fn is_merged(&self) -> bool {
        self.merged
    }

    /// The first tail position (merged: 0, the tail is the whole order).
    pub fn tail_start(&self) -> usize {
        if self.merged { 0 } else { self.rows.len() }
    }

    /// The id at a position.
    pub fn id_at(&self, i: usize) -> Option<ItemId> {
        if self.merged {
            return self.tail.get(i).copied();
        }
        match self.rows.get(i) {
            Some(r) => Some(r.id),
            None => self.tail.get(i - self.rows.len()).copied(),
        }
    }

    /// The row at a position, when it is in memory (always for open rows).
    pub fn get(&self, i: usize) -> Option<&ItemRow> {
        if !self.merged && i < self.rows.len() {
            return self.rows.get(i);
        }
        let id = self.id_at(i)?;
        self.by_id(id)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut ItemRow> {
        if !self.merged && i < self.rows.len() {
            return self.rows.get_mut(i);
        }
        let id = self.id_at(i)?;
        self.find_mut(id)
    }

    /// An item's row, when it is in memory.
    pub fn by_id(&self, id: ItemId) -> Option<&ItemRow> {
        let whole = self.whole.get(&id).and_then(|&k| self.rows.get(k));
        whole.or_else(|| self.loaded.get(&id))
    }

    pub fn find_mut(&mut self, id: ItemId) -> Option<&mut ItemRow> {
        match self.whole.get(&id).copied() {
            Some(k) => self.rows.get_mut(k),
            None => self.loaded.get_mut(&id),
        }
    }

    /// Where an item is in the list.
    pub fn position(&self, id: ItemId) -> Option<usize> {
        if self.merged {
            return self.tail.iter().position(|&t| t == id);
        }
        match self.whole.get(&id) {
            Some(&i) => Some(i),
            None => Some(self.rows.len() + self.tail.iter().position(|&t| t == id)?),
        }
    }

    /// Every id, in display order (marks all with `V`: ids are enough).
    pub fn ids(&self) -> impl Iterator<Item = ItemId> + '_ {
        (0..self.len()).filter_map(|i| self.id_at(i))
    }

    /// The rows in memory, in display order (the whole list when it has no tail).
    pub fn iter(&self) -> impl Iterator<Item = &ItemRow> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Positions `start..start + n` with their rows, `None` where not loaded yet.
    pub fn range(&self, start: usize, n: usize) -> impl Iterator<Item = (usize, Option<&ItemRow>)> {
        let end = start.saturating_add(n).min(self.len());
        (start.min(end)..end).map(|i| (i, self.get(i)))
    }

    /// Whether the position is a tail position without a whole row.
    pub fn is_windowed(&self, i: usize) -> bool {
        if self.merged {
            self.tail
                .get(i)
                .is_some_and(|id| !self.whole.contains_key(id))
        } else {
            i >= self.rows.len() && i < self.len()
        }
    }

    /// The window to load for the screen `visible` (positions), if its rows are not loaded
    /// or asked for yet, or the screen came near the edge of what is: the positions to
    /// cover and the ids (of tail positions without whole rows) to load. Remembers it as
    /// asked for.
    pub fn want(&mut self, visible: Range<usize>) -> Option<(Range<usize>, Vec<ItemId>)> {
        let len = self.len();
        let tail = self.tail_start()..len;
        let need = visible.start.max(tail.start)..visible.end.min(tail.end);
        if need.is_empty() || self.tail.is_empty() {
            return None;
        }
        let c = &self.covered;
        let half = MARGIN / 2;
        let inside = need.start >= c.start && need.end <= c.end;
        let near_start = c.start > tail.start && need.start < c.start + half;
        let near_end = c.end < len && need.end + half > c.end;
        if inside && !near_start && !near_end {
            return None;
        }
        let from = visible.start.saturating_sub(MARGIN).max(tail.start);
        let to = visible.end.saturating_add(MARGIN).min(len);
        self.covered = from..to;
        let ids = (from..to)
            .filter(|&i| self.is_windowed(i))
            .filter_map(|i| self.id_at(i))
            .collect();
        Some((from..to, ids))
    }

    /// Rows of the window arrived: they replace the window before (which is off screen).
    pub fn set_window(&mut self, rows: Vec<ItemRow>) {
        self.loaded = rows.into_iter().map(|r| (r.id, r)).collect();
    }

    /// The whole rows, for a list sorted again in memory (one without a tail).
    pub fn into_rows(self) -> Vec<ItemRow> {
        self.rows
    }

    /// Sort the whole rows (not merged: the tail keeps the store's order).
    pub fn sort_rows(&mut self, f: impl FnOnce(&mut [ItemRow])) {
        f(&mut self.rows);
        self.whole = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
    }
}

/// Tests index the list as they indexed the vector of rows; a position out of the window is
/// a bug in the test.
impl std::ops::Index<usize> for List {
    type Output = ItemRow;
    fn index(&self, i: usize) -> &ItemRow {
        match self.get(i) {
            Some(r) => r,
            None => panic!("no row in memory at position {i}"),
        }
    }
}

impl std::ops::IndexMut<usize> for List {
    fn index_mut(&mut self, i: usize) -> &mut ItemRow {
        match self.get_mut(i) {
            Some(r) => r,
            None => panic!("no row in memory at position {i}"),
        }
    }
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
