//! Property tests (proptest): whatever a stranger or a broken server sends, the parsers do
//! not panic and the sanitizer lets nothing through that can drive the terminal. The fuzz
//! substitute of issue #10 (cargo-fuzz needs a nightly toolchain); run longer with
//! `PROPTEST_CASES=100000 cargo test --test properties`.

use std::sync::Arc;

use proptest::prelude::*;
use tinbox::channels::bluesky::{api as bsky, richtext, tid};
use tinbox::channels::feed::FeedChannel;
use tinbox::channels::mastodon::api::{Notification, Status, lenient_list};
use tinbox::sanitize::{clean, one_line};

/// Text biased towards what hurts: escapes, controls, bidi, zero-width, wide and combining.
fn nasty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\u{1b}".to_string()),
        Just("\u{1b}[".to_string()),
        Just("\u{1b}]".to_string()),
        Just("\u{1b}]52;c;".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{9d}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{200d}".to_string()),
        Just("\u{0301}".to_string()),
        Just("\r\n".to_string()),
        Just("日本".to_string()),
        Just("👨‍👩‍👧".to_string()),
        Just("@a.b ".to_string()),
        Just("https://x.y/z ".to_string()),
        Just("<p><a href=\"x\">".to_string()),
        Just("</p>&amp;&#x1b;".to_string()),
        "[ -~]{0,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn no_terminal_control(s: &str, newlines: bool) -> bool {
    s.chars().all(|c| {
        (newlines && c == '\n')
            || !(c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'))
    })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        nasty().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("type".to_string()),
                    Just("status".to_string()),
                    Just("account".to_string()),
                    Just("content".to_string()),
                    Just("uri".to_string()),
                    Just("post".to_string()),
                    Just("parent".to_string()),
                    Just("replies".to_string()),
                    Just("record".to_string()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_sanitizer_lets_no_control_through_and_is_stable(s in nasty()) {
        let c = clean(&s);
        prop_assert!(no_terminal_control(&c, true), "{c:?}");
        prop_assert_eq!(clean(&c), c.clone());
        let l = one_line(&s);
        prop_assert!(no_terminal_control(&l, false) && !l.contains('\n'), "{l:?}");
    }

    #[test]
    fn html_becomes_safe_text(s in nasty()) {
        let t = tinbox::html::to_text(&s);
        prop_assert!(no_terminal_control(&t, true), "{t:?}");
    }

    #[test]
    fn deeply_nested_html_does_not_overflow(depth in 1usize..200, word in "[a-z]{1,8}") {
        let html = format!("{}{word}{}", "<div><b>".repeat(depth), "</b></div>".repeat(depth));
        prop_assert!(tinbox::html::to_text(&html).contains(&word));
    }

    #[test]
    fn config_and_keys_never_panic(s in nasty(), key in nasty()) {
        let _ = tinbox::config::parse(&s, std::path::Path::new("fuzz.toml"));
        let _ = tinbox::config::parse(&format!("[keys]\n{key:?} = \"reply\"\n"), std::path::Path::new("k.toml"));
        let _ = tinbox::app::keymap::Keymap::with_bindings(&[(key.clone(), s.clone())]);
        let _ = tinbox::app::filter::Filter::parse(&s);
    }

    #[test]
    fn mastodon_pages_decode_or_fail_cleanly(v in proptest::collection::vec(json_value(), 0..5)) {
        let body = serde_json::to_vec(&v).expect("json");
        let (notes, skipped) = lenient_list::<Notification>(&body).expect("a list is a list");
        prop_assert_eq!(notes.len() + skipped, v.len());
        let _ = lenient_list::<Status>(&body);
        let _ = lenient_list::<Status>(&body[..body.len() / 2]);
    }

    #[test]
    fn bluesky_threads_and_notifications_never_panic(v in json_value()) {
        let _ = bsky::flatten_thread(&v);
        if let Ok(n) = serde_json::from_value::<bsky::Notification>(v.clone()) {
            let _ = tinbox::channels::bluesky::normalize(&n);
        }
        let _ = bsky::reply_ref(&v);
    }

    #[test]
    fn facets_point_inside_the_text_at_char_boundaries(s in nasty()) {
        let facets = richtext::facets(&s, |h| Some(format!("did:plc:{h}")));
        for f in facets {
            let start = f["index"]["byteStart"].as_u64().expect("start") as usize;
            let end = f["index"]["byteEnd"].as_u64().expect("end") as usize;
            prop_assert!(start < end && end <= s.len());
            prop_assert!(s.is_char_boundary(start) && s.is_char_boundary(end));
            let span = &s[start..end];
            prop_assert!(span.starts_with('@') || span.starts_with("http"), "{span:?}");
        }
    }

    #[test]
    fn record_keys_are_always_valid(secs in 0i64..4_000_000_000, key in ".{0,40}") {
        let t = jiff::Timestamp::from_second(secs).expect("ts");
        prop_assert!(tid::is_valid(&tid::for_reply(t, &key)));
    }

    #[test]
    fn feeds_parse_or_fail_cleanly(body in nasty()) {
        let clock: tinbox::channels::demo::Clock = Arc::new(jiff::Timestamp::now);
        let feed = FeedChannel::new("http://127.0.0.1:9/feed", Vec::new(), clock).expect("feed");
        let rss = format!("<?xml version=\"1.0\"?><rss><channel><item><title>{body}</title><description>{body}</description><guid>1</guid></item></channel></rss>");
        for doc in [body.as_bytes(), rss.as_bytes()] {
            if let Ok(items) = feed.entries(doc) {
                for i in items {
                    prop_assert!(no_terminal_control(&i.text, true), "{:?}", i.text);
                }
            }
        }
    }
}
