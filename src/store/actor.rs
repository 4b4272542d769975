//! The store actor: one thread owns the backend; async callers send it jobs.
//!
//! SQLite calls block, so they run on a dedicated OS thread rather than on the async runtime.
//! A job is a closure over `&mut dyn StoreBackend`; its answer comes back on a oneshot.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{StoreBackend, StoreError, StoreResult};

type Job = Box<dyn FnOnce(&mut dyn StoreBackend) + Send>;

/// Cheap to clone; every clone talks to the same owning thread.
#[derive(Clone)]
pub struct StoreHandle {
    tx: mpsc::Sender<Job>,
}

impl StoreHandle {
    /// Move `backend` onto its own thread. The thread ends when every handle is dropped.
    pub fn spawn(mut backend: Box<dyn StoreBackend>) -> StoreHandle {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("tinbox-store".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    backend.heal();
                    job(backend.as_mut());
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
        let job: Job = Box::new(move |store| {
            let _ = reply_tx.send(f(store));
        });
        self.tx.send(job).map_err(|_| StoreError::Closed)?;
        reply_rx.await.map_err(|_| StoreError::Closed)?
    }
}
