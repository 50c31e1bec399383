//! The nodes of a MariaDB Galera cluster, each on a connection of its own, for the
//! migrations marked `-- galera: rsu` (Rolling Schema Upgrade): each node runs the
//! statements by itself with `wsrep_OSU_method = RSU`, one node after the other.

use std::sync::{Arc, Mutex};

use sluice_core::Engine;
use sluice_core::config::mask_url;
use sluice_core::engine::DbError;
use sluice_core::run::Rolling;
use sluice_sql::Dialect;

use crate::Access;

/// The nodes of an environment's cluster (`galera_nodes`).
pub struct GaleraNodes {
    urls: Vec<String>,
    /// A connection to each node, opened by [`Rolling::nodes`].
    conns: Mutex<Vec<Option<Box<dyn Engine>>>>,
}

impl std::fmt::Debug for GaleraNodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GaleraNodes")
            .field(
                "nodes",
                &self.urls.iter().map(|u| mask_url(u)).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The nodes an environment names in `galera_nodes`, if any.
pub fn for_env(
    dialect: Dialect,
    env: &str,
    env_cfg: Option<&sluice_core::config::EnvConfig>,
    config: Option<&sluice_core::config::Config>,
) -> Result<Option<Arc<dyn Rolling>>, String> {
    let Some(cfg) = env_cfg.filter(|c| !c.galera_nodes.is_empty()) else {
        return Ok(None);
    };
    if dialect != Dialect::MySql {
        return Err(format!(
            "[environments.{env}] galera_nodes: a Galera cluster is MariaDB; this environment is {}",
            dialect.name()
        ));
    }
    let urls = cfg
        .galera_nodes
        .iter()
        .map(|u| {
            match config {
                Some(c) => c.resolve_url(env, u),
                None => sluice_core::config::resolve_url(env, u),
            }
            .map_err(|e| format!("[environments.{env}] galera_nodes: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for u in &urls {
        if crate::dialect_of(u) != Some(Dialect::MySql) {
            return Err(format!(
                "[environments.{env}] galera_nodes: {} is not a mysql:// URL",
                mask_url(u)
            ));
        }
    }
    let conns = Mutex::new(urls.iter().map(|_| None).collect());
    Ok(Some(Arc::new(GaleraNodes { urls, conns })))
}

/// What a node says of itself: its name, its cluster's state UUID and size, its state.
const FACTS: &str = "SELECT @@wsrep_on, @@wsrep_node_name, \
    (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATE_UUID'), \
    (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'), \
    (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'), \
    DATABASE()";

fn facts(e: &mut dyn Engine) -> Result<Vec<String>, DbError> {
    let rows = e.query_rows(FACTS)?;
    Ok(rows
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}

impl Rolling for GaleraNodes {
    fn nodes(&self, engine: &mut dyn Engine) -> Result<Vec<String>, String> {
        let own = facts(engine).map_err(|e| format!("cannot read the cluster: {}", e.short()))?;
        if own.first().map(String::as_str) != Some("1") {
            return Err("the run's database is not a Galera node (wsrep_on is off)".into());
        }
        let (cluster, size, database) = (&own[2], &own[3], &own[5]);
        let mut conns = self.conns.lock().unwrap_or_else(|p| p.into_inner());
        let mut names: Vec<String> = Vec::new();
        for (url, slot) in self.urls.iter().zip(conns.iter_mut()) {
            let shown = mask_url(url);
            if slot.is_none() {
                let e = crate::open_aside(url, "sluice/rsu", Access::Existing)
                    .map_err(|e| format!("node {shown}: {e}"))?;
                *slot = Some(e);
            }
            let e = slot.as_mut().expect("opened above");
            let f = facts(e.as_mut()).map_err(|e| format!("node {shown}: {}", e.short()))?;
            if f.first().map(String::as_str) != Some("1") {
                return Err(format!("{shown} is not a Galera node (wsrep_on is off)"));
            }
            if &f[2] != cluster {
                return Err(format!(
                    "{shown} is a node of another cluster (state {} against {cluster})",
                    f[2]
                ));
            }
            if &f[5] != database {
                return Err(format!(
                    "{shown} names database {} and the run's URL {database}: every node's URL names the same database",
                    f[5]
                ));
            }
            if f[4] != "Synced" {
                return Err(format!(
                    "node {} ({shown}) is {}, not Synced: wait for it to rejoin",
                    f[1], f[4]
                ));
            }
            if names.contains(&f[1]) {
                return Err(format!(
                    "{shown} is node {} again: galera_nodes names one node twice",
                    f[1]
                ));
            }
            names.push(f[1].clone());
        }
        if size.parse::<usize>().ok() != Some(names.len()) {
            return Err(format!(
                "the cluster has {size} nodes and galera_nodes names {} ({}): every node must be listed, so that none is left without the change",
                names.len(),
                names.join(", ")
            ));
        }
        Ok(names)
    }

    fn apply_on(&self, node: usize, statements: &[&str]) -> Result<(), (usize, DbError)> {
        let mut conns = self.conns.lock().unwrap_or_else(|p| p.into_inner());
        let Some(Some(e)) = conns.get_mut(node) else {
            return Err((1, DbError::msg("no connection to this node: nodes() first")));
        };
        e.execute("SET SESSION wsrep_OSU_method = 'RSU'")
            .map_err(|err| (1, err))?;
        let mut outcome = Ok(());
        for (i, sql) in statements.iter().enumerate() {
            if let Err(err) = e.execute(sql) {
                outcome = Err((i + 1, err));
                break;
            }
        }
        // Back to the default for whatever this connection runs next.
        let back = e.execute("SET SESSION wsrep_OSU_method = 'TOI'");
        outcome?;
        back.map_err(|err| (statements.len(), err))
    }
}
