//! The `tinbox` binary: parse the command line, load config, wire the parts in dependency
//! order (paths → config → logging → theme → store → channels → UI or command).

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use jiff::Timestamp;

use tinbox::channels::poller::PollerConfig;
use tinbox::cli::{Cli, Command};
use tinbox::clock::Clock;
use tinbox::config::{self, Config, Paths};
use tinbox::model::ChannelKind;
use tinbox::secrets::Secrets;
use tinbox::store::sqlite::SqliteStore;
use tinbox::store::{StoreBackend, StoreHandle};
use tinbox::theme::Theme;
use tinbox::tui::{self, AccountSetup, Session};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed pipe (`tinbox list | head`) is not an error worth a message.
            if e.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "tinbox: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    // Generated from the CLI alone: no config, store or secrets involved.
    match &cli.command {
        Some(Command::Completions { shell }) => {
            tinbox::cli::shell::completions(*shell, &mut io::stdout().lock())?;
            return Ok(0);
        }
        Some(Command::Man { dir: None }) => {
            tinbox::cli::shell::man(&mut io::stdout().lock())?;
            return Ok(0);
        }
        Some(Command::Man { dir: Some(dir) }) => {
            let n = tinbox::cli::shell::man_pages(dir)?;
            println!("Wrote {n} manual pages to {}", dir.display());
            return Ok(0);
        }
        _ => {}
    }
    // Before any secret is read: no core dumps, private files.
    let hardening = tinbox::private::harden_process();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let paths = Paths::resolve(cli.config.clone(), cli.data_dir.clone())?;
    if cli.print_paths {
        print!("{}", paths.describe());
        return Ok(0);
    }
    paths.check_config_private()?;
    let config = config::load(&paths)?;
    let notices = secure_data_dir(&paths)?;
    tinbox::logging::init(&paths.log_file);
    for n in hardening.iter().chain(&notices) {
        tracing::warn!("{n}");
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = tinbox::theme::select(&config.theme, no_color, &paths.themes_dir)?;
    let user = config
        .user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "me".into());

    match &cli.command {
        Some(Command::List(args)) => {
            let mut store = tinbox::store::open::open_for_reading(&config, &paths, &user)?;
            tinbox::cli::list::run(
                &mut *store,
                &config.policies(),
                args,
                &mut io::stdout().lock(),
            )?;
            Ok(0)
        }
        Some(Command::Show(args)) => {
            let mut store = open_store(&paths, &config, &user)?;
            tinbox::cli::show::run(
                &mut *store,
                &config.policies(),
                args,
                &mut io::stdout().lock(),
            )?;
            Ok(0)
        }
        Some(Command::Sync(args)) => {
            let secrets = Secrets::load(&paths.secrets_file)?;
            // `sync --once` may run beside the inbox (from cron): it polls, and leaves the
            // outbox to the running one. A continuous sync needs the store to itself.
            // A team store keeps instances apart itself (leases, the outbox's row locks).
            let team = config.store.is_team();
            let lock = tinbox::instance::acquire(&paths.data_dir, "tinbox sync");
            let lock = match lock {
                Ok(l) => Some(l),
                Err(_) if args.once || team => None,
                Err(e) => bail!(e),
            };
            let store = StoreHandle::spawn(open_store(&paths, &config, &user)?);
            let mut out = io::stdout();
            let owns = lock.is_some() || team;
            let run = tinbox::cli::sync::run(&config, &secrets, store, args, owns, &mut out);
            Ok(u8::try_from(runtime()?.block_on(run)?).unwrap_or(1))
        }
        Some(Command::Reply(args)) => {
            let secrets = Secrets::load(&paths.secrets_file)?;
            let store = StoreHandle::spawn(open_store(&paths, &config, &user)?);
            let stdin = io::stdin();
            let interactive = stdin.is_terminal();
            let reply_io = tinbox::cli::reply::Io {
                interactive,
                stdin: &mut stdin.lock(),
                out: &mut io::stdout(),
            };
            let clock: Clock = Arc::new(Timestamp::now);
            let templates_dir = paths.templates_dir();
            let run = tinbox::cli::reply::run(
                &config,
                &secrets,
                store,
                args,
                reply_io,
                clock,
                &templates_dir,
            );
            Ok(u8::try_from(runtime()?.block_on(run)?).unwrap_or(1))
        }
        Some(Command::Hide(args)) => {
            let secrets = Secrets::load(&paths.secrets_file)?;
            let store = StoreHandle::spawn(open_store(&paths, &config, &user)?);
            let stdin = io::stdin();
            let hide_io = tinbox::cli::reply::Io {
                interactive: stdin.is_terminal(),
                stdin: &mut stdin.lock(),
                out: &mut io::stdout(),
            };
            let clock: Clock = Arc::new(Timestamp::now);
            let run = tinbox::cli::hide::run(&config, &secrets, store, args, hide_io, clock, &user);
            Ok(u8::try_from(runtime()?.block_on(run)?).unwrap_or(1))
        }
        Some(Command::FollowUp(args)) => {
            let mut store = open_store(&paths, &config, &user)?;
            tinbox::cli::followup::create(
                &mut *store,
                args,
                &config.case_format,
                &user,
                &mut io::stdout().lock(),
            )?;
            Ok(0)
        }
        Some(Command::FollowUps(args)) => {
            let mut store = open_store(&paths, &config, &user)?;
            tinbox::cli::followup::list(&mut *store, args, &mut io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Watch { json }) => {
            let secrets = Secrets::load(&paths.secrets_file)?;
            let _lock = if config.store.is_team() {
                None
            } else {
                Some(
                    tinbox::instance::acquire(&paths.data_dir, "tinbox watch")
                        .map_err(anyhow::Error::msg)?,
                )
            };
            let store = StoreHandle::spawn(open_store(&paths, &config, &user)?);
            let mut out = io::stdout();
            let run = tinbox::cli::watch::run(&config, &secrets, store, *json, &mut out);
            Ok(u8::try_from(runtime()?.block_on(run)?).unwrap_or(1))
        }
        Some(Command::Status { json }) => {
            let mut store = tinbox::store::open::open_for_reading(&config, &paths, &user)?;
            let code = tinbox::cli::status::run(
                &mut *store,
                &config.policies(),
                *json,
                &mut io::stdout().lock(),
            )?;
            Ok(u8::try_from(code).unwrap_or(3))
        }
        Some(Command::Report(args)) => {
            let mut store = open_store(&paths, &config, &user)?;
            tinbox::cli::report::run(
                &mut *store,
                &config.policies(),
                args,
                &mut io::stdout().lock(),
            )?;
            Ok(0)
        }
        Some(Command::Resolve(args)) => {
            let mut store = open_store(&paths, &config, &user)?;
            tinbox::cli::followup::resolve(&mut *store, args, &user, &mut io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Account(cmd)) => {
            let mut stdin = io::stdin().lock();
            let mut out = io::stdout();
            let run = tinbox::cli::account::run(cmd, &paths, &config, &mut stdin, &mut out);
            runtime()?.block_on(run)?;
            Ok(0)
        }
        Some(Command::Db(cmd)) => {
            tinbox::cli::db::run(cmd, &config, &paths, &user, &mut io::stdout().lock())
        }
        Some(Command::Template(cmd)) => {
            let personal = tinbox::templates::load(&config.templates, &paths.templates_dir())
                .map_err(anyhow::Error::msg)?;
            let mut store = open_store(&paths, &config, &user)?;
            tinbox::cli::template::run(cmd, &personal, &mut *store, &user, &mut io::stdout().lock())
        }
        Some(Command::Completions { .. } | Command::Man { .. }) => Ok(0),
        None => inbox(&cli, &paths, config, theme, user),
    }
}

fn inbox(cli: &Cli, paths: &Paths, config: Config, theme: Theme, user: String) -> Result<u8> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        bail!(
            "the inbox needs a terminal; for scripts use `tinbox list`, `tinbox show` or `tinbox sync`"
        );
    }
    let clock: Clock = Arc::new(Timestamp::now);
    // The demo runs on a throw-away store that is deleted when tinbox exits.
    let demo_dir = if cli.demo {
        Some(
            tempfile::Builder::new()
                .prefix("tinbox-demo-")
                .tempdir()
                .context("cannot create the demo store")?,
        )
    } else {
        None
    };
    let _lock = match &demo_dir {
        // A team store: several inboxes share it by design.
        _ if config.store.is_team() => None,
        Some(_) => None,
        None => Some(
            tinbox::instance::acquire(&paths.data_dir, "the tinbox inbox")
                .map_err(anyhow::Error::msg)?,
        ),
    };
    let mut store: Box<dyn StoreBackend> = match &demo_dir {
        Some(dir) => Box::new(SqliteStore::open(&dir.path().join("demo.db"))?),
        None => open_store(paths, &config, &user)?,
    };
    let accounts = if cli.demo {
        let poll = PollerConfig::every(Duration::from_secs(5));
        let client = tinbox::accounts::open_channel(
            "demo",
            &config::AccountConfig::demo(),
            &Secrets::default(),
            clock.clone(),
        );
        vec![AccountSetup {
            name: "demo".into(),
            channel_kind: ChannelKind::Demo,
            client,
            poll,
        }]
    } else {
        // Refuses to start when the secrets file is readable by others.
        let secrets = Secrets::load(&paths.secrets_file)?;
        if config.accounts.is_empty() {
            bail!(
                "no accounts configured yet.\n  Add one under [accounts.NAME] in {} (see config.example.toml),\n  or try the demo: tinbox --demo",
                paths.config_file.display()
            );
        }
        config
            .accounts
            .iter()
            .map(|(name, acc)| AccountSetup {
                name: name.clone(),
                channel_kind: acc.channel,
                client: tinbox::accounts::open_channel(name, acc, &secrets, clock.clone()),
                poll: PollerConfig::every(Duration::from_secs(acc.poll_s.max(1).unsigned_abs()))
                    .with_backfill(config.backfill_s),
            })
            .collect()
    };
    let templates = tinbox::templates::load(&config.templates, &paths.templates_dir())
        .map_err(anyhow::Error::msg)?;
    // A team store: the templates teammates share come too (yours win on equal names).
    let templates = match store.shared_templates() {
        Ok(shared) => tinbox::templates::with_shared(templates, shared),
        Err(e) => {
            tracing::warn!("shared templates: {e}");
            templates
        }
    };
    let session = Session {
        store: StoreHandle::spawn(store),
        accounts,
        theme,
        policies: config.policies(),
        demo: cli.demo,
        user,
        clock,
        templates,
        case_format: config.case_format.clone(),
        keymap: config.keymap.clone(),
        notify: config.notify.clone(),
        rules: config.rules.clone(),
        views: config.views.clone(),
        linear: cli.linear || config.linear,
        mouse: config.mouse,
        resume_file: (!cli.demo).then(|| paths.data_dir.join("resume.json")),
    };
    runtime()?.block_on(tui::run(session))?;
    drop(demo_dir);
    Ok(0)
}

/// The data dir 0700 and its files 0600; what had to be tightened is said on stderr (before
/// the inbox takes the screen) and logged.
fn secure_data_dir(paths: &Paths) -> Result<Vec<String>> {
    let mut files = tinbox::private::store_files(&paths.store_file());
    files.push(paths.log_file.clone());
    files.push(paths.data_dir.join("resume.json"));
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let notices = tinbox::private::secure_data_dir(&paths.data_dir, &refs)
        .with_context(|| format!("cannot make {} private", paths.data_dir.display()))?;
    for n in &notices {
        let _ = writeln!(io::stderr(), "tinbox: notice: {n}");
    }
    Ok(notices)
}

fn open_store(paths: &Paths, config: &Config, user: &str) -> Result<Box<dyn StoreBackend>> {
    tinbox::store::open::open(config, paths, user)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
