//! Shared helpers for the app's tests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::state::{AccountHealth, AccountView};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::app::{AppState, Effect, Msg};
use crate::channels::{Capabilities, LengthUnit};
use crate::model::{ChannelKind, Item, ItemDetail, ItemRow, RowItem};
use crate::sla;
use crate::testing::{item, t0};

/// `update` in UTC: the tests' wall-clock texts and dates do not depend on the machine.
pub fn update(state: &mut AppState, msg: Msg, now: Timestamp) -> Vec<Effect> {
    crate::app::update(state, msg, now, &TimeZone::UTC)
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// State with items aged 10s, 20m, 2h, 30m (ids 1..=4), loaded at t0.
pub fn loaded() -> AppState {
    let mut s = AppState::new(sla::Policies::default(), true, "me".into());
    s.accounts.insert(
        "demo".into(),
        AccountView {
            channel: ChannelKind::Demo,
            capabilities: Capabilities {
                can_reply: true,
                can_dm: true,
                max_len: Some(20),
                length_unit: LengthUnit::Chars,
            },
            health: AccountHealth::Idle,
            usage: None,
        },
    );
    let items = vec![
        item(1, t0(), 10),
        item(2, t0(), 20 * 60),
        item(3, t0(), 2 * 3600),
        item(4, t0(), 30 * 60),
    ];
    update(&mut s, Msg::ItemsLoaded(rows(items)), t0());
    s
}

pub fn ids(s: &AppState) -> Vec<i64> {
    s.items.iter().map(|i| i.id.0).collect()
}

/// The inbox's rows of `items`, as the store's `list_rows` answers.
pub fn rows(items: impl IntoIterator<Item = Item>) -> Vec<ItemRow> {
    items.into_iter().map(|i| ItemRow::from(&i)).collect()
}

/// The whole item behind a row of [`crate::testing::item`]s, as the store loads it.
pub fn whole(row: &ItemRow) -> Item {
    let mut item = RowItem::default().of(row).clone();
    item.remote_id = format!("r{}", row.id);
    item.thread_root = item.remote_id.clone();
    item
}

pub fn detail(s: &AppState, draft: Option<&str>) -> Msg {
    let item = whole(s.selected_item().expect("selected"));
    Msg::DetailLoaded(Box::new(ItemDetail {
        item,
        thread: vec![],
        history: vec![],
        draft: draft.map(String::from),
        follow_up: None,
    }))
}
