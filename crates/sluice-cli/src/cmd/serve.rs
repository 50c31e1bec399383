//! `sluice serve`: a live dashboard of every environment and fleet of `sluice.toml`, a
//! page per migration and per run, and the same data as JSON under `/api/`.
//!
//! Every request reads the databases afresh, read-only; nothing is written anywhere. Off
//! loopback every request needs the token of `SLUICE_SERVE_TOKEN`. Pages are sluice's own
//! HTML and SVG: no script, nothing fetched from elsewhere, so they work offline.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;

use sluice_core::engine::EventRow;
use sluice_core::time::Timestamp;
use sluice_core::{Migration, Plan, State};
use sluice_report::doc::{self, Doc};
use sluice_report::reports::{EnvStatus, RunSummary, StatusReport};

use crate::args::ServeArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// The header that carries the token, besides `?token=` and the cookie it sets.
const COOKIE: &str = "sluice_token";

pub fn run(a: ServeArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let addr: SocketAddr = a.listen.parse().map_err(|e| {
        Failure::new(
            Exit::Input,
            format!("--listen {}: {e} (write it as 127.0.0.1:7878)", a.listen),
        )
    })?;
    let token = std::env::var("SLUICE_SERVE_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let loopback = addr.ip().is_loopback();
    if !loopback && token.is_none() {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "--listen {addr} is reachable from other machines: set SLUICE_SERVE_TOKEN to a secret that every request must carry (Authorization: Bearer …, or ?token=… once in a browser), or listen on 127.0.0.1"
            ),
        ));
    }
    let server = tiny_http::Server::http(addr)
        .map_err(|e| Failure::new(Exit::Output, format!("cannot listen on {addr}: {e}")))?;
    let shown = server
        .server_addr()
        .to_ip()
        .map_or(addr.to_string(), |a| a.to_string());
    writeln!(
        out,
        "sluice serve: http://{shown}/ ({}; read-only; Ctrl-C stops)",
        if loopback {
            "loopback: no token needed"
        } else {
            "a token is needed"
        }
    )?;
    out.flush()?;
    let need = if loopback { None } else { token };
    // A few requests at a time: a slow database delays only the pages that read it.
    let server = std::sync::Arc::new(server);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let (server, need) = (server.clone(), need.as_deref());
            scope.spawn(move || {
                while let Ok(req) = server.recv() {
                    let response = respond(s, need, &req);
                    // A client that went away is no reason to stop serving.
                    let _ = req.respond(response);
                }
            });
        }
    });
    Ok(Exit::Success)
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        tiny_http::Header::from_bytes("X-Sluice", "1").expect("a valid header")
    })
}

fn page(status: u16, kind: &str, body: Vec<u8>) -> Response {
    tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
        ))
}

fn html(status: u16, d: &Doc) -> Response {
    let mut body = Vec::new();
    let _ = doc::html(d, &mut body);
    page(status, "text/html; charset=utf-8", body)
}

fn json(v: &serde_json::Value) -> Response {
    page(
        200,
        "application/json",
        serde_json::to_vec_pretty(v).unwrap_or_default(),
    )
}

fn problem(status: u16, title: &str, text: String) -> Response {
    let mut d = Doc::new(title);
    d.p(text);
    d.links(vec![("/".into(), "the dashboard".into())]);
    html(status, &d)
}

/// Splits `/a/b?x=1&y=2` into its path and query pairs (percent-decoded).
fn split(url: &str) -> (String, BTreeMap<String, String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (decode(path), pairs)
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (hex, b[i]) {
            (Some(v), _) => {
                out.push(v);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, c) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a path segment.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (c as char).to_string()
            }
            c => format!("%{c:02X}"),
        })
        .collect()
}

/// Equal, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn respond(s: &Settings, need: Option<&str>, req: &tiny_http::Request) -> Response {
    let (path, query) = split(req.url());
    let mut set_cookie = None;
    if let Some(token) = need {
        let bearer = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("Authorization"))
            .and_then(|h| h.value.as_str().strip_prefix("Bearer ").map(str::to_string));
        let cookie = req
            .headers()
            .iter()
            .filter(|h| h.field.equiv("Cookie"))
            .flat_map(|h| {
                h.value
                    .as_str()
                    .split(';')
                    .map(|c| c.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")).map(str::to_string));
        let given = query.get("token").cloned();
        let ok = [bearer, cookie, given.clone()]
            .iter()
            .flatten()
            .any(|t| same(t, token));
        if !ok {
            return problem(
                401,
                "A token is needed",
                "This sluice serve listens beyond loopback: send the token of SLUICE_SERVE_TOKEN as `Authorization: Bearer <token>`, or open this page once with `?token=<token>`.".into(),
            )
            .with_header(header("WWW-Authenticate", "Bearer"));
        }
        if given.is_some() {
            set_cookie = Some(format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
            ));
        }
    }
    if !matches!(
        req.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        return problem(405, "Read-only", "sluice serve only reads: use GET.".into());
    }
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let result = match parts.as_slice() {
        [] => dashboard(s).map(|d| html(200, &d)),
        ["migration", id] => migration_page(s, id),
        ["run", id] => run_page(s, id),
        ["api", "status"] => api_status(s).map(|v| json(&v)),
        ["api", "env", name] => api_env(s, name),
        ["api", "fleet", name] => api_fleet(s, name),
        _ => Ok(problem(
            404,
            "Not found",
            format!("sluice serve has no page {path}"),
        )),
    };
    let response =
        result.unwrap_or_else(|f| problem(500, "Could not read", format!("{}", f.error)));
    match set_cookie {
        Some(c) => response.with_header(header("Set-Cookie", &c)),
        None => response,
    }
}

/// Every environment and fleet, read now.
fn read(s: &Settings) -> Result<(Plan, StatusReport), Failure> {
    // The files are read once for the page: the report takes this plan.
    let plan = std::sync::Arc::new(s.plan()?);
    let mut shared = s.clone();
    shared.shared_plan = Some(plan.clone());
    let report = super::report::status_report(&shared, Timestamp::now().rfc3339())?;
    Ok((Plan::clone(&plan), report))
}

/// The environments of sluice.toml in promotion order (or the one this command reads).
fn env_names(s: &Settings) -> Vec<String> {
    match &s.config {
        Some(cfg) if !cfg.environments.is_empty() => super::status::promotion_order(cfg)
            .into_iter()
            .map(str::to_string)
            .collect(),
        _ => vec![s.env.clone()],
    }
}

/// The events of every environment, by environment (an environment that cannot be read
/// is left out, with why).
fn all_events(s: &Settings) -> Vec<(String, Result<Vec<EventRow>, String>)> {
    env_names(s)
        .into_iter()
        .map(|name| {
            let events = if s
                .config
                .as_ref()
                .is_some_and(|c| c.environments.contains_key(&name))
            {
                super::gates::read_env_full(s, &name).map(|r| r.events)
            } else {
                (|| -> Result<Vec<EventRow>, Failure> {
                    match s.open(sluice_engine::Access::ReadOnly, "serve")? {
                        Some(mut e) => Ok(sluice_core::deploy::own_events(e.as_mut())?),
                        None => Ok(Vec::new()),
                    }
                })()
                .map_err(|f| f.error.to_string())
            };
            (name, events)
        })
        .collect()
}

const PALETTE: [&str; 6] = [
    "#0b57d0", "#b3261e", "#116329", "#8a5a00", "#6f42c1", "#1f7a8c",
];

/// A line per environment of its percent applied after each run, drawn as SVG.
fn chart(envs: &[EnvStatus]) -> Option<String> {
    let series: Vec<(&str, &[RunSummary])> = envs
        .iter()
        .filter(|e| !e.history.is_empty())
        .map(|e| (e.environment.as_str(), e.history.as_slice()))
        .collect();
    if series.is_empty() {
        return None;
    }
    let (w, h, left, top) = (640.0_f64, 180.0_f64, 44.0_f64, 12.0_f64);
    let most = series
        .iter()
        .map(|(_, r)| r.len())
        .max()
        .unwrap_or(1)
        .max(2);
    let x = |i: usize| left + (w - left - 12.0) * i as f64 / (most - 1) as f64;
    let y = |p: u32| top + (h - top - 28.0) * (1.0 - f64::from(p) / 100.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Percent applied after each run, per environment\" width=\"{w}\" height=\"{}\" viewBox=\"0 0 {w} {}\" style=\"max-width:100%;height:auto\">",
        h + 18.0 * series.len() as f64,
        h + 18.0 * series.len() as f64
    );
    for p in [0u32, 50, 100] {
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d7de\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">{p}%</text>",
            w - 12.0,
            left - 6.0,
            y(p) + 4.0,
            y = y(p)
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{left}\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\">runs, oldest first</text>",
        h - 8.0
    ));
    for (k, (name, runs)) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let points: Vec<String> = runs
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{:.1},{:.1}", x(i), y(r.percent_applied)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        ));
        for (i, r) in runs.iter().enumerate() {
            svg.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"><title>{}: {} by {}, {} % applied ({})</title></circle>",
                x(i),
                y(r.percent_applied),
                doc::esc(name),
                doc::esc(&r.run_id),
                doc::esc(&r.actor),
                r.percent_applied,
                r.result
            ));
        }
        svg.push_str(&format!(
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            h + 18.0 * k as f64,
            left + 18.0,
            h + 10.0 + 18.0 * k as f64,
            doc::esc(name)
        ));
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Approvals an environment waits for: pending migrations at or above its `approve_at`
/// without an approval for their current file.
fn approvals_waiting(
    s: &Settings,
    plan: &Plan,
    env: &str,
    pending: &[String],
    events: &[EventRow],
    assessed: &BTreeMap<String, sluice_core::gates::Assessed>,
) -> Vec<String> {
    let Some(cfg) = s.config.as_ref().and_then(|c| c.environments.get(env)) else {
        return Vec::new();
    };
    if cfg.approve_at.is_none() {
        return Vec::new();
    }
    let apply: Vec<&Migration> = pending.iter().filter_map(|id| plan.get(id)).collect();
    let risks: Vec<_> = apply
        .iter()
        .map(|m| assessed.get(m.id.as_str()).cloned().unwrap_or_default())
        .collect();
    sluice_core::gates::check(&sluice_core::gates::Inputs {
        env,
        cfg,
        apply: &apply,
        events,
        upstream: None,
        confirmed: &[],
        assessed: &risks,
    })
    .into_iter()
    .filter(|g| g.gate == "approval" && !g.passed)
    .map(|g| {
        format!(
            "{}: {} — {}",
            g.migration.unwrap_or_default(),
            g.reason,
            g.fix.unwrap_or_default()
        )
    })
    .collect()
}

fn dashboard(s: &Settings) -> Result<Doc, Failure> {
    let (plan, report) = read(s)?;
    let events: BTreeMap<String, Vec<EventRow>> = all_events(s)
        .into_iter()
        .filter_map(|(n, e)| e.ok().map(|e| (n, e)))
        .collect();
    let ms: Vec<&Migration> = plan.migrations().iter().collect();
    let mut o = super::analysis::options(s, s.dialect)?;
    let reports = super::analysis::analyse_plan(&ms, &mut o, None)?;
    let assessed: BTreeMap<String, sluice_core::gates::Assessed> = ms
        .iter()
        .zip(&reports)
        .map(|(m, r)| (m.id.to_string(), sluice_core::gates::Assessed::of(r)))
        .collect();
    let project = std::fs::canonicalize(&s.project).unwrap_or_else(|_| s.project.clone());
    let mut d = Doc::new(format!(
        "sluice: {}",
        project
            .file_name()
            .map_or("project".into(), |n| n.to_string_lossy().into_owned())
    ));
    d.fields(vec![
        ("Read at", report.generated_at.clone()),
        ("Migrations", plan.migrations().len().to_string()),
        ("Environments", report.environments.len().to_string()),
    ]);
    d.links(vec![(
        "/api/status".into(),
        "the same as JSON (/api/status)".into(),
    )]);
    d.table(
        &[
            "Environment",
            "Completion",
            "Applied",
            "Pending",
            "Failed",
            "Partial",
            "Last run",
        ],
        report
            .environments
            .iter()
            .map(|e| match &e.status {
                Some(st) => vec![
                    e.environment.clone(),
                    format!("{} %", st.summary.percent_applied),
                    st.summary.applied.to_string(),
                    st.summary.pending.to_string(),
                    st.summary.failed.to_string(),
                    st.summary.partial.to_string(),
                    e.last_run.as_ref().map_or("none yet".into(), |r| {
                        format!("{}, {}", r.started_at, r.result)
                    }),
                ],
                None => vec![
                    e.environment.clone(),
                    "not read".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    e.error.clone().unwrap_or_default(),
                ],
            })
            .collect(),
    );
    if let Some(svg) = chart(&report.environments) {
        d.h(2, "Progress history");
        d.svg(svg);
    }
    for e in &report.environments {
        d.h(2, format!("Environment {}", e.environment));
        let Some(st) = &e.status else {
            d.p(format!(
                "Could not be read: {}",
                e.error.as_deref().unwrap_or("unknown")
            ));
            continue;
        };
        let relevant = st.summary.total.saturating_sub(st.summary.skipped);
        let percent = st.summary.percent_applied;
        let mut fields = vec![
            ("Database", st.target.database.clone()),
            (
                "Completion",
                format!("{percent} % applied ({} of {relevant})", st.summary.applied),
            ),
            (
                "States",
                format!(
                    "{} applied, {} pending, {} failed, {} partial",
                    st.summary.applied, st.summary.pending, st.summary.failed, st.summary.partial
                ),
            ),
        ];
        if let Some(r) = &e.last_run {
            fields.push((
                "Last run",
                format!(
                    "{} by {} at {}: {}",
                    r.run_id, r.actor, r.started_at, r.result
                ),
            ));
        }
        if let Some(l) = &st.lock {
            fields.push(("Running now", l.clone()));
        }
        let drifted: Vec<&str> = st
            .migrations
            .iter()
            .filter(|m| m.drift)
            .map(|m| m.id.as_str())
            .collect();
        fields.push((
            "Drift",
            if drifted.is_empty() {
                "none: every applied file is as it was applied".into()
            } else {
                format!("edited after they were applied: {}", drifted.join(", "))
            },
        ));
        d.fields(fields);
        let trouble: Vec<String> = st
            .migrations
            .iter()
            .filter(|m| matches!(m.state, State::Failed | State::Partial))
            .map(|m| {
                format!(
                    "{} {}: {}",
                    m.id,
                    m.state,
                    m.last_error.as_deref().unwrap_or("no error recorded")
                )
            })
            .collect();
        if !trouble.is_empty() {
            d.h(3, "Failed and partial");
            d.list(trouble);
        }
        let pending: Vec<String> = st
            .migrations
            .iter()
            .filter(|m| m.state == State::Pending && m.runs_here)
            .map(|m| m.id.clone())
            .collect();
        let env_events = events.get(&e.environment).map_or(&[][..], Vec::as_slice);
        let waiting = approvals_waiting(s, &plan, &e.environment, &pending, env_events, &assessed);
        if !waiting.is_empty() {
            d.h(3, "Approvals waiting");
            d.list(waiting);
        }
        if !e.history.is_empty() {
            d.h(3, "Last runs");
            let last: Vec<&RunSummary> = e.history.iter().rev().take(10).collect();
            d.table(
                &[
                    "Run", "Who", "When", "Applied", "Reverted", "Result", "% after",
                ],
                last.iter()
                    .map(|r| {
                        vec![
                            r.run_id.clone(),
                            r.actor.clone(),
                            r.started_at.clone(),
                            r.applied.to_string(),
                            r.reverted.to_string(),
                            r.result.to_string(),
                            r.percent_applied.to_string(),
                        ]
                    })
                    .collect(),
            );
            d.links(
                last.iter()
                    .map(|r| {
                        (
                            format!("/run/{}", encode(&r.run_id)),
                            format!("run {}", r.run_id),
                        )
                    })
                    .collect(),
            );
        }
        d.links(vec![(
            format!("/api/env/{}", encode(&e.environment)),
            format!("{} as JSON", e.environment),
        )]);
    }
    d.h(2, "Migrations");
    let names: Vec<&str> = report
        .environments
        .iter()
        .map(|e| e.environment.as_str())
        .collect();
    let mut head = vec!["Migration"];
    head.extend(names.iter().copied());
    d.table(
        &head,
        plan.migrations()
            .iter()
            .map(|m| {
                let mut row = vec![m.id.to_string()];
                for e in &report.environments {
                    row.push(
                        e.status
                            .as_ref()
                            .and_then(|st| st.migrations.iter().find(|r| r.id == m.id.as_str()))
                            .map_or("?".into(), |r| r.state.to_string()),
                    );
                }
                row
            })
            .collect(),
    );
    d.links(
        plan.migrations()
            .iter()
            .map(|m| {
                (
                    format!("/migration/{}", encode(m.id.as_str())),
                    m.id.to_string(),
                )
            })
            .collect(),
    );
    for f in &report.fleets {
        f.section(&mut d);
        d.links(vec![(
            format!("/api/fleet/{}", encode(&f.fleet)),
            format!("fleet {} as JSON", f.fleet),
        )]);
    }
    Ok(d)
}

fn event_rows(rows: &[(String, &EventRow)]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(env, r)| {
            let e = &r.event;
            let change = match (&e.from_state, &e.to_state) {
                (Some(a), Some(b)) => format!("{a} → {b}"),
                (None, Some(b)) => format!("→ {b}"),
                _ => String::new(),
            };
            vec![
                env.clone(),
                e.at.clone(),
                e.run_id.to_string(),
                e.migration_id
                    .as_ref()
                    .map_or(String::new(), ToString::to_string),
                e.actor.clone(),
                change,
                e.reason.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

const EVENT_HEAD: [&str; 7] = [
    "Environment",
    "At",
    "Run",
    "Migration",
    "Who",
    "Change",
    "Why",
];

fn migration_page(s: &Settings, id: &str) -> Result<Response, Failure> {
    let plan = s.plan()?;
    let Some(m) = plan.get(id) else {
        return Ok(problem(
            404,
            "Not found",
            format!("no migration {id} in this project"),
        ));
    };
    let idx = plan
        .migrations()
        .iter()
        .position(|x| x.id == m.id)
        .unwrap_or(0);
    let ms: Vec<&Migration> = plan.migrations().iter().collect();
    let mut o = super::analysis::options(s, s.dialect)?;
    let reports = super::analysis::analyse_plan(&ms, &mut o, None)?;
    let mut d = Doc::new(format!("Migration {}", m.id));
    d.links(vec![("/".into(), "the dashboard".into())]);
    d.fields(vec![
        (
            "File",
            format!("`{}`", crate::settings::tidy(&m.path).display()),
        ),
        (
            "Author",
            m.meta.author.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "Description",
            m.meta.description.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "Risk (header)",
            m.meta.risk.map_or("not stated".into(), |r| {
                format!("{r:?}").to_ascii_lowercase()
            }),
        ),
        ("Checksum", m.checksum.to_string()),
    ]);
    d.h(2, "Up");
    d.code(
        "sql",
        m.up.statements
            .iter()
            .map(|st| format!("-- line {}\n{};", st.line, st.sql))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    d.h(2, "Down");
    match &m.down {
        Some(down) if !down.statements.is_empty() => d.code(
            "sql",
            down.statements
                .iter()
                .map(|st| format!("-- line {}\n{};", st.line, st.sql))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => d.p("No down section: irreversible."),
    }
    d.h(2, "Analysis");
    match reports.get(idx) {
        Some(r) if !r.findings.is_empty() => d.list(
            r.findings
                .iter()
                .map(|f| {
                    format!(
                        "{} ({:?}, line {}): {}{}",
                        f.rule,
                        f.severity,
                        f.line,
                        f.message,
                        f.allowed
                            .as_ref()
                            .map_or(String::new(), |w| format!(" — allowed: {w}"))
                    )
                })
                .collect(),
        ),
        _ => d.p("No finding."),
    }
    d.h(2, "Verify checks");
    if m.verify.is_empty() {
        d.p("None.");
    } else {
        d.list(
            m.verify
                .iter()
                .map(|c| format!("line {}: `{}`", c.line, c.sql.replace('\n', " ")))
                .collect(),
        );
    }
    d.h(2, "Events across environments");
    let all = all_events(s);
    let mut rows: Vec<(String, &EventRow)> = Vec::new();
    for (env, evs) in &all {
        match evs {
            Ok(evs) => rows.extend(
                evs.iter()
                    .filter(|e| e.event.migration_id.as_ref().is_some_and(|x| x == &m.id))
                    .map(|e| (env.clone(), e)),
            ),
            Err(why) => d.p(format!("{env} could not be read: {why}")),
        }
    }
    rows.sort_by(|a, b| a.1.event.at.cmp(&b.1.event.at));
    if rows.is_empty() {
        d.p("None yet.");
    } else {
        d.table(&EVENT_HEAD, event_rows(&rows));
    }
    Ok(html(200, &d))
}

fn run_page(s: &Settings, id: &str) -> Result<Response, Failure> {
    let all = all_events(s);
    let mut rows: Vec<(String, &EventRow)> = Vec::new();
    for (env, evs) in &all {
        if let Ok(evs) = evs {
            rows.extend(
                evs.iter()
                    .filter(|e| e.event.run_id.as_str() == id)
                    .map(|e| (env.clone(), e)),
            );
        }
    }
    if rows.is_empty() {
        return Ok(problem(
            404,
            "Not found",
            format!("no run {id} in any environment"),
        ));
    }
    rows.sort_by_key(|r| r.1.seq);
    let mut d = Doc::new(format!("Run {id}"));
    d.links(vec![("/".into(), "the dashboard".into())]);
    let first = &rows[0].1.event;
    d.fields(vec![
        ("Environment", rows[0].0.clone()),
        ("Who", first.actor.clone()),
        ("Host", first.host.clone()),
        ("Started", first.at.clone()),
        ("Events", rows.len().to_string()),
    ]);
    d.table(&EVENT_HEAD, event_rows(&rows));
    let migrations: Vec<(String, String)> = rows
        .iter()
        .filter_map(|(_, r)| r.event.migration_id.as_ref())
        .map(ToString::to_string)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|m| (format!("/migration/{}", encode(&m)), m))
        .collect();
    d.links(migrations);
    Ok(html(200, &d))
}

fn api_status(s: &Settings) -> Result<serde_json::Value, Failure> {
    let (_, report) = read(s)?;
    Ok(serde_json::to_value(&report).unwrap_or_default())
}

fn api_env(s: &Settings, name: &str) -> Result<Response, Failure> {
    let (_, report) = read(s)?;
    Ok(
        match report.environments.iter().find(|e| e.environment == name) {
            Some(e) => match &e.status {
                Some(st) => json(&serde_json::to_value(st).unwrap_or_default()),
                None => json(&serde_json::json!({ "environment": name, "error": e.error })),
            },
            None => problem(404, "Not found", format!("no environment {name}")),
        },
    )
}

fn api_fleet(s: &Settings, name: &str) -> Result<Response, Failure> {
    let (_, report) = read(s)?;
    Ok(match report.fleets.iter().find(|f| f.fleet == name) {
        Some(f) => json(&serde_json::to_value(f).unwrap_or_default()),
        None => problem(404, "Not found", format!("no fleet {name}")),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_split_and_decoded() {
        let (p, q) = super::split("/migration/001%20a?token=a%2Bb&x");
        assert_eq!(p, "/migration/001 a");
        assert_eq!(q.get("token").map(String::as_str), Some("a+b"));
        assert_eq!(super::encode("run 1/2"), "run%201%2F2");
        assert!(super::same("abc", "abc") && !super::same("abc", "abd") && !super::same("a", "ab"));
    }
}
