//! `tinbox report --html FILE`: the weekly report a community manager sends on, as one
//! self-contained page. No scripts, no fonts, no images from anywhere: inline CSS and inline
//! SVG charts only, so it opens the same from a mail attachment, offline, years later.
//!
//! Every figure comes from the [`Report`] that `report --json` prints; each bar carries its
//! value in `data-value` (seconds for times), so a test can hold the page to the JSON.
//! Account and responder names are escaped (they can be anything a teammate typed).

use std::fmt::Write as _;

use super::{Report, Row};
use crate::sla::format_age;

/// One bar series of a chart: a legend name, a CSS class for its colour, a value per category.
struct Series<'a> {
    name: &'a str,
    class: &'a str,
    values: Vec<Option<i64>>,
}

/// How a chart writes its values on the axis and in the tooltips.
#[derive(Clone, Copy)]
enum Unit {
    Count,
    Seconds,
}

impl Unit {
    fn show(self, v: i64) -> String {
        match self {
            Unit::Count => v.to_string(),
            Unit::Seconds => format_age(v),
        }
    }
}

/// The whole page for `r`; `title` names the brand or team in the heading.
pub fn render(r: &Report, title: &str) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let period = format!("{} – {}", day_part(&r.since), day_part(&r.until));
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · response times {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p class=\"period\">Response times, {}</p>\n",
        esc(title),
        esc(&period),
        esc(title),
        esc(&period)
    );
    headline(&mut h, &r.total);

    let dates: Vec<String> = r.days.iter().map(|d| d.date.clone()).collect();
    h.push_str("<h2>Every day</h2>\n");
    chart(
        &mut h,
        "daily-volume",
        "Items in per day",
        &dates,
        &[Series {
            name: "items in",
            class: "s-in",
            values: r.days.iter().map(|d| Some(d.items_in as i64)).collect(),
        }],
        Unit::Count,
    );
    chart(
        &mut h,
        "daily-first-response",
        "First response per day (median and 90th percentile)",
        &dates,
        &[
            Series {
                name: "median",
                class: "s-median",
                values: r.days.iter().map(|d| d.median_first_response_s).collect(),
            },
            Series {
                name: "p90",
                class: "s-p90",
                values: r.days.iter().map(|d| d.p90_first_response_s).collect(),
            },
        ],
        Unit::Seconds,
    );
    chart(
        &mut h,
        "daily-followups",
        "Follow-ups opened and closed per day",
        &dates,
        &[
            Series {
                name: "opened",
                class: "s-opened",
                values: r
                    .days
                    .iter()
                    .map(|d| Some(d.followups_opened as i64))
                    .collect(),
            },
            Series {
                name: "closed",
                class: "s-closed",
                values: r
                    .days
                    .iter()
                    .map(|d| Some(d.followups_closed as i64))
                    .collect(),
            },
        ],
        Unit::Count,
    );

    let channels: Vec<String> = r
        .rows
        .iter()
        .map(|row| format!("{} · {}", row.channel, row.account))
        .collect();
    h.push_str("<h2>Per channel</h2>\n");
    chart(
        &mut h,
        "channel-first-response",
        "First response per channel (median and 90th percentile)",
        &channels,
        &[
            Series {
                name: "median",
                class: "s-median",
                values: r.rows.iter().map(|x| x.median_first_response_s).collect(),
            },
            Series {
                name: "p90",
                class: "s-p90",
                values: r.rows.iter().map(|x| x.p90_first_response_s).collect(),
            },
        ],
        Unit::Seconds,
    );
    chart(
        &mut h,
        "channel-breaches",
        "Breaches per channel",
        &channels,
        &[Series {
            name: "breaches",
            class: "s-breach",
            values: r.rows.iter().map(|x| Some(x.breaches as i64)).collect(),
        }],
        Unit::Count,
    );
    rows_table(&mut h, r);
    responders(&mut h, r);
    let _ = write!(
        h,
        "<footer>Made by tinbox from the same figures as <code>tinbox report --json</code>, \
         {}.</footer>\n</body>\n</html>\n",
        esc(&r.until)
    );
    h
}

/// The date of an RFC 3339 timestamp (what a reader wants in the heading).
fn day_part(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

fn headline(h: &mut String, t: &Row) {
    let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "–".into());
    let tiles = [
        ("items in", t.items_in.to_string()),
        ("replied", t.replied.to_string()),
        ("median first response", age(t.median_first_response_s)),
        ("90% answered within", age(t.p90_first_response_s)),
        ("breaches", t.breaches.to_string()),
        ("follow-ups opened", t.followups_opened.to_string()),
        ("follow-ups closed", t.followups_closed.to_string()),
        ("follow-ups overdue", t.overdue_followups.to_string()),
    ];
    h.push_str("<div class=\"tiles\">\n");
    for (label, value) in tiles {
        let _ = writeln!(
            h,
            "<div class=\"tile\"><b>{}</b><span>{}</span></div>",
            esc(&value),
            label
        );
    }
    h.push_str("</div>\n");
}

/// A grouped bar chart: one group per category, one bar per series (a missing value draws
/// no bar and says "none" in its label).
fn chart(h: &mut String, id: &str, title: &str, cats: &[String], series: &[Series], unit: Unit) {
    let _ = writeln!(h, "<figure>\n<figcaption>{}</figcaption>", esc(title));
    if cats.is_empty() {
        h.push_str("<p class=\"empty\">Nothing in this period.</p>\n</figure>\n");
        return;
    }
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, top, plot_h, bottom) = (64.0, 12.0, 180.0, 56.0);
    let group_w = (720.0 / cats.len() as f64).clamp(3.0, 96.0);
    // Room for about 40 labels: a month shows every day, a year every ninth or so.
    let label_every = cats.len().div_ceil(40);
    let bar_w = (group_w * 0.8) / series.len() as f64;
    let width = left + group_w * cats.len() as f64 + 16.0;
    let height = top + plot_h + bottom;
    let _ = writeln!(
        h,
        "<svg id=\"{id}\" class=\"chart\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\">",
        esc(title)
    );
    // Axis: zero and the top value, with a faint grid line at each.
    for (v, y) in [(0, top + plot_h), (max, top)] {
        let _ = writeln!(
            h,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{width:.0}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 4.0,
            esc(&unit.show(v))
        );
    }
    for (i, cat) in cats.iter().enumerate() {
        let gx = left + group_w * i as f64 + group_w * 0.1;
        for (k, s) in series.iter().enumerate() {
            let x = gx + bar_w * k as f64;
            let shown = s.values[i].map(|v| unit.show(v)).unwrap_or("none".into());
            let Some(v) = s.values[i] else { continue };
            let bh = plot_h * v as f64 / max as f64;
            let _ = writeln!(
                h,
                "<rect class=\"bar {}\" data-category=\"{}\" data-series=\"{}\" data-value=\"{v}\" \
                 x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\">\
                 <title>{}: {} {}</title></rect>",
                s.class,
                esc(cat),
                s.name,
                top + plot_h - bh,
                (bar_w - 1.0).max(1.0),
                esc(cat),
                esc(&shown),
                s.name
            );
        }
        if i % label_every != 0 {
            continue;
        }
        let cx = gx + group_w * 0.4;
        let _ = writeln!(
            h,
            "<text class=\"label\" x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"end\" \
             transform=\"rotate(-35 {cx:.1} {:.1})\">{}</text>",
            top + plot_h + 14.0,
            top + plot_h + 14.0,
            esc(&crate::fmt::truncate(cat, 22))
        );
    }
    h.push_str("</svg>\n<p class=\"legend\">");
    for s in series {
        let _ = write!(h, "<span class=\"key {}\"></span>{} ", s.class, s.name);
    }
    h.push_str("</p>\n</figure>\n");
}

fn rows_table(h: &mut String, r: &Report) {
    let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "–".into());
    h.push_str(
        "<table>\n<tr><th>Channel</th><th>Account</th><th>In</th><th>Replied</th>\
         <th>Median</th><th>p90</th><th>Breaches</th><th>Follow-ups opened</th>\
         <th>closed</th><th>open</th><th>overdue</th></tr>\n",
    );
    for (row, class) in r
        .rows
        .iter()
        .map(|x| (x, ""))
        .chain(std::iter::once((&r.total, " class=\"total\"")))
    {
        let _ = writeln!(
            h,
            "<tr{class}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&row.channel),
            esc(&row.account),
            row.items_in,
            row.replied,
            age(row.median_first_response_s),
            age(row.p90_first_response_s),
            row.breaches,
            row.followups_opened,
            row.followups_closed,
            row.open_followups,
            row.overdue_followups
        );
    }
    h.push_str("</table>\n");
}

/// Per responder (a team store): who answered first, how fast, and a chart of their load.
fn responders(h: &mut String, r: &Report) {
    if r.responders.is_empty() {
        return;
    }
    let names: Vec<String> = r.responders.iter().map(|p| p.who.clone()).collect();
    h.push_str("<h2>Per responder</h2>\n");
    chart(
        h,
        "responder-first-response",
        "First response per responder (median and 90th percentile)",
        &names,
        &[
            Series {
                name: "median",
                class: "s-median",
                values: r
                    .responders
                    .iter()
                    .map(|p| p.median_first_response_s)
                    .collect(),
            },
            Series {
                name: "p90",
                class: "s-p90",
                values: r
                    .responders
                    .iter()
                    .map(|p| p.p90_first_response_s)
                    .collect(),
            },
        ],
        Unit::Seconds,
    );
    let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "–".into());
    h.push_str(
        "<table>\n<tr><th>Responder</th><th>Replied first</th><th>Median</th><th>p90</th>\
         <th>Breaches</th></tr>\n",
    );
    for p in &r.responders {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.who),
            p.replied,
            age(p.median_first_response_s),
            age(p.p90_first_response_s),
            p.breaches
        );
    }
    h.push_str("</table>\n");
}

/// Text for HTML and SVG: markup characters escaped, control characters dropped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;background:#fff;max-width:1000px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin:0}.period{color:#57606a;margin-top:.2em}
h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d0d7de}
.tiles{display:flex;flex-wrap:wrap;gap:.6em}.tile{border:1px solid #d0d7de;border-radius:6px;padding:.5em .8em;min-width:8em}
.tile b{display:block;font-size:1.4em}.tile span{color:#57606a;font-size:.85em}
figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.3em}
.chart text{font-size:11px;fill:#57606a}.grid{stroke:#d0d7de;stroke-width:1}
.s-in{fill:#0969da}.s-median{fill:#1a7f37}.s-p90{fill:#9a6700}.s-breach{fill:#cf222e}
.s-opened{fill:#8250df}.s-closed{fill:#57606a}
.legend{font-size:.85em;color:#57606a}.key{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 .8em;vertical-align:middle}
.key.s-in{background:#0969da}.key.s-median{background:#1a7f37}.key.s-p90{background:#9a6700}
.key.s-breach{background:#cf222e}.key.s-opened{background:#8250df}.key.s-closed{background:#57606a}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}
tr.total td{font-weight:600}.empty{color:#57606a}
footer{margin-top:3em;color:#57606a;font-size:.8em}
@media print{body{margin:0}}
";

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
