//! Prisma: `<timestamp>_<name>/migration.sql`, forward only, applied in folder-name order;
//! `migration_lock.toml` beside them. `_prisma_migrations` keeps a SHA-256 of each file,
//! which `sluice adopt` compares.

use std::path::Path;

use sha2::{Digest, Sha256};
use sluice_sql::Dialect;

use super::{Found, Layout, Origin, Parts, Script, Tx, build, entries, hex, read_text};
use crate::file::FileError;

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    for (name, path, is_dir) in list {
        if !is_dir {
            found.ignored.push(path);
            continue;
        }
        let file = path.join("migration.sql");
        if !file.is_file() {
            found.errors.push(FileError {
                path: path.clone(),
                line: 0,
                message: "a Prisma migration folder without migration.sql: add it, or move the folder out of the migrations folder".into(),
            });
            continue;
        }
        if let Ok(inner) = entries(&path) {
            for (n, p, _) in inner {
                if n != "migration.sql" {
                    found.ignored.push(p);
                }
            }
        }
        let r = (|| {
            let text = read_text(&file)?;
            let mut origin = Origin::new(Layout::Prisma, name.clone());
            origin.tool_checksum = Some(hex(&Sha256::digest(text.as_bytes())));
            build(
                Parts {
                    id: &name,
                    path: file.clone(),
                    up: Script::whole(&file, &text),
                    down: None,
                    verify: None,
                    tx: Tx::Auto,
                    description: name.split_once('_').map(|(_, n)| n.replace('_', " ")),
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
