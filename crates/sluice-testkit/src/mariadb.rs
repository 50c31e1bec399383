//! A throwaway MariaDB server for tests.
//!
//! [`server`] starts one server per test process, lazily: `mariadb-install-db` into a temp
//! folder, `mariadbd` on a free loopback port with TLS (a CA of its own), as the
//! unprivileged `mysql` user when the tests run as root. As for PostgreSQL, a reaper
//! process stops the server and removes the folder when the test process ends for any
//! reason. [`MyServer::database`] hands each test a database of its own.
//!
//! `SLUICE_TEST_MYSQL_URL` (e.g. `mysql://root@127.0.0.1:3306`) uses an existing server
//! instead. When no server can be started, the test fails with the reason: it is never
//! skipped.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::postgres::{as_user_prefix, free_port, is_root, make_tls, server_user};

/// A running server: where to reach it.
#[derive(Debug)]
pub struct MyServer {
    /// `mysql://root@127.0.0.1:<port>` (no database part).
    base_url: String,
    /// The CA that signed the server's certificate (for `localhost`), when it speaks TLS.
    pub ca_file: Option<PathBuf>,
    /// The server's unix socket, when the kit started it.
    pub socket: Option<PathBuf>,
}

static SERVER: OnceLock<Result<MyServer, String>> = OnceLock::new();

/// The server of this test process, started on first use.
pub fn server() -> &'static MyServer {
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(why) => panic!("cannot start a MariaDB server for the tests: {why}"),
    }
}

/// A database of one test: created empty, dropped when this value drops.
#[derive(Debug)]
pub struct MyDatabase {
    /// Its URL.
    pub url: String,
    /// Its name.
    pub name: String,
    base_url: String,
}

impl Drop for MyDatabase {
    fn drop(&mut self) {
        if std::env::var_os("SLUICE_KEEP_TEMP").is_none() {
            let _ = client(
                &self.base_url,
                &format!("DROP DATABASE IF EXISTS `{}`", self.name),
            );
        }
    }
}

impl MyServer {
    /// A fresh, empty database named after `label`.
    pub fn database(&self, label: &str) -> MyDatabase {
        let name = crate::postgres::database_name(label);
        client(&self.base_url, &format!("CREATE DATABASE `{name}`"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        MyDatabase {
            url: format!("{}/{name}", self.base_url),
            name,
            base_url: self.base_url.clone(),
        }
    }

    /// The server's URL without a database.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// Runs SQL through the `mariadb` client (the tests' independent view of the database):
/// tab-separated rows, no header. `url` is `mysql://user[:password]@host:port[/db]`.
pub fn client(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("mariadb")
        .args(client_args(url))
        .args(["--batch", "--skip-column-names", "-e", sql])
        .output()
        .map_err(|e| format!("cannot run mariadb (apt-get install -y mariadb-client): {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The `mariadb` client's arguments for `url`.
pub fn client_args(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('?').next().unwrap_or(rest);
    let (auth, hostpart) = rest.rsplit_once('@').unwrap_or(("root", rest));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (hostport, db) = hostpart.split_once('/').unwrap_or((hostpart, ""));
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    let mut args = vec![
        "--no-defaults".to_string(),
        format!("--user={user}"),
        format!("--host={host}"),
        format!("--port={port}"),
        "--protocol=tcp".to_string(),
    ];
    if !password.is_empty() {
        args.push(format!("--password={password}"));
    }
    if !db.is_empty() {
        args.push(format!("--database={db}"));
    }
    args
}

fn start() -> Result<MyServer, String> {
    if let Ok(url) = std::env::var("SLUICE_TEST_MYSQL_URL") {
        let base = url.trim_end_matches('/');
        let base = match base.split_once("://") {
            Some((_, rest)) if rest.contains('/') => base.rsplit_once('/').map_or(base, |(b, _)| b),
            _ => base,
        };
        return Ok(MyServer {
            base_url: base.to_string(),
            ca_file: None,
            socket: None,
        });
    }
    let found = |p: &str| Command::new(p).arg("--version").output().is_ok();
    if !found("mariadbd") && !std::path::Path::new("/usr/sbin/mariadbd").exists() {
        return Err(
            "mariadbd was not found: install MariaDB (apt-get install -y mariadb-server mariadb-client)"
                .into(),
        );
    }
    let mariadbd = if found("mariadbd") {
        PathBuf::from("mariadbd")
    } else {
        PathBuf::from("/usr/sbin/mariadbd")
    };
    let user = if is_root() {
        Some(server_user("mysql")?)
    } else {
        None
    };
    let dir = std::env::temp_dir().join(format!(
        "sluice-my-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let (ca, cert, key) = make_tls(&dir, user.as_deref())?;
    if let Some(u) = &user {
        let st = Command::new("chown")
            .arg("-R")
            .arg(u)
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !st.success() {
            return Err(format!("chown {u} {} failed", dir.display()));
        }
    }
    let data = dir.join("data");
    let prefix = as_user_prefix(user.as_deref());
    let mut install = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg("mariadb-install-db");
            c
        }
        None => Command::new("mariadb-install-db"),
    };
    let out = install
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--tmpdir={}", tmp.display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .output()
        .map_err(|e| format!("cannot run mariadb-install-db: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "mariadb-install-db failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = free_port()?;
    let log = dir.join("server.log");
    let socket = dir.join("mysqld.sock");
    let parent = std::process::id();
    let run_as: String = prefix.iter().map(|w| format!("{w} ")).collect();
    // The reaper, as for PostgreSQL: the server lives while the test process lives.
    let script = format!(
        "{run_as}{mariadbd} --no-defaults --datadir={data} --tmpdir={tmp} --socket={socket} --port={port} \
         --bind-address=127.0.0.1 --pid-file={dir}/mysqld.pid --log-error={log} --skip-name-resolve \
         --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=64M --max-connections=300 --performance-schema=ON \
         --ssl-ca={ca} --ssl-cert={cert} --ssl-key={key} > {dir}/stdout.log 2>&1 &\n\
         my=$!\n\
         while kill -0 {parent} 2>/dev/null && kill -0 $my 2>/dev/null; do sleep 0.3; done\n\
         kill -TERM $my 2>/dev/null; wait $my 2>/dev/null\n\
         [ -n \"$SLUICE_KEEP_TEMP\" ] || rm -rf {dir}\n",
        mariadbd = mariadbd.display(),
        data = data.display(),
        tmp = tmp.display(),
        socket = socket.display(),
        dir = dir.display(),
        log = log.display(),
        ca = ca.display(),
        cert = cert.display(),
        key = key.display(),
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let base_url = format!("mysql://root@127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        if client(&base_url, "SELECT 1").is_ok() {
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "the server did not answer within 30 s; its log:\n{log}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(MyServer {
        base_url,
        ca_file: Some(ca),
        socket: Some(socket),
    })
}
