//! golang-migrate: `<version>_<name>.up.sql` and `<version>_<name>.down.sql`. Versions are
//! unsigned integers (unpadded or padded: `1`, `0001` and a timestamp all work), compared
//! as numbers; an up and a down pair by version even when their names differ. The
//! history (`schema_migrations`) keeps only the current version and a `dirty` flag.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use super::{
    Found, Layout, Origin, Parts, Script, Tx, build, leading_digits, read_optional, read_text,
};
use crate::file::FileError;

#[derive(Default)]
struct Pair {
    up: Option<(String, PathBuf)>,
    down: Option<(String, PathBuf)>,
}

/// `(version, name, is_up)` of a file name in the `.up.sql` / `.down.sql` form.
pub(crate) fn split_name(name: &str) -> Option<(&str, &str, bool)> {
    let version = leading_digits(name);
    let rest = name[version.len()..].strip_prefix('_')?;
    if version.is_empty() {
        return None;
    }
    if let Some(n) = rest.strip_suffix(".up.sql") {
        Some((version, n, true))
    } else {
        rest.strip_suffix(".down.sql").map(|n| (version, n, false))
    }
}

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    // Keyed by the number, so `1` and `0001` are the same version, as golang-migrate has it.
    let mut pairs: BTreeMap<(usize, String), Pair> = BTreeMap::new();
    for (name, path, is_dir) in list {
        let Some((version, _, is_up)) = (!is_dir).then(|| split_name(&name)).flatten() else {
            found.ignored.push(path);
            continue;
        };
        let v = version.trim_start_matches('0');
        let key = (v.len(), v.to_string());
        let pair = pairs.entry(key).or_default();
        let slot = if is_up { &mut pair.up } else { &mut pair.down };
        if let Some((other, _)) = slot {
            found.errors.push(FileError {
                path: path.clone(),
                line: 0,
                message: format!(
                    "version {version} has two {} files ({other} and this one): golang-migrate refuses duplicate versions; renumber one",
                    if is_up { "up" } else { "down" }
                ),
            });
            continue;
        }
        *slot = Some((name, path));
    }
    for ((_, v), pair) in pairs {
        let version = if v.is_empty() { "0".to_string() } else { v };
        let Some((up_name, up_path)) = pair.up else {
            if let Some((_, p)) = pair.down {
                found.errors.push(FileError {
                    path: p,
                    line: 0,
                    message: format!(
                        "version {version} has a down file but no up file: add `{version}_<name>.up.sql` or remove it"
                    ),
                });
            }
            continue;
        };
        let r = (|| {
            let up_text = read_text(&up_path)?;
            let down = read_optional(pair.down.as_ref().map(|(_, p)| p.as_path()))?;
            let id = up_name.strip_suffix(".up.sql").unwrap_or(&up_name);
            build(
                Parts {
                    id,
                    path: up_path.clone(),
                    up: Script::whole(&up_path, &up_text),
                    down: down.as_ref().map(|(p, t)| Script::whole(p, t)),
                    verify: None,
                    tx: Tx::Auto,
                    description: None,
                    requires: Vec::new(),
                    origin: Origin::new(Layout::GolangMigrate, version.clone()),
                },
                dialect,
            )
        })();
        found.push(r);
    }
    found
}
