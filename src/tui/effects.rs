//! The effect runner: performs what `update` asked for and answers with messages.
//!
//! Store effects are awaited in order (a status change lands before the reload that follows
//! it); network work runs in its own tasks (pollers, the outbox worker, thread fetches) so
//! the UI never waits on a server.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::channels::Channel;
use crate::channels::poller::PollerHandle;
use crate::model::ItemId;
use crate::outbox::{self, OutboxHandle};
use crate::store::{self, ItemQuery, StoreHandle};

pub struct EffectRunner {
    pub store: StoreHandle,
    pub channels: HashMap<String, Arc<dyn Channel>>,
    pub pollers: Vec<PollerHandle>,
    pub outbox: OutboxHandle,
    pub tx: UnboundedSender<Msg>,
    pub user: String,
    pub case_format: String,
    pub notify: crate::notify::Settings,
    /// Built the last list of rows (a reload shares the texts that did not change).
    pub rows: Arc<std::sync::Mutex<crate::model::RowBuilder>>,
}

impl EffectRunner {
    pub async fn run(&self, effect: Effect) {
        let result = match effect {
            Effect::LoadItems { include_closed } => {
                let q = ItemQuery {
                    all: include_closed,
                    ..ItemQuery::default()
                };
                let rows = self.rows.clone();
                self.store
                    .call(move |s| {
                        // Snoozes that have ended bring their items back first.
                        s.wake_snoozed(Timestamp::now())?;
                        // Only this job uses the builder: a lock that is never waited for.
                        let mut rows = rows.lock().unwrap_or_else(|e| e.into_inner());
                        s.list_rows(&q, &mut rows)
                    })
                    .await
                    .map(|rows| self.send(Msg::ItemsLoaded(rows)))
            }
            Effect::CreateFollowUp { id, input } => {
                let (who, format) = (self.user.clone(), self.case_format.clone());
                self.store
                    .call(move |s| s.create_followup(id, &input, &format, &who, Timestamp::now()))
                    .await
                    .map(|f| {
                        let to = f.assignee.unwrap_or_default();
                        self.send(Msg::Info(format!(
                            "{}: #{id} taken offline, with {to}.",
                            f.case_number
                        )))
                    })
            }
            Effect::LoadReport { since_s } => {
                let since = Timestamp::now()
                    .checked_sub(jiff::SignedDuration::from_secs(since_s))
                    .unwrap_or(Timestamp::now());
                self.store
                    .call(move |s| crate::report::inputs(s, since))
                    .await
                    .map(|(items, followups)| {
                        self.send(Msg::ReportData {
                            items,
                            followups,
                            since,
                        })
                    })
            }
            Effect::LoadFollowUps => self
                .store
                .call(|s| s.followups(false))
                .await
                .map(|f| self.send(Msg::FollowUpsLoaded(f))),
            Effect::ResolveFollowUp { id, outcome, done } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.resolve_followup(id, &outcome, done, &who, Timestamp::now()))
                    .await
                    .map(|f| {
                        self.send(Msg::Info(format!(
                            "{} closed: {}.",
                            f.case_number,
                            f.outcome.unwrap_or_default()
                        )))
                    })
            }
            Effect::Snooze { id, until } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.snooze(id, until, &who, Timestamp::now()))
                    .await
            }
            Effect::LoadDetail(id) => self
                .store
                .call(move |s| store::load_detail(s, id))
                .await
                .map(|d| self.send(Msg::DetailLoaded(Box::new(d)))),
            Effect::FetchThread(id) => {
                self.spawn_fetch_thread(id);
                Ok(())
            }
            Effect::SetStatus { id, status, why } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.set_status(id, status, &who, &why, Timestamp::now()))
                    .await
            }
            Effect::MarkRead(id) => self.store.call(move |s| s.set_read(id, true)).await,
            Effect::MarkUnread(id) => self.store.call(move |s| s.set_read(id, false)).await,
            Effect::AddNote { id, text } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.add_note(id, &text, &who, Timestamp::now()))
                    .await
            }
            Effect::SetTags { id, tags } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.set_tags(id, &tags, &who, Timestamp::now()))
                    .await
            }
            Effect::SetAssignee { id, assignee } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.set_assignee(id, assignee.as_deref(), &who, Timestamp::now()))
                    .await
            }
            Effect::SetPriority { id, priority } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.set_priority(id, priority, &who, Timestamp::now()))
                    .await
            }
            Effect::SaveDraft { id, text } => {
                self.with_draft_count(move |s| s.save_draft(id, &text, Timestamp::now()))
                    .await
            }
            Effect::SendReply { id, text } => {
                // Durable before anything else: the worker picks it up from the store.
                let key = outbox::new_key(id);
                let r = self
                    .with_draft_count(move |s| {
                        s.enqueue_reply(id, &text, &key, Timestamp::now())
                            .map(|_| ())
                    })
                    .await;
                self.outbox.wake();
                r
            }
            Effect::LoadOutbox => self
                .store
                .call(|s| s.outbox(true))
                .await
                .map(|e| self.send(Msg::OutboxLoaded(e))),
            Effect::Resend { entry, text } => {
                let r = self
                    .store
                    .call(move |s| {
                        let item = s.outbox_entry(entry)?.map(|e| e.item).unwrap_or(ItemId(0));
                        s.outbox_requeue(
                            entry,
                            text.as_deref(),
                            &outbox::new_key(item),
                            Timestamp::now(),
                        )?;
                        s.outbox(true)
                    })
                    .await
                    .map(|e| self.send(Msg::OutboxLoaded(e)));
                self.outbox.wake();
                r
            }
            Effect::Claim(id) => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.claim_item(id, &who, Timestamp::now()))
                    .await
                    .map(|others| self.send(Msg::Claimed { id, others }))
            }
            Effect::ReleaseClaim(id) => {
                let who = self.user.clone();
                self.store.call(move |s| s.release_claim(id, &who)).await
            }
            Effect::LoadClaims => self
                .store
                .call(|s| s.claims())
                .await
                .map(|c| self.send(Msg::ClaimsLoaded(c))),
            Effect::CheckActivity { id, since } => {
                let who = self.user.clone();
                let activity = self
                    .store
                    .call(move |s| s.activity_since(id, since, &who))
                    .await
                    .map_err(|e| e.to_string());
                self.send(Msg::Activity { id, activity });
                Ok(())
            }
            Effect::Notify { event, text } => {
                crate::notify::deliver(&self.notify, event, &text, &mut std::io::stdout());
                Ok(())
            }
            Effect::SyncNow => {
                for p in &self.pollers {
                    p.poll_now();
                }
                self.outbox.wake();
                Ok(())
            }
            // Run by the loop itself, which owns the terminal.
            Effect::OpenEditor { .. } | Effect::Quit => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!("effect failed: {e}");
            self.send(Msg::Error(e.to_string()));
        }
    }

    fn send(&self, msg: Msg) {
        let _ = self.tx.send(msg);
    }

    /// Run a draft-changing store call, then tell the app how many drafts are left.
    async fn with_draft_count<F>(&self, f: F) -> store::StoreResult<()>
    where
        F: FnOnce(&mut dyn store::StoreBackend) -> store::StoreResult<()> + Send + 'static,
    {
        let n = self
            .store
            .call(move |s| {
                f(s)?;
                s.draft_count()
            })
            .await?;
        self.send(Msg::DraftCount(n));
        Ok(())
    }

    fn spawn_fetch_thread(&self, id: ItemId) {
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
