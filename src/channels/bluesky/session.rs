//! A Bluesky login session: the short-lived access token, the refresh token, the account's
//! DID and the PDS that holds its repository. Kept in the secrets file between runs.

use std::fmt;
use std::sync::Mutex;

use jiff::Timestamp;
use serde_json::Value;

#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub access_jwt: String,
    pub refresh_jwt: String,
    pub did: String,
    pub handle: String,
    /// The PDS from the DID document, when the server named one.
    pub pds: Option<String>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("did", &self.did)
            .field("handle", &self.handle)
            .field("pds", &self.pds)
            .field("tokens", &"…")
            .finish()
    }
}

impl Session {
    /// From a `createSession` or `refreshSession` answer.
    pub fn from_answer(v: &Value) -> Option<Session> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        Some(Session {
            access_jwt: s("accessJwt")?,
            refresh_jwt: s("refreshJwt")?,
            did: s("did")?,
            handle: s("handle").unwrap_or_default(),
            pds: v.get("didDoc").and_then(pds_of),
        })
    }

    /// When the access token expires, if it says.
    pub fn access_expires(&self) -> Option<Timestamp> {
        jwt_exp(&self.access_jwt)
    }
}

/// The `#atproto_pds` service endpoint of a DID document, if it is an acceptable address.
pub fn pds_of(doc: &Value) -> Option<String> {
    doc.get("service")?
        .as_array()?
        .iter()
        .find(|s| {
            s.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id == "#atproto_pds" || id.ends_with("#atproto_pds"))
        })?
        .get("serviceEndpoint")?
        .as_str()
        .filter(|u| crate::config::check_url(u).is_ok())
        .map(|u| u.trim_end_matches('/').to_string())
}

/// The `exp` claim of a JWT (read, not verified: only to refresh before it runs out).
pub fn jwt_exp(jwt: &str) -> Option<Timestamp> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64url(payload)?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    Timestamp::from_second(v.get("exp")?.as_i64()?).ok()
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Where sessions are kept between runs. Loaded again before a re-login, because another
/// tinbox process sharing the file may have refreshed (and so revoked) the tokens.
pub trait SessionStore: Send + Sync {
    fn load(&self) -> Option<Session>;
    fn save(&self, session: &Session) -> Result<(), String>;
}

/// A session kept in memory only (tests, and accounts being added).
#[derive(Default)]
pub struct MemorySessions(Mutex<Option<Session>>);

impl MemorySessions {
    pub fn new(s: Option<Session>) -> MemorySessions {
        MemorySessions(Mutex::new(s))
    }
}

impl SessionStore for MemorySessions {
    fn load(&self) -> Option<Session> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn save(&self, session: &Session) -> Result<(), String> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(session.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The access token the local network issued to alice (signed for that network only).
    const ACCESS: &str = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFwcFBhc3MiLCJhdWQiOiJkaWQ6d2ViOmxvY2FsaG9zdCIsInN1YiI6ImRpZDpwbGM6NGpkajV6b21jNWhuNW8yejVjMnp2cnJiIiwiaWF0IjoxNzk1MzQyNDQ0LCJleHAiOjE3OTUzNDk2NDR9.sig";

    #[test]
    fn reads_the_expiry_of_a_jwt() {
        assert_eq!(jwt_exp(ACCESS).map(|t| t.as_second()), Some(1_795_349_644));
        assert_eq!(jwt_exp("not-a-jwt"), None);
        assert_eq!(jwt_exp("a.!!!.c"), None);
    }

    #[test]
    fn reads_a_session_and_its_pds() {
        let v: Value = serde_json::json!({
            "accessJwt": ACCESS, "refreshJwt": "r", "did": "did:plc:x", "handle": "alice.test",
            "didDoc": {"service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                                     "serviceEndpoint": "https://pds.example.com/"}]}
        });
        let s = Session::from_answer(&v).expect("session");
        assert_eq!(s.pds.as_deref(), Some("https://pds.example.com"));
        assert!(!format!("{s:?}").contains("eyJ"));
        // A PDS over plain http on a remote host is not used.
        let doc = serde_json::json!({"service": [{"id": "did:plc:x#atproto_pds",
                                                  "serviceEndpoint": "http://pds.example.com"}]});
        assert_eq!(pds_of(&doc), None);
        assert_eq!(Session::from_answer(&serde_json::json!({"did": "x"})), None);
    }
}
