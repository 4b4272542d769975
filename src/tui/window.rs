//! The store side of the windowed inbox list (`crate::app::list`): a list with its closed
//! tail by id, its pages, and the rows of a window. The effect runner queues
//! these on the store actor; the bench calls them directly, so it measures what the app
//! does.
//!
//! Open items come whole and unfiltered: the app filters them itself, because the header
//! counts the running clocks a view hides. The closed tail is filtered by the store.

use crate::app::effect::ListSpec;
use crate::app::list::PAGE;
use crate::app::msg::{Loaded, TailPage};
use crate::model::{ItemId, ItemRow, RowBuilder, Status};
use crate::store::{ItemQuery, StoreBackend, StoreResult};

/// Statuses of the closed tail: the ones [`Status::is_open`] leaves out.
const CLOSED: [Status; 3] = [Status::Replied, Status::Done, Status::Ignored];

/// The query of the tail: closed items (merged: every item) the filter keeps. Merged, the
/// snoozed are left out unless the filter asks for them, as the app leaves them out of the
/// open rows (pages after the first must not bring them back).
fn tail_query(spec: &ListSpec, search: Option<&str>) -> ItemQuery {
    let snoozed = spec
        .filter
        .as_ref()
        .is_some_and(|f| f.statuses.contains(&Status::Snoozed));
    ItemQuery {
        statuses: if !spec.merged {
            CLOSED.to_vec()
        } else {
            Status::ALL
                .iter()
                .copied()
                .filter(|s| snoozed || *s != Status::Snoozed)
                .collect()
        },
        filter: spec.filter.clone(),
        me: Some(spec.me.clone()),
        search: search.map(str::to_string),
        ..ItemQuery::default()
    }
}

/// The list with its closed tail by id, and the rows of the window the spec asks for.
pub fn load_list(
    s: &mut dyn StoreBackend,
    spec: &ListSpec,
    rows: &mut RowBuilder,
) -> StoreResult<Loaded> {
    let open = match spec.reuse_open {
        true => Vec::new(),
        false => s.list_rows(&ItemQuery::default(), rows)?,
    };
    let mut q = tail_query(spec, None);
    let (tail, next) = match spec.first {
        // Rows are read until the window is full (a filter that keeps few reads more), as
        // many as a page at most: the rest comes in pages after the frame.
        Some(rows) => {
            let (mut tail, mut read) = (Vec::new(), 0);
            loop {
                let page = s.scan_ids(&q, rows)?;
                tail.extend(page.ids);
                read += rows;
                match page.next {
                    Some(next) if tail.len() < spec.window.end && read < PAGE => {
                        q.after = Some(next);
                    }
                    next => break (tail, next),
                }
            }
        }
        None => (s.list_ids(&q)?, None),
    };
    let covered = spec.window.start.min(tail.len())..spec.window.end.min(tail.len());
    let window = load_rows(s, &tail[covered.clone()])?;
    Ok(Loaded {
        open,
        tail,
        merged: spec.merged,
        window,
        covered,
        spec: spec.clone(),
        next,
    })
}

/// The page of the tail after the row `after` ([`crate::app::list::PAGE`] rows read).
pub fn load_page(
    s: &mut dyn StoreBackend,
    spec: &ListSpec,
    after: ItemId,
) -> StoreResult<TailPage> {
    let mut q = tail_query(spec, None);
    q.after = Some(after);
    let page = s.scan_ids(&q, PAGE)?;
    Ok(TailPage {
        spec: spec.clone(),
        after,
        ids: page.ids,
        next: page.next,
    })
}

/// Rows of the window on screen. A builder of their own (the list's keeps the strings of
/// the rows it built until the next list: the windows scrolled past would pile up there).
pub fn load_rows(s: &mut dyn StoreBackend, ids: &[ItemId]) -> StoreResult<Vec<ItemRow>> {
    s.rows_by_ids(ids, &mut RowBuilder::default())
}

#[cfg(test)]
#[path = "window_tests.rs"]
mod tests;
