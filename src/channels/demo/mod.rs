//! The demo channel: a simulated community for `tinbox --demo`.
//!
//! At the first poll it produces a dozen posts of mixed ages (so some timers are ok, some
//! warn and some are breached); new posts keep arriving every 20–60 seconds; replies are
//! "sent" to the simulation, and the customer sometimes answers back in the same thread.
//! Deterministic for a seed and a clock, so tests can rely on it.

mod script;

use std::sync::{Mutex, MutexGuard};

use jiff::{SignedDuration, Timestamp};

use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, ThreadEntry, Visibility};

/// The injected time source lives in the bottom layer; re-exported for the demo's callers.
pub use crate::clock::Clock;

/// Longest reply the simulated network accepts.
pub const MAX_LEN: usize = 500;

#[derive(Debug, Clone)]
struct Post {
    remote_id: String,
    kind: Kind,
    who: Author,
    text: String,
    created_at: Timestamp,
    thread_root: String,
    in_reply_to: Option<String>,
    visibility: Visibility,
    outbound: bool,
}

struct Sim {
    rng: fastrand::Rng,
    /// Distinguishes this run's posts from an earlier run's in a persistent store.
    run: String,
    seq: u64,
    started: bool,
    posts: Vec<Post>,
    /// Posts written but not delivered yet (future answer-backs).
    scheduled: Vec<Post>,
    next_arrival: Timestamp,
    replies: u32,
}

pub struct DemoChannel {
    sim: Mutex<Sim>,
    clock: Clock,
}

fn plus(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(secs)).unwrap_or(t)
}

fn person(i: usize) -> Author {
    let p = &script::PEOPLE[i % script::PEOPLE.len()];
    Author {
        handle: p.handle.into(),
        name: p.name.into(),
    }
}

impl DemoChannel {
    pub fn new(seed: u64, clock: Clock) -> DemoChannel {
        let now = clock();
        let sim = Sim {
            rng: fastrand::Rng::with_seed(seed),
            run: format!("{:x}", now.as_second()),
            seq: 0,
            started: false,
            posts: Vec::new(),
            scheduled: Vec::new(),
            next_arrival: now,
            replies: 0,
        };
        DemoChannel {
            sim: Mutex::new(sim),
            clock,
        }
    }

    fn sim(&self) -> MutexGuard<'_, Sim> {
        self.sim.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sim {
    fn next_id(&mut self, what: &str) -> String {
        self.seq += 1;
        format!("demo-{}-{what}-{}", self.run, self.seq)
    }

    /// The dozen posts that are already waiting when the demo starts.
    fn opening(&mut self, now: Timestamp) -> Vec<Post> {
        let mut out: Vec<Post> = Vec::new();
        for (i, o) in script::OPENING.iter().enumerate() {
            let remote_id = format!("demo-open-{}", i + 1);
            let (thread_root, in_reply_to) = match o.reply_to {
                Some(j) => {
                    let parent = &out[j.min(out.len().saturating_sub(1))];
                    (parent.thread_root.clone(), Some(parent.remote_id.clone()))
                }
                None => (remote_id.clone(), None),
            };
            out.push(Post {
                remote_id,
                kind: o.kind,
                who: person(o.who),
                text: o.text.into(),
                created_at: plus(now, -o.age_s),
                thread_root,
                in_reply_to,
                visibility: o.visibility,
                outbound: false,
            });
        }
        self.next_arrival = plus(now, 20 + self.rng.i64(0..40));
        out
    }

    /// New posts written since the last poll (at most a handful, however long the gap).
    fn arrivals(&mut self, now: Timestamp) -> Vec<Post> {
        let mut out = Vec::new();
        while self.next_arrival <= now && out.len() < 5 {
            let (who, kind, text) = script::LATER[self.rng.usize(0..script::LATER.len())];
            let remote_id = self.next_id("post");
            out.push(Post {
                thread_root: remote_id.clone(),
                remote_id,
                kind,
                who: person(who),
                text: text.into(),
                created_at: self.next_arrival,
                in_reply_to: None,
                visibility: Visibility::Public,
                outbound: false,
            });
            self.next_arrival = plus(self.next_arrival, 20 + self.rng.i64(0..40));
        }
        if self.next_arrival <= now {
            self.next_arrival = plus(now, 20);
        }
        out
    }
}

fn incoming(p: &Post) -> IncomingItem {
    IncomingItem {
        remote_id: p.remote_id.clone(),
        kind: p.kind,
        author: p.who.clone(),
        text: p.text.clone(),
        url: Some(format!(
            "https://northwind.demo.invalid/posts/{}",
            p.remote_id
        )),
        created_at: p.created_at,
        thread_root: Some(p.thread_root.clone()),
        in_reply_to: p.in_reply_to.clone(),
        visibility: p.visibility,
    }
}

impl Channel for DemoChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Demo
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: true,
            max_len: Some(MAX_LEN),
            length_unit: LengthUnit::Chars,
        }
    }

    fn poll<'a>(
        &'a self,
        _cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        let now = (self.clock)();
        let mut sim = self.sim();
        let mut fresh = Vec::new();
        if !sim.started {
            sim.started = true;
            fresh = sim.opening(now);
        }
        fresh.extend(sim.arrivals(now));
        let (due, later): (Vec<Post>, Vec<Post>) = std::mem::take(&mut sim.scheduled)
            .into_iter()
            .partition(|p| p.created_at <= now);
        sim.scheduled = later;
        fresh.extend(due);
        let items = fresh.iter().map(incoming).collect();
        sim.posts.extend(fresh);
        let cursor = Some(sim.seq.to_string());
        Box::pin(async move {
            Ok(PollOutcome {
                noise: Vec::new(),
                items,
                cursor,
                followers: Default::default(),
            })
        })
    }

    fn fetch_thread<'a>(
        &'a self,
        remote_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        let sim = self.sim();
        let result = match sim.posts.iter().find(|p| p.remote_id == remote_id) {
            None => Err(ChannelError::Rejected(format!(
                "no post {remote_id} in the demo"
            ))),
            Some(p) => {
                let mut thread: Vec<ThreadEntry> = sim
                    .posts
                    .iter()
                    .filter(|q| q.thread_root == p.thread_root)
                    .map(|q| ThreadEntry {
                        remote_id: q.remote_id.clone(),
                        author: q.who.clone(),
                        text: q.text.clone(),
                        created_at: q.created_at,
                        outbound: q.outbound,
                        item: None,
                    })
                    .collect();
                thread.sort_by_key(|e| e.created_at);
                Ok(thread)
            }
        };
        Box::pin(async move { result })
    }

    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        let now = (self.clock)();
        let result = self.reply(req, now);
        Box::pin(async move { result })
    }
}

impl DemoChannel {
    fn reply(&self, req: &ReplyRequest, now: Timestamp) -> Result<SentReply, ChannelError> {
        let len = req.text.chars().count();
        if req.text.trim().is_empty() {
            return Err(ChannelError::Rejected("the reply is empty".into()));
        }
        if len > MAX_LEN {
            return Err(ChannelError::Rejected(format!(
                "the reply has {len} characters; the limit is {MAX_LEN}"
            )));
        }
        let mut sim = self.sim();
        // The same idempotency key is the same reply: a retry never posts twice.
        let key_id = format!("demo-reply-{}", req.idempotency_key);
        if let Some(p) = sim.posts.iter().find(|p| p.remote_id == key_id) {
            return Ok(SentReply {
                remote_id: p.remote_id.clone(),
                url: None,
                created_at: p.created_at,
            });
        }
        let customer = sim
            .posts
            .iter()
            .find(|p| p.remote_id == req.in_reply_to)
            .map(|p| p.who.clone());
        sim.posts.push(Post {
            remote_id: key_id.clone(),
            kind: Kind::Reply,
            who: Author {
                handle: "@northwind@social.demo.invalid".into(),
                name: "Northwind Coffee".into(),
            },
            text: req.text.clone(),
            created_at: now,
            thread_root: req.thread_root.clone(),
            in_reply_to: Some(req.in_reply_to.clone()),
            visibility: req.visibility,
            outbound: true,
        });
        sim.replies += 1;
        // The first answer always gets a response (so the flow shows); later ones half the time.
        let answers = sim.replies == 1 || sim.rng.bool();
        if let (true, Some(who)) = (answers, customer) {
            let text = script::ANSWERS[sim.rng.usize(0..script::ANSWERS.len())];
            let delay = 20 + sim.rng.i64(0..70);
            let remote_id = sim.next_id("answer");
            let dm = req.visibility == Visibility::Direct;
            sim.scheduled.push(Post {
                remote_id,
                kind: if dm { Kind::Dm } else { Kind::Reply },
                who,
                text: text.into(),
                created_at: plus(now, delay),
                thread_root: req.thread_root.clone(),
                in_reply_to: Some(key_id.clone()),
                visibility: req.visibility,
                outbound: false,
            });
        }
        Ok(SentReply {
            remote_id: key_id,
            url: None,
            created_at: now,
        })
    }
}

#[cfg(test)]
mod tests;
