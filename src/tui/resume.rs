//! Where the user left off: the selected item, the filter and the order, kept in
//! `<data dir>/resume.json` when the inbox closes and restored when it opens again.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::state::SortOrder;
use crate::model::ItemId;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    #[serde(default)]
    pub item: Option<i64>,
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub newest_first: bool,
}

/// The saved position; anything missing or unreadable means "from the top".
pub fn load(path: &Path) -> Resume {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Save atomically (a crash mid-write leaves the previous file).
pub fn save(path: &Path, state: &AppState) {
    let r = Resume {
        item: state.selected_item().map(|i| i.id.0),
        filter: state.filter.as_ref().map(|v| v.query.clone()),
        newest_first: state.sort == SortOrder::Newest,
    };
    let result = serde_json::to_vec(&r)
        .map_err(std::io::Error::other)
        .and_then(|b| crate::private::write_atomic(path, &b, 0o600));
    if let Err(e) = result {
        tracing::warn!("cannot save the position in {}: {e}", path.display());
    }
}

/// Put the state where it was: the filter and order now, the item once items load.
pub fn apply(state: &mut AppState, r: &Resume) {
    if let Some(q) = &r.filter {
        let named = state.views.iter().find(|v| &v.query == q).cloned();
        state.filter = named.or_else(|| crate::app::filter::View::new("filter", q).ok());
    }
    if r.newest_first {
        state.sort = SortOrder::Newest;
    }
    state.resume = r.item.map(ItemId);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Msg;
    use crate::app::test_support::{loaded, update};
    use crate::testing::{item, t0};

    #[test]
    fn the_inbox_reopens_on_the_same_item_filter_and_order() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("resume.json");
        let mut s = loaded();
        s.filter = crate::app::filter::View::new("filter", "kind:mention").ok();
        s.sort = SortOrder::Newest;
        s.selected = 2;
        let chosen = s.items[2].id;
        save(&path, &s);

        let mut fresh = AppState::new(s.policies.clone(), false, "kim".into());
        apply(&mut fresh, &load(&path));
        assert_eq!(fresh.sort, SortOrder::Newest);
        assert_eq!(
            fresh.filter.as_ref().map(|v| v.query.as_str()),
            Some("kind:mention")
        );
        let items = crate::app::test_support::rows((1..=5).map(|i| item(i, t0(), i * 60)));
        update(&mut fresh, Msg::ItemsLoaded(items), t0());
        assert_eq!(fresh.selected_item().map(|i| i.id), Some(chosen));

        // A damaged file is no position, not an error.
        std::fs::write(&path, "{not json").expect("write");
        assert_eq!(load(&path), Resume::default());
    }
}
