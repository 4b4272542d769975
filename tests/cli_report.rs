//! The weekly report as a web page, shell completions and the manual page, from the real
//! binary: the page's charts hold the same figures as `report --json` on the same store.

mod support;

use clap::CommandFactory;
use regex::Regex;
use serde_json::Value;
use support::{Sandbox, stderr, stdout};

/// The bars of chart `id` for `series`: (category, value) in drawing order.
fn bars(html: &str, id: &str, series: &str) -> Vec<(String, i64)> {
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

fn pairs(days: &[Value], key: &str) -> Vec<(String, i64)> {
    days.iter()
        .filter_map(|d| Some((d["date"].as_str()?.to_string(), d[key].as_i64()?)))
        .collect()
}

#[test]
fn the_html_report_draws_the_json_figures() {
    let sb = Sandbox::new();
    sb.write_config("user = \"kim\"\n\n[accounts.demo]\nchannel = \"demo\"\n");
    assert!(sb.run(&["sync", "--once"]).status.success());
    let items = sb.items();
    let id = items[0]["id"].as_str().expect("id");
    let out = sb.run(&["reply", id, "--text", "On it.", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let case = items[1]["id"].as_str().expect("id");
    let out = sb.run(&["followup", case, "--method", "phone", "--due", "2h"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = sb.run(&["report", "--json", "--since", "30d"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let days = json["days"].as_array().expect("days");
    assert!(!days.is_empty());

    let page = sb.data_dir().join("week.html");
    let path = page.to_str().expect("utf-8 path");
    let out = sb.run(&["report", "--since", "30d", "--html", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Wrote "), "{}", stdout(&out));
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));

    assert_eq!(
        bars(&html, "daily-volume", "items in"),
        pairs(days, "items_in"),
        "one bar per day, the JSON's counts"
    );
    assert_eq!(
        bars(&html, "daily-first-response", "median"),
        pairs(days, "median_first_response_s")
    );
    assert_eq!(
        bars(&html, "daily-followups", "opened")
            .iter()
            .map(|b| b.1)
            .sum::<i64>(),
        1,
        "the case opened above"
    );
    let rows = json["rows"].as_array().expect("rows");
    let medians: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["median_first_response_s"].as_i64())
        .collect();
    assert_eq!(
        bars(&html, "channel-first-response", "median")
            .iter()
            .map(|b| b.1)
            .collect::<Vec<_>>(),
        medians
    );
    let p90s: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["p90_first_response_s"].as_i64())
        .collect();
    assert_eq!(
        bars(&html, "channel-first-response", "p90")
            .iter()
            .map(|b| b.1)
            .collect::<Vec<_>>(),
        p90s
    );
    assert_eq!(
        bars(&html, "daily-first-response", "p90"),
        pairs(days, "p90_first_response_s")
    );
    // Per responder: kim's reply above, with the JSON's figures.
    let responders = json["responders"].as_array().expect("responders");
    assert_eq!(responders.len(), 1, "{responders:?}");
    let kim = &responders[0];
    assert_eq!(kim["who"], "kim");
    let median = kim["median_first_response_s"].as_i64().expect("median");
    assert_eq!(
        bars(&html, "responder-first-response", "median"),
        vec![("kim".to_string(), median)]
    );
    assert_eq!(
        bars(&html, "channel-breaches", "breaches")
            .iter()
            .map(|b| b.1)
            .sum::<i64>(),
        json["total"]["breaches"].as_i64().expect("breaches")
    );

    // The text report has the same days.
    let text = stdout(&sb.run(&["report", "--since", "30d"]));
    assert!(text.contains("DAY"), "{text}");
    for d in days {
        assert!(text.contains(d["date"].as_str().expect("date")), "{text}");
    }
    let out = sb.run(&["report", "--json", "--html", path]);
    assert!(!out.status.success(), "--json and --html are exclusive");
}

#[test]
fn completions_and_the_manual_name_every_command() {
    let sb = Sandbox::new();
    let cli = tinbox::cli::Cli::command();
    let names: Vec<String> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    assert!(names.len() >= 10);
    for shell in ["bash", "zsh", "fish"] {
        let out = sb.run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for n in &names {
            assert!(script.contains(n.as_str()), "{shell} completion lacks {n}");
        }
    }
    let out = sb.run(&["completions", "tcsh"]);
    assert!(!out.status.success() && stderr(&out).contains("possible values"));

    let out = sb.run(&["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH tinbox 1"),
        "{page}"
    );
    for n in &names {
        assert!(
            page.contains(&format!("tinbox\\-{n}(1)")),
            "the manual does not name {n}"
        );
    }
    let dir = sb.data_dir().join("man1");
    let out = sb.run(&["man", "--dir", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    for n in &names {
        let f = dir.join(format!("tinbox-{n}.1"));
        assert!(f.exists(), "no page {}", f.display());
    }
    assert!(
        dir.join("tinbox-account-add.1").exists(),
        "nested commands too"
    );
    // Neither needs a config: nothing was written to the config dir.
    assert!(!sb.config_dir().join("config.toml").exists());
}
