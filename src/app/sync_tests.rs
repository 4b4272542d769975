use super::*;
use crate::app::Msg;
use crate::app::state::AccountView;
use crate::app::test_support::*;
use crate::channels::poller::{PollerEvent, SyncReport};
use crate::model::{ChannelKind, ItemId};
use crate::testing::t0;

fn account(s: &mut AppState, name: &str, health: AccountHealth) {
    let mut view: AccountView = s.accounts["demo"].clone();
    view.channel = ChannelKind::Mastodon;
    view.health = health;
    s.accounts.insert(name.into(), view);
}

fn synced(account: &str, new: &[i64]) -> Msg {
    Msg::Poller(PollerEvent::Synced {
        account: account.into(),
        report: SyncReport {
            new_items: new.iter().map(|&i| ItemId(i)).collect(),
            ..SyncReport::default()
        },
        at: t0(),
    })
}

fn message(s: &AppState) -> Option<(Level, &str)> {
    s.message.as_ref().map(|(l, m)| (*l, m.as_str()))
}

/// `R` waits for every account polled here, then says what came.
#[test]
fn r_says_what_the_sync_brought_once_every_account_answered() {
    let mut s = loaded();
    account(&mut s, "brand", AccountHealth::Idle);
    account(
        &mut s,
        "team",
        AccountHealth::Elsewhere {
            holder: "kim".into(),
        },
    );
    assert_eq!(update(&mut s, key('R'), t0()), vec![Effect::SyncNow]);
    assert_eq!(message(&s), Some((Level::Info, "Syncing 2 accounts…")));
    update(&mut s, synced("demo", &[7, 8]), t0());
    assert_eq!(
        message(&s),
        Some((Level::Info, "Syncing 2 accounts…")),
        "one account still to answer"
    );
    update(&mut s, synced("brand", &[]), t0());
    assert_eq!(
        message(&s),
        Some((Level::Info, "Synced 2 accounts: 2 new."))
    );
    // A sync nobody asked for says nothing.
    update(&mut s, synced("demo", &[9]), t0());
    assert_eq!(
        message(&s),
        Some((Level::Info, "Synced 2 accounts: 2 new."))
    );
}

/// A failure is named with its account and error.
#[test]
fn r_names_the_account_that_failed() {
    let mut s = loaded();
    account(&mut s, "brand", AccountHealth::Idle);
    update(&mut s, key('R'), t0());
    update(&mut s, synced("demo", &[]), t0());
    let failed = PollerEvent::Failed {
        account: "brand".into(),
        error: "HTTP 503\nfrom the server".into(),
        retry_at: None,
    };
    update(&mut s, Msg::Poller(failed), t0());
    assert_eq!(
        message(&s),
        Some((
            Level::Error,
            "Synced 1 of 2 accounts: nothing new; brand failed: HTTP 503 from the server."
        ))
    );
}
