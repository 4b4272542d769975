//! Configuration: embedded defaults + the user's partial TOML file → a resolved [`Config`].
//!
//! Every key is optional. Unknown keys and bad values are errors that name the file, the
//! line and the key. Nothing is ever written into the user's config directory.

mod accounts;
mod context;
mod error;
pub mod paths;
mod raw;
mod raw_rules;
mod resolved;
mod url;

use std::path::Path;

pub use error::ConfigError;
pub use paths::Paths;
pub use resolved::{
    AccountConfig, Config, EmailSettings, PolicyRule, StoreConfig, XSettings, YoutubeSettings,
};
pub use url::{assume_https, check_mail_url, check_url, is_loopback_url};

/// Parse a config file's text. `origin` is only used in error messages.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    raw::parse(text, origin)
}

/// Load `paths.config_file`; a missing file means the defaults, unless `--config` named it
/// (a typo there must not silently run on the defaults).
pub fn load(paths: &Paths) -> Result<Config, ConfigError> {
    match std::fs::read_to_string(&paths.config_file) {
        Ok(text) => parse(&text, &paths.config_file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !paths.config_named => {
            Ok(Config::default())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::Read {
            file: paths.config_file.display().to_string(),
            reason: "no such file (named by --config)".into(),
        }),
        Err(e) => Err(ConfigError::Read {
            file: paths.config_file.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
