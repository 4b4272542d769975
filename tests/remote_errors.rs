//! Remote bytes inside error texts (a parser quoting a broken tag, a server's error body)
//! never reach the terminal raw: `sync --once`, `account add feed` and the error's own text.

mod support;

use std::sync::Arc;

use support::http::{Request, Response, serve};
use support::{Sandbox, stderr, stdout};
use tinbox::channels::feed::FeedChannel;
use tinbox::channels::{Channel, ChannelError};

/// An OSC 52 clipboard write inside a broken tag: the parser's error quotes the tag.
const OSC52: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";

fn broken_feed() -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
         <item><title>x</title></item><{OSC52}x></channel></rss>"
    )
}

fn server() -> support::http::Server {
    serve(Arc::new(|req: &Request| match req.path.as_str() {
        "/broken" => Response::raw(200, "application/rss+xml", &broken_feed()),
        _ => Response::raw(404, "text/plain", "no"),
    }))
}

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{what} carries a raw escape: {text:?}"
    );
}

#[tokio::test]
async fn a_parser_error_quoting_a_broken_tag_is_clean() {
    let srv = server();
    let f = FeedChannel::new(
        &format!("{}/broken", srv.url()),
        vec![],
        Arc::new(tinbox::testing::t0),
    )
    .expect("feed");
    let err = f.poll(None).await.expect_err("a broken feed fails");
    assert!(matches!(err, ChannelError::Malformed(_)), "{err:?}");
    assert_clean("the error", &err.to_string());
    assert!(err.to_string().contains("not an RSS"), "{err}");
}

#[test]
fn error_texts_are_clean_whatever_a_channel_put_in_them() {
    let evil = format!("bad {OSC52}\u{1b}[2Jthing\nsecond line");
    for e in [
        ChannelError::Malformed(evil.clone()),
        ChannelError::Network(evil.clone()),
        ChannelError::Auth(evil.clone()),
        ChannelError::Rejected(evil.clone()),
        ChannelError::Unsupported(evil.clone()),
        ChannelError::Server {
            status: 502,
            message: evil.clone(),
        },
    ] {
        let text = e.to_string();
        assert_clean("the error", &text);
        assert!(text.contains("bad thing second line"), "{text}");
    }
}

#[test]
fn sync_once_and_account_add_print_no_raw_escape() {
    let srv = server();
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[accounts.broken]\nchannel = \"feed\"\nurl = \"{}/broken\"\n",
        srv.url()
    ));
    let out = sb.run(&["sync", "--once"]);
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(o.contains("broken: error:"), "{o}{e}");
    assert_clean("sync --once's stdout", &o);
    assert_clean("sync --once's stderr", &e);
    let log = std::fs::read_to_string(sb.data_dir().join("tinbox.log")).unwrap_or_default();
    assert_clean("the log", &log);

    let out = sb.run(&[
        "account",
        "add",
        "feed",
        &format!("{}/broken", srv.url()),
        "--name",
        "b2",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not an RSS"), "{}", stderr(&out));
    assert_clean("account add's stderr", &stderr(&out));
    assert_clean("account add's stdout", &stdout(&out));
}
