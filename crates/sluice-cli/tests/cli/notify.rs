//! `[notify]` webhooks: a receiver in the test verifies the signature of every event of a
//! run refused at a gate, a run with a failure and a successful run; a receiver that
//! answers 503 at first gets the event on a retry; a receiver that is down changes
//! nothing of the run's outcome, and the failed delivery is in the audit log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sha2::{Digest, Sha256};
use sluice_testkit::Project;

use crate::support::sluice;

const SECRET: &str = "whsec-0123456789abcdef";

/// HMAC-SHA256, written out from RFC 2104 (independent of the `hmac` crate sluice uses).
fn hmac_sha256(key: &[u8], msg: &[u8]) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([&ipad[..], msg].concat());
    let outer = Sha256::digest([&opad[..], &inner[..]].concat());
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Got {
    headers: Vec<(String, String)>,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A webhook receiver on a free port: records every request; answers 503 to the first
/// `refuse` requests, 200 after.
fn receiver(refuse: usize) -> (String, Arc<Mutex<Vec<Got>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let seen = got.clone();
    std::thread::spawn(move || {
        let mut n = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            n += 1;
            let status = if n <= refuse {
                "503 Service Unavailable"
            } else {
                "200 OK"
            };
            if n > refuse {
                seen.lock().unwrap().push(Got {
                    headers,
                    body: String::from_utf8(body).unwrap(),
                });
            }
            let _ = stream.write_all(
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    (url, got)
}

/// Every request: its signature verifies, its timestamp is fresh; the events, in order.
fn verified(got: &[Got]) -> Vec<Value> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    got.iter()
        .map(|g| {
            let ts = g.header("Sluice-Timestamp");
            let t: u64 = ts.parse().expect("a Unix timestamp");
            assert!(now.abs_diff(t) < 300, "a stale timestamp {t}");
            let want = format!(
                "v1={}",
                hmac_sha256(SECRET.as_bytes(), format!("{ts}.{}", g.body).as_bytes())
            );
            assert_eq!(g.header("Sluice-Signature"), want, "{}", g.body);
            let v: Value = serde_json::from_str(&g.body).unwrap();
            assert_eq!(g.header("Sluice-Event"), v["event"].as_str().unwrap());
            v
        })
        .collect()
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e["migration"].as_str() {
            Some(m) => format!("{} {m}", e["event"].as_str().unwrap()),
            None => e["event"].as_str().unwrap().to_string(),
        })
        .collect()
}

fn project(label: &str, hooks: &str) -> Project {
    let p = Project::new(label);
    p.config(&format!(
        "[project]\ndialect = \"sqlite\"\n\n[environments.dev]\nurl = \"sqlite:app.db\"\napprove_at = \"high\"\n\n[notify]\nwait = \"5s\"\n{hooks}"
    ));
    std::fs::write(p.path().join(".env"), format!("HOOK_SECRET={SECRET}\n")).unwrap();
    p.migration(
        "001_a",
        "-- sluice:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE a;\n",
    );
    p
}

#[test]
fn every_event_of_a_run_is_signed_and_a_busy_receiver_gets_it_on_a_retry() {
    // The receiver answers 503 to its first request: sluice tries again.
    let (url, got) = receiver(1);
    let p = project(
        "notify-signed",
        &format!("webhooks = [{{ url = \"{url}\", secret = \"env:HOOK_SECRET\" }}]\n"),
    );
    p.migration(
        "002_risky",
        "-- risk: high\n-- sluice:up\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE b;\n",
    );
    // 1. Refused at the approval gate.
    sluice(p.path(), &["up"]).code(4);
    // 2. Approved; 003 fails.
    sluice(p.path(), &["approve", "002_risky", "--reason", "ok"]).code(0);
    p.migration(
        "003_bad",
        "-- sluice:up\nCREATE TABLE a (id INTEGER);\n\n-- sluice:down\nSELECT 1;\n",
    );
    let failed = sluice(p.path(), &["up"]).code(3);
    // 3. Fixed: the rest succeeds.
    p.migration(
        "003_bad",
        "-- sluice:up\nCREATE TABLE c (id INTEGER);\n\n-- sluice:down\nDROP TABLE c;\n",
    );
    sluice(p.path(), &["up"]).code(0);
    let deliveries: std::collections::BTreeSet<String> = got
        .lock()
        .unwrap()
        .iter()
        .map(|g| g.header("Sluice-Delivery").to_string())
        .collect();
    assert_eq!(
        deliveries.len(),
        got.lock().unwrap().len(),
        "{deliveries:?}"
    );
    let events = verified(&got.lock().unwrap());
    assert_eq!(
        kinds(&events),
        [
            "run_started",
            "gate_blocked 002_risky",
            "run_finished",
            "run_started",
            "migration_applied 001_a",
            "migration_applied 002_risky",
            "migration_failed 003_bad",
            "run_finished",
            "run_started",
            "migration_applied 003_bad",
            "run_finished",
        ]
    );
    assert_eq!(events[2]["result"], "refused");
    assert_eq!(events[1]["gate"], "approval");
    assert_eq!(events[6]["line"], 2);
    assert!(
        events[6]["error"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(events[7]["result"], "failed");
    assert_eq!(events[10]["result"], "succeeded");
    for e in &events {
        assert_eq!(e["environment"], "dev");
        assert_eq!(e["database"], "sqlite:app.db");
        assert!(e["run_id"].as_str().unwrap().starts_with("run_"));
    }
    assert_eq!(events[3]["run_id"], events[7]["run_id"]);
    // The run's own output says nothing of the webhooks when they were delivered.
    assert!(!failed.stderr.contains("webhook"), "{}", failed.stderr);
}

#[test]
fn a_receiver_that_is_down_changes_nothing_and_is_recorded() {
    // A port nobody listens on.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let (url, got) = receiver(0);
    let p = project(
        "notify-down",
        &format!(
            "webhooks = [{{ url = \"{dead}\", secret = \"env:HOOK_SECRET\", events = [\"run_finished\"] }}, {{ url = \"{url}\", secret = \"env:HOOK_SECRET\", format = \"chat\" }}, {{ url = \"{url}\", secret = \"env:HOOK_SECRET\", format = \"text\", events = [\"run_finished\"] }}]\n"
        ),
    );
    let run = sluice(p.path(), &["up"]).code(0);
    assert!(
        run.stdout.contains("done: 1 migration applied"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("did not get run_finished") && run.stderr.contains("after 4 attempts"),
        "{}",
        run.stderr
    );
    let st = sluice(p.path(), &["status", "--format", "json"]).code(0);
    let st: Value = serde_json::from_str(&st.stdout).unwrap();
    assert_eq!(st["summary"]["applied"], 1);
    let log = sluice(p.path(), &["log", "--format", "json"]).code(0);
    assert!(
        log.stdout
            .contains("webhook not delivered: run_finished to http://127.0.0.1:"),
        "{}",
        log.stdout
    );
    // The others got theirs: a chat message per event, and the e-mail text of the end.
    let got = got.lock().unwrap();
    let chat: Vec<&Got> = got
        .iter()
        .filter(|g| g.header("Content-Type") == "application/json")
        .collect();
    assert_eq!(chat.len(), 3, "{got:#?}");
    let texts: Vec<String> = chat
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.body).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(texts[1] == "sluice: 001_a applied in dev", "{texts:?}");
    assert!(
        texts[2].starts_with("sluice: run run_")
            && texts[2].ends_with("in dev finished: succeeded, 1 applied"),
        "{texts:?}"
    );
    let mail = got
        .iter()
        .find(|g| g.header("Content-Type").starts_with("text/plain"))
        .expect("the text webhook");
    assert!(
        mail.body.starts_with("Subject: sluice: run run_")
            && mail.body.contains("\nresult: succeeded\n"),
        "{}",
        mail.body
    );
    // Each is signed the same way, whatever its format.
    for g in got.iter() {
        let ts = g.header("Sluice-Timestamp");
        assert_eq!(
            g.header("Sluice-Signature"),
            format!(
                "v1={}",
                hmac_sha256(SECRET.as_bytes(), format!("{ts}.{}", g.body).as_bytes())
            )
        );
    }
}

#[test]
fn a_webhook_without_a_usable_secret_is_refused_before_anything_runs() {
    let p = project(
        "notify-bad",
        "webhooks = [{ url = \"http://127.0.0.1:9/hook\", secret = \"short\" }]\n",
    );
    let run = sluice(p.path(), &["up"]).code(2);
    assert!(
        run.stderr
            .contains("secret is 5 characters: give at least 16"),
        "{}",
        run.stderr
    );
    let st = sluice(p.path(), &["status", "--format", "json"]).code(0);
    let st: Value = serde_json::from_str(&st.stdout).unwrap();
    assert_eq!(st["summary"]["applied"], 0);
}

#[test]
fn a_fleet_sends_its_own_events_not_one_per_database() {
    let (url, got) = receiver(0);
    let p = project(
        "notify-fleet",
        &format!(
            "webhooks = [{{ url = \"{url}\", secret = \"env:HOOK_SECRET\" }}]\n\n[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 1\nwaves = [{{ size = 1 }}, {{ percent = 100 }}]\n"
        ),
    );
    std::fs::create_dir_all(p.path().join("tenants")).unwrap();
    for t in ["a", "b", "c"] {
        std::fs::write(p.path().join(format!("tenants/{t}.db")), b"").unwrap();
    }
    sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    let events = verified(&got.lock().unwrap());
    assert_eq!(
        kinds(&events),
        ["run_started", "wave_finished", "run_finished"]
    );
    assert_eq!(events[0]["fleet"], "tenants");
    assert_eq!(events[0]["databases"], 3);
    assert_eq!(events[1]["wave"], 1);
    assert_eq!(events[2]["result"], "succeeded");
    assert_eq!(events[2]["applied"], 3);
}
