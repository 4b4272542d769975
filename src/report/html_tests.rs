use regex::Regex;

use super::*;
use crate::report::{Day, Report, Responder, Row};

/// The bars of chart `id` for `series`: (category, value) in drawing order.
pub fn bars(html: &str, id: &str, series: &str) -> Vec<(String, i64)> {
    let start = html
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + html[start..].find("</svg>").expect("closed svg");
    let re = Regex::new(r#"data-category="([^"]*)" data-series="([^"]*)" data-value="(-?\d+)""#)
        .expect("regex");
    re.captures_iter(&html[start..end])
        .filter(|c| &c[2] == series)
        .map(|c| (c[1].to_string(), c[3].parse().expect("number")))
        .collect()
}

fn day(date: &str, n: usize, median: Option<i64>) -> Day {
    Day {
        date: date.into(),
        items_in: n,
        replied: usize::from(median.is_some()),
        median_first_response_s: median,
        p90_first_response_s: median.map(|m| m * 2),
        breaches: 0,
        followups_opened: 1,
        followups_closed: 0,
    }
}

fn report() -> Report {
    let row = |account: &str, median: i64| Row {
        channel: "mastodon".into(),
        account: account.into(),
        items_in: 4,
        replied: 3,
        median_first_response_s: Some(median),
        p90_first_response_s: Some(median * 3),
        breaches: 2,
        ..Row::default()
    };
    Report {
        since: "2026-11-25T10:00:00Z".into(),
        until: "2026-12-02T10:00:00Z".into(),
        rows: vec![row("brand", 300), row("<script>alert(1)</script>", 90)],
        total: row("all", 200),
        days: vec![
            day("2026-11-26", 3, Some(120)),
            day("2026-11-27", 0, None),
            day("2026-11-28", 5, Some(4000)),
        ],
        responders: vec![Responder {
            who: "Kim \"K\" & co".into(),
            replied: 3,
            median_first_response_s: Some(60),
            p90_first_response_s: Some(600),
            breaches: 0,
        }],
    }
}

#[test]
fn one_bar_per_day_with_the_reports_figures() {
    let r = report();
    let html = render(&r, "Brand care");
    let volume = bars(&html, "daily-volume", "items in");
    assert_eq!(volume.len(), r.days.len(), "one bar per day");
    for (bar, d) in volume.iter().zip(&r.days) {
        assert_eq!(
            (bar.0.as_str(), bar.1),
            (d.date.as_str(), d.items_in as i64)
        );
    }
    let medians = bars(&html, "daily-first-response", "median");
    let expected: Vec<_> = r
        .days
        .iter()
        .filter_map(|d| Some((d.date.clone(), d.median_first_response_s?)))
        .collect();
    assert_eq!(
        medians, expected,
        "a day without answers draws no median bar"
    );
    let per_channel = bars(&html, "channel-first-response", "p90");
    assert_eq!(
        per_channel.iter().map(|b| b.1).collect::<Vec<_>>(),
        vec![900, 270]
    );
    assert_eq!(bars(&html, "responder-first-response", "median").len(), 1);
}

#[test]
fn names_are_escaped_and_nothing_is_fetched() {
    let html = render(&report(), "Brand <care>");
    assert!(!html.contains("<script"), "a name cannot inject markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Kim &quot;K&quot; &amp; co"));
    assert!(html.contains("<h1>Brand &lt;care&gt;</h1>"));
    // Self-contained: the only address is the SVG namespace.
    let addresses = Regex::new(r"https?://[^\s\x22]+").expect("regex");
    for m in addresses.find_iter(&html) {
        assert_eq!(
            m.as_str(),
            "http://www.w3.org/2000/svg",
            "external reference"
        );
    }
    for banned in ["<link", "<img", "@import", "url(", "<iframe", "src="] {
        assert!(!html.contains(banned), "{banned} in the page");
    }
}

#[test]
fn an_empty_period_says_so() {
    let mut r = report();
    r.days.clear();
    r.rows.clear();
    r.responders.clear();
    let html = render(&r, "Brand");
    assert!(html.contains("Nothing in this period."));
    assert!(!html.contains("Per responder"));
}
