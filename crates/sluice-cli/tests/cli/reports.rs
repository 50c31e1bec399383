//! `sluice report`: every report of every example in all four formats, golden Markdown and
//! JSON (times, durations, versions and addresses redacted), the runbook's verdict on
//! the listing helper, the bakery's pending review, and no password anywhere.

use std::path::Path;

use regex_lite::Regex;
use sluice_testkit::postgres::psql;

use crate::backend::Backend;
use crate::pg::example;
use crate::support::{Run, redact, sluice_cmd, snapshot};

/// Redacts what differs between runs and machines: the server's address and version too.
fn clean(run: &Run, dir: &Path, url: &str) -> String {
    let text = redact(&run.stdout.replace(url, "[URL]"), dir);
    let mut t = text;
    for (re, with) in [
        (
            r#"PostgreSQL \d+(\.\d+)*[^\s,)"]*( \([^)]*\))?"#,
            "PostgreSQL [VERSION]",
        ),
        (r#"MariaDB \d+(\.\d+)*[^\s,)"]*"#, "MariaDB [VERSION]"),
        (
            r#""estimated_seconds": [0-9.e-]+"#,
            r#""estimated_seconds": "[DUR]""#,
        ),
    ] {
        t = Regex::new(re)
            .expect("valid regex")
            .replace_all(&t, with)
            .into_owned();
    }
    t
}

/// Renders `kind` in every format; snapshots Markdown and JSON as `<name>_<kind>`.
fn every_format(b: &Backend, dir: &Path, name: &str, kind: &str, extra: &[&str]) {
    let url = b.url();
    for format in ["text", "md", "html", "json"] {
        let mut args = vec!["report", kind, "--format", format];
        args.extend_from_slice(extra);
        let run = b.sluice(dir, &args).code(0);
        match format {
            "md" => snapshot(&format!("report_{name}_{kind}_md"), &clean(&run, dir, &url)),
            "json" => {
                let v: serde_json::Value =
                    serde_json::from_str(&run.stdout).expect("report JSON parses");
                assert_eq!(v["schema_version"], 1);
                assert_eq!(v["report"], kind);
                snapshot(
                    &format!("report_{name}_{kind}_json"),
                    &clean(&run, dir, &url),
                );
            }
            "html" => {
                let h = &run.stdout;
                assert!(h.starts_with("<!DOCTYPE html>"), "{h}");
                assert!(h.contains("<style>") && h.trim_end().ends_with("</html>"));
                assert!(!h.contains("<script") && !h.contains("<link"), "{h}");
            }
            _ => assert!(!run.stdout.is_empty()),
        }
    }
}

/// Every report of an example before and after `up`.
fn all_reports(b: &Backend, example_name: &str) {
    let dir = example(example_name);
    let d = dir.path();
    every_format(b, d, example_name, "pending", &[]);
    b.sluice(d, &["up"]).code(0);
    every_format(b, d, example_name, "runbook", &["--run-verify"]);
    every_format(b, d, example_name, "log", &[]);
    every_format(b, d, example_name, "status", &[]);
    // --out writes the same bytes to a file.
    let file = d.join("runbook.html");
    let run = b
        .sluice(
            d,
            &[
                "report",
                "runbook",
                "--format",
                "html",
                "--out",
                "runbook.html",
            ],
        )
        .code(0);
    assert!(
        run.stdout
            .contains("wrote the runbook report (html) to runbook.html")
    );
    let html = std::fs::read_to_string(file).expect("the report file");
    assert!(
        html.contains("<h2>1. Migration execution order</h2>"),
        "{html}"
    );
}

#[test]
fn quickstart_reports_on_sqlite() {
    all_reports(&Backend::Sqlite, "quickstart");
}

#[test]
fn listing_helper_reports_on_postgres() {
    all_reports(&Backend::postgres("rep_listing"), "listing-helper");
}

#[test]
fn bakery_reports_on_postgres() {
    all_reports(&Backend::postgres("rep_bakery"), "bakery-supabase");
}

#[test]
fn consignments_reports_on_mariadb() {
    all_reports(&Backend::mysql("rep_consign"), "consignments-mysql");
}

#[test]
fn listing_helper_runbook_verdict_passes_then_names_the_broken_invariant() {
    let b = Backend::postgres("rep_verdict");
    let dir = example("listing-helper");
    let d = dir.path();
    b.sluice(d, &["up"]).code(0);
    let pass = b.sluice(d, &["report", "runbook", "--run-verify"]).code(0);
    let out = &pass.stdout;
    // The checks of the runbook seed (§4–6), by their names.
    for check in [
        "4.1 One-active-BOM invariant",
        "4.2 Version uniqueness per listing",
        "4.3 ASIN scenario BOM constraint",
        "5.1 The jobs table has the columns the SPEC names.",
        "5.2 Listing events.",
        "5.3 Recommendation events.",
        "6. The latest features of a listing are read through the index.",
        "9. No listing has two active BOMs.",
    ] {
        assert!(out.contains(check), "no check {check:?} in:\n{out}");
    }
    assert!(
        Regex::new(r"Overall +\d+ of \d+ checks passed +PASS")
            .unwrap()
            .is_match(out),
        "{out}"
    );
    assert!(!out.lines().any(|l| l.contains("  FAIL  ")), "{out}");
    // Break the one-active-BOM invariant by hand: the partial unique index goes.
    psql(&b.url(), "DROP INDEX boms_listing_active_unique").expect("drop the index");
    let fail = b.sluice(d, &["report", "runbook", "--run-verify"]).code(1);
    let out = &fail.stdout;
    let failed: Vec<&str> = out.lines().filter(|l| l.contains("  FAIL  ")).collect();
    assert!(
        failed
            .iter()
            .any(|l| l.contains("4.1 One-active-BOM invariant")),
        "the failed check is not named:\n{out}"
    );
    assert!(
        Regex::new(r"Overall +\d+ of \d+ checks passed +FAIL")
            .unwrap()
            .is_match(out),
        "{out}"
    );
    // The JSON verdict says the same.
    let json = b
        .sluice(
            d,
            &["report", "runbook", "--run-verify", "--format", "json"],
        )
        .code(1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["verdict"]["overall"], "FAIL");
}

#[test]
fn bakery_pending_in_prod_lists_what_it_creates_then_flags_a_dropped_column() {
    let b = Backend::postgres("rep_prod");
    let url = b.url();
    let dir = example("bakery-supabase");
    let d = dir.path();
    let pending = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["--env", "prod", "report", "pending", "--format", "json"];
        args.extend_from_slice(extra);
        let out = sluice_cmd(d, &args)
            .env("PROD_DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = pending(&[]);
    assert_eq!(v["environment"], "prod");
    let created: Vec<(String, String, String)> = v["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["created"].as_array().unwrap().clone())
        .map(|o| {
            (
                o["kind"].as_str().unwrap().to_string(),
                o["name"].as_str().unwrap().to_string(),
                o["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let has = |kind: &str, pred: &dyn Fn(&str, &str) -> bool| {
        created.iter().any(|(k, n, d)| k == kind && pred(n, d))
    };
    assert!(has("type", &|_, d| d.starts_with("enum: ")), "{created:?}");
    assert!(has("table", &|_, _| true), "{created:?}");
    assert!(has("index", &|_, d| d.contains("partial")), "{created:?}");
    assert!(has("policy", &|_, _| true), "{created:?}");
    assert!(
        has("function", &|_, d| d.starts_with("SECURITY DEFINER")),
        "{created:?}"
    );
    assert!(
        v["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["destructive"].as_array().unwrap().is_empty())
    );
    assert_eq!(v["summary"]["breaking_changes"], false);
    // The Markdown says so too.
    let md = sluice_cmd(d, &["--env", "prod", "report", "pending", "--format", "md"])
        .env("PROD_DATABASE_URL", &url)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("No destructive operations: nothing is dropped or truncated."),
        "{md}"
    );

    // A migration that drops a column: destructive, high risk.
    let last = v["migrations"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        d.join("migrations/99990101000000_drop_bannos_storage.sql"),
        format!(
            "-- requires: {last}\n\n-- sluice:up\nALTER TABLE orders_bannos DROP COLUMN storage;\n\n-- sluice:down\nALTER TABLE orders_bannos ADD COLUMN storage text;\n"
        ),
    )
    .unwrap();
    let v = pending(&[]);
    let m = v["migrations"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(m["id"], "99990101000000_drop_bannos_storage");
    assert_eq!(m["risk"], "high", "{m}");
    assert_eq!(m["destructive"][0]["line"], 4, "{m}");
    assert_eq!(m["dropped"][0]["name"], "orders_bannos.storage", "{m}");
    assert_eq!(v["summary"]["breaking_changes"], true);
    assert_eq!(v["summary"]["risk"], "high");
    let md = sluice_cmd(d, &["--env", "prod", "report", "pending", "--format", "md"])
        .env("PROD_DATABASE_URL", &url)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("DESTRUCTIVE: line 4: "), "{md}");
}

#[test]
fn reports_never_contain_a_password() {
    let b = Backend::postgres("rep_secret");
    let Backend::Postgres(db) = &b else {
        unreachable!()
    };
    // A role with a password, owner of the test database.
    let secret = "s3cr3t-Pa55word";
    psql(
        &db.url,
        &format!("CREATE ROLE rep_secret_user LOGIN SUPERUSER PASSWORD '{secret}'"),
    )
    .expect("create role");
    let with_password = db.url.replacen(
        "postgres://",
        &format!("postgres://rep_secret_user:{secret}@"),
        1,
    );
    // Drop the first user part (postgres://user@host → postgres://rep_secret_user:pw@host).
    let with_password = Regex::new(r"//rep_secret_user:([^@]+)@[^@/]+@")
        .unwrap()
        .replace(&with_password, "//rep_secret_user:$1@")
        .into_owned();
    let dir = example("listing-helper");
    let d = dir.path();
    let run = |args: &[&str]| {
        let out = sluice_cmd(d, args)
            .env("DATABASE_URL", &with_password)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["up"]);
    for kind in ["pending", "runbook", "log", "status"] {
        for format in ["text", "md", "html", "json"] {
            let out = run(&["report", kind, "--format", format]);
            assert!(!out.contains(secret), "{kind} {format} shows the password");
            assert!(out.contains("rep_secret_user"), "{kind} {format}: {out}");
        }
    }
}
