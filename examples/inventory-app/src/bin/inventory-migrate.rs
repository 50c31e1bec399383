//! inventory-migrate: applies the inventory's migrations and exits — the same embedded set,
//! called from a plain `fn main` with no async runtime.
//!
//! ```text
//! inventory-migrate [status]
//! ```

use std::process::ExitCode;

use sluice_migrate::{Embedded, Migrator, embed_migrations};

static MIGRATIONS: Embedded = embed_migrations!("migrations");

fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:inventory.db".into());
    let env = std::env::var("INVENTORY_ENV").unwrap_or_else(|_| "dev".into());
    let m = Migrator::new(&MIGRATIONS).environment(&env);
    let status = std::env::args().nth(1).as_deref() == Some("status");
    let result = if status {
        m.status(&url).map(|rows| {
            for r in rows {
                println!("{} {}", r.id, r.state);
            }
        })
    } else {
        m.up(&url).map(|r| println!("applied {}", r.applied.len()))
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inventory-migrate: {e}");
            // The CLI's exit codes, so that a deploy script reads both alike.
            ExitCode::from(match e.kind() {
                sluice_migrate::ErrorKind::Input => 2,
                sluice_migrate::ErrorKind::MigrationFailed => 3,
                sluice_migrate::ErrorKind::Refused => 4,
                sluice_migrate::ErrorKind::Locked => 5,
                _ => 6,
            })
        }
    }
}
