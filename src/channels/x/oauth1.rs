//! OAuth 1.0a request signing (RFC 5849, HMAC-SHA1) as X documents it for user context:
//! the signature base string is the method, the base URL and every query, form and `oauth_`
//! parameter percent-encoded (RFC 3986 unreserved set), sorted; the key is the consumer
//! secret and the token secret. A JSON body is not signed. Also the PIN (out-of-band) flow's
//! two token requests, whose answers are form-encoded.

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ring::hmac;

/// Everything but RFC 3986's unreserved characters is escaped.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, RESERVED).to_string()
}

/// The app's and (once authorized) the user's credentials.
#[derive(Clone)]
pub struct Keys {
    pub consumer_key: String,
    pub consumer_secret: String,
    /// Empty while asking for a request token.
    pub token: String,
    pub token_secret: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("consumer_key", &self.consumer_key)
            .finish_non_exhaustive()
    }
}

/// One request's varying parts (fixed in tests).
pub struct Stamp {
    pub nonce: String,
    pub timestamp: u64,
}

impl Stamp {
    /// A fresh random nonce and the current time.
    pub fn now() -> Stamp {
        use ring::rand::SecureRandom;
        let mut bytes = [0u8; 24];
        // The system's generator does not fail on supported platforms; a zero nonce with a
        // fresh timestamp is still accepted once.
        let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
        let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let timestamp = jiff::Timestamp::now().as_second().max(0).unsigned_abs();
        Stamp { nonce, timestamp }
    }
}

/// The signature base string of a request.
pub fn base_string(method: &str, base_url: &str, params: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    enc.sort();
    let joined = enc
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_url),
        encode(&joined)
    )
}

/// HMAC-SHA1 of the base string, base64.
pub fn sign(base: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let tag = hmac::sign(&key, base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// The `Authorization: OAuth …` header for a request to `base_url` (no query) with the
/// request's query and form `params`, and `extra` oauth parameters (`oauth_callback`,
/// `oauth_verifier`).
pub fn header(
    keys: &Keys,
    method: &str,
    base_url: &str,
    params: &[(String, String)],
    extra: &[(&str, &str)],
    stamp: &Stamp,
) -> String {
    let mut oauth: Vec<(String, String)> = vec![
        ("oauth_consumer_key".into(), keys.consumer_key.clone()),
        ("oauth_nonce".into(), stamp.nonce.clone()),
        ("oauth_signature_method".into(), "HMAC-SHA1".into()),
        ("oauth_timestamp".into(), stamp.timestamp.to_string()),
        ("oauth_version".into(), "1.0".into()),
    ];
    if !keys.token.is_empty() {
        oauth.push(("oauth_token".into(), keys.token.clone()));
    }
    oauth.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut all = oauth.clone();
    all.extend(params.iter().cloned());
    let signature = sign(
        &base_string(method, base_url, &all),
        &keys.consumer_secret,
        &keys.token_secret,
    );
    oauth.push(("oauth_signature".into(), signature));
    oauth.sort();
    let fields: Vec<String> = oauth
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", encode(k), encode(v)))
        .collect();
    format!("OAuth {}", fields.join(", "))
}

/// A form-encoded token answer (`oauth_token=…&oauth_token_secret=…&user_id=…`).
pub fn parse_form(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.trim().as_bytes())
        .into_owned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of X's "Creating a signature" page (developer documentation,
    /// OAuth 1.0a), as published with the api.twitter.com host it was computed for.
    #[test]
    fn the_documented_example_signs_to_the_documented_signature() {
        let params: Vec<(String, String)> = [
            (
                "status",
                "Hello Ladies + Gentlemen, a signed OAuth request!",
            ),
            ("include_entities", "true"),
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            (
                "oauth_token",
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            ),
            ("oauth_version", "1.0"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let base = base_string(
            "post",
            "https://api.twitter.com/1.1/statuses/update.json",
            &params,
        );
        assert!(base.starts_with(
            "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26"
        ));
        assert!(base.ends_with(
            "status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        ));
        assert_eq!(
            sign(
                &base,
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
            ),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
        );
        // The header carries the same signature, percent-encoded.
        let keys = Keys {
            consumer_key: "xvz1evFS4wEEPTGEFPHBog".into(),
            consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw".into(),
            token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb".into(),
            token_secret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE".into(),
        };
        let h = header(
            &keys,
            "POST",
            "https://api.twitter.com/1.1/statuses/update.json",
            &params[..2],
            &[],
            &Stamp {
                nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg".into(),
                timestamp: 1318622958,
            },
        );
        assert!(
            h.contains("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\""),
            "{h}"
        );
        assert!(!format!("{keys:?}").contains("kAcSO"));
    }
}
