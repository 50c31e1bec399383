//! `sluice init --detect`: which layout a project's folders are in, and why.

use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use super::{Layout, golang, leading_digits, updown};

/// One layout found, with the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    /// The layout.
    pub layout: Layout,
    /// The migrations folder, relative to the project.
    pub dir: PathBuf,
    /// What was seen, in words.
    pub why: String,
    /// Flyway: every location the project's configuration names, in its order (the first
    /// is `dir`); empty when there is one.
    pub locations: Vec<PathBuf>,
    /// The dialect the folder is for, when its name says so (`migrations/postgresql`).
    pub dialect: Option<Dialect>,
}

/// The dialect a folder named `name` holds migrations for (`postgresql/`, `mysql/`, …).
fn dialect_of_folder(name: &str) -> Option<Dialect> {
    match name.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" | "pg" | "pgsql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::MySql),
        "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
        _ => None,
    }
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
/// comes first. A usual folder with no migrations of its own is looked into one level
/// deeper (one folder per dialect, a tool's files in a subfolder). Flyway locations named
/// by Spring's `spring.flyway.locations` or `flyway.conf` come before the default folder.
/// Empty when nothing looks like migrations.
pub fn detect(root: &Path) -> Vec<Detected> {
    let mut out = Vec::new();
    if root.join("sqitch.plan").is_file() {
        out.push(Detected {
            layout: Layout::Sqitch,
            dir: ".".into(),
            why: "sqitch.plan is in the project folder".into(),
            locations: Vec::new(),
            dialect: None,
        });
    }
    out.extend(flyway_locations(root));
    for cand in CANDIDATES {
        let dir = root.join(cand);
        if !dir.is_dir() || out.iter().any(|d| d.dir == Path::new(cand)) {
            continue;
        }
        if let Some(d) = classify(root, &dir) {
            out.push(Detected {
                dir: cand.into(),
                ..d
            });
            continue;
        }
        let mut subs: Vec<(String, PathBuf, bool)> = names(&dir)
            .into_iter()
            .filter(|(n, _, is_dir)| *is_dir && !n.starts_with('.'))
            .collect();
        // A folder per dialect first, in a stable order.
        subs.sort_by_key(|(n, _, _)| (dialect_of_folder(n).is_none(), n.clone()));
        for (name, path, _) in subs {
            if let Some(d) = classify(root, &path) {
                let dialect = dialect_of_folder(&name);
                let why = match dialect {
                    Some(dl) => format!("{} (the folder is for {})", d.why, dl.name()),
                    None => d.why,
                };
                out.push(Detected {
                    dir: Path::new(cand).join(&name),
                    why,
                    dialect,
                    ..d
                });
            }
        }
    }
    out
}

/// Flyway's locations as the project configures them: Spring Boot's
/// `spring.flyway.locations` (`application*.properties`, `application*.yml`), or
/// `flyway.locations` in `flyway.conf` / `conf/flyway.conf`. `classpath:` is
/// `src/main/resources/`, `filesystem:` the project folder; `{vendor}` is each dialect
/// folder that exists (one finding per dialect). Only locations that exist are kept.
fn flyway_locations(root: &Path) -> Vec<Detected> {
    let resources = root.join("src/main/resources");
    let mut sources: Vec<(String, Vec<String>)> = Vec::new();
    let mut files: Vec<PathBuf> = names(&resources)
        .into_iter()
        .filter(|(n, _, d)| !*d && n.starts_with("application"))
        .map(|(_, p, _)| p)
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let found = if name.ends_with(".properties") {
            property(&text, "spring.flyway.locations")
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            yaml_locations(&text)
        } else {
            None
        };
        if let Some(l) = found {
            sources.push((
                format!("spring.flyway.locations in src/main/resources/{name}"),
                l,
            ));
        }
    }
    for conf in ["flyway.conf", "conf/flyway.conf"] {
        if let Some(l) = std::fs::read_to_string(root.join(conf))
            .ok()
            .and_then(|t| property(&t, "flyway.locations"))
        {
            sources.push((format!("flyway.locations in {conf}"), l));
        }
    }
    let Some((source, locations)) = sources.into_iter().next() else {
        return Vec::new();
    };
    let to_dir = |l: &str| -> String {
        let l = l.trim();
        if let Some(p) = l.strip_prefix("filesystem:") {
            p.trim_start_matches("./").trim_end_matches('/').to_string()
        } else {
            let p = l.strip_prefix("classpath:").unwrap_or(l);
            format!("src/main/resources/{}", p.trim_matches('/'))
        }
    };
    // `{vendor}` expands to each dialect folder that exists: one finding per dialect.
    let mut variants: Vec<(Option<Dialect>, Vec<String>)> = vec![(None, Vec::new())];
    for l in &locations {
        let dir = to_dir(l);
        if let Some((head, tail)) = dir.split_once("{vendor}") {
            let mut next = Vec::new();
            let mut vendors: Vec<(String, Dialect)> = names(&root.join(head))
                .into_iter()
                .filter(|(_, _, d)| *d)
                .filter_map(|(n, _, _)| dialect_of_folder(&n).map(|d| (n, d)))
                .collect();
            vendors.sort_by(|a, b| a.0.cmp(&b.0));
            for (dialect, dirs) in &variants {
                for (vendor, d) in &vendors {
                    if dialect.is_some_and(|x| x != *d) {
                        continue;
                    }
                    let mut dirs = dirs.clone();
                    dirs.push(format!("{head}{vendor}{tail}"));
                    next.push((Some(*d), dirs));
                }
            }
            variants = next;
        } else {
            for (_, dirs) in &mut variants {
                dirs.push(dir.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (dialect, dirs) in variants {
        let dirs: Vec<PathBuf> = dirs
            .into_iter()
            .map(PathBuf::from)
            .filter(|d| root.join(d).is_dir())
            .collect();
        let Some(first) = dirs.first() else { continue };
        let files: usize = dirs
            .iter()
            .map(|d| {
                names(&root.join(d))
                    .iter()
                    .filter(|(n, _, is_dir)| !is_dir && flyway_name(n))
                    .count()
            })
            .sum();
        if files == 0 {
            continue;
        }
        out.push(Detected {
            layout: Layout::Flyway,
            dir: first.clone(),
            why: format!(
                "{files} file(s) named V<version>__<description>.sql or R__<description>.sql in {} location(s) named by {source}{}",
                dirs.len(),
                dialect.map(|d| format!(" (for {})", d.name())).unwrap_or_default()
            ),
            locations: if dirs.len() > 1 { dirs } else { Vec::new() },
            dialect,
        });
    }
    out
}

fn flyway_name(n: &str) -> bool {
    (n.starts_with('V') || n.starts_with('R')) && n.contains("__") && n.ends_with(".sql")
}

/// The comma-separated value of `key` in a Java properties text (`key=value` or
/// `key: value`, backslash continuations joined).
fn property(text: &str, key: &str) -> Option<Vec<String>> {
    let joined = text.replace("\\\n", "");
    joined.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix(key)?.trim_start();
        let value = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))?;
        Some(split_list(value))
    })
}

fn split_list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// `spring.flyway.locations` in a YAML text: nested (`spring:` / `flyway:` /
/// `locations:`), dotted, a comma list, a `[a, b]` list or `- item` lines.
fn yaml_locations(text: &str) -> Option<Vec<String>> {
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let body = line.split(" #").next().unwrap_or("");
        if body.trim().is_empty() || body.trim_start().starts_with('#') {
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let Some((key, value)) = body.trim().split_once(':') else {
            continue;
        };
        while path.last().is_some_and(|(i, _)| *i >= indent) {
            path.pop();
        }
        path.push((indent, key.trim().to_string()));
        let full: Vec<&str> = path.iter().map(|(_, k)| k.as_str()).collect();
        if full.join(".") != "spring.flyway.locations" {
            continue;
        }
        if !value.trim().is_empty() {
            return Some(split_list(value));
        }
        let mut items = Vec::new();
        while let Some(next) = lines.peek() {
            let t = next.trim();
            match t.strip_prefix("- ") {
                Some(item) => {
                    items.extend(split_list(item));
                    lines.next();
                }
                None if t.is_empty() => {
                    lines.next();
                }
                None => break,
            }
        }
        return Some(items);
    }
    None
}

/// The layout of the migrations folder `dir` of the project at `root`, by what is in it
/// (`None`: nothing another tool would write; sluice's own layout, or not migrations).
pub fn classify_folder(root: &Path, dir: &Path) -> Option<Layout> {
    classify(root, dir).map(|d| d.layout)
}

fn classify(root: &Path, dir: &Path) -> Option<Detected> {
    let list = names(dir);
    let found = |layout: Layout, why: String| {
        Some(Detected {
            layout,
            dir: dir.into(),
            why,
            locations: Vec::new(),
            dialect: None,
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
    let flyway = files.iter().filter(|(n, _, _)| flyway_name(n)).count();
    if flyway > 0 {
        return found(
            Layout::Flyway,
            format!("{flyway} file(s) named V<version>__<description>.sql or R__<description>.sql"),
        );
    }
    // Up/down pairs that no tool with a history reads: a bare version (`0001.up.sql`), or
    // several pairs of one version (golang-migrate, sqlx and pop refuse both).
    let plain: Vec<&str> = files
        .iter()
        .filter_map(|(n, _, _)| updown::split_name(n).filter(|(_, up)| *up).map(|(s, _)| s))
        .collect();
    let bare = plain
        .iter()
        .filter(|s| leading_digits(s).len() == s.len())
        .count();
    let mut versions: Vec<String> = plain
        .iter()
        .map(|s| leading_digits(s).trim_start_matches('0').to_string())
        .collect();
    versions.sort();
    let shared = versions.windows(2).filter(|w| w[0] == w[1]).count();
    // pop names one version once per dialect (`….postgres.up.sql`): that is pop's.
    let dotted = plain.iter().any(|s| s.contains('.'));
    if (bare > 0 || shared > 0) && !dotted {
        let mut why = vec![format!("{} .up.sql file(s)", plain.len())];
        if bare > 0 {
            why.push(format!("{bare} named by their version alone"));
        }
        if shared > 0 {
            why.push(format!(
                "{shared} sharing a version with another (golang-migrate and sqlx refuse both)"
            ));
        }
        return found(Layout::UpDown, why.join(", "));
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
        let fizz = list.iter().any(|(n, _, _)| n.ends_with(".fizz"));
        if pop > 0 || fizz || root.join("database.yml").is_file() {
            return found(
                Layout::Pop,
                if pop > 0 {
                    format!(
                        "{pop} file(s) with a dialect or `.autocommit` before .up.sql/.down.sql, pop's form"
                    )
                } else if fizz {
                    format!(
                        "{} .up.sql/.down.sql file(s) beside pop's .fizz files",
                        updown.len()
                    )
                } else {
                    format!(
                        "{} .up.sql/.down.sql file(s), and pop's database.yml in the project folder",
                        updown.len()
                    )
                },
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
