//! An [`ItemQuery`] as SQL conditions, for both backends: statuses, account, the `l` filter
//! (all of it but `is:breaching`, which needs the clock: the caller's) and search, so that
//! the database does the filtering and `LIMIT` cuts what passed it. Every value from a user
//! is a bound argument; only our own constants are written into the statement (the status
//! names, so that the list of open items is the very expression of the `items_open` index).
//! Each condition means what [`crate::filter::Filter::matches`] means on a row.

use super::search::{fts_match, like_pattern};
use super::sql::{Arg, Cols, Sql};
use super::{ItemQuery, StoreResult};
use crate::model::Status;

/// Where the two backends' SQL differs in a list query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The statuses listed, in [`Status::ALL`] order: the query's (none: the open ones; `all`:
/// every one), narrowed by the filter's. `None`: no condition (every status).
fn statuses(q: &ItemQuery) -> Option<Vec<Status>> {
    let wanted = |s: &Status| {
        if q.all {
            true
        } else if q.statuses.is_empty() {
            s.is_open()
        } else {
            q.statuses.contains(s)
        }
    };
    let filtered = q
        .filter
        .as_ref()
        .map(|f| &f.statuses)
        .filter(|f| !f.is_empty());
    let set: Vec<Status> = Status::ALL
        .iter()
        .copied()
        .filter(|s| wanted(s) && filtered.is_none_or(|f| f.contains(s)))
        .collect();
    (set.len() < Status::ALL.len()).then_some(set)
}

/// The `FROM` of a list: SQLite is told to walk the open items' index in list order when
/// only open items are listed (without statistics it would rather look each status up and
/// sort them all, a million of them in a big store).
/// A page of a search over every item, too: walked newest first until the page is full, not
/// every match read and sorted (half a store's rows, whole, for a common word); and one
/// account's items (not looked up by account and sorted).
pub(crate) fn from_items(d: Dialect, q: &ItemQuery) -> &'static str {
    let set = statuses(q);
    let open_only = set
        .as_ref()
        .is_some_and(|set| !set.is_empty() && set.iter().all(|s| s.is_open()));
    let searching = q.search.is_some() || q.filter.as_ref().is_some_and(|f| !f.words.is_empty());
    match d {
        Dialect::Sqlite if open_only => "items i INDEXED BY items_open",
        Dialect::Sqlite
            if set.is_none() && (searching && q.limit.is_some() || q.account.is_some()) =>
        {
            "items i INDEXED BY items_created"
        }
        _ => "items i",
    }
}

/// `column IN (?a, ?b, …)` with the values bound; no values: `FALSE`.
fn any_of<'a>(
    column: &str,
    values: impl IntoIterator<Item = String>,
    args: &mut Vec<Arg<'a>>,
) -> String {
    let marks: Vec<String> = values
        .into_iter()
        .map(|v| {
            args.push(Arg::from(v));
            format!("?{}", args.len())
        })
        .collect();
    if marks.is_empty() {
        return "FALSE".into();
    }
    format!("{column} IN ({})", marks.join(", "))
}

/// `column` with its ASCII letters lowercased, as `eq_ignore_ascii_case` compares: SQLite's
/// `LOWER` does only ASCII; PostgreSQL's does only ASCII in the "C" collation.
fn ascii_lower(d: Dialect, column: &str) -> String {
    match d {
        Dialect::Sqlite => format!("LOWER({column})"),
        Dialect::Postgres => format!("LOWER({column} COLLATE \"C\")"),
    }
}

/// The conditions of `q` (each ` AND …`), their values pushed on `args` (numbered after the
/// ones already there). `s` reads the account names when the filter names accounts (they
/// are matched ignoring case, as Rust lowercases, which SQL does not do the same way).
pub(crate) fn conditions<'a, S: Sql>(
    s: &mut S,
    d: Dialect,
    q: &ItemQuery,
    args: &mut Vec<Arg<'a>>,
) -> StoreResult<String> {
    conditions_as(s, d, q, args, false)
}

/// [`conditions`], the search words matched by `LIKE` on `search_text` when `like` (on
/// SQLite too: a row at hand is checked, no index is needed; FTS5 reads every match).
pub(crate) fn conditions_as<'a, S: Sql>(
    s: &mut S,
    d: Dialect,
    q: &ItemQuery,
    args: &mut Vec<Arg<'a>>,
    like: bool,
) -> StoreResult<String> {
    let mut sql = String::new();
    if let Some(set) = statuses(q) {
        let list = |set: &[Status]| {
            let names: Vec<String> = set.iter().map(|s| format!("'{}'", s.as_str())).collect();
            format!(" AND i.status IN ({})", names.join(", "))
        };
        let open: Vec<Status> = Status::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect();
        if set.is_empty() {
            sql.push_str(" AND FALSE");
        } else if set != open && set.iter().all(|s| s.is_open()) {
            // Some open statuses: the open list too, so that its index serves the order.
            sql.push_str(&list(&open));
            sql.push_str(&list(&set));
        } else {
            sql.push_str(&list(&set));
        }
    }
    if let Some(after) = q.after {
        // The anchor's key is read first: a constant range the list's index walks from.
        let key: Vec<i64> = s.rows(
            "SELECT created_at FROM items WHERE id = ?1",
            &[Arg::from(after.0)],
            |r| r.col(0),
        )?;
        match key.first() {
            Some(&created) => {
                args.push(Arg::from(created));
                args.push(Arg::from(after.0));
                let n = args.len();
                // A row value: both databases walk an index on (created_at, id) from it.
                sql.push_str(&format!(" AND (i.created_at, i.id) < (?{}, ?{n})", n - 1));
            }
            None => sql.push_str(" AND FALSE"),
        }
    }
    if let Some(a) = &q.account {
        args.push(Arg::from(a.clone()));
        sql.push_str(&format!(" AND i.account = ?{}", args.len()));
    }
    let mut terms = q
        .search
        .as_deref()
        .map(|s| crate::filter::query_terms(&crate::filter::search_words(s)))
        .unwrap_or_default();
    if let Some(f) = &q.filter {
        let strs = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
        if !f.channels.is_empty() {
            let v = strs(f.channels.iter().map(|c| c.as_str()).collect());
            sql.push_str(&format!(" AND {}", any_of("i.channel", v, args)));
        }
        if !f.accounts.is_empty() {
            let names: Vec<String> = s.rows("SELECT name FROM accounts", &[], |r| r.col(0))?;
            let v = names
                .into_iter()
                .filter(|n: &String| f.accounts.contains(&n.to_lowercase()));
            sql.push_str(&format!(" AND {}", any_of("i.account", v, args)));
        }
        if !f.kinds.is_empty() {
            let v = strs(f.kinds.iter().map(|k| k.as_str()).collect());
            sql.push_str(&format!(" AND {}", any_of("i.kind", v, args)));
        }
        if !f.priorities.is_empty() {
            let v = strs(f.priorities.iter().map(|p| p.as_str()).collect());
            sql.push_str(&format!(" AND {}", any_of("i.priority", v, args)));
        }
        if !f.tags.is_empty() {
            // Tags are a JSON array of strings; one of them must be one of the filter's.
            let from = match d {
                Dialect::Sqlite => "json_each(i.tags) AS t",
                Dialect::Postgres => "json_array_elements_text(i.tags::json) AS t(value)",
            };
            let any = any_of("t.value", f.tags.iter().cloned(), args);
            sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM {from} WHERE {any})"));
        }
        if !f.assignees.is_empty() {
            sql.push_str(&format!(" AND ({})", assignee(d, f, q, args)));
        }
        if let Some(unread) = f.unread {
            let read = match s.user() {
                Some(user) => {
                    args.push(Arg::from(user));
                    format!(
                        "EXISTS (SELECT 1 FROM item_reads r WHERE r.item_id = i.id AND r.who = ?{})",
                        args.len()
                    )
                }
                None => "i.read".into(),
            };
            let not = if unread { "NOT " } else { "" };
            sql.push_str(&format!(" AND {not}{read}"));
        }
        terms.extend(crate::filter::query_terms(&f.search_words()));
    }
    if !terms.is_empty() {
        match d {
            Dialect::Sqlite if !like => {
                args.push(Arg::from(fts_match(&terms)));
                sql.push_str(&format!(
                    " AND i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?{})",
                    args.len()
                ));
            }
            _ => {
                for t in &terms {
                    args.push(Arg::from(like_pattern(t)));
                    sql.push_str(&format!(
                        " AND i.search_text LIKE ?{} ESCAPE '\\'",
                        args.len()
                    ));
                }
            }
        }
    }
    Ok(sql)
}

/// `assignee:` — `none`: nobody (or someone named "none"); `me`: the query's user; a name:
/// that person; letters compared ignoring ASCII case.
fn assignee<'a>(
    d: Dialect,
    f: &crate::filter::Filter,
    q: &ItemQuery,
    args: &mut Vec<Arg<'a>>,
) -> String {
    let lower = ascii_lower(d, "i.assignee");
    let mut any = Vec::new();
    for a in &f.assignees {
        let name = match a.as_str() {
            "me" => q.me.clone().unwrap_or_default(),
            "none" => {
                any.push("i.assignee IS NULL".to_string());
                a.clone()
            }
            _ => a.clone(),
        };
        args.push(Arg::from(name.to_ascii_lowercase()));
        any.push(format!("{lower} = ?{}", args.len()));
    }
    any.join(" OR ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_list_is_the_open_index_expression() {
        let q = ItemQuery::default();
        let set: Vec<&str> = statuses(&q)
            .expect("open")
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(set, ["new", "pending", "snoozed", "follow_up"]);
        let open = "status IN ('new', 'pending', 'snoozed', 'follow_up')";
        for m in [
            include_str!("migrations/0004_search.sql"),
            include_str!("pg_migrations/0004_search.sql"),
        ] {
            assert!(m.contains(open), "the index is on the open list");
        }
        assert_eq!(
            statuses(&ItemQuery {
                all: true,
                ..ItemQuery::default()
            }),
            None
        );
    }
}
