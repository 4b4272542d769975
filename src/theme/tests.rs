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
