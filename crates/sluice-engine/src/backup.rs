//! Backups before a run, and restores: `pg_dump -Fc` / `pg_restore`, `mysqldump
//! --single-transaction --routines --triggers` (MariaDB's `mariadb-dump`) / the `mariadb`
//! client, and for SQLite `VACUUM INTO`, which writes a consistent copy of a live database.
//!
//! Passwords travel in the tools' environment (`PGPASSWORD`, `MYSQL_PWD`), never on their
//! command lines, and never in a file name. Files are created with mode 0600.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};
use sluice_sql::Dialect;

pub use sluice_core::deploy::Backup;

/// The file extension of a backup of `dialect`.
pub fn extension(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "dump",
        Dialect::MySql => "sql",
    }
}

/// A PostgreSQL program: on PATH, else the newest in `/usr/lib/postgresql/<v>/bin`.
pub fn pg_tool(name: &str) -> PathBuf {
    if let Ok(paths) = std::env::var("PATH") {
        for d in std::env::split_paths(&paths) {
            if d.join(name).is_file() {
                return d.join(name);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .into_iter()
        .rev()
        .map(|v| v.join("bin").join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn on_path(names: &[&str]) -> Option<String> {
    let paths = std::env::var("PATH").ok()?;
    names.iter().find_map(|n| {
        std::env::split_paths(&paths)
            .any(|d| d.join(n).is_file())
            .then(|| n.to_string())
    })
}

/// Splits a server URL into (URL without password, password): the password may stand in
/// the user part or in a `password=` parameter.
fn without_password(url: &str) -> (String, Option<String>) {
    let (url, param) = match url.split_once('?') {
        Some((main, query)) => {
            let mut found = None;
            let kept: Vec<&str> = query
                .split('&')
                .filter(|kv| match kv.strip_prefix("password=") {
                    Some(v) => {
                        found = crate::decode(v).ok();
                        false
                    }
                    None => true,
                })
                .collect();
            let rebuilt = if kept.is_empty() {
                main.to_string()
            } else {
                format!("{main}?{}", kept.join("&"))
            };
            (rebuilt, found)
        }
        None => (url.to_string(), None),
    };
    let (plain, user_part) = user_password(&url);
    (plain, user_part.or(param))
}

fn user_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..auth_end].rfind('@') else {
        return (url.to_string(), None);
    };
    match rest[..at].split_once(':') {
        Some((user, pw)) => (
            format!("{scheme}://{user}@{}", &rest[at + 1..]),
            crate::decode(pw).ok(),
        ),
        None => (url.to_string(), None),
    }
}

fn run(mut cmd: Command, what: &str, out: Option<std::fs::File>) -> Result<(), String> {
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    match out {
        Some(f) => cmd.stdout(f),
        None => cmd.stdout(Stdio::null()),
    };
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {what}: {e} (is it installed?)"))?;
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn new_file(path: &Path) -> Result<std::fs::File, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// SHA-256 and size of a file.
pub fn digest(path: &Path) -> Result<(u64, String), String> {
    let mut f =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((
        size,
        h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

/// Writes a backup of the database at `url` to `path` (which must not exist).
pub fn take(url: &str, base: &Path, path: &Path) -> Result<Backup, String> {
    let dialect = crate::dialect_of(url).ok_or("not a database URL")?;
    crate::compiled(dialect).map_err(|e| e.to_string())?;
    match dialect {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => {
            let db = crate::sqlite_path(url, base).ok_or("not a SQLite URL")?;
            if !db.exists() {
                return Err(format!("{} does not exist yet", db.display()));
            }
            drop(new_file(path)?);
            std::fs::remove_file(path).map_err(|e| e.to_string())?;
            let conn = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
            conn.execute("VACUUM INTO ?1", [path.to_string_lossy()])
                .map_err(|e| format!("VACUUM INTO failed: {e}"))?;
            let mut perms = std::fs::metadata(path)
                .map_err(|e| e.to_string())?
                .permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
            std::fs::set_permissions(path, perms).map_err(|e| e.to_string())?;
        }
        Dialect::Postgres => {
            let (plain, password) = without_password(url);
            let file = new_file(path)?;
            let mut cmd = Command::new(pg_tool("pg_dump"));
            cmd.args(["-Fc", "--no-password", "--dbname", &plain]);
            if let Some(p) = password {
                cmd.env("PGPASSWORD", p);
            }
            run(cmd, "pg_dump", Some(file)).inspect_err(|_| {
                let _ = std::fs::remove_file(path);
            })?;
        }
        #[cfg(feature = "mysql")]
        Dialect::MySql => {
            let t = crate::mysql::parse_url(url).map_err(|e| e.message)?;
            let tool = on_path(&["mariadb-dump", "mysqldump"])
                .ok_or("neither mariadb-dump nor mysqldump is installed (apt-get install -y mariadb-client)")?;
            let file = new_file(path)?;
            let mut cmd = Command::new(&tool);
            cmd.args(t.client_args())
                .args([
                    "--single-transaction",
                    "--routines",
                    "--triggers",
                    "--events",
                ])
                .arg(&t.database);
            if let Some(p) = &t.password() {
                cmd.env("MYSQL_PWD", p);
            }
            run(cmd, &tool, Some(file)).inspect_err(|_| {
                let _ = std::fs::remove_file(path);
            })?;
        }
        #[allow(unreachable_patterns)]
        _ => unreachable!("compiled() refused the dialects this build has no driver for"),
    }
    let (size, sha256) = digest(path)?;
    Ok(Backup {
        path: path.to_path_buf(),
        size,
        sha256,
    })
}

/// Puts the database at `url` back to the backup `file`: everything in it now is replaced.
pub fn restore(url: &str, base: &Path, file: &Path) -> Result<(), String> {
    let dialect = crate::dialect_of(url).ok_or("not a database URL")?;
    if !file.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    crate::compiled(dialect).map_err(|e| e.to_string())?;
    match dialect {
        Dialect::Sqlite => {
            let db = crate::sqlite_path(url, base).ok_or("not a SQLite URL")?;
            let tmp = db.with_extension("restoring");
            std::fs::copy(file, &tmp)
                .map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
            for suffix in ["-wal", "-shm"] {
                let mut p = db.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            std::fs::rename(&tmp, &db)
                .map_err(|e| format!("cannot replace {}: {e}", db.display()))?;
        }
        Dialect::Postgres => {
            let (plain, password) = without_password(url);
            let db = crate::scratch::database_name(&plain).ok_or("the URL names no database")?;
            // Drop and re-create the database, so that what the run added goes too.
            let mut e = crate::scratch::admin_connection(Dialect::Postgres, url)
                .map_err(|e| e.to_string())?;
            e.execute(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
                .map_err(|e| e.to_string())?;
            e.execute(&format!("CREATE DATABASE \"{db}\""))
                .map_err(|e| e.to_string())?;
            drop(e);
            let mut cmd = Command::new(pg_tool("pg_restore"));
            cmd.args([
                "--no-password",
                "--clean",
                "--if-exists",
                "--exit-on-error",
                "--dbname",
                &plain,
            ])
            .arg(file);
            if let Some(p) = password {
                cmd.env("PGPASSWORD", p);
            }
            run(cmd, "pg_restore", None)?;
        }
        #[cfg(feature = "mysql")]
        Dialect::MySql => {
            let t = crate::mysql::parse_url(url).map_err(|e| e.message)?;
            let mut e =
                crate::scratch::admin_connection(Dialect::MySql, url).map_err(|e| e.to_string())?;
            let db = crate::mysql::quote_ident(&t.database);
            e.execute(&format!("DROP DATABASE IF EXISTS {db}"))
                .map_err(|e| e.to_string())?;
            e.execute(&format!("CREATE DATABASE {db}"))
                .map_err(|e| e.to_string())?;
            drop(e);
            let tool = on_path(&["mariadb", "mysql"])
                .ok_or("neither the mariadb nor the mysql client is installed (apt-get install -y mariadb-client)")?;
            let input = std::fs::File::open(file).map_err(|e| e.to_string())?;
            let mut cmd = Command::new(&tool);
            cmd.args(t.client_args()).arg(&t.database);
            if let Some(p) = &t.password() {
                cmd.env("MYSQL_PWD", p);
            }
            cmd.stdin(input)
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let out = cmd
                .output()
                .map_err(|e| format!("cannot run {tool}: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "{tool} failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
        #[allow(unreachable_patterns)]
        _ => unreachable!("compiled() refused the dialects this build has no driver for"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(
            without_password("postgres://u:p%40ss@h:5432/db?sslmode=require"),
            (
                "postgres://u@h:5432/db?sslmode=require".to_string(),
                Some("p@ss".to_string())
            )
        );
        assert_eq!(
            without_password("postgres://u@h/db?password=x&sslmode=disable"),
            (
                "postgres://u@h/db?sslmode=disable".to_string(),
                Some("x".to_string())
            )
        );
        assert_eq!(
            without_password("postgres://u@h/db"),
            ("postgres://u@h/db".to_string(), None)
        );
    }
}
