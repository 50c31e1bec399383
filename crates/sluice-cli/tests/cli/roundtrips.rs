//! Round trips to PostgreSQL, counted on the wire: a relay between sluice and the server
//! reads the protocol and counts each time sluice sends a request while none of its
//! earlier requests is still unanswered (it waited for every answer first).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use sluice_testkit::Project;
use sluice_testkit::postgres::psql;

use crate::backend::Backend;
use crate::support::sluice;

#[derive(Default)]
struct Wire {
    /// Requests (a simple query, or a Sync ending extended-protocol messages) sent and not
    /// yet answered with ReadyForQuery, per connection.
    outstanding: Vec<u64>,
    /// Connections whose start-up is over (their first ReadyForQuery came).
    ready: Vec<bool>,
    round_trips: u64,
}

/// Splits typed protocol messages off the front of `buf` (`startup`: the first message
/// has no type byte); returns their types.
fn messages(buf: &mut Vec<u8>, startup: &mut bool) -> Vec<u8> {
    let mut types = Vec::new();
    loop {
        let (head, kind) = if *startup {
            (0, 0)
        } else {
            (1, *buf.first().unwrap_or(&0))
        };
        if buf.len() < head + 4 {
            return types;
        }
        let len = u32::from_be_bytes(buf[head..head + 4].try_into().unwrap()) as usize;
        if buf.len() < head + len {
            return types;
        }
        buf.drain(..head + len);
        if *startup {
            *startup = false;
        } else {
            types.push(kind);
        }
    }
}

fn relay(server: String) -> (u16, Arc<Mutex<Wire>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let wire = Arc::new(Mutex::new(Wire::default()));
    let w = Arc::clone(&wire);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let mut upstream = TcpStream::connect(&server).unwrap();
            let conn = {
                let mut w = w.lock().unwrap();
                w.outstanding.push(0);
                w.ready.push(false);
                w.outstanding.len() - 1
            };
            let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let wc = Arc::clone(&w);
            // Client to server: count a round trip when a request starts from idle. The
            // count is made before the bytes go on, so no answer can come first.
            std::thread::spawn(move || {
                let (mut buf, mut startup, mut chunk) = (Vec::new(), true, [0u8; 65536]);
                loop {
                    let n = match c2.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    {
                        let mut w = wc.lock().unwrap();
                        let idle = w.outstanding[conn] == 0;
                        let requests = messages(&mut buf, &mut startup)
                            .into_iter()
                            .filter(|t| matches!(t, b'Q' | b'S'))
                            .count() as u64;
                        if w.ready[conn] && requests > 0 {
                            if idle {
                                w.round_trips += 1;
                            }
                            w.outstanding[conn] += requests;
                        }
                    }
                    if u2.write_all(&chunk[..n]).is_err() {
                        return;
                    }
                }
            });
            // Server to client: each ReadyForQuery answers one request.
            let ws = Arc::clone(&w);
            std::thread::spawn(move || {
                let (mut buf, mut startup, mut chunk) = (Vec::new(), false, [0u8; 65536]);
                loop {
                    let n = match upstream.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    {
                        let mut w = ws.lock().unwrap();
                        for t in messages(&mut buf, &mut startup) {
                            if t == b'Z' {
                                if w.ready[conn] {
                                    w.outstanding[conn] = w.outstanding[conn].saturating_sub(1);
                                } else {
                                    w.ready[conn] = true;
                                }
                            }
                        }
                    }
                    if client.write_all(&chunk[..n]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, wire)
}

fn round_trips(wire: &Arc<Mutex<Wire>>) -> u64 {
    wire.lock().unwrap().round_trips
}

#[test]
fn a_transactional_migration_is_one_round_trip_on_postgresql() {
    let b = Backend::postgres("roundtrips");
    let url = b.url();
    // postgres://user@host:port/db → the relay's port, no TLS negotiation to relay.
    let rest = url.split_once("://").unwrap().1;
    let (auth_host, path) = rest.split_once('/').unwrap();
    let host_port = auth_host.rsplit_once('@').map_or(auth_host, |(_, h)| h);
    let (port, wire) = relay(host_port.to_string());
    let relayed = format!(
        "{}{}/{}{}sslmode=disable",
        &url[..url.len() - rest.len()],
        auth_host.replace(host_port, &format!("127.0.0.1:{port}")),
        path,
        if path.contains('?') { "&" } else { "?" }
    );
    let p = Project::new("pg-roundtrips");
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{relayed}\"\n"
    ));
    let add = |i: usize| {
        p.simple(
            &format!("M{i:02}"),
            &[],
            &[
                &format!("CREATE TABLE t{i} (id integer PRIMARY KEY, name text NOT NULL)"),
                &format!("CREATE INDEX t{i}_name ON t{i} (name)"),
                &format!("INSERT INTO t{i} VALUES (1, 'one')"),
            ],
            &[&format!("DROP TABLE t{i}")],
        );
    };
    add(0);
    sluice(p.path(), &["up"]).code(0); // sluice's tables are made
    add(1);
    let before = round_trips(&wire);
    sluice(p.path(), &["up"]).code(0);
    let one = round_trips(&wire) - before;
    for i in 2..12 {
        add(i);
    }
    let before = round_trips(&wire);
    sluice(p.path(), &["up"]).code(0);
    let ten = round_trips(&wire) - before;
    // The same run around them; nine migrations more cost nine round trips more (three
    // each before they were sent at once). A run that outlasted the lock's heartbeat (5 s)
    // would add one for each beat: allowed, so a slow machine does not fail this.
    assert!(
        (9..=11).contains(&(ten - one)),
        "one run of 1 migration: {one}; of 10: {ten}"
    );
    // A run with nothing to apply: connect, read the state, take and free the lock (on
    // its own connection), read the history under it. Each query with parameters goes
    // with their types, so it is one round trip, not two.
    let before = round_trips(&wire);
    sluice(p.path(), &["up"]).code(0);
    let idle = round_trips(&wire) - before;
    assert!(
        idle <= 16,
        "a run with nothing to apply took {idle} round trips (one migration: {one})"
    );
    // The server timed the statements: the history and the applied event carry it.
    assert_eq!(
        psql(
            &url,
            "SELECT count(*) FROM sluice.migrations WHERE duration_ms IS NULL"
        )
        .unwrap(),
        "0"
    );
    assert_eq!(
        psql(
            &url,
            "SELECT count(*) FROM sluice.events WHERE to_state = 'applied' AND duration_ms IS NULL"
        )
        .unwrap(),
        "0"
    );
}

#[test]
fn a_failure_sent_at_once_names_its_statement_and_leaves_nothing() {
    let b = Backend::postgres("atonce-fail");
    let url = b.url();
    let p = Project::new("pg-atonce-fail");
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{url}\"\n"
    ));
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE k (id integer PRIMARY KEY)"],
        &["DROP TABLE k"],
    );
    // The second statement breaks a constraint: the server gives no position, so sluice
    // finds the statement by running them again in a transaction it rolls back.
    p.simple(
        "M2",
        &[],
        &[
            "CREATE TABLE made_first (x integer)",
            "INSERT INTO k VALUES (1), (1)",
            "CREATE TABLE never (x integer)",
        ],
        &["DROP TABLE made_first"],
    );
    let run = sluice(p.path(), &["up"]);
    assert_ne!(run.code, 0, "{}", run.stdout);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("statement 2"), "{out}");
    assert_eq!(
        psql(&url, "SELECT to_regclass('made_first') IS NULL").unwrap(),
        "t"
    );
    assert_eq!(
        psql(
            &url,
            "SELECT state || ' ' || statements_done FROM sluice.migrations WHERE id = 'M2'"
        )
        .unwrap(),
        "failed 0"
    );
    // A statement with a position: the line is found in the batch sent at once.
    p.simple(
        "M2",
        &[],
        &[
            "CREATE TABLE made_first (x integer)",
            "SELECT nosuchcolumn FROM k",
        ],
        &["DROP TABLE made_first"],
    );
    let run = sluice(p.path(), &["up"]);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("nosuchcolumn"), "{out}");
    assert_eq!(
        psql(&url, "SELECT to_regclass('made_first') IS NULL").unwrap(),
        "t"
    );
}
