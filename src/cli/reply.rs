//! `tinbox reply ITEM --text T [--yes]`: send a reply on the item's channel and thread.
//!
//! The reply goes into the durable outbox before anything goes on the network, with one
//! idempotency key for all attempts; transient failures are retried with it (a few times
//! here, and later by `tinbox` or `tinbox sync`), so the reply arrives once.
//!
//! Queueing takes the right to answer the item's latest inbound message, in one step in the
//! store: when a reply to it is already sent, queued or being sent (by another `reply`, a
//! teammate, the inbox), nothing is queued and `reply` stops with exit code 4 naming who and
//! when; `--again` sends a deliberate second message. Interrupted (ctrl-c), it says what
//! becomes of the reply: queued replies are sent later, once, under their idempotency key.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use super::ReplyArgs;
use crate::app::composer::length;
use crate::channels::Channel;
use crate::channels::demo::Clock;
use crate::config::Config;
use crate::model::{ItemId, OutboxState};
use crate::outbox::OutboxEvent;
use crate::sanitize;
use crate::secrets::Secrets;
use crate::store::StoreHandle;

const ATTEMPTS: u32 = 4;

pub struct Io<'a> {
    pub stdin: &'a mut dyn BufRead,
    pub out: &'a mut dyn Write,
    /// Standard input is a terminal, so we may ask.
    pub interactive: bool,
}

impl Io<'_> {
    /// The y/N question before an act on the network: true to go on. Without a terminal it
    /// refuses (`refusal`, e.g. "not sending without confirmation") unless `yes` was given.
    pub fn confirm(&mut self, yes: bool, question: &str, refusal: &str) -> Result<bool> {
        if yes {
            return Ok(true);
        }
        if !self.interactive {
            bail!("{refusal}: add --yes");
        }
        write!(self.out, "{question} [y/N] ")?;
        self.out.flush()?;
        let mut answer = String::new();
        self.stdin.read_line(&mut answer)?;
        Ok(answer.trim().eq_ignore_ascii_case("y"))
    }
}

pub async fn run(
    config: &Config,
    secrets: &Secrets,
    store: StoreHandle,
    args: &ReplyArgs,
    mut io: Io<'_>,
    clock: Clock,
    templates_dir: &std::path::Path,
) -> Result<i32> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let item = store.call(move |s| s.item(id)).await?;
    let agent = config.user.clone().unwrap_or_else(|| "me".into());
    let text = match (&args.text, args.stdin, &args.template) {
        (Some(t), false, None) => t.clone(),
        (None, true, None) => {
            let mut s = String::new();
            io.stdin
                .read_to_string(&mut s)
                .context("reading the reply from standard input")?;
            s.trim_end().to_string()
        }
        (None, false, Some(name)) => {
            let personal = crate::templates::load(&config.templates, templates_dir)
                .map_err(anyhow::Error::msg)?;
            let shared = store.call(|s| s.shared_templates()).await?;
            let all = crate::templates::with_shared(personal, shared);
            let t = all.iter().find(|t| &t.name == name).with_context(|| {
                format!(
                    "no template {name:?} (templates: {})",
                    crate::templates::names(&all)
                )
            })?;
            let mut vars = crate::templates::Vars::for_item(&item, &agent);
            vars.case = store
                .call(move |s| s.followup_for(id))
                .await?
                .map(|f| f.case_number);
            crate::templates::render(&t.body, &vars)
                .map_err(|e| anyhow::anyhow!("template {name:?}: {e}"))?
        }
        _ => bail!("give the reply with --text TEXT, --stdin or --template NAME"),
    };
    if text.trim().is_empty() {
        bail!("the reply is empty");
    }
    let prefix = crate::channels::reply_prefix(&item);
    let text = if !prefix.is_empty() && !text.contains(prefix.trim()) {
        format!("{prefix}{text}")
    } else {
        text
    };
    let acc = config.accounts.get(&item.account).with_context(|| {
        format!(
            "item {id} belongs to account {:?}, which is not in the config",
            item.account
        )
    })?;
    let channel = crate::accounts::open_channel(&item.account, acc, secrets, clock.clone())
        .map_err(anyhow::Error::msg)?;
    let caps = channel.capabilities();
    if !caps.can_reply {
        bail!(
            "{} items cannot be answered in-channel; open {}",
            item.channel,
            item.url.as_deref().unwrap_or("the item's link")
        );
    }
    if let Some(max) = caps.max_len {
        let len = length(&text, caps.length_unit);
        if len > max {
            bail!(
                "the reply has {len} characters; {} allows {max}",
                item.channel
            );
        }
    }
    // Meta refuses a DM after its reply window: say so before anything is queued or sent.
    crate::channels::meta::window::check(&item, clock()).map_err(anyhow::Error::msg)?;
    let who = if item.author.name.is_empty() {
        item.author.handle.clone()
    } else {
        item.author.name.clone()
    };
    writeln!(
        io.out,
        "Reply to {} ({}) on {} · {} · answering #{id}:",
        sanitize::one_line(&who),
        sanitize::one_line(&item.author.handle),
        item.account,
        item.visibility
    )?;
    writeln!(io.out, "{text}")?;
    if !io.confirm(args.yes, "Send it?", "not sending without confirmation")? {
        writeln!(io.out, "Not sent.")?;
        return Ok(1);
    }
    // Listening from here on: an interrupted send is reported, never silent.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("listening for ctrl-c")?;
    // Durable first: the reply is in the outbox before any network call, with its key.
    let key = crate::outbox::new_key(id);
    let (queued, me, again) = (text.clone(), agent.clone(), args.again);
    let taken = store
        .call(move |s| {
            let now = Timestamp::now();
            if again {
                s.enqueue_reply(id, &queued, &key, now).map(Ok)
            } else {
                s.enqueue_first_reply(id, &queued, &key, &me, now)
            }
        })
        .await?;
    let oid = match taken {
        Ok(oid) => oid,
        Err(answered) => {
            writeln!(
                io.out,
                "Not sent: {} since the latest message of #{id}; nothing was queued. \
                 To send another message anyway, add --again.",
                sanitize::one_line(&answered.to_string())
            )?;
            return Ok(ANSWERED);
        }
    };
    let mut channels = HashMap::new();
    channels.insert(item.account.clone(), channel);
    let sent = tokio::select! {
        code = send(&store, &channels, oid, &agent, &clock, &mut *io.out) => Some(code),
        _ = interrupt.recv() => None,
    };
    match sent {
        Some(code) => code,
        None => interrupted(&store, oid, io.out).await,
    }
}

/// Exit code: the item's latest message already has a reply (sent, queued or being sent).
const ANSWERED: i32 = 4;
/// Exit code: interrupted by ctrl-c (128 + SIGINT, as shells report it).
const INTERRUPTED: i32 = 130;

/// Say what becomes of a reply whose sending was interrupted.
async fn interrupted(store: &StoreHandle, oid: i64, out: &mut dyn Write) -> Result<i32> {
    let state = store
        .call(move |s| s.outbox_entry(oid))
        .await?
        .map(|e| e.state);
    let what = match state {
        Some(OutboxState::Sent) => "the reply was already sent".to_string(),
        Some(OutboxState::Failed) => {
            "the reply was not sent; it is kept in the outbox (edit and resend it in the inbox, o)"
                .to_string()
        }
        _ => format!(
            "the reply stays queued (outbox entry {oid}) and is sent by `tinbox` or `tinbox sync`; \
             if it already reached the network it is not posted twice (it keeps its idempotency key)"
        ),
    };
    writeln!(out, "Interrupted: {what}.")?;
    Ok(INTERRUPTED)
}

/// Send the queued entry now, retrying transient failures a few times.
async fn send(
    store: &StoreHandle,
    channels: &HashMap<String, Arc<dyn Channel>>,
    oid: i64,
    user: &str,
    clock: &Clock,
    out: &mut dyn Write,
) -> Result<i32> {
    for attempt in 1..=ATTEMPTS {
        let entry = store
            .call(move |s| s.outbox_entry(oid))
            .await?
            .context("the queued reply vanished from the outbox")?;
        let Some(event) = crate::outbox::attempt(store, channels, &entry, user, clock).await?
        else {
            // A teammate's tinbox took it from the shared outbox: it goes out once, from there.
            return sent_elsewhere(store, oid, out).await;
        };
        match event {
            OutboxEvent::Sent { remote_id, .. } => {
                writeln!(out, "Sent: {remote_id}")?;
                return Ok(0);
            }
            OutboxEvent::Failed { error, .. } => {
                writeln!(
                    out,
                    "Not sent: {error}. The reply is kept in the outbox; edit and resend it in the inbox (o)."
                )?;
                return Ok(1);
            }
            OutboxEvent::Retrying { error, at, .. } => {
                let wait = Timestamp::now().duration_until(at).as_secs().max(1);
                if attempt == ATTEMPTS || wait > 60 {
                    writeln!(
                        out,
                        "Not sent yet: {error}. It stays queued and goes out with `tinbox` or `tinbox sync` after {}.",
                        crate::channels::clock_time(&at)
                    )?;
                    return Ok(1);
                }
                writeln!(
                    out,
                    "Attempt {attempt} failed ({error}); retrying in {wait}s…"
                )?;
                tokio::time::sleep(Duration::from_secs(wait.unsigned_abs())).await;
            }
        }
    }
    Ok(1)
}

/// Another instance is sending the reply: wait (a little) for it to say so.
async fn sent_elsewhere(store: &StoreHandle, oid: i64, out: &mut dyn Write) -> Result<i32> {
    for _ in 0..60 {
        let entry = store.call(move |s| s.outbox_entry(oid)).await?;
        match entry.map(|e| (e.state, e.remote_id, e.last_error)) {
            Some((OutboxState::Sent, remote, _)) => {
                writeln!(
                    out,
                    "Sent (by another tinbox of the team): {}",
                    remote.unwrap_or_default()
                )?;
                return Ok(0);
            }
            Some((OutboxState::Failed, _, error)) => {
                writeln!(out, "Not sent: {}", error.unwrap_or_default())?;
                return Ok(1);
            }
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    writeln!(out, "Queued; another tinbox of the team is sending it.")?;
    Ok(0)
}
