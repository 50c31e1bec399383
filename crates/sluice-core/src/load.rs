//! Reading a migrations folder: every `.sql` file is a migration or an error.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use crate::file::{self, FileError, Migration};

/// What loading found besides migrations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// The migrations, sorted by id (natural order).
    pub migrations: Vec<Migration>,
    /// Entries that are not `.sql` files, named once so nothing is skipped silently.
    pub ignored: Vec<PathBuf>,
}

/// All the problems found in a folder; loading reports every file, not just the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The problems, in file order.
    pub errors: Vec<FileError>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Loads every migration in `dir`.
pub fn load_dir(dir: &Path, dialect: Dialect) -> Result<Loaded, LoadError> {
    let one = |path: &Path, message: String| LoadError {
        errors: vec![FileError {
            path: path.into(),
            line: 0,
            message,
        }],
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        one(
            dir,
            format!(
                "cannot read the migrations folder: {e}; create it with `sluice init` or pass --dir"
            ),
        )
    })?;
    let mut paths = Vec::new();
    let mut ignored = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| one(dir, format!("cannot list the migrations folder: {e}")))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let is_sql = Path::new(name.as_ref())
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sql"));
        if is_sql && path.is_file() {
            paths.push(path);
        } else {
            ignored.push(path);
        }
    }
    paths.sort();
    ignored.sort();

    let mut migrations = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::read(&path) {
            Err(e) => errors.push(FileError {
                path,
                line: 0,
                message: format!("cannot read: {e}"),
            }),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
                    errors.push(FileError {
                        path,
                        line,
                        message: "is not valid UTF-8: save it as UTF-8".into(),
                    })
                }
                Ok(text) => match file::parse(&path, &text, dialect) {
                    Ok(m) => migrations.push(m),
                    Err(e) => errors.push(e),
                },
            },
        }
    }

    // Duplicate ids: ids that differ only in case collide on macOS and Windows checkouts.
    let mut seen: HashMap<String, &Migration> = HashMap::new();
    for m in &migrations {
        if let Some(first) = seen.insert(m.id.as_str().to_ascii_lowercase(), m) {
            errors.push(FileError {
                path: m.path.clone(),
                line: 0,
                message: format!(
                    "duplicate migration id `{}`: {} has the same id (ids are compared without case); rename one",
                    m.id,
                    first.path.display()
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(LoadError { errors });
    }
    migrations.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Loaded {
        migrations,
        ignored,
    })
}
