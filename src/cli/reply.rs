//! `tinbox reply ITEM --text T [--yes]`: send a reply on the item's channel and thread.
//!
//! The text is saved as the item's draft before anything goes on the network, one
//! idempotency key is chosen for all attempts, and transient failures are retried with it,
//! so the reply arrives once. (The durable outbox generalizes this.)

use std::io::{BufRead, Write};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use super::ReplyArgs;
use crate::app::composer::length;
use crate::channels::demo::Clock;
use crate::channels::{ChannelError, ReplyRequest};
use crate::config::Config;
use crate::model::ItemId;
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

pub async fn run(
    config: &Config,
    secrets: &Secrets,
    store: StoreHandle,
    args: &ReplyArgs,
    io: Io<'_>,
    clock: Clock,
) -> Result<i32> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let text = match (&args.text, args.stdin) {
        (Some(t), false) => t.clone(),
        (None, true) => {
            let mut s = String::new();
            io.stdin
                .read_to_string(&mut s)
                .context("reading the reply from standard input")?;
            s.trim_end().to_string()
        }
        _ => bail!("give the reply with --text TEXT or --stdin"),
    };
    if text.trim().is_empty() {
        bail!("the reply is empty");
    }
    let item = store.call(move |s| s.item(id)).await?;
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
    let channel = crate::accounts::open_channel(&item.account, acc, secrets, clock)
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
    if !args.yes {
        if !io.interactive {
            bail!("not sending without confirmation: add --yes");
        }
        write!(io.out, "Send it? [y/N] ")?;
        io.out.flush()?;
        let mut answer = String::new();
        io.stdin.read_line(&mut answer)?;
        if !answer.trim().eq_ignore_ascii_case("y") {
            writeln!(io.out, "Not sent.")?;
            return Ok(1);
        }
    }
    // Durable first: whatever happens next, the text is kept.
    let draft = text.clone();
    store
        .call(move |s| s.save_draft(id, &draft, Timestamp::now()))
        .await?;
    let req = ReplyRequest {
        in_reply_to: item.remote_id.clone(),
        thread_root: item.thread_root.clone(),
        visibility: item.visibility,
        text: text.clone(),
        idempotency_key: format!("tinbox-{}-{:016x}", id.0, fastrand::u64(..)),
    };
    let mut attempt = 0;
    let sent = loop {
        attempt += 1;
        match channel.send_reply(&req).await {
            Ok(sent) => break sent,
            Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                let wait = match &e {
                    ChannelError::RateLimited { until } => {
                        let secs = Timestamp::now().duration_until(*until).as_secs();
                        if secs > 60 {
                            writeln!(
                                io.out,
                                "Not sent: {e}. Your text is saved as the draft of #{id}."
                            )?;
                            return Ok(1);
                        }
                        Duration::from_secs(secs.max(1).unsigned_abs())
                    }
                    _ => Duration::from_secs(1 << (attempt - 1)),
                };
                writeln!(
                    io.out,
                    "Attempt {attempt} failed ({e}); retrying in {}s…",
                    wait.as_secs()
                )?;
                tokio::time::sleep(wait).await;
            }
            Err(e) => {
                writeln!(
                    io.out,
                    "Not sent: {e}. Your text is saved as the draft of #{id}."
                )?;
                return Ok(1);
            }
        }
    };
    let (remote, user) = (
        sent.remote_id.clone(),
        config.user.clone().unwrap_or_else(|| "me".into()),
    );
    store
        .call(move |s| s.record_reply(id, &remote, &text, &user, sent.created_at))
        .await?;
    writeln!(
        io.out,
        "Sent: {}",
        sent.url.as_deref().unwrap_or(&sent.remote_id)
    )?;
    Ok(0)
}
