use ratatui::style::{Color, Modifier};

use super::parse::color;
use super::*;

#[test]
fn every_builtin_parses_and_covers_every_role() {
    for name in Theme::builtin_names() {
        let t = Theme::builtin(name)
            .expect("exists")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.name, name);
        assert_eq!(t.styles.len(), Role::ALL.len());
    }
}

#[test]
fn colour_themes_distinguish_timer_states() {
    for name in ["default", "light", "high-contrast"] {
        let t = Theme::builtin(name).expect("exists").expect("parses");
        let (ok, warn, breached) = (
            t.style(Role::SlaOk),
            t.style(Role::SlaWarn),
            t.style(Role::SlaBreached),
        );
        assert!(ok != warn && warn != breached && ok != breached, "{name}");
        assert_ne!(
            t.style(Role::Selection),
            t.style(Role::Text),
            "{name}: selection visible"
        );
    }
}

#[test]
fn monochrome_has_no_colours_but_still_marks_states() {
    let t = Theme::monochrome();
    assert_eq!(t.name, "monochrome");
    for &r in Role::ALL {
        let s = t.style(r);
        assert!(
            matches!(s.fg, None | Some(Color::Reset)) && matches!(s.bg, None | Some(Color::Reset)),
            "{r:?}"
        );
    }
    assert!(
        t.style(Role::Selection)
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    assert!(
        t.style(Role::SlaBreached)
            .add_modifier
            .contains(Modifier::BOLD)
    );
    assert_ne!(t.style(Role::SlaWarn), t.style(Role::SlaOk));
}

#[test]
fn colours_parse_without_panicking() {
    assert_eq!(color("#fff"), Ok(Color::Rgb(255, 255, 255)));
    assert_eq!(color("#5f87af"), Ok(Color::Rgb(0x5f, 0x87, 0xaf)));
    assert_eq!(color("208"), Ok(Color::Indexed(208)));
    assert_eq!(color("red"), Ok(Color::Red));
    for bad in ["#ggg", "#ff", "#ffffffff", "#é", "nope", "", "300"] {
        assert!(color(bad).is_err(), "{bad}");
    }
}

#[test]
fn bad_theme_files_are_named() {
    let e =
        parse::parse("[roles]\ntext = { fg = \"#ggg\" }\n", "mine.toml").expect_err("bad colour");
    assert!(
        e.to_string().contains("mine.toml") && e.to_string().contains("roles.text.fg"),
        "{e}"
    );
    let e = parse::parse("[roles]\ntexx = {}\n", "mine.toml").expect_err("bad role");
    assert!(e.to_string().contains("texx"), "{e}");
}

#[test]
fn user_theme_overrides_builtin_and_no_color_wins() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("default.toml"),
        "name = \"mine\"\n[roles]\ntext = { fg = \"#010203\" }\n",
    )
    .expect("w");
    let t = Theme::load("default", dir.path()).expect("user theme");
    assert_eq!(
        (t.name.as_str(), t.style(Role::Muted).fg),
        ("mine", Some(Color::Rgb(1, 2, 3))),
        "fallback to text"
    );
    assert_eq!(
        select("default", true, dir.path()).expect("mono").name,
        "monochrome"
    );
    let e = Theme::load("nosuch", dir.path()).expect_err("unknown");
    assert!(
        e.to_string().contains("high-contrast"),
        "lists the built-ins: {e}"
    );
}

/// An sRGB colour as a typical terminal draws it (xterm's palette for the named ones).
fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    Some(match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Black => (0, 0, 0),
        Color::Red => (205, 0, 0),
        Color::Green => (0, 205, 0),
        Color::Yellow => (205, 205, 0),
        Color::Blue => (0, 0, 238),
        Color::Magenta => (205, 0, 205),
        Color::Cyan => (0, 205, 205),
        Color::Gray => (229, 229, 229),
        Color::DarkGray => (127, 127, 127),
        Color::LightRed => (255, 0, 0),
        Color::LightGreen => (0, 255, 0),
        Color::LightYellow => (255, 255, 0),
        Color::LightBlue => (92, 92, 255),
        Color::LightMagenta => (255, 0, 255),
        Color::LightCyan => (0, 255, 255),
        Color::White => (255, 255, 255),
        _ => return None,
    })
}

/// WCAG relative luminance and contrast ratio (1 to 21).
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let lum = |(r, g, b): (u8, u8, u8)| {
        let ch = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.03928 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Bug 9: high-contrast drew a warn timer yellow on the yellow selection. On the selected
/// row each timer state keeps its colour (the list patches it over the selection): that
/// colour must differ from the background it lands on and stay readable (3:1, the WCAG
/// figure for large and bold text, which these cells are).
#[test]
fn every_timer_state_is_readable_on_the_selection() {
    let states = [
        Role::SlaOk,
        Role::SlaWarn,
        Role::SlaBreached,
        Role::SlaPaused,
    ];
    for name in Theme::builtin_names() {
        let t = Theme::builtin(name).expect("exists").expect("parses");
        let sel = t.style(Role::Selection);
        for role in states {
            let cell = sel.patch(t.style(role));
            match (cell.fg, cell.bg) {
                (Some(fg), Some(bg)) => {
                    assert_ne!(fg, bg, "{name}: {role:?} on the selection");
                    let (f, b) = (rgb(fg).expect("known fg"), rgb(bg).expect("known bg"));
                    let c = contrast(f, b);
                    assert!(c >= 3.0, "{name}: {role:?} on the selection: {c:.2}:1");
                }
                // No colours (monochrome): the selection is reversed, the state a modifier.
                (None, None) => assert!(sel.add_modifier.contains(Modifier::REVERSED)),
                other => panic!("{name}: {role:?} half coloured on the selection: {other:?}"),
            }
        }
    }
}

#[test]
fn the_contrast_measure_is_sound() {
    assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
    assert!((contrast((205, 205, 0), (205, 205, 0)) - 1.0).abs() < 1e-9);
}
