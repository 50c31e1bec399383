//! A throwaway three-node MariaDB Galera cluster for tests.
//!
//! [`cluster`] starts one cluster per test process, lazily: `mariadb-install-db` for each
//! node in a temp folder, the first `mariadbd` with `--wsrep-new-cluster`, the other two
//! joining it (state transfer by rsync), all on loopback ports of their own (client,
//! group communication, IST, SST), as the unprivileged `mysql` user when the tests run as
//! root. It is ready when every node says `Synced` in a cluster of three. A reaper process
//! stops the nodes (and kills one that does not stop, as a wedged node will not) and
//! removes the folder when the test process ends for any reason.
//!
//! Debian's `galera-4` comes with `mariadb-server`; rsync must be installed. When the
//! cluster cannot start, the test fails with the reason: it is never skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::mariadb::client;
use crate::postgres::{as_user_prefix, free_port, is_root, server_user};

/// The Galera provider library Debian installs.
pub const PROVIDER: &str = "/usr/lib/galera/libgalera_smm.so";

/// One node of the cluster.
#[derive(Debug)]
pub struct Node {
    /// `mysql://root@127.0.0.1:<port>` (no database part).
    pub base_url: String,
    /// `n1`, `n2`, `n3` (`wsrep_node_name`).
    pub name: String,
    /// The pid file of its `mariadbd`.
    pub pid_file: PathBuf,
    /// The command line that starts it again (joining the cluster).
    rejoin: String,
}

/// A running three-node cluster.
#[derive(Debug)]
pub struct Cluster {
    /// The nodes, `n1` first.
    pub nodes: Vec<Node>,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// The cluster of this test process, started on first use.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(start) {
        Ok(c) => c,
        Err(why) => panic!("cannot start a three-node MariaDB Galera cluster for the tests: {why}"),
    }
}

/// A database of one test on the cluster: created empty (on every node, by replication),
/// dropped when this value drops.
#[derive(Debug)]
pub struct GaleraDatabase {
    /// Its name.
    pub name: String,
    /// Its URL on each node, `n1` first.
    pub urls: Vec<String>,
    base_url: String,
}

impl Drop for GaleraDatabase {
    fn drop(&mut self) {
        if std::env::var_os("SLUICE_KEEP_TEMP").is_none() {
            let _ = client(
                &self.base_url,
                &format!("DROP DATABASE IF EXISTS `{}`", self.name),
            );
        }
    }
}

impl Cluster {
    /// A fresh, empty database named after `label`, visible on every node.
    pub fn database(&self, label: &str) -> GaleraDatabase {
        let name = crate::postgres::database_name(label);
        let first = &self.nodes[0].base_url;
        client(first, &format!("CREATE DATABASE `{name}`"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        GaleraDatabase {
            urls: self
                .nodes
                .iter()
                .map(|n| format!("{}/{name}", n.base_url))
                .collect(),
            name,
            base_url: first.clone(),
        }
    }

    /// `wsrep_local_state_comment` of every node that answers (`None` for one that does
    /// not).
    pub fn states(&self) -> Vec<Option<String>> {
        self.nodes
            .iter()
            .map(|n| status(&n.base_url, "wsrep_local_state_comment"))
            .collect()
    }

    /// Waits until every node is `Synced` in a cluster of three, or says why not.
    pub fn wait_synced(&self, within: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            let states = self.states();
            let sizes: Vec<Option<String>> = self
                .nodes
                .iter()
                .map(|n| status(&n.base_url, "wsrep_cluster_size"))
                .collect();
            if states.iter().all(|s| s.as_deref() == Some("Synced"))
                && sizes.iter().all(|s| s.as_deref() == Some("3"))
            {
                return Ok(());
            }
            if started.elapsed() > within {
                return Err(format!(
                    "after {within:?} the nodes say {states:?}, cluster sizes {sizes:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills node `i` (0-based) with SIGKILL, as a crash would.
    pub fn kill(&self, i: usize) {
        let n = &self.nodes[i];
        let pid = std::fs::read_to_string(&n.pid_file).unwrap_or_default();
        let pid = pid.trim();
        assert!(!pid.is_empty(), "no pid file for {}", n.name);
        let _ = Command::new("kill").args(["-9", pid]).status();
        let started = Instant::now();
        while client(&n.base_url, "SELECT 1").is_ok() && started.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts node `i` again; it rejoins the cluster (IST or SST).
    pub fn restart(&self, i: usize) {
        let n = &self.nodes[i];
        let _ = std::fs::remove_file(&n.pid_file);
        // The shell puts the node in the background and returns; the reaper stops it.
        let st = Command::new("sh")
            .arg("-c")
            .arg(format!("{} &", n.rejoin))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("sh runs");
        assert!(st.success(), "cannot start {} again", n.name);
    }
}

/// A `SHOW STATUS` value of the server at `url`.
pub fn status(url: &str, name: &str) -> Option<String> {
    let out = client(url, &format!("SHOW STATUS LIKE '{name}'")).ok()?;
    out.lines()
        .find_map(|l| l.split_once('\t').map(|(_, v)| v.trim().to_string()))
}

fn install(prefix: &[String], data: &Path, tmp: &Path) -> Result<(), String> {
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
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mariadb-install-db failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start() -> Result<Cluster, String> {
    if !Path::new(PROVIDER).exists() {
        return Err(format!(
            "{PROVIDER} was not found: install Galera (apt-get install -y galera-4, which comes with mariadb-server)"
        ));
    }
    if Command::new("rsync").arg("--version").output().is_err() {
        return Err(
            "rsync was not found (Galera's state transfer uses it): apt-get install -y rsync"
                .into(),
        );
    }
    let mariadbd = if Command::new("mariadbd").arg("--version").output().is_ok() {
        PathBuf::from("mariadbd")
    } else if Path::new("/usr/sbin/mariadbd").exists() {
        PathBuf::from("/usr/sbin/mariadbd")
    } else {
        return Err("mariadbd was not found: apt-get install -y mariadb-server".into());
    };
    let user = if is_root() {
        Some(server_user("mysql")?)
    } else {
        None
    };
    let dir = std::env::temp_dir().join(format!(
        "sluice-galera-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let prefix = as_user_prefix(user.as_deref());
    // Client, group communication, IST and SST ports of each node.
    let mut ports = Vec::new();
    for _ in 0..3 {
        ports.push([free_port()?, free_port()?, free_port()?, free_port()?]);
    }
    let address = format!(
        "gcomm://{}",
        ports
            .iter()
            .map(|p| format!("127.0.0.1:{}", p[1]))
            .collect::<Vec<_>>()
            .join(",")
    );
    for i in 0..3 {
        let node = dir.join(format!("n{}", i + 1));
        std::fs::create_dir_all(node.join("tmp"))
            .map_err(|e| format!("cannot create {}: {e}", node.display()))?;
    }
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
    let run_as: String = prefix.iter().map(|w| format!("{w} ")).collect();
    let mut nodes = Vec::new();
    let mut commands = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let name = format!("n{}", i + 1);
        let node = dir.join(&name);
        let (data, tmp) = (node.join("data"), node.join("tmp"));
        install(&prefix, &data, &tmp)?;
        let cmd = format!(
            "{run_as}{mariadbd} --no-defaults --datadir={data} --tmpdir={tmp} --socket={node}/mysqld.sock \
             --port={port} --bind-address=127.0.0.1 --pid-file={node}/mysqld.pid --log-error={node}/server.log \
             --skip-name-resolve --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=48M \
             --max-connections=200 --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
             --default-storage-engine=InnoDB --wsrep-on=ON --wsrep-provider={PROVIDER} \
             --wsrep-cluster-name=sluice-test --wsrep-cluster-address={address} --wsrep-node-name={name} \
             --wsrep-node-address=127.0.0.1:{g} \
             '--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{g};ist.recv_addr=127.0.0.1:{ist};gcache.size=32M' \
             --wsrep-sst-method=rsync --wsrep-sst-receive-address=127.0.0.1:{sst}",
            mariadbd = mariadbd.display(),
            data = data.display(),
            tmp = tmp.display(),
            node = node.display(),
            port = p[0],
            g = p[1],
            ist = p[2],
            sst = p[3],
        );
        commands.push(cmd.clone());
        nodes.push(Node {
            base_url: format!("mysql://root@127.0.0.1:{}", p[0]),
            name,
            pid_file: node.join("mysqld.pid"),
            rejoin: format!("{cmd} > {}/stdout.log 2>&1", node.display()),
        });
    }
    if let Some(u) = &user {
        let _ = Command::new("chown").arg("-R").arg(u).arg(&dir).status();
    }
    // The reaper: the nodes live while the test process lives; a node that does not stop
    // on TERM (a wedged one) is killed.
    let parent = std::process::id();
    let mut script = String::new();
    for (i, cmd) in commands.iter().enumerate() {
        let first = if i == 0 { " --wsrep-new-cluster" } else { "" };
        let node = dir.join(format!("n{}", i + 1));
        script.push_str(&format!(
            "{cmd}{first} > {}/stdout.log 2>&1 &\n",
            node.display()
        ));
        if i == 0 {
            // The joiners need the first node up.
            script.push_str(&format!(
                "for k in $(seq 1 300); do [ -S {}/mysqld.sock ] && break; sleep 0.1; done\n",
                node.display()
            ));
        }
    }
    script.push_str(&format!(
        "while kill -0 {parent} 2>/dev/null; do sleep 0.3; done\n\
         for f in {dir}/n*/mysqld.pid; do [ -f $f ] && kill -TERM $(cat $f) 2>/dev/null; done\n\
         sleep 5\n\
         for f in {dir}/n*/mysqld.pid; do [ -f $f ] && kill -KILL $(cat $f) 2>/dev/null; done\n\
         pkill -KILL -f 'wsrep-cluster-address={address}' 2>/dev/null\n\
         [ -n \"$SLUICE_KEEP_TEMP\" ] || rm -rf {dir}\n",
        dir = dir.display(),
    ));
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the cluster: {e}"))?;
    let cluster = Cluster { nodes };
    cluster
        .wait_synced(Duration::from_secs(90))
        .map_err(|why| {
            let logs: String = (1..=3)
                .map(|i| {
                    let log = std::fs::read_to_string(dir.join(format!("n{i}/server.log")))
                        .unwrap_or_default();
                    let tail: Vec<&str> = log.lines().rev().take(15).collect();
                    format!(
                        "\n--- n{i}/server.log (last lines)\n{}",
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                    )
                })
                .collect();
            format!("the cluster did not form: {why}{logs}")
        })?;
    Ok(cluster)
}
