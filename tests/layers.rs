//! The layers hold: no file imports from a layer above its own. Read from the source's
//! `crate::` paths (outside test modules, which may reach anywhere), so a new upward import
//! fails here with the file and the line, before it becomes an import cycle.
//!
//! From the bottom: `fmt`, `clock`, `fuzzy`; `keys`, `filter`; the domain (`model`, `sla`,
//! `rules`, `store`, `channels`, ...); `config`; the app core `app`; drawing `ui`; the event
//! loop `tui` and the commands `cli` on top.

use std::path::{Path, PathBuf};

/// (files under this path, top-level modules they must not import).
const RULES: &[(&str, &[&str])] = &[
    (
        "fmt",
        &[
            "app", "ui", "tui", "cli", "config", "store", "channels", "model", "sla", "rules",
            "keys", "filter",
        ],
    ),
    (
        "clock.rs",
        &[
            "app", "ui", "tui", "cli", "config", "store", "channels", "model", "keys", "filter",
        ],
    ),
    (
        "fuzzy.rs",
        &[
            "app", "ui", "tui", "cli", "config", "store", "channels", "model", "keys", "filter",
        ],
    ),
    (
        "keys",
        &["app", "ui", "tui", "cli", "config", "store", "channels"],
    ),
    (
        "filter.rs",
        &["app", "ui", "tui", "cli", "config", "store", "channels"],
    ),
    (
        "model.rs",
        &["app", "ui", "tui", "cli", "config", "store", "channels"],
    ),
    (
        "model",
        &["app", "ui", "tui", "cli", "config", "store", "channels"],
    ),
    // `store/open.rs` opens the store the config names: the store may read config.
    ("store", &["app", "ui", "tui", "cli"]),
    ("channels", &["app", "ui", "tui", "cli"]),
    ("rules", &["app", "ui", "tui", "cli", "config"]),
    ("config", &["app", "ui", "tui", "cli"]),
    ("app", &["ui", "tui", "cli"]),
    ("ui", &["tui", "cli"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without its test module (house style: `#[cfg(test)]` tests come last)
/// and without comments; test-only files are left out by name.
fn production_code(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "tests.rs" || name.ends_with("_tests.rs") || name == "test_support.rs" {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let code = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => &text,
    };
    Some(
        code.lines()
            .map(|l| match l.find("//") {
                Some(i) => &l[..i],
                None => l,
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The top-level modules `code` names after `crate::`, with their line numbers.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let module: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if module.is_empty() && after.starts_with('{') {
                // `use crate::{a, b::c}`: every name in the group.
                let group = after[1..].split('}').next().unwrap_or("");
                for part in group.split(',') {
                    let m = part.trim().split("::").next().unwrap_or("").to_string();
                    found.push((n + 1, m));
                }
            } else {
                found.push((n + 1, module));
            }
            rest = after;
        }
    }
    found
}

#[test]
fn no_layer_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "read the sources: {}", src.display());
    let mut bad = Vec::new();
    for (under, banned) in RULES {
        let root = src.join(under);
        for file in files.iter().filter(|f| f.starts_with(&root)) {
            let Some(code) = production_code(file) else {
                continue;
            };
            for (line, module) in crate_paths(&code) {
                if banned.contains(&module.as_str()) {
                    let rel = file.strip_prefix(&src).unwrap_or(file);
                    bad.push(format!(
                        "src/{}:{line} imports crate::{module}",
                        rel.display()
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "upward imports:\n{}", bad.join("\n"));
}

/// The check itself finds what it is meant to: an upward path, a grouped one, and nothing
/// in a comment.
#[test]
fn the_check_reads_paths_and_groups() {
    let code = "use crate::ui::draw;\nuse crate::{fmt, app::state};\n";
    let found = crate_paths(code);
    assert_eq!(
        found,
        [(1, "ui".into()), (2, "fmt".into()), (2, "app".into())]
    );
    let dir = std::env::temp_dir().join(format!("tinbox-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("x.rs");
    std::fs::write(
        &file,
        "// crate::ui in a comment\nfn f() { crate::tui::run(); }\n#[cfg(test)]\nmod tests { use crate::ui; }\n",
    )
    .expect("write");
    let code = production_code(&file).expect("code");
    assert_eq!(crate_paths(&code), [(2, "tui".into())]);
    std::fs::remove_dir_all(&dir).expect("clean up");
}
