//! The store side of the windowed inbox list (`crate::app::list`): a list with its closed
//! tail by id, the rows of a window, and a search of the tail. The effect runner queues
//! these on the store actor; the bench calls them directly, so it measures what the app
//! does.
//!
//! Open items come whole and unfiltered: the app filters them itself, because the header
//! counts the running clocks a view hides. The closed tail is filtered by the store.

use crate::app::effect::ListSpec;
use crate::app::msg::Loaded;
use crate::model::{ItemId, ItemRow, RowBuilder, Status};
use crate::store::{ItemQuery, StoreBackend, StoreResult};

/// Statuses of the closed tail: the ones [`Status::is_open`] leaves out.
const CLOSED: [Status; 3] = [Status::Replied, Status::Done, Status::Ignored];

/// The query of the tail: closed items (merged: every item) the filter keeps.
fn tail_query(spec: &ListSpec, search: Option<&str>) -> ItemQuery {
    ItemQuery {
        statuses: if spec.merged {
            Vec::new()
        } else {
            CLOSED.to_vec()
        },
        all: spec.merged,
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
    let open = s.list_rows(&ItemQuery::default(), rows)?;
    let tail = s.list_ids(&tail_query(spec, None))?;
    let covered = spec.window.start.min(tail.len())..spec.window.end.min(tail.len());
    let window = load_rows(s, &tail[covered.clone()])?;
    Ok(Loaded {
        open,
        tail,
        merged: spec.merged,
        window,
        covered,
    })
}

/// Rows of the window on screen. A builder of their own (the list's keeps the strings of
/// the rows it built until the next list: the windows scrolled past would pile up there).
pub fn load_rows(s: &mut dyn StoreBackend, ids: &[ItemId]) -> StoreResult<Vec<ItemRow>> {
    s.rows_by_ids(ids, &mut RowBuilder::default())
}

/// The tail's items a search matches, in the list's order.
pub fn search_tail(
    s: &mut dyn StoreBackend,
    spec: &ListSpec,
    query: &str,
) -> StoreResult<Vec<ItemId>> {
    s.list_ids(&tail_query(spec, Some(query)))
}
