//! Soak: `tinbox sync` runs for a few minutes against a fake Mastodon server that keeps
//! producing mentions and faults (503, malformed pages, slow answers). At the end every
//! mention is in the store exactly once, and the process's memory stayed flat.
//! `SOAK_SECS` sets the length (default 150).

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::fake_mastodon::{FakeMastodon, Fault, account, connect, status};

fn rss_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The last `n` lines of the sandbox's log, to explain a failure.
fn log_tail(sb: &support::Sandbox, n: usize) -> String {
    tail(
        &std::fs::read_to_string(sb.data_dir().join("tinbox.log")).unwrap_or_default(),
        n,
    )
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[test]
fn minutes_of_mentions_and_faults_lose_nothing_and_leak_nothing() {
    let secs: u64 = std::env::var("SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let fake = Arc::new(FakeMastodon::start());
    fake.with(|s| s.rate_remaining = 1 << 40);
    let sb = connect(&fake);
    let cfg = sb.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).expect("config");
    text.push_str("poll = \"1s\"\n");
    std::fs::write(&cfg, text).expect("write");

    let mut child = sb
        .cmd()
        .arg("sync")
        .stdout(std::fs::File::create(sb.dir.path().join("sync.out")).expect("sync.out"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("tinbox sync");
    let pid = child.id();

    // The world: a few mentions every 300 ms, and now and then a fault.
    let stop = Arc::new(AtomicBool::new(false));
    let producer = {
        let (fake, stop) = (fake.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut rng = fastrand::Rng::with_seed(7);
            let mut n: u64 = 0;
            let mut ids = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                for _ in 0..rng.u64(0..3) {
                    n += 1;
                    let sid = format!("{}", 200_000_000 + n);
                    let who = account(
                        &format!("{}", 1000 + n % 50),
                        &format!("u{}@x.invalid", n % 50),
                        "U",
                    );
                    fake.mention(
                        1_000 + n,
                        status(&sid, who, &format!("<p>mention {n}</p>"), "public", None),
                    );
                    ids.push(sid);
                }
                // Now and then the server flaps: a fault hits a request that arrives in the
                // next 300 ms, or none. A fault left waiting would instead hit the first
                // request after every backoff, so each backoff would end in a failure and the
                // next one would double: that is a server that is always down, another test.
                fake.with(|s| s.faults.clear());
                match rng.u8(0..40) {
                    0 => fake.fault(Fault::Status(503)),
                    1 => fake.fault(Fault::Malformed),
                    2 => fake.fault(Fault::Delay(1500)),
                    _ => {}
                }
                std::thread::sleep(Duration::from_millis(300));
            }
            ids
        })
    };

    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(5));
        assert!(
            child.try_wait().expect("wait").is_none(),
            "tinbox sync died during the soak"
        );
        if let Some(kb) = rss_kb(pid) {
            samples.push(kb);
        }
    }
    stop.store(true, Ordering::Relaxed);
    let produced = producer.join().expect("producer");
    assert!(
        produced.len() > secs as usize,
        "the soak produced {} mentions",
        produced.len()
    );

    let served = fake.with(|s| s.faults_served);
    assert!(served > 0, "no fault hit tinbox during the soak");

    // Let it catch up, then compare the store with everything the server ever offered.
    let deadline = Instant::now() + Duration::from_secs(60);
    let items = loop {
        let items = sb.items();
        if items.len() >= produced.len() || Instant::now() > deadline {
            break items;
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    let ids: Vec<String> = items
        .iter()
        .map(|i| i["remote_id"].as_str().unwrap_or_default().to_string())
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicates in the store");
    let wanted: HashSet<&String> = produced.iter().collect();
    let missing: Vec<_> = wanted.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "{} of {} mentions lost, e.g. {:?}; stderr: {}\nlog (tail):\n{}\noutput (tail):\n{}",
        missing.len(),
        produced.len(),
        missing.iter().take(5).collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr),
        log_tail(&sb, 60),
        tail(
            &std::fs::read_to_string(sb.dir.path().join("sync.out")).unwrap_or_default(),
            60
        )
    );

    // Memory: after the first half minute it stays flat (a leak would grow with every poll).
    let settled: Vec<u64> = samples.iter().skip(6).copied().collect();
    if let (Some(first), Some(max)) = (settled.first(), settled.iter().max()) {
        assert!(
            *max < first + 16 * 1024,
            "RSS grew from {first} kB to {max} kB over the soak: {samples:?}"
        );
    }
    eprintln!(
        "soak: {} mentions over {secs}s, all stored once; RSS samples (kB): {samples:?}",
        produced.len()
    );
}
