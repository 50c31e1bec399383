//! `sluice status`: each migration's state, drift and counts. Never writes.

use std::io::Write;

use sluice_core::run::Overview;
use sluice_report::StatusDoc;

use crate::args::{Format, StatusArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: StatusArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    if args.all_envs {
        return all_envs(s, out);
    }
    let (plan, mut history) = super::plan_and_history(s)?;
    let overview = history.overview(&plan, &s.env);
    let mut doc = StatusDoc::new(
        s.target(history.server),
        history.initialised,
        &overview.entries,
    );
    doc.lock = history.live.as_ref().map(ToString::to_string);
    if args.check {
        check_in_doubt(s, &overview, &mut doc)?;
    }
    super::emit(
        s,
        &doc,
        |d, st, o| sluice_report::status_text(d, st, o),
        out,
    )?;
    Ok(Exit::Success)
}

/// `status --check`: what the catalog says of each statement in doubt (what `up --resume`
/// would decide). Reads only.
fn check_in_doubt(
    s: &Settings,
    overview: &Overview<'_>,
    doc: &mut StatusDoc,
) -> Result<(), Failure> {
    let doubtful: Vec<_> = overview
        .entries
        .iter()
        .zip(0..)
        .filter_map(|(e, i)| Some((i, e.migration?, e.in_doubt.filter(|_| e.interrupted)?)))
        .collect();
    if doubtful.is_empty() {
        return Ok(());
    }
    let Some(mut engine) = s.open(sluice_engine::Access::ReadOnly, "status")? else {
        return Ok(());
    };
    for (i, m, k) in doubtful {
        let verdict = sluice_core::run::judge(engine.as_mut(), m, k)?;
        doc.migrations[i].check = Some(verdict.describe());
    }
    Ok(())
}

/// `status --all-envs`: a column per environment, each cell the migration's state there.
fn all_envs(s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let Some(cfg) = &s.config else {
        return Err(Failure::new(
            Exit::Input,
            "--all-envs needs the environments of a sluice.toml (see `sluice init`)",
        ));
    };
    let plan = s.plan()?;
    let mut columns: Vec<(String, Result<Vec<sluice_core::engine::Record>, String>)> = Vec::new();
    let names: Vec<(&String, &sluice_core::config::EnvConfig)> = promotion_order(cfg)
        .into_iter()
        .filter_map(|n| cfg.environments.get_key_value(n))
        .collect();
    for (name, e) in names {
        let read = (|| -> Result<Vec<sluice_core::engine::Record>, String> {
            let url = cfg.resolve_url(name, &e.url).map_err(|e| e.to_string())?;
            let opts = sluice_engine::OpenOptions {
                access: sluice_engine::Access::ReadOnly,
                application: "sluice/status".into(),
                state: s.state.clone(),
                session: e.session.clone(),
            };
            match sluice_engine::open(&url, &s.project, &opts).map_err(|e| e.to_string())? {
                None => Ok(Vec::new()),
                Some(mut eng) => {
                    if eng.state_exists().map_err(|e| e.to_string())? {
                        eng.records().map_err(|e| e.to_string())
                    } else {
                        Ok(Vec::new())
                    }
                }
            }
        })();
        columns.push((name.clone(), read));
    }
    let mut doc_rows = Vec::new();
    for m in plan.migrations() {
        let mut cells = Vec::new();
        for (name, read) in &columns {
            let cell = match read {
                Err(_) => "?".to_string(),
                Ok(records) => match records.iter().find(|r| r.id == m.id) {
                    Some(r)
                        if r.state == sluice_core::State::Applied && r.checksum != m.checksum =>
                    {
                        "applied (drift)".into()
                    }
                    Some(r) => r.state.to_string(),
                    None if !m.runs_in(name) => "n/a".into(),
                    None => "pending".into(),
                },
            };
            cells.push(cell);
        }
        doc_rows.push((m.id.to_string(), cells));
    }
    let summary: Vec<serde_json::Value> = columns
        .iter()
        .enumerate()
        .map(|(i, (name, read))| {
            let relevant: Vec<&String> = doc_rows.iter().map(|r| &r.1[i]).filter(|c| c.as_str() != "n/a").collect();
            let applied = relevant.iter().filter(|c| c.starts_with("applied")).count();
            serde_json::json!({
                "environment": name,
                "reachable": read.is_ok(),
                "error": read.as_ref().err(),
                "applied": applied,
                "total": relevant.len(),
                "percent_applied": if relevant.is_empty() { 100 } else { applied * 100 / relevant.len() },
            })
        })
        .collect();
    match s.format {
        Format::Json => sluice_report::json(
            &serde_json::json!({
                "schema_version": sluice_report::SCHEMA_VERSION,
                "environments": summary,
                "migrations": doc_rows.iter().map(|(id, cells)| serde_json::json!({
                    "id": id,
                    "states": columns.iter().zip(cells).map(|((n, _), c)| (n.clone(), serde_json::Value::String(c.clone()))).collect::<serde_json::Map<_, _>>(),
                })).collect::<Vec<_>>(),
            }),
            out,
        )?,
        _ => {
            // One aligned column per environment (the table renderer has fixed columns).
            let mut header = vec!["MIGRATION".to_string()];
            header.extend(columns.iter().map(|(n, _)| n.clone()));
            let mut rows = vec![header];
            for (id, cells) in &doc_rows {
                let mut r = vec![id.clone()];
                r.extend(cells.iter().cloned());
                rows.push(r);
            }
            let widths: Vec<usize> = (0..rows[0].len())
                .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
                .collect();
            for (k, r) in rows.iter().enumerate() {
                let line: String = r
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{c:<w$}  ", w = widths[i]))
                    .collect();
                let line = line.trim_end();
                if k == 0 {
                    writeln!(
                        out,
                        "{}",
                        s.style.paint(line, sluice_report::table::Color::Bold)
                    )?;
                } else {
                    writeln!(out, "{line}")?;
                }
            }
            writeln!(out)?;
            for (v, (name, read)) in summary.iter().zip(&columns) {
                match read {
                    Err(e) => writeln!(out, "{name}: unreachable ({e})")?,
                    Ok(_) => writeln!(
                        out,
                        "{name}: {} of {} applied — {}% applied",
                        v["applied"], v["total"], v["percent_applied"]
                    )?,
                }
            }
        }
    }
    Ok(Exit::Success)
}

/// The environments of `sluice.toml` in promotion order: each after the one it follows,
/// `dev` first among equals.
pub fn promotion_order(cfg: &sluice_core::config::Config) -> Vec<&str> {
    let depth = |name: &str| {
        let mut d = 0;
        let mut cur = name;
        while let Some(next) = cfg.environments.get(cur).and_then(|e| e.after.as_deref()) {
            d += 1;
            cur = next;
            if d > cfg.environments.len() {
                break;
            }
        }
        d
    };
    let mut names: Vec<&str> = cfg.environments.keys().map(String::as_str).collect();
    names.sort_by_key(|n| (depth(n), *n != "dev", n.to_string()));
    names
}
