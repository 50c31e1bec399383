//! `sluice compat`: the application's statements, as PostgreSQL's pg_stat_statements
//! recorded them, checked against the schema after the pending migrations.

use serde_json::Value;
use sluice_testkit::Project;
use sluice_testkit::postgres::{psql, server, tool};

use crate::support::{redact, sluice, snapshot};

/// The listing-helper example's workload: 32 distinct statements (joins, CTEs, `INSERT …
/// RETURNING`, upserts, functions). Three use `listings.title`; one finds listing events
/// by `idx_listing_events_listing`.
const WORKLOAD: &str = r#"
INSERT INTO marketplaces (code, name, currency) VALUES ('UK', 'Amazon UK', 'GBP') RETURNING id;
INSERT INTO suppliers (name, lead_time_days) VALUES ('Acme', 5) RETURNING id;
INSERT INTO listings (seller_sku, title, price_inc_vat, available_quantity) VALUES ('SKU-1', 'Mug', 9.99, 10) RETURNING id;
INSERT INTO components (supplier_id, sku, description, unit_cost_ex_vat) VALUES (1, 'C-1', 'Handle', 0.5) RETURNING id;
SELECT id, title, price_inc_vat FROM listings WHERE seller_sku = 'SKU-1';
UPDATE listings SET title = 'Big mug' WHERE id = 1;
SELECT count(*) FROM listings;
SELECT id, seller_sku FROM listings ORDER BY created_at DESC LIMIT 20;
INSERT INTO settings (key, value) VALUES ('theme', '{"dark": true}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();
SELECT value FROM settings WHERE key = 'theme';
SELECT c.sku, s.name FROM components c JOIN suppliers s ON s.id = c.supplier_id WHERE s.lead_time_days < 10;
INSERT INTO listing_sales_daily (listing_id, day, units, revenue_inc_vat) VALUES (1, '2026-11-30', 3, 29.97);
WITH recent AS (SELECT listing_id, sum(units) AS u FROM listing_sales_daily WHERE day > '2026-01-01'::date GROUP BY listing_id) SELECT l.seller_sku, r.u FROM listings l JOIN recent r ON r.listing_id = l.id ORDER BY r.u DESC;
INSERT INTO jobs (job_type, scope_type, listing_id) VALUES ('SYNC_AMAZON_OFFER', 'LISTING', 1) RETURNING id;
INSERT INTO listing_events (listing_id, event_type, created_by) VALUES (1, 'LISTING_CREATED', 'app');
SELECT listing_id, event_type, created_at FROM listing_events WHERE listing_id = 1 ORDER BY created_at DESC LIMIT 10;
SELECT id FROM jobs WHERE status = 'PENDING' ORDER BY priority, scheduled_for LIMIT 5 FOR UPDATE SKIP LOCKED;
UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, started_at = now() WHERE id = 1;
UPDATE jobs SET status = 'SUCCEEDED', finished_at = now(), result_json = '{}' WHERE id = 1 RETURNING finished_at - started_at;
SELECT upper(seller_sku), coalesce(price_inc_vat, 0) FROM listings WHERE available_quantity > 0;
INSERT INTO asin_entities (asin, marketplace_id, title) VALUES ('B000', 1, 'Mug') RETURNING id;
SELECT a.asin, a.title, m.code FROM asin_entities a JOIN marketplaces m ON m.id = a.marketplace_id;
INSERT INTO listing_offer_current (listing_id, price_inc_vat) VALUES (1, 9.99) ON CONFLICT (listing_id) DO UPDATE SET price_inc_vat = EXCLUDED.price_inc_vat, observed_at = now();
SELECT l.seller_sku, o.buy_box_status FROM listings l LEFT JOIN listing_offer_current o ON o.listing_id = l.id;
SELECT to_char(created_at, 'YYYY-MM') AS month, count(*) FROM listings GROUP BY 1 ORDER BY 1;
INSERT INTO feature_store (entity_type, entity_id, features_json) VALUES ('LISTING', 1, '{"velocity": 3}');
SELECT features_json ->> 'velocity' FROM feature_store WHERE entity_type = 'LISTING' AND entity_id = 1 ORDER BY computed_at DESC LIMIT 1;
WITH s AS (SELECT listing_id, units FROM listing_sales_daily) SELECT sum(units) FROM s;
SELECT EXISTS (SELECT 1 FROM listings WHERE seller_sku = 'SKU-2');
DELETE FROM settings WHERE key = 'old';
SELECT m.code, count(a.id) FROM marketplaces m LEFT JOIN asin_entities a ON a.marketplace_id = m.id GROUP BY m.code HAVING count(a.id) >= 0;
SELECT greatest(available_quantity, 0), length(seller_sku) FROM listings WHERE id = ANY ('{1,2}'::bigint[]);
"#;

const RENAME_AND_DROP: &str = "-- sluice:up\nALTER TABLE listings RENAME COLUMN title TO listing_title;\nDROP INDEX idx_listing_events_listing;\n\n-- sluice:down\nCREATE INDEX idx_listing_events_listing ON listing_events (listing_id, created_at DESC);\nALTER TABLE listings RENAME COLUMN listing_title TO title;\n";

const EXPAND: &str = "-- sluice:up\nALTER TABLE listings ADD COLUMN listing_title text;\nUPDATE listings SET listing_title = title;\n\n-- sluice:down\nALTER TABLE listings DROP COLUMN listing_title;\n";

/// A project of example `example`'s migrations, applied to `url` (its dev environment).
fn example_applied(label: &str, dialect: &str, url: &str, example: &str) -> Project {
    let p = Project::new(label);
    p.config(&format!(
        "[project]\ndialect = \"{dialect}\"\n\n[environments.dev]\nurl = \"{url}\"\n"
    ));
    sluice_testkit::copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(example)
            .join("migrations"),
        &p.migrations(),
    );
    sluice(p.path(), &["up"]).code(0);
    p
}

#[test]
fn compat_names_the_statements_a_pending_migration_breaks_and_the_line_that_breaks_them() {
    let db = server().database("compat");
    let p = example_applied("compat-pg", "postgres", &db.url, "listing-helper");
    psql(&db.url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").unwrap();
    psql(&db.url, "SELECT pg_stat_statements_reset()").unwrap();
    let workload = p.path().join("workload.sql");
    std::fs::write(&workload, WORKLOAD).unwrap();
    let ran = std::process::Command::new(tool("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
        .arg(&workload)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    // A statement at the server's limit of text: it may have been cut, so it is never
    // counted as passing (this one is whole, and prepares).
    let limit: usize = psql(
        &db.url,
        "SELECT setting FROM pg_settings WHERE name = 'track_activity_query_size'",
    )
    .unwrap()
    .parse()
    .unwrap();
    let head = "SELECT id FROM listings WHERE seller_sku = 'x'";
    let long = format!("{head} /*{}*/", "x".repeat(limit - head.len() - 5));
    psql(&db.url, &long).unwrap();

    // Nothing pending: every statement of the application passes.
    let ok = sluice(p.path(), &["compat"]).code(0);
    assert!(
        ok.stdout.contains("verdict: PASSES — 0 break"),
        "{}",
        ok.stdout
    );

    p.migration("005_rename_title", RENAME_AND_DROP);
    let run = sluice(p.path(), &["compat", "--format", "json"]).code(1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let statements = doc["statements"].as_array().unwrap();
    assert!(statements.len() >= 31, "{}", run.stdout);
    let broken: Vec<&Value> = statements
        .iter()
        .filter(|s| s["verdict"] == "breaks" || s["verdict"] == "loses_index")
        .collect();
    let texts: Vec<&str> = broken.iter().map(|s| s["sql"].as_str().unwrap()).collect();
    assert_eq!(broken.len(), 4, "{texts:#?}");
    let renamed: Vec<&&Value> = broken.iter().filter(|s| s["verdict"] == "breaks").collect();
    assert_eq!(renamed.len(), 3, "{texts:#?}");
    for s in &renamed {
        let sql = s["sql"].as_str().unwrap();
        assert!(sql.contains("title") && sql.contains("listings"), "{sql}");
        assert_eq!(s["kind"], "missing column", "{s}");
        assert_eq!(s["cause"]["migration"], "005_rename_title");
        assert_eq!(s["cause"]["line"], 2);
        let advice = &s["advice"];
        assert!(
            advice["expand"][0] == "ALTER TABLE listings ADD COLUMN listing_title text;"
                && advice["contract"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == "ALTER TABLE listings DROP COLUMN title;"),
            "{advice}"
        );
    }
    let slower = broken
        .iter()
        .find(|s| s["verdict"] == "loses_index")
        .unwrap();
    assert!(
        slower["sql"]
            .as_str()
            .unwrap()
            .starts_with("SELECT listing_id, event_type, created_at FROM listing_events")
    );
    assert_eq!(slower["indexes"][0], "idx_listing_events_listing");
    assert_eq!(slower["cause"]["line"], 3);
    // asin_entities.title is another table's column: untouched.
    assert!(
        statements
            .iter()
            .any(|s| s["sql"].as_str().unwrap().contains("a.title") && s["verdict"] == "passes")
    );
    // The statement at the limit is not checked, with the reason.
    let cut = statements
        .iter()
        .find(|s| {
            s["sql"]
                .as_str()
                .unwrap()
                .starts_with("SELECT id FROM listings WHERE seller_sku = $1 /*")
        })
        .expect("the long statement");
    assert_eq!(cut["verdict"], "not_checked");
    assert!(
        cut["reason"]
            .as_str()
            .unwrap()
            .contains("may have been cut"),
        "{cut}"
    );

    let text = sluice(p.path(), &["compat"]).code(1);
    assert!(
        text.stdout.contains("caused by migrations/005_rename_title.sql:2 (005_rename_title): ALTER TABLE listings RENAME COLUMN title TO listing_title")
            && text.stdout.contains("its plan no longer uses idx_listing_events_listing after migrations/005_rename_title.sql:3")
            && text.stdout.contains("verdict: BREAKS — 4 break"),
        "{}",
        text.stdout
    );

    // Rewritten as the expand half: the application keeps working.
    p.migration("005_rename_title", EXPAND);
    let ok = sluice(p.path(), &["compat"]).code(0);
    assert!(
        ok.stdout.contains("verdict: PASSES — 0 break"),
        "{}",
        ok.stdout
    );
}

/// On the embedded default, from files: a session statement and a statement that does not
/// prepare today are not checked; the `compat = "block"` gate refuses `up` before anything
/// is applied, and lets the expand half through.
#[test]
fn compat_checks_files_on_sqlite_and_its_gate_blocks_up() {
    let p = Project::new("compat-sqlite");
    p.config(
        "[project]\ndialect = \"sqlite\"\n\n[environments.dev]\nurl = \"sqlite:app.db\"\ncompat = \"block\"\ncompat_queries = [\"queries\"]\n",
    );
    p.migration(
        "001_users",
        "-- sluice:up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\nCREATE INDEX users_email ON users (email);\n\n-- sluice:down\nDROP TABLE users;\n",
    );
    std::fs::create_dir_all(p.path().join("queries")).unwrap();
    std::fs::write(
        p.path().join("queries/users.sql"),
        "-- the user page\nSELECT id, name FROM users WHERE id = $1;\nSELECT id FROM users WHERE email = ?;\nINSERT INTO users (name, email) VALUES (?, ?) RETURNING id;\nSELECT count(*) FROM users;\nBEGIN;\nSELECT * FROM audit;\n",
    )
    .unwrap();
    // Nothing pending: the gate has nothing to check.
    sluice(p.path(), &["up"]).code(0);
    p.migration(
        "002_rename",
        "-- sluice:up\nALTER TABLE users RENAME COLUMN name TO full_name;\n\n-- sluice:down\nALTER TABLE users RENAME COLUMN full_name TO name;\n",
    );
    let run = sluice(p.path(), &["compat", "--format", "json"]).code(1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let verdicts: Vec<(&str, &str)> = doc["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["origin"].as_str().unwrap(),
                s["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("queries/users.sql:2", "breaks"),
            ("queries/users.sql:3", "passes"),
            ("queries/users.sql:4", "breaks"),
            ("queries/users.sql:5", "passes"),
            ("queries/users.sql:6", "not_checked"),
            ("queries/users.sql:7", "not_checked"),
        ]
    );
    assert!(
        doc["statements"][5]["reason"]
            .as_str()
            .unwrap()
            .contains("does not prepare on the current schema either (missing table"),
        "{}",
        run.stdout
    );
    // plan shows the verdict; the pending report has the section (golden Markdown and HTML).
    let plan = sluice(p.path(), &["plan"]).code(0);
    assert!(
        plan.stdout.contains("backward compatibility: BREAKS: 2 statement(s) of the application break, 2 pass, 2 not checked (sluice compat)")
            && plan.stdout.contains("  queries/users.sql:2: missing column: no such column: name\n    caused by migrations/002_rename.sql:2 (002_rename): ALTER TABLE users RENAME COLUMN name TO full_name"),
        "{}",
        plan.stdout
    );
    for format in ["md", "html"] {
        let report = sluice(p.path(), &["report", "pending", "--format", format]).code(0);
        snapshot(
            &format!("compat_pending_{format}"),
            &redact(&report.stdout, p.path()),
        );
    }
    let json = sluice(p.path(), &["report", "pending", "--format", "json"]).code(0);
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["compatibility"]["verdict"], "breaks");
    assert_eq!(json["compatibility"]["breaks"], 2);
    let up = sluice(p.path(), &["up"]).code(4);
    assert!(
        up.stderr.contains("the compat gate of environment dev blocks this run; nothing was applied: 2 statement(s)")
            && up.stderr.contains("queries/users.sql:2: SELECT id, name FROM users WHERE id = $1")
            && up.stderr.contains("missing column: no such column: name, after migrations/002_rename.sql:2"),
        "{}",
        up.stderr
    );
    let st = sluice(p.path(), &["status", "--format", "json"]).code(0);
    let st: Value = serde_json::from_str(&st.stdout).unwrap();
    assert_eq!(st["summary"]["pending"], 1, "nothing was applied");
    // The expand half passes the gate and is applied.
    p.migration(
        "002_rename",
        "-- sluice:up\nALTER TABLE users ADD COLUMN full_name TEXT;\nUPDATE users SET full_name = name;\n\n-- sluice:down\nALTER TABLE users DROP COLUMN full_name;\n",
    );
    let up = sluice(p.path(), &["up"]).code(0);
    assert!(
        up.stdout.contains("gate compat passed: 6 statement(s) of the application checked against the schema after 002_rename, none breaks (2 not checked)")
            && up.stdout.contains("applied 002_rename"),
        "{}",
        up.stdout
    );
}

/// The consignments example's workload on MariaDB: 32 distinct statements. Three use
/// `transfers.created_by`; one finds status rows by `idx_tsl_transfer`.
const MY_WORKLOAD: &str = r#"
INSERT INTO transfers (outlet_from, outlet_to, created_by) VALUES (1, 2, 7);
SELECT id, status FROM transfers WHERE created_by = 7;
UPDATE transfers SET status = 'sent' WHERE id = 1;
SELECT t.id, t.created_by, COUNT(i.id) FROM transfers t LEFT JOIN transfer_items i ON i.transfer_id = t.id GROUP BY t.id, t.created_by;
INSERT INTO transfer_items (transfer_id, product_id, qty_requested) VALUES (1, 'P1', 3);
SELECT product_id, qty_requested FROM transfer_items WHERE transfer_id = 1;
UPDATE transfer_items SET qty_received = 3 WHERE id = 1;
INSERT INTO transfer_status_log (transfer_id, status) VALUES (1, 'sent');
SELECT status, changed_at FROM transfer_status_log WHERE transfer_id = 1 ORDER BY changed_at;
INSERT INTO transfer_audit_log (transfer_id, action, actor_id, details) VALUES (1, 'send', 7, '{"a": 1}');
SELECT action, JSON_EXTRACT(details, '$.a') FROM transfer_audit_log WHERE transfer_id = 1;
SELECT COUNT(*) FROM transfers WHERE status = 'draft';
SELECT outlet_from, outlet_to FROM transfers WHERE outlet_from = 1 AND outlet_to = 2;
INSERT INTO vend_consignments (transfer_id, lightspeed_id, status) VALUES (1, 'LS1', 'OPEN');
SELECT id FROM vend_consignments WHERE lightspeed_id = 'LS1';
INSERT INTO vend_consignment_line_items (consignment_id, product_id, count) VALUES (1, 'P1', 3);
SELECT SUM(count), SUM(COALESCE(received, 0)) FROM vend_consignment_line_items WHERE consignment_id = 1;
INSERT INTO queue_consignments (transfer_id) VALUES (1);
UPDATE queue_consignments SET state = 'running', attempts = attempts + 1 WHERE id = 1;
SELECT id FROM queue_consignments WHERE state = 'queued' ORDER BY queued_at LIMIT 10;
INSERT INTO queue_consignment_products (queue_consignment_id, product_id, qty) VALUES (1, 'P1', 2);
INSERT INTO queue_jobs (job_type, payload) VALUES ('sync', '{}');
SELECT id, job_type FROM queue_jobs WHERE state = 'pending' AND run_after <= NOW() ORDER BY run_after LIMIT 5;
UPDATE queue_jobs SET state = 'done' WHERE id = 1;
INSERT INTO queue_webhook_events (event_type, payload) VALUES ('consignment.updated', '{}');
SELECT id FROM queue_webhook_events WHERE processed_at IS NULL ORDER BY received_at;
UPDATE queue_webhook_events SET processed_at = NOW() WHERE id = 1;
SELECT internal_status, lightspeed_status FROM consignment_status_map WHERE is_active = TRUE;
INSERT INTO consignment_status_map (internal_status, lightspeed_status) VALUES ('sent', 'SENT') ON DUPLICATE KEY UPDATE lightspeed_status = VALUES(lightspeed_status);
WITH recent AS (SELECT transfer_id, MAX(created_at) AS last FROM transfer_audit_log GROUP BY transfer_id) SELECT t.id, r.last FROM transfers t JOIN recent r ON r.transfer_id = t.id;
SELECT UPPER(product_id), LENGTH(product_id) FROM transfer_items WHERE qty_requested > 1;
SELECT DATE_FORMAT(created_at, '%Y-%m') AS m, COUNT(*) FROM transfers GROUP BY m;
"#;

#[test]
fn compat_on_mariadb_reads_performance_schema_digests() {
    let db = sluice_testkit::mariadb::server().database("compat");
    let p = example_applied("compat-my", "mysql", &db.url, "consignments-mysql");
    let client = sluice_testkit::mariadb::client;
    client(
        &db.url,
        "TRUNCATE TABLE performance_schema.events_statements_summary_by_digest",
    )
    .unwrap();
    let ran = std::process::Command::new("mariadb")
        .args(sluice_testkit::mariadb::client_args(&db.url))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(MY_WORKLOAD.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    p.migration(
        "20260101_000000_rename_creator",
        "-- sluice:up\nALTER TABLE transfers RENAME COLUMN created_by TO creator_id;\nDROP INDEX idx_tsl_transfer ON transfer_status_log;\n\n-- sluice:down\nCREATE INDEX idx_tsl_transfer ON transfer_status_log (transfer_id);\nALTER TABLE transfers RENAME COLUMN creator_id TO created_by;\n",
    );
    let run = sluice(p.path(), &["compat", "--format", "json"]).code(1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let statements = doc["statements"].as_array().unwrap();
    assert!(statements.len() >= 32, "{}", run.stdout);
    let broken: Vec<&Value> = statements
        .iter()
        .filter(|s| s["verdict"] == "breaks" || s["verdict"] == "loses_index")
        .collect();
    let texts: Vec<&str> = broken.iter().map(|s| s["sql"].as_str().unwrap()).collect();
    assert_eq!(broken.len(), 4, "{texts:#?}\n{}", run.stdout);
    for s in broken.iter().filter(|s| s["verdict"] == "breaks") {
        assert!(s["sql"].as_str().unwrap().contains("created_by"), "{s}");
        assert_eq!(s["kind"], "missing column", "{s}");
        assert_eq!(s["cause"]["line"], 2);
        assert_eq!(
            s["advice"]["expand"][0],
            "ALTER TABLE transfers ADD COLUMN creator_id int(10) unsigned;"
        );
    }
    let slower = broken
        .iter()
        .find(|s| s["verdict"] == "loses_index")
        .unwrap();
    assert!(
        slower["sql"]
            .as_str()
            .unwrap()
            .contains("transfer_status_log"),
        "{slower}"
    );
    assert_eq!(slower["indexes"][0], "idx_tsl_transfer");
    assert_eq!(slower["cause"]["line"], 3);
    // The expand half: nothing breaks.
    p.migration(
        "20260101_000000_rename_creator",
        "-- sluice:up\nALTER TABLE transfers ADD COLUMN creator_id INT UNSIGNED NULL;\nUPDATE transfers SET creator_id = created_by;\n\n-- sluice:down\nALTER TABLE transfers DROP COLUMN creator_id;\n",
    );
    let ok = sluice(p.path(), &["compat"]).code(0);
    assert!(
        ok.stdout.contains("verdict: PASSES — 0 break"),
        "{}",
        ok.stdout
    );
}
