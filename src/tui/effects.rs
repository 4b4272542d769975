//! The effect runner: performs what `update` asked for and answers with messages.
//!
//! It never waits. Store effects are queued on the store actor ([`StoreHandle::submit`]):
//! the store thread runs them one at a time in the order they were queued, and each job
//! sends its answer (or its error, for the status bar) straight into the app's channel, so
//! answers arrive in the order their effects were run. Hence, as when the runner awaited
//! every call: a draft or a queued reply is durable before anything queued after it runs; a
//! status change lands before the reload that follows it. Quitting waits for the queue
//! ([`StoreHandle::flush`]), so nothing typed is lost on `q`. Network work runs in its own
//! tasks (pollers, the outbox worker, thread fetches) so the UI never waits on a server.
//!
//! A list or detail load that a newer one of the same kind has been queued behind is
//! skipped when its turn comes: the newer one runs after every write the older one would
//! have seen, and a slow store does not pile up a load for every row a held `j` passed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::channels::Channel;
use crate::channels::poller::PollerHandle;
use crate::model::ItemId;
use crate::outbox::{self, OutboxHandle};
use crate::store::{self, ItemQuery, StoreBackend, StoreHandle, StoreResult};

pub struct EffectRunner {
    pub store: StoreHandle,
    pub channels: HashMap<String, Arc<dyn Channel>>,
    pub pollers: Vec<PollerHandle>,
    /// None without a worker (benches and tests that send nothing).
    pub outbox: Option<OutboxHandle>,
    pub tx: UnboundedSender<Msg>,
    pub user: String,
    pub case_format: String,
    pub notify: crate::notify::Settings,
    /// Built the last list of rows (a reload shares the texts that did not change).
    pub rows: Arc<std::sync::Mutex<crate::model::RowBuilder>>,
    /// How many list loads were queued: a load runs only if it is still the latest.
    pub list_loads: Arc<AtomicU64>,
    /// The same for detail loads.
    pub detail_loads: Arc<AtomicU64>,
    /// The same for the rows of the list's window and for searches of its closed tail.
    pub window_loads: Arc<AtomicU64>,
    pub search_loads: Arc<AtomicU64>,
    /// Searches near the selection, and pages of a tail (each its own: a page asked for
    /// after a newer list must not make that list's load look stale).
    pub near_loads: Arc<AtomicU64>,
    pub tail_loads: Arc<AtomicU64>,
    pub open_loads: Arc<AtomicU64>,
}

impl EffectRunner {
    /// A runner with no accounts, no outbox worker and no notifications: store effects only.
    pub fn headless(store: StoreHandle, tx: UnboundedSender<Msg>, user: &str) -> EffectRunner {
        EffectRunner {
            store,
            channels: HashMap::new(),
            pollers: Vec::new(),
            outbox: None,
            tx,
            user: user.to_string(),
            case_format: "CASE-{n:05}".into(),
            notify: crate::notify::Settings {
                methods: Default::default(),
                command: None,
            },
            rows: Default::default(),
            list_loads: Default::default(),
            detail_loads: Default::default(),
            window_loads: Default::default(),
            search_loads: Default::default(),
            near_loads: Default::default(),
            tail_loads: Default::default(),
            open_loads: Default::default(),
        }
    }

    /// Start `effect` and return at once; its answer comes back as a message.
    pub fn run(&self, effect: Effect) {
        let who = self.user.clone();
        match effect {
            Effect::LoadItems { include_closed } => {
                let q = ItemQuery {
                    all: include_closed,
                    ..ItemQuery::default()
                };
                let rows = self.rows.clone();
                self.queue_latest(
                    &self.list_loads,
                    move |s| {
                        // Snoozes that have ended bring their items back first.
                        s.wake_snoozed(Timestamp::now())?;
                        // Only store jobs use the builder, one at a time: never waited for.
                        let mut rows = rows.lock().unwrap_or_else(|e| e.into_inner());
                        s.list_rows(&q, &mut rows)
                    },
                    Msg::ItemsLoaded,
                )
            }
            Effect::LoadList(spec) => {
                let rows = self.rows.clone();
                self.queue_latest(
                    &self.list_loads,
                    move |s| {
                        s.wake_snoozed(Timestamp::now())?;
                        let mut rows = rows.lock().unwrap_or_else(|e| e.into_inner());
                        super::window::load_list(s, &spec, &mut rows)
                    },
                    |loaded| Msg::ListLoaded(Box::new(loaded)),
                )
            }
            Effect::LoadOpen => {
                let rows = self.rows.clone();
                self.queue_latest(
                    &self.open_loads,
                    move |s| {
                        s.wake_snoozed(Timestamp::now())?;
                        let mut rows = rows.lock().unwrap_or_else(|e| e.into_inner());
                        s.list_rows(&ItemQuery::default(), &mut rows)
                    },
                    Msg::OpenLoaded,
                )
            }
            Effect::LoadTail { spec, after } => self.queue_latest(
                &self.tail_loads,
                move |s| super::window::load_page(s, &spec, after),
                |page| Msg::TailLoaded(Box::new(page)),
            ),
            Effect::LoadRows(ids) => self.queue_latest(
                &self.window_loads,
                move |s| super::window::load_rows(s, &ids),
                Msg::RowsLoaded,
            ),
            Effect::SearchNear { query, ids } => self.queue_latest(
                &self.near_loads,
                move |s| Ok((s.matching_ids(&ids, &query)?, query)),
                |(ids, query)| Msg::NearMatches { query, ids },
            ),
            Effect::SearchTail { query, range, ids } => self.queue_latest(
                &self.search_loads,
                move |s| Ok((s.matching_ids(&ids, &query)?, query, range)),
                |(ids, query, range)| Msg::TailMatches { query, range, ids },
            ),
            Effect::CreateFollowUp { id, input } => {
                let format = self.case_format.clone();
                self.queue(
                    move |s| s.create_followup(id, &input, &format, &who, Timestamp::now()),
                    move |f| {
                        let to = f.assignee.unwrap_or_default();
                        Some(Msg::Info(format!(
                            "{}: #{id} taken offline, with {to}.",
                            f.case_number
                        )))
                    },
                );
                // The header counts the overdue ones: it hears of the new one.
                self.run(Effect::LoadFollowUps);
            }
            Effect::LoadReport { since_s } => {
                let since = Timestamp::now()
                    .checked_sub(jiff::SignedDuration::from_secs(since_s))
                    .unwrap_or(Timestamp::now());
                self.queue(
                    move |s| crate::report::inputs(s, since),
                    move |(items, followups)| {
                        Some(Msg::ReportData {
                            items,
                            followups,
                            since,
                        })
                    },
                )
            }
            Effect::LoadFollowUps => {
                self.queue(|s| s.followups(false), |f| Some(Msg::FollowUpsLoaded(f)))
            }
            Effect::ResolveFollowUp { id, outcome, done } => self.queue(
                move |s| s.resolve_followup(id, &outcome, done, &who, Timestamp::now()),
                |f| {
                    Some(Msg::Info(format!(
                        "{} closed: {}.",
                        f.case_number,
                        f.outcome.unwrap_or_default()
                    )))
                },
            ),
            Effect::Snooze { id, until } => {
                self.write(move |s| s.snooze(id, until, &who, Timestamp::now()))
            }
            Effect::LoadDetail(id) => self.queue_latest(
                &self.detail_loads,
                move |s| store::load_detail(s, id),
                |d| Msg::DetailLoaded(Box::new(d)),
            ),
            Effect::FetchThread(id) => self.spawn_fetch_thread(id),
            Effect::SetStatus { id, status, why } => {
                self.write(move |s| s.set_status(id, status, &who, &why, Timestamp::now()))
            }
            Effect::RestoreStatus { id, status, why } => {
                self.write(move |s| s.restore_status(id, status, &who, &why, Timestamp::now()))
            }
            Effect::MarkRead(id) => self.write(move |s| s.set_read(id, true)),
            Effect::MarkUnread(id) => self.write(move |s| s.set_read(id, false)),
            Effect::AddNote { id, text } => {
                self.write(move |s| s.add_note(id, &text, &who, Timestamp::now()))
            }
            Effect::SetTags { id, tags } => {
                self.write(move |s| s.set_tags(id, &tags, &who, Timestamp::now()))
            }
            Effect::SetAssignee { id, assignee } => {
                self.write(move |s| s.set_assignee(id, assignee.as_deref(), &who, Timestamp::now()))
            }
            Effect::SetPriority { id, priority } => {
                self.write(move |s| s.set_priority(id, priority, &who, Timestamp::now()))
            }
            Effect::SaveDraft { id, text } => {
                self.with_draft_count(move |s| s.save_draft(id, &text, Timestamp::now()))
            }
            Effect::SendReply { id, text, again } => {
                // Durable before anything else: the worker picks it up from the store.
                let key = outbox::new_key(id);
                self.queue(
                    move |s| {
                        let now = Timestamp::now();
                        let refused = if again {
                            s.enqueue_reply(id, &text, &key, now).map(|_| None)?
                        } else {
                            s.enqueue_first_reply(id, &text, &key, &who, now)?.err()
                        };
                        Ok((refused, s.draft_count()?))
                    },
                    move |(refused, drafts)| {
                        Some(match refused {
                            None => Msg::DraftCount(drafts),
                            Some(a) => Msg::Error(format!(
                                "Not sent: {a}. Your reply to #{id} is kept as a draft; \
                                 open it with r to send it anyway."
                            )),
                        })
                    },
                );
                // The worker's own look at the outbox queues behind the enqueue.
                self.wake_outbox();
            }
            Effect::LoadOutbox => self.queue(|s| s.outbox(true), |e| Some(Msg::OutboxLoaded(e))),
            Effect::Resend { entry, text } => {
                self.queue(
                    move |s| {
                        let item = s.outbox_entry(entry)?.map(|e| e.item).unwrap_or(ItemId(0));
                        s.outbox_requeue(
                            entry,
                            text.as_deref(),
                            &outbox::new_key(item),
                            Timestamp::now(),
                        )?;
                        s.outbox(true)
                    },
                    |e| Some(Msg::OutboxLoaded(e)),
                );
                self.wake_outbox();
            }
            Effect::Claim(id) => self.queue(
                move |s| s.claim_item(id, &who, Timestamp::now()),
                move |others| Some(Msg::Claimed { id, others }),
            ),
            Effect::ReleaseClaim(id) => self.write(move |s| s.release_claim(id, &who)),
            Effect::LoadClaims => self.queue(|s| s.claims(), |c| Some(Msg::ClaimsLoaded(c))),
            Effect::CheckActivity { id, since } => self.queue(
                // Not knowing is an answer too: the composer asks before sending.
                move |s| Ok(s.activity_since(id, since, &who).map_err(|e| e.to_string())),
                move |activity| Some(Msg::Activity { id, activity }),
            ),
            Effect::Notify { event, text } => {
                crate::notify::deliver(&self.notify, event, &text, &mut std::io::stdout());
            }
            Effect::Hide { id } => self.spawn_hide(id),
            Effect::SyncNow => {
                for p in &self.pollers {
                    p.poll_now();
                }
                self.wake_outbox();
            }
            // Run by the loop itself, which owns the terminal.
            Effect::OpenEditor { .. } | Effect::Quit => {}
        }
    }

    /// Queue `job` on the store; when it has run, `answer` makes its message for the app,
    /// and a failure goes to the status bar.
    fn queue<T, J, A>(&self, job: J, answer: A)
    where
        J: FnOnce(&mut dyn StoreBackend) -> StoreResult<T> + Send + 'static,
        A: FnOnce(T) -> Option<Msg> + Send + 'static,
    {
        self.queue_if(|| true, job, answer);
    }

    /// [`EffectRunner::queue`], dropped unrun if `wanted` says no when its turn comes.
    fn queue_if<T, W, J, A>(&self, wanted: W, job: J, answer: A)
    where
        W: Fn() -> bool + Send + 'static,
        J: FnOnce(&mut dyn StoreBackend) -> StoreResult<T> + Send + 'static,
        A: FnOnce(T) -> Option<Msg> + Send + 'static,
    {
        let tx = self.tx.clone();
        let queued = self.store.submit_if(wanted, move |s| {
            let msg = match job(s) {
                Ok(value) => answer(value),
                Err(e) => {
                    tracing::warn!("effect failed: {e}");
                    Some(Msg::Error(e.to_string()))
                }
            };
            if let Some(msg) = msg {
                let _ = tx.send(msg);
            }
        });
        if let Err(e) = queued {
            tracing::warn!("effect not queued: {e}");
            let _ = self.tx.send(Msg::Error(e.to_string()));
        }
    }

    /// A write whose only answer is a failure.
    fn write<J>(&self, job: J)
    where
        J: FnOnce(&mut dyn StoreBackend) -> StoreResult<()> + Send + 'static,
    {
        self.queue(job, |()| None);
    }

    /// A load that is skipped if another of its kind (counted by `loads`) is queued after it.
    fn queue_latest<T, J, A>(&self, loads: &Arc<AtomicU64>, job: J, answer: A)
    where
        J: FnOnce(&mut dyn StoreBackend) -> StoreResult<T> + Send + 'static,
        A: FnOnce(T) -> Msg + Send + 'static,
    {
        let (loads, mine) = (loads.clone(), loads.fetch_add(1, Ordering::SeqCst) + 1);
        self.queue_if(
            move || loads.load(Ordering::SeqCst) == mine,
            job,
            move |value| Some(answer(value)),
        );
    }

    /// Run a draft-changing store call, then tell the app how many drafts are left.
    fn with_draft_count<F>(&self, f: F)
    where
        F: FnOnce(&mut dyn StoreBackend) -> StoreResult<()> + Send + 'static,
    {
        self.queue(
            move |s| {
                f(s)?;
                s.draft_count()
            },
            |n| Some(Msg::DraftCount(n)),
        );
    }

    fn wake_outbox(&self) {
        if let Some(outbox) = &self.outbox {
            outbox.wake();
        }
    }

    /// Hide a comment on its network, then mark it ignored; the status bar says which.
    fn spawn_hide(&self, id: ItemId) {
        let (store, channels, tx) = (self.store.clone(), self.channels.clone(), self.tx.clone());
        let who = self.user.clone();
        tokio::spawn(async move {
            let item = match store.call(move |s| s.item(id)).await {
                Ok(item) => item,
                Err(e) => {
                    let _ = tx.send(Msg::Error(format!("Not hidden: {e}")));
                    return;
                }
            };
            let Some(channel) = channels.get(&item.account) else {
                let _ = tx.send(Msg::Error(format!(
                    "Not hidden: account {:?} has no working client.",
                    item.account
                )));
                return;
            };
            let hidden = crate::moderation::hide_item(&store, channel.as_ref(), &item, &who, None);
            match hidden.await {
                Ok(done) => {
                    let _ = tx.send(Msg::Info(done));
                    // The item is now ignored: the list and the detail show it.
                    let _ = tx.send(Msg::StoreChanged);
                }
                Err(e) => {
                    let _ = tx.send(Msg::Error(e));
                }
            }
        });
    }

    fn spawn_fetch_thread(&self, id: ItemId) {
        if self.channels.is_empty() {
            // No network to ask (a headless runner).
            return;
        }
        let (store, channels, tx) = (self.store.clone(), self.channels.clone(), self.tx.clone());
        tokio::spawn(async move {
            let Ok(item) = store.call(move |s| s.item(id)).await else {
                return;
            };
            let Some(channel) = channels.get(&item.account) else {
                return;
            };
            let thread = channel
                .fetch_thread(&item.remote_id)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(Msg::ThreadFetched { id, thread });
        });
    }
}
