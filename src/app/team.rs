//! Working one inbox with teammates (a shared store): who is replying to what, changes made
//! by others, and the traffic cop that asks before a reply would cross someone else's.

use super::state::{Level, Mode};
use super::{AppState, Effect};
use crate::model::ItemId;
use crate::store::{Activity, Claim};

/// A teammate's tinbox changed the store: reload the list, the open item and the claims.
pub fn on_store_changed(state: &mut AppState) -> Vec<Effect> {
    // Follow-ups too: the header counts the overdue ones of the whole team.
    let mut fx = vec![
        super::triage::reload(state),
        Effect::LoadClaims,
        Effect::LoadFollowUps,
    ];
    if let Some(id) = state.detail.as_ref().map(|d| d.item.id) {
        fx.push(Effect::LoadDetail(id));
    }
    fx
}

/// Every live claim: keep the teammates' (ours are not news to us).
pub fn on_claims(state: &mut AppState, claims: Vec<Claim>) -> Vec<Effect> {
    let mut by_item: std::collections::BTreeMap<ItemId, Vec<String>> = Default::default();
    for c in claims.into_iter().filter(|c| c.who != state.user) {
        let names = by_item.entry(c.item).or_default();
        if !names.contains(&c.who) {
            names.push(c.who);
        }
    }
    if by_item != state.claims {
        state.claims = by_item;
        state.dirty = true;
    }
    Vec::new()
}

/// Our claim is recorded: warn at once if someone else is already replying.
pub fn on_claimed(state: &mut AppState, id: ItemId, others: Vec<Claim>) -> Vec<Effect> {
    let names: Vec<String> = others
        .into_iter()
        .map(|c| c.who)
        .filter(|w| *w != state.user)
        .collect();
    if !names.is_empty() && matches!(&state.mode, Mode::Composer(c) if c.item == id) {
        state.message = Some((
            Level::Error,
            format!(
                "{} {} replying to #{id} too.",
                crate::sanitize::one_line(&names.join(", ")),
                if names.len() == 1 { "is" } else { "are" }
            ),
        ));
        state.dirty = true;
    }
    Vec::new()
}

/// The traffic cop's answer: ask to send, with a warning when the conversation moved on.
pub fn on_activity(
    state: &mut AppState,
    id: ItemId,
    activity: Result<Vec<Activity>, String>,
) -> Vec<Effect> {
    let Mode::Composer(c) = &mut state.mode else {
        return Vec::new();
    };
    if c.item != id || !c.checking {
        return Vec::new();
    }
    c.checking = false;
    c.confirm = true;
    c.warning = match activity {
        Ok(found) if found.is_empty() => None,
        Ok(found) => Some(summary(&found)),
        Err(e) => {
            state.message = Some((
                Level::Error,
                format!("Could not check the conversation for new activity: {e}"),
            ));
            None
        }
    };
    state.dirty = true;
    Vec::new()
}

/// "kim has replied; a new message from @ana arrived" (each kind of news once).
pub fn summary(found: &[Activity]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for a in found {
        let s = crate::sanitize::one_line(&a.to_string());
        if !parts.contains(&s) {
            parts.push(s);
        }
    }
    let n = parts.len();
    if n > 3 {
        parts.truncate(3);
        parts.push(format!("{} more", n - 3));
    }
    format!("Since you opened this, {}", parts.join("; "))
}
