//! Graph errors as [`ChannelError`]s with messages that say what to do. Mapped on `code`
//! (and the HTTP status), never on the text: Graph's message is long, localized and full of
//! URLs; it is kept short at the end for the curious.

use jiff::{SignedDuration, Timestamp};

use super::graph::GraphError;
use super::usage::Usage;
use crate::channels::ChannelError;

/// Codes that mean "too many calls": application, user, page, custom-rate limits, plus the
/// business-use-case range.
pub fn is_rate_limit(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 613) || (80001..=80014).contains(&code)
}

/// When a throttled account may call again: `estimated_time_to_regain_access` if Graph said,
/// else a minute.
pub fn regain_at(usage: &Usage, now: Timestamp) -> Timestamp {
    let mins = usage.regain_minutes.unwrap_or(1).clamp(1, 24 * 60);
    now.checked_add(SignedDuration::from_mins(mins as i64))
        .unwrap_or(now)
}

/// The error for a failed call. `need` names the permission the call requires (said when
/// Graph answers a permission error); `network` is "Facebook" or "Instagram".
pub fn to_channel_error(
    status: u16,
    err: Option<&GraphError>,
    usage: &Usage,
    need: &str,
    network: &str,
) -> ChannelError {
    let short = err
        .map(|e| crate::sanitize::one_line(&e.message))
        .map(|m| m.chars().take(160).collect::<String>())
        .unwrap_or_default();
    let code = err.and_then(|e| e.code);
    match code {
        Some(c) if is_rate_limit(c) => ChannelError::RateLimited {
            until: regain_at(usage, Timestamp::now()),
        },
        Some(190) => ChannelError::Auth(format!(
            "the {network} access token expired or was revoked (code 190): get a new Page or \
             system-user token (see \"Connecting Facebook and Instagram\" in the README) and \
             store it with `tinbox account add {} --token-stdin`",
            network.to_ascii_lowercase()
        )),
        Some(c) if c == 10 || (200..=299).contains(&c) => ChannelError::Auth(format!(
            "the token lacks the `{need}` permission (code {c}): grant it to the app and \
             create the token again"
        )),
        Some(100) => ChannelError::Rejected(format!(
            "the object is gone or not visible to this token (code 100): {short}"
        )),
        Some(c) if status == 200 || status < 500 => {
            ChannelError::Rejected(format!("{network} refused the call (code {c}): {short}"))
        }
        _ if status == 429 => ChannelError::RateLimited {
            until: regain_at(usage, Timestamp::now()),
        },
        _ if status == 401 => ChannelError::Auth(format!("{network}: {short}")),
        _ if status >= 500 => ChannelError::Server {
            status,
            message: short,
        },
        _ => ChannelError::Rejected(format!("{network}: {short} (HTTP {status})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(code: i64) -> GraphError {
        GraphError {
            message: "(#x) long text https://developers.facebook.com/docs".into(),
            code: Some(code),
            ..GraphError::default()
        }
    }

    #[test]
    fn codes_become_errors_that_say_what_to_do() {
        let u = Usage::default();
        let expired = to_channel_error(400, Some(&e(190)), &u, "x", "Facebook").to_string();
        assert!(expired.contains("code 190") && expired.contains("account add facebook"));
        let perm = to_channel_error(403, Some(&e(200)), &u, "pages_messaging", "Facebook");
        assert!(perm.to_string().contains("`pages_messaging`"), "{perm}");
        let gone = to_channel_error(400, Some(&e(100)), &u, "x", "Instagram");
        assert!(matches!(gone, ChannelError::Rejected(ref m) if m.contains("gone")));
        for c in [4, 17, 32, 613] {
            assert!(matches!(
                to_channel_error(400, Some(&e(c)), &u, "x", "Facebook"),
                ChannelError::RateLimited { .. }
            ));
        }
        assert!(to_channel_error(503, None, &u, "x", "Facebook").is_transient());
    }

    #[test]
    fn a_throttled_account_waits_as_long_as_graph_says() {
        let now = Timestamp::from_second(1_000_000).expect("t");
        let u = Usage {
            percent: 100,
            regain_minutes: Some(20),
        };
        assert_eq!(regain_at(&u, now).as_second(), 1_000_000 + 20 * 60);
        assert_eq!(
            regain_at(&Usage::default(), now).as_second(),
            1_000_000 + 60
        );
    }
}
