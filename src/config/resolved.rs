//! The resolved configuration: every value final (defaults filled in, checked), as the rest
//! of tinbox reads it. Built by `raw` from the user's file.

use std::collections::BTreeMap;

use crate::model::ChannelKind;
use crate::sla::Policy;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub theme: String,
    /// On a new account, history older than this is imported as done.
    pub backfill_s: i64,
    pub user: Option<String>,
    /// The default response-time policy.
    pub sla: Policy,
    /// `[[sla.policy]]` in order; the first match wins.
    pub sla_policies: Vec<PolicyRule>,
    pub accounts: BTreeMap<String, AccountConfig>,
    /// Canned replies by name (`[templates]`); files in `<config dir>/templates/` add more.
    pub templates: BTreeMap<String, String>,
    /// Case numbers of follow-ups: `{n}` is the sequence, `{n:05}` zero-padded.
    pub case_format: String,
    /// `[keys]`: (key, action name) pairs over the default key map, as written.
    pub keys: Vec<(String, String)>,
    /// The key map: the defaults with `[keys]` on top, built once here.
    pub keymap: crate::keys::Keymap,
    /// `[notify]`: how each event reaches the user.
    pub notify: crate::notify::Settings,
    /// `[[rules]]` and `[[alerts]]`, applied to items as they arrive.
    pub rules: std::sync::Arc<crate::rules::Rules>,
    /// `[[views]]`: named filters for the number keys (none: the built-in views).
    pub views: Vec<crate::filter::View>,
    /// The linear, screen-reader-friendly inbox (`--linear`).
    pub linear: bool,
    /// Clicks and the wheel in the inbox (`mouse = true`).
    pub mouse: bool,
    /// `store`: the embedded SQLite file (default) or a team's PostgreSQL database.
    pub store: StoreConfig,
}

/// Where the inbox is kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StoreConfig {
    /// One person: a file in the data dir, no server.
    #[default]
    Sqlite,
    /// A team: one PostgreSQL database shared by every responder's tinbox.
    Postgres {
        /// `postgres://user@host:port/db?sslmode=…`; the password is better kept out of it.
        url: String,
        /// A command printing the password (else `PGPASSWORD`, else `~/.pgpass`).
        password_cmd: Option<String>,
        /// Seconds a silent instance keeps its account leases and claims.
        lease_s: i64,
    },
}

impl StoreConfig {
    pub fn is_team(&self) -> bool {
        matches!(self, StoreConfig::Postgres { .. })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: "default".into(),
            backfill_s: 24 * 3600,
            user: None,
            sla: Policy::default(),
            sla_policies: Vec::new(),
            accounts: BTreeMap::new(),
            templates: BTreeMap::new(),
            case_format: "CASE-{n:05}".into(),
            rules: Default::default(),
            views: Vec::new(),
            linear: false,
            mouse: false,
            store: StoreConfig::Sqlite,
            keys: Vec::new(),
            keymap: crate::keys::Keymap::default(),
            notify: crate::notify::Settings::default(),
        }
    }
}

/// One `[[sla.policy]]`: conditions (all given ones must match) and targets.
pub use crate::sla::Rule as PolicyRule;

impl Config {
    /// The response-time policies: the default and the ordered rules.
    pub fn policies(&self) -> crate::sla::Policies {
        crate::sla::Policies::new(self.sla.clone(), self.sla_policies.clone())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    pub channel: ChannelKind,
    pub poll_s: i64,
    /// Each request to the account's server gives up after this many seconds.
    pub timeout_s: i64,
    pub instance: Option<String>,
    pub token_cmd: Option<String>,
    pub service: Option<String>,
    pub handle: Option<String>,
    pub password_cmd: Option<String>,
    pub url: Option<String>,
    pub keywords: Vec<String>,
    /// Mastodon notification types to poll (`mention`; also e.g. `status`, `quote`).
    pub notifications: Vec<String>,
    /// Bluesky: languages of replies (`None`: from LANG).
    pub langs: Option<Vec<String>>,
    /// The config's `backfill` window in seconds (0: "all"), for the first sync.
    pub backfill_s: i64,
    /// Facebook: the Page's id; Instagram: the linked Page (its conversations hold the DMs).
    pub page_id: Option<String>,
    /// Instagram: the professional account's id.
    pub ig_user_id: Option<String>,
    /// Facebook and Instagram: the versioned Graph base (default graph.facebook.com).
    pub api_url: Option<String>,
    /// Email: the mailbox's servers and folders (`None` on other channels).
    pub email: Option<EmailSettings>,
    /// YouTube: the channel, its OAuth client and quota (`None` on other channels).
    pub youtube: Option<YoutubeSettings>,
    /// X: the app's key and the read budget (`None` on other channels).
    pub x: Option<XSettings>,
}

/// An X account's own `[accounts.NAME]` keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XSettings {
    /// The developer app's consumer key (OAuth 1.0a).
    pub consumer_key: Option<String>,
    /// A command printing the app's consumer secret (else the secrets file).
    pub consumer_secret_cmd: Option<String>,
    /// Reads allowed a month (0: counted, never refused).
    pub monthly_read_budget: u64,
}

/// A YouTube account's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YoutubeSettings {
    /// Our channel's id (`UC…`): its comments are our replies.
    pub channel_id: String,
    /// The OAuth client (type "TVs and limited input devices") the refresh token belongs to.
    pub client_id: Option<String>,
    /// Prints the OAuth client's secret (else the secrets file).
    pub client_secret_cmd: Option<String>,
    /// Google's OAuth endpoints (default https://oauth2.googleapis.com).
    pub oauth_url: Option<String>,
    /// Units a day (default 10,000).
    pub daily_quota: Option<u64>,
}

/// An email account's `[accounts.NAME]` keys, resolved with their defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailSettings {
    /// The support address: replies go out from it.
    pub address: String,
    /// `imaps://host[:993]`, or `imap://host[:143]` with STARTTLS (clear text only to loopback).
    pub imap: String,
    /// `smtps://host[:465]`, or `smtp://host[:587]` submission with STARTTLS.
    pub smtp: String,
    /// The login name (default: the address).
    pub login: String,
    /// A private CA (PEM) to trust besides the system's roots.
    pub ca_file: Option<String>,
    /// Folders polled (default INBOX).
    pub folders: Vec<String>,
    /// Where replies are filed (default: the `\Sent` special-use folder, else "Sent").
    pub sent_folder: Option<String>,
    /// Mark polled mail `\Seen` (default false: tinbox never changes what the mailbox shows).
    pub mark_seen: bool,
    /// Quote the customer's message below a reply.
    pub quote: bool,
    /// Mail larger than this is listed with its headers only (`max_message_mb`, default 25).
    pub max_message_bytes: usize,
}

impl AccountConfig {
    /// The bound on each request to the account's server.
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.timeout_s.clamp(1, 600).unsigned_abs())
    }

    /// The built-in demo account of `tinbox --demo`.
    pub fn demo() -> AccountConfig {
        AccountConfig {
            channel: ChannelKind::Demo,
            poll_s: 5,
            timeout_s: 30,
            instance: None,
            token_cmd: None,
            service: None,
            handle: None,
            password_cmd: None,
            url: None,
            keywords: Vec::new(),
            notifications: Vec::new(),
            langs: None,
            backfill_s: 24 * 3600,
            page_id: None,
            ig_user_id: None,
            api_url: None,
            email: None,
            x: None,
            youtube: None,
        }
    }

    /// How far back the first sync reads: the backfill window (`Duration::MAX` for "all").
    pub fn first_sync_window(&self) -> std::time::Duration {
        u64::try_from(self.backfill_s)
            .ok()
            .filter(|s| *s > 0)
            .map_or(std::time::Duration::MAX, std::time::Duration::from_secs)
    }
}
