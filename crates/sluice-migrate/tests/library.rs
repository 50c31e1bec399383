//! sluice-migrate against real servers: two applications with their own table prefix in
//! one PostgreSQL database, and calls from inside a tokio runtime.

use std::time::{Duration, Instant};

use sluice_migrate::{Embedded, ErrorKind, Event, Migrator, embed_migrations};
use sluice_testkit::postgres::{psql, server};

static BILLING: Embedded = embed_migrations!("tests/billing", dialect = "postgres");
// A dbmate folder embeds as it is.
static SHIPPING: Embedded = embed_migrations!("tests/shipping");

fn active(url: &str, needle: &str) -> bool {
    let sql = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%{needle}%' AND pid <> pg_backend_pid()"
    );
    psql(url, &sql).is_ok_and(|o| o.trim() != "0")
}

#[test]
fn two_applications_share_a_database_each_with_its_own_history_and_lock() {
    assert_eq!(SHIPPING.layout(), "dbmate");
    let db = server().database("library_prefixes");
    let url = db.url.clone();
    // Billing runs first and holds its lock through a slow first migration.
    let billing = std::thread::spawn({
        let url = url.clone();
        move || Migrator::new(&BILLING).table_prefix("billing_").up(&url)
    });
    let started = Instant::now();
    while !active(&url, "pg_sleep(4)") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "billing never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Shipping is not held up by billing's lock…
    let shipping = Migrator::new(&SHIPPING)
        .table_prefix("shipping_")
        .lock_wait(Duration::from_millis(500))
        .up(&url)
        .expect("shipping applies beside billing");
    assert_eq!(shipping.applied, ["20260101000000_parcels"]);
    assert!(active(&url, "pg_sleep(4)"), "billing was still running");
    // …while a second billing runner is.
    let second = Migrator::new(&BILLING)
        .table_prefix("billing_")
        .lock_wait(Duration::from_millis(300))
        .up(&url)
        .unwrap_err();
    assert_eq!(second.kind(), ErrorKind::Locked, "{second}");
    let billing = billing.join().unwrap().expect("billing applies");
    assert_eq!(billing.applied, ["001_slow_start", "002_invoices"]);
    // Each sees only its own history.
    let ids = |m: Migrator| -> Vec<String> {
        m.status(&url).unwrap().into_iter().map(|s| s.id).collect()
    };
    assert_eq!(
        ids(Migrator::new(&BILLING).table_prefix("billing_")),
        ["001_slow_start", "002_invoices"]
    );
    assert_eq!(
        ids(Migrator::new(&SHIPPING).table_prefix("shipping_")),
        ["20260101000000_parcels"]
    );
    // Their state lives in schemas of their own.
    let schemas = psql(
        &url,
        "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname IN ('billing', 'shipping', 'sluice')",
    )
    .unwrap();
    assert_eq!(schemas.trim(), "billing,shipping");
    // A second run of each applies nothing.
    assert!(
        Migrator::new(&SHIPPING)
            .table_prefix("shipping_")
            .up(&url)
            .unwrap()
            .applied
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_from_inside_a_multi_thread_runtime_work() {
    let db = server().database("library_tokio_mt");
    // The blocking call, from an async fn: the PostgreSQL client would panic here if it ran
    // on this thread.
    let report = Migrator::new(&SHIPPING).up(&db.url).unwrap();
    assert_eq!(report.applied.len(), 1);
    // The future.
    let db2 = server().database("library_tokio_mt_async");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let report = Migrator::new(&SHIPPING)
        .on_event(move |e| seen.lock().unwrap().push(e.clone()))
        .up_async(&db2.url)
        .await
        .unwrap();
    assert_eq!(report.applied, ["20260101000000_parcels"]);
    let events = events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Applied { migration, .. } if migration == "20260101000000_parcels")),
        "{events:?}"
    );
    assert!(
        events.contains(&Event::Finished { applied: 1 }),
        "{events:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn calls_from_inside_a_current_thread_runtime_work() {
    let db = server().database("library_tokio_ct");
    let plan = Migrator::new(&SHIPPING).plan(&db.url).unwrap();
    assert_eq!(plan, ["20260101000000_parcels"]);
    let report = Migrator::new(&SHIPPING).up_async(&db.url).await.unwrap();
    assert_eq!(report.applied.len(), 1);
    assert!(Migrator::new(&SHIPPING).plan(&db.url).unwrap().is_empty());
}
