//! Time-driven parts of `update`: urgency order, and notifications for new items and clocks
//! that cross into warn or breach.

use jiff::Timestamp;

use super::state::SortOrder;
use super::{AppState, Effect};
use crate::model::{Item, ItemId, ItemRow, RowItem};
use crate::sla::{self, TimerState};

/// Where an item goes in the urgency order (smallest first).
type Urgency = (u8, i64, Timestamp, ItemId);

fn urgency(item: &Item, policies: &sla::Policies, now: Timestamp) -> Urgency {
    let t = policies.timer(item, now);
    let (group, left) = match t.state {
        TimerState::Ok | TimerState::Warn | TimerState::Breached => {
            (0, t.left_s(policies.for_item(item)).unwrap_or(0))
        }
        TimerState::Paused => (1, -t.elapsed_s),
        TimerState::None => (2, 0),
    };
    (group, left, item.created_at, item.id)
}

/// Most urgent first: running clocks by time left, then paused, then the rest; ties oldest first.
pub fn sort_items(items: &mut [Item], order: SortOrder, policies: &sla::Policies, now: Timestamp) {
    match order {
        SortOrder::Newest => {
            items.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)))
        }
        SortOrder::Urgency => items.sort_by_cached_key(|i| urgency(i, policies, now)),
    }
}

/// [`sort_items`] for the inbox's rows.
pub fn sort_rows(rows: &mut [ItemRow], order: SortOrder, policies: &sla::Policies, now: Timestamp) {
    match order {
        SortOrder::Newest => {
            rows.sort_by(|a, b| b.created_at().cmp(&a.created_at()).then(b.id.cmp(&a.id)))
        }
        SortOrder::Urgency => {
            let mut item = RowItem::default();
            rows.sort_by_cached_key(|r| urgency(item.of(r), policies, now))
        }
    }
}

/// Notifications for what is new since the last look: new items, and clocks that crossed
/// into warn or breach. The first load is the baseline.
pub fn notices(state: &mut AppState, items: &[ItemRow], now: Timestamp) -> Vec<Effect> {
    use crate::notify::Event;
    let mut fx = Vec::new();
    let open = items.iter().filter(|i| i.status.is_open());
    let mut next = std::collections::HashMap::with_capacity(open.clone().count());
    let mut scratch = RowItem::default();
    for item in open {
        let t = state.policies.timer(scratch.of(item), now).state;
        next.insert(item.id, t);
        let Some(seen) = &state.seen else { continue };
        let who = item.author();
        // Only for what is announced (not for every item on every reload).
        let text = || crate::sanitize::one_line(item.text());
        match (seen.get(&item.id), t) {
            (None, _) if item.kind == crate::model::Kind::Dm => fx.push(Effect::Notify {
                event: Event::Dm,
                text: format!("New DM from {who}: {}", text()),
            }),
            (None, _) => fx.push(Effect::Notify {
                event: Event::Mention,
                text: format!("{who}: {}", text()),
            }),
            (Some(TimerState::Ok), TimerState::Warn) => fx.push(Effect::Notify {
                event: Event::Warn,
                text: format!("#{} from {who} is waiting", item.id),
            }),
            (Some(p), TimerState::Breached) if *p != TimerState::Breached => {
                fx.push(Effect::Notify {
                    event: Event::Breach,
                    text: format!("#{} from {who} breached its response time", item.id),
                })
            }
            _ => {}
        }
    }
    state.seen = Some(next);
    fx
}
