//! X API v2 answers, decoded leniently: every field optional (default payloads are minimal;
//! fields came and went over the years), `data` absent on empty results, an object for
//! single lookups and an array for lists, `includes` for expanded users and tweets, `errors`
//! next to `data` for partial answers (a deleted referenced tweet) and alone for problems.
//! Ids are strings (snowflakes exceed 2^53). Surrogate-pair escapes of emoji are JSON and
//! decode as such.

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// `data`: one object or a list (or nothing).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(v) => v,
            OneOrMany::One(t) => vec![t],
        }
    }
}

/// Any v2 answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub struct Envelope<T> {
    #[serde(default = "none")]
    pub data: Option<OneOrMany<T>>,
    #[serde(default)]
    pub includes: Includes,
    #[serde(default)]
    pub meta: Meta,
    /// Problems: alone (the request failed) or next to `data` (part of it did).
    #[serde(default)]
    pub errors: Vec<Problem>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// Every object of `data` (none when absent).
    pub fn items(self) -> (Vec<T>, Includes, Meta) {
        (
            self.data.map(OneOrMany::into_vec).unwrap_or_default(),
            self.includes,
            self.meta,
        )
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Includes {
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub tweets: Vec<Tweet>,
}

impl Includes {
    pub fn user(&self, id: Option<&str>) -> Option<&User> {
        let id = id?;
        self.users.iter().find(|u| u.id.as_deref() == Some(id))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub result_count: Option<u64>,
    #[serde(default)]
    pub newest_id: Option<String>,
    #[serde(default)]
    pub oldest_id: Option<String>,
    #[serde(default)]
    pub next_token: Option<String>,
    #[serde(default)]
    pub previous_token: Option<String>,
}

/// A v2 problem (`title`, `detail`, `type`), or a v1.1 error (`code`, `message`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub status: Option<u16>,
}

impl Problem {
    /// The most telling text X gave.
    pub fn text(&self) -> String {
        let main = self
            .detail
            .as_deref()
            .or(self.message.as_deref())
            .or(self.title.as_deref())
            .unwrap_or("no details");
        match self.code {
            Some(c) => format!("{main} (code {c})"),
            None => main.to_string(),
        }
    }
}

/// A whole-request problem body (`application/problem+json`): the fields at the top level.
pub fn problem_in(body: &[u8]) -> Option<Problem> {
    #[derive(Deserialize)]
    struct Top {
        #[serde(flatten)]
        p: Problem,
        #[serde(default)]
        errors: Vec<Problem>,
        #[serde(default)]
        data: Option<serde_json::Value>,
    }
    let t: Top = serde_json::from_slice(body).ok()?;
    if t.data.is_some() {
        return None;
    }
    if t.p.title.is_some() || t.p.detail.is_some() {
        return Some(t.p);
    }
    t.errors.into_iter().next()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tweet {
    pub id: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub in_reply_to_user_id: Option<String>,
    #[serde(default)]
    pub referenced_tweets: Vec<Reference>,
    #[serde(default)]
    pub edit_history_tweet_ids: Vec<String>,
}

impl Tweet {
    /// The id of the tweet this one `replied_to` or `quoted`.
    pub fn referenced(&self, kind: &str) -> Option<&str> {
        self.referenced_tweets
            .iter()
            .find(|r| r.kind.as_deref() == Some(kind))
            .and_then(|r| r.id.as_deref())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reference {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct User {
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub public_metrics: Option<Metrics>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Metrics {
    #[serde(default)]
    pub followers_count: Option<u64>,
}

/// A DM event (`MessageCreate`, `ParticipantsJoin`, `ParticipantsLeave`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DmEvent {
    pub id: Option<String>,
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub sender_id: Option<String>,
    #[serde(default)]
    pub dm_conversation_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

/// What a DM send answers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DmSent {
    #[serde(default)]
    pub dm_conversation_id: Option<String>,
    #[serde(default)]
    pub dm_event_id: Option<String>,
}

/// What hiding a reply answers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Hidden {
    #[serde(default)]
    pub hidden: Option<bool>,
}

/// Decode a v2 answer; the message names what was being read.
pub fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<Envelope<T>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Envelope {
            data: None,
            includes: Includes::default(),
            meta: Meta::default(),
            errors: Vec::new(),
        });
    }
    serde_json::from_slice(body).map_err(|e| format!("{what}: {e}"))
}

/// Snowflake ids compare as numbers: a longer id is newer.
pub fn newer(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_an_object_a_list_or_absent_and_errors_sit_beside_it() {
        let one: Envelope<User> =
            decode(br#"{"data":{"id":"1","username":"a"}}"#, "me").expect("one");
        assert_eq!(one.items().0.len(), 1);
        let many: Envelope<Tweet> =
            decode(br#"{"data":[{"id":"1"},{"id":"2"}],"meta":{}}"#, "t").expect("many");
        assert_eq!(many.items().0.len(), 2);
        let empty: Envelope<DmEvent> = decode(br#"{"meta":{"result_count":0}}"#, "dm").expect("0");
        assert!(empty.data.is_none());
        // A partial answer (hand-made after X's "partial errors" reference; the corpus has
        // none): data and an error about a referenced tweet.
        let partial: Envelope<Tweet> = decode(
            br#"{"data":[{"id":"1","text":"hi \uD83E\uDD71"}],"errors":[{"value":"9","detail":"Could not find tweet with referenced_tweets.id: [9].","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#,
            "t",
        )
        .expect("partial");
        assert_eq!(partial.errors.len(), 1);
        assert!(problem_in(br#"{"data":[],"errors":[{"title":"x"}]}"#).is_none());
        let (t, _, _) = partial.items();
        assert_eq!(t[0].text.as_deref(), Some("hi 🥱"));
        let p = problem_in(br#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#)
            .expect("problem");
        assert_eq!(p.text(), "Unauthorized");
        assert!(newer("1381814324943941635", "999999999999999999"));
    }
}
