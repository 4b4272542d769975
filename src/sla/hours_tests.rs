use super::*;

fn berlin() -> BusinessHours {
    BusinessHours::parse(
        "Europe/Berlin",
        "mon-fri",
        "09:00-17:00",
        &["2026-12-25".to_string()],
    )
    .expect("hours")
}

/// Night shift every day, 01:00-05:00: the DST changes (02:00-03:00) fall inside it.
fn night() -> BusinessHours {
    BusinessHours::parse("Europe/Berlin", "mon-sun", "01:00-05:00", &[]).expect("hours")
}

/// A Berlin wall-clock time as an instant (`2026-11-20 16:45`; `+01:00` style offsets
/// may be appended to pick one side of a fold).
fn t(s: &str) -> Timestamp {
    if let Some((dt, off)) = s.split_once('+') {
        let rfc = format!("{}:00+{off}", dt.replace(' ', "T"));
        return rfc
            .parse::<Timestamp>()
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    let dt: jiff::civil::DateTime = s
        .replace(' ', "T")
        .parse()
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    dt.to_zoned(TimeZone::get("Europe/Berlin").expect("tz"))
        .expect("zoned")
        .timestamp()
}

const M: i64 = 60;
const H: i64 = 3600;

#[test]
fn due_times_match_the_hand_computed_table() {
    let b = berlin();
    let n = night();
    let cases: &[(&BusinessHours, &str, i64, &str, &str)] = &[
        (
            &b,
            "2026-11-20 16:45",
            30 * M,
            "2026-11-23 09:15",
            "Friday 16:45 + 30m breaches Monday 09:15",
        ),
        (
            &b,
            "2026-11-23 10:00",
            H,
            "2026-11-23 11:00",
            "inside hours",
        ),
        (
            &b,
            "2026-11-21 12:00",
            30 * M,
            "2026-11-23 09:30",
            "written on Saturday",
        ),
        (
            &b,
            "2026-11-22 20:00",
            15 * M,
            "2026-11-23 09:15",
            "written Sunday night",
        ),
        (
            &b,
            "2026-12-24 16:50",
            30 * M,
            "2026-12-28 09:20",
            "the 25th is a holiday, then a weekend",
        ),
        (
            &b,
            "2026-11-23 08:00",
            15 * M,
            "2026-11-23 09:15",
            "before opening",
        ),
        (
            &b,
            "2026-11-23 17:00",
            M,
            "2026-11-24 09:01",
            "at closing time",
        ),
        (
            &b,
            "2026-11-23 16:59",
            2 * H,
            "2026-11-24 10:59",
            "across the night",
        ),
        (
            &b,
            "2026-11-23 09:00",
            40 * H,
            "2026-11-27 17:00",
            "a whole working week",
        ),
        (
            &b,
            "2026-11-23 09:00",
            40 * H + M,
            "2026-11-30 09:01",
            "a minute more waits for Monday",
        ),
        (
            &b,
            "2026-03-27 16:30",
            H,
            "2026-03-30 09:30",
            "over the spring-forward weekend",
        ),
        (
            &b,
            "2026-10-23 16:30",
            H,
            "2026-10-26 09:30",
            "over the fall-back weekend",
        ),
        (
            &n,
            "2026-03-29 01:30",
            H,
            "2026-03-29 03:30+02:00",
            "spring forward: 02:00 is 03:00",
        ),
        (
            &n,
            "2026-10-25 01:30+02:00",
            2 * H,
            "2026-10-25 02:30+01:00",
            "fall back: 02:00-03:00 happens twice",
        ),
        (
            &n,
            "2026-03-28 06:00",
            4 * H + 30 * M,
            "2026-03-30 02:30",
            "the short night counts 3h, 1h30 more on Monday",
        ),
    ];
    for (hours, start, budget, want, why) in cases {
        assert_eq!(
            hours.add(t(start), *budget),
            Some(t(want)),
            "{why}: {start} + {budget}s"
        );
    }
}

#[test]
fn elapsed_business_time_matches_the_hand_computed_table() {
    let b = berlin();
    let n = night();
    let cases: &[(&BusinessHours, &str, &str, i64, &str)] = &[
        (
            &b,
            "2026-11-20 16:45",
            "2026-11-23 09:15",
            30 * M,
            "the weekend does not count",
        ),
        (
            &b,
            "2026-11-23 10:00",
            "2026-11-23 09:00",
            0,
            "backwards is zero",
        ),
        (
            &b,
            "2026-11-21 10:00",
            "2026-11-22 18:00",
            0,
            "a whole weekend",
        ),
        (
            &b,
            "2026-12-24 16:00",
            "2026-12-28 10:00",
            2 * H,
            "Christmas Eve's last hour and Monday's first",
        ),
        (
            &b,
            "2026-11-23 07:00",
            "2026-11-23 20:00",
            8 * H,
            "one full working day",
        ),
        (
            &n,
            "2026-03-28 05:00",
            "2026-03-29 06:00",
            3 * H,
            "the night DST starts is an hour shorter",
        ),
        (
            &n,
            "2026-10-24 05:00",
            "2026-10-25 06:00",
            5 * H,
            "the night DST ends is an hour longer",
        ),
        (
            &b,
            "2026-03-27 16:00",
            "2026-03-30 10:00",
            2 * H,
            "DST weekend between two working days",
        ),
    ];
    for (hours, from, to, want, why) in cases {
        assert_eq!(hours.seconds_between(t(from), t(to)), *want, "{why}");
    }
}

#[test]
fn open_or_closed_at_an_instant() {
    let b = berlin();
    assert!(b.is_open_at(t("2026-11-23 09:00")));
    assert!(
        !b.is_open_at(t("2026-11-23 17:00")),
        "closing time is closed"
    );
    assert!(!b.is_open_at(t("2026-11-21 12:00")), "Saturday");
    assert!(!b.is_open_at(t("2026-12-25 12:00")), "holiday");
    let tokyo = BusinessHours::parse("Asia/Tokyo", "mon-fri", "09:00-18:00", &[]).expect("tokyo");
    // 2026-11-20 17:30 in Tokyo is 08:30Z; an hour of business time ends Monday 09:30 JST.
    let start: Timestamp = "2026-11-20T08:30:00Z".parse().expect("ts");
    assert_eq!(
        tokyo.add(start, H),
        Some("2026-11-23T00:30:00Z".parse().expect("ts"))
    );
}

#[test]
fn schedules_parse_or_say_why_not() {
    let fri_mon = BusinessHours::parse("UTC", "fri-mon", "00:00-12:00", &[]).expect("wraps");
    assert_eq!(fri_mon.days, [true, false, false, false, true, true, true]);
    let some = BusinessHours::parse("UTC", "mon, wed,fri", "08:30-12:00", &[]).expect("list");
    assert_eq!(some.days, [true, false, true, false, true, false, false]);
    for (tz, days, hours, hol, want) in [
        (
            "Mars/Olympus",
            "mon-fri",
            "09:00-17:00",
            "2026-12-25",
            "time zone",
        ),
        ("UTC", "funday", "09:00-17:00", "2026-12-25", "weekday"),
        ("UTC", "mon-fri", "09:00", "2026-12-25", "09:00-17:00"),
        (
            "UTC",
            "mon-fri",
            "17:00-09:00",
            "2026-12-25",
            "before closing",
        ),
        ("UTC", "mon-fri", "9am-5pm", "2026-12-25", "time like"),
        ("UTC", "mon-fri", "09:00-17:00", "12/25", "date like"),
    ] {
        let e = BusinessHours::parse(tz, days, hours, &[hol.to_string()]).expect_err("invalid");
        assert!(e.contains(want), "{e}");
    }
}
