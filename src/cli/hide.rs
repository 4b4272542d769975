//! `tinbox hide ITEM [--reason TEXT] [--yes]`: hide a public comment (spam, abuse) on its
//! network. Moderation, never deletion: the comment stays, hidden from everyone but its
//! author, and tinbox has no way to delete a customer's words.
//!
//! What can be hidden is [`crate::app::moderation::refusal`]'s rule (Facebook and Instagram
//! comments), checked before any network call. On success the item becomes `ignored` through
//! the store's status rule (so it never breaches) with "hidden on facebook: REASON" in its
//! history; when the network refuses, the item is left as it was. [`hide_item`] (in
//! `crate::moderation`) is also what the inbox's `h` runs.

use anyhow::{Context, Result, bail};
use clap::Args;

use super::reply::Io;
use crate::channels::demo::Clock;
use crate::config::Config;
use crate::model::ItemId;
use crate::moderation::{self, hide_item};
use crate::sanitize;
use crate::secrets::Secrets;
use crate::store::StoreHandle;

#[derive(Debug, Args)]
pub struct HideArgs {
    /// Item id, as printed by `tinbox list`.
    pub item: String,
    /// Why, for the item's history (spam, abuse, …).
    #[arg(long)]
    pub reason: Option<String>,
    /// Hide without asking.
    #[arg(long)]
    pub yes: bool,
}

pub async fn run(
    config: &Config,
    secrets: &Secrets,
    store: StoreHandle,
    args: &HideArgs,
    mut io: Io<'_>,
    clock: Clock,
    who: &str,
) -> Result<i32> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let item = store.call(move |s| s.item(id)).await?;
    if let Some(why) = moderation::refusal(item.channel, item.kind) {
        bail!("cannot hide #{id}: {why}");
    }
    let acc = config.accounts.get(&item.account).with_context(|| {
        format!(
            "item {id} belongs to account {:?}, which is not in the config",
            item.account
        )
    })?;
    let channel = crate::accounts::open_channel(&item.account, acc, secrets, clock)
        .map_err(anyhow::Error::msg)?;
    let author = match item.author.name.as_str() {
        "" => &item.author.handle,
        name => name,
    };
    writeln!(
        io.out,
        "Hide the comment by {} on {} (#{id}), from everyone but its author:",
        sanitize::one_line(author),
        item.channel
    )?;
    writeln!(io.out, "{}", sanitize::one_line(&item.text))?;
    if !io.confirm(args.yes, "Hide it?", "not hiding without confirmation")? {
        writeln!(io.out, "Not hidden.")?;
        return Ok(1);
    }
    let done = hide_item(&store, channel.as_ref(), &item, who, args.reason.as_deref())
        .await
        .map_err(anyhow::Error::msg)?;
    writeln!(io.out, "{done}")?;
    Ok(0)
}
