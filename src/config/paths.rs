//! Where tinbox keeps things. (Skeleton.)
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub config_file: PathBuf,
    pub themes_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log_file: PathBuf,
}
