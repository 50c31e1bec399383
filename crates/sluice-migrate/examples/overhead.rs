//! What running the work on a thread of its own costs a library call, against the call.
//!
//! ```text
//! cargo run --release -p sluice-migrate --example overhead
//! ```
//!
//! Prints the median of 200 `Migrator::up` calls on an up-to-date SQLite database (which
//! connect, read the history, take and release the lock and spawn the thread), and of 200
//! bare scoped-thread spawns and joins.

use std::time::{Duration, Instant};

use sluice_migrate::{Embedded, Migrator, embed_migrations};

static MIGRATIONS: Embedded = embed_migrations!("migrations");

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("sluice-overhead-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}/app.db", dir.display());
    let m = Migrator::new(&MIGRATIONS);
    m.up(&url).unwrap();
    let mut calls = Vec::new();
    let mut threads = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        m.up(&url).unwrap();
        calls.push(t.elapsed());
        let t = Instant::now();
        std::thread::scope(|s| s.spawn(|| 1).join().unwrap());
        threads.push(t.elapsed());
    }
    let (c, t) = (median(calls), median(threads));
    println!(
        "up with nothing to apply: {c:?}; thread spawn+join: {t:?} ({:.1}% of the call)",
        100.0 * t.as_secs_f64() / c.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).ok();
}
