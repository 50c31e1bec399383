//! `sluice init --detect`: which layout a project's folders are in, and why.

use std::path::{Path, PathBuf};

use super::{Layout, golang, leading_digits};

/// One layout found, with the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    /// The layout.
    pub layout: Layout,
    /// The migrations folder, relative to the project.
    pub dir: PathBuf,
    /// What was seen, in words.
    pub why: String,
}

/// The folders tools use by default, in the order they are looked at.
const CANDIDATES: [&str; 9] = [
    "migrations",
    "db/migrations",
    "db/migrate",
    "db/migration",
    "prisma/migrations",
    "src/main/resources/db/migration",
    "sql",
    "database/migrations",
    "persistence/sql/migrations",
];

fn names(dir: &Path) -> Vec<(String, PathBuf, bool)> {
    super::entries(dir).unwrap_or_default()
}

fn first_line(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

fn contains(path: &Path, needle: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle))
}

fn mentions(root: &Path, file: &str, word: &str) -> bool {
    contains(&root.join(file), word)
}

/// Looks at `root` and the usual migrations folders under it; the most specific finding
/// comes first. Empty when nothing looks like migrations.
pub fn detect(root: &Path) -> Vec<Detected> {
    let mut out = Vec::new();
    if root.join("sqitch.plan").is_file() {
        out.push(Detected {
            layout: Layout::Sqitch,
            dir: ".".into(),
            why: "sqitch.plan is in the project folder".into(),
        });
    }
    for cand in CANDIDATES {
        let dir = root.join(cand);
        if !dir.is_dir() {
            continue;
        }
        if let Some(d) = classify(root, &dir) {
            out.push(Detected {
                dir: cand.into(),
                ..d
            });
        }
    }
    out
}

fn classify(root: &Path, dir: &Path) -> Option<Detected> {
    let list = names(dir);
    let found = |layout: Layout, why: String| {
        Some(Detected {
            layout,
            dir: dir.into(),
            why,
        })
    };
    let sub_with = |file: &str| {
        list.iter()
            .filter(|(_, p, d)| *d && p.join(file).is_file())
            .count()
    };
    if list.iter().any(|(n, _, _)| n == "migration_lock.toml") || sub_with("migration.sql") > 0 {
        return found(
            Layout::Prisma,
            format!(
                "{} folder(s) with migration.sql{}",
                sub_with("migration.sql"),
                if list.iter().any(|(n, _, _)| n == "migration_lock.toml") {
                    " and Prisma's migration_lock.toml"
                } else {
                    ""
                }
            ),
        );
    }
    let diesel = sub_with("up.sql");
    if diesel > 0 {
        return found(
            Layout::Diesel,
            format!("{diesel} folder(s) holding up.sql, diesel's one-folder-per-migration form"),
        );
    }
    let files: Vec<&(String, PathBuf, bool)> = list.iter().filter(|(_, _, d)| !*d).collect();
    let flyway = files
        .iter()
        .filter(|(n, _, _)| {
            (n.starts_with('V') || n.starts_with('R')) && n.contains("__") && n.ends_with(".sql")
        })
        .count();
    if flyway > 0 {
        return found(
            Layout::Flyway,
            format!("{flyway} file(s) named V<version>__<description>.sql or R__<description>.sql"),
        );
    }
    let updown: Vec<_> = files
        .iter()
        .filter(|(n, _, _)| golang::split_name(n).is_some())
        .collect();
    if !updown.is_empty() {
        let pop = updown.iter().filter(|(n, _, _)| {
            let stem = n.trim_end_matches(".up.sql").trim_end_matches(".down.sql");
            stem.contains('.')
        });
        let pop = pop.count();
        if pop > 0 {
            return found(
                Layout::Pop,
                format!(
                    "{pop} file(s) with a dialect or `.autocommit` before .up.sql/.down.sql, pop's form"
                ),
            );
        }
        let no_tx = updown
            .iter()
            .any(|(_, p, _)| first_line(p).starts_with("-- no-transaction"));
        if no_tx || mentions(root, "Cargo.toml", "sqlx") {
            return found(
                Layout::Sqlx,
                format!(
                    "{} .up.sql/.down.sql file(s), and {}",
                    updown.len(),
                    if no_tx {
                        "a file starts with sqlx's `-- no-transaction`"
                    } else {
                        "Cargo.toml depends on sqlx"
                    }
                ),
            );
        }
        return found(
            Layout::GolangMigrate,
            format!(
                "{} .up.sql/.down.sql file(s) named <version>_<name>{}",
                updown.len(),
                if mentions(root, "go.mod", "golang-migrate") {
                    ", and go.mod requires golang-migrate"
                } else {
                    " (sqlx uses the same names: set `layout = \"sqlx\"` if sqlx applied them)"
                }
            ),
        );
    }
    let sql: Vec<_> = files
        .iter()
        .filter(|(n, _, _)| n.ends_with(".sql"))
        .collect();
    let dbmate = sql
        .iter()
        .filter(|(_, p, _)| contains(p, "-- migrate:up"))
        .count();
    if dbmate > 0 {
        return found(
            Layout::Dbmate,
            format!("{dbmate} .sql file(s) with dbmate's `-- migrate:up` marker"),
        );
    }
    let own = sql
        .iter()
        .filter(|(_, p, _)| contains(p, "-- sluice:up"))
        .count();
    if own > 0 {
        return found(
            Layout::Sluice,
            format!("{own} .sql file(s) with `-- sluice:up`"),
        );
    }
    let versioned = sql
        .iter()
        .filter(|(n, _, _)| {
            let v = leading_digits(n);
            !v.is_empty() && n[v.len()..].starts_with('_')
        })
        .count();
    if versioned > 0 {
        return found(
            Layout::Sqlx,
            format!(
                "{versioned} file(s) named <version>_<description>.sql with no markers: sqlx's forward-only form"
            ),
        );
    }
    None
}
