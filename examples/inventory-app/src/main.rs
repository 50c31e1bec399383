//! inventory: a small application that migrates its database at start-up.
//!
//! ```text
//! inventory add <name> <quantity>    # adds (or counts up) an item
//! inventory list                     # lists the items
//! ```
//!
//! The database is `DATABASE_URL`, else `sqlite:inventory.db`; `INVENTORY_ENV` picks the
//! environment of `sluice.toml` whose gates apply (default `dev`).

use std::process::ExitCode;

use sluice_migrate::{Embedded, Event, Migrator, embed_migrations};

/// The migrations, read and checked when the application is compiled.
static MIGRATIONS: Embedded = embed_migrations!("migrations");

#[tokio::main]
async fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:inventory.db".into());
    let env = std::env::var("INVENTORY_ENV").unwrap_or_else(|_| "dev".into());
    // Migrate before serving anything: from inside the runtime, without blocking it.
    let report = Migrator::new(&MIGRATIONS)
        .environment(&env)
        .actor("inventory-app")
        .on_event(|e| {
            if let Event::Applied { migration, .. } = e {
                eprintln!("migrated: {migration}");
            }
        })
        .up_async(&url)
        .await;
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("inventory: the database could not be migrated: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!(
        "inventory: schema up to date ({} migration(s) applied by run {})",
        report.applied.len(),
        report.run_id
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if url.starts_with("sqlite:") {
        sqlite(&url, &args)
    } else {
        server(&url, &args).await
    };
    match result {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("inventory: {e}");
            ExitCode::FAILURE
        }
    }
}

fn sqlite(url: &str, args: &[String]) -> Result<Vec<String>, String> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let db = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    match args {
        [cmd, name, qty] if cmd == "add" => {
            let qty: i64 = qty
                .parse()
                .map_err(|_| format!("`{qty}` is not a number"))?;
            db.execute(
                "INSERT INTO items (name, quantity) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET quantity = quantity + excluded.quantity",
                rusqlite::params![name, qty],
            )
            .map_err(|e| e.to_string())?;
            Ok(Vec::new())
        }
        [cmd] if cmd == "list" => {
            let mut st = db
                .prepare("SELECT name, quantity FROM items ORDER BY name")
                .map_err(|e| e.to_string())?;
            let rows = st
                .query_map([], |r| {
                    Ok(format!(
                        "{} {}",
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?
                    ))
                })
                .map_err(|e| e.to_string())?;
            rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
        }
        [] => Ok(Vec::new()),
        _ => Err("usage: inventory add <name> <quantity> | inventory list".into()),
    }
}

#[cfg(feature = "postgres")]
async fn server(url: &str, args: &[String]) -> Result<Vec<String>, String> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    match args {
        [cmd, name, qty] if cmd == "add" => {
            let qty: i32 = qty
                .parse()
                .map_err(|_| format!("`{qty}` is not a number"))?;
            client
                .execute(
                    "INSERT INTO items (id, name, quantity)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM items), $1, $2)
                     ON CONFLICT (name) DO UPDATE SET quantity = items.quantity + excluded.quantity",
                    &[name, &qty],
                )
                .await
                .map_err(|e| e.to_string())?;
            Ok(Vec::new())
        }
        [cmd] if cmd == "list" => Ok(client
            .query("SELECT name, quantity FROM items ORDER BY name", &[])
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .map(|r| format!("{} {}", r.get::<_, String>(0), r.get::<_, i32>(1)))
            .collect()),
        [] => Ok(Vec::new()),
        _ => Err("usage: inventory add <name> <quantity> | inventory list".into()),
    }
}

#[cfg(not(feature = "postgres"))]
async fn server(url: &str, _args: &[String]) -> Result<Vec<String>, String> {
    Err(format!(
        "{url}: this build has SQLite only; build with --features postgres"
    ))
}
