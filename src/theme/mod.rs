//! Themes: semantic roles mapped to styles, shipped as `themes/*.toml` and embedded.
//!
//! A theme file sets some roles; the rest fall back along [`Role::fallback`] to `text`.
//! Colours are checked when the theme loads (a bad one is an error naming file and key).

mod parse;
mod roles;

use std::collections::HashMap;
use std::path::Path;

pub use parse::ThemeError;
pub use roles::{Role, Theme};

/// The built-in themes, embedded in the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

impl Theme {
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    pub fn builtin(name: &str) -> Option<Result<Theme, ThemeError>> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| parse::parse(text, &format!("themes/{n}.toml (built in)")))
    }

    /// No colours at all, only modifiers: for tests and `NO_COLOR`.
    pub fn monochrome() -> Theme {
        match Theme::builtin("monochrome") {
            Some(Ok(t)) => t,
            // The embedded file is tested; this fallback only keeps a broken build usable.
            _ => Theme {
                name: "monochrome".into(),
                styles: HashMap::new(),
            },
        }
    }

    /// `<user_dir>/<name>.toml` first, then the built-ins.
    pub fn load(name: &str, user_dir: &Path) -> Result<Theme, ThemeError> {
        let file = user_dir.join(format!("{name}.toml"));
        if file.is_file() {
            let text = std::fs::read_to_string(&file).map_err(|e| ThemeError {
                file: file.display().to_string(),
                message: e.to_string(),
            })?;
            return parse::parse(&text, &file.display().to_string());
        }
        Theme::builtin(name).unwrap_or_else(|| {
            Err(ThemeError {
                file: file.display().to_string(),
                message: format!(
                    "no theme {name:?}; built in: {}",
                    Theme::builtin_names().join(", ")
                ),
            })
        })
    }
}

/// The theme to use: monochrome when `NO_COLOR` is set, else the configured one.
pub fn select(config_theme: &str, no_color: bool, user_dir: &Path) -> Result<Theme, ThemeError> {
    if no_color {
        Ok(Theme::monochrome())
    } else {
        Theme::load(config_theme, user_dir)
    }
}

#[cfg(test)]
mod tests;
