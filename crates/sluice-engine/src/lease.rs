//! The heartbeat of a held migration lock: a thread that owns the lock's own connection,
//! renews the lease in the lock row every [`HEARTBEAT`], notices when the lock is lost
//! (its connection closed, the row names another run), and releases the lock when told to
//! or when the guard is dropped.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use sluice_core::engine::{DbError, HEARTBEAT};

/// A running heartbeat.
#[derive(Debug)]
pub(crate) struct Lease {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<Result<(), DbError>>>,
    lost: Arc<Mutex<Option<String>>>,
}

impl Lease {
    /// Starts the heartbeat over `state` (the lock's connection): `beat` renews the lease
    /// (an error means the lock is lost), `release` frees the lock at the end (and may keep
    /// the connection for the next lock).
    pub(crate) fn start<S: Send + 'static>(
        mut state: S,
        mut beat: impl FnMut(&mut S) -> Result<(), DbError> + Send + 'static,
        release: impl FnOnce(S) -> Result<(), DbError> + Send + 'static,
    ) -> Lease {
        let (tx, rx) = mpsc::channel::<()>();
        let lost = Arc::new(Mutex::new(None));
        let seen = Arc::clone(&lost);
        let thread = std::thread::spawn(move || {
            loop {
                match rx.recv_timeout(HEARTBEAT) {
                    Err(RecvTimeoutError::Timeout) => {
                        let mut l = seen.lock().unwrap_or_else(|p| p.into_inner());
                        if l.is_none()
                            && let Err(e) = beat(&mut state)
                        {
                            *l = Some(e.message);
                        }
                    }
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                        return release(state);
                    }
                }
            }
        });
        Lease {
            stop: Some(tx),
            thread: Some(thread),
            lost,
        }
    }

    /// Why the lock was lost, when the heartbeat saw it go.
    pub(crate) fn lost(&self) -> Option<String> {
        self.lost.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Stops the heartbeat and releases the lock; the release's own error.
    pub(crate) fn release(&mut self) -> Result<(), DbError> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(DbError::msg("the lock's heartbeat thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let _ = self.release();
    }
}
