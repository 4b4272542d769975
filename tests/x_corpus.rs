//! Conformance: every recorded X interaction of `../shared/x-corpus/` decodes with tinbox's
//! own decoders — `data` as an object or a list or absent, the counts the index states, the
//! surrogate-pair emoji as the characters they are, the rate-limit headers as buckets (and
//! none where X sent none), both `date` formats, v1.1's error shape as a problem.

mod support;

use jiff::Timestamp;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use support::fake_x::{corpus, read};
use tinbox::channels::x::api::{
    DmEvent, DmSent, Envelope, Hidden, Tweet, User, decode, problem_in,
};
use tinbox::channels::x::client::{bucket_from, http_date};

fn headers(v: &Value) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, vals) in v.as_object().into_iter().flatten() {
        if let Some(first) = vals
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_str)
        {
            h.insert(
                HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(first).expect("value"),
            );
        }
    }
    h
}

/// Decoded with the type the file's endpoint answers; the number of objects in `data`.
fn decoded(file: &str, method: &str, body: &[u8]) -> usize {
    fn n<T>(r: Result<Envelope<T>, String>, file: &str) -> usize {
        r.unwrap_or_else(|e| panic!("{file}: {e}")).items().0.len()
    }
    if file.contains("/dm/") && method == "POST" {
        n(decode::<DmSent>(body, file), file)
    } else if file.contains("/dm/") {
        n(decode::<DmEvent>(body, file), file)
    } else if file.contains("/users/") {
        n(decode::<User>(body, file), file)
    } else if file.contains("/hide_replies/") {
        n(decode::<Hidden>(body, file), file)
    } else if method == "DELETE" {
        n(decode::<Value>(body, file), file)
    } else {
        n(decode::<Tweet>(body, file), file)
    }
}

#[test]
fn every_recorded_interaction_decodes() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/x-corpus is not present");
        return;
    };
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("index json");
    let entries = index.as_array().expect("list");
    assert_eq!(entries.len(), 34, "the corpus has 34 interactions");
    let now = Timestamp::from_second(2_000_000_000).expect("now");
    let (mut v2, mut buckets) = (0, 0);
    for e in entries {
        let file = e["file"].as_str().expect("file");
        let rec = read(&dir, file);
        let resp = &rec["response"];
        let raw = resp["body_raw"].as_str().expect("body_raw").as_bytes();
        let method = e["method"].as_str().expect("method");
        let h = headers(&resp["headers"]);
        if let Some(d) = h.get("date").and_then(|d| d.to_str().ok()) {
            assert!(http_date(d).is_some(), "{file}: date {d:?}");
        }
        // A bucket exactly where X sent the three headers.
        match (bucket_from(&h, now), e["rate_limit"].as_object()) {
            (Some(b), Some(rl)) => {
                buckets += 1;
                let limit: u64 = rl["x-rate-limit-limit"]
                    .as_str()
                    .expect("l")
                    .parse()
                    .expect("n");
                let left: u64 = rl["x-rate-limit-remaining"]
                    .as_str()
                    .expect("r")
                    .parse()
                    .expect("n");
                assert_eq!((b.limit, b.remaining), (limit, left), "{file}");
                assert!(b.reset >= now, "{file}: the reset is ahead on X's clock");
            }
            (None, None) => {}
            (b, rl) => panic!("{file}: bucket {b:?} vs recorded {rl:?}"),
        }
        if e["api"] == "v1.1" {
            // v1.1 is not used by tinbox; its error must still read as a problem, and the
            // other bodies as JSON (or nothing, for a 204).
            if resp["status"] == 400 {
                let p = problem_in(raw).expect("problem");
                assert_eq!(p.text(), "Bad Authentication data. (code 215)");
            } else if !raw.is_empty() {
                serde_json::from_slice::<Value>(raw).expect(file);
            }
            continue;
        }
        v2 += 1;
        assert!(problem_in(raw).is_none(), "{file}: not a problem");
        let count = decoded(file, method, raw);
        let facts = &e["facts"];
        match facts["data_items"].as_u64() {
            Some(n) => assert_eq!(count as u64, n, "{file}"),
            // `data` is an object (one) or absent (an empty list).
            None => assert!(count <= 1, "{file}: {count}"),
        }
        if facts["top_level_keys"]
            .as_array()
            .is_some_and(|k| !k.iter().any(|k| k == "data"))
        {
            assert_eq!(count, 0, "{file}: no data key, nothing decoded");
        }
    }
    assert_eq!(v2, 28);
    assert_eq!(
        buckets, 30,
        "every v2 answer and the v1.1 reads carry a bucket"
    );
}

#[test]
fn emoji_escaped_as_surrogate_pairs_decode_to_their_characters() {
    let Some(dir) = corpus() else {
        return;
    };
    let rec = read(
        &dir,
        "v2/mentions/test_client_get_users_mentions.2021-04-13.0.json",
    );
    let raw = rec["response"]["body_raw"].as_str().expect("raw");
    assert!(
        raw.contains("\\uD83E\\uDD71"),
        "the recording escapes the emoji"
    );
    let (tweets, _, meta) = decode::<Tweet>(raw.as_bytes(), "mentions")
        .expect("decode")
        .items();
    assert!(tweets[0].text.as_deref().expect("text").contains('🥱'));
    assert_eq!(meta.result_count, Some(8));
    assert!(
        tweets.iter().all(|t| t.edit_history_tweet_ids.is_empty()),
        "2021: no edit history"
    );
    // The Hangul filler (U+3164) arrives as itself.
    assert!(
        tweets
            .iter()
            .any(|t| t.text.as_deref().is_some_and(|x| x.contains('\u{3164}')))
    );
}
