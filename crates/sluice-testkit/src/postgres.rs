//! A throwaway PostgreSQL server for tests.
//!
//! [`server`] starts one server per test process, lazily: `initdb` into a temp folder,
//! `postgres` on a free loopback port, as an unprivileged user when the tests run as root
//! (PostgreSQL refuses root). A reaper process watches the test process and, when it ends
//! for any reason (success, panic, abort, SIGKILL), stops the server and removes the
//! folder. [`PgServer::database`] hands each test a database of its own.
//!
//! `SLUICE_TEST_PG_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`) uses an
//! existing server instead. When no server can be started, the test fails with the reason:
//! it is never skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running server: where to reach it.
#[derive(Debug)]
pub struct PgServer {
    /// `postgres://postgres@127.0.0.1:<port>` (no database part).
    base_url: String,
    /// The binaries' folder (for `psql`, `pg_dump`).
    pub bin_dir: Option<PathBuf>,
    /// The CA that signed the server's certificate (for `localhost`), when it speaks TLS.
    pub ca_file: Option<PathBuf>,
    /// The server's log, when the test kit started it.
    pub log: Option<PathBuf>,
}

static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();

/// The server of this test process, started on first use.
pub fn server() -> &'static PgServer {
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(why) => panic!("cannot start a PostgreSQL server for the tests: {why}"),
    }
}

/// A database of one test: created empty, dropped when this value drops.
#[derive(Debug)]
pub struct PgDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    admin_url: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if std::env::var_os("SLUICE_KEEP_TEMP").is_none() {
            let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
            let _ = psql(&self.admin_url, &sql);
        }
    }
}

impl PgServer {
    /// A fresh, empty database named after `label`.
    pub fn database(&self, label: &str) -> PgDatabase {
        let name = database_name(label);
        let admin_url = format!("{}/postgres", self.base_url);
        psql(&admin_url, &format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        PgDatabase {
            url: format!("{}/{name}", self.base_url),
            name,
            admin_url,
        }
    }

    /// The server's URL without a database.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// A database name for one test: `t_<label>_<pid>_<n>`, unique in this process, lower-case
/// letters, digits and `_` only, at most 63 bytes (the limit of both servers).
pub(crate) fn database_name(label: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let clean: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("t_{clean}_{}_{n}", std::process::id())
}

/// Runs one SQL command through `psql` (the tests' independent view of the database).
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new(tool("psql"))
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The path of a PostgreSQL program: on PATH, else in `/usr/lib/postgresql/<v>/bin`.
pub fn tool(name: &str) -> PathBuf {
    if let Some(dir) = bin_dir() {
        let p = dir.join(name);
        if p.exists() {
            return p;
        }
    }
    PathBuf::from(name)
}

fn bin_dir() -> Option<PathBuf> {
    if let Ok(paths) = std::env::var("PATH") {
        for d in std::env::split_paths(&paths) {
            if d.join("initdb").exists() {
                return Some(d);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    versions.sort();
    versions
        .into_iter()
        .rev()
        .map(|v| v.join("bin"))
        .find(|b| b.join("initdb").exists())
}

pub(crate) fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The unprivileged user to run a server as (when root): `preferred` if it exists, else
/// `sluice-test`, created on first use.
pub(crate) fn server_user(preferred: &str) -> Result<String, String> {
    for user in [preferred, "sluice-test"] {
        if Command::new("id")
            .arg("-u")
            .arg(user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return Ok(user.to_string());
        }
    }
    let st = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "sluice-test",
        ])
        .status()
        .map_err(|e| format!("cannot run useradd: {e}"))?;
    if st.success() {
        Ok("sluice-test".into())
    } else {
        Err("useradd sluice-test failed".into())
    }
}

/// The prefix that runs a program as `user`: `setpriv` execs in place, so the pid the
/// shell sees is the program's own (signals reach it).
pub(crate) fn as_user_prefix(user: Option<&str>) -> Vec<String> {
    match user {
        Some(u) => {
            let gid = Command::new("id")
                .args(["-g", u])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default();
            vec![
                "setpriv".into(),
                format!("--reuid={u}"),
                format!("--regid={gid}"),
                "--clear-groups".into(),
                "--".into(),
            ]
        }
        None => Vec::new(),
    }
}

/// A command run as `user` (when given).
fn as_user(user: Option<&str>, program: &Path) -> Command {
    let prefix = as_user_prefix(user);
    match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// A CA, and a server certificate for `localhost` signed by it, in `dir` (owned by `user`):
/// TLS as in production, so verify-ca and verify-full can be tested. Returns the CA, the
/// certificate and the key.
pub(crate) fn make_tls(
    dir: &Path,
    user: Option<&str>,
) -> Result<(PathBuf, PathBuf, PathBuf), String> {
    // TLS as in production: a CA, and a server certificate for localhost signed by it, so
    // sslmode=verify-ca and verify-full can be tested against it.
    let (ca, ca_key, cert, key) = (
        dir.join("ca.crt"),
        dir.join("ca.key"),
        dir.join("server.crt"),
        dir.join("server.key"),
    );
    let ext = dir.join("server.ext");
    std::fs::write(&ext, "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
        .map_err(|e| e.to_string())?;
    let openssl = |args: &[&std::ffi::OsStr]| -> Result<(), String> {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run openssl to make the test server's certificate: {e} (apt-get install -y openssl)"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "openssl failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ]
    .map(os);
    let mut a: Vec<std::ffi::OsString> =
        ["req", "-x509", "-days", "2", "-subj", "/CN=sluice test CA"]
            .map(os)
            .to_vec();
    a.extend(ec.clone());
    a.extend([
        os("-keyout"),
        ca_key.clone().into(),
        os("-out"),
        ca.clone().into(),
    ]);
    openssl(&a.iter().map(|x| x.as_os_str()).collect::<Vec<_>>())?;
    let csr = dir.join("server.csr");
    let mut a: Vec<std::ffi::OsString> = ["req", "-subj", "/CN=localhost"].map(os).to_vec();
    a.extend(ec);
    a.extend([
        os("-keyout"),
        key.clone().into(),
        os("-out"),
        csr.clone().into(),
    ]);
    openssl(&a.iter().map(|x| x.as_os_str()).collect::<Vec<_>>())?;
    let a: Vec<std::ffi::OsString> = vec![
        os("x509"),
        os("-req"),
        os("-days"),
        os("2"),
        os("-in"),
        csr.into(),
        os("-CA"),
        ca.clone().into(),
        os("-CAkey"),
        ca_key.into(),
        os("-CAcreateserial"),
        os("-extfile"),
        ext.into(),
        os("-out"),
        cert.clone().into(),
    ];
    openssl(&a.iter().map(|x| x.as_os_str()).collect::<Vec<_>>())?;
    if let Some(u) = user {
        let _ = Command::new("chown").arg(u).arg(&key).arg(&cert).status();
    }
    let _ = Command::new("chmod").arg("600").arg(&key).status();
    let _ = Command::new("chmod").arg("644").arg(&cert).status();
    Ok((ca, cert, key))
}

/// A new database cluster in a temp folder named `name`, owned by the server's user.
struct Cluster {
    bin: PathBuf,
    user: Option<String>,
    dir: PathBuf,
    data: PathBuf,
}

fn init_cluster(name: &str) -> Result<Cluster, String> {
    let bin = bin_dir().ok_or("initdb was not found on PATH nor in /usr/lib/postgresql/*/bin: install postgresql (apt-get install -y postgresql)")?;
    let user = if is_root() {
        Some(server_user("postgres")?)
    } else {
        None
    };
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(dir.join("sock"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if let Some(u) = &user {
        // The server user must own its folder, and reach it.
        let st = Command::new("chown")
            .arg("-R")
            .arg(u)
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !st.success() {
            return Err(format!("chown {u} {} failed", dir.display()));
        }
        let _ = Command::new("chmod")
            .arg("o+x")
            .arg(std::env::temp_dir())
            .status();
    }
    let data = dir.join("data");
    let out = as_user(user.as_deref(), &bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .output()
        .map_err(|e| format!("cannot run initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(Cluster {
        bin,
        user,
        dir,
        data,
    })
}

fn start() -> Result<PgServer, String> {
    if let Ok(url) = std::env::var("SLUICE_TEST_PG_URL") {
        let base = url
            .rsplit_once('/')
            .map_or(url.clone(), |(b, _)| b.to_string());
        return Ok(PgServer {
            base_url: base,
            bin_dir: bin_dir(),
            ca_file: None,
            log: None,
        });
    }
    let Cluster {
        bin,
        user,
        dir,
        data,
    } = init_cluster(&format!(
        "sluice-pg-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ))?;
    let (ca, cert, key) = make_tls(&dir, user.as_deref())?;
    let port = free_port()?;
    let log = dir.join("server.log");
    // The reaper: starts the server, waits while the test process lives, then stops the
    // server and removes the folder. It outlives a SIGKILL of the test process.
    let parent = std::process::id();
    let run_as: String = as_user_prefix(user.as_deref())
        .iter()
        .map(|w| format!("{w} "))
        .collect();
    let script = format!(
        "{run_as}{postgres} -D {data} -p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_preload_libraries=pg_stat_statements -c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key} > {log} 2>&1 &\n\
         pg=$!\n\
         while kill -0 {parent} 2>/dev/null && kill -0 $pg 2>/dev/null; do sleep 0.3; done\n\
         kill -INT $pg 2>/dev/null; wait $pg 2>/dev/null\n\
         [ -n \"$SLUICE_KEEP_TEMP\" ] || rm -rf {dir}\n",
        postgres = bin.join("postgres").display(),
        data = data.display(),
        sock = dir.join("sock").display(),
        log = log.display(),
        dir = dir.display(),
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
    let base_url = format!("postgres://postgres@127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        if psql(&format!("{base_url}/postgres"), "SELECT 1").is_ok() {
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
    Ok(PgServer {
        base_url,
        bin_dir: Some(bin),
        ca_file: Some(ca),
        log: Some(log),
    })
}

/// A PostgreSQL server of one test alone, which the test may stop, restart and crash
/// (`pg_ctl -m fast | immediate`). Stopped and removed when dropped, and by a reaper when
/// the test process dies.
#[derive(Debug)]
pub struct OwnServer {
    dir: PathBuf,
    data: PathBuf,
    port: u16,
    user: Option<String>,
    bin: PathBuf,
    /// `postgres://postgres@127.0.0.1:<port>` (no database part).
    pub base_url: String,
    /// The server's log.
    pub log: PathBuf,
}

impl OwnServer {
    /// Starts a new server; panics with the reason when it cannot.
    pub fn start(label: &str) -> OwnServer {
        Self::try_start(label)
            .unwrap_or_else(|why| panic!("cannot start a PostgreSQL server for {label}: {why}"))
    }

    fn try_start(label: &str) -> Result<OwnServer, String> {
        let Cluster {
            bin,
            user,
            dir,
            data,
        } = init_cluster(&format!(
            "sluice-pgown-{label}-{}-{}",
            std::process::id(),
            database_name("x")
        ))?;
        Self::launch(dir, data, user, bin)
    }

    /// Starts the server of a data folder made ready (`initdb`, or `pg_basebackup`).
    fn launch(
        dir: PathBuf,
        data: PathBuf,
        user: Option<String>,
        bin: PathBuf,
    ) -> Result<OwnServer, String> {
        let port = free_port()?;
        let server = OwnServer {
            port,
            base_url: format!("postgres://postgres@127.0.0.1:{port}"),
            log: dir.join("server.log"),
            dir,
            data,
            user,
            bin,
        };
        // The reaper: when the test process ends in any way, the server goes too.
        let run_as: String = as_user_prefix(server.user.as_deref())
            .iter()
            .map(|w| format!("{w} "))
            .collect();
        let script = format!(
            "while kill -0 {parent} 2>/dev/null; do sleep 1; done\n\
             {run_as}{pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1\n\
             [ -n \"$SLUICE_KEEP_TEMP\" ] || rm -rf {dir}\n",
            parent = std::process::id(),
            pg_ctl = server.bin.join("pg_ctl").display(),
            data = server.data.display(),
            dir = server.dir.display(),
        );
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the reaper: {e}"))?;
        server.pg_ctl(&["start", "-w", "-t", "30"])?;
        Ok(server)
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        // Durable as in production: a crash (`-m immediate`) keeps what was committed.
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=100",
            self.port,
            self.dir.join("sock").display()
        );
        let out = as_user(self.user.as_deref(), &self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .arg("-o")
            .arg(opts)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "pg_ctl {} failed: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// A streaming replica of this server (`pg_basebackup -R`), started on a port of its
    /// own; panics with the reason when it cannot.
    pub fn replica(&self, label: &str) -> OwnServer {
        self.try_replica(label)
            .unwrap_or_else(|why| panic!("cannot start a replica for {label}: {why}"))
    }

    fn try_replica(&self, label: &str) -> Result<OwnServer, String> {
        let dir = std::env::temp_dir().join(format!(
            "sluice-pgrep-{label}-{}-{}",
            std::process::id(),
            database_name("x")
        ));
        std::fs::create_dir_all(dir.join("sock"))
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if let Some(u) = &self.user {
            let _ = Command::new("chown").arg("-R").arg(u).arg(&dir).status();
        }
        let data = dir.join("data");
        // Beside the server's own programs (which may be links into its real folder).
        let real_bin = std::fs::canonicalize(self.bin.join("pg_ctl"))
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let basebackup = [Some(self.bin.clone()), real_bin]
            .into_iter()
            .flatten()
            .map(|d| d.join("pg_basebackup"))
            .find(|p| p.exists())
            .unwrap_or_else(|| tool("pg_basebackup"));
        let out = as_user(self.user.as_deref(), &basebackup)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .arg("-D")
            .arg(&data)
            .args(["-R", "-X", "stream", "--no-sync"])
            .output()
            .map_err(|e| format!("cannot run pg_basebackup: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "pg_basebackup failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Self::launch(dir, data, self.user.clone(), self.bin.clone())
    }

    /// Restarts the server: `fast` (sessions are ended, a clean shutdown) or `immediate`
    /// (a crash: recovery on start). Waits until it answers again.
    pub fn restart(&self, mode: &str) {
        self.pg_ctl(&["restart", "-w", "-t", "60", "-m", mode])
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Stops the server (`fast` or `immediate`).
    pub fn stop(&self, mode: &str) {
        self.pg_ctl(&["stop", "-w", "-m", mode])
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Starts a stopped server again.
    pub fn start_again(&self) {
        self.pg_ctl(&["start", "-w", "-t", "60"])
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A fresh, empty database named after `label`; its URL.
    pub fn database(&self, label: &str) -> String {
        let name = database_name(label);
        psql(
            &format!("{}/postgres", self.base_url),
            &format!("CREATE DATABASE \"{name}\""),
        )
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        format!("{}/{name}", self.base_url)
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["stop", "-m", "immediate"]);
        if std::env::var_os("SLUICE_KEEP_TEMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
