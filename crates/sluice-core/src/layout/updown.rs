//! Plain up/down pairs: `<version>[<anything>].up.sql` and the `.down.sql` of the same
//! name, as hand-made runners and scripts keep them. Unlike golang-migrate, several pairs
//! may share a version (`0001_users.up.sql`, `0001_orders.up.sql`) and the version may be
//! the whole name (`0001.up.sql`). They are applied in the order of their version as a
//! number, then of their name; the id is the name without `.up.sql`. No other tool's
//! history goes with them: sluice records them in its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use super::{
    Found, Layout, Origin, Parts, Script, Tx, build, leading_digits, read_optional, read_text,
};
use crate::file::FileError;

#[derive(Default)]
struct Pair {
    up: Option<PathBuf>,
    down: Option<PathBuf>,
}

/// `(stem, is_up)` of a file named `<version>….up.sql` or `.down.sql`.
pub(crate) fn split_name(name: &str) -> Option<(&str, bool)> {
    if leading_digits(name).is_empty() {
        return None;
    }
    if let Some(stem) = name.strip_suffix(".up.sql") {
        Some((stem, true))
    } else {
        name.strip_suffix(".down.sql").map(|stem| (stem, false))
    }
}

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    // Keyed by the version as a number (`1` and `0001` are equal), then the whole name.
    let mut pairs: BTreeMap<(usize, String, String), Pair> = BTreeMap::new();
    for (name, path, is_dir) in list {
        let Some((stem, is_up)) = (!is_dir).then(|| split_name(&name)).flatten() else {
            found.ignored.push(path);
            continue;
        };
        let v = leading_digits(stem).trim_start_matches('0');
        let pair = pairs
            .entry((v.len(), v.to_string(), stem.to_string()))
            .or_default();
        if is_up {
            pair.up = Some(path);
        } else {
            pair.down = Some(path);
        }
    }
    for ((_, _, stem), pair) in pairs {
        let Some(up_path) = pair.up else {
            if let Some(p) = pair.down {
                found.errors.push(FileError {
                    path: p,
                    line: 0,
                    message: format!(
                        "{stem}.down.sql has no {stem}.up.sql: add the up file or remove this one"
                    ),
                });
            }
            continue;
        };
        let r = (|| {
            let up_text = read_text(&up_path)?;
            let down = read_optional(pair.down.as_deref())?;
            build(
                Parts {
                    id: &stem,
                    path: up_path.clone(),
                    up: Script::whole(&up_path, &up_text),
                    down: down.as_ref().map(|(p, t)| Script::whole(p, t)),
                    verify: None,
                    tx: Tx::Auto,
                    description: None,
                    requires: Vec::new(),
                    origin: Origin::new(Layout::UpDown, stem.clone()),
                },
                dialect,
            )
        })();
        found.push(r);
    }
    found
}
