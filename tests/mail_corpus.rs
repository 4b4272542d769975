//! Conformance: every real-world message of `../shared/mail-corpus/` (when that folder is
//! present; CI has it) parses without panic into an item with a sender, a subject and clean
//! text; bounces and receipts are flagged as noise.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tinbox::channels::email::normalize;
use tinbox::channels::email::parse::{DEFAULT_SIZE_CAP, Noise, parse};
use tinbox::model::Kind;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/mail-corpus");
    dir.join("index.json").is_file().then_some(dir)
}

/// Automatic mail in the corpus, and what it is.
const NOISE: &[(&str, Noise)] = &[
    ("mimekit/bounce.eml", Noise::Bounce),
    ("mimekit/delivery-status.eml", Noise::Bounce),
    ("mimekit/disposition-notification.eml", Noise::Report),
    ("mimekit/feedback-report.eml", Noise::Report),
];

#[test]
fn every_corpus_message_reads_cleanly() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/mail-corpus is not here");
        return;
    };
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("index json");
    assert!(
        index.len() >= 100,
        "the corpus has {} messages",
        index.len()
    );
    let now = "2026-12-01T00:00:00Z".parse().expect("time");
    let mut failures = Vec::new();
    for e in &index {
        let file = e["file"].as_str().expect("file");
        let raw = std::fs::read(dir.join(file)).expect("message");
        let p = parse(&raw, DEFAULT_SIZE_CAP);
        let item = normalize(&p, now);
        let mut fail = |why: String| failures.push(format!("{file}: {why}"));
        if item.kind != Kind::Email {
            fail(format!("kind {:?}", item.kind));
        }
        if item.author.handle.trim().is_empty() || item.remote_id.is_empty() {
            fail("no sender or no id".into());
        }
        let subject = item.text.lines().next().unwrap_or("");
        if subject.trim().is_empty() {
            fail("no subject line".into());
        }
        if let Some(c) = item
            .text
            .chars()
            .chain(item.author.name.chars())
            .chain(item.author.handle.chars())
            .find(|c| c.is_control() && *c != '\n')
        {
            fail(format!("control character {c:?}"));
        }
        // Where Python decoded the sender's address, ours is the same.
        if let Some(from) = e["from"].as_str()
            && from.contains('@')
            && !from.to_lowercase().contains(&p.from_address)
        {
            fail(format!("sender {:?}, expected in {from:?}", p.from_address));
        }
        // Where Python decoded a subject cleanly, ours matches it.
        if let Some(s) = e["subject"].as_str()
            && !s.contains('\u{fffd}')
            && !s.contains("\\ufffd")
            && !s.contains("+APY-")
            && words(s) != words(&p.subject)
        {
            fail(format!("subject {:?}, expected {s:?}", p.subject));
        }
        let want = NOISE.iter().find(|(f, _)| *f == file).map(|(_, n)| *n);
        if p.noise != want && !(want.is_none() && p.noise == Some(Noise::Bulk)) {
            fail(format!("noise {:?}, expected {want:?}", p.noise));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}
