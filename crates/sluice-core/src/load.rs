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
    let mut errors = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| one(dir, format!("cannot list the migrations folder: {e}")))?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.starts_with('.') {
            continue;
        }
        let is_sql = Path::new(name_str.as_ref())
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sql"));
        if !is_sql {
            ignored.push(entry.path());
            continue;
        }
        // The type comes with the directory entry; only links need a stat. A `.sql` entry
        // that is not a readable file is an error, never skipped.
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => std::fs::metadata(&path).map(|m| m.file_type()),
            other => other,
        };
        match kind {
            Ok(t) if t.is_file() => paths.push(path),
            Ok(t) => errors.push(FileError {
                path,
                line: 0,
                message: format!(
                    "is {}, not a file: every .sql entry in the migrations folder must be a migration file; remove it or rename it",
                    entry_kind(t)
                ),
            }),
            Err(e) => errors.push(FileError {
                path,
                line: 0,
                message: format!(
                    "cannot be read ({}): every .sql entry in the migrations folder must be a migration file; fix or remove it",
                    if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                        format!("a symbolic link whose target cannot be opened: {e}")
                    } else {
                        e.to_string()
                    }
                ),
            }),
        }
    }
    paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    ignored.sort();

    // Reading and parsing are independent per file: spread them over the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = paths.len().div_ceil(threads).max(64);
    let results: Vec<Result<Migration, FileError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut buf = Vec::new();
                    part.iter()
                        .map(|p| read_one(p, dialect, &mut buf))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut migrations = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(m) => migrations.push(m),
            Err(e) => errors.push(e),
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
        // Every problem at once: the files without a rollback too.
        errors.extend(migrations.iter().filter_map(Migration::missing_down));
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(LoadError { errors });
    }
    migrations.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Loaded {
        migrations,
        ignored,
    })
}

/// What a directory entry that is not a file is, for a message.
fn entry_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads and parses one file, reading into `buf` (reused: no stat, no allocation per file).
fn read_one(path: &Path, dialect: Dialect, buf: &mut Vec<u8>) -> Result<Migration, FileError> {
    use std::io::Read;
    let cannot = |e: std::io::Error| FileError {
        path: path.to_path_buf(),
        line: 0,
        message: format!("cannot read: {e}"),
    };
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    // `buf` keeps its length between files (zeroed once), so only growth writes to it.
    if buf.is_empty() {
        buf.resize(64 * 1024, 0);
    }
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        match f.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(cannot(e)),
        }
    }
    let buf = &buf[..filled];
    match std::str::from_utf8(buf) {
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + buf[..at].iter().filter(|&&b| b == b'\n').count();
            Err(FileError {
                path: path.to_path_buf(),
                line,
                message: "is not valid UTF-8: save it as UTF-8".into(),
            })
        }
        Ok(text) => file::parse(path, text, dialect),
    }
}
