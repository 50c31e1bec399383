//! The MySQL / MariaDB engine.
//!
//! State lives in three tables of the target database: `sluice_migrations`,
//! `sluice_events` (append-only, enforced by triggers) and `sluice_lock`. MySQL commits
//! every DDL statement on its own, so the runner applies such migrations statement by
//! statement and records progress after each; this engine sends one statement per round
//! trip, reads `SHOW WARNINGS` after a statement that raised any, and writes each piece of
//! bookkeeping as one transaction in one round trip.
//!
//! The migration lock is `GET_LOCK('sluice:<database>')`, polled on a connection of its own;
//! the server releases it when that connection ends, so a runner killed with SIGKILL
//! leaves no lock behind. On a MariaDB Galera node, where `GET_LOCK` is local to the node,
//! it is a lease row instead ([`galera`]). Every migration session sets `lock_wait_timeout` so that a
//! metadata-lock wait gives up instead of stalling the application behind it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, SslOpts};
use sluice_core::engine::{
    Capabilities, DbError, EngineInfo, Event, EventFilter, EventRow, Expected, LockError,
    LockGuard, LockHolder, QueryOutcome, Record, Timeouts, Value, WriteError,
};
use sluice_core::schema::{SchemaObject, TableStats};
use sluice_core::{Checksum, Engine, MigrationId, RunId, State};
use sluice_sql::Dialect;
use sluice_sql::footprint::{Presence, Thing};
use sluice_sql::parse::Name;

pub mod galera;
pub use galera::GaleraNode;

/// How the connection uses TLS (`ssl-mode`, as the `mysql` client spells it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP.
    Disabled,
    /// TLS when the server offers it, without checking the certificate.
    Preferred,
    /// TLS, without checking the certificate.
    Required,
    /// TLS with a certificate signed by a trusted CA.
    VerifyCa,
    /// TLS with a trusted certificate for the host name.
    VerifyIdentity,
}

/// Connection settings resolved from a URL.
#[derive(Clone, Debug)]
pub struct Target {
    host: String,
    port: u16,
    socket: Option<String>,
    user: String,
    password: Option<String>,
    /// The database that holds the user's schema and sluice's tables.
    pub database: String,
    ssl: SslMode,
    ssl_ca: Option<PathBuf>,
    /// The URL with the password masked.
    pub display: String,
}

impl Target {
    /// Arguments for the `mariadb`/`mysql` client tools (no password: give it in
    /// `MYSQL_PWD`).
    pub fn client_args(&self) -> Vec<String> {
        let mut a = vec!["--no-defaults".to_string(), format!("--user={}", self.user)];
        match &self.socket {
            Some(s) => a.push(format!("--socket={s}")),
            None => {
                a.push(format!("--host={}", self.host));
                a.push(format!("--port={}", self.port));
                a.push("--protocol=tcp".into());
            }
        }
        a
    }

    /// The password, for the tools' environment.
    pub fn password(&self) -> Option<String> {
        self.password.clone()
    }
}

/// Parses a `mysql://` or `mariadb://` URL:
/// `mysql://user:password@host:port/database?ssl-mode=REQUIRED&ssl-ca=ca.pem&socket=/run/mysqld/mysqld.sock`.
pub fn parse_url(url: &str) -> Result<Target, DbError> {
    let display = sluice_core::config::mask_url(url);
    let bad = |why: &str| {
        DbError::msg(format!(
            "{display} is not a MySQL URL sluice can use: {why}"
        ))
    };
    let rest = url
        .strip_prefix("mysql://")
        .or_else(|| url.strip_prefix("mariadb://"))
        .ok_or_else(|| bad("it must start with mysql:// or mariadb://"))?;
    let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (auth, hostpart) = match main.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, main),
    };
    let (user, password) = match auth {
        Some(a) => match a.split_once(':') {
            Some((u, p)) => (
                decode(u).map_err(|e| bad(&e))?,
                Some(decode(p).map_err(|e| bad(&e))?),
            ),
            None => (decode(a).map_err(|e| bad(&e))?, None),
        },
        None => (
            std::env::var("USER").unwrap_or_else(|_| "root".into()),
            None,
        ),
    };
    let (hostport, database) = hostpart.split_once('/').unwrap_or((hostpart, ""));
    let database = decode(database).map_err(|e| bad(&e))?;
    if database.is_empty() {
        return Err(bad(
            "it names no database: add /<database> (sluice keeps its tables in it)",
        ));
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h.to_string(),
            p.parse::<u16>()
                .map_err(|_| bad(&format!("`{p}` is not a port number")))?,
        ),
        None => (hostport.to_string(), 3306),
    };
    let host = if host.is_empty() {
        "localhost".to_string()
    } else {
        decode(&host).map_err(|e| bad(&e))?
    };
    let mut target = Target {
        host,
        port,
        socket: None,
        user,
        password,
        database,
        ssl: SslMode::Preferred,
        ssl_ca: None,
        display: display.clone(),
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v).map_err(|e| bad(&e))?;
        match k.replace('_', "-").to_ascii_lowercase().as_str() {
            "ssl-mode" | "sslmode" => {
                target.ssl = match v.to_ascii_uppercase().replace('-', "_").as_str() {
                    "DISABLED" | "DISABLE" => SslMode::Disabled,
                    "PREFERRED" | "PREFER" => SslMode::Preferred,
                    "REQUIRED" | "REQUIRE" => SslMode::Required,
                    "VERIFY_CA" => SslMode::VerifyCa,
                    "VERIFY_IDENTITY" | "VERIFY_FULL" => SslMode::VerifyIdentity,
                    other => {
                        return Err(bad(&format!(
                            "ssl-mode `{other}` is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
                        )));
                    }
                }
            }
            "ssl-ca" | "sslrootcert" => target.ssl_ca = Some(PathBuf::from(v)),
            "socket" => target.socket = Some(v),
            other => {
                return Err(bad(&format!(
                    "unknown parameter `{other}`: sluice knows ssl-mode, ssl-ca and socket"
                )));
            }
        }
    }
    if target.ssl_ca.is_some() && matches!(target.ssl, SslMode::Preferred | SslMode::Required) {
        // As the mysql client does: a CA given means it is checked.
        target.ssl = SslMode::VerifyCa;
    }
    Ok(target)
}

use crate::decode;

/// Opens a connection; `program` is shown to DBAs as the `program_name` attribute.
fn open_conn(target: &Target, program: &str) -> Result<Conn, DbError> {
    let base = || {
        let mut attrs = HashMap::new();
        attrs.insert("program_name".to_string(), program.to_string());
        let mut b = OptsBuilder::new()
            .ip_or_hostname(Some(target.host.clone()))
            .tcp_port(target.port)
            .user(Some(target.user.clone()))
            .pass(target.password.clone())
            .db_name(Some(target.database.clone()))
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            // An UPDATE that matches its row counts it even when no value changed: the
            // history writes check that they found the row they expected.
            .additional_capabilities(mysql::consts::CapabilityFlags::CLIENT_FOUND_ROWS)
            .connect_attrs(Some(attrs));
        if let Some(s) = &target.socket {
            b = b.socket(Some(s.clone()));
        }
        b
    };
    let ssl = |verify_chain: bool, verify_name: bool| {
        SslOpts::default()
            .with_root_cert_path(target.ssl_ca.clone())
            .with_danger_accept_invalid_certs(!verify_chain)
            .with_danger_skip_domain_validation(!verify_name)
    };
    if !cfg!(feature = "tls")
        && matches!(
            target.ssl,
            SslMode::Required | SslMode::VerifyCa | SslMode::VerifyIdentity
        )
    {
        return Err(DbError::msg(format!(
            "{}: ssl-mode needs TLS, and this build of sluice has none: enable the `tls` feature of sluice-migrate, or write ssl-mode=DISABLED",
            target.display
        )));
    }
    let tls = match target.ssl {
        SslMode::Disabled => None,
        SslMode::Preferred if !cfg!(feature = "tls") => None,
        SslMode::Preferred | SslMode::Required => Some(ssl(false, false)),
        SslMode::VerifyCa => Some(ssl(true, false)),
        SslMode::VerifyIdentity => Some(ssl(true, true)),
    };
    // A unix socket is local: TLS over it is neither needed nor offered.
    let tls = if target.socket.is_some() && target.ssl == SslMode::Preferred {
        None
    } else {
        tls
    };
    let fail = |e: mysql::Error| {
        let mut d = map_error(&e);
        d.message = format!("cannot connect to {}: {}", target.display, d.message);
        d
    };
    match Conn::new(base().ssl_opts(tls)) {
        Ok(c) => Ok(c),
        Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported))
            if target.ssl == SslMode::Preferred =>
        {
            Conn::new(base()).map_err(fail)
        }
        Err(e) => Err(fail(e)),
    }
}

/// The session every connection of sluice's starts with: UTC for sluice's DATETIME
/// columns, utf8mb4 for everything; read-only for reading commands; on a Galera node,
/// reads that wait for the cluster ([`galera::session`]).
fn session_setup(conn: &mut Conn, read_only: bool, galera: bool) -> Result<(), DbError> {
    conn.run("SET time_zone = '+00:00', NAMES utf8mb4")
        .map_err(|e| map_error(&e))?;
    if read_only {
        conn.run("SET SESSION TRANSACTION READ ONLY")
            .map_err(|e| map_error(&e))?;
    }
    if galera {
        galera::session(conn)?;
    }
    Ok(())
}

fn apply_session(conn: &mut Conn, session: &[String]) -> Result<(), DbError> {
    for s in session {
        conn.run(s).map_err(|e| {
            let mut d = map_error(&e);
            d.message = format!("session setting `{s}` failed: {}", d.message);
            d
        })?;
    }
    Ok(())
}

/// Runs SQL that may hold several statements and reads every result, so that an error in
/// any of them is returned (`query_drop` would drop the results after the first, errors
/// included, and leave a transaction open behind a failed statement).
trait RunAll {
    fn run<Q: AsRef<str>>(&mut self, sql: Q) -> mysql::Result<()>;
}

impl RunAll for Conn {
    fn run<Q: AsRef<str>>(&mut self, sql: Q) -> mysql::Result<()> {
        let mut result = self.query_iter(sql.as_ref())?;
        while let Some(set) = result.iter() {
            for row in set {
                row?;
            }
        }
        Ok(())
    }
}

/// Maps a driver error to a [`DbError`]: the server's message, SQLSTATE and error number.
pub fn map_error(e: &mysql::Error) -> DbError {
    match e {
        mysql::Error::MySqlError(m) => DbError {
            message: m.message.clone(),
            sqlstate: Some(condition(m.code).unwrap_or(&m.state).to_string()),
            native_code: Some(m.code.to_string()),
            // Server shutdown, connection killed, disconnected for inactivity, gone away,
            // lost during a query.
            connection_lost: matches!(m.code, 1053 | 1927 | 4031 | 2006 | 2013),
        },
        mysql::Error::DriverError(d) => {
            let lost = matches!(
                d,
                mysql::DriverError::CouldNotConnect(_)
                    | mysql::DriverError::ConnectTimeout
                    | mysql::DriverError::PacketOutOfSync
            );
            DbError {
                connection_lost: lost,
                ..DbError::msg(d.to_string())
            }
        }
        mysql::Error::IoError(e) => DbError::lost(e.to_string()),
        // A write on a connection the server (or its node) dropped.
        mysql::Error::CodecError(c) => {
            DbError::lost(format!("the connection to the server was lost: {c}"))
        }
        other => DbError::msg(other.to_string()),
    }
}

/// The PostgreSQL SQLSTATE of a MySQL error number, so that `-- expect: error
/// unique_violation` means the same on every engine (MySQL gives `23000` for all
/// integrity errors). The server's number stays in the native code.
fn condition(code: u16) -> Option<&'static str> {
    Some(match code {
        1062 | 1586 => "23505",               // duplicate entry
        1216 | 1217 | 1451 | 1452 => "23503", // foreign key
        1048 | 1364 => "23502",               // NULL in a NOT NULL column / no default
        3819 | 4025 => "23514",               // check constraint (MySQL / MariaDB)
        1146 => "42P01",                      // no such table
        1054 => "42703",                      // unknown column
        1305 => "42883",                      // no such function or procedure
        1050 => "42P07",                      // table exists
        1064 => "42601",                      // syntax error
        1044 | 1142 | 1143 | 1227 => "42501", // privileges
        1365 => "22012",                      // division by zero
        1264 | 1690 => "22003",               // out of range
        1406 => "22001",                      // data too long
        1366 | 1292 => "22P02",               // bad value for the column's type
        1205 => "55P03",                      // lock wait timeout
        _ => return None,
    })
}

/// Quotes an identifier for MySQL.
pub fn quote_ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A string literal that means the same whatever `sql_mode` says about backslashes.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2 + 12);
    out.push_str("_utf8mb4 X'");
    for b in s.bytes() {
        out.push_str(&format!("{b:02X}"));
    }
    out.push('\'');
    out
}

fn opt_lit(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_string(), lit)
}

fn opt_num<T: ToString>(n: Option<T>) -> String {
    n.map_or_else(|| "NULL".to_string(), |n| n.to_string())
}

/// sluice's RFC 3339 UTC time (`2026-11-21T10:00:00.123Z`) as a DATETIME(3) literal.
fn time_lit(s: &str) -> String {
    let t = s.trim_end_matches('Z').replace('T', " ");
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b" -:.".contains(&b))
    {
        format!("'{t}'")
    } else {
        "NULL".into()
    }
}

/// A DATETIME(3) column read back as sluice's RFC 3339 form.
fn time_col(col: &str) -> String {
    format!("DATE_FORMAT({col}, '%Y-%m-%dT%H:%i:%s.%fZ')")
}

fn time_back(s: Option<String>) -> Option<String> {
    // `%f` gives microseconds; sluice keeps milliseconds.
    s.map(|s| match s.rsplit_once('.') {
        Some((head, frac)) => format!(
            "{head}.{}Z",
            &frac.trim_end_matches('Z')[..3.min(frac.len())]
        ),
        None => s,
    })
}

fn state_col(s: Option<String>) -> Result<Option<State>, DbError> {
    s.map(|s| s.parse::<State>().map_err(DbError::msg))
        .transpose()
}

fn id_col(s: String) -> Result<MigrationId, DbError> {
    MigrationId::stored(&s)
        .map_err(|e| DbError::msg(format!("bad migration id in the history: {e}")))
}

/// A value as text (`None` for NULL), as every reader of this engine wants it.
pub(crate) fn text(v: &mysql::Value) -> Option<String> {
    match v {
        mysql::Value::NULL => None,
        mysql::Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        mysql::Value::Int(i) => Some(i.to_string()),
        mysql::Value::UInt(u) => Some(u.to_string()),
        mysql::Value::Float(f) => Some(f.to_string()),
        mysql::Value::Double(f) => Some(f.to_string()),
        other => Some(other.as_sql(true).trim_matches('\'').to_string()),
    }
}

fn int(v: &mysql::Value) -> Option<i64> {
    text(v).and_then(|s| s.parse().ok())
}

/// The connection to one database.
pub struct Mysql {
    conn: Conn,
    target: Target,
    app: String,
    prefix: String,
    server: String,
    mariadb: bool,
    /// `START TRANSACTION` is owed: bookkeeping-only transactions travel in one round trip.
    pending: Option<Vec<String>>,
    in_tx: bool,
    /// Bookkeeping written inside an open transaction: it travels with COMMIT.
    tail: Vec<String>,
    warnings: Vec<String>,
    read_only: bool,
    /// The connection id that holds the migration lock, while this engine holds it: every
    /// history write checks that it still does.
    lock_conn: Option<u32>,
    /// The lock's own connection after a release, kept for the next lock of this engine.
    idle_lock_conn: std::sync::Arc<std::sync::Mutex<Option<Conn>>>,
    /// Whether the history table has the columns added after its first release.
    has_started: Option<bool>,
    /// The environment's session settings, made again on every new connection.
    session: Vec<String>,
    /// The node's Galera facts, when the server is a node of a cluster.
    galera: Option<GaleraNode>,
    /// The run whose lease row this engine holds (Galera).
    lease_run: Option<String>,
    /// A distributed database speaking MySQL's protocol that sluice has not been proven on
    /// (TiDB, Vitess).
    unproven: Option<&'static str>,
}

impl std::fmt::Debug for Mysql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mysql")
            .field("url", &self.target.display)
            .finish()
    }
}

impl Mysql {
    /// Connects. `app` becomes the `program_name` attribute (`sluice/<run id>`); sluice's
    /// tables are named `<prefix>_migrations`, …; `read_only` makes every transaction of
    /// the session read-only.
    pub fn connect(
        target: Target,
        app: &str,
        prefix: &str,
        read_only: bool,
    ) -> Result<Mysql, DbError> {
        let mut conn = open_conn(&target, app)?;
        session_setup(&mut conn, read_only, false)?;
        let version: String = conn
            .query_first("SELECT VERSION()")
            .map_err(|e| map_error(&e))?
            .unwrap_or_default();
        let mariadb = version.to_ascii_lowercase().contains("mariadb");
        let unproven = crate::unproven(&version);
        let number = version.split(['-', ' ']).next().unwrap_or(&version);
        let galera = if mariadb {
            galera::detect(&mut conn)?
        } else {
            None
        };
        if galera.is_some() {
            galera::session(&mut conn)?;
        }
        let server = match (&galera, mariadb) {
            (Some(g), _) => format!(
                "MariaDB {number} (Galera node {}, {} nodes)",
                g.node, g.cluster_size
            ),
            (None, true) => format!("MariaDB {number}"),
            (None, false) => format!("MySQL {number}"),
        };
        Ok(Mysql {
            conn,
            target,
            app: app.to_string(),
            prefix: prefix.to_string(),
            server,
            mariadb,
            pending: None,
            in_tx: false,
            tail: Vec::new(),
            warnings: Vec::new(),
            read_only,
            lock_conn: None,
            idle_lock_conn: Default::default(),
            has_started: None,
            session: Vec::new(),
            galera,
            lease_run: None,
            unproven,
        })
    }

    /// The distributed database this server is, when sluice has not been proven on it.
    pub fn unproven(&self) -> Option<&'static str> {
        self.unproven
    }

    /// The node's Galera facts, when the server is a node of a cluster.
    pub fn galera(&self) -> Option<&GaleraNode> {
        self.galera.as_ref()
    }

    /// The lock's own connection: the one of this engine's last lock, when it still
    /// answers; else a new one.
    fn lock_connection(&self) -> Result<Conn, DbError> {
        let idle = self
            .idle_lock_conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .and_then(|mut c| c.query_drop("DO 1").is_ok().then_some(c));
        match idle {
            Some(c) => Ok(c),
            None => {
                let mut c = open_conn(&self.target, &format!("{}/lock", self.app))?;
                session_setup(&mut c, false, self.galera.is_some())?;
                Ok(c)
            }
        }
    }

    fn table(&self, name: &str) -> String {
        quote_ident(&format!("{}_{name}", self.prefix))
    }

    /// Makes the environment's session settings (`SET …`) on this connection, and on every
    /// one it opens again.
    pub fn set_session(&mut self, session: &[String]) -> Result<(), DbError> {
        self.session = session.to_vec();
        apply_session(&mut self.conn, session)
    }

    /// The name of the migration lock (at most 64 characters, as GET_LOCK wants).
    fn lock_name(&self, what: &str) -> String {
        let name = format!("sluice:{}:{}{what}", self.target.database, self.prefix);
        if name.len() <= 64 {
            return name;
        }
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("sluice:{h:016x}")
    }

    /// Sends the owed `START TRANSACTION` and the statements queued behind it.
    fn flush(&mut self) -> Result<(), DbError> {
        if let Some(queued) = self.pending.take() {
            let mut sql = String::from("START TRANSACTION");
            for q in queued {
                sql.push_str(";\n");
                sql.push_str(&q);
            }
            self.in_tx = true;
            self.conn.run(sql).map_err(|e| map_error(&e))?;
        }
        if !self.tail.is_empty() {
            let sql = std::mem::take(&mut self.tail).join(";\n");
            self.conn.run(sql).map_err(|e| map_error(&e))?;
        }
        Ok(())
    }

    /// Runs a bookkeeping write: queued when a transaction is owed, else sent now.
    fn write(&mut self, sql: String) -> Result<(), DbError> {
        match &mut self.pending {
            Some(q) => {
                q.push(sql);
                Ok(())
            }
            None if self.in_tx => {
                self.tail.push(sql);
                Ok(())
            }
            None => self.conn.run(sql).map_err(|e| map_error(&e)),
        }
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<mysql::Value>>, DbError> {
        self.flush()?;
        let mut attempt = 0;
        loop {
            match self.conn.query::<mysql::Row, _>(sql) {
                Ok(rows) => return Ok(rows.into_iter().map(mysql::Row::unwrap).collect()),
                // A Galera node aborts a local read that stands in the way of a replicated
                // DDL statement (a brute-force abort, reported as a deadlock); a read of
                // its own, outside a transaction, is simply read again.
                Err(mysql::Error::MySqlError(e))
                    if e.code == 1213 && self.galera.is_some() && !self.in_tx && attempt < 5 =>
                {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(20 * attempt));
                }
                Err(e) => return Err(map_error(&e)),
            }
        }
    }

    fn read_lock_row(conn: &mut Conn, table: &str) -> Option<LockHolder> {
        let query = |later: &str| {
            format!(
                "SELECT run_id, pid, host, actor, {}, {later} FROM {table} WHERE id = 1",
                time_col("since")
            )
        };
        // A lock table of an earlier sluice has no heartbeat.
        let row: Option<mysql::Row> = conn
            .query_first(query(&format!("{}, main_session", time_col("heartbeat"))))
            .or_else(|_| conn.query_first(query("NULL, NULL")))
            .ok()?;
        let v = row?.unwrap();
        Some(LockHolder {
            run_id: RunId::from_recorded(text(&v[0])?),
            pid: int(&v[1])? as u32,
            host: text(&v[2])?,
            actor: text(&v[3])?,
            since: time_back(text(&v[4]))?,
            heartbeat: time_back(text(&v[5])),
            main_session: int(&v[6]),
            session: None,
        })
    }

    /// What the server knows of the session holding `lock`.
    fn holder_session(conn: &mut Conn, lock: &str) -> Option<String> {
        let row: Option<mysql::Row> = conn
            .query_first(format!(
                "SELECT p.ID, p.USER, p.HOST, p.TIME FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({})",
                lit(lock)
            ))
            .ok()?;
        let v = row?.unwrap();
        Some(format!(
            "connection {} {}@{}, connected {} s",
            text(&v[0])?,
            text(&v[1]).unwrap_or_default(),
            text(&v[2]).unwrap_or_default(),
            text(&v[3]).unwrap_or_default()
        ))
    }

    fn insert_events(&self, events: &[Event]) -> Option<String> {
        if events.is_empty() {
            return None;
        }
        let rows: Vec<String> = events
            .iter()
            .map(|e| {
                format!(
                    "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                    lit(e.run_id.as_str()),
                    opt_lit(e.migration_id.as_ref().map(|m| m.as_str())),
                    opt_lit(e.from_state.map(State::as_str)),
                    opt_lit(e.to_state.map(State::as_str)),
                    if e.allowed { 1 } else { 0 },
                    opt_lit(e.reason.as_deref()),
                    lit(&e.actor),
                    lit(&e.host),
                    lit(&e.sluice_version),
                    opt_lit(e.git_commit.as_deref()),
                    opt_lit(e.ci_run.as_deref()),
                    opt_lit(e.checksum.as_ref().map(|c| c.as_str())),
                    opt_num(e.duration_ms),
                    time_lit(&e.at),
                    lit(&e.details.to_string()),
                )
            })
            .collect();
        Some(format!(
            "INSERT INTO {} (run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details) VALUES {}",
            self.table("events"),
            rows.join(", ")
        ))
    }

    /// The condition that this engine still holds the migration lock (true when it holds
    /// none).
    fn lock_condition(&self) -> String {
        if let Some(run) = &self.lease_run {
            return format!(
                "EXISTS (SELECT 1 FROM {} WHERE id = 1 AND run_id = {})",
                self.table("lock"),
                lit(run)
            );
        }
        match self.lock_conn {
            Some(id) => format!("IS_USED_LOCK({}) = {id}", lit(&self.lock_name(""))),
            None => "1 = 1".into(),
        }
    }

    /// The write of a history row, conditional on the row being as expected and the lock
    /// held: an INSERT for a new row (a row that appeared meanwhile fails it on the key),
    /// an UPDATE of the expected row otherwise. One row affected means written.
    fn conditional_record(&self, r: &Record, expected: &Expected) -> String {
        let m = self.table("migrations");
        let values = [
            ("state", lit(r.state.as_str())),
            ("checksum", lit(r.checksum.as_str())),
            ("applied_seq", opt_num(r.applied_seq)),
            (
                "applied_at",
                r.applied_at.as_deref().map_or("NULL".into(), time_lit),
            ),
            ("applied_by", opt_lit(r.applied_by.as_deref())),
            ("run_id", lit(r.run_id.as_str())),
            ("duration_ms", opt_num(r.duration_ms)),
            ("statements_total", r.statements_total.to_string()),
            ("statements_done", r.statements_done.to_string()),
            (
                "done_checksum",
                opt_lit(r.done_checksum.as_ref().map(|c| c.as_str())),
            ),
            ("last_error", opt_lit(r.last_error.as_deref())),
            ("updated_at", time_lit(&r.updated_at)),
            ("started_statement", opt_num(r.started_statement)),
            (
                "started_checksum",
                opt_lit(r.started_checksum.as_ref().map(|c| c.as_str())),
            ),
        ];
        let held = self.lock_condition();
        match expected {
            Expected::Absent => format!(
                "INSERT INTO {m} (id, {}) SELECT {}, {} FROM DUAL WHERE {held}",
                values
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", "),
                lit(r.id.as_str()),
                values
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Expected::Row { state, run_id } => format!(
                "UPDATE {m} SET {} WHERE id = {} AND state = {} AND run_id = {} AND {held}",
                values
                    .iter()
                    .map(|(c, v)| format!("{c} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                lit(r.id.as_str()),
                lit(state.as_str()),
                lit(run_id.as_str()),
            ),
        }
    }

    /// Sends `sql` now, with the owed `START TRANSACTION` and anything queued in front, and
    /// returns the rows the last statement affected.
    fn send_counting(&mut self, sql: &str) -> Result<u64, DbError> {
        let mut batch = Vec::new();
        if let Some(queued) = self.pending.take() {
            batch.push("START TRANSACTION".to_string());
            batch.extend(queued);
            self.in_tx = true;
        }
        batch.append(&mut self.tail);
        batch.push(sql.to_string());
        let mut result = self
            .conn
            .query_iter(batch.join(";\n"))
            .map_err(|e| map_error(&e))?;
        let mut affected = 0;
        while let Some(mut set) = result.iter() {
            affected = set.affected_rows();
            for row in set.by_ref() {
                row.map_err(|e| map_error(&e))?;
            }
        }
        Ok(affected)
    }

    /// Whether the history table has the columns added after its first release.
    fn has_started_columns(&mut self) -> Result<bool, DbError> {
        if let Some(h) = self.has_started {
            return Ok(h);
        }
        let rows = self.rows(&format!(
            "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND COLUMN_NAME = 'started_statement'",
            lit(&format!("{}_migrations", self.prefix))
        ))?;
        let h = !rows.is_empty();
        self.has_started = Some(h);
        Ok(h)
    }

    /// Adds to the tables of an earlier sluice the columns it lacks (never drops or
    /// rewrites).
    fn upgrade_state(&mut self) -> Result<(), DbError> {
        if self.has_started_columns()? {
            return Ok(());
        }
        let (m, l) = (self.table("migrations"), self.table("lock"));
        for sql in [
            format!(
                "ALTER TABLE {m} ADD COLUMN IF NOT EXISTS started_statement INT NULL, ADD COLUMN IF NOT EXISTS started_checksum VARCHAR(100) NULL"
            ),
            format!(
                "ALTER TABLE {l} ADD COLUMN IF NOT EXISTS heartbeat DATETIME(3) NULL, ADD COLUMN IF NOT EXISTS expires DATETIME(3) NULL, ADD COLUMN IF NOT EXISTS main_session BIGINT NULL"
            ),
        ] {
            self.conn.run(sql).map_err(|e| map_error(&e))?;
        }
        self.has_started = Some(true);
        Ok(())
    }

    /// Creates sluice's tables (the caller serialises creators).
    fn create_tables(&mut self) -> Result<(), DbError> {
        let (m, e) = (self.table("migrations"), self.table("events"));
        let tbl = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
        // The history table last: once it exists, all of them do.
        let statements = [
            format!(
                "CREATE TABLE IF NOT EXISTS {e} (
                    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    run_id VARCHAR(100) NOT NULL,
                    migration_id VARCHAR(255) NULL,
                    from_state VARCHAR(16) NULL,
                    to_state VARCHAR(16) NULL,
                    allowed BOOLEAN NOT NULL,
                    reason TEXT NULL,
                    actor VARCHAR(255) NOT NULL,
                    host VARCHAR(255) NOT NULL,
                    sluice_version VARCHAR(50) NOT NULL,
                    git_commit VARCHAR(64) NULL,
                    ci_run VARCHAR(255) NULL,
                    checksum VARCHAR(100) NULL,
                    duration_ms BIGINT NULL,
                    at DATETIME(3) NOT NULL,
                    details LONGTEXT NOT NULL,
                    KEY migration_id (migration_id, seq),
                    KEY run_id (run_id, seq)
                ) {tbl}"
            ),
            format!(
                "CREATE TRIGGER {} BEFORE UPDATE ON {e} FOR EACH ROW \
                 SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the sluice events table is append-only'",
                quote_ident(&format!("{}_events_no_update", self.prefix))
            ),
            format!(
                "CREATE TRIGGER {} BEFORE DELETE ON {e} FOR EACH ROW \
                 SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the sluice events table is append-only'",
                quote_ident(&format!("{}_events_no_delete", self.prefix))
            ),
            self.lock_table_ddl(),
            format!(
                "CREATE TABLE IF NOT EXISTS {m} (
                    id VARCHAR(255) NOT NULL PRIMARY KEY,
                    state VARCHAR(16) NOT NULL CHECK (state IN ('pending','applying','applied','reverting','failed','partial')),
                    checksum VARCHAR(100) NOT NULL,
                    applied_seq BIGINT NULL,
                    applied_at DATETIME(3) NULL,
                    applied_by VARCHAR(255) NULL,
                    run_id VARCHAR(100) NOT NULL,
                    duration_ms BIGINT NULL,
                    statements_total INT NOT NULL,
                    statements_done INT NOT NULL,
                    done_checksum VARCHAR(100) NULL,
                    last_error TEXT NULL,
                    updated_at DATETIME(3) NOT NULL,
                    started_statement INT NULL,
                    started_checksum VARCHAR(100) NULL
                ) {tbl}"
            ),
        ];
        for s in statements {
            match self.conn.run(s) {
                // Left by a creator that died half-way (triggers have no IF NOT EXISTS
                // on MySQL).
                Err(mysql::Error::MySqlError(e)) if e.code == 1359 => {}
                other => other.map_err(|e| map_error(&e))?,
            }
        }
        Ok(())
    }

    /// The connection that holds the migration lock, if any.
    fn lock_user(&mut self) -> Result<Option<i64>, DbError> {
        let name = self.lock_name("");
        Ok(self
            .rows(&format!("SELECT IS_USED_LOCK({})", lit(&name)))?
            .first()
            .and_then(|r| r.first())
            .and_then(int))
    }

    /// The holder named by the lock row, with what the server knows of its session.
    fn describe_holder(&mut self) -> LockHolder {
        let (table, name) = (self.table("lock"), self.lock_name(""));
        let mut h = Self::read_lock_row(&mut self.conn, &table)
            .unwrap_or_else(|| LockHolder::unknown("unknown: no lock row"));
        h.session = Self::holder_session(&mut self.conn, &name);
        h
    }
}

impl Engine for Mysql {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            dialect: Dialect::MySql,
            url: self.target.display.clone(),
            server: self.server.clone(),
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: false,
            advisory_lock: true,
            lock_timeout: true,
        }
    }

    fn state_exists(&mut self) -> Result<bool, DbError> {
        let name = format!("{}_migrations", self.prefix);
        let rows = self.rows(&format!(
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {}",
            lit(&name)
        ))?;
        Ok(!rows.is_empty())
    }

    fn create_state(&mut self) -> Result<(), DbError> {
        if self.galera.is_some() {
            return self.create_state_galera();
        }
        if self.state_exists()? {
            return self.upgrade_state();
        }
        // Serialise concurrent creators.
        let name = self.lock_name(":init");
        let got: Option<i64> = self
            .conn
            .query_first(format!("SELECT GET_LOCK({}, 30)", lit(&name)))
            .map_err(|e| map_error(&e))?;
        if got != Some(1) {
            return Err(DbError::msg(
                "another sluice has been creating its tables for 30 s; try again",
            ));
        }
        let result = if self.state_exists()? {
            Ok(())
        } else {
            self.create_tables()
        };
        let _ = self.conn.run(format!("DO RELEASE_LOCK({})", lit(&name)));
        result
    }

    fn records(&mut self) -> Result<Vec<Record>, DbError> {
        let started = if self.has_started_columns()? {
            "started_statement, started_checksum"
        } else {
            "NULL, NULL"
        };
        let sql = format!(
            "SELECT id, state, checksum, applied_seq, {}, applied_by, run_id, duration_ms, \
             statements_total, statements_done, done_checksum, last_error, {}, {started} FROM {}",
            time_col("applied_at"),
            time_col("updated_at"),
            self.table("migrations")
        );
        self.rows(&sql)?
            .into_iter()
            .map(|r| {
                Ok(Record {
                    id: id_col(text(&r[0]).unwrap_or_default())?,
                    state: state_col(text(&r[1]))?.unwrap_or(State::Pending),
                    checksum: Checksum::from_recorded(text(&r[2]).unwrap_or_default()),
                    applied_seq: int(&r[3]),
                    applied_at: time_back(text(&r[4])),
                    applied_by: text(&r[5]),
                    run_id: RunId::from_recorded(text(&r[6]).unwrap_or_default()),
                    duration_ms: int(&r[7]).map(|d| d as u64),
                    statements_total: int(&r[8]).unwrap_or(0) as u32,
                    statements_done: int(&r[9]).unwrap_or(0) as u32,
                    done_checksum: text(&r[10]).map(Checksum::from_recorded),
                    last_error: text(&r[11]),
                    updated_at: time_back(text(&r[12])).unwrap_or_default(),
                    started_statement: int(&r[13]).map(|k| k as u32),
                    started_checksum: text(&r[14]).map(Checksum::from_recorded),
                })
            })
            .collect()
    }

    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError> {
        let mut conditions = Vec::new();
        if let Some(m) = &filter.migration {
            conditions.push(format!("migration_id = {}", lit(m)));
        }
        if let Some(r) = &filter.run {
            conditions.push(format!("run_id = {}", lit(r)));
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let limit = filter
            .limit
            .map_or(i64::MAX, |l| l.min(i64::MAX as u64) as i64);
        let sql = format!(
            "SELECT seq, run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, \
             checksum, duration_ms, {}, details FROM {} {filter_sql} ORDER BY seq DESC LIMIT {limit}",
            time_col("at"),
            self.table("events"),
        );
        let mut out = self
            .rows(&sql)?
            .into_iter()
            .map(|r| {
                let details = text(&r[15]).unwrap_or_default();
                Ok(EventRow {
                    seq: int(&r[0]).unwrap_or(0),
                    event: Event {
                        run_id: RunId::from_recorded(text(&r[1]).unwrap_or_default()),
                        migration_id: text(&r[2]).map(id_col).transpose()?,
                        from_state: state_col(text(&r[3]))?,
                        to_state: state_col(text(&r[4]))?,
                        allowed: int(&r[5]) == Some(1),
                        reason: text(&r[6]),
                        actor: text(&r[7]).unwrap_or_default(),
                        host: text(&r[8]).unwrap_or_default(),
                        sluice_version: text(&r[9]).unwrap_or_default(),
                        git_commit: text(&r[10]),
                        ci_run: text(&r[11]),
                        checksum: text(&r[12]).map(Checksum::from_recorded),
                        duration_ms: int(&r[13]).map(|d| d as u64),
                        at: time_back(text(&r[14])).unwrap_or_default(),
                        details: serde_json::from_str(&details)
                            .unwrap_or(serde_json::Value::String(details)),
                    },
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        out.reverse();
        Ok(out)
    }

    fn lock(
        &mut self,
        holder: &LockHolder,
        wait: Duration,
    ) -> Result<Box<dyn LockGuard>, LockError> {
        if self.galera.is_some() {
            let guard = self.lease_lock(holder, wait)?;
            self.lease_run = Some(holder.run_id.as_str().to_string());
            return Ok(guard);
        }
        let mut conn = self.lock_connection()?;
        let name = self.lock_name("");
        let table = self.table("lock");
        let started = Instant::now();
        loop {
            let got: Option<i64> = conn
                .query_first(format!("SELECT GET_LOCK({}, 0)", lit(&name)))
                .map_err(|e| map_error(&e))?;
            if got == Some(1) {
                // Holding the lock, any row left here belongs to a run that died.
                let took_over = Self::read_lock_row(&mut conn, &table);
                conn.run(format!(
                    "REPLACE INTO {table} (id, run_id, pid, host, actor, since, connection_id, heartbeat, expires, main_session) \
                     VALUES (1, {}, {}, {}, {}, {}, CONNECTION_ID(), NOW(3), NOW(3) + INTERVAL {} SECOND, {})",
                    lit(holder.run_id.as_str()),
                    holder.pid,
                    lit(&holder.host),
                    lit(&holder.actor),
                    time_lit(&holder.since),
                    sluice_core::engine::LEASE.as_secs(),
                    self.conn.connection_id(),
                ))
                .map_err(|e| map_error(&e))?;
                self.lock_conn = Some(conn.connection_id());
                let run_id = lit(holder.run_id.as_str());
                let beat_sql = format!(
                    "UPDATE {table} SET heartbeat = NOW(3), expires = NOW(3) + INTERVAL {} SECOND \
                     WHERE id = 1 AND run_id = {run_id} AND IS_USED_LOCK({}) = CONNECTION_ID()",
                    sluice_core::engine::LEASE.as_secs(),
                    lit(&name)
                );
                let release_sql = format!(
                    "DELETE FROM {table} WHERE id = 1 AND run_id = {run_id}; DO RELEASE_LOCK({})",
                    lit(&name)
                );
                let idle = std::sync::Arc::clone(&self.idle_lock_conn);
                let lease = crate::lease::Lease::start(
                    conn,
                    move |c: &mut Conn| {
                        c.query_drop(&beat_sql).map_err(|e| {
                            let mut d = map_error(&e);
                            d.message = format!("the lock's own connection failed: {}", d.message);
                            d
                        })?;
                        if c.affected_rows() == 1 {
                            Ok(())
                        } else {
                            Err(DbError::msg(
                                "this run no longer holds the migration lock (it was forced free)",
                            ))
                        }
                    },
                    move |mut c: Conn| {
                        c.run(&release_sql).map_err(|e| map_error(&e))?;
                        // Free and healthy: the next lock of this engine takes it.
                        *idle.lock().unwrap_or_else(|p| p.into_inner()) = Some(c);
                        Ok(())
                    },
                );
                return Ok(Box::new(MyLock { lease, took_over }));
            }
            if started.elapsed() >= wait {
                let mut current = Self::read_lock_row(&mut conn, &table);
                let session = Self::holder_session(&mut conn, &name);
                if let Some(h) = current.as_mut() {
                    h.session = session;
                }
                return Err(LockError::Timeout {
                    holder: current.map(Box::new),
                    waited: started.elapsed(),
                });
            }
            std::thread::sleep(
                Duration::from_millis(100).min(wait.saturating_sub(started.elapsed())),
            );
        }
    }

    fn begin(&mut self) -> Result<(), DbError> {
        // Owed: bookkeeping queued behind it goes with COMMIT in one round trip.
        self.pending = Some(Vec::new());
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        if let Some(queued) = self.pending.take() {
            if queued.is_empty() {
                return Ok(());
            }
            let sql = format!("START TRANSACTION;\n{};\nCOMMIT", queued.join(";\n"));
            // A failed statement stops the batch before COMMIT: roll back what it began.
            return match self.conn.run(sql) {
                Ok(()) => Ok(()),
                Err(e) => {
                    let _ = self.conn.run("ROLLBACK");
                    Err(map_error(&e))
                }
            };
        }
        self.in_tx = false;
        let mut sql = std::mem::take(&mut self.tail);
        sql.push("COMMIT".into());
        match self.conn.run(sql.join(";\n")) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = self.conn.run("ROLLBACK");
                Err(map_error(&e))
            }
        }
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.tail.clear();
        if self.pending.take().is_some() || !self.in_tx {
            return Ok(());
        }
        self.in_tx = false;
        self.conn.run("ROLLBACK").map_err(|e| map_error(&e))
    }

    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        if self.pending.as_ref().is_some_and(Vec::is_empty) {
            // The owed START TRANSACTION travels with the statement.
            self.pending = None;
            self.in_tx = true;
            self.conn
                .run(format!("START TRANSACTION;\n{sql}"))
                .map_err(|e| map_error(&e))?;
        } else {
            self.flush()?;
            self.conn.run(sql).map_err(|e| map_error(&e))?;
        }
        if self.conn.warnings() > 0 {
            let rows: Vec<mysql::Row> = self
                .conn
                .query("SHOW WARNINGS")
                .map_err(|e| map_error(&e))?;
            for r in rows {
                let v = r.unwrap();
                self.warnings.push(format!(
                    "{} {}: {}",
                    text(&v[0]).unwrap_or_default(),
                    text(&v[1]).unwrap_or_default(),
                    text(&v[2]).unwrap_or_default()
                ));
            }
        }
        Ok(())
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        Ok(self
            .rows(sql)?
            .iter()
            .map(|r| r.iter().map(text).collect())
            .collect())
    }

    fn query(&mut self, sql: &str) -> Result<QueryOutcome, DbError> {
        self.flush()?;
        let mut result = self.conn.query_iter(sql).map_err(|e| map_error(&e))?;
        let mut count = 0u64;
        let mut first = None;
        if let Some(set) = result.iter() {
            for row in set {
                let row = row.map_err(|e| map_error(&e))?;
                if count == 0 {
                    first = Some(
                        row.unwrap()
                            .iter()
                            .map(|v| text(v).map_or(Value::Null, Value::Text))
                            .collect(),
                    );
                }
                count += 1;
            }
        }
        drop(result);
        Ok(QueryOutcome {
            row_count: count,
            first_row: first,
        })
    }

    fn snapshot(&mut self, stats: bool) -> Result<(Vec<SchemaObject>, Vec<TableStats>), DbError> {
        self.flush()?;
        crate::mysql_schema::snapshot(&mut self.conn, &self.prefix, self.mariadb, stats)
    }

    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        self.flush()?;
        let plan: Option<String> = self
            .conn
            .query_first(format!("EXPLAIN FORMAT=JSON {sql}"))
            .map_err(|e| map_error(&e))?;
        let plan: serde_json::Value = serde_json::from_str(&plan.unwrap_or_default())
            .map_err(|e| DbError::msg(format!("cannot read the plan: {e}")))?;
        let mut out = Vec::new();
        collect_keys(&plan, &mut out);
        Ok(out)
    }

    fn record(
        &mut self,
        record: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Result<(), WriteError> {
        let sql = self.conditional_record(record, expected);
        let written = match self.send_counting(&sql) {
            Ok(n) => n,
            // The row appeared meanwhile (an INSERT of a row that now exists).
            Err(e) if e.native_code.as_deref() == Some("1062") => 0,
            Err(e) => return Err(e.into()),
        };
        if written != 1 {
            let cond = self.lock_condition();
            let held = self.rows(&format!("SELECT {cond}"))?;
            if held.first().and_then(|r| r.first()).and_then(int) != Some(1) {
                return Err(WriteError::LockLost);
            }
            let found = self.rows(&format!(
                "SELECT state, run_id FROM {} WHERE id = {}",
                self.table("migrations"),
                lit(record.id.as_str())
            ))?;
            return Err(WriteError::Changed {
                found: match found.first() {
                    None => Expected::Absent,
                    Some(r) => Expected::Row {
                        state: state_col(text(&r[0]))?.unwrap_or(State::Pending),
                        run_id: RunId::from_recorded(text(&r[1]).unwrap_or_default()),
                    },
                },
            });
        }
        if let Some(sql) = self.insert_events(events) {
            self.write(sql)?;
        }
        Ok(())
    }

    fn append_event(&mut self, event: &Event) -> Result<(), DbError> {
        match self.insert_events(std::slice::from_ref(event)) {
            Some(sql) => self.write(sql),
            None => Ok(()),
        }
    }

    fn set_timeouts(&mut self, t: Timeouts) -> Result<(), DbError> {
        self.flush()?;
        // lock_wait_timeout is in whole seconds (at least 1); 0 means "no limit" to sluice,
        // which is the server's maximum (a year) here.
        let lock = t
            .lock
            .map_or(31_536_000, |d| d.as_secs_f64().ceil().max(1.0) as u64);
        let statement = t.statement.map_or(0.0, |d| d.as_secs_f64());
        let sql = if self.mariadb {
            format!(
                "SET SESSION lock_wait_timeout = {lock}, SESSION innodb_lock_wait_timeout = {}, SESSION max_statement_time = {statement}",
                lock.min(1_073_741_824)
            )
        } else {
            format!(
                "SET SESSION lock_wait_timeout = {lock}, SESSION innodb_lock_wait_timeout = {}, SESSION max_execution_time = {}",
                lock.min(1_073_741_824),
                (statement * 1000.0) as u64
            )
        };
        self.conn.run(sql).map_err(|e| map_error(&e))
    }

    fn lock_holders(&mut self, tables: &[String]) -> Vec<String> {
        // Sessions with an open transaction: the holders of metadata locks that DDL waits
        // for. (performance_schema.metadata_locks would name the table, but is off by
        // default on MariaDB.)
        let _ = tables;
        let me = self.conn.connection_id();
        let rows = self.rows(&format!(
            "SELECT t.trx_mysql_thread_id, p.USER, p.HOST, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), p.STATE, p.INFO \
             FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
             WHERE t.trx_mysql_thread_id <> {me} ORDER BY t.trx_started"
        ));
        let mut out: Vec<String> = rows
            .unwrap_or_default()
            .iter()
            .map(|r| {
                format!(
                    "connection {} {}@{}, transaction open for {} s{}",
                    text(&r[0]).unwrap_or_default(),
                    text(&r[1]).unwrap_or_default(),
                    text(&r[2]).unwrap_or_default(),
                    text(&r[3]).unwrap_or_default(),
                    text(&r[5]).map_or(String::new(), |q| format!(", running: {q}"))
                )
            })
            .collect();
        if out.is_empty() {
            // Idle sessions in a transaction that did not write show in PROCESSLIST only.
            let rows = self.rows(&format!(
                "SELECT ID, USER, HOST, TIME, COMMAND FROM information_schema.PROCESSLIST \
                 WHERE ID <> {me} AND DB = DATABASE() AND COMMAND = 'Sleep' ORDER BY TIME DESC"
            ));
            out = rows
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    format!(
                        "connection {} {}@{}, idle for {} s (may hold a transaction open)",
                        text(&r[0]).unwrap_or_default(),
                        text(&r[1]).unwrap_or_default(),
                        text(&r[2]).unwrap_or_default(),
                        text(&r[3]).unwrap_or_default()
                    )
                })
                .collect();
        }
        out
    }

    fn probe(&mut self, thing: &Thing) -> Result<Presence, DbError> {
        // Names compare without case: the parser folds bare words, MySQL keeps them.
        let eq = |col: &str, v: &str| format!("LOWER({col}) = LOWER({})", lit(v));
        let schema = |col: &str, n: &Name| match &n.schema {
            Some(s) => eq(col, s),
            None => format!("{col} = DATABASE()"),
        };
        let sql = match thing {
            Thing::Table(n) | Thing::View(n) | Thing::Sequence(n) => format!(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE {} AND {} AND TABLE_TYPE IN ({})",
                schema("TABLE_SCHEMA", n),
                eq("TABLE_NAME", &n.name),
                match thing {
                    Thing::Table(_) => "'BASE TABLE', 'SYSTEM VERSIONED'",
                    Thing::View(_) => "'VIEW'",
                    _ => "'SEQUENCE'",
                }
            ),
            Thing::Index { name, table } => format!(
                "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE {} AND {}{}",
                schema("TABLE_SCHEMA", table.as_ref().unwrap_or(name)),
                eq("INDEX_NAME", &name.name),
                table
                    .as_ref()
                    .map(|t| format!(" AND {}", eq("TABLE_NAME", &t.name)))
                    .unwrap_or_default()
            ),
            Thing::Column { table, column } | Thing::NotNull { table, column } => format!(
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE {} AND {} AND {}{}",
                schema("TABLE_SCHEMA", table),
                eq("TABLE_NAME", &table.name),
                eq("COLUMN_NAME", column),
                if matches!(thing, Thing::NotNull { .. }) {
                    " AND IS_NULLABLE = 'NO'"
                } else {
                    ""
                }
            ),
            Thing::Constraint { table, name } => format!(
                "SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS WHERE {} AND {} AND {}",
                schema("CONSTRAINT_SCHEMA", table),
                eq("TABLE_NAME", &table.name),
                eq("CONSTRAINT_NAME", name)
            ),
            Thing::Function(n) => format!(
                "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE {} AND {}",
                schema("ROUTINE_SCHEMA", n),
                eq("ROUTINE_NAME", &n.name)
            ),
            Thing::Trigger { name, .. } => format!(
                "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE {} AND {}",
                schema("TRIGGER_SCHEMA", name),
                eq("TRIGGER_NAME", &name.name)
            ),
            Thing::Schema(s) => format!(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE {}",
                eq("SCHEMA_NAME", s)
            ),
            // MySQL has none of these: a statement that makes one failed.
            Thing::Type(_)
            | Thing::EnumValue { .. }
            | Thing::Extension(_)
            | Thing::Policy { .. } => {
                return Ok(Presence::Absent);
            }
        };
        let n = self
            .rows(&sql)?
            .first()
            .and_then(|r| r.first())
            .and_then(int)
            .unwrap_or(0);
        Ok(if n > 0 {
            Presence::Present
        } else {
            Presence::Absent
        })
    }

    fn lock_status(&mut self) -> Result<Option<LockHolder>, DbError> {
        if self.galera.is_some() {
            return self.lease_holder();
        }
        Ok(self.lock_user()?.map(|_| self.describe_holder()))
    }

    fn break_lock(&mut self) -> Result<Option<LockHolder>, DbError> {
        if self.galera.is_some() {
            // No connection to end across the cluster: the row goes, and the holder's next
            // heartbeat finds it gone and stops.
            let holder = self.lease_holder()?;
            if self.state_exists()? {
                let table = self.table("lock");
                self.conn
                    .run(format!("DELETE FROM {table} WHERE id = 1"))
                    .map_err(|e| map_error(&e))?;
            }
            return Ok(holder);
        }
        let holder = match self.lock_user()? {
            Some(id) => {
                let h = self.describe_holder();
                self.conn.run(format!("KILL CONNECTION {id}")).map_err(|e| {
                    let mut d = map_error(&e);
                    d.message = format!(
                        "cannot end connection {id}, which holds the migration lock: {}; a user with the CONNECTION ADMIN (or SUPER) privilege can",
                        d.message
                    );
                    d
                })?;
                Some(h)
            }
            None => {
                let table = self.table("lock");
                Self::read_lock_row(&mut self.conn, &table)
            }
        };
        if self.state_exists()? {
            let table = self.table("lock");
            self.conn
                .run(format!("DELETE FROM {table} WHERE id = 1"))
                .map_err(|e| map_error(&e))?;
        }
        Ok(holder)
    }

    fn session(&self) -> Option<i64> {
        Some(i64::from(self.conn.connection_id()))
    }

    fn still_running(&mut self, session: i64, run: &RunId) -> Result<Option<String>, DbError> {
        let _ = run; // connection ids are not reused while the server runs
        let rows = self.rows(&format!(
            "SELECT ID, COMMAND, TIME, LEFT(COALESCE(INFO, ''), 160) FROM information_schema.PROCESSLIST \
             WHERE ID = {session} AND COMMAND NOT IN ('Sleep', 'Killed')"
        ))?;
        Ok(rows.first().map(|r| {
            format!(
                "server connection {} ({}, for {} s): {}",
                text(&r[0]).unwrap_or_default(),
                text(&r[1]).unwrap_or_default(),
                text(&r[2]).unwrap_or_default(),
                text(&r[3])
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }))
    }

    /// `COM_RESET_CONNECTION`: this session's temporary tables, user variables, settings,
    /// `GET_LOCK` locks and prepared statements are gone, as on a new connection, without
    /// opening one; then sluice's own session setup again.
    fn new_session(&mut self) -> Result<(), DbError> {
        self.conn.reset().map_err(|e| map_error(&e))?;
        session_setup(&mut self.conn, self.read_only, self.galera.is_some())?;
        apply_session(&mut self.conn, &self.session)?;
        self.pending = None;
        self.in_tx = false;
        self.tail.clear();
        self.warnings.clear();
        Ok(())
    }

    fn reconnect(&mut self) -> Result<(), DbError> {
        let mut conn = open_conn(&self.target, &self.app)?;
        session_setup(&mut conn, self.read_only, self.galera.is_some())?;
        apply_session(&mut conn, &self.session)?;
        self.conn = conn;
        self.pending = None;
        self.in_tx = false;
        self.tail.clear();
        self.warnings.clear();
        if let Some(run) = &self.lease_run {
            let table = self.table("lock");
            let session = self.conn.connection_id();
            let _ = self.conn.run(format!(
                "UPDATE {table} SET main_session = {session} WHERE id = 1 AND run_id = {}",
                lit(run)
            ));
        } else if let Some(lock) = self.lock_conn {
            // The lock survived: its row names this new session as the one that runs the
            // statements (a run that takes over waits for it).
            let table = self.table("lock");
            let session = self.conn.connection_id();
            let _ = self.conn.run(format!(
                "UPDATE {table} SET main_session = {session} WHERE id = 1 AND connection_id = {lock}"
            ));
        }
        Ok(())
    }
}

/// Index names in an `EXPLAIN FORMAT=JSON` plan (`"key": "idx"`).
fn collect_keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map {
                if k == "key"
                    && let Some(s) = val.as_str()
                    && !out.iter().any(|o| o == s)
                {
                    out.push(s.to_string());
                }
                collect_keys(val, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_keys(i, out)),
        _ => {}
    }
}

/// The migration lock: `GET_LOCK` held by a connection of its own, which the heartbeat
/// owns.
#[derive(Debug)]
struct MyLock {
    lease: crate::lease::Lease,
    took_over: Option<LockHolder>,
}

impl LockGuard for MyLock {
    fn release(mut self: Box<Self>) -> Result<(), DbError> {
        self.lease.release()
    }

    fn took_over(&self) -> Option<&LockHolder> {
        self.took_over.as_ref()
    }

    fn held(&mut self) -> Result<(), DbError> {
        match self.lease.lost() {
            None => Ok(()),
            Some(why) => Err(DbError::msg(why)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_url("mysql://app:s%40cret@db.example:3307/shop?ssl-mode=VERIFY_IDENTITY")
            .unwrap();
        assert_eq!((t.host.as_str(), t.port), ("db.example", 3307));
        assert_eq!(t.user, "app");
        assert_eq!(t.password.as_deref(), Some("s@cret"));
        assert_eq!(t.database, "shop");
        assert_eq!(t.ssl, SslMode::VerifyIdentity);
        assert_eq!(
            t.display,
            "mysql://app:***@db.example:3307/shop?ssl-mode=VERIFY_IDENTITY"
        );
        let t = parse_url("mariadb://root@/shop?socket=/run/mysqld/mysqld.sock").unwrap();
        assert_eq!(t.socket.as_deref(), Some("/run/mysqld/mysqld.sock"));
        assert_eq!(t.ssl, SslMode::Preferred);
        let e = parse_url("mysql://root@localhost").unwrap_err();
        assert!(e.message.contains("names no database"), "{e}");
        let e = parse_url("mysql://root@h/db?sslmode=sometimes").unwrap_err();
        assert!(e.message.contains("ssl-mode"), "{e}");
        let e = parse_url("mysql://root@h/db?pool=3").unwrap_err();
        assert!(e.message.contains("unknown parameter `pool`"), "{e}");
    }

    #[test]
    fn literals_do_not_depend_on_sql_mode() {
        assert_eq!(lit("a'\\"), "_utf8mb4 X'61275C'");
        assert_eq!(
            time_lit("2026-11-21T10:00:00.123Z"),
            "'2026-11-21 10:00:00.123'"
        );
        assert_eq!(time_lit("x'; DROP"), "NULL");
        assert_eq!(
            time_back(Some("2026-11-21T10:00:00.123000Z".into())).as_deref(),
            Some("2026-11-21T10:00:00.123Z")
        );
    }
}
