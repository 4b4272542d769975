//! The store actor: one thread owns the backend; async callers send it jobs.
//!
//! SQLite calls block, so they run on a dedicated OS thread rather than on the async runtime.
//! A job is a closure over `&mut dyn StoreBackend`. Jobs run one at a time in the order they
//! were sent, whoever sent them: a write queued before a read has landed when the read runs.
//! [`StoreHandle::call`] awaits a job's answer on a oneshot; [`StoreHandle::submit`] only
//! queues it (the job delivers its own answer, e.g. as a message to the app);
//! [`StoreHandle::submit_if`] queues a job that is dropped unrun if, when its turn comes,
//! it is no longer wanted (a load that a newer one has made pointless).

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{StoreBackend, StoreError, StoreResult};

type Run = Box<dyn FnOnce(&mut dyn StoreBackend) + Send>;
type Wanted = Box<dyn Fn() -> bool + Send>;

struct Job {
    wanted: Option<Wanted>,
    run: Run,
}

/// Cheap to clone; every clone talks to the same owning thread.
#[derive(Clone)]
pub struct StoreHandle {
    tx: mpsc::Sender<Job>,
}

impl StoreHandle {
    /// Move `backend` onto its own thread. The thread ends when every handle is dropped.
    pub fn spawn(backend: Box<dyn StoreBackend>) -> StoreHandle {
        StoreHandle::spawn_with(backend, || {})
    }

    /// [`StoreHandle::spawn`], with `before_each` run on the store thread before every job.
    /// For test and bench doubles of a slow or busy store: a delay (a database far away) or
    /// a gate the test opens (a job still running while the app goes on).
    pub fn spawn_with(
        mut backend: Box<dyn StoreBackend>,
        mut before_each: impl FnMut() + Send + 'static,
    ) -> StoreHandle {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("tinbox-store".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    if job.wanted.is_some_and(|wanted| !wanted()) {
                        continue;
                    }
                    before_each();
                    backend.heal();
                    (job.run)(backend.as_mut());
                }
            })
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!("cannot start the store thread: {e}"));
        StoreHandle { tx }
    }

    /// Run `f` on the store thread and await its answer.
    pub async fn call<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn StoreBackend) -> StoreResult<T> + Send + 'static,
    {
        let (reply_tx, reply_rx) = oneshot::channel();
        self.submit(move |store| {
            let _ = reply_tx.send(f(store));
        })?;
        reply_rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Queue `job` behind every job sent before it and return at once, never waiting for
    /// the store. The job itself sends its answer on (in the order the jobs run, so answers
    /// sent from jobs into one channel arrive in the order the jobs were queued).
    pub fn submit<F>(&self, job: F) -> StoreResult<()>
    where
        F: FnOnce(&mut dyn StoreBackend) + Send + 'static,
    {
        self.send(None, Box::new(job))
    }

    /// [`StoreHandle::submit`], but when the job's turn comes `wanted` is asked first (on
    /// the store thread) and a job no longer wanted is dropped without touching the store.
    pub fn submit_if<W, F>(&self, wanted: W, job: F) -> StoreResult<()>
    where
        W: Fn() -> bool + Send + 'static,
        F: FnOnce(&mut dyn StoreBackend) + Send + 'static,
    {
        self.send(Some(Box::new(wanted)), Box::new(job))
    }

    fn send(&self, wanted: Option<Wanted>, run: Run) -> StoreResult<()> {
        self.tx
            .send(Job { wanted, run })
            .map_err(|_| StoreError::Closed)
    }

    /// Wait until every job queued before this call has run (before leaving: the last
    /// drafts and replies are written).
    pub async fn flush(&self) -> StoreResult<()> {
        self.call(|_| Ok(())).await
    }
}
