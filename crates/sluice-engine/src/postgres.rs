//! The PostgreSQL engine.
//!
//! State lives in a schema of its own (`sluice` by default): `migrations`, `events`
//! (append-only, enforced by triggers) and `lock`. A transactional migration travels in as
//! few round trips as the protocol allows: `BEGIN` and all its statements in one simple
//! query, the bookkeeping (history row and events) in one statement with bind parameters,
//! then `COMMIT`. When the batch fails, the server's error position is mapped back to the
//! statement and its line; an error without a position is located by re-running the
//! statements one by one in a transaction that is rolled back.
//!
//! The migration lock is a session-level advisory lock, polled with
//! `pg_try_advisory_lock` on a connection of its own that is never inside a transaction,
//! so waiting runners cannot deadlock with `CREATE INDEX CONCURRENTLY`; the server releases
//! it when sluice dies.

use std::time::{Duration, Instant};

use tokio_postgres::config::SslMode;
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Config, NoTls, SimpleQueryMessage, Statement};

use crate::pg_client::Client;
use sluice_core::engine::{
    AtOnceError, Capabilities, DbError, EngineInfo, Event, EventFilter, EventRow, Expected,
    LockError, LockGuard, LockHolder, QueryOutcome, Record, StatementError, Timeouts, Value,
    WriteError,
};
use sluice_core::schema::{SchemaObject, TableStats};
use sluice_core::{Checksum, Engine, MigrationId, RunId, State};
use sluice_sql::Dialect;
use sluice_sql::footprint::{Presence, Thing};
use sluice_sql::parse::Name;

/// First key of sluice's advisory locks (the second is derived from the state schema).
const LOCK_CLASS: i32 = 0x5_1ce;

/// How PostgreSQL timestamps are read back, in the form the rest of sluice uses.
const TS: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"#;

/// Connection settings resolved from a URL and the `PG*` variables.
#[derive(Clone, Debug)]
pub struct Target {
    config: Config,
    /// TLS: `None` for `sslmode=disable`, else what to check of the certificate.
    tls: Option<Verify>,
    /// `sslrootcert`: trusted roots for `verify-ca` / `verify-full`.
    root_cert: Option<std::path::PathBuf>,
    /// The URL with the password masked.
    pub display: String,
}

/// Parses a `postgres://` or `postgresql://` URL; what it leaves out comes from `PGHOST`,
/// `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGOPTIONS`,
/// `PGCONNECT_TIMEOUT` (as libpq does).
pub fn parse_url(url: &str) -> Result<Target, DbError> {
    let display = sluice_core::config::mask_url(url);
    let bad = |why: &str| {
        DbError::msg(format!(
            "{display} is not a PostgreSQL URL sluice can use: {why}"
        ))
    };
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or_else(|| bad("it must start with postgres:// or postgresql://"))?;
    let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = main.split_once('/').unwrap_or((main, ""));
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let mut user = None;
    let mut password = None;
    if let Some(u) = userinfo {
        let (name, pass) = u.split_once(':').map_or((u, None), |(n, p)| (n, Some(p)));
        user = Some(decode(name).map_err(|e| bad(&e))?);
        password = pass.map(decode).transpose().map_err(|e| bad(&e))?;
    }
    let mut host = None;
    let mut port = None;
    if !hostport.is_empty() {
        let (h, p) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("an IPv6 host needs its closing ]"))?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if !h.is_empty() {
            host = Some(decode(&h).map_err(|e| bad(&e))?);
        }
        port = p
            .map(|p| {
                p.parse::<u16>()
                    .map_err(|_| bad(&format!("port `{p}` is not a number")))
            })
            .transpose()?;
    }
    let mut dbname = (!path.is_empty())
        .then(|| decode(path))
        .transpose()
        .map_err(|e| bad(&e))?;
    let mut sslmode = None;
    let mut root_cert = None;
    let mut options = None;
    let mut connect_timeout = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v).map_err(|e| bad(&e))?;
        match k {
            "sslmode" => sslmode = Some(v),
            "sslrootcert" => root_cert = Some(v),
            "options" => options = Some(v),
            "connect_timeout" => connect_timeout = Some(v),
            "host" => host = Some(v),
            "port" => {
                port = Some(
                    v.parse()
                        .map_err(|_| bad(&format!("port `{v}` is not a number")))?,
                )
            }
            "user" => user = Some(v),
            "password" => password = Some(v),
            "dbname" => dbname = Some(v),
            "application_name" => {} // sluice sets its own, with the run id
            other => {
                return Err(bad(&format!(
                    "unknown parameter `{other}` (known: sslmode, sslrootcert, options, connect_timeout, host, port, user, password, dbname, application_name)"
                )));
            }
        }
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let host = host
        .or_else(|| env("PGHOST"))
        .unwrap_or_else(|| "localhost".into());
    let port = match port {
        Some(p) => p,
        None => env("PGPORT")
            .map(|p| p.parse().map_err(|_| bad("$PGPORT is not a number")))
            .transpose()?
            .unwrap_or(5432),
    };
    let user = user
        .or_else(|| env("PGUSER"))
        .or_else(|| env("USER"))
        .unwrap_or_else(|| "postgres".into());
    let password = password.or_else(|| env("PGPASSWORD"));
    let dbname = dbname
        .or_else(|| env("PGDATABASE"))
        .unwrap_or_else(|| user.clone());
    let sslmode = sslmode
        .or_else(|| env("PGSSLMODE"))
        .unwrap_or_else(|| "prefer".into());
    let options = options.or_else(|| env("PGOPTIONS"));
    let connect_timeout = connect_timeout.or_else(|| env("PGCONNECT_TIMEOUT"));
    let root_cert = root_cert
        .or_else(|| env("PGSSLROOTCERT"))
        .map(std::path::PathBuf::from);

    let mut config = Config::new();
    config.host(&host).port(port).user(&user).dbname(&dbname);
    if let Some(p) = &password {
        config.password(p);
    }
    if let Some(o) = &options {
        config.options(o);
    }
    if let Some(t) = &connect_timeout {
        let secs: u64 = t
            .parse()
            .map_err(|_| bad("connect_timeout is not a number of seconds"))?;
        config.connect_timeout(Duration::from_secs(secs.max(1)));
    } else {
        config.connect_timeout(Duration::from_secs(10));
    }
    let (mode, tls) = match sslmode.as_str() {
        "disable" => (SslMode::Disable, None),
        "allow" | "prefer" => (SslMode::Prefer, Some(Verify::Nothing)),
        "require" => (SslMode::Require, Some(Verify::Nothing)),
        "verify-ca" => (SslMode::Require, Some(Verify::Chain)),
        "verify-full" => (SslMode::Require, Some(Verify::Full)),
        other => {
            return Err(bad(&format!(
                "unknown sslmode `{other}` (disable, prefer, require, verify-ca, verify-full)"
            )));
        }
    };
    if !cfg!(feature = "tls") {
        match mode {
            SslMode::Require => {
                return Err(bad(&format!(
                    "sslmode={sslmode} needs TLS, and this build of sluice has none: enable the `tls` feature of sluice-migrate, or write sslmode=disable"
                )));
            }
            _ => return finish(config, display, None, root_cert, SslMode::Disable),
        }
    }
    finish(config, display, tls, root_cert, mode)
}

fn finish(
    mut config: Config,
    display: String,
    tls: Option<Verify>,
    root_cert: Option<std::path::PathBuf>,
    mode: SslMode,
) -> Result<Target, DbError> {
    config.ssl_mode(mode);
    Ok(Target {
        config,
        display,
        tls,
        root_cert,
    })
}

/// Opens a connection with the target's TLS settings; errors name the server.
fn open_client(target: &Target, config: &Config) -> Result<Client, DbError> {
    let connected = match target.tls {
        None => Client::connect(config, NoTls),
        #[cfg(feature = "tls")]
        Some(verify) => Client::connect(
            config,
            crate::tls::connector(verify, target.root_cert.as_deref())?,
        ),
        #[cfg(not(feature = "tls"))]
        Some(_) => unreachable!("parse_url gives no TLS target without the tls feature"),
    };
    connected.map_err(|mut d| {
        d.message = format!("cannot connect to {}: {}", target.display, d.message);
        d
    })
}

fn apply_session(client: &mut Client, session: &[String]) -> Result<(), DbError> {
    for s in session {
        client.batch_execute(s).map_err(|e| {
            let mut d = map_error(&e);
            d.message = format!("session setting `{s}` failed: {}", d.message);
            d
        })?;
    }
    Ok(())
}

/// How much of the server's certificate to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Encrypt only (`prefer`, `require`).
    Nothing,
    /// The chain up to a trusted root (`verify-ca`).
    Chain,
    /// The chain and the host name (`verify-full`).
    Full,
}

pub(crate) use crate::decode;

/// Quotes an identifier for PostgreSQL.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Maps a driver error to a [`DbError`], with detail and hint when the server gives them.
pub fn map_error(e: &tokio_postgres::Error) -> DbError {
    match e.as_db_error() {
        Some(db) => {
            let mut message = db.message().to_string();
            if let Some(d) = db.detail() {
                message.push_str(&format!("\nDETAIL: {d}"));
            }
            if let Some(h) = db.hint() {
                message.push_str(&format!("\nHINT: {h}"));
            }
            let code = db.code().code();
            DbError {
                message,
                sqlstate: Some(code.to_string()),
                native_code: None,
                // The server ends the session: shut down, restarted, terminated.
                connection_lost: matches!(code, "57P01" | "57P02" | "57P03")
                    || code.starts_with("08"),
            }
        }
        None => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            let lost = e.is_closed()
                || message.starts_with("error communicating with the server")
                || message.starts_with("error connecting to server");
            DbError {
                connection_lost: lost,
                ..DbError::msg(message)
            }
        }
    }
}

fn position(e: &tokio_postgres::Error) -> Option<usize> {
    match e.as_db_error()?.position()? {
        ErrorPosition::Original(p) => Some(*p as usize),
        ErrorPosition::Internal { .. } => None,
    }
}

/// A connection to one PostgreSQL database.
pub struct Postgres {
    client: Client,
    target: Target,
    app: String,
    schema: String,
    server: String,
    /// `BEGIN` is owed: it travels with the next statement.
    pending_begin: bool,
    in_tx: bool,
    record_stmt: Option<Statement>,
    /// Statements of fixed text, prepared once per connection.
    prepared: std::collections::HashMap<&'static str, Statement>,
    /// sluice's tables exist and are current (checked once per connection).
    state_ready: bool,
    /// The catalog queries of a snapshot, prepared once per connection (a snapshot is
    /// taken several times per migration by `sluice test`).
    catalog: Option<crate::postgres_schema::Prepared>,
    /// What the last snapshot saw: the next one reads only what changed since.
    seen: Option<crate::postgres_schema::Cache>,
    read_only: bool,
    /// The backend pid of this engine's own session.
    backend_pid: i32,
    /// The environment's session settings, made again on every new connection.
    session: Vec<String>,
    /// The backend pid of the connection that holds the migration lock, while this engine
    /// holds it: every history write checks that the lock is still held.
    lock_pid: Option<i32>,
    /// The lock's own connection after a release, kept for the next lock of this engine.
    idle_lock_conn: std::sync::Arc<std::sync::Mutex<Option<Client>>>,
    /// A distributed database speaking PostgreSQL's protocol that sluice has not been
    /// proven on (CockroachDB, YugabyteDB).
    unproven: Option<&'static str>,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("url", &self.target.display)
            .field("schema", &self.schema)
            .finish()
    }
}

impl Postgres {
    /// Connects. `app` becomes `application_name` (`sluice/<run id>`), `schema` holds the
    /// state; `read_only` makes every transaction of the session read-only.
    pub fn connect(
        target: Target,
        app: &str,
        schema: &str,
        read_only: bool,
    ) -> Result<Postgres, DbError> {
        let mut config = target.config.clone();
        config.application_name(app);
        let mut client = open_client(&target, &config)?;
        let row = client
            .query_typed_one(
                "SELECT current_setting('server_version'), pg_backend_pid(), version()",
                &[],
            )
            .map_err(|e| map_error(&e))?;
        let (server, backend_pid, full): (String, i32, String) =
            (row.get(0), row.get(1), row.get(2));
        let unproven = crate::unproven(&full);
        if read_only {
            client
                .batch_execute("SET default_transaction_read_only = on")
                .map_err(|e| map_error(&e))?;
        }
        Ok(Postgres {
            client,
            target,
            app: app.to_string(),
            schema: schema.to_string(),
            server: format!("PostgreSQL {server}"),
            pending_begin: false,
            in_tx: false,
            record_stmt: None,
            prepared: std::collections::HashMap::new(),
            state_ready: false,
            catalog: None,
            seen: None,
            read_only,
            backend_pid,
            session: Vec::new(),
            lock_pid: None,
            idle_lock_conn: Default::default(),
            unproven,
        })
    }

    /// The distributed database this server is, when sluice has not been proven on it.
    pub fn unproven(&self) -> Option<&'static str> {
        self.unproven
    }

    fn table(&self, name: &str) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(name))
    }

    /// Makes the environment's session settings (`SET …`) on this connection, and on every
    /// one it opens again.
    pub fn set_session(&mut self, session: &[String]) -> Result<(), DbError> {
        self.session = session.to_vec();
        apply_session(&mut self.client, session)
    }

    fn lock_key(&self) -> i32 {
        // FNV-1a of the schema name, kept positive: the same state schema, the same lock.
        let mut h: u32 = 0x811c_9dc5;
        for b in self.schema.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        (h & 0x7fff_ffff) as i32
    }

    /// Sends the owed `BEGIN`, if any, on its own.
    fn flush_begin(&mut self) -> Result<(), DbError> {
        if self.pending_begin {
            self.client
                .batch_execute("BEGIN")
                .map_err(|e| map_error(&e))?;
            self.pending_begin = false;
            self.in_tx = true;
        }
        Ok(())
    }

    /// Runs `sql`, with the owed `BEGIN` in front; returns how many characters that added.
    fn batch(&mut self, sql: &str) -> Result<(), (tokio_postgres::Error, usize)> {
        let (text, prefix) = if self.pending_begin {
            (format!("BEGIN;\n{sql}"), "BEGIN;\n".len())
        } else {
            (sql.to_string(), 0)
        };
        if self.pending_begin {
            self.pending_begin = false;
            self.in_tx = true;
        }
        self.client.batch_execute(&text).map_err(|e| (e, prefix))
    }

    /// Which of `statements` failed with `err`, sent as one batch (`starts`: where each
    /// begins in it; `prefix`: characters sent in front, such as `BEGIN`).
    fn locate(
        &mut self,
        err: &tokio_postgres::Error,
        prefix: usize,
        starts: &[usize],
        statements: &[&str],
        was_in_tx: bool,
    ) -> StatementError {
        let error = map_error(err);
        if let Some(pos) = position(err) {
            // 1-based character position in what was sent; BEGIN may stand in front.
            let at = pos.saturating_sub(1).saturating_sub(prefix);
            let index = starts.iter().rposition(|&s| s <= at).unwrap_or(0);
            let within = at - starts[index];
            let line_offset = statements[index]
                .chars()
                .take(within)
                .filter(|&c| c == '\n')
                .count();
            return StatementError {
                index: Some(index),
                line_offset: Some(line_offset),
                error,
            };
        }
        if statements.len() == 1 {
            return StatementError {
                index: Some(0),
                line_offset: None,
                error,
            };
        }
        // No position, and waiting or cut off: running the statements again to find the one
        // would queue for the same lock again (or has no connection). Not identified.
        let waits = error.is_lock_timeout()
            || error.is_cancelled()
            || error.connection_lost
            || matches!(error.sqlstate.as_deref(), Some("40P01" | "40001"));
        if !was_in_tx || waits {
            return StatementError {
                index: None,
                line_offset: None,
                error,
            };
        }
        // No position (a constraint…): find the statement by running them one at a time in
        // a transaction that is rolled back; when none fails again, it is not identified.
        let _ = self.client.batch_execute("ROLLBACK");
        self.in_tx = false;
        let mut index = None;
        if self.client.batch_execute("BEGIN").is_ok() {
            for (i, s) in statements.iter().enumerate() {
                if self.client.batch_execute(s).is_err() {
                    index = Some(i);
                    break;
                }
            }
            let _ = self.client.batch_execute("ROLLBACK");
        }
        StatementError {
            index,
            line_offset: None,
            error,
        }
    }

    /// The history write, prepared on first use: the lock check, the conditional upsert,
    /// the events (only when the row was written), in one statement that answers whether
    /// the lock is held and what was written. `$36`: durations left `NULL` are the
    /// server's time since the transaction began (the migration's statements).
    fn record_statement(&mut self) -> Result<Statement, DbError> {
        if let Some(s) = &self.record_stmt {
            return Ok(s.clone());
        }
        let server_ms = "(extract(epoch FROM clock_timestamp() - now()) * 1000)::int8";
        let sql = format!(
            "WITH lk AS (
               SELECT ($29::int4 IS NULL OR EXISTS (
                 SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid = $29
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.classid::int8 = $30 AND l.objid::int8 = $31 AND l.objsubid = 2)) AS held),
             r AS (
               INSERT INTO {m} AS m (id, state, checksum, applied_seq, applied_at, applied_by, run_id, duration_ms, statements_total,
                                     statements_done, done_checksum, last_error, updated_at, started_statement, started_checksum)
               SELECT $1::text, $2::text, $3::text, $4::int8, $5::text::timestamptz, $6::text, $7::text,
                      coalesce($8::int8, CASE WHEN $36::bool THEN {server_ms} END), $9::int4,
                      $10::int4, $11::text, $12::text, $13::text::timestamptz, $32::int4, $33::text
               FROM lk WHERE lk.held AND ($34::text IS NULL OR EXISTS (SELECT 1 FROM {m} x WHERE x.id = $1::text))
               ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, checksum = EXCLUDED.checksum, applied_seq = EXCLUDED.applied_seq,
                 applied_at = EXCLUDED.applied_at, applied_by = EXCLUDED.applied_by, run_id = EXCLUDED.run_id, duration_ms = EXCLUDED.duration_ms,
                 statements_total = EXCLUDED.statements_total, statements_done = EXCLUDED.statements_done, done_checksum = EXCLUDED.done_checksum,
                 last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at, started_statement = EXCLUDED.started_statement,
                 started_checksum = EXCLUDED.started_checksum
               WHERE $34::text IS NOT NULL AND m.state = $34::text AND m.run_id = $35::text
               RETURNING 1),
             e AS (
               INSERT INTO {e} (run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details)
               SELECT u.run_id, u.migration_id, u.from_state, u.to_state, u.allowed, u.reason, u.actor, u.host, u.sluice_version, u.git_commit, u.ci_run, u.checksum,
                      coalesce(u.duration_ms, CASE WHEN $36::bool AND u.to_state = $2::text THEN {server_ms} END), u.at, u.details
               FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::bool[], $19::text[], $20::text[], $21::text[], $22::text[],
                           $23::text[], $24::text[], $25::text[], $26::int8[], $27::text[]::timestamptz[], $28::text[]::jsonb[])
                    AS u(run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details)
               WHERE EXISTS (SELECT 1 FROM r))
             SELECT (SELECT held FROM lk), (SELECT count(*) FROM r)::int4",
            m = self.table("migrations"),
            e = self.table("events"),
        );
        let s = self.client.prepare(&sql).map_err(|e| map_error(&e))?;
        self.record_stmt = Some(s.clone());
        Ok(s)
    }

    /// Why the history write wrote nothing: the lock is gone, or the row is not what this
    /// run expected (read back).
    fn refused(&mut self, r: &Record, held: bool) -> WriteError {
        if !held {
            return WriteError::LockLost;
        }
        let found = match self.client.query_opt(
            &format!(
                "SELECT state, run_id FROM {} WHERE id = $1",
                self.table("migrations")
            ),
            &[&r.id.as_str()],
        ) {
            Ok(f) => f,
            Err(e) => return WriteError::Db(map_error(&e)),
        };
        let found = match found {
            None => Expected::Absent,
            Some(f) => match state_col(Some(f.get(0))) {
                Ok(state) => Expected::Row {
                    state: state.unwrap_or(State::Pending),
                    run_id: RunId::from_recorded(f.get(1)),
                },
                Err(e) => return WriteError::Db(e),
            },
        };
        WriteError::Changed { found }
    }

    fn holder_session(client: &mut Client, key: i32) -> Option<String> {
        let row = client
            .query_typed_opt(
                "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), \
                 to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"') \
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 AND l.classid::int8 = $1 AND l.objid::int8 = $2 AND l.objsubid = 2",
                &[
                    (&i64::from(LOCK_CLASS), Type::INT8),
                    (&i64::from(key), Type::INT8),
                ],
            )
            .ok()??;
        Some(format!(
            "server session pid {}, application {}, client {}, connected {}",
            row.get::<_, i32>(0),
            row.get::<_, String>(1),
            row.get::<_, String>(2),
            row.get::<_, String>(3)
        ))
    }

    fn read_lock_row(client: &mut Client, table: &str) -> Option<LockHolder> {
        let row = client
            .query_typed_opt(
                &format!("SELECT run_id, pid, host, actor, to_char(since AT TIME ZONE 'UTC', {TS}), to_char(heartbeat AT TIME ZONE 'UTC', {TS}), (to_jsonb(l) ->> 'main_session')::int4 FROM {table} l WHERE id = 1"),
                &[],
            )
            .ok()??;
        Some(LockHolder {
            run_id: RunId::from_recorded(row.get(0)),
            pid: row.get::<_, i32>(1) as u32,
            host: row.get(2),
            actor: row.get(3),
            since: row.get(4),
            heartbeat: row.get(5),
            main_session: row.get::<_, Option<i32>>(6).map(i64::from),
            session: None,
        })
    }

    /// The backend pid of the session that holds the migration lock, if any.
    fn lock_session(client: &mut Client, key: i32) -> Result<Option<i32>, DbError> {
        client
            .query_typed_opt(
                "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted \
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 AND l.classid::int8 = $1 AND l.objid::int8 = $2 AND l.objsubid = 2",
                &[
                    (&i64::from(LOCK_CLASS), Type::INT8),
                    (&i64::from(key), Type::INT8),
                ],
            )
            .map(|r| r.map(|r| r.get(0)))
            .map_err(|e| map_error(&e))
    }

    /// The holder named by the lock row, with what the server knows of its session; a
    /// holder without a row (its tables not made yet) is named by its session alone.
    fn describe_holder(&mut self, pid: i32) -> LockHolder {
        let table = self.table("lock");
        let key = self.lock_key();
        let mut h = Self::read_lock_row(&mut self.client, &table)
            .unwrap_or_else(|| LockHolder::unknown("unknown: no lock row"));
        h.session = Self::holder_session(&mut self.client, key)
            .or_else(|| Some(format!("server session pid {pid}")));
        h
    }
}

fn state_col(s: Option<String>) -> Result<Option<State>, DbError> {
    s.map(|s| s.parse::<State>().map_err(DbError::msg))
        .transpose()
}

fn id_col(s: String) -> Result<MigrationId, DbError> {
    MigrationId::stored(&s)
        .map_err(|e| DbError::msg(format!("bad migration id in the history: {e}")))
}

fn ms_literal(d: Duration) -> String {
    format!("'{}ms'", d.as_millis())
}

impl Engine for Postgres {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            dialect: Dialect::Postgres,
            url: self.target.display.clone(),
            server: self.server.clone(),
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            advisory_lock: true,
            lock_timeout: true,
        }
    }

    fn state_exists(&mut self) -> Result<bool, DbError> {
        let t = self.table("migrations");
        self.client
            .query_typed_one("SELECT to_regclass($1) IS NOT NULL", &[(&t, Type::TEXT)])
            .map(|r| r.get(0))
            .map_err(|e| map_error(&e))
    }

    fn create_state(&mut self) -> Result<(), DbError> {
        if self.state_ready {
            return Ok(());
        }
        self.create_state_once()?;
        self.state_ready = true;
        Ok(())
    }

    fn records(&mut self) -> Result<Vec<Record>, DbError> {
        // Tables of an earlier sluice may lack the newest columns until `create_state`
        // has brought them up to date; read those columns only where they exist.
        let started = if self.state_ready {
            "started_statement, started_checksum"
        } else {
            "(to_jsonb(m) ->> 'started_statement')::int4, to_jsonb(m) ->> 'started_checksum'"
        };
        let sql = format!(
            "SELECT id, state, checksum, applied_seq, to_char(applied_at AT TIME ZONE 'UTC', {TS}), applied_by, run_id, duration_ms, \
             statements_total, statements_done, done_checksum, last_error, to_char(updated_at AT TIME ZONE 'UTC', {TS}), \
             {started} FROM {} m",
            self.table("migrations")
        );
        // Parsed with the run (one round trip); preparing it first would take another.
        let rows = self
            .client
            .query_typed(&sql, &[])
            .map_err(|e| map_error(&e))?;
        rows.into_iter()
            .map(|r| {
                Ok(Record {
                    id: id_col(r.get(0))?,
                    state: state_col(Some(r.get(1)))?.unwrap_or(State::Pending),
                    checksum: Checksum::from_recorded(r.get(2)),
                    applied_seq: r.get(3),
                    applied_at: r.get(4),
                    applied_by: r.get(5),
                    run_id: RunId::from_recorded(r.get(6)),
                    duration_ms: r.get::<_, Option<i64>>(7).map(|d| d as u64),
                    statements_total: r.get::<_, i32>(8) as u32,
                    statements_done: r.get::<_, i32>(9) as u32,
                    done_checksum: r.get::<_, Option<String>>(10).map(Checksum::from_recorded),
                    last_error: r.get(11),
                    updated_at: r.get(12),
                    started_statement: r.get::<_, Option<i32>>(13).map(|k| k as u32),
                    started_checksum: r.get::<_, Option<String>>(14).map(Checksum::from_recorded),
                })
            })
            .collect()
    }

    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError> {
        let sql = format!(
            "SELECT seq, run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, \
             checksum, duration_ms, to_char(at AT TIME ZONE 'UTC', {TS}), details::text FROM {} \
             WHERE ($1::text IS NULL OR migration_id = $1) AND ($2::text IS NULL OR run_id = $2) ORDER BY seq DESC LIMIT $3",
            self.table("events")
        );
        let limit = filter
            .limit
            .map_or(i64::MAX, |l| l.min(i64::MAX as u64) as i64);
        let rows = self
            .client
            .query_typed(
                &sql,
                &[
                    (&filter.migration, Type::TEXT),
                    (&filter.run, Type::TEXT),
                    (&limit, Type::INT8),
                ],
            )
            .map_err(|e| map_error(&e))?;
        let mut out = rows
            .into_iter()
            .map(|r| {
                let details: String = r.get(15);
                Ok(EventRow {
                    seq: r.get(0),
                    event: Event {
                        run_id: RunId::from_recorded(r.get(1)),
                        migration_id: r.get::<_, Option<String>>(2).map(id_col).transpose()?,
                        from_state: state_col(r.get(3))?,
                        to_state: state_col(r.get(4))?,
                        allowed: r.get(5),
                        reason: r.get(6),
                        actor: r.get(7),
                        host: r.get(8),
                        sluice_version: r.get(9),
                        git_commit: r.get(10),
                        ci_run: r.get(11),
                        checksum: r.get::<_, Option<String>>(12).map(Checksum::from_recorded),
                        duration_ms: r.get::<_, Option<i64>>(13).map(|d| d as u64),
                        at: r.get(14),
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
        // The connection of this engine's last lock, when it is still open; else a new one.
        let idle = self
            .idle_lock_conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .filter(|c| !c.is_closed());
        let mut conn = match idle {
            Some(c) => c,
            None => {
                let mut config = self.target.config.clone();
                config.application_name(format!("{}/lock", self.app));
                open_client(&self.target, &config)?
            }
        };
        let key = self.lock_key();
        let table = self.table("lock");
        let started = Instant::now();
        loop {
            let row = conn
                .query_typed_one(
                    "SELECT pg_try_advisory_lock($1, $2), pg_backend_pid()",
                    &[(&LOCK_CLASS, Type::INT4), (&key, Type::INT4)],
                )
                .map_err(|e| map_error(&e))?;
            if row.get::<_, bool>(0) {
                let pid: i32 = row.get(1);
                // Holding the advisory lock, any row left here belongs to a run that died.
                let took_over = Self::read_lock_row(&mut conn, &table);
                conn.execute_typed(
                    &format!(
                        "INSERT INTO {table} (id, run_id, pid, host, actor, since, heartbeat, backend_pid, expires, main_session) \
                         VALUES (1, $1, $2, $3, $4, $5::text::timestamptz, now(), pg_backend_pid(), now() + $6::text::interval, $7) \
                         ON CONFLICT (id) DO UPDATE SET run_id = EXCLUDED.run_id, pid = EXCLUDED.pid, host = EXCLUDED.host, \
                         actor = EXCLUDED.actor, since = EXCLUDED.since, heartbeat = EXCLUDED.heartbeat, backend_pid = EXCLUDED.backend_pid, \
                         expires = EXCLUDED.expires, main_session = EXCLUDED.main_session"
                    ),
                    &[
                        (&holder.run_id.as_str(), Type::TEXT),
                        (&(holder.pid as i32), Type::INT4),
                        (&holder.host, Type::TEXT),
                        (&holder.actor, Type::TEXT),
                        (&holder.since, Type::TEXT),
                        (&lease_interval(), Type::TEXT),
                        (&self.backend_pid, Type::INT4),
                    ],
                )
                .map_err(|e| map_error(&e))?;
                self.lock_pid = Some(pid);
                let run_id = holder.run_id.to_string();
                let (beat_table, beat_run) = (table.clone(), run_id.clone());
                let idle = std::sync::Arc::clone(&self.idle_lock_conn);
                let lease = crate::lease::Lease::start(
                    conn,
                    move |c: &mut Client| {
                        let n = c
                            .execute_typed(
                                &format!("UPDATE {beat_table} SET heartbeat = now(), expires = now() + $2::text::interval WHERE id = 1 AND run_id = $1"),
                                &[(&beat_run, Type::TEXT), (&lease_interval(), Type::TEXT)],
                            )
                            .map_err(|e| {
                                let mut d = map_error(&e);
                                d.message = format!("the lock's own connection failed: {}", d.message);
                                d
                            })?;
                        if n == 1 {
                            Ok(())
                        } else {
                            Err(DbError::msg(
                                "the lock row no longer names this run (the lock was forced free)",
                            ))
                        }
                    },
                    move |mut c: Client| {
                        c.execute_typed(
                            &format!("DELETE FROM {table} WHERE id = 1 AND run_id = $1"),
                            &[(&run_id, Type::TEXT)],
                        )
                        .map_err(|e| map_error(&e))?;
                        c.execute_typed(
                            "SELECT pg_advisory_unlock($1, $2)",
                            &[(&LOCK_CLASS, Type::INT4), (&key, Type::INT4)],
                        )
                        .map_err(|e| map_error(&e))?;
                        // Free and healthy: the next lock of this engine takes it (a new
                        // server session costs more than the whole lock).
                        *idle.lock().unwrap_or_else(|p| p.into_inner()) = Some(c);
                        Ok(())
                    },
                );
                return Ok(Box::new(PgLock { lease, took_over }));
            }
            if started.elapsed() >= wait {
                let mut current = Self::read_lock_row(&mut conn, &table);
                let session = Self::holder_session(&mut conn, key);
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
        // Sent with the next statement: one round trip less per migration.
        self.pending_begin = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        if std::mem::take(&mut self.pending_begin) {
            return Ok(()); // nothing was sent: an empty transaction
        }
        self.in_tx = false;
        self.client
            .batch_execute("COMMIT")
            .map_err(|e| map_error(&e))
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        if std::mem::take(&mut self.pending_begin) || !self.in_tx {
            return Ok(());
        }
        self.in_tx = false;
        self.client
            .batch_execute("ROLLBACK")
            .map_err(|e| map_error(&e))
    }

    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.batch(sql).map_err(|(e, _)| map_error(&e))
    }

    fn execute_all(&mut self, statements: &[&str]) -> Result<(), StatementError> {
        let (text, starts) = batch_text(statements);
        let was_in_tx = self.in_tx || self.pending_begin;
        let Err((err, prefix)) = self.batch(&text) else {
            return Ok(());
        };
        Err(self.locate(&err, prefix, &starts, statements, was_in_tx))
    }

    fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        self.flush_begin()?;
        let msgs = self.client.simple_query(sql).map_err(|e| map_error(&e))?;
        Ok(msgs
            .into_iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(r) => {
                    Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                }
                _ => None,
            })
            .collect())
    }

    fn query(&mut self, sql: &str) -> Result<QueryOutcome, DbError> {
        self.flush_begin()?;
        let msgs = self.client.simple_query(sql).map_err(|e| map_error(&e))?;
        let mut count = 0u64;
        let mut first = None;
        for m in msgs {
            if let SimpleQueryMessage::Row(r) = m {
                if count == 0 {
                    first = Some(
                        (0..r.len())
                            .map(|i| r.get(i).map_or(Value::Null, |v| Value::Text(v.to_string())))
                            .collect(),
                    );
                }
                count += 1;
            }
        }
        Ok(QueryOutcome {
            row_count: count,
            first_row: first,
        })
    }

    fn forget_snapshot(&mut self) {
        self.seen = None;
    }

    fn snapshot(&mut self, stats: bool) -> Result<(Vec<SchemaObject>, Vec<TableStats>), DbError> {
        self.flush_begin()?;
        let schema = self.schema.clone();
        if self.catalog.is_none() {
            self.catalog = Some(crate::postgres_schema::Prepared::new(&mut self.client)?);
        }
        let prepared = self.catalog.as_ref().expect("prepared above");
        let out =
            crate::postgres_schema::objects(&mut self.client, prepared, &schema, &mut self.seen)?;
        let mut sizes = Vec::new();
        if stats {
            let sql = format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.reltuples::bigint, pg_total_relation_size(c.oid) \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {} ORDER BY 1",
                crate::postgres_schema::NSP_OK
            );
            for r in self
                .client
                .query(&sql, &[&schema])
                .map_err(|e| map_error(&e))?
            {
                sizes.push(TableStats {
                    table: r.get(0),
                    rows_estimate: r.get(1),
                    bytes: r.get(2),
                });
            }
        }
        Ok((out, sizes))
    }

    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        // On small tables the planner rightly prefers a sequential scan; ask with those
        // discouraged, which proves the index can serve the query. Scoped to a savepoint.
        self.flush_begin()?;
        let in_tx = self.in_tx;
        let wrap = |s: &str| if in_tx { s.to_string() } else { String::new() };
        self.client
            .batch_execute(&format!(
                "{}SET LOCAL enable_seqscan = off",
                wrap("SAVEPOINT sluice_plan; ")
            ))
            .map_err(|e| map_error(&e))?;
        let plan = self
            .client
            .query_one(&format!("EXPLAIN (FORMAT JSON) {sql}"), &[]);
        let _ = self
            .client
            .batch_execute(&wrap("ROLLBACK TO SAVEPOINT sluice_plan"));
        let plan: serde_json::Value = plan.map_err(|e| map_error(&e))?.get(0);
        let mut out = Vec::new();
        collect_indexes(&plan, &mut out);
        Ok(out)
    }

    fn append_event(&mut self, event: &Event) -> Result<(), DbError> {
        self.flush_begin()?;
        let sql = format!(
            "INSERT INTO {} (run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text::timestamptz, $15::text::jsonb)",
            self.table("events")
        );
        let e = event;
        self.client
            .execute(
                &sql,
                &[
                    &e.run_id.as_str(),
                    &e.migration_id.as_ref().map(|m| m.as_str()),
                    &e.from_state.map(State::as_str),
                    &e.to_state.map(State::as_str),
                    &e.allowed,
                    &e.reason,
                    &e.actor,
                    &e.host,
                    &e.sluice_version,
                    &e.git_commit,
                    &e.ci_run,
                    &e.checksum.as_ref().map(|c| c.as_str()),
                    &e.duration_ms.map(|d| d as i64),
                    &e.at,
                    &e.details.to_string(),
                ],
            )
            .map(|_| ())
            .map_err(|e| map_error(&e))
    }

    fn record(
        &mut self,
        r: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Result<(), WriteError> {
        self.flush_begin()?;
        let stmt = self.record_statement()?;
        let p = Bookkeeping::new(self, r, expected, events, false);
        let row = self
            .client
            .query_one(&stmt, &p.params())
            .map_err(|e| map_error(&e))?;
        let (held, written): (bool, i32) = (row.get(0), row.get(1));
        if written == 1 {
            return Ok(());
        }
        Err(self.refused(r, held))
    }

    fn apply_at_once(
        &mut self,
        statements: &[&str],
        r: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Option<Result<(), AtOnceError>> {
        if self.in_tx || self.pending_begin {
            return None;
        }
        // The COMMIT goes behind a check that the row was written: a history write that
        // failed or was refused makes the check fail, and the server skips the COMMIT.
        let tag = "$sluice$";
        if r.id.as_str().contains(tag) || r.run_id.as_str().contains(tag) {
            return None;
        }
        let stmt = match self.record_statement() {
            Ok(s) => s,
            Err(e) => return Some(Err(AtOnceError::Write(WriteError::Db(e)))),
        };
        // BEGIN goes on its own: a statement that does not parse stops the whole simple
        // query it is in, and the history write must never run outside the transaction.
        let (text, starts) = batch_text(statements);
        let commit = format!(
            "SELECT 1 / (SELECT count(*)::int FROM {} WHERE id = {tag}{}{tag} AND run_id = {tag}{}{tag} AND state = '{}'); COMMIT",
            self.table("migrations"),
            r.id.as_str(),
            r.run_id.as_str(),
            r.state.as_str(),
        );
        let p = Bookkeeping::new(self, r, expected, events, true);
        let params = p.params();
        self.in_tx = true;
        let answers = self
            .client
            .pipeline("BEGIN", &text, &stmt, &params, &commit);
        drop(params);
        // Every way out but success ends the transaction (the check stopped the COMMIT).
        if let Err(err) = answers.begin.and(answers.batch) {
            let located = self.locate(&err, 0, &starts, statements, true);
            let _ = self.rollback();
            return Some(Err(AtOnceError::Statement(located)));
        }
        let (held, written) = match answers.query {
            Ok(rows) => match rows.first() {
                Some(row) => (row.get::<_, bool>(0), row.get::<_, i32>(1)),
                None => (true, 0),
            },
            Err(e) => {
                let _ = self.rollback();
                return Some(Err(AtOnceError::Write(WriteError::Db(map_error(&e)))));
            }
        };
        if written != 1 {
            // The check stopped the COMMIT: end the transaction before reading the row.
            let _ = self.rollback();
            return Some(Err(AtOnceError::Write(self.refused(r, held))));
        }
        match answers.last {
            Ok(()) => {
                self.in_tx = false;
                Some(Ok(()))
            }
            Err(e) => {
                let e = map_error(&e);
                if !e.connection_lost {
                    // A COMMIT that failed ended the transaction; make sure.
                    let _ = self.client.batch_execute("ROLLBACK");
                }
                self.in_tx = false;
                Some(Err(AtOnceError::Commit(e)))
            }
        }
    }

    fn set_timeouts(&mut self, t: Timeouts) -> Result<(), DbError> {
        let lock = t.lock.map_or("0".to_string(), ms_literal);
        let statement = t.statement.map_or("0".to_string(), ms_literal);
        self.flush_begin()?;
        self.client
            .batch_execute(&format!(
                "SET lock_timeout = {lock}; SET statement_timeout = {statement}"
            ))
            .map_err(|e| map_error(&e))
    }

    fn lock_holders(&mut self, tables: &[String]) -> Vec<String> {
        if tables.is_empty() {
            return Vec::new();
        }
        let rows = self.client.query(
            "SELECT DISTINCT a.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, ''), coalesce(a.state, ''), \
             coalesce(to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"'), ''), left(coalesce(a.query, ''), 120), \
             l.mode, l.relation::regclass::text \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.granted AND a.pid <> pg_backend_pid() \
             AND l.relation IN (SELECT to_regclass(t) FROM unnest($1::text[]) t WHERE to_regclass(t) IS NOT NULL)",
            &[&tables],
        );
        let Ok(rows) = rows else { return Vec::new() };
        rows.iter()
            .map(|r| {
                format!(
                    "session pid {} (user {}, application {}, {}, transaction since {}) holding {} on {}, last query: {}",
                    r.get::<_, i32>(0),
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, String>(3),
                    r.get::<_, String>(4),
                    r.get::<_, String>(6),
                    r.get::<_, String>(7),
                    r.get::<_, String>(5)
                )
            })
            .collect()
    }

    fn probe(&mut self, thing: &Thing) -> Result<Presence, DbError> {
        self.flush_begin()?;
        let qualified = |n: &Name| match &n.schema {
            Some(s) => format!("{}.{}", quote_ident(s), quote_ident(&n.name)),
            None => quote_ident(&n.name),
        };
        let (sql, a, b): (&str, String, Option<String>) = match thing {
            Thing::Table(n) => (
                "SELECT CASE WHEN relkind IN ('r', 'p', 'f') THEN 1 ELSE 0 END FROM pg_class WHERE oid = to_regclass($1)",
                qualified(n),
                None,
            ),
            Thing::View(n) => (
                "SELECT CASE WHEN relkind IN ('v', 'm') THEN 1 ELSE 0 END FROM pg_class WHERE oid = to_regclass($1)",
                qualified(n),
                None,
            ),
            Thing::Sequence(n) => (
                "SELECT CASE WHEN relkind = 'S' THEN 1 ELSE 0 END FROM pg_class WHERE oid = to_regclass($1)",
                qualified(n),
                None,
            ),
            Thing::Index { name, .. } => (
                "SELECT CASE WHEN indisvalid THEN 1 ELSE 2 END FROM pg_index WHERE indexrelid = to_regclass($1)",
                qualified(name),
                None,
            ),
            Thing::Column { table, column } => (
                "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped",
                qualified(table),
                Some(column.clone()),
            ),
            Thing::NotNull { table, column } => (
                "SELECT CASE WHEN attnotnull THEN 1 ELSE 0 END FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped",
                qualified(table),
                Some(column.clone()),
            ),
            Thing::Constraint { table, name } => (
                "SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2",
                qualified(table),
                Some(name.clone()),
            ),
            Thing::Type(n) => (
                "SELECT 1 FROM pg_type WHERE oid = to_regtype($1)",
                qualified(n),
                None,
            ),
            Thing::EnumValue { ty, value } => (
                "SELECT 1 FROM pg_enum WHERE enumtypid = to_regtype($1) AND enumlabel = $2",
                qualified(ty),
                Some(value.clone()),
            ),
            Thing::Function(n) => (
                "SELECT 1 FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE p.proname = $1 \
                 AND (s.nspname = $2 OR ($2 IS NULL AND s.nspname = ANY (current_schemas(false)))) LIMIT 1",
                n.name.clone(),
                n.schema.clone(),
            ),
            Thing::Trigger {
                name,
                table: Some(t),
            } => (
                "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2",
                qualified(t),
                Some(name.name.clone()),
            ),
            Thing::Trigger { name, table: None } => (
                "SELECT 1 FROM pg_trigger WHERE tgname = $1 AND NOT tgisinternal AND ($2::text IS NULL) LIMIT 1",
                name.name.clone(),
                None,
            ),
            Thing::Schema(s) => (
                "SELECT 1 FROM pg_namespace WHERE nspname = $1 AND ($2::text IS NULL)",
                s.clone(),
                None,
            ),
            Thing::Extension(s) => (
                "SELECT 1 FROM pg_extension WHERE extname = $1 AND ($2::text IS NULL)",
                s.clone(),
                None,
            ),
            Thing::Policy { table, name } => (
                "SELECT 1 FROM pg_policy WHERE polrelid = to_regclass($1) AND polname = $2",
                qualified(table),
                Some(name.clone()),
            ),
        };
        let sql = if sql.contains("$2") {
            sql.to_string()
        } else {
            format!("{sql} AND ($2::text IS NULL)")
        };
        let row = self
            .client
            .query_opt(&sql, &[&a, &b])
            .map_err(|e| map_error(&e))?;
        Ok(match row.map(|r| r.get::<_, i32>(0)) {
            None | Some(0) => Presence::Absent,
            Some(2) => Presence::Invalid,
            Some(_) => Presence::Present,
        })
    }

    fn lock_status(&mut self) -> Result<Option<LockHolder>, DbError> {
        self.flush_begin()?;
        let key = self.lock_key();
        match Self::lock_session(&mut self.client, key)? {
            None => Ok(None),
            Some(pid) => Ok(Some(self.describe_holder(pid))),
        }
    }

    fn break_lock(&mut self) -> Result<Option<LockHolder>, DbError> {
        self.flush_begin()?;
        let key = self.lock_key();
        let table = self.table("lock");
        let holder = match Self::lock_session(&mut self.client, key)? {
            Some(pid) => {
                let h = self.describe_holder(pid);
                let ended: bool = self
                    .client
                    .query_one("SELECT pg_terminate_backend($1)", &[&pid])
                    .map_err(|e| {
                        let mut d = map_error(&e);
                        d.message = format!(
                            "cannot end session pid {pid}, which holds the migration lock: {}; a superuser (or a member of pg_signal_backend) can",
                            d.message
                        );
                        d
                    })?
                    .get(0);
                if !ended {
                    return Err(DbError::msg(format!(
                        "session pid {pid}, which holds the migration lock, did not end"
                    )));
                }
                Some(h)
            }
            None => Self::read_lock_row(&mut self.client, &table),
        };
        if self.state_exists()? {
            self.client
                .execute(&format!("DELETE FROM {table} WHERE id = 1"), &[])
                .map_err(|e| map_error(&e))?;
        }
        Ok(holder)
    }

    fn session(&self) -> Option<i64> {
        Some(i64::from(self.backend_pid))
    }

    /// What a new session would not have: temporary relations, statements prepared with
    /// SQL `PREPARE`, `LISTEN` channels, advisory locks. (Settings made with `SET` are the
    /// caller's to see: it knows which statements ran.)
    fn session_has_state(&mut self) -> Result<bool, DbError> {
        let stmt = self.prepare_once(
            "session has state",
            "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = pg_my_temp_schema()) \
             OR EXISTS (SELECT 1 FROM pg_prepared_statements WHERE from_sql) \
             OR EXISTS (SELECT 1 FROM pg_listening_channels()) \
             OR EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory')",
        )?;
        self.client
            .query_one(&stmt, &[])
            .map(|r| r.get(0))
            .map_err(|e| map_error(&e))
    }

    fn still_running(&mut self, session: i64, run: &RunId) -> Result<Option<String>, DbError> {
        self.flush_begin()?;
        let Ok(pid) = i32::try_from(session) else {
            return Ok(None);
        };
        let row = self
            .client
            .query_opt(
                "SELECT pid, coalesce(state, ''), left(coalesce(query, ''), 160), \
                 coalesce(extract(epoch FROM now() - query_start)::int8, 0) \
                 FROM pg_stat_activity WHERE pid = $1 AND application_name = $2 AND state IS DISTINCT FROM 'idle'",
                &[&pid, &format!("sluice/{run}")],
            )
            .map_err(|e| map_error(&e))?;
        Ok(row.map(|r| {
            format!(
                "server session pid {} ({}, for {} s): {}",
                r.get::<_, i32>(0),
                r.get::<_, String>(1),
                r.get::<_, i64>(3),
                r.get::<_, String>(2)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }))
    }

    fn reconnect(&mut self) -> Result<(), DbError> {
        let mut config = self.target.config.clone();
        config.application_name(&self.app);
        let mut client = open_client(&self.target, &config)?;
        if self.read_only {
            client
                .batch_execute("SET default_transaction_read_only = on")
                .map_err(|e| map_error(&e))?;
        }
        apply_session(&mut client, &self.session)?;
        self.backend_pid = client
            .query_one("SELECT pg_backend_pid()", &[])
            .map_err(|e| map_error(&e))?
            .get(0);
        self.client = client;
        self.pending_begin = false;
        self.in_tx = false;
        self.record_stmt = None;
        // (sluice's tables stay as they were: `state_ready` holds.)
        self.prepared.clear();
        self.catalog = None;
        self.seen = None;
        if let Some(lock) = self.lock_pid {
            // The lock survived: its row names this new session as the one that runs the
            // statements (a run that takes over waits for it).
            let table = self.table("lock");
            let _ = self.client.execute(
                &format!("UPDATE {table} SET main_session = $1 WHERE id = 1 AND backend_pid = $2"),
                &[&self.backend_pid, &lock],
            );
        }
        Ok(())
    }
}

impl Postgres {
    /// Adds to the tables of an earlier sluice the columns it lacks (never drops or
    /// rewrites), under the same advisory lock as their creation.
    /// Creates sluice's tables, or brings those of an earlier sluice up to date.
    fn create_state_once(&mut self) -> Result<(), DbError> {
        if self.state_exists()? {
            return self.upgrade_state();
        }
        let s = quote_ident(&self.schema);
        let (m, e, l) = (
            self.table("migrations"),
            self.table("events"),
            self.table("lock"),
        );
        let create_key = self.lock_key() ^ 1;
        let mut tx = self.client.transaction().map_err(|e| map_error(&e))?;
        // Serialise concurrent creators; released at commit.
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_CLASS, &create_key],
        )
        .map_err(|e| map_error(&e))?;
        // pg_class read with this statement's snapshot sees a creator that committed while
        // we waited (to_regclass may answer from a stale catalog cache).
        let exists: bool = tx
            .query_one("SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'migrations')", &[&self.schema])
            .map_err(|e| map_error(&e))?
            .get(0);
        if !exists {
            tx.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {s};
                 CREATE TABLE {m} (
                     id text PRIMARY KEY,
                     state text NOT NULL CHECK (state IN ('pending','applying','applied','reverting','failed','partial')),
                     checksum text NOT NULL,
                     applied_seq bigint,
                     applied_at timestamptz,
                     applied_by text,
                     run_id text NOT NULL,
                     duration_ms bigint,
                     statements_total integer NOT NULL,
                     statements_done integer NOT NULL,
                     done_checksum text,
                     last_error text,
                     updated_at timestamptz NOT NULL,
                     started_statement integer,
                     started_checksum text
                 );
                 CREATE TABLE {e} (
                     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                     run_id text NOT NULL,
                     migration_id text,
                     from_state text,
                     to_state text,
                     allowed boolean NOT NULL,
                     reason text,
                     actor text NOT NULL,
                     host text NOT NULL,
                     sluice_version text NOT NULL,
                     git_commit text,
                     ci_run text,
                     checksum text,
                     duration_ms bigint,
                     at timestamptz NOT NULL,
                     details jsonb NOT NULL
                 );
                 CREATE FUNCTION {s}.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
                 BEGIN RAISE EXCEPTION 'the sluice events table is append-only'; END $f$;
                 CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {e}
                     FOR EACH ROW EXECUTE FUNCTION {s}.events_append_only();
                 CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {e}
                     FOR EACH STATEMENT EXECUTE FUNCTION {s}.events_append_only();
                 CREATE TABLE {l} (
                     id integer PRIMARY KEY CHECK (id = 1),
                     run_id text NOT NULL,
                     pid integer NOT NULL,
                     host text NOT NULL,
                     actor text NOT NULL,
                     since timestamptz NOT NULL,
                     heartbeat timestamptz NOT NULL,
                     backend_pid integer,
                     expires timestamptz,
                     main_session integer
                 );"
            ))
            .map_err(|e| map_error(&e))?;
        }
        tx.commit().map_err(|e| map_error(&e))
    }

    /// A statement of fixed text (per `key`), prepared on first use on this connection.
    fn prepare_once(&mut self, key: &'static str, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.prepared.get(key) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(|e| map_error(&e))?;
        self.prepared.insert(key, s.clone());
        Ok(s)
    }

    fn upgrade_state(&mut self) -> Result<(), DbError> {
        let (m, l) = (self.table("migrations"), self.table("lock"));
        let have: i64 = self
            .client
            .query_typed_one(
                "SELECT count(*) FROM pg_attribute WHERE NOT attisdropped AND \
                 ((attrelid = to_regclass($1) AND attname IN ('started_statement', 'started_checksum')) \
                  OR (attrelid = to_regclass($2) AND attname IN ('expires', 'main_session')))",
                &[(&m, Type::TEXT), (&l, Type::TEXT)],
            )
            .map_err(|e| map_error(&e))?
            .get(0);
        if have == 4 {
            return Ok(());
        }
        let create_key = self.lock_key() ^ 1;
        let mut tx = self.client.transaction().map_err(|e| map_error(&e))?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_CLASS, &create_key],
        )
        .map_err(|e| map_error(&e))?;
        tx.batch_execute(&format!(
            "ALTER TABLE {m} ADD COLUMN IF NOT EXISTS started_statement integer, ADD COLUMN IF NOT EXISTS started_checksum text;
             ALTER TABLE {l} ADD COLUMN IF NOT EXISTS expires timestamptz, ADD COLUMN IF NOT EXISTS main_session integer;"
        ))
        .map_err(|e| map_error(&e))?;
        tx.commit().map_err(|e| map_error(&e))
    }
}

/// `statements` as one simple query, and where each begins in it (in characters): a
/// newline before each `;` keeps a trailing `--` comment closed.
fn batch_text(statements: &[&str]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut starts = Vec::with_capacity(statements.len());
    let mut chars = 0usize;
    for s in statements {
        starts.push(chars);
        text.push_str(s);
        text.push_str("\n;\n");
        chars += s.chars().count() + 3;
    }
    (text, starts)
}

/// The parameters of the history write (see `record_statement`), the events as columns.
struct Bookkeeping<'a> {
    r: &'a Record,
    id: &'a str,
    state: &'static str,
    checksum: &'a str,
    run_id: &'a str,
    done_checksum: Option<&'a str>,
    started_checksum: Option<&'a str>,
    lock_pid: Option<i32>,
    lock_class: i64,
    lock_key: i64,
    run_ids: Vec<Option<String>>,
    mids: Vec<Option<String>>,
    froms: Vec<Option<String>>,
    tos: Vec<Option<String>>,
    allowed: Vec<bool>,
    reasons: Vec<Option<String>>,
    actors: Vec<Option<String>>,
    hosts: Vec<Option<String>>,
    versions: Vec<Option<String>>,
    commits: Vec<Option<String>>,
    cis: Vec<Option<String>>,
    sums: Vec<Option<String>>,
    durations: Vec<Option<i64>>,
    ats: Vec<Option<String>>,
    details: Vec<Option<String>>,
    duration: Option<i64>,
    total: i32,
    done: i32,
    started: Option<i32>,
    exp_state: Option<&'static str>,
    exp_run: Option<&'a str>,
    server_duration: bool,
}

impl<'a> Bookkeeping<'a> {
    fn new(
        engine: &Postgres,
        r: &'a Record,
        expected: &'a Expected,
        events: &[Event],
        server_duration: bool,
    ) -> Bookkeeping<'a> {
        let col = |f: &dyn Fn(&Event) -> Option<String>| {
            events.iter().map(f).collect::<Vec<Option<String>>>()
        };
        let (exp_state, exp_run) = match expected {
            Expected::Absent => (None, None),
            Expected::Row { state, run_id } => (Some(state.as_str()), Some(run_id.as_str())),
        };
        Bookkeeping {
            r,
            id: r.id.as_str(),
            state: r.state.as_str(),
            checksum: r.checksum.as_str(),
            run_id: r.run_id.as_str(),
            done_checksum: r.done_checksum.as_ref().map(|c| c.as_str()),
            started_checksum: r.started_checksum.as_ref().map(|c| c.as_str()),
            lock_pid: engine.lock_pid,
            lock_class: i64::from(LOCK_CLASS),
            lock_key: i64::from(engine.lock_key()),
            run_ids: col(&|e| Some(e.run_id.to_string())),
            mids: col(&|e| e.migration_id.as_ref().map(ToString::to_string)),
            froms: col(&|e| e.from_state.map(|s| s.as_str().to_string())),
            tos: col(&|e| e.to_state.map(|s| s.as_str().to_string())),
            allowed: events.iter().map(|e| e.allowed).collect(),
            reasons: col(&|e| e.reason.clone()),
            actors: col(&|e| Some(e.actor.clone())),
            hosts: col(&|e| Some(e.host.clone())),
            versions: col(&|e| Some(e.sluice_version.clone())),
            commits: col(&|e| e.git_commit.clone()),
            cis: col(&|e| e.ci_run.clone()),
            sums: col(&|e| e.checksum.as_ref().map(ToString::to_string)),
            durations: events
                .iter()
                .map(|e| e.duration_ms.map(|d| d as i64))
                .collect(),
            ats: col(&|e| Some(e.at.clone())),
            details: col(&|e| Some(e.details.to_string())),
            duration: r.duration_ms.map(|d| d as i64),
            total: r.statements_total as i32,
            done: r.statements_done as i32,
            started: r.started_statement.map(|k| k as i32),
            exp_state,
            exp_run,
            server_duration,
        }
    }

    /// `$1`…`$36`.
    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        let r = self.r;
        vec![
            &self.id,
            &self.state,
            &self.checksum,
            &r.applied_seq,
            &r.applied_at,
            &r.applied_by,
            &self.run_id,
            &self.duration,
            &self.total,
            &self.done,
            &self.done_checksum,
            &r.last_error,
            &r.updated_at,
            &self.run_ids,
            &self.mids,
            &self.froms,
            &self.tos,
            &self.allowed,
            &self.reasons,
            &self.actors,
            &self.hosts,
            &self.versions,
            &self.commits,
            &self.cis,
            &self.sums,
            &self.durations,
            &self.ats,
            &self.details,
            &self.lock_pid,
            &self.lock_class,
            &self.lock_key,
            &self.started,
            &self.started_checksum,
            &self.exp_state,
            &self.exp_run,
            &self.server_duration,
        ]
    }
}

/// The lease, as an interval literal PostgreSQL reads.
fn lease_interval() -> String {
    format!("{} milliseconds", sluice_core::engine::LEASE.as_millis())
}

/// Every `"Index Name"` in an `EXPLAIN (FORMAT JSON)` plan.
fn collect_indexes(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(name)) = m.get("Index Name")
                && !out.contains(name)
            {
                out.push(name.clone());
            }
            m.values().for_each(|x| collect_indexes(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_indexes(x, out)),
        _ => {}
    }
}

/// The migration lock on PostgreSQL: an advisory lock held by its own connection, which
/// the heartbeat owns.
#[derive(Debug)]
struct PgLock {
    lease: crate::lease::Lease,
    took_over: Option<LockHolder>,
}

impl LockGuard for PgLock {
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
        let t = parse_url("postgres://app:s%3Acret@db.example:6543/shop?sslmode=disable&options=-c%20search_path%3Dx").unwrap();
        assert_eq!(
            t.display,
            "postgres://app:***@db.example:6543/shop?sslmode=disable&options=-c%20search_path%3Dx"
        );
        assert_eq!(t.config.get_password(), Some(&b"s:cret"[..]));
        assert_eq!(t.config.get_ports(), [6543]);
        assert_eq!(t.config.get_dbname(), Some("shop"));
        assert_eq!(t.config.get_options(), Some("-c search_path=x"));
        let v6 = parse_url("postgresql://u@[::1]:5433/d").unwrap();
        assert_eq!(v6.config.get_ports(), [5433]);
        assert!(
            parse_url("postgres://u@h/d?sslmod=x")
                .unwrap_err()
                .message
                .contains("unknown parameter `sslmod`")
        );
        assert!(parse_url("postgres://u@h:port/d").is_err());
        let e = parse_url("postgres://u:hunter2@h/d?sslmode=bogus").unwrap_err();
        assert!(!e.message.contains("hunter2"), "{}", e.message);
    }
}
