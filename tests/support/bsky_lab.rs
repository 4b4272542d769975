//! A client for the local Bluesky network of `../shared/bsky-lab` (tests only): creates
//! accounts, posts as them, reads their notifications. Waits poll with a deadline.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Lab {
    pub pds: String,
    control: String,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

#[derive(Debug, Clone)]
pub struct User {
    pub handle: String,
    pub did: String,
    pub app_password: String,
    jwt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub uri: String,
    pub cid: String,
}

impl Lab {
    /// The network named by `BSKY_PDS_URL`, or `None` (the caller says it is skipped).
    pub fn from_env() -> Option<Lab> {
        let pds = std::env::var("BSKY_PDS_URL")
            .ok()
            .filter(|s| !s.is_empty())?;
        let control =
            std::env::var("BSKY_CONTROL_URL").unwrap_or_else(|_| "http://127.0.0.1:2589".into());
        let _ = rustls::crypto::ring::default_provider().install_default();
        Some(Lab {
            pds: pds.trim_end_matches('/').to_string(),
            control,
            http: reqwest::Client::new(),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        })
    }

    fn xrpc(
        &self,
        method: &str,
        nsid: &str,
        jwt: Option<&str>,
        body: Option<Value>,
        q: &[(&str, &str)],
    ) -> Value {
        let url = format!("{}/xrpc/{nsid}", self.pds);
        self.rt.block_on(async {
            let mut req = if method == "GET" {
                self.http.get(&url).query(q)
            } else {
                self.http.post(&url).json(&body.unwrap_or(json!({})))
            };
            if let Some(t) = jwt {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap_or_else(|e| panic!("{nsid}: {e}"));
            let status = resp.status();
            let text = resp.text().await.expect("body");
            assert!(status.is_success(), "{nsid}: {status} {text}");
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    /// A new account with an app password (handles are unique per run).
    pub fn new_user(&self, prefix: &str) -> User {
        let handle = format!("{prefix}{:08x}.test", fastrand::u32(..));
        let password = format!("pw-{:016x}", fastrand::u64(..));
        let v = self.xrpc(
            "POST",
            "com.atproto.server.createAccount",
            None,
            Some(json!({"handle": handle, "email": format!("{handle}@example.com"), "password": password})),
            &[],
        );
        let jwt = v["accessJwt"].as_str().expect("jwt").to_string();
        let did = v["did"].as_str().expect("did").to_string();
        let app = self.xrpc(
            "POST",
            "com.atproto.server.createAppPassword",
            Some(&jwt),
            Some(json!({"name": "tinbox-test"})),
            &[],
        );
        User {
            handle,
            did,
            app_password: app["password"].as_str().expect("app password").to_string(),
            jwt,
        }
    }

    /// Post as `u`, mentioning `mention` (with a facet) and answering `reply` (root, parent).
    pub fn post(
        &self,
        u: &User,
        text: &str,
        mention: Option<&User>,
        reply: Option<(&Ref, &Ref)>,
    ) -> Ref {
        let mut record = json!({"$type": "app.bsky.feed.post", "text": text,
                                "createdAt": jiff::Timestamp::now().to_string()});
        if let Some(m) = mention {
            let at = format!("@{}", m.handle);
            let start = text.find(&at).expect("the mention is in the text");
            record["facets"] = json!([{"index": {"byteStart": start, "byteEnd": start + at.len()},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": m.did}]}]);
        }
        if let Some((root, parent)) = reply {
            record["reply"] = json!({"root": {"uri": root.uri, "cid": root.cid},
                                     "parent": {"uri": parent.uri, "cid": parent.cid}});
        }
        let v = self.xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            Some(&u.jwt),
            Some(json!({"repo": u.did, "collection": "app.bsky.feed.post", "record": record})),
            &[],
        );
        Ref {
            uri: v["uri"].as_str().expect("uri").into(),
            cid: v["cid"].as_str().expect("cid").into(),
        }
    }

    /// Ask the AppView to index everything written so far (best effort).
    pub fn process_all(&self) {
        let url = format!("{}/process-all", self.control);
        self.rt.block_on(async {
            let _ = self
                .http
                .post(&url)
                .timeout(Duration::from_secs(30))
                .send()
                .await;
        });
    }

    pub fn notifications(&self, u: &User) -> Vec<Value> {
        let v = self.xrpc(
            "GET",
            "app.bsky.notification.listNotifications",
            Some(&u.jwt),
            None,
            &[("limit", "50")],
        );
        v["notifications"].as_array().cloned().unwrap_or_default()
    }

    /// Posts in `u`'s repository (straight from the PDS, no indexing involved).
    pub fn posts_of(&self, u: &User) -> Vec<Value> {
        let v = self.xrpc(
            "GET",
            "com.atproto.repo.listRecords",
            Some(&u.jwt),
            None,
            &[
                ("repo", &u.did),
                ("collection", "app.bsky.feed.post"),
                ("limit", "100"),
            ],
        );
        v["records"].as_array().cloned().unwrap_or_default()
    }
}

/// Call `f` until it gives a value, for at most `timeout`; panic naming `what` otherwise.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}
