//! Configuration. (Skeleton: the config helper fills this in.)

pub mod paths;

use std::collections::BTreeMap;

pub use paths::Paths;

use crate::model::ChannelKind;
use crate::sla::Policy;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub theme: String,
    pub backfill_s: i64,
    pub user: Option<String>,
    pub sla: Policy,
    pub accounts: BTreeMap<String, AccountConfig>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    pub channel: ChannelKind,
    pub poll_s: i64,
}
