//! pop / popx (Ory): `<version>_<name>[.<dialect>][.autocommit].up.sql` and the matching
//! `.down.sql`. A file for this project's dialect (`postgres`, `mysql`, `sqlite3`)
//! overrides the generic one of the same version; files for other dialects belong to other
//! databases and are not read. `.autocommit.` runs outside a transaction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use super::{
    Found, Layout, Origin, Parts, Script, Tx, build, leading_digits, read_optional, read_text,
};
use crate::file::FileError;

struct Name<'a> {
    version: &'a str,
    name: &'a str,
    dialect: Option<&'a str>,
    autocommit: bool,
    up: bool,
}

fn parse(file: &str) -> Option<Name<'_>> {
    let version = leading_digits(file);
    if version.is_empty() {
        return None;
    }
    let rest = file[version.len()..].strip_prefix('_')?;
    let (rest, up) = if let Some(r) = rest.strip_suffix(".up.sql") {
        (r, true)
    } else {
        (rest.strip_suffix(".down.sql")?, false)
    };
    let (rest, autocommit) = match rest.strip_suffix(".autocommit") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let (name, dialect) = match rest.split_once('.') {
        Some((n, d)) => (n, Some(d)),
        None => (rest, None),
    };
    if name.is_empty() || dialect.is_some_and(|d| d.is_empty() || d.contains('.')) {
        return None;
    }
    Some(Name {
        version,
        name,
        dialect,
        autocommit,
        up,
    })
}

fn ours(dialect: Dialect, d: &str) -> bool {
    match dialect {
        Dialect::Postgres => matches!(d, "postgres" | "postgresql"),
        Dialect::MySql => matches!(d, "mysql" | "mariadb"),
        Dialect::Sqlite => matches!(d, "sqlite3" | "sqlite"),
    }
}

#[derive(Default)]
struct Slot {
    generic: Option<(String, PathBuf, bool)>,
    specific: Option<(String, PathBuf, bool)>,
}

impl Slot {
    fn best(&self) -> Option<&(String, PathBuf, bool)> {
        self.specific.as_ref().or(self.generic.as_ref())
    }
}

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    // version → (up, down)
    let mut by_version: BTreeMap<(usize, String), (Slot, Slot)> = BTreeMap::new();
    for (file, path, is_dir) in list {
        let Some(n) = (!is_dir).then(|| parse(&file)).flatten() else {
            found.ignored.push(path);
            continue;
        };
        let specific = match n.dialect {
            None | Some("all") => false,
            Some(d) if ours(dialect, d) => true,
            Some(_) => continue,
        };
        let v = n.version.trim_start_matches('0');
        let entry = by_version.entry((v.len(), v.to_string())).or_default();
        let side = if n.up { &mut entry.0 } else { &mut entry.1 };
        let slot = if specific {
            &mut side.specific
        } else {
            &mut side.generic
        };
        if let Some((other, _, _)) = slot {
            found.errors.push(FileError {
                path: path.clone(),
                line: 0,
                message: format!(
                    "version {} already has {other}: keep one {} file per version and dialect",
                    n.version,
                    if n.up { "up" } else { "down" }
                ),
            });
            continue;
        }
        *slot = Some((format!("{}_{}", n.version, n.name), path, n.autocommit));
    }
    // Keyed by (digits, number): already in numeric order.
    for ((_, v), (up, down)) in by_version {
        let version = if v.is_empty() { "0".into() } else { v };
        let Some((id, up_path, autocommit)) = up.best().cloned() else {
            if let Some((_, p, _)) = down.best() {
                found.errors.push(FileError {
                    path: p.clone(),
                    line: 0,
                    message: format!("version {version} has a down file but no up file: add the up file or remove this one"),
                });
            }
            continue;
        };
        let down_path = down.best().map(|d| d.1.clone());
        let r = (|| {
            let up_text = read_text(&up_path)?;
            let down = read_optional(down_path.as_deref())?;
            build(
                Parts {
                    id: &id,
                    path: up_path.clone(),
                    up: Script::whole(&up_path, &up_text),
                    down: down.as_ref().map(|(p, t)| Script::whole(p, t)),
                    verify: None,
                    tx: if autocommit {
                        Tx::Off
                    } else {
                        Tx::Default("name the file `<version>_<name>.autocommit.up.sql`")
                    },
                    description: None,
                    requires: Vec::new(),
                    origin: Origin::new(Layout::Pop, version.clone()),
                },
                dialect,
            )
        })();
        found.push(r);
    }
    found
}
