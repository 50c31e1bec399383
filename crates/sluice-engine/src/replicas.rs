//! PostgreSQL streaming replicas: before each migration, `up` reads how far each replica
//! has replayed the primary's WAL and waits while one is more than `max_replica_lag`
//! behind, up to `replica_wait`; then it stops, between migrations, with the exact state.
//!
//! A replica is *caught up* when its replay position (`pg_last_wal_replay_lsn()`) has
//! reached the primary's current WAL position (`pg_current_wal_lsn()`, read when the check
//! starts); otherwise its lag is the time since the last transaction it replayed
//! (`now() - pg_last_xact_replay_timestamp()`), which grows while its replay is stuck.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sluice_core::config::mask_url;
use sluice_core::run::{Clock, Pace};
use sluice_core::{Engine, Migration};
use sluice_sql::Dialect;

use crate::Access;

/// One replica's standing at one check.
#[derive(Clone, Debug, PartialEq)]
pub struct Lag {
    /// Its URL, password masked.
    pub replica: String,
    /// Bytes of WAL it has still to replay (0: caught up).
    pub behind_bytes: i64,
    /// Seconds since the last transaction it replayed, when it is behind (0 when caught
    /// up).
    pub lag_seconds: f64,
}

/// Waits for the replicas of an environment before each migration.
pub struct ReplicaPace {
    urls: Vec<String>,
    max_lag: Duration,
    wait: Duration,
    clock: Arc<dyn Clock>,
    /// Connections to the replicas, opened on first use and kept.
    conns: Mutex<Vec<Option<Box<dyn Engine>>>>,
}

impl std::fmt::Debug for ReplicaPace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplicaPace")
            .field(
                "replicas",
                &self.urls.iter().map(|u| mask_url(u)).collect::<Vec<_>>(),
            )
            .field("max_lag", &self.max_lag)
            .field("wait", &self.wait)
            .finish()
    }
}

impl ReplicaPace {
    /// Replicas at `urls` (resolved), allowed `max_lag`, waited for up to `wait`; only
    /// PostgreSQL has them (`dialect` says why not otherwise).
    pub fn new(
        dialect: Dialect,
        urls: Vec<String>,
        max_lag: Duration,
        wait: Duration,
        clock: Arc<dyn Clock>,
    ) -> Result<ReplicaPace, String> {
        if dialect != Dialect::Postgres {
            return Err(format!(
                "replicas are watched on PostgreSQL only (streaming replication); this environment is {}",
                dialect.name()
            ));
        }
        for u in &urls {
            if crate::dialect_of(u) != Some(Dialect::Postgres) {
                return Err(format!("replica {} is not a postgres:// URL", mask_url(u)));
            }
        }
        let conns = Mutex::new(urls.iter().map(|_| None).collect());
        Ok(ReplicaPace {
            urls,
            max_lag,
            wait,
            clock,
            conns,
        })
    }

    /// The replicas' URLs (secret: show them masked).
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// Waits, up to `replica_wait`, until every replica has replayed all the WAL the
    /// primary (`engine`) has written so far; says which did not.
    pub fn wait_caught_up(&self, engine: &mut dyn Engine) -> Result<Vec<Lag>, String> {
        let lsn = primary_lsn(engine)?;
        let started = self.clock.now();
        loop {
            let lags = self.lags(&lsn)?;
            if lags.iter().all(|l| l.behind_bytes == 0) {
                return Ok(lags);
            }
            let waited = self.clock.now() - started;
            if waited >= self.wait {
                return Err(format!(
                    "the replicas did not replay the primary's WAL up to {lsn} in replica_wait = {:?}: {}",
                    self.wait,
                    describe(&lags)
                ));
            }
            self.clock
                .sleep(Duration::from_millis(250).min(self.wait - waited));
        }
    }

    /// Each replica's standing against the primary's WAL position `lsn`.
    fn lags(&self, lsn: &str) -> Result<Vec<Lag>, String> {
        let mut conns = self.conns.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for (url, slot) in self.urls.iter().zip(conns.iter_mut()) {
            let shown = mask_url(url);
            if slot.is_none() {
                let e = crate::open_aside(url, "sluice/replica-lag", Access::ReadOnly)
                    .map_err(|e| format!("replica {shown}: {e}"))?;
                *slot = Some(e);
            }
            let e = slot.as_mut().expect("opened above");
            let rows = e
                .query_rows(&format!(
                    "SELECT pg_is_in_recovery()::text, \
                     COALESCE(pg_wal_lsn_diff('{lsn}', pg_last_wal_replay_lsn()), 0)::bigint::text, \
                     EXTRACT(EPOCH FROM now() - COALESCE(pg_last_xact_replay_timestamp(), pg_postmaster_start_time()))::float8::text"
                ))
                .map_err(|err| {
                    *slot = None;
                    format!("replica {shown}: {err}")
                })?;
            let row = rows
                .first()
                .ok_or_else(|| format!("replica {shown}: no answer"))?;
            let col = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            if col(0) != "true" {
                return Err(format!(
                    "{shown} is not a replica (it is not in recovery): check `replicas` in sluice.toml"
                ));
            }
            let behind: i64 = col(1).parse().unwrap_or(0).max(0);
            let seconds: f64 = col(2).parse().unwrap_or(0.0);
            out.push(Lag {
                replica: shown,
                behind_bytes: behind,
                lag_seconds: if behind > 0 { seconds.max(0.0) } else { 0.0 },
            });
        }
        Ok(out)
    }
}

/// The primary's current WAL position.
fn primary_lsn(engine: &mut dyn Engine) -> Result<String, String> {
    engine
        .query_rows("SELECT pg_current_wal_lsn()::text")
        .map_err(|e| format!("cannot read the primary's WAL position: {e}"))?
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .ok_or_else(|| "the primary gave no WAL position".to_string())
}

fn describe(lags: &[Lag]) -> String {
    lags.iter()
        .map(|l| {
            if l.behind_bytes == 0 {
                format!("{} caught up", l.replica)
            } else {
                format!(
                    "{} {:.1} s behind ({} bytes of WAL to replay)",
                    l.replica, l.lag_seconds, l.behind_bytes
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Pace for ReplicaPace {
    fn before(
        &self,
        engine: &mut dyn Engine,
        next: &Migration,
    ) -> Result<Option<(String, serde_json::Value)>, String> {
        self.wait_within(engine, &format!("before {}", next.id))
    }

    fn between(
        &self,
        engine: &mut dyn Engine,
        m: &Migration,
        next: usize,
    ) -> Result<Option<(String, serde_json::Value)>, String> {
        self.wait_within(
            engine,
            &format!(
                "before statement {next}/{} of {}",
                m.up.statements.len(),
                m.id
            ),
        )
    }
}

impl ReplicaPace {
    /// Waits, up to `replica_wait`, until every replica is within `max_replica_lag`;
    /// `what` says where the run is (`before 003_x`).
    fn wait_within(
        &self,
        engine: &mut dyn Engine,
        what: &str,
    ) -> Result<Option<(String, serde_json::Value)>, String> {
        let lsn = primary_lsn(engine)?;
        let started = self.clock.now();
        let wall = Instant::now();
        loop {
            let lags = self.lags(&lsn)?;
            let worst = lags.iter().map(|l| l.lag_seconds).fold(0.0, f64::max);
            let waited = self.clock.now() - started;
            let details = serde_json::json!({
                "replicas": lags.iter().map(|l| serde_json::json!({
                    "replica": l.replica,
                    "behind_bytes": l.behind_bytes,
                    "lag_ms": (l.lag_seconds * 1000.0).round() as i64,
                })).collect::<Vec<_>>(),
                "waited_ms": wall.elapsed().as_millis() as u64,
                "max_replica_lag_ms": self.max_lag.as_millis() as u64,
            });
            if worst <= self.max_lag.as_secs_f64() {
                let reason = if waited < Duration::from_millis(100) {
                    format!("replicas {what}: {}", describe(&lags))
                } else {
                    format!(
                        "waited {:.1} s for the replicas {what}: {}",
                        waited.as_secs_f64(),
                        describe(&lags)
                    )
                };
                return Ok(Some((reason, details)));
            }
            if waited >= self.wait {
                return Err(format!(
                    "the replicas did not come within max_replica_lag = {:?} of the primary in replica_wait = {:?}: {}",
                    self.max_lag,
                    self.wait,
                    describe(&lags)
                ));
            }
            self.clock
                .sleep(Duration::from_millis(250).min(self.wait - waited));
        }
    }
}

/// The pace of an environment with `replicas` (its URLs resolved as `config` does), or
/// `None` when it has none.
pub fn for_env(
    dialect: Dialect,
    env: &str,
    env_cfg: Option<&sluice_core::config::EnvConfig>,
    config: Option<&sluice_core::config::Config>,
    settings: &sluice_core::config::RunSettings,
    clock: Arc<dyn Clock>,
) -> Result<Option<Arc<dyn Pace>>, String> {
    Ok(of_env(dialect, env, env_cfg, config, settings, clock)?
        .map(|p| Arc::new(p) as Arc<dyn Pace>))
}

/// The replicas of an environment (see [`for_env`]).
pub fn of_env(
    dialect: Dialect,
    env: &str,
    env_cfg: Option<&sluice_core::config::EnvConfig>,
    config: Option<&sluice_core::config::Config>,
    settings: &sluice_core::config::RunSettings,
    clock: Arc<dyn Clock>,
) -> Result<Option<ReplicaPace>, String> {
    let Some(cfg) = env_cfg.filter(|c| !c.replicas.is_empty()) else {
        return Ok(None);
    };
    let urls = cfg
        .replicas
        .iter()
        .map(|u| {
            match config {
                Some(c) => c.resolve_url(env, u),
                None => sluice_core::config::resolve_url(env, u),
            }
            .map_err(|e| format!("[environments.{env}] replicas: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let pace = ReplicaPace::new(
        dialect,
        urls,
        settings.max_replica_lag,
        settings.replica_wait,
        clock,
    )?;
    Ok(Some(pace))
}
