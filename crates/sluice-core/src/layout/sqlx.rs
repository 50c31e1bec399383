//! sqlx: `<version>_<description>.sql` (forward only) or `.up.sql` / `.down.sql`
//! (reversible). The version is a 64-bit integer; a file whose first line is
//! `-- no-transaction` runs outside a transaction. `_sqlx_migrations` keeps a SHA-384 of
//! each file, which `sluice adopt` compares.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha384};
use sluice_sql::Dialect;

use super::{
    Found, Layout, Origin, Parts, Script, Tx, build, hex, leading_digits, read_optional, read_text,
};
use crate::file::FileError;

#[derive(Default)]
struct Files {
    up: Option<(String, PathBuf)>,
    down: Option<(String, PathBuf)>,
}

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    let mut by_version: BTreeMap<i64, Files> = BTreeMap::new();
    for (name, path, is_dir) in list {
        let digits = leading_digits(&name);
        let parsed = (!is_dir && name.ends_with(".sql") && name[digits.len()..].starts_with('_'))
            .then(|| digits.parse::<i64>().ok())
            .flatten();
        let Some(version) = parsed else {
            found.ignored.push(path);
            continue;
        };
        let is_down = name.ends_with(".down.sql");
        let files = by_version.entry(version).or_default();
        let slot = if is_down {
            &mut files.down
        } else {
            &mut files.up
        };
        if let Some((other, _)) = slot {
            found.errors.push(FileError {
                path,
                line: 0,
                message: format!(
                    "version {version} is also used by {other}: sqlx versions must be unique; renumber one"
                ),
            });
            continue;
        }
        *slot = Some((name, path));
    }
    for (version, files) in by_version {
        let Some((name, up_path)) = files.up else {
            if let Some((_, p)) = files.down {
                found.errors.push(FileError {
                    path: p,
                    line: 0,
                    message: format!("version {version} has a down file but no up file: add the `.up.sql` or remove it"),
                });
            }
            continue;
        };
        let r = (|| {
            let up_text = read_text(&up_path)?;
            let down = read_optional(files.down.as_ref().map(|(_, p)| p.as_path()))?;
            let id = name
                .strip_suffix(".up.sql")
                .or_else(|| name.strip_suffix(".sql"))
                .unwrap_or(&name);
            let description = id[leading_digits(id).len() + 1..].replace('_', " ");
            let no_tx = up_text.starts_with("-- no-transaction");
            let mut origin = Origin::new(Layout::Sqlx, version.to_string());
            origin.tool_checksum = Some(hex(&Sha384::digest(up_text.as_bytes())));
            build(
                Parts {
                    id,
                    path: up_path.clone(),
                    up: Script::whole(&up_path, &up_text),
                    down: down.as_ref().map(|(p, t)| Script::whole(p, t)),
                    verify: None,
                    tx: if no_tx {
                        Tx::Off
                    } else {
                        Tx::Default("make `-- no-transaction` the file's first line")
                    },
                    description: Some(description),
                    requires: Vec::new(),
                    origin,
                },
                dialect,
            )
        })();
        found.push(r);
    }
    found
}
