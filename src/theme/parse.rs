//! Theme files: `name`, then `[roles]` with `{ fg, bg, bold, italic, underlined, reversed, dim }`.

use std::collections::{BTreeMap, HashMap};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use super::roles::{Role, Theme};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme {file}: {message}")]
pub struct ThemeError {
    pub file: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    name: Option<String>,
    #[serde(default)]
    roles: BTreeMap<String, RawStyle>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

pub fn parse(text: &str, file: &str) -> Result<Theme, ThemeError> {
    let fail = |message: String| ThemeError {
        file: file.to_string(),
        message,
    };
    let raw: RawTheme = toml::from_str(text).map_err(|e| fail(e.message().trim().to_string()))?;
    let mut set: HashMap<Role, Style> = HashMap::new();
    for (key, rs) in &raw.roles {
        let role = Role::from_name(key).ok_or_else(|| {
            let names: Vec<_> = Role::ALL.iter().map(|r| r.name()).collect();
            fail(format!(
                "unknown role {key:?} (roles: {})",
                names.join(", ")
            ))
        })?;
        let mut style = Style::default();
        if let Some(fg) = &rs.fg {
            style = style.fg(color(fg).map_err(|e| fail(format!("roles.{key}.fg: {e}")))?);
        }
        if let Some(bg) = &rs.bg {
            style = style.bg(color(bg).map_err(|e| fail(format!("roles.{key}.bg: {e}")))?);
        }
        for (on, m) in [
            (rs.bold, Modifier::BOLD),
            (rs.italic, Modifier::ITALIC),
            (rs.underlined, Modifier::UNDERLINED),
            (rs.reversed, Modifier::REVERSED),
            (rs.dim, Modifier::DIM),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        set.insert(role, style);
    }
    // Resolve fallbacks: an unset role takes its fallback's style (chains end at `text`).
    let mut styles = HashMap::new();
    for &role in Role::ALL {
        let mut r = role;
        let style = loop {
            if let Some(s) = set.get(&r) {
                break *s;
            }
            if r == Role::Text {
                break Style::default();
            }
            r = r.fallback();
        };
        styles.insert(role, style);
    }
    Ok(Theme {
        name: raw.name.unwrap_or_else(|| file.to_string()),
        styles,
    })
}

/// `#rgb`, `#rrggbb`, `0`–`255`, a ratatui colour name, or `reset`.
pub fn color(s: &str) -> Result<Color, String> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        let digits: Option<Vec<u8>> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect();
        return match (digits, hex.len()) {
            (Some(d), 3) => Ok(Color::Rgb(d[0] * 17, d[1] * 17, d[2] * 17)),
            (Some(d), 6) => Ok(Color::Rgb(
                d[0] * 16 + d[1],
                d[2] * 16 + d[3],
                d[4] * 16 + d[5],
            )),
            _ => Err(format!("{s:?} is not a colour (#rgb or #rrggbb)")),
        };
    }
    if let Ok(i) = s.parse::<u8>() {
        return Ok(Color::Indexed(i));
    }
    s.parse::<Color>()
        .map_err(|_| format!("{s:?} is not a colour (a name like \"red\", #rrggbb, or 0-255)"))
}
