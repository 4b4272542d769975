//! Turning configured accounts into channel clients.

use std::sync::Arc;

use crate::channels::Channel;
use crate::channels::demo::{Clock, DemoChannel};
use crate::config::AccountConfig;
use crate::model::ChannelKind;

/// A channel client for one configured account, or a message saying why there is none.
pub fn open_channel(
    name: &str,
    cfg: &AccountConfig,
    clock: Clock,
) -> Result<Arc<dyn Channel>, String> {
    match cfg.channel {
        ChannelKind::Demo => Ok(Arc::new(DemoChannel::new(seed_for(name), clock))),
        other => Err(format!(
            "account {name:?}: the {other} channel is not available in this build of tinbox yet"
        )),
    }
}

/// A stable seed per account name, so two demo accounts simulate different people.
fn seed_for(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
