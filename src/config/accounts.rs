//! `[accounts.NAME]`: one account's table, checked for its channel (keys of another
//! channel are errors, required ones named) and resolved with its defaults.

use serde::Deserialize;

use super::context::{Ctx, S};
use super::error::ConfigError;
use super::resolved::{AccountConfig, EmailSettings, XSettings, YoutubeSettings};
use super::url::check_url;
use crate::model::ChannelKind;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccount {
    channel: S<String>,
    poll: Option<S<String>>,
    /// A bound on each request to the account's server (default 30s).
    timeout: Option<S<String>>,
    instance: Option<S<String>>,
    token_cmd: Option<String>,
    service: Option<S<String>>,
    handle: Option<String>,
    password_cmd: Option<String>,
    url: Option<S<String>>,
    #[serde(default)]
    keywords: Vec<String>,
    /// Mastodon: notification types to bring in (default: mention); Bluesky: reasons
    /// (default: mention, reply, quote).
    notifications: Option<Vec<String>>,
    /// Bluesky: languages of replies (default: from LANG).
    langs: Option<Vec<String>>,
    /// Facebook: the Page id; Instagram: the linked Page, for DMs.
    page_id: Option<String>,
    /// Instagram: the professional account id.
    ig_user_id: Option<String>,
    /// Facebook, Instagram: the versioned Graph base URL.
    api_url: Option<S<String>>,
    /// Email: the support address, its servers and folders.
    address: Option<String>,
    imap: Option<S<String>>,
    smtp: Option<S<String>>,
    login: Option<String>,
    ca_file: Option<String>,
    folders: Option<Vec<String>>,
    sent_folder: Option<String>,
    mark_seen: Option<bool>,
    quote: Option<bool>,
    /// Email: mail larger than this many megabytes is read for its headers only.
    max_message_mb: Option<u32>,
    /// X: reads allowed a month; the developer app's key and a command printing its secret.
    monthly_read_budget: Option<u64>,
    consumer_key: Option<String>,
    consumer_secret_cmd: Option<String>,
    /// YouTube: our channel (`UC…`), the OAuth client, the token endpoint, the day's units.
    channel_id: Option<String>,
    client_id: Option<String>,
    client_secret_cmd: Option<String>,
    oauth_url: Option<S<String>>,
    daily_quota: Option<u64>,
}

pub(super) fn account(
    cx: &Ctx<'_>,
    name: &str,
    acc: &S<RawAccount>,
) -> Result<AccountConfig, ConfigError> {
    let key = format!("accounts.{name}");
    let a = acc.get_ref();
    let channel: ChannelKind = cx.parse(&a.channel, &format!("{key}.channel"))?;
    let default_poll = if channel == ChannelKind::Feed {
        15 * 60
    } else {
        60
    };
    let poll_s = match &a.poll {
        Some(p) => cx.duration(p, &format!("{key}.poll"))?,
        None => default_poll,
    };
    if poll_s < 1 {
        return Err(cx.bad(
            a.poll.as_ref().unwrap_or(&a.channel),
            &format!("{key}.poll"),
            "must be at least 1s".into(),
        ));
    }
    let timeout_s = match &a.timeout {
        Some(t) => {
            let s = cx.duration(t, &format!("{key}.timeout"))?;
            if !(1..=600).contains(&s) {
                return Err(cx.bad(
                    t,
                    &format!("{key}.timeout"),
                    "must be between 1s and 10m".into(),
                ));
            }
            s
        }
        None => 30,
    };
    // "an email account", "a feed account".
    let article = if channel == ChannelKind::Email {
        "an"
    } else {
        "a"
    };
    let require = |field: &str, present: bool| {
        if present {
            Ok(())
        } else {
            Err(cx.at(
                acc.span().start,
                format!("{key}: {article} {channel} account needs `{field}`"),
            ))
        }
    };
    // A key of another channel is a mistake (a feed's `keywords` on a Mastodon account would
    // silently do nothing): say so.
    let present = [
        (
            "instance",
            a.instance.is_some(),
            &[ChannelKind::Mastodon][..],
        ),
        (
            "token_cmd",
            a.token_cmd.is_some(),
            &[
                ChannelKind::Mastodon,
                ChannelKind::Facebook,
                ChannelKind::Instagram,
                ChannelKind::Email,
                ChannelKind::X,
                ChannelKind::Youtube,
            ][..],
        ),
        (
            "page_id",
            a.page_id.is_some(),
            &[ChannelKind::Facebook, ChannelKind::Instagram][..],
        ),
        (
            "ig_user_id",
            a.ig_user_id.is_some(),
            &[ChannelKind::Instagram][..],
        ),
        (
            "api_url",
            a.api_url.is_some(),
            &[
                ChannelKind::Facebook,
                ChannelKind::Instagram,
                ChannelKind::X,
                ChannelKind::Youtube,
            ][..],
        ),
        (
            "monthly_read_budget",
            a.monthly_read_budget.is_some(),
            &[ChannelKind::X][..],
        ),
        (
            "consumer_key",
            a.consumer_key.is_some(),
            &[ChannelKind::X][..],
        ),
        (
            "consumer_secret_cmd",
            a.consumer_secret_cmd.is_some(),
            &[ChannelKind::X][..],
        ),
        ("service", a.service.is_some(), &[ChannelKind::Bluesky][..]),
        ("handle", a.handle.is_some(), &[ChannelKind::Bluesky][..]),
        (
            "password_cmd",
            a.password_cmd.is_some(),
            &[ChannelKind::Bluesky, ChannelKind::Email][..],
        ),
        ("address", a.address.is_some(), &[ChannelKind::Email][..]),
        ("imap", a.imap.is_some(), &[ChannelKind::Email][..]),
        ("smtp", a.smtp.is_some(), &[ChannelKind::Email][..]),
        ("login", a.login.is_some(), &[ChannelKind::Email][..]),
        ("ca_file", a.ca_file.is_some(), &[ChannelKind::Email][..]),
        ("folders", a.folders.is_some(), &[ChannelKind::Email][..]),
        (
            "sent_folder",
            a.sent_folder.is_some(),
            &[ChannelKind::Email][..],
        ),
        (
            "mark_seen",
            a.mark_seen.is_some(),
            &[ChannelKind::Email][..],
        ),
        ("quote", a.quote.is_some(), &[ChannelKind::Email][..]),
        (
            "max_message_mb",
            a.max_message_mb.is_some(),
            &[ChannelKind::Email][..],
        ),
        ("langs", a.langs.is_some(), &[ChannelKind::Bluesky][..]),
        ("url", a.url.is_some(), &[ChannelKind::Feed][..]),
        ("keywords", !a.keywords.is_empty(), &[ChannelKind::Feed][..]),
        (
            "notifications",
            a.notifications.is_some(),
            &[ChannelKind::Mastodon, ChannelKind::Bluesky][..],
        ),
        (
            "channel_id",
            a.channel_id.is_some(),
            &[ChannelKind::Youtube][..],
        ),
        (
            "client_id",
            a.client_id.is_some(),
            &[ChannelKind::Youtube][..],
        ),
        (
            "client_secret_cmd",
            a.client_secret_cmd.is_some(),
            &[ChannelKind::Youtube][..],
        ),
        (
            "oauth_url",
            a.oauth_url.is_some(),
            &[ChannelKind::Youtube][..],
        ),
        (
            "daily_quota",
            a.daily_quota.is_some(),
            &[ChannelKind::Youtube][..],
        ),
    ];
    if channel != ChannelKind::Demo
        && let Some((field, _, owners)) = present
            .iter()
            .find(|(_, here, owners)| *here && !owners.contains(&channel))
    {
        let owners: Vec<&str> = owners.iter().map(|c| c.as_str()).collect();
        return Err(cx.at(
            acc.span().start,
            format!(
                "{key}: `{field}` is for {} accounts; this one is {}",
                match owners.split_last() {
                    Some((last, rest)) if !rest.is_empty() =>
                        format!("{} and {last}", rest.join(", ")),
                    _ => owners.join(""),
                },
                channel.as_str()
            ),
        ));
    }
    match channel {
        ChannelKind::Mastodon => require("instance", a.instance.is_some())?,
        ChannelKind::Bluesky => require("handle", a.handle.is_some())?,
        ChannelKind::Feed => require("url", a.url.is_some())?,
        ChannelKind::Facebook => require("page_id", a.page_id.is_some())?,
        ChannelKind::Instagram => require("ig_user_id", a.ig_user_id.is_some())?,
        ChannelKind::Email => {
            require("address", a.address.is_some())?;
            require("imap", a.imap.is_some())?;
            require("smtp", a.smtp.is_some())?;
        }
        ChannelKind::Demo | ChannelKind::X => {}
        ChannelKind::Youtube => require("channel_id", a.channel_id.is_some())?,
    }
    for (field, v) in [
        ("instance", &a.instance),
        ("service", &a.service),
        ("url", &a.url),
        ("api_url", &a.api_url),
        ("oauth_url", &a.oauth_url),
    ] {
        if let Some(u) = v {
            check_url(u.get_ref()).map_err(|e| cx.bad(u, &format!("{key}.{field}"), e))?;
        }
    }
    let email = match channel {
        ChannelKind::Email => Some(email_settings(cx, &key, a, acc.span().start)?),
        _ => None,
    };
    let x = (channel == ChannelKind::X).then(|| XSettings {
        consumer_key: a.consumer_key.clone(),
        consumer_secret_cmd: a.consumer_secret_cmd.clone(),
        monthly_read_budget: a.monthly_read_budget.unwrap_or(0),
    });
    let youtube = (channel == ChannelKind::Youtube).then(|| YoutubeSettings {
        channel_id: a.channel_id.clone().unwrap_or_default(),
        client_id: a.client_id.clone(),
        client_secret_cmd: a.client_secret_cmd.clone(),
        oauth_url: a
            .oauth_url
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string()),
        daily_quota: a.daily_quota,
    });
    Ok(AccountConfig {
        youtube,
        email,
        x,
        channel,
        poll_s,
        timeout_s,
        instance: a
            .instance
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string()),
        token_cmd: a.token_cmd.clone(),
        service: a
            .service
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string()),
        handle: a.handle.clone(),
        password_cmd: a.password_cmd.clone(),
        url: a.url.as_ref().map(|s| s.get_ref().clone()),
        keywords: a.keywords.clone(),
        notifications: a.notifications.clone().unwrap_or_else(|| {
            let defaults: &[&str] = match channel {
                ChannelKind::Bluesky => &["mention", "reply", "quote"],
                _ => &["mention"],
            };
            defaults.iter().map(|s| s.to_string()).collect()
        }),
        langs: a.langs.clone(),
        backfill_s: 0,
        page_id: a.page_id.clone(),
        ig_user_id: a.ig_user_id.clone(),
        api_url: a
            .api_url
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string()),
    })
}

/// An email account's servers, checked: `imaps`/`imap` and `smtps`/`smtp` only, clear text
/// only to this machine (the password would cross the network readable).
fn email_settings(
    cx: &Ctx<'_>,
    key: &str,
    a: &RawAccount,
    at: usize,
) -> Result<EmailSettings, ConfigError> {
    let mut urls = Vec::new();
    for (field, v, schemes) in [
        ("imap", &a.imap, ["imaps", "imap"]),
        ("smtp", &a.smtp, ["smtps", "smtp"]),
    ] {
        let Some(u) = v else {
            return Err(cx.at(at, format!("{key}: an email account needs `{field}`")));
        };
        super::url::check_mail_url(u.get_ref(), &schemes)
            .map_err(|e| cx.bad(u, &format!("{key}.{field}"), e))?;
        urls.push(u.get_ref().trim_end_matches('/').to_string());
    }
    let address = a.address.clone().unwrap_or_default().trim().to_string();
    if !address.contains('@') || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(cx.at(
            at,
            format!("{key}.address: {address:?} is not an email address"),
        ));
    }
    let folders = a
        .folders
        .clone()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| vec!["INBOX".into()]);
    let max_message_mb = a.max_message_mb.unwrap_or(25);
    if max_message_mb == 0 {
        return Err(cx.at(
            at,
            format!("{key}.max_message_mb: must be at least 1 (megabyte)"),
        ));
    }
    Ok(EmailSettings {
        login: a.login.clone().unwrap_or_else(|| address.clone()),
        address,
        smtp: urls.pop().unwrap_or_default(),
        imap: urls.pop().unwrap_or_default(),
        ca_file: a.ca_file.clone(),
        folders,
        sent_folder: a.sent_folder.clone(),
        mark_seen: a.mark_seen.unwrap_or(false),
        quote: a.quote.unwrap_or(false),
        max_message_bytes: max_message_mb as usize * 1024 * 1024,
    })
}
