//! Team coordination (leases, claims, notifications).
//!
//! Liveness is one heartbeat per running instance: a background thread with its own
//! connection renews `instances.heartbeat_at` every third of the lease and LISTENs for the
//! other instances' changes. An instance whose heartbeat is older than the lease is dead: its
//! account leases can be taken, its claims no longer show, its half-sent replies are retried
//! (with their idempotency keys) by another instance. Times are the instances' clocks (unix
//! seconds), so responders' machines should keep time (NTP); the lease tolerates small skew.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use postgres::fallible_iterator::FallibleIterator;

use super::{PgOptions, PgStore, db};
use crate::model::ItemId;
use crate::store::{Claim, LeaseState, StoreEvent, StoreResult, TeamStore};

/// Subscribers to the other instances' changes.
pub(super) type Subscribers = Arc<Mutex<Vec<mpsc::Sender<StoreEvent>>>>;

/// The heartbeat-and-listen thread of one instance; it stops when the store is dropped.
pub(super) struct Background {
    pub(super) stop: Arc<AtomicBool>,
    pub(super) subscribers: Subscribers,
}

impl Background {
    /// Start renewing `instance`'s heartbeat and listening for changes (own connection).
    pub(super) fn start(opts: &PgOptions, instance: i64, own_pid: i32) -> StoreResult<Background> {
        let mut client = PgStore::connect(opts)?;
        client.batch_execute("LISTEN tinbox").map_err(db)?;
        let mut skew = measure_skew(&mut client)?;
        let stop = Arc::new(AtomicBool::new(false));
        let subscribers: Subscribers = Arc::default();
        let (stop2, subs2, opts2) = (stop.clone(), subscribers.clone(), opts.clone());
        let every = Duration::from_secs((opts.lease_secs / 3).max(1).unsigned_abs());
        // Notifications carry the backend pid of the connection that made the change.
        let own = format!(":{own_pid}");
        std::thread::Builder::new()
            .name("tinbox-team".into())
            .spawn(move || {
                let mut next_beat = Instant::now();
                while !stop2.load(Ordering::Relaxed) {
                    if Instant::now() >= next_beat {
                        // The database went away and came back: a new connection, listening again.
                        if client.is_closed() {
                            match PgStore::connect(&opts2).and_then(|mut c| {
                                c.batch_execute("LISTEN tinbox").map(|_| c).map_err(db)
                            }) {
                                Ok(c) => {
                                    client = c;
                                    skew = measure_skew(&mut client).unwrap_or(skew);
                                    // Whatever happened meanwhile was not heard: reload.
                                    if let Ok(mut subs) = subs2.lock() {
                                        subs.retain(|s| s.send(StoreEvent::Changed).is_ok());
                                    }
                                }
                                Err(e) => tracing::warn!("team store: reconnecting: {e}"),
                            }
                        }
                        let now = Timestamp::now().as_second() + skew;
                        if let Err(e) = client.execute(
                            "UPDATE instances SET heartbeat_at = $2 WHERE id = $1",
                            &[&instance, &now],
                        ) {
                            tracing::warn!("team store heartbeat: {e}");
                        }
                        next_beat = Instant::now() + every;
                    }
                    // Wait for notifications, at most until the stop flag is looked at again.
                    let wait = next_beat
                        .saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(250));
                    let mut events = Vec::new();
                    let mut notes = client.notifications();
                    let mut it = notes.timeout_iter(wait);
                    loop {
                        match it.next() {
                            Ok(Some(n)) => {
                                // Our own changes are not news to us.
                                if n.payload().ends_with(&own) {
                                    continue;
                                }
                                events.push(if n.payload().starts_with("claims") {
                                    StoreEvent::Claims
                                } else {
                                    StoreEvent::Changed
                                });
                            }
                            Ok(None) => break,
                            Err(e) => {
                                tracing::warn!("team store notifications: {e}");
                                std::thread::sleep(wait);
                                break;
                            }
                        }
                    }
                    drop(it);
                    drop(notes);
                    if !events.is_empty()
                        && let Ok(mut subs) = subs2.lock()
                    {
                        for ev in events {
                            subs.retain(|s| s.send(ev.clone()).is_ok());
                        }
                    }
                }
            })
            .map_err(|e| {
                crate::store::StoreError::Db(format!("cannot start the team thread: {e}"))
            })?;
        Ok(Background { stop, subscribers })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Tell the other instances that claims changed (delivered when `tx` commits).
fn notify_claims(tx: &mut postgres::Transaction<'_>) -> StoreResult<()> {
    tx.execute(
        "SELECT pg_notify('tinbox', 'claims:' || pg_backend_pid())",
        &[],
    )
    .map_err(db)?;
    Ok(())
}

/// Who an instance is, for people: "kim on laptop".
fn describe(who: &str, host: &str) -> String {
    format!("{who} on {host}")
}

/// The database's clock minus this machine's, in whole seconds (rounded: on one machine, 0).
pub(super) fn measure_skew(client: &mut postgres::Client) -> StoreResult<i64> {
    let before = Timestamp::now().as_millisecond();
    let db_ms: i64 = client
        .query_one(
            "SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT",
            &[],
        )
        .map_err(db)?
        .try_get(0)
        .map_err(db)?;
    let after = Timestamp::now().as_millisecond();
    let local = before + (after - before) / 2;
    let diff = db_ms - local;
    Ok((diff + diff.signum() * 500) / 1000)
}

impl PgStore {
    /// The database's time for this machine's `now` (see `skew`), in seconds.
    pub(super) fn db_secs(&self, now: Timestamp) -> i64 {
        now.as_second() + self.skew
    }

    /// The liveness condition for an instance id column `col`, at the time in parameter `now`
    /// (the database's time: [`PgStore::db_secs`]).
    fn alive(&self, col: &str, now: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM instances WHERE id = {col} AND heartbeat_at >= {now}::BIGINT - {})",
            self.opts.lease_secs
        )
    }

    fn live_claims(&mut self, item: Option<ItemId>) -> StoreResult<Vec<Claim>> {
        let sql = format!(
            "SELECT item_id, who, since FROM claims c WHERE {} AND ($1::BIGINT IS NULL OR item_id = $1) \
             ORDER BY since, who",
            self.alive("c.instance_id", "$2")
        );
        let now = self.db_secs(Timestamp::now());
        let rows = self
            .client
            .query(&sql, &[&item.map(|i| i.0), &now])
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(Claim {
                    item: ItemId(r.try_get(0).map_err(db)?),
                    who: r.try_get(1).map_err(db)?,
                    since: crate::store::rows::ts(r.try_get(2).map_err(db)?),
                })
            })
            .collect()
    }

    /// Running instances and who polls which account (`tinbox db status`).
    pub fn team_status(&mut self) -> StoreResult<TeamStatus> {
        let now = self.db_secs(Timestamp::now());
        let mut instances = Vec::new();
        for r in self
            .client
            .query(
                "SELECT id, who, host, pid, $1::BIGINT - heartbeat_at FROM instances ORDER BY id",
                &[&now],
            )
            .map_err(db)?
        {
            let age: i64 = r.try_get(4).map_err(db)?;
            instances.push(InstanceInfo {
                id: r.try_get(0).map_err(db)?,
                who: r.try_get(1).map_err(db)?,
                host: r.try_get(2).map_err(db)?,
                pid: r.try_get(3).map_err(db)?,
                heartbeat_age_s: age,
                alive: age <= self.opts.lease_secs,
                this: r.try_get::<_, i64>(0).map_err(db)? == self.instance,
            });
        }
        let mut leases = Vec::new();
        for r in self
            .client
            .query(
                "SELECT account, instance_id FROM leases ORDER BY account",
                &[],
            )
            .map_err(db)?
        {
            leases.push((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?));
        }
        Ok(TeamStatus { instances, leases })
    }

    /// Leave the team cleanly: leases and claims go at once (not after the lease).
    pub(super) fn team_leave(&mut self) {
        let _ = self.client.batch_execute(&format!(
            "DELETE FROM leases WHERE instance_id = {me}; DELETE FROM claims WHERE instance_id = {me}; \
             DELETE FROM instances WHERE id = {me}; SELECT pg_notify('tinbox', 'claims:0')",
            me = self.instance
        ));
    }
}

/// `tinbox db status` for a team store.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TeamStatus {
    pub instances: Vec<InstanceInfo>,
    /// (account, instance id)
    pub leases: Vec<(String, i64)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct InstanceInfo {
    pub id: i64,
    pub who: String,
    pub host: String,
    pub pid: i32,
    pub heartbeat_age_s: i64,
    pub alive: bool,
    /// The instance asking.
    pub this: bool,
}

impl TeamStore for PgStore {
    fn heal(&mut self) {
        if self.client.is_closed() {
            match PgStore::connect(&self.opts) {
                Ok(c) => {
                    tracing::info!("team store: reconnected");
                    self.client = c;
                }
                Err(e) => tracing::warn!("team store: reconnecting: {e}"),
            }
        }
    }

    fn lease_account(&mut self, account: &str, now: Timestamp) -> StoreResult<LeaseState> {
        let sql = format!(
            "INSERT INTO leases (account, instance_id, acquired_at) VALUES ($1, $2, $3) \
             ON CONFLICT (account) DO UPDATE SET instance_id = EXCLUDED.instance_id, \
             acquired_at = CASE WHEN leases.instance_id = EXCLUDED.instance_id \
                           THEN leases.acquired_at ELSE EXCLUDED.acquired_at END \
             WHERE leases.instance_id = EXCLUDED.instance_id OR NOT {} \
             RETURNING instance_id",
            self.alive("leases.instance_id", "$3")
        );
        let took = self
            .client
            .query_opt(&sql, &[&account, &self.instance, &self.db_secs(now)])
            .map_err(db)?;
        if took.is_some() {
            return Ok(LeaseState::Held);
        }
        let holder = self
            .client
            .query_opt(
                "SELECT i.who, i.host FROM leases l JOIN instances i ON i.id = l.instance_id \
                 WHERE l.account = $1",
                &[&account],
            )
            .map_err(db)?;
        Ok(LeaseState::Elsewhere(match holder {
            Some(r) => describe(
                &r.try_get::<_, String>(0).map_err(db)?,
                &r.try_get::<_, String>(1).map_err(db)?,
            ),
            None => "another tinbox".into(),
        }))
    }

    fn claim_item(&mut self, id: ItemId, who: &str, now: Timestamp) -> StoreResult<Vec<Claim>> {
        let mut tx = self.client.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO claims (item_id, who, instance_id, since) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (item_id, who) DO UPDATE SET instance_id = EXCLUDED.instance_id, since = EXCLUDED.since",
            &[&id.0, &who, &self.instance, &now.as_second()],
        )
        .map_err(db)?;
        notify_claims(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(self
            .live_claims(Some(id))?
            .into_iter()
            .filter(|c| c.who != who)
            .collect())
    }

    fn release_claim(&mut self, id: ItemId, who: &str) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        tx.execute(
            "DELETE FROM claims WHERE item_id = $1 AND who = $2 AND instance_id = $3",
            &[&id.0, &who, &self.instance],
        )
        .map_err(db)?;
        notify_claims(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn claims(&mut self) -> StoreResult<Vec<Claim>> {
        self.live_claims(None)
    }

    fn subscribe(&mut self) -> Option<mpsc::Receiver<StoreEvent>> {
        let (tx, rx) = mpsc::channel();
        self.background.subscribers.lock().ok()?.push(tx);
        Some(rx)
    }

    fn shared_templates(&mut self) -> StoreResult<Vec<(String, String)>> {
        let rows = self
            .client
            .query("SELECT name, body FROM templates ORDER BY name", &[])
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?)))
            .collect()
    }

    fn share_template(
        &mut self,
        name: &str,
        body: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        if body.trim().is_empty() {
            self.client
                .execute("DELETE FROM templates WHERE name = $1", &[&name])
                .map_err(db)?;
        } else {
            self.client
                .execute(
                    "INSERT INTO templates (name, body, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (name) DO UPDATE SET body = $2, updated_by = $3, updated_at = $4",
                    &[&name, &body, &who, &now.as_second()],
                )
                .map_err(db)?;
        }
        Ok(())
    }
}
