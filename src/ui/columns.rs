//! The inbox list's columns: which ones a width can hold, and the text of the cells that are
//! more than a field (the kind marker, urgency as a word, the triage cells, search matches,
//! a DM's reply window near its end).
//!
//! Urgency is said in words as well as colour (`BREACHED`, `warn`) so `NO_COLOR` and
//! colour-blind users see it. It goes where the status is: a clock in its warn time or
//! breached only runs for a `new` item, so the word replaces nothing that was said. Meta's
//! reply window closing (`win 1h40`, `win shut`) goes there too, before the clock's word: the
//! WAIT column still shows the clock, and after the window no reply can go out at all.

use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use jiff::Timestamp;

use crate::channels::meta::window::{self, Window};
use crate::model::{Item, Priority, Status};
use crate::sla::TimerState;

pub const STATUS_W: usize = 9;
pub const TIMER_W: usize = 6;
pub const KIND_W: usize = 4;

/// Cells of each column for a list `total` cells wide; 0 hides a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub id: usize,
    pub account: usize,
    pub author: usize,
    pub text: usize,
    pub priority: usize,
    pub assignee: usize,
    pub tags: usize,
}

impl Columns {
    /// Narrow lists (80 columns, or 72 beside the detail pane) keep the id, the kind and a
    /// short account and author, so the message keeps 30 cells at 80 (below 70 the account
    /// goes, so a 60-cell list still shows 20 of the message); from 110 cells on
    /// (a 200-column terminal) priority, assignee and tags get their own columns.
    pub fn for_width(total: usize, id: usize) -> Columns {
        let (account, author) = match total {
            90.. => (10, 16),
            70.. => (7, 12),
            // Beside the detail pane on a 100-column terminal: the pane names the account.
            _ => (0, 10),
        };
        let (priority, assignee, tags) = if total >= 110 { (6, 8, 12) } else { (0, 0, 0) };
        let gap = |w: usize| if w > 0 { w + 1 } else { 0 };
        // The marker (2), then each column with the space after it; the timer last.
        let fixed = 2
            + gap(id)
            + gap(KIND_W)
            + gap(account)
            + gap(author)
            + 1
            + gap(priority)
            + gap(assignee)
            + gap(tags)
            + gap(STATUS_W)
            + TIMER_W;
        Columns {
            id,
            account,
            author,
            text: total.saturating_sub(fixed),
            priority,
            assignee,
            tags,
        }
    }
}

/// Cells the id column needs for the largest id listed (at least the header's one).
pub fn id_width(max_id: i64) -> usize {
    max_id.max(1).ilog10() as usize + 1
}

/// A short marker of an item's kind, from its name: the known kinds have their own, and a
/// kind a future channel brings (`story`, `review`) shows the start of its name.
pub fn kind_marker(name: &str) -> String {
    match name {
        "dm" => "DM".into(),
        "mention" => "@".into(),
        "reply" => "re".into(),
        "quote" => "qt".into(),
        "entry" => "ent".into(),
        "comment" => "cmt".into(),
        "email" => "mail".into(),
        other if other.chars().count() <= KIND_W => other.to_lowercase(),
        other => {
            let start: String = other.chars().take(KIND_W - 1).collect();
            format!("{}…", start.to_lowercase())
        }
    }
}

/// The status cell's word: the urgency of a running clock in its warn time or breached,
/// else the status.
pub fn status_word(status: Status, timer: TimerState) -> &'static str {
    match timer {
        TimerState::Breached => "BREACHED",
        TimerState::Warn => "warn",
        _ => status.as_str(),
    }
}

/// How close Meta's reply window must be for the list to warn.
pub const WINDOW_NEAR_S: i64 = 2 * 3600;

/// Meta's reply window of a DM still waiting for a reply, when it closes within
/// [`WINDOW_NEAR_S`] or has closed (later, a reply is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowNear {
    /// Closes in this long: `1h40`, `25m`.
    Closes(String),
    Shut,
}

impl WindowNear {
    /// The status cell's words: `win 1h40`, `win shut`.
    pub fn cell(&self) -> String {
        match self {
            WindowNear::Closes(left) => format!("win {left}"),
            WindowNear::Shut => "win shut".into(),
        }
    }

    /// Linear mode's words: "reply window closes in 1h40".
    pub fn words(&self) -> String {
        match self {
            WindowNear::Closes(left) => format!("reply window closes in {left}"),
            WindowNear::Shut => "reply window closed".into(),
        }
    }
}

/// The window of `item` if the list should warn of it. An answered or closed item (`timer`
/// `None`) needs no reply, so its window is not news.
pub fn window_near(item: &Item, timer: TimerState, now: Timestamp) -> Option<WindowNear> {
    if timer == TimerState::None {
        return None;
    }
    let closes = match window::of(item, now)? {
        Window::Closed { .. } => return Some(WindowNear::Shut),
        w => w.deadline(),
    };
    let secs = now.duration_until(closes).as_secs();
    (secs <= WINDOW_NEAR_S).then(|| {
        WindowNear::Closes(if secs >= 3600 {
            format!("{}h{:02}", secs / 3600, secs % 3600 / 60)
        } else {
            format!("{}m", (secs / 60).max(1))
        })
    })
}

/// The priority cell: empty for the usual `normal`, so the others stand out.
pub fn priority_word(p: Priority) -> &'static str {
    match p {
        Priority::Normal => "",
        other => other.as_str(),
    }
}

/// The tags cell: `#vip #refund`.
pub fn tags_text(tags: &[String]) -> String {
    let mut out = String::new();
    for t in tags {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('#');
        out.push_str(t);
    }
    out
}

/// `text` as spans in `base`, with every case-insensitive occurrence of `query` in `hit`
/// (patched over `base`, and underlined so a match shows without colour too).
pub fn highlight(text: String, query: Option<&str>, base: Style, hit: Style) -> Vec<Span<'static>> {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return vec![Span::styled(text, base)];
    };
    let ranges = match_ranges(&text, q);
    if ranges.is_empty() {
        return vec![Span::styled(text, base)];
    }
    let hit = base.patch(hit).add_modifier(Modifier::UNDERLINED);
    let mut spans = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for (start, end) in ranges {
        if start > at {
            spans.push(Span::styled(text[at..start].to_string(), base));
        }
        spans.push(Span::styled(text[start..end].to_string(), hit));
        at = end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), base));
    }
    spans
}

/// Byte ranges of the non-overlapping case-insensitive matches of `query` in `text`.
pub fn match_ranges(text: &str, query: &str) -> Vec<(usize, usize)> {
    let q: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let rest = text.get(from..).unwrap_or("");
        let Some(len) = match_len(rest, &q) else {
            // Next char boundary.
            from += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        out.push((from, from + len));
        from += len.max(1);
    }
    out
}

/// Bytes of `text` that match `q` (lowercased) at its start, if they do.
fn match_len(text: &str, q: &[char]) -> Option<usize> {
    let mut want = q.iter();
    let mut len = 0;
    let mut chars = text.chars();
    while want.len() > 0 {
        let c = chars.next()?;
        for lc in c.to_lowercase() {
            if want.next() != Some(&lc) {
                return None;
            }
        }
        len += c.len_utf8();
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_markers_and_unknown_kinds_one_from_their_name() {
        let known: Vec<String> = crate::model::Kind::ALL
            .iter()
            .map(|k| kind_marker(k.as_str()))
            .collect();
        assert_eq!(known.len(), 7);
        for m in &known {
            assert!(crate::fmt::width(m) <= KIND_W, "{m}");
        }
        assert!(known.contains(&"DM".to_string()));
        assert_eq!(kind_marker("email"), "mail");
        assert_eq!(kind_marker("comment"), "cmt");
        assert_eq!(kind_marker("review"), "rev…");
        assert_eq!(kind_marker("SMS"), "sms");
    }

    #[test]
    fn urgency_is_a_word_where_the_status_is() {
        assert_eq!(status_word(Status::New, TimerState::Breached), "BREACHED");
        assert_eq!(status_word(Status::New, TimerState::Warn), "warn");
        assert_eq!(status_word(Status::New, TimerState::Ok), "new");
        assert_eq!(status_word(Status::Pending, TimerState::Paused), "pending");
        assert!("BREACHED".len() <= STATUS_W);
    }

    #[test]
    fn a_dms_window_is_news_within_two_hours_or_once_shut() {
        use crate::model::{ChannelKind, Kind};
        let now = crate::testing::t0();
        let dm = |age_s: i64| {
            let mut it = crate::testing::item(1, now, age_s);
            (it.channel, it.kind) = (ChannelKind::Instagram, Kind::Dm);
            it
        };
        let near = |age_s: i64| window_near(&dm(age_s), TimerState::Ok, now);
        // Received 22h20m ago: the 24-hour window closes in 1h40.
        let w = near(22 * 3600 + 20 * 60).expect("near");
        assert_eq!(
            (w.cell(), w.words()),
            ("win 1h40".into(), "reply window closes in 1h40".into())
        );
        assert_eq!(near(22 * 3600), Some(WindowNear::Closes("2h00".into())));
        assert_eq!(near(22 * 3600 - 60), None, "2h01 is not near");
        assert_eq!(
            near(24 * 3600 - 25 * 60),
            Some(WindowNear::Closes("25m".into()))
        );
        // The human-agent week: far, then near its end, then shut.
        assert_eq!(near(30 * 3600), None);
        assert_eq!(
            near(7 * 86_400 - 3600),
            Some(WindowNear::Closes("1h00".into()))
        );
        assert_eq!(near(8 * 86_400).map(|w| w.cell()), Some("win shut".into()));
        // Answered, or not a DM: nothing to warn of.
        assert_eq!(window_near(&dm(8 * 86_400), TimerState::None, now), None);
        let mut comment = dm(8 * 86_400);
        comment.kind = Kind::Comment;
        assert_eq!(window_near(&comment, TimerState::Ok, now), None);
        assert!("win shut".len() <= STATUS_W && "win 99h59".len() <= STATUS_W);
    }

    #[test]
    fn columns_leave_the_message_room_and_add_triage_when_wide() {
        let at80 = Columns::for_width(80, 2);
        assert!(at80.text >= 30, "{at80:?}");
        assert_eq!((at80.priority, at80.assignee, at80.tags), (0, 0, 0));
        let at120 = Columns::for_width(120, 3);
        assert!(at120.priority > 0 && at120.assignee > 0 && at120.tags > 0);
        assert!(at120.text >= 30, "{at120:?}");
        assert!(Columns::for_width(60, 2).text >= 20);
        // Nothing overflows however narrow.
        assert_eq!(Columns::for_width(10, 2).text, 0);
    }

    #[test]
    fn matches_are_found_whatever_the_case_and_script() {
        assert_eq!(match_ranges("Order ORDER order", "order").len(), 3);
        assert_eq!(match_ranges("Zoë ZOË", "zoë"), vec![(0, 4), (5, 9)]);
        assert_eq!(match_ranges("田中 美咲", "美咲"), vec![(7, 13)]);
        assert!(match_ranges("abc", "abcd").is_empty());
        let spans = highlight("my order".into(), Some("ORD"), Style::new(), Style::new());
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["my ", "ord", "er"]);
        assert!(spans[1].style.add_modifier.contains(Modifier::UNDERLINED));
    }

    #[test]
    fn id_width_follows_the_largest_id() {
        let list = |ids: &[i64]| {
            crate::app::list::List::whole(
                ids.iter()
                    .map(|&i| {
                        crate::model::ItemRow::from(&crate::testing::item(
                            i,
                            crate::testing::t0(),
                            1,
                        ))
                    })
                    .collect(),
            )
        };
        assert_eq!(id_width(list(&[]).max_id()), 1);
        assert_eq!(id_width(list(&[3, 12]).max_id()), 2);
        assert_eq!(id_width(list(&[1000]).max_id()), 4);
    }
}
