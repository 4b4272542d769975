//! Command-line surface (names fixed by the design: scripts depend on them).

pub mod account;
mod account_bluesky;
mod account_email;
mod account_meta;
mod account_x;
mod account_youtube;
mod ask;
mod config_file;
pub mod db;
pub mod followup;
pub mod hide;
pub mod json;
pub mod list;
pub mod reply;
pub mod report;
pub mod shell;
pub mod show;
pub mod status;
pub mod sync;
pub mod template;
pub mod watch;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tinbox",
    version,
    about = "A terminal social inbox: mentions, replies and DMs from every account in one keyboard-driven inbox, with response-time timers.",
    after_help = "Run without a command to open the inbox. Try `tinbox --demo` for a simulated community (no account needed)."
)]
pub struct Cli {
    /// Config file (default: <config dir>/config.toml; env TINBOX_CONFIG_DIR sets the dir).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory holding the store and the log (env TINBOX_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print where tinbox reads and writes its files, then exit.
    #[arg(long)]
    pub print_paths: bool,
    /// Open the inbox on the built-in demo channel: simulated customers, throw-away store.
    #[arg(long)]
    pub demo: bool,
    /// Plain lines for screen readers: no boxes, one item per line, changes said in words.
    #[arg(long)]
    pub linear: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
// Parsed once per run: the size of `account add`'s arguments does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// List open items with their timers, most urgent first (new, pending, snoozed and
    /// follow_up; replied, done and ignored ones only with --status or --all).
    List(ListArgs),
    /// Show one item with its thread and history.
    Show(ShowArgs),
    /// Poll accounts without the inbox UI.
    Sync(SyncArgs),
    /// Send a reply to an item on its own channel and thread.
    Reply(ReplyArgs),
    /// Hide a public comment (spam, abuse) on Facebook or Instagram, or a reply on X; never deletes it.
    Hide(hide::HideArgs),
    /// Connect, list and remove accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Take an item offline: a case number, a method, a due time and one designated person.
    #[command(name = "followup")]
    FollowUp(FollowUpArgs),
    /// List follow-ups (open ones unless --all), or export them.
    #[command(name = "followups")]
    FollowUps(FollowUpsArgs),
    /// Close an item's follow-up with its outcome.
    Resolve(ResolveArgs),
    /// Response-time figures per channel and account.
    Report(ReportArgs),
    /// A line per new item, warning, breach, overdue follow-up and account error (polls too).
    Watch {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// One line for a status bar; exit code 0 ok, 1 warn, 2 breached, 3 an account failing.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The store: apply its schema (`migrate`), or show it and, for a team, who runs and polls what.
    #[command(subcommand)]
    Db(DbCommand),
    /// Canned replies: list them, or share one with the team (a team store).
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Print a shell completion script: `tinbox completions bash > ~/.local/share/bash-completion/completions/tinbox`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write a page per command into a folder.
    Man {
        /// Write tinbox.1 and a tinbox-COMMAND.1 page for each command into DIR (e.g.
        /// ~/.local/share/man/man1) instead of printing the main page.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum TemplateCommand {
    /// Your templates and the team's, with where each comes from.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Share one of your templates with the team (replacing the team's of that name).
    Share { name: String },
    /// Stop sharing a template with the team.
    Unshare { name: String },
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum DbCommand {
    /// Bring the store's schema up to date (a team's PostgreSQL database: once per upgrade).
    Migrate,
    /// The store, its schema version, and (a team store) the running instances and their accounts.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Check the SQLite store page by page (`PRAGMA integrity_check`); exit code 1 if damaged.
    Check {
        /// Rebuild a damaged store from every row still readable; the damaged file is kept.
        #[arg(long)]
        repair: bool,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: a duration back from now (7d, 24h) or a date (2026-11-01).
    #[arg(long, default_value = "7d")]
    pub since: String,
    #[arg(long, conflicts_with_all = ["csv", "html"])]
    pub json: bool,
    #[arg(long, conflicts_with = "html")]
    pub csv: bool,
    /// Write the report as one self-contained web page (inline charts, nothing fetched).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FollowUpArgs {
    /// Item id, as printed by `tinbox list`.
    pub item: String,
    /// phone, email, dm, in-person or other.
    #[arg(long)]
    pub method: String,
    /// Phone number, address, … (kept in the store, shown in the follow-up list).
    #[arg(long)]
    pub contact: Option<String>,
    /// When: 2h, tomorrow 10:00, 14:30, 2026-11-30 14:00 (local time).
    #[arg(long)]
    pub due: Option<String>,
    /// The designated person (default: you).
    #[arg(long)]
    pub assignee: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct FollowUpsArgs {
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV for a spreadsheet or CRM import (RFC 4180, header row).
    #[arg(long)]
    pub csv: bool,
    /// Only those past their due time.
    #[arg(long)]
    pub overdue: bool,
    /// Only this person's.
    #[arg(long)]
    pub assignee: Option<String>,
    /// Closed ones too.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Item id.
    pub item: String,
    /// What happened: resolved, no answer, escalated, refunded, …
    #[arg(long, default_value = "resolved")]
    pub outcome: String,
    /// Keep the item open instead of marking it done: it goes back to its status before the
    /// follow-up (usually new, its clock running again; no reply is implied).
    #[arg(long)]
    pub keep_open: bool,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    /// Item id, as printed by `tinbox list`.
    pub item: String,
    /// The reply text.
    #[arg(long, conflicts_with_all = ["stdin", "template"])]
    pub text: Option<String>,
    /// Read the reply text from standard input.
    #[arg(long, conflicts_with = "template")]
    pub stdin: bool,
    /// A saved template ({author}, {name}, {case}, {agent}, {channel} are filled in).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
    /// Send even though the item's latest message already has a reply sent, queued or being
    /// sent (a deliberate second message); without it `reply` stops with exit code 4.
    #[arg(long)]
    pub again: bool,
}

#[derive(Debug, Subcommand)]
// Parsed once per run: the size of the `add` arguments does not matter.
#[allow(clippy::large_enum_variant)]
pub enum AccountCommand {
    /// Connect an account; its login is checked before anything is saved (README: "Connecting …").
    Add(AccountAddArgs),
    /// List configured accounts with their last sync.
    List,
    /// Delete an account's stored token.
    Remove {
        name: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct AccountAddArgs {
    /// mastodon, bluesky, email, feed, facebook, instagram, x or youtube.
    pub channel: String,
    /// For a feed: its address (RSS, Atom or JSON Feed).
    pub url: Option<String>,
    /// For a feed: only entries mentioning one of these (comma-separated, any case).
    #[arg(long, value_delimiter = ',')]
    pub keywords: Vec<String>,
    /// The server, e.g. https://mastodon.social (https; http only for loopback).
    #[arg(long)]
    pub instance: Option<String>,
    /// The account's name in the config (default: from the account's handle).
    #[arg(long)]
    pub name: Option<String>,
    /// Read an existing access token from standard input instead of the OAuth flow.
    #[arg(long)]
    pub token_stdin: bool,
    /// For Bluesky: the handle, e.g. brand.bsky.social.
    #[arg(long)]
    pub handle: Option<String>,
    /// For Bluesky: where to log in (default https://bsky.social; or your own PDS).
    #[arg(long)]
    pub service: Option<String>,
    /// For Bluesky and email: read the password from standard input (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
    /// For Facebook: the Page's id (for Instagram: the linked Page, for direct messages).
    #[arg(long)]
    pub page_id: Option<String>,
    /// For Instagram: the professional account's id.
    #[arg(long)]
    pub ig_user_id: Option<String>,
    /// For Facebook and Instagram: the versioned Graph API base (default
    /// https://graph.facebook.com/v21.0).
    #[arg(long)]
    pub api_url: Option<String>,
    /// For email: the support address, e.g. support@brand.example.
    #[arg(long)]
    pub address: Option<String>,
    /// For email: the IMAP server, imaps://host (or imap://host with STARTTLS).
    #[arg(long)]
    pub imap: Option<String>,
    /// For email: the SMTP submission server, smtps://host (or smtp://host with STARTTLS).
    #[arg(long)]
    pub smtp: Option<String>,
    /// For email: the login name (default: the address).
    #[arg(long)]
    pub login: Option<String>,
    /// For email: a private CA (PEM) the servers' certificates are checked against.
    #[arg(long)]
    pub ca_file: Option<String>,
    /// For X: the developer app's consumer key (API key), for the PIN flow.
    #[arg(long)]
    pub consumer_key: Option<String>,
    /// For YouTube: the channel's id (UC…).
    #[arg(long)]
    pub channel_id: Option<String>,
    /// For YouTube: the OAuth client's id (type "TVs and limited input devices").
    #[arg(long)]
    pub client_id: Option<String>,
    /// For YouTube: Google's OAuth endpoints (default https://oauth2.googleapis.com).
    #[arg(long)]
    pub oauth_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array (the shape is documented in the README).
    #[arg(long)]
    pub json: bool,
    /// Only items with this status (repeat or comma-separate: new,pending,...).
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Every status, including replied, done and ignored.
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    /// Only this account.
    #[arg(long)]
    pub account: Option<String>,
    /// At most N items: the N most urgent.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Item id, as printed by `tinbox list`.
    pub item: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Poll each account once and exit (exit code 1 if any account failed).
    #[arg(long)]
    pub once: bool,
    /// Only this account.
    #[arg(long)]
    pub account: Option<String>,
}
