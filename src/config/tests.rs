use std::path::Path;

use super::*;
use crate::model::{ChannelKind, Kind};

fn err(text: &str) -> String {
    parse(text, Path::new("/home/kim/.config/tinbox/config.toml"))
        .expect_err("should fail")
        .to_string()
}

#[test]
fn empty_file_is_the_defaults() {
    assert_eq!(
        parse("", Path::new("c.toml")).expect("parses"),
        Config::default()
    );
    let d = Config::default();
    assert_eq!(
        (d.sla.warn_s, d.sla.breach_s, d.backfill_s, d.theme.as_str()),
        (900, 3600, 86_400, "default")
    );
}

#[test]
fn the_documented_example_parses() {
    let text = include_str!("../../config.example.toml");
    let c = parse(text, Path::new("config.example.toml")).expect("example parses");
    assert_eq!(c.sla_policies.len(), 1);
    let p = &c.sla_policies[0];
    assert_eq!(
        (p.channel, p.kind, p.policy.warn_s, p.policy.breach_s),
        (Some(ChannelKind::Mastodon), Some(Kind::Dm), 300, 1800)
    );
    assert_eq!(c.accounts.len(), 3);
    let m = &c.accounts["brand-masto"];
    assert_eq!(
        (m.channel, m.instance.as_deref(), m.poll_s),
        (ChannelKind::Mastodon, Some("https://mastodon.social"), 60)
    );
    let f = &c.accounts["reviews"];
    assert_eq!((f.poll_s, f.keywords.len()), (900, 2));
    assert_eq!(
        c.accounts["brand-bsky"].handle.as_deref(),
        Some("brand.bsky.social")
    );
}

#[test]
fn unknown_keys_are_named_with_file_and_line() {
    let e = err("theme = \"default\"\n\n[sla]\nwarn = \"15m\"\nbreech = \"1h\"\n");
    assert!(
        e.starts_with("/home/kim/.config/tinbox/config.toml:5:"),
        "{e}"
    );
    assert!(e.contains("breech"), "{e}");
    let e = err("[accounts.x]\nchannel = \"demo\"\npol = \"1m\"\n");
    assert!(e.contains(":3:") && e.contains("pol"), "{e}");
    let e = err("colour = 1\n");
    assert!(e.contains(":1:") && e.contains("colour"), "{e}");
}

#[test]
fn bad_values_name_the_key_and_line() {
    let e = err("[sla]\nwarn = \"15\"\n");
    assert!(
        e.contains(":2:") && e.contains("sla.warn") && e.contains("unit"),
        "{e}"
    );
    let e = err("[sla]\nwarn = \"2h\"\n");
    assert!(e.contains("shorter than breach"), "{e}");
    let e = err("[accounts.a]\nchannel = \"myspace\"\n");
    assert!(
        e.contains(":2:") && e.contains("accounts.a.channel") && e.contains("mastodon"),
        "{e}"
    );
    let e = err("[sla]\nbusiness_hours = { tz = \"Mars/Olympus\" }\n");
    assert!(e.contains("Mars/Olympus"), "{e}");
    let e = err("[[sla.policy]]\nmatch = { kind = \"tweet\" }\n");
    assert!(e.contains("sla.policy[0].match.kind"), "{e}");
    let e = err("theme = 3\n");
    assert!(e.contains(":1:"), "{e}");
}

#[test]
fn channels_need_their_keys_and_https() {
    let e = err("[accounts.m]\nchannel = \"mastodon\"\n");
    assert!(e.contains("accounts.m") && e.contains("instance"), "{e}");
    let e = err("[accounts.m]\nchannel = \"mastodon\"\ninstance = \"http://mastodon.example\"\n");
    assert!(e.contains(":3:") && e.contains("https"), "{e}");
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:3000",
        "http://[::1]:9",
        "https://x.example/",
    ] {
        let text = format!("[accounts.m]\nchannel = \"mastodon\"\ninstance = \"{ok}\"\n");
        let c = parse(&text, Path::new("c.toml")).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(
            !c.accounts["m"]
                .instance
                .as_deref()
                .unwrap_or("")
                .ends_with('/')
        );
    }
    assert!(err("[accounts.f]\nchannel = \"feed\"\n").contains("url"));
    assert!(err("[accounts.b]\nchannel = \"bluesky\"\n").contains("handle"));
    assert!(err("[accounts.f]\nchannel = \"feed\"\nurl = \"ftp://x\"\n").contains("scheme"));
}

#[test]
fn load_missing_file_is_defaults_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let env =
        |k: &str| (k == "TINBOX_CONFIG_DIR").then(|| dir.path().join("cfg").display().to_string());
    let paths = Paths::resolve_with(None, Some(dir.path().join("data")), &env).expect("paths");
    assert_eq!(load(&paths).expect("defaults"), Config::default());
    assert!(!dir.path().join("cfg").exists());
}

#[test]
fn a_table_under_keys_is_named_with_what_is_expected() {
    let e = err("theme = \"default\"\n\n[keys.inbox]\nd = \"done\"\n");
    assert!(
        e.contains("keys.inbox")
            && e.contains("[keys.inbox] is a table")
            && e.contains("\"ctrl-r\" = \"reply\"")
            && !e.contains("invalid type")
            && !e.contains(":1:1:"),
        "{e}"
    );
    let e = err("[keys]\nd = 1\n");
    assert!(e.contains(":2:") && e.contains("keys.d: an integer"), "{e}");
}

#[test]
fn an_unknown_channel_is_named_in_words_with_the_choices() {
    let e = err("[accounts.x]\nchannel = \"fax\"\n");
    assert!(
        e.contains("x.channel: unknown channel kind 'fax' (expected: mastodon, bluesky, "),
        "{e}"
    );
}

#[test]
fn a_missing_file_named_by_config_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("tinbox-typo.toml");
    let paths =
        Paths::resolve_with(Some(file), Some(dir.path().join("data")), &|_| None).expect("paths");
    let e = load(&paths).expect_err("missing").to_string();
    assert!(
        e.contains("tinbox-typo.toml") && e.contains("no such file"),
        "{e}"
    );
}

#[test]
fn business_hours_become_part_of_the_policy() {
    let text = "[sla]\nbreach = \"30m\"\nbusiness_hours = { tz = \"Europe/Berlin\", days = \"mon-fri\", hours = \"09:00-17:00\", holidays = [\"2026-12-25\"] }\n\n[[sla.policy]]\nmatch = { kind = \"dm\" }\nwarn = \"5m\"\nbusiness_hours = { tz = \"UTC\", days = \"mon-sun\", hours = \"00:00-23:59\" }\n";
    let c = parse(text, Path::new("c.toml")).expect("parses");
    let h = c.sla.hours.as_ref().expect("hours");
    assert_eq!(
        (h.days, h.holidays.len()),
        ([true, true, true, true, true, false, false], 1)
    );
    let rule = &c.sla_policies[0];
    assert_eq!(
        (rule.policy.warn_s, rule.policy.breach_s),
        (300, 1800),
        "a rule starts from the default"
    );
    assert!(
        rule.policy
            .hours
            .as_ref()
            .is_some_and(|h| h.days == [true; 7])
    );
    let e = err("[sla]\nbusiness_hours = { tz = \"UTC\", days = \"funday\" }\n");
    assert!(
        e.contains(":2:") && e.contains("sla.business_hours") && e.contains("funday"),
        "{e}"
    );
}

/// The config builds the one key map the inbox uses: the defaults, with `[keys]` on top.
#[test]
fn the_keymap_is_built_from_the_defaults_and_keys() {
    use crate::keys::Action;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let c = parse(
        "[keys]\n\"ctrl-r\" = \"reply\"\nd = \"none\"\n",
        Path::new("c.toml"),
    )
    .expect("parses");
    let press = |c, m| KeyEvent::new(KeyCode::Char(c), m);
    assert_eq!(
        c.keymap.action_for(&press('r', KeyModifiers::CONTROL)),
        Some(Action::Reply)
    );
    assert_eq!(c.keymap.action_for(&press('d', KeyModifiers::NONE)), None);
    assert_eq!(
        c.keymap.action_for(&press('j', KeyModifiers::NONE)),
        Some(Action::Down)
    );
}

#[test]
fn key_bindings_are_checked_where_they_are_written() {
    let c = parse(
        "[keys]\n\"ctrl-r\" = \"reply\"\nd = \"none\"\n",
        Path::new("c.toml"),
    )
    .expect("parses");
    assert_eq!(c.keys.len(), 2);
    let e = err("[keys]\n\"ctrl-r\" = \"rpely\"\n");
    assert!(
        e.contains(":2:") && e.contains("keys.ctrl-r") && e.contains("rpely"),
        "{e}"
    );
    let e = err("[keys]\n\"hyper-q\" = \"quit\"\n");
    assert!(e.contains("hyper-q"), "{e}");
}

#[test]
fn notifications_are_configured_per_event() {
    use crate::notify::{Event, Method};
    let c = parse(
        "[notify]\ndm = \"osc9\"\nmention = \"command\"\ncommand = \"notify-send tinbox\"\n",
        Path::new("c.toml"),
    )
    .expect("parses");
    assert_eq!(
        (
            c.notify.method(Event::Dm),
            c.notify.method(Event::Mention),
            c.notify.method(Event::Breach)
        ),
        (Method::Osc9, Method::Command, Method::Bell)
    );
    let e = err("[notify]\nbreach = \"siren\"\n");
    assert!(
        e.contains(":2:") && e.contains("notify.breach") && e.contains("siren"),
        "{e}"
    );
    let e = err("[notify]\ndm = \"command\"\n");
    assert!(e.contains("notify.command"), "{e}");
}

#[test]
fn the_store_is_sqlite_unless_a_postgres_url_is_given() {
    let p = |t: &str| parse(t, Path::new("c.toml")).expect("parses").store;
    assert_eq!(p(""), StoreConfig::Sqlite);
    assert_eq!(
        p("store = \"postgres://kim@db.example/tinbox\""),
        StoreConfig::Postgres {
            url: "postgres://kim@db.example/tinbox".into(),
            password_cmd: None,
            lease_s: 15,
        }
    );
    assert_eq!(
        p(
            "[store]\nurl = \"postgresql://kim@db/t\"\npassword_cmd = \"pass db\"\nlease = \"30s\"\n"
        ),
        StoreConfig::Postgres {
            url: "postgresql://kim@db/t".into(),
            password_cmd: Some("pass db".into()),
            lease_s: 30,
        }
    );
    let e = err("store = \"mysql://kim@db/t\"\n");
    assert!(
        e.contains("config.toml:1") && e.contains("store") && e.contains("PostgreSQL"),
        "{e}"
    );
    let e = err("[store]\nurl = \"postgres://db/t\"\nlease = \"1s\"\n");
    assert!(e.contains("store.lease") && e.contains("at least"), "{e}");
}

#[test]
fn a_follower_threshold_is_a_count() {
    let c = parse(
        "[[rules]]\nname = \"influencer\"\nfollowers_over = 10000\ntags = [\"vip\"]\n",
        Path::new("c.toml"),
    )
    .expect("parses");
    assert_eq!(c.rules.rules[0].when.followers_over, Some(10_000));
    let e = err("[[rules]]\nname = \"x\"\nfollowers_over = -1\ntags = [\"a\"]\n");
    assert!(
        e.contains("config.toml:3") && e.contains("rules[0].followers_over"),
        "{e}"
    );
}

#[test]
fn request_timeouts_are_per_account_and_bounded() {
    let c = parse(
        "[accounts.m]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\ntimeout = \"5s\"\n",
        Path::new("c.toml"),
    )
    .expect("parses");
    assert_eq!(c.accounts["m"].timeout(), std::time::Duration::from_secs(5));
    let e = err(
        "[accounts.m]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\ntimeout = \"1h\"\n",
    );
    assert!(
        e.contains("config.toml:4") && e.contains("accounts.m.timeout"),
        "{e}"
    );
}

#[test]
fn a_mistyped_key_gets_a_suggestion() {
    let e = err("[accounts.brand]\nchannel = \"bluesky\"\nhandel = \"brand.bsky.social\"\n");
    assert!(
        e.contains(":3:1:") && e.contains("did you mean `handle`?"),
        "{e}"
    );
    let e = err("[notfy]\ndm = \"bell\"\n");
    assert!(e.contains("did you mean `notify`?"), "{e}");
    // Nothing close: no guess.
    let e =
        err("[accounts.brand]\nchannel = \"feed\"\nurl = \"https://x.example/f\"\nzzzzzzzz = 1\n");
    assert!(
        e.contains("unknown field") && !e.contains("did you mean"),
        "{e}"
    );
}

#[test]
fn a_key_of_another_channel_is_named() {
    let e = err(
        "[accounts.brand]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\nkeywords = [\"refund\"]\n",
    );
    assert!(
        e.contains("accounts.brand: `keywords` is for feed accounts; this one is mastodon"),
        "{e}"
    );
    let e = err(
        "[accounts.news]\nchannel = \"feed\"\nurl = \"https://x.example/f\"\nnotifications = [\"mention\"]\n",
    );
    assert!(
        e.contains("`notifications` is for mastodon and bluesky accounts"),
        "{e}"
    );
    let e = err(
        "[accounts.b]\nchannel = \"bluesky\"\nhandle = \"b.example\"\ntoken_cmd = \"pass x\"\n",
    );
    assert!(
        e.contains(
            "`token_cmd` is for mastodon, facebook, instagram, email, x and youtube accounts"
        ),
        "{e}"
    );
}

#[test]
fn an_email_account_resolves_with_its_defaults() {
    let text = "[accounts.support]\nchannel = \"email\"\naddress = \"support@brand.example\"\nimap = \"imaps://imap.example.com/\"\nsmtp = \"smtp://smtp.example.com:587\"\ntoken_cmd = \"oauth2 support\"\n";
    let c = parse(text, Path::new("c.toml")).expect("parses");
    let a = &c.accounts["support"];
    assert_eq!(a.channel, ChannelKind::Email);
    assert_eq!(a.token_cmd.as_deref(), Some("oauth2 support"));
    let e = a.email.as_ref().expect("email settings");
    assert_eq!(
        (e.login.as_str(), e.imap.as_str(), e.folders.clone()),
        (
            "support@brand.example",
            "imaps://imap.example.com",
            vec!["INBOX".to_string()]
        )
    );
    assert!(!e.mark_seen && !e.quote && e.sent_folder.is_none());
}

#[test]
fn an_email_account_needs_its_servers_and_mail_schemes() {
    let base = "[accounts.s]\nchannel = \"email\"\naddress = \"s@b.example\"\n";
    let e = err(&format!("{base}smtp = \"smtps://smtp.b.example\"\n"));
    assert!(e.contains("an email account needs `imap`"), "{e}");
    let e = err(&format!(
        "{base}imap = \"https://imap.b.example\"\nsmtp = \"smtps://smtp.b.example\"\n"
    ));
    assert!(e.contains("unsupported scheme \"https\""), "{e}");
    let e = err(
        "[accounts.m]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\nimap = \"imaps://x.example\"\n",
    );
    assert!(e.contains("`imap` is for email accounts"), "{e}");
}

#[test]
fn a_youtube_account_needs_its_channel_and_keeps_its_own_keys() {
    let text = "[accounts.yt]\nchannel = \"youtube\"\nchannel_id = \"UCa-vrCLQHviTOVnEKDOdetQ\"\nclient_id = \"c.apps\"\ndaily_quota = 2000\noauth_url = \"http://127.0.0.1:9/\"\n";
    let c = parse(text, Path::new("c.toml")).expect("parses");
    let y = c.accounts["yt"].youtube.clone().expect("youtube settings");
    assert_eq!(y.channel_id, "UCa-vrCLQHviTOVnEKDOdetQ");
    assert_eq!(
        (y.daily_quota, y.oauth_url.as_deref()),
        (Some(2000), Some("http://127.0.0.1:9"))
    );
    let e = err("[accounts.yt]\nchannel = \"youtube\"\n");
    assert!(e.contains("a youtube account needs `channel_id`"), "{e}");
    let e = err(
        "[accounts.m]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\ndaily_quota = 5\n",
    );
    assert!(e.contains("`daily_quota` is for youtube accounts"), "{e}");
    let e = err(
        "[accounts.yt]\nchannel = \"youtube\"\nchannel_id = \"UC1\"\noauth_url = \"http://oauth.example\"\n",
    );
    assert!(e.contains("must use https"), "{e}");
}
