//! Reading the file: values with their spans ([`S`]) and [`Ctx`], which turns a bad value
//! into an error naming the file, line, column and key, with a "did you mean" hint for a
//! mistyped key. Shared by the top level, the accounts and the rules.

use std::path::Path;
use std::str::FromStr;

use toml::Spanned;

use super::error::ConfigError;
use crate::fmt::parse_duration;

pub(super) type S<T> = Spanned<T>;

/// Errors at a place in the file.
pub(super) struct Ctx<'a> {
    text: &'a str,
    file: String,
}

impl<'a> Ctx<'a> {
    /// Errors in `text`, read from `origin`.
    pub(super) fn new(text: &'a str, origin: &Path) -> Ctx<'a> {
        Ctx {
            text,
            file: origin.display().to_string(),
        }
    }
}

impl Ctx<'_> {
    pub(super) fn at(&self, offset: usize, message: String) -> ConfigError {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        ConfigError::At {
            file: self.file.clone(),
            line,
            col,
            message,
        }
    }

    pub(super) fn bad<T>(&self, v: &S<T>, key: &str, why: String) -> ConfigError {
        self.at(v.span().start, format!("{key}: {why}"))
    }

    pub(super) fn duration(&self, v: &S<String>, key: &str) -> Result<i64, ConfigError> {
        parse_duration(v.get_ref()).map_err(|e| self.bad(v, key, e))
    }

    pub(super) fn parse<T: FromStr<Err = String>>(
        &self,
        v: &S<String>,
        key: &str,
    ) -> Result<T, ConfigError> {
        v.get_ref().parse::<T>().map_err(|e| self.bad(v, key, e))
    }
}

/// serde's "unknown field `handel`, expected one of `channel`, `handle`, …" with the likely
/// intended key named: "… (did you mean `handle`?)".
pub(super) fn with_hint(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((typed, rest)) = rest.split_once('`') else {
        return message.to_string();
    };
    let best = rest
        .split('`')
        .skip(1)
        .step_by(2)
        // Optimal string alignment: swapping two neighbours counts once (`handel` is one step
        // from `handle`).
        .map(|k| (strsim::osa_distance(typed, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, k)) => format!("{message} (did you mean `{k}`?)"),
        None => message.to_string(),
    }
}
