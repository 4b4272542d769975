//! Issue 21's figures on the PostgreSQL store, when `TINBOX_PG_URL` (an admin URL) is set:
//! a fresh database for the bench (dropped at the end), the same items, the same keys.
//! `TINBOX_PG_CA` names the server's CA certificate when the URL does not.

use jiff::Timestamp;
use tinbox::store::StoreBackend;
use tinbox::store::postgres::{PgOptions, PgStore};

use super::window;

/// The admin URL with the CA to trust, when set.
pub fn admin_url() -> Option<String> {
    let url = std::env::var("TINBOX_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())?;
    match std::env::var("TINBOX_PG_CA") {
        Ok(ca) if !url.contains("sslrootcert=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            Some(format!("{url}{sep}sslrootcert={ca}"))
        }
        _ => Some(url),
    }
}

pub fn options(url: &str) -> PgOptions {
    PgOptions {
        url: url.to_string(),
        password: None,
        user: "bench".into(),
        lease_secs: 60,
    }
}

/// A fresh database with the schema; dropped when this is.
struct BenchDb {
    admin: String,
    name: String,
    url: String,
}

impl BenchDb {
    fn create(admin: &str) -> BenchDb {
        let name = format!("tinbox_bench_{:08x}", fastrand::u32(..));
        let mut c = PgStore::connect(&options(admin)).expect("admin connection");
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let mut u = url::Url::parse(admin).expect("TINBOX_PG_URL is a postgres:// URL");
        u.set_path(&format!("/{name}"));
        let db = BenchDb {
            admin: admin.to_string(),
            name,
            url: u.to_string(),
        };
        PgStore::migrate(&options(&db.url)).expect("migrate");
        db
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Ok(mut c) = PgStore::connect(&options(&self.admin)) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

pub fn run(admin: &str, n: usize, now: Timestamp, rss: &dyn Fn(&str) -> (String, String)) {
    let t = window::targets(n);
    let db = BenchDb::create(admin);
    println!("PostgreSQL store (a fresh database):");
    let mut store = PgStore::open(&options(&db.url)).expect("open");
    let (rate, spent) = window::ingest(&mut store, n, now);
    println!(
        "   ingest: {rate:.0} items/s ({n} in {:.1} s, batches of {})   target ≥ {}/s  {}",
        spent.as_secs_f64(),
        window::BATCH,
        t.ingest,
        if rate >= t.ingest { "ok" } else { "MISSED" }
    );
    let mut raw = PgStore::connect(&options(&db.url)).expect("connect");
    raw.batch_execute(&window::close_most_sql(n))
        .expect("close most");
    // Outside a transaction: what a database does after a bulk change by itself, later.
    raw.batch_execute("VACUUM ANALYZE items").expect("analyze");
    drop(store);
    let url = db.url.clone();
    let open =
        move || -> Box<dyn StoreBackend> { Box::new(PgStore::open(&options(&url)).expect("open")) };
    window::keys(&open, n, now, &t);
    let (mb, steps) = rss(&db.url);
    println!(
        "   peak RSS, all {n} listed, with a reload: {mb} MB   target ≤ {} MB",
        t.rss
    );
    println!("   ({steps})");
}
