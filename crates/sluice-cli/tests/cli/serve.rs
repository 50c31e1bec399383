//! `sluice serve`: the dashboard, a page per migration and per run, and the JSON API, on
//! the SQLite, PostgreSQL and MariaDB examples, each page loaded in headless Chromium
//! (its DOM checked, a screenshot that is not blank); the token off loopback; no password
//! in any page or API response.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use sluice_testkit::TempDir;

use crate::pg::example;
use crate::support::{sluice, sluice_cmd};

/// A running `sluice serve`, stopped when dropped.
struct Serving {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    base: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, listen: &str, token: Option<&str>) -> Serving {
    let mut cmd = sluice_cmd(dir, &["serve", "--listen", listen]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    match token {
        Some(t) => cmd.env("SLUICE_SERVE_TOKEN", t),
        None => cmd.env_remove("SLUICE_SERVE_TOKEN"),
    };
    let mut child = cmd.spawn().expect("sluice serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // `sluice serve: http://0.0.0.0:41234/ (…)`
    let port = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|a| a.rsplit(':').next())
        .unwrap_or_else(|| {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("no address in {line:?}: {err}")
        })
        .to_string();
    Serving {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// One HTTP GET: status, headers, body.
fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut req = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn chromium_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

fn chromium() -> &'static str {
    let path = "/usr/bin/chromium";
    assert!(
        Path::new(path).exists(),
        "these tests load the pages in headless Chromium, and {path} is missing: apt-get install -y chromium"
    );
    path
}

/// The DOM Chromium builds for `url`.
fn dom(url: &str) -> String {
    let profile = TempDir::new("chromium");
    let out = Command::new(chromium())
        .args(chromium_args(profile.path()))
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium --dump-dom {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A screenshot of `url` into `file`, checked not to be blank: many colours, and more
/// than a sliver of the page not white.
fn screenshot(url: &str, file: &Path) {
    let profile = TempDir::new("chromium");
    let out = Command::new(chromium())
        .args(chromium_args(profile.path()))
        .arg(format!("--screenshot={}", file.display()))
        .args(["--window-size=1280,1400", url])
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success() && file.exists(),
        "chromium --screenshot {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(BufReader::new(std::fs::File::open(file).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(step).collect();
    let colours: std::collections::HashSet<&[u8]> = pixels.iter().map(|p| &p[..3]).collect();
    let inked = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    assert!(
        colours.len() > 16 && inked * 100 > pixels.len(),
        "{url}: the screenshot looks blank ({} colours, {inked} of {} pixels not white)",
        colours.len(),
        pixels.len()
    );
}

/// Every page of a served project: the dashboard, each migration, each run, the API. Their
/// bodies, concatenated (for the password check), and the run ids.
fn crawl(base: &str) -> String {
    let mut all = String::new();
    let (code, _, home) = get(base, "/", &[]);
    assert_eq!(code, 200, "{home}");
    all.push_str(&home);
    let links: Vec<String> = home
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    assert!(links.iter().any(|l| l.starts_with("/migration/")), "{home}");
    for l in &links {
        let (code, _, body) = get(base, l, &[]);
        assert_eq!(code, 200, "{l}: {body}");
        all.push_str(&body);
    }
    let (code, _, api) = get(base, "/api/status", &[]);
    assert_eq!(code, 200);
    let v: Value = serde_json::from_str(&api).expect("the API answers JSON");
    assert!(!v["environments"].as_array().unwrap().is_empty());
    all.push_str(&api);
    all
}

#[test]
fn the_dashboard_shows_every_environment_of_the_sqlite_example_in_a_browser() {
    let dir = example("quickstart");
    let d = dir.path();
    // A third environment that asks for approvals: its pending migrations wait for one.
    let cfg = std::fs::read_to_string(d.join("sluice.toml")).unwrap();
    std::fs::write(
        d.join("sluice.toml"),
        format!("{cfg}\n[environments.prod]\nurl = \"sqlite:quickstart-prod.db\"\nafter = \"staging\"\napprove_at = \"low\"\n"),
    )
    .unwrap();
    sluice(d, &["up"]).code(0);
    sluice(d, &["--env", "staging", "up", "--count", "3"]).code(0);
    // A migration that fails in dev: the dashboard names it with its error.
    std::fs::write(
        d.join("migrations/20260101_000000_broken.sql"),
        "-- sluice:up\nCREATE TABLE transfers (id INTEGER);\n\n-- sluice:down\nDROP TABLE transfers;\n",
    )
    .unwrap();
    sluice(d, &["up"]).code(3);
    let before: Vec<String> = ["dev", "staging"]
        .iter()
        .map(|e| {
            sluice(d, &["--env", e, "log", "--format", "json"])
                .code(0)
                .stdout
        })
        .collect();
    let s = serve(d, "127.0.0.1:0", None);
    let page = dom(&format!("{}/", s.base));
    for want in [
        "Environment dev",
        "Environment staging",
        "Environment prod",
        "Progress history",
        "<svg",
        "Failed and partial",
        "20260101_000000_broken failed: ",
        "already exists",
        "Approvals waiting",
        "needs an approval in prod",
        "42 % applied (3 of 7)",
        "87 % applied (7 of 8)",
        "Last runs",
    ] {
        assert!(page.contains(want), "the dashboard lacks {want:?}:\n{page}");
    }
    screenshot(&format!("{}/", s.base), &d.join("dashboard.png"));
    let all = crawl(&s.base);
    // A migration's page: its SQL, its verify checks, its events in each environment.
    let m = dom(&format!(
        "{}/migration/20251104_000000_add_queue_jobs",
        s.base
    ));
    assert!(
        m.contains("CREATE TABLE IF NOT EXISTS queue_jobs")
            && m.contains("Verify checks")
            && m.contains("applying → applied"),
        "{m}"
    );
    screenshot(
        &format!("{}/migration/20251104_000000_add_queue_jobs", s.base),
        &d.join("migration.png"),
    );
    // A run's page: its events in order.
    let run = all
        .split("/run/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a run link")
        .to_string();
    let r = dom(&format!("{}/run/{run}", s.base));
    assert!(
        r.contains(&format!("Run {run}")) && r.contains("pending → applying"),
        "{r}"
    );
    // The API says what `status --format json` says.
    let (_, _, api) = get(&s.base, "/api/env/staging", &[]);
    let api: Value = serde_json::from_str(&api).unwrap();
    let st = sluice(d, &["--env", "staging", "status", "--format", "json"]).code(0);
    let st: Value = serde_json::from_str(&st.stdout).unwrap();
    assert_eq!(api["summary"], st["summary"]);
    assert_eq!(api["migrations"], st["migrations"]);
    let (code, _, _) = get(&s.base, "/migration/nope", &[]);
    assert_eq!(code, 404);
    // Nothing was written: every audit log is as it was before the server started.
    let after: Vec<String> = ["dev", "staging"]
        .iter()
        .map(|e| {
            sluice(d, &["--env", e, "log", "--format", "json"])
                .code(0)
                .stdout
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn off_loopback_every_request_needs_the_token() {
    let dir = example("quickstart");
    let d = dir.path();
    sluice(d, &["up"]).code(0);
    // No token set: refused before listening.
    let run = sluice(d, &["serve", "--listen", "0.0.0.0:0"]);
    let run = run.code(2);
    assert!(
        run.stderr.contains("set SLUICE_SERVE_TOKEN"),
        "{}",
        run.stderr
    );
    let token = "t0ken-for-the-dashboard";
    let s = serve(d, "0.0.0.0:0", Some(token));
    for path in [
        "/",
        "/api/status",
        "/migration/20251104_000000_add_queue_jobs",
    ] {
        let (code, head, _) = get(&s.base, path, &[]);
        assert_eq!(code, 401, "{path}: {head}");
        let (code, _, _) = get(&s.base, path, &[("Authorization", "Bearer wrong")]);
        assert_eq!(code, 401, "{path}");
        let (code, _, _) = get(
            &s.base,
            path,
            &[("Authorization", &format!("Bearer {token}"))],
        );
        assert_eq!(code, 200, "{path}");
    }
    // Once in a browser: ?token= sets a cookie, and the cookie is enough after that.
    let (code, head, _) = get(&s.base, &format!("/?token={token}"), &[]);
    assert!(
        code == 200 && head.contains("Set-Cookie: sluice_token="),
        "{head}"
    );
    let (code, _, _) = get(
        &s.base,
        "/api/status",
        &[("Cookie", &format!("sluice_token={token}"))],
    );
    assert_eq!(code, 200);
    let page = dom(&format!("{}/", s.base));
    assert!(page.contains("A token is needed"), "{page}");
    let page = dom(&format!("{}/?token={token}", s.base));
    assert!(page.contains("Environment dev"), "{page}");
    // Only GET.
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.write_all(format!("POST /?token={token} HTTP/1.0\r\n\r\n").as_bytes())
        .unwrap();
    let mut raw = String::new();
    c.read_to_string(&mut raw).unwrap();
    assert!(
        raw.starts_with("HTTP/1.0 405") || raw.starts_with("HTTP/1.1 405"),
        "{raw}"
    );
}

/// A served example on a server, its URL carrying `secret`: every page loads in the
/// browser, and the secret appears nowhere.
fn served_without_secrets(name: &str, url: &str, secret: &str, want: &[&str]) {
    let dir = example(name);
    let d = dir.path();
    std::fs::write(
        d.join(".env"),
        format!("DATABASE_URL={url}\nPROD_DATABASE_URL={url}\n"),
    )
    .unwrap();
    sluice(d, &["up"]).code(0);
    let s = serve(d, "127.0.0.1:0", None);
    let page = dom(&format!("{}/", s.base));
    for w in want {
        assert!(
            page.contains(w),
            "{name}: the dashboard lacks {w:?}:\n{page}"
        );
    }
    screenshot(&format!("{}/", s.base), &d.join("dashboard.png"));
    let mut all = crawl(&s.base);
    all.push_str(&page);
    let first = all
        .split("/migration/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let m = dom(&format!("{}/migration/{first}", s.base));
    assert!(m.contains("Events across environments"), "{m}");
    all.push_str(&m);
    assert!(
        !all.contains(secret),
        "{name}: the password appears:\n{all}"
    );
}

#[test]
fn the_dashboard_of_the_postgres_example_never_shows_its_password() {
    let db = sluice_testkit::postgres::server().database("serve");
    let secret = "Serve-S3cret-pg";
    // The test server trusts local connections: any password is accepted.
    let url = db
        .url
        .replacen("postgres@", &format!("postgres:{secret}@"), 1);
    served_without_secrets(
        "listing-helper",
        &url,
        secret,
        &[
            "Environment dev",
            "100 % applied (5 of 5)",
            "postgres://postgres:***@",
        ],
    );
}

#[test]
fn the_dashboard_of_the_mariadb_example_never_shows_its_password() {
    let db = sluice_testkit::mariadb::server().database("serve");
    let secret = "Serve-S3cret-my";
    sluice_testkit::mariadb::client(
        &db.url,
        &format!(
            "CREATE USER IF NOT EXISTS 'dash'@'%' IDENTIFIED BY '{secret}'; GRANT ALL ON *.* TO 'dash'@'%'"
        ),
    )
    .unwrap();
    let url = db.url.replacen("root@", &format!("dash:{secret}@"), 1);
    served_without_secrets(
        "consignments-mysql",
        &url,
        secret,
        &["Environment dev", "Environment prod", "mysql://dash:***@"],
    );
}

#[test]
fn an_environment_that_cannot_be_read_is_shown_as_such() {
    let p = sluice_testkit::Project::new("serve-down");
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"postgres://app:Pw-never-shown@127.0.0.1:{port}/app\"\n"
    ));
    p.migration(
        "001_a",
        "-- sluice:up\nCREATE TABLE a (id INTEGER);\n\n-- sluice:down\nDROP TABLE a;\n",
    );
    let s = serve(p.path(), "127.0.0.1:0", None);
    let (code, _, page) = get(&s.base, "/", &[]);
    assert_eq!(code, 200, "{page}");
    assert!(
        page.contains("Environment dev") && page.contains("Could not be read: cannot connect"),
        "{page}"
    );
    let (code, _, api) = get(&s.base, "/api/status", &[]);
    assert_eq!(code, 200);
    assert!(api.contains("\"error\": \"cannot connect"), "{api}");
    assert!(!page.contains("Pw-never-shown") && !api.contains("Pw-never-shown"));
}
