//! Plan fixtures: `tests/fixtures/plans/<case>/migrations/`, optionally `applied.txt` (ids
//! applied, in order), and `expected.txt`: the plan order, the late migrations, or the error.
//! `SLUICE_BLESS=1` writes `expected.txt`; review it.

use std::path::Path;

use sluice_core::engine::Record;
use sluice_core::load::load_dir;
use sluice_core::run::Overview;
use sluice_core::{Plan, RunId, State};
use sluice_sql::Dialect;

fn outcome(case: &Path) -> String {
    let loaded = match load_dir(&case.join("migrations"), Dialect::Sqlite) {
        Ok(l) => l,
        Err(e) => return format!("error: {e}\n"),
    };
    let plan = match Plan::new(loaded.migrations) {
        Ok(p) => p,
        Err(e) => return format!("error: {e}\n"),
    };
    let ids: Vec<&str> = plan.migrations().iter().map(|m| m.id.as_str()).collect();
    let mut out = format!("order: {}\n", ids.join(", "));
    if let Ok(applied) = std::fs::read_to_string(case.join("applied.txt")) {
        let records = applied
            .lines()
            .enumerate()
            .map(|(i, id)| {
                let m = plan.get(id).expect("applied id is in the plan");
                Record {
                    id: m.id.clone(),
                    state: State::Applied,
                    checksum: m.checksum.clone(),
                    applied_seq: Some(i as i64 + 1),
                    applied_at: None,
                    applied_by: None,
                    run_id: RunId::from_recorded("run_fixture".into()),
                    duration_ms: None,
                    statements_total: 1,
                    statements_done: 1,
                    done_checksum: None,
                    started_statement: None,
                    started_checksum: None,
                    last_error: None,
                    updated_at: String::new(),
                }
            })
            .collect();
        let overview = Overview::new(&plan, records, "dev", None);
        let late: Vec<&str> = overview
            .entries
            .iter()
            .filter(|e| e.late)
            .map(|e| e.id.as_str())
            .collect();
        out.push_str(&format!("late: {}\n", late.join(", ")));
    }
    out
}

#[test]
fn plan_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans");
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for case in &names {
        let actual = outcome(case).replace(&format!("{}/", root.display()), "");
        let expected_path = case.join("expected.txt");
        if std::env::var_os("SLUICE_BLESS").is_some() {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "missing {}: run with SLUICE_BLESS=1",
                expected_path.display()
            )
        });
        assert_eq!(actual, expected, "{}", case.display());
    }
    let got: Vec<String> = names
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        got,
        [
            "cycle",
            "duplicate-id",
            "late",
            "missing-dep",
            "ok-diamond",
            "ok-linear"
        ]
    );
}

#[test]
fn dependants_are_transitive_and_in_plan_order() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans/ok-diamond/migrations");
    let plan = Plan::new(load_dir(&root, Dialect::Sqlite).unwrap().migrations).unwrap();
    let deps: Vec<&str> = plan
        .dependants("left")
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(deps, ["top", "aaa_after_top"]);
    assert!(plan.dependants("zzz_independent").is_empty());
}
