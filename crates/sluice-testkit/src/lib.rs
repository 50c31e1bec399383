//! # sluice-testkit — real things to test against
//!
//! - [`postgres`]: a throwaway PostgreSQL server per test process, a database per test.
//!
//! Throwaway folders and migration projects for sluice's tests. Every test gets its own
//! folder (never shared: parallel tests writing one file flake), removed when the value is
//! dropped unless `SLUICE_KEEP_TEMP` is set. Real database servers (PostgreSQL, MariaDB)
//! join this crate with their engines; there are no mocks here.

pub mod galera;
pub mod mariadb;
pub mod postgres;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh folder under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a new, empty folder whose name starts with `label`.
    pub fn new(label: &str) -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("sluice-{label}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        // Canonical, so paths printed by a child process match ours.
        let path = path.canonicalize().unwrap_or(path);
        TempDir { path }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("SLUICE_KEEP_TEMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A sluice project in a temp folder: `migrations/` and, optionally, `sluice.toml`.
#[derive(Debug)]
pub struct Project {
    dir: TempDir,
}

impl Project {
    /// An empty project with a `migrations/` folder.
    pub fn new(label: &str) -> Project {
        let dir = TempDir::new(label);
        std::fs::create_dir_all(dir.path().join("migrations")).expect("create migrations/");
        Project { dir }
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `migrations/` in it.
    pub fn migrations(&self) -> PathBuf {
        self.path().join("migrations")
    }

    /// Writes `migrations/<id>.sql`.
    pub fn migration(&self, id: &str, text: &str) -> &Project {
        std::fs::write(self.migrations().join(format!("{id}.sql")), text).expect("write migration");
        self
    }

    /// Writes a simple migration: `up` and `down` statements joined with `;\n`.
    pub fn simple(&self, id: &str, requires: &[&str], up: &[&str], down: &[&str]) -> &Project {
        let mut text = String::new();
        if !requires.is_empty() {
            text.push_str(&format!("-- requires: {}\n", requires.join(", ")));
        }
        text.push_str("-- sluice:up\n");
        for s in up {
            text.push_str(s);
            text.push_str(";\n");
        }
        text.push_str("-- sluice:down\n");
        for s in down {
            text.push_str(s);
            text.push_str(";\n");
        }
        self.migration(id, &text)
    }

    /// Writes `sluice.toml`.
    pub fn config(&self, text: &str) -> &Project {
        std::fs::write(self.path().join("sluice.toml"), text).expect("write sluice.toml");
        self
    }
}

/// Copies a folder tree (fixtures, examples) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create target");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
