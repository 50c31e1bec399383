//! Every rule has fixture files beside each other in `tests/rules/<rule-id>/`:
//! `bad.<dialect>.sql` must give at least one finding of the rule, and its rendering of
//! those findings must equal `bad.<dialect>.txt` (bless with `SLUICE_BLESS=1`);
//! `ok.<dialect>.sql` must give none. One pair per dialect the rule applies to.
//!
//! More pairs may sit beside them, named `ok-<case>.<dialect>.sql` (silent: a near miss of
//! a false alarm) and `bad-<case>.<dialect>.sql` (must fire, rendered to `.txt`).
//! A line `-- next migration` starts another migration of the same project: the parts are
//! analysed in order, each knowing what the earlier ones declared (as offline `lint` of a
//! project does), and the findings of every part count.
//!
//! A fixture's leading comments may set `-- transaction: false`,
//! `-- server-version: 14.2` and live table sizes as a connected run reads them:
//! `-- table-size: orders rows=5000000 bytes=900000000 row-versions=60`.

use std::path::Path;

use sluice_lint::{self as lint, Input, Migration, Options, Version, rules};
use sluice_sql::Dialect;

/// Rules a whole file is needed for (the `risk:` header and the sections live in
/// sluice-core).
const NOT_HERE: [&str; 2] = ["risk-understated", "missing-down"];

fn run(rule: &str, d: Dialect, path: &Path) -> (Vec<lint::Finding>, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut options = Options::new(d);
    options.switches.insert(rule.to_string(), true);
    let mut transactional = true;
    for l in text.lines().take_while(|l| l.starts_with("--")) {
        if let Some(v) = l.strip_prefix("-- server-version:") {
            options.version = Version::parse(v);
        }
        if l.trim() == "-- transaction: false" {
            transactional = false;
        }
        if l.trim() == "-- galera" {
            options.galera = true;
        }
        if let Some(v) = l.strip_prefix("-- table-size:") {
            let mut words = v.split_whitespace();
            let table = words.next().expect("a table name").to_ascii_lowercase();
            let mut size = lint::TableSize::default();
            for w in words {
                let (k, n) = w.split_once('=').expect("key=value");
                match k {
                    "rows" => size.rows = n.parse().expect("rows"),
                    "bytes" => size.bytes = n.parse().expect("bytes"),
                    "row-versions" => size.row_versions = Some(n.parse().expect("row-versions")),
                    other => panic!("{}: unknown table-size key {other}", path.display()),
                }
            }
            options
                .sizes
                .get_or_insert_with(Default::default)
                .insert(table, size);
        }
    }
    let stmts = sluice_sql::split(&text, d).unwrap();
    let mut parts: Vec<Vec<Input>> = vec![Vec::new()];
    for s in &stmts {
        if s.text.lines().any(|l| l.trim() == "-- next migration") {
            parts.push(Vec::new());
        }
        parts.last_mut().unwrap().push(Input {
            sql: s.text,
            line: s.line,
        });
    }
    let mut before = lint::Before::new();
    let mut mine = Vec::new();
    for statements in parts {
        let m = Migration {
            statements,
            transactional,
        };
        let mut report = lint::check(&m, &options, &before);
        before.learn(&mut report, false);
        mine.extend(report.findings.into_iter().filter(|f| f.rule == rule));
    }
    (mine, text)
}

#[test]
fn every_rule_has_fixtures_that_pass_and_fail() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let bless = std::env::var_os("SLUICE_BLESS").is_some();
    let mut problems = Vec::new();
    let mut checked = 0;
    for rule in rules::ALL {
        if NOT_HERE.contains(&rule.id) {
            continue;
        }
        for d in rule.dialects {
            let dir = root.join(rule.id);
            let bad = dir.join(format!("bad.{}.sql", d.name()));
            let ok = dir.join(format!("ok.{}.sql", d.name()));
            if !bad.exists() || !ok.exists() {
                problems.push(format!(
                    "{}: missing {} or {}",
                    rule.id,
                    bad.display(),
                    ok.display()
                ));
                continue;
            }
            let suffix = format!(".{}.sql", d.name());
            let mut cases: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(&suffix))
                .collect();
            cases.sort();
            for case in cases {
                let path = dir.join(&case);
                let (found, text) = run(rule.id, *d, &path);
                if case.starts_with("ok") {
                    if !found.is_empty() {
                        problems.push(format!(
                            "{}: {} gives {:?}",
                            rule.id,
                            path.display(),
                            found.iter().map(|f| &f.message).collect::<Vec<_>>()
                        ));
                    }
                    continue;
                }
                if found.is_empty() {
                    problems.push(format!("{}: {} gives no finding", rule.id, path.display()));
                }
                let mut rendered = Vec::new();
                lint::render::text(&mut rendered, &case, &text, &found).unwrap();
                let rendered = String::from_utf8(rendered).unwrap();
                let snap = path.with_extension("txt");
                if bless {
                    std::fs::write(&snap, &rendered).unwrap();
                } else {
                    let want = std::fs::read_to_string(&snap).unwrap_or_default();
                    if want != rendered {
                        problems.push(format!(
                            "{}: rendering differs from {} (SLUICE_BLESS=1 to accept):\n{rendered}",
                            rule.id,
                            snap.display()
                        ));
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 100, "{checked}");
}

/// Every rule id is kebab-case, unique, and documented with why and instead.
#[test]
fn registry_is_well_formed() {
    let mut seen = std::collections::BTreeSet::new();
    for r in rules::ALL {
        assert!(
            r.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.id
        );
        assert!(seen.insert(r.id), "duplicate {}", r.id);
        assert!(
            r.doc.len() > 40 && !r.why.is_empty() && !r.instead.is_empty(),
            "{}",
            r.id
        );
    }
}
