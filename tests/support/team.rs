//! A throw-away database on the test PostgreSQL server (`TINBOX_PG_URL`, an admin URL; see
//! `.ci/postgres`) and sandboxes of responders sharing it. Without the variable, tests skip.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::str::FromStr;

use super::Sandbox;

pub struct TeamDb {
    admin: String,
    pub name: String,
    /// The URL responders use: no password in it (PGPASSWORD), TLS required and verified
    /// against the test server's certificate when `TINBOX_PG_CA` names it.
    pub url: String,
    pub password: String,
}

impl TeamDb {
    /// A fresh database, or `None` (the caller says it is skipped).
    pub fn create() -> Option<TeamDb> {
        let admin = std::env::var("TINBOX_PG_URL")
            .ok()
            .filter(|s| !s.is_empty())?;
        let name = format!("tinbox_e2e_{:016x}", fastrand::u64(..));
        let mut client = admin_client(&admin);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let u = url::Url::parse(&admin).expect("admin url");
        let password = u.password().unwrap_or("").to_string();
        let mut url = format!(
            "postgres://{}@{}:{}/{name}",
            u.username(),
            u.host_str().unwrap_or("127.0.0.1"),
            u.port().unwrap_or(5432)
        );
        match std::env::var("TINBOX_PG_CA")
            .ok()
            .filter(|p| std::path::Path::new(p).exists())
        {
            Some(ca) => url.push_str(&format!("?sslmode=require&sslrootcert={ca}")),
            None => url.push_str("?sslmode=prefer"),
        }
        Some(TeamDb {
            admin,
            name,
            url,
            password,
        })
    }

    /// A responder's sandbox: `user`, this database as the store, account `brand` on the
    /// fake Mastodon server at `instance` (token from a command), polled every second.
    pub fn responder(&self, user: &str, instance: &str) -> Sandbox {
        let sb = Sandbox::new();
        sb.write_config(&format!(
            "user = \"{user}\"\n\
             [store]\nurl = \"{}\"\nlease = \"3s\"\n\n\
             [accounts.brand]\nchannel = \"mastodon\"\ninstance = \"{instance}\"\npoll = \"1s\"\n\
             token_cmd = \"echo {}\"\n",
            self.url,
            super::fake_mastodon::TOKEN
        ));
        sb
    }

    /// `tinbox ARGS` in `sb` with the database password in the environment.
    pub fn cmd(&self, sb: &Sandbox, args: &[&str]) -> Command {
        let mut c = sb.cmd();
        c.env("PGPASSWORD", &self.password).args(args);
        c
    }

    pub fn run(&self, sb: &Sandbox, args: &[&str]) -> std::process::Output {
        self.cmd(sb, args)
            .stdin(Stdio::null())
            .output()
            .expect("run tinbox")
    }

    /// A long-running `tinbox ARGS` with its output in a file (read with [`log`]).
    pub fn spawn(&self, sb: &Sandbox, args: &[&str], log: &std::path::Path) -> Child {
        let out = std::fs::File::create(log).expect("log");
        let err = out.try_clone().expect("log");
        self.cmd(sb, args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn tinbox")
    }

    /// Connection options for the library (the test's own view of the shared store).
    pub fn options(&self, user: &str) -> tinbox::store::postgres::PgOptions {
        tinbox::store::postgres::PgOptions {
            url: self.url.clone(),
            password: Some(self.password.clone()),
            user: user.into(),
            lease_secs: 3,
        }
    }
}

impl Drop for TeamDb {
    fn drop(&mut self) {
        let mut client = admin_client(&self.admin);
        let _ = client.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn admin_client(admin: &str) -> postgres::Client {
    let config = postgres::Config::from_str(admin).expect("admin url");
    config
        .connect(postgres::NoTls)
        .expect("connect to the test server")
}

pub fn log(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Wait (polling, with a deadline) until `cond` holds.
pub fn wait_until(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}
