//! The config's error: where in which file, and what is wrong with which key.

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `file:line:col: message` — the message names the key.
    #[error("{file}:{line}:{col}: {message}")]
    At {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("cannot read the config file {file}: {reason}")]
    Read { file: String, reason: String },
    #[error("{0}")]
    Paths(String),
}
