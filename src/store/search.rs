//! Search in the database, the same on both backends and the same as the inbox's
//! [`crate::filter::words_match`]: an item is found by its `search_text` column, the words
//! ([`crate::filter::search_words`]) of its author's handle and name and of its text, each
//! after one space (` kim example social kim hello`). The store writes it on ingest; migration
//! 4 fills it for older rows. A query term ([`crate::filter::query_terms`]) must start one of
//! those words: in SQLite an FTS5 prefix query on an index of the column (tokenizer `ascii`:
//! every space-separated word of the column is one token, exactly, whatever its letters), in
//! PostgreSQL `search_text LIKE '% term%'` (a `pg_trgm` index when the server has it).

/// The line of a migration file where the store fills `search_text` of the rows already
/// stored (in Rust: the words are Rust's [`crate::filter::search_words`], which SQL cannot
/// compute the same way); what follows runs after the fill.
pub(crate) const FILL_MARK: &str = "-- @fill search_text";

/// An item's `search_text`: each word of its author's handle, name and text, after a space.
pub(crate) fn search_text(handle: &str, name: &str, text: &str) -> String {
    let mut out = String::with_capacity(handle.len() + name.len() + text.len() + 3);
    for part in [handle, name, text] {
        for word in crate::filter::search_words(part) {
            out.push(' ');
            out.push_str(&word);
        }
    }
    out
}

/// An FTS5 query: every term as a quoted prefix (`"refu"* "kim"*`, all must match). A term
/// is letters and digits only, but quoting does not rely on it: a `"` is doubled, so no
/// FTS5 syntax (`AND`, `NEAR(`, `*`, `-`, `:`) in user text is ever read as syntax.
pub(crate) fn fts_match(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `LIKE` pattern (escape character `\`) for a word of `search_text` that starts with `term`.
pub(crate) fn like_pattern(term: &str) -> String {
    let mut p = String::from("% ");
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The two parts of a migration: before the fill and after it (empty when it has none).
pub(crate) fn split_at_fill(sql: &str) -> (&str, &str) {
    sql.split_once(FILL_MARK).unwrap_or((sql, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_the_words_each_after_a_space() {
        assert_eq!(
            search_text("@Kim@Example.social", "Kim", "Order #4411: l'ÉTÉ ☕"),
            " kim example social kim order 4411 l été"
        );
        assert_eq!(search_text("", "", "☕ !"), "");
    }

    #[test]
    fn user_text_stays_quoted() {
        assert_eq!(
            fts_match(&["a\"b".into(), "near".into()]),
            "\"a\"\"b\"* \"near\"*"
        );
        assert_eq!(like_pattern("a%_\\"), "% a\\%\\_\\\\%");
    }
}
