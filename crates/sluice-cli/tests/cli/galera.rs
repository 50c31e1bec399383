//! A three-node MariaDB Galera cluster from the test kit: many runners on every node at
//! once, and a node killed under the run that holds the lock.

use std::path::Path;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use sluice_testkit::Project;
use sluice_testkit::galera::{Cluster, cluster};
use sluice_testkit::mariadb::client;

use crate::support::sluice_cmd;

/// The cluster is one per test process, and one test kills its nodes: one test at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// 40 migrations of three statements (the middle one `DO SLEEP(pause)`).
fn project(label: &str, pause: &str) -> Project {
    let p = Project::new(label);
    for i in 1..=40 {
        p.migration(
            &format!("{i:03}_t{i}"),
            &format!(
                "-- sluice:up\nCREATE TABLE t{i} (id INT PRIMARY KEY, v INT);\nDO SLEEP({pause});\nINSERT INTO t{i} VALUES (1, {i});\n\n-- sluice:down\nDROP TABLE t{i};\n"
            ),
        );
    }
    p
}

/// Starts `per_node` runners on every node at once.
fn runners(dir: &Path, urls: &[String], per_node: usize, extra: &[&str]) -> Vec<Child> {
    let mut children = Vec::new();
    for _ in 0..per_node {
        for url in urls {
            let mut args = vec!["--url", url.as_str(), "up", "--lock-wait", "60s"];
            args.extend_from_slice(extra);
            children.push(
                sluice_cmd(dir, &args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
        }
    }
    children
}

/// Waits for every runner, failing the test when one is still running after `within`.
fn finish(children: Vec<Child>, within: Duration) -> Vec<Output> {
    let started = Instant::now();
    let mut children = children;
    loop {
        let mut running = 0;
        for c in &mut children {
            if c.try_wait().unwrap().is_none() {
                running += 1;
            }
        }
        if running == 0 {
            break;
        }
        if started.elapsed() > within {
            for c in &mut children {
                let _ = c.kill();
            }
            panic!("{running} runner(s) still running after {within:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

/// The history as each node has it.
fn histories(c: &Cluster, db: &str) -> Vec<String> {
    c.nodes
        .iter()
        .map(|n| {
            client(
                &format!("{}/{db}", n.base_url),
                "SELECT id, state, checksum FROM sluice_migrations ORDER BY id",
            )
            .unwrap_or_else(|e| panic!("{}: {e}", n.name))
        })
        .collect()
}

fn show(outs: &[Output]) -> String {
    outs.iter()
        .map(|o| {
            format!(
                "exit {:?}\n{}{}",
                o.status.code(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .collect::<Vec<_>>()
        .join("\n---\n")
}

#[test]
fn galera_one_runner_per_cluster_under_contention_and_when_the_holders_node_dies() {
    let _one = one_at_a_time();
    let c = cluster();

    // Nine runners, three per node, at once: each migration applied exactly once.
    let db = c.database("galera_nine");
    let p = project("galera-nine", "0");
    let outs = finish(
        runners(p.path(), &db.urls, 3, &[]),
        Duration::from_secs(120),
    );
    assert!(
        outs.iter().all(|o| o.status.code() == Some(0)),
        "{}",
        show(&outs)
    );
    c.wait_synced(Duration::from_secs(30)).unwrap();
    let h = histories(c, &db.name);
    assert_eq!(h[0].lines().count(), 40, "{}", h[0]);
    assert!(h[0].lines().all(|l| l.contains("\tapplied\t")), "{}", h[0]);
    assert!(h.iter().all(|x| *x == h[0]), "the nodes disagree: {h:?}");
    let applied_events = client(
        &db.urls[1],
        "SELECT COUNT(*), COUNT(DISTINCT migration_id) FROM sluice_events WHERE to_state = 'applied'",
    )
    .unwrap();
    assert_eq!(applied_events, "40\t40", "each migration applied once");
    // The server line names the node.
    let status = sluice_cmd(p.path(), &["--url", &db.urls[2], "status"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("Galera node n3"),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );

    // Connected to a node, the analysis knows it is Galera; offline it does not.
    let lint = Project::new("galera-lint");
    lint.config("[project]\ndialect = \"mysql\"\n");
    lint.simple(
        "001_audit",
        &[],
        &["CREATE TABLE audit (at DATETIME, what TEXT) ENGINE=MyISAM"],
        &["DROP TABLE audit"],
    );
    let lint_db = c.database("galera_lint");
    let connected = sluice_cmd(lint.path(), &["--url", &lint_db.urls[0], "lint"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&connected.stdout);
    assert_eq!(
        connected.status.code(),
        Some(1),
        "{said}{}",
        String::from_utf8_lossy(&connected.stderr)
    );
    assert!(said.contains("galera-unreplicated"), "{said}");
    assert!(said.contains("ENGINE=myisam"), "{said}");
    let offline = sluice_cmd(lint.path(), &["lint"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&offline.stdout).contains("galera-unreplicated"),
        "{}",
        String::from_utf8_lossy(&offline.stdout)
    );

    // The node of the run that holds the lock dies mid-run (SIGKILL of its mariadbd): every
    // runner stops with the exact state or completes, none hangs, and once the node is
    // back the cluster and the history agree.
    let db = c.database("galera_kill");
    let p = project("galera-kill", "0.1");
    let children = runners(p.path(), &db.urls, 2, &["--reconnect", "3s"]);
    let started = Instant::now();
    let holder = loop {
        let row = client(
            &db.urls[0],
            "SELECT host FROM sluice_lock WHERE run_id LIKE 'run%'",
        )
        .unwrap_or_default();
        if let Some(n) = row.split("Galera node n").nth(1) {
            break n[..1].parse::<usize>().unwrap() - 1;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no run took the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(800));
    c.kill(holder);
    let outs = finish(children, Duration::from_secs(150));
    for o in &outs {
        let code = o.status.code();
        assert!(
            matches!(code, Some(0 | 4 | 6)),
            "a runner ended other than applied / refused / connection lost:\n{}",
            show(&outs)
        );
    }
    // The runners of the dead node lost their connection; the others took the lock over
    // once its lease ran out and stopped at the migration in doubt (or finished it).
    let text = show(&outs);
    assert!(text.contains("exit Some(6)"), "{text}");
    c.restart(holder);
    c.wait_synced(Duration::from_secs(90)).unwrap();
    let live = (holder + 1) % 3;
    let url = db.urls[live].clone();
    let resume = || {
        sluice_cmd(
            p.path(),
            &["--url", &url, "up", "--resume", "--lock-wait", "60s"],
        )
        .output()
        .unwrap()
    };
    let mut out = resume();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    if out.status.code() == Some(4) && said.contains("a DO block leaves nothing in the catalog") {
        // The statement in doubt was the `DO SLEEP`, which the catalog cannot judge: the
        // operator says what happened (it changes nothing either way), as the message asks.
        let id = said
            .split("sluice resolve ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap()
            .to_string();
        let resolved = sluice_cmd(
            p.path(),
            &[
                "--url",
                &url,
                "resolve",
                &id,
                "--statement-done",
                "--reason",
                "DO SLEEP changes nothing",
            ],
        )
        .output()
        .unwrap();
        assert_eq!(
            resolved.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&resolved.stderr)
        );
        out = resume();
    }
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    c.wait_synced(Duration::from_secs(30)).unwrap();
    let h = histories(c, &db.name);
    assert_eq!(h[0].lines().count(), 40, "{}", h[0]);
    assert!(h[0].lines().all(|l| l.contains("\tapplied\t")), "{}", h[0]);
    assert!(h.iter().all(|x| *x == h[0]), "the nodes disagree: {h:?}");
    // Every table is there, with its row, on every node.
    for n in &c.nodes {
        let count = client(
            &format!("{}/{}", n.base_url, db.name),
            &format!(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME LIKE 't%'",
                db.name
            ),
        )
        .unwrap();
        assert_eq!(count, "40", "{}", n.name);
    }
}

#[test]
fn galera_rsu_migration_is_applied_node_by_node_and_refused_without_every_node() {
    let _one = one_at_a_time();
    let c = cluster();
    c.wait_synced(Duration::from_secs(120))
        .expect("the cluster is not synced");
    let db = c.database("galera_rsu");
    let p = Project::new("galera-rsu");
    let config = |nodes: &str| {
        format!(
            "[project]\ndialect = \"mysql\"\n\n[environments.prod]\nurl = \"env:DATABASE_URL\"\ngalera_nodes = [{nodes}]\n"
        )
    };
    p.migration(
        "001_t",
        "-- sluice:up\nCREATE TABLE t (id INT PRIMARY KEY, v INT);\nINSERT INTO t VALUES (1, 10);\n\n-- sluice:down\nDROP TABLE t;\n",
    );
    p.migration(
        "002_index",
        "-- galera: rsu\n-- sluice:up\nALTER TABLE t ADD INDEX t_v (v);\n\n-- sluice:down\nALTER TABLE t DROP INDEX t_v;\n",
    );
    let up = || {
        sluice_cmd(p.path(), &["--env", "prod", "up"])
            .env("DATABASE_URL", &db.urls[0])
            .env("NODE1", &db.urls[0])
            .env("NODE2", &db.urls[1])
            .env("NODE3", &db.urls[2])
            .output()
            .unwrap()
    };
    // Two nodes of three named: refused before anything runs.
    p.config(&config("\"env:NODE1\", \"env:NODE2\""));
    let out = up();
    let text = show(std::slice::from_ref(&out));
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(
        text.contains("002_index is `-- galera: rsu`")
            && text.contains("the cluster has 3 nodes and galera_nodes names 2"),
        "{text}"
    );
    let none = client(
        &db.urls[0],
        "SELECT count(*) FROM sluice_migrations WHERE state = 'applied'",
    )
    .unwrap_or_else(|_| "0".into());
    assert_eq!(none.trim(), "0", "nothing was applied");
    // Every node named: applied node by node, each an event.
    p.config(&config("\"env:NODE1\", \"env:NODE2\", \"env:NODE3\""));
    let out = up();
    let text = show(std::slice::from_ref(&out));
    assert_eq!(out.status.code(), Some(0), "{text}");
    c.wait_synced(Duration::from_secs(60))
        .expect("the cluster is not synced after the run");
    for url in &db.urls {
        let idx = client(
            url,
            "SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND INDEX_NAME = 't_v'",
        )
        .unwrap();
        assert_eq!(idx.trim(), "1", "{url} has the index");
    }
    let events = client(
        &db.urls[2],
        "SELECT reason FROM sluice_events WHERE migration_id = '002_index' AND reason LIKE 'applied on node %' ORDER BY seq",
    )
    .unwrap();
    assert_eq!(events.lines().count(), 3, "{events}");
    for (i, n) in c.nodes.iter().enumerate() {
        assert!(
            events.contains(&format!("applied on node {} ({}/3)", n.name, i + 1)),
            "{events}"
        );
    }
    let h = histories(c, &db.name);
    assert!(h.iter().all(|x| x == &h[0]), "{h:?}");
    assert!(h[0].contains("002_index\tapplied"), "{h:?}");
}
