//! The stats view (`S`): response-time figures per channel and account, incoming volume per
//! day as a sparkline, and the daily median first-response time as bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline};

use super::overlays::dialog::{full, panel};

use crate::report::{Report, Row};
use crate::sla::format_age;
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, report: Option<&Report>, theme: &Theme) {
    let inner = panel(
        frame,
        full(area),
        " Response times, last 7 days — any key closes ",
        theme,
    );
    let Some(report) = report else {
        frame.render_widget(
            Paragraph::new(" computing…").style(theme.style(Role::Muted)),
            inner,
        );
        return;
    };
    let table_h = (report.rows.len() as u16 + 3).min(inner.height / 2);
    let [table, spark_label, spark, bars_label, bars] = Layout::vertical([
        Constraint::Length(table_h),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let mut lines = vec![Line::styled(
        format!(
            " {:<10} {:<14} {:>5} {:>7} {:>7} {:>7} {:>8} {:>9} {:>7}",
            "CHANNEL",
            "ACCOUNT",
            "IN",
            "REPLIED",
            "MEDIAN",
            "P90",
            "BREACHES",
            "FOLLOWUPS",
            "OVERDUE"
        ),
        theme.style(Role::Muted),
    )];
    for row in &report.rows {
        lines.push(Line::styled(line(row), theme.style(Role::Text)));
    }
    lines.push(Line::styled(line(&report.total), theme.style(Role::Title)));
    frame.render_widget(Paragraph::new(lines), table);
    let volume: Vec<u64> = report.days.iter().map(|d| d.items_in as u64).collect();
    frame.render_widget(
        Paragraph::new(" Incoming per day").style(theme.style(Role::Muted)),
        spark_label,
    );
    frame.render_widget(
        Sparkline::default()
            .data(&volume)
            .style(theme.style(Role::SlaOk)),
        spark,
    );
    frame.render_widget(
        Paragraph::new(" Median first response per day (minutes)").style(theme.style(Role::Muted)),
        bars_label,
    );
    let group: Vec<Bar> = report
        .days
        .iter()
        .map(|d| {
            let mins = d
                .median_first_response_s
                .map(|s| (s / 60).max(0) as u64)
                .unwrap_or(0);
            Bar::default()
                .value(mins)
                .label(Line::from(d.date.get(5..).unwrap_or(&d.date).to_string()))
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&group))
        .bar_width(6)
        .bar_gap(1)
        .bar_style(theme.style(Role::SlaWarn));
    frame.render_widget(chart, bars);
}

fn line(row: &Row) -> String {
    let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "-".into());
    format!(
        " {:<10} {:<14} {:>5} {:>7} {:>7} {:>7} {:>8} {:>9} {:>7}",
        row.channel,
        crate::fmt::text::truncate(&row.account, 14),
        row.items_in,
        row.replied,
        age(row.median_first_response_s),
        age(row.p90_first_response_s),
        row.breaches,
        row.open_followups,
        row.overdue_followups
    )
}
