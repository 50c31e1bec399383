//! diesel: one folder per migration, `<version>_<name>/up.sql` and `down.sql`, with an
//! optional `metadata.toml` (`run_in_transaction = false`). The version is the part of the
//! folder name before the first `_`, dashes removed (`2024-01-31-120000_add users` has
//! version `20240131120000`; names may contain spaces). diesel applies in version order
//! and records the version in `__diesel_schema_migrations`.

use std::path::Path;

use sluice_sql::Dialect;

use super::{Found, Layout, Origin, Parts, Script, Tx, build, entries, read_text};
use crate::file::FileError;

/// diesel's version of a migration folder name.
pub(crate) fn version_of(name: &str) -> String {
    name.split('_').next().unwrap_or(name).replace('-', "")
}

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    let mut dirs = Vec::new();
    for (name, path, is_dir) in list {
        if is_dir {
            dirs.push((version_of(&name), name, path));
        } else {
            found.ignored.push(path);
        }
    }
    dirs.sort();
    for w in dirs.windows(2) {
        if w[0].0 == w[1].0 {
            found.errors.push(FileError {
                path: w[1].2.clone(),
                line: 0,
                message: format!(
                    "version {} is also used by {}: diesel versions must be unique; rename one",
                    w[1].0, w[0].1
                ),
            });
        }
    }
    for (version, name, path) in dirs {
        let up_path = path.join("up.sql");
        if !up_path.is_file() {
            found.errors.push(FileError {
                path: path.clone(),
                line: 0,
                message: "a diesel migration folder without up.sql: add it, or move the folder out of the migrations folder".into(),
            });
            continue;
        }
        let down_path = path.join("down.sql");
        let meta_path = path.join("metadata.toml");
        if let Ok(list) = entries(&path) {
            for (n, p, _) in list {
                if !matches!(n.as_str(), "up.sql" | "down.sql" | "metadata.toml") {
                    found.ignored.push(p);
                }
            }
        }
        let r = (|| {
            let up_text = read_text(&up_path)?;
            let down_text = if down_path.is_file() {
                Some(read_text(&down_path)?)
            } else {
                None
            };
            let mut tx = Tx::Default("add `run_in_transaction = false` to its metadata.toml");
            if meta_path.is_file() {
                let text = read_text(&meta_path)?;
                let table: toml::Table = toml::from_str(&text).map_err(|e| FileError {
                    path: meta_path.clone(),
                    line: 0,
                    message: format!("is not valid TOML: {}", e.message()),
                })?;
                match table.get("run_in_transaction") {
                    None | Some(toml::Value::Boolean(true)) => {}
                    Some(toml::Value::Boolean(false)) => tx = Tx::Off,
                    Some(_) => {
                        return Err(FileError {
                            path: meta_path.clone(),
                            line: 0,
                            message: "`run_in_transaction` must be true or false".into(),
                        });
                    }
                }
            }
            let down = down_text.as_deref().map(|t| Script::whole(&down_path, t));
            build(
                Parts {
                    id: &name,
                    path: up_path.clone(),
                    up: Script::whole(&up_path, &up_text),
                    down,
                    verify: None,
                    tx,
                    description: name.split_once('_').map(|(_, n)| n.replace('_', " ")),
                    requires: Vec::new(),
                    origin: Origin::new(Layout::Diesel, version.clone()),
                },
                dialect,
            )
        })();
        found.push(r);
    }
    found
}
