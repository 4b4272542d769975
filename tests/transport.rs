//! The shared HTTP layer against loopback servers: feed redirects follow the rule of
//! configured URLs, and many accounts stay under a low limit of open files.

mod support;

use std::fmt::Write as _;
use std::sync::Arc;

use support::fake_mastodon::{FakeMastodon, TOKEN};
use support::http::{Request, Response, serve};
use support::{Sandbox, stderr, stdout};
use tinbox::channels::Channel;
use tinbox::channels::feed::FeedChannel;

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.invalid/</link><description>d</description><item><title>outage</title><guid>g1</guid><description>outage</description></item></channel></rss>"#;

fn clock() -> tinbox::channels::demo::Clock {
    Arc::new(tinbox::testing::t0)
}

#[tokio::test]
async fn a_feed_redirected_to_plain_http_elsewhere_is_refused_before_connecting() {
    let server = serve(Arc::new(|req: &Request| match req.path.as_str() {
        // TEST-NET-1: never reachable, and never tried.
        "/moved" => Response::raw(301, "text/plain", "")
            .with_header("Location", "http://192.0.2.1/feed.xml"),
        "/local" => Response::raw(302, "text/plain", "").with_header("Location", "/rss"),
        "/loop" => Response::raw(302, "text/plain", "").with_header("Location", "/loop"),
        "/rss" => Response::raw(200, "application/rss+xml", RSS),
        _ => Response::raw(404, "text/plain", "no"),
    }));
    let feed = |path: &str| {
        FeedChannel::new(&format!("{}{path}", server.url()), Vec::new(), clock()).expect("feed")
    };
    let err = feed("/moved")
        .poll(None)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("redirect refused") && err.contains("neither https nor a loopback"),
        "{err}"
    );
    // A redirect that keeps to the rule (here plain http on loopback) is followed.
    let items = feed("/local").poll(None).await.expect("followed").items;
    assert_eq!(items.len(), 1);
    let err = feed("/loop")
        .poll(None)
        .await
        .expect_err("a loop")
        .to_string();
    assert!(err.contains("more than 5 redirects"), "{err}");
}

/// `sync --once` with many accounts under `ulimit -n 256`: every one syncs (before the
/// connection cap, each account opened its sockets at once and most failed).
#[test]
fn many_accounts_sync_under_a_low_limit_of_open_files() {
    const ACCOUNTS: usize = 300;
    let fake = FakeMastodon::start();
    fake.with(|s| s.rate_remaining = u64::MAX / 2);
    let sb = Sandbox::new();
    let mut config = String::new();
    let mut secrets = String::new();
    for i in 0..ACCOUNTS {
        let _ = write!(
            config,
            "[accounts.a{i}]\nchannel = \"mastodon\"\ninstance = \"{}\"\n\n",
            fake.url()
        );
        let _ = write!(secrets, "[a{i}]\ntoken = \"{TOKEN}\"\n");
    }
    sb.write_config(&config);
    let secrets_file = sb.config_dir().join("secrets.toml");
    std::fs::write(&secrets_file, secrets).expect("secrets");
    std::fs::set_permissions(
        &secrets_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 256 && exec \"$0\" sync --once")
        .arg(support::bin())
        .env("TINBOX_CONFIG_DIR", sb.config_dir())
        .env("TINBOX_DATA_DIR", sb.data_dir())
        .env_remove("TINBOX_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run");
    let text = stdout(&out);
    let synced = text.lines().filter(|l| l.contains(": synced")).count();
    let failed: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error"))
        .take(3)
        .collect();
    assert_eq!(
        synced,
        ACCOUNTS,
        "{synced} synced; failures like {failed:?}; {}",
        stderr(&out)
    );
    assert!(out.status.success(), "{}", stderr(&out));
}
