//! MariaDB Galera: what changes when the server is a node of a cluster.
//!
//! `GET_LOCK` is local to one node, so on Galera the migration lock is a *lease row*: the
//! row `id = 1` of `<prefix>_lock`, inserted by the run that takes it. Galera certifies
//! every write set in one cluster-wide order, so of two runs inserting the row at once on
//! two nodes one commits and the other gets a certification failure (a deadlock error):
//! one holder in the cluster. The holder's heartbeat extends `expires`; a row whose lease
//! ran out belongs to a run that is gone — and so does one whose holder ran on the node
//! looking at it, when that node no longer has the holder's lock connection (a killed
//! runner, seen at once instead of after the lease) — and the next run deletes it and
//! takes the lock, which the takeover event records. A release deletes the row.
//!
//! sluice's own tables are created under that lease, once in the cluster, after the lock
//! table alone: two runners creating the events table's triggers on two nodes at once
//! wedge the cluster (a node's applier waits for a metadata lock held by a local session
//! that waits for its turn in total order). Every read of sluice's state waits for the
//! node to have applied what the cluster committed before it (`wsrep_sync_wait = 1`), so a
//! runner on another node sees the latest history.

use std::time::{Duration, Instant};

use mysql::Conn;
use mysql::prelude::Queryable;
use sluice_core::engine::{DbError, LockError, LockGuard, LockHolder};
use sluice_core::{Engine, RunId, time::Timestamp};

use super::{MyLock, Mysql, RunAll, int, lit, map_error, text, time_lit};

/// What a Galera node says of itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaleraNode {
    /// `wsrep_node_name`.
    pub node: String,
    /// `wsrep_cluster_size` when the engine connected.
    pub cluster_size: u32,
    /// `wsrep_OSU_method`: `TOI` (the default) or `RSU`.
    pub osu_method: String,
}

/// The node's Galera facts, when `wsrep_on` (`None` on a server that is not a node).
pub(super) fn detect(conn: &mut Conn) -> Result<Option<GaleraNode>, DbError> {
    // MySQL has no wsrep variables at all: not a node.
    let Ok(Some(row)) = conn
        .query_first::<mysql::Row, _>("SELECT @@wsrep_on, @@wsrep_node_name, @@wsrep_OSU_method")
    else {
        return Ok(None);
    };
    let v = row.unwrap();
    if int(&v[0]) != Some(1) {
        return Ok(None);
    }
    let size: Option<mysql::Row> = conn
        .query_first("SHOW STATUS LIKE 'wsrep_cluster_size'")
        .map_err(|e| map_error(&e))?;
    let cluster_size = size
        .and_then(|r| text(&r.unwrap()[1]))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Some(GaleraNode {
        node: text(&v[1]).unwrap_or_default(),
        cluster_size,
        osu_method: text(&v[2]).unwrap_or_else(|| "TOI".into()),
    }))
}

/// Makes the reads of this session wait until the node has applied what the cluster
/// committed before them.
pub(super) fn session(conn: &mut Conn) -> Result<(), DbError> {
    conn.run("SET SESSION wsrep_sync_wait = 1")
        .map_err(|e| map_error(&e))
}

/// A write that lost to another node's in certification, or to a row it found: not an
/// error, the lock is someone else's.
fn lost_race(e: &mysql::Error) -> bool {
    matches!(e, mysql::Error::MySqlError(m) if matches!(m.code, 1062 | 1213 | 1205))
}

impl Mysql {
    /// The lock table's definition.
    pub(super) fn lock_table_ddl(&self) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (
                id INT NOT NULL PRIMARY KEY CHECK (id = 1),
                run_id VARCHAR(100) NOT NULL,
                pid INT NOT NULL,
                host VARCHAR(255) NOT NULL,
                actor VARCHAR(255) NOT NULL,
                since DATETIME(3) NOT NULL,
                connection_id BIGINT NULL,
                heartbeat DATETIME(3) NULL,
                expires DATETIME(3) NULL,
                main_session BIGINT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
            self.table("lock")
        )
    }

    fn table_exists(&mut self, name: &str) -> Result<bool, DbError> {
        Ok(!self
            .rows(&format!(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {}",
                lit(&format!("{}_{name}", self.prefix))
            ))?
            .is_empty())
    }

    /// Creates sluice's tables on a Galera node: the lock table alone, then the rest under
    /// the lease, once in the cluster.
    pub(super) fn create_state_galera(&mut self) -> Result<(), DbError> {
        if self.state_exists()? {
            return self.upgrade_state();
        }
        if !self.table_exists("lock")? {
            let ddl = self.lock_table_ddl();
            self.conn.run(ddl).map_err(|e| map_error(&e))?;
        }
        let node = self
            .galera
            .as_ref()
            .map_or(String::new(), |g| g.node.clone());
        let holder = LockHolder {
            run_id: RunId::from_recorded(format!("init-{}-{}", node, self.conn.connection_id())),
            pid: std::process::id(),
            host: node,
            actor: "sluice (creating its tables)".into(),
            since: Timestamp::now().rfc3339(),
            heartbeat: None,
            main_session: None,
            session: None,
        };
        let guard = match self.lease_lock(&holder, Duration::from_secs(60)) {
            Ok(g) => g,
            Err(LockError::Db(e)) => return Err(e),
            Err(LockError::Timeout { holder, .. }) => {
                return Err(DbError::msg(format!(
                    "another run held the migration lock for 60 s while sluice's tables were to be created{}; try again",
                    holder.map_or(String::new(), |h| format!(" ({h})"))
                )));
            }
        };
        let result = if self.state_exists()? {
            Ok(())
        } else {
            self.create_tables()
        };
        let released = guard.release();
        result.and(released)
    }

    /// Takes the lease row for `holder`, waiting up to `wait`.
    pub(super) fn lease_lock(
        &mut self,
        holder: &LockHolder,
        wait: Duration,
    ) -> Result<Box<dyn LockGuard>, LockError> {
        let mut conn = self.lock_connection()?;
        let table = self.table("lock");
        let lease = sluice_core::engine::LEASE.as_secs();
        let run_id = lit(holder.run_id.as_str());
        // The holder is named with its node: its sessions are that node's.
        let host = match &self.galera {
            Some(g) if !holder.host.contains("Galera node") => {
                format!("{} (Galera node {})", holder.host, g.node)
            }
            _ => holder.host.clone(),
        };
        let waiting = |e: mysql::Error| {
            let mut d = map_error(&e);
            d.message = format!(
                "while waiting for the migration lock (this run applied nothing): {}",
                d.message
            );
            LockError::Db(d)
        };
        // Runs that start together on several nodes try at different moments.
        let jitter = Duration::from_millis(u64::from(std::process::id() % 97));
        let started = Instant::now();
        loop {
            // A lease that ran out belongs to a run that is gone: its row goes.
            let mut took_over = None;
            let node = self
                .galera
                .as_ref()
                .map_or(String::new(), |g| g.node.clone());
            let found: Option<mysql::Row> = conn
                .query_first(dead_holder_query(&table, &node))
                .map_err(waiting)?;
            let gone = found
                .map(mysql::Row::unwrap)
                .filter(|v| int(&v[1]) == Some(1));
            if let Some(v) = gone {
                let dead = text(&v[0]).unwrap_or_default();
                let before = Mysql::read_lock_row(&mut conn, &table);
                match conn.query_drop(format!(
                    "DELETE FROM {table} WHERE id = 1 AND run_id = {}",
                    lit(&dead)
                )) {
                    Ok(()) if conn.affected_rows() == 1 => {
                        // Connection ids are per node: the dead run's session can be
                        // waited for only on its own node.
                        let here = format!(
                            "(Galera node {})",
                            self.galera.as_ref().map_or("", |g| g.node.as_str())
                        );
                        took_over = before.map(|mut h| {
                            if !h.host.ends_with(&here) {
                                h.main_session = None;
                            }
                            h
                        });
                    }
                    Ok(()) => {}
                    Err(e) if lost_race(&e) => {}
                    Err(e) => return Err(waiting(e)),
                }
            }
            let insert = format!(
                "INSERT INTO {table} (id, run_id, pid, host, actor, since, connection_id, heartbeat, expires, main_session) \
                 VALUES (1, {run_id}, {}, {}, {}, {}, CONNECTION_ID(), NOW(3), NOW(3) + INTERVAL {lease} SECOND, {})",
                holder.pid,
                lit(&host),
                lit(&holder.actor),
                time_lit(&holder.since),
                self.conn.connection_id(),
            );
            match conn.query_drop(&insert) {
                Ok(()) => {
                    let beat_sql = format!(
                        "UPDATE {table} SET heartbeat = NOW(3), expires = NOW(3) + INTERVAL {lease} SECOND \
                         WHERE id = 1 AND run_id = {run_id}"
                    );
                    let release_sql =
                        format!("DELETE FROM {table} WHERE id = 1 AND run_id = {run_id}");
                    let idle = std::sync::Arc::clone(&self.idle_lock_conn);
                    let lease = crate::lease::Lease::start(
                        conn,
                        move |c: &mut Conn| {
                            let beat = c.query_drop(&beat_sql);
                            match beat {
                                Ok(()) if c.affected_rows() == 1 => Ok(()),
                                Ok(()) => Err(DbError::msg(
                                    "this run no longer holds the migration lock (its lease row is gone: it ran out, or was forced free)",
                                )),
                                Err(e) if lost_race(&e) => Err(DbError::msg(
                                    "this run no longer holds the migration lock (another node's run changed its lease row)",
                                )),
                                Err(e) => {
                                    let mut d = map_error(&e);
                                    d.message =
                                        format!("the lock's own connection failed: {}", d.message);
                                    Err(d)
                                }
                            }
                        },
                        move |mut c: Conn| {
                            c.run(&release_sql).map_err(|e| map_error(&e))?;
                            *idle.lock().unwrap_or_else(|p| p.into_inner()) = Some(c);
                            Ok(())
                        },
                    );
                    return Ok(Box::new(MyLock { lease, took_over }));
                }
                Err(e) if lost_race(&e) => {}
                Err(e) => return Err(waiting(e)),
            }
            if started.elapsed() >= wait {
                let current = Mysql::read_lock_row(&mut conn, &table);
                return Err(LockError::Timeout {
                    holder: current.map(Box::new),
                    waited: started.elapsed(),
                });
            }
            std::thread::sleep(
                (Duration::from_millis(100) + jitter).min(wait.saturating_sub(started.elapsed())),
            );
        }
    }

    /// The holder of the lease, when one holds it now: a lease that ran out, or whose
    /// holder ran on this node and whose lock connection this node no longer has, is held
    /// by nobody.
    pub(super) fn lease_holder(&mut self) -> Result<Option<LockHolder>, DbError> {
        let table = self.table("lock");
        if !self.table_exists("lock")? {
            return Ok(None);
        }
        let node = self
            .galera
            .as_ref()
            .map_or(String::new(), |g| g.node.clone());
        let rows = self.rows(&dead_holder_query(&table, &node))?;
        match rows.first() {
            None => Ok(None),
            Some(r) if int(&r[1]) == Some(1) => Ok(None),
            Some(_) => Ok(Mysql::read_lock_row(&mut self.conn, &table)),
        }
    }
}

/// The lease row's run and whether its holder is gone (`1`): its lease ran out, or it ran
/// on node `node` (this one) and its lock connection is no longer there.
fn dead_holder_query(table: &str, node: &str) -> String {
    format!(
        "SELECT run_id, (expires < NOW(3) OR (host LIKE {} AND NOT EXISTS          (SELECT 1 FROM information_schema.PROCESSLIST p WHERE p.ID = connection_id)))+0          FROM {table} WHERE id = 1",
        lit(&format!("%(Galera node {node})"))
    )
}
