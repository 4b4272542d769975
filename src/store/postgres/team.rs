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

use super::tx::PgTx;
use super::{PgOptions, PgStore, db};
use crate::model::ItemId;
use crate::store::rows::{Cols, ts};
use crate::store::rules::Transact;
use crate::store::sql::{Sql, args};
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
fn notify_claims(tx: &mut PgTx<'_>) -> StoreResult<()> {
    let sql = "SELECT pg_notify('tinbox', 'claims:' || pg_backend_pid())";
    tx.exec(sql, &[]).map(drop)
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
            "SELECT item_id, who, since FROM claims c WHERE {} AND (?1::BIGINT IS NULL OR item_id = ?1) \
             ORDER BY since, who",
            self.alive("c.instance_id", "?2")
        );
        let now = self.db_secs(Timestamp::now());
        self.sql().rows(&sql, args![item.map(|i| i.0), now], |r| {
            Ok(Claim {
                item: ItemId(r.col(0)?),
                who: r.col(1)?,
                since: ts(r.col(2)?),
            })
        })
    }

    /// Running instances and who polls which account (`tinbox db status`).
    pub fn team_status(&mut self) -> StoreResult<TeamStatus> {
        let now = self.db_secs(Timestamp::now());
        let (me, lease) = (self.instance, self.opts.lease_secs);
        let sql = "SELECT id, who, host, pid, ?1::BIGINT - heartbeat_at FROM instances ORDER BY id";
        let instances = self.sql().rows(sql, args![now], |r| {
            let age: i64 = r.col(4)?;
            Ok(InstanceInfo {
                id: r.col(0)?,
                who: r.col(1)?,
                host: r.col(2)?,
                pid: r.col(3)?,
                heartbeat_age_s: age,
                alive: age <= lease,
                this: r.col::<i64>(0)? == me,
            })
        })?;
        let sql = "SELECT account, instance_id FROM leases ORDER BY account";
        let leases = self.sql().rows(sql, &[], |r| Ok((r.col(0)?, r.col(1)?)))?;
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
            "INSERT INTO leases (account, instance_id, acquired_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (account) DO UPDATE SET instance_id = EXCLUDED.instance_id, \
             acquired_at = CASE WHEN leases.instance_id = EXCLUDED.instance_id \
                           THEN leases.acquired_at ELSE EXCLUDED.acquired_at END \
             WHERE leases.instance_id = EXCLUDED.instance_id OR NOT {} \
             RETURNING instance_id",
            self.alive("leases.instance_id", "?3")
        );
        let args = args![account, self.instance, self.db_secs(now)];
        if self.sql().opt(&sql, args, |_| Ok(()))?.is_some() {
            return Ok(LeaseState::Held);
        }
        let holder = self.sql().opt(
            "SELECT i.who, i.host FROM leases l JOIN instances i ON i.id = l.instance_id \
             WHERE l.account = ?1",
            args![account],
            |r| Ok(describe(&r.col::<String>(0)?, &r.col::<String>(1)?)),
        )?;
        Ok(LeaseState::Elsewhere(
            holder.unwrap_or_else(|| "another tinbox".into()),
        ))
    }

    fn claim_item(&mut self, id: ItemId, who: &str, now: Timestamp) -> StoreResult<Vec<Claim>> {
        let me = self.instance;
        self.write(|t| {
            t.exec(
                "INSERT INTO claims (item_id, who, instance_id, since) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (item_id, who) DO UPDATE SET instance_id = EXCLUDED.instance_id, since = EXCLUDED.since",
                args![id.0, who, me, now.as_second()],
            )?;
            notify_claims(t)
        })?;
        let mut claims = self.live_claims(Some(id))?;
        claims.retain(|c| c.who != who);
        Ok(claims)
    }

    fn release_claim(&mut self, id: ItemId, who: &str) -> StoreResult<()> {
        let me = self.instance;
        self.write(|t| {
            let sql = "DELETE FROM claims WHERE item_id = ?1 AND who = ?2 AND instance_id = ?3";
            t.exec(sql, args![id.0, who, me])?;
            notify_claims(t)
        })
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
        let sql = "SELECT name, body FROM templates ORDER BY name";
        self.sql().rows(sql, &[], |r| Ok((r.col(0)?, r.col(1)?)))
    }

    fn share_template(
        &mut self,
        name: &str,
        body: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        if body.trim().is_empty() {
            let sql = "DELETE FROM templates WHERE name = ?1";
            return self.sql().exec(sql, args![name]).map(drop);
        }
        self.sql()
            .exec(
                "INSERT INTO templates (name, body, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (name) DO UPDATE SET body = ?2, updated_by = ?3, updated_at = ?4",
                args![name, body, who, now.as_second()],
            )
            .map(drop)
    }
}
