//! A migration marked `-- galera: rsu`: Galera's Rolling Schema Upgrade, node by node.
//!
//! Under TOI (the default) a DDL statement runs on every node of the cluster at the same
//! point of the total order, and the whole cluster waits for it. Under RSU each node runs
//! it by itself, desynchronised from the cluster while it does, and nothing replicates:
//! sluice connects to every node in turn (the environment's `galera_nodes`) and runs the
//! statements there with `wsrep_OSU_method = RSU`. The history row, written on the run's
//! own node, replicates as usual; each node done is an event. A run refuses an RSU
//! migration unless every node of the cluster is named, and refuses to go on with one
//! that stopped half-way (some nodes have it, some do not): that is settled by hand.

use std::time::Instant;

use super::apply::{Job, job_details};
use super::error::{Direction, FailedAt, MigrationFailure};
use super::{RunContext, RunError, in_tx, ms, new_record, write, write_failed};
use crate::engine::{DbError, Engine, Expected, Record};
use crate::state::State;
use crate::time::Timestamp;

/// The nodes of a Galera cluster, each reachable on its own, for migrations applied node
/// by node.
pub trait Rolling: std::fmt::Debug + Send + Sync {
    /// Checks that the nodes are every node of the cluster `engine` (the run's own
    /// connection) belongs to, each in step with it; returns their names, in the order
    /// they are upgraded, or why not.
    fn nodes(&self, engine: &mut dyn Engine) -> Result<Vec<String>, String>;
    /// Runs `statements` on node `node` (an index into [`Rolling::nodes`]) with
    /// `wsrep_OSU_method = RSU`; a failure says which statement (1-based).
    fn apply_on(&self, node: usize, statements: &[&str]) -> Result<(), (usize, DbError)>;
}

/// Applies `job`'s migration on each of `nodes` in turn through `rolling`.
pub(super) fn apply_rolling(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    rolling: &dyn Rolling,
    nodes: &[String],
) -> Result<Vec<String>, RunError> {
    let m = job.m;
    let total = m.up.statements.len();
    if matches!(job.from, State::Partial | State::Applying) {
        return Err(RunError::Refused {
            id: m.id.clone(),
            reason: format!(
                "{} is `-- galera: rsu` and stopped half-way: its events say which nodes have it. Finish or undo it on the others by hand, then record the outcome with `sluice resolve`",
                m.id
            ),
        });
    }
    let started = Instant::now();
    let r = new_record(ctx, m, State::Applying, total);
    let mut events = std::mem::take(&mut job.pre);
    let mut first = ctx.step(m, job.from, State::Applying);
    first.details = job_details(ctx, job);
    first.details["rsu_nodes"] = serde_json::json!(nodes);
    first.reason = Some(format!(
        "Rolling Schema Upgrade, node by node: {}",
        nodes.join(", ")
    ));
    events.push(first);
    write(engine, &r, &Expected::of(row.as_ref()), &events)
        .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
    *row = Some(r);
    job.from = State::Applying;
    let statements: Vec<&str> = m.up.statements.iter().map(|s| s.sql.as_str()).collect();
    for (i, node) in nodes.iter().enumerate() {
        match rolling.apply_on(i, &statements) {
            Ok(()) => {
                let mut ev = ctx.event(Some(&m.id), None, None, true);
                ev.checksum = Some(m.checksum.clone());
                ev.reason = Some(format!(
                    "applied on node {node} ({}/{}) with wsrep_OSU_method = RSU",
                    i + 1,
                    nodes.len()
                ));
                ev.details = serde_json::json!({ "env": ctx.env, "rsu_node": node });
                in_tx(engine, |e| e.append_event(&ev))?;
            }
            Err((k, error)) => {
                let k = k.clamp(1, total);
                let nothing = i == 0 && k == 1;
                let note = if i == 0 {
                    format!("on node {node}, the first; no other node has it")
                } else {
                    format!(
                        "on node {node}; nodes {} have it, the others do not: finish or undo it by hand, then `sluice resolve`",
                        nodes[..i].join(", ")
                    )
                };
                let to = if nothing {
                    State::Failed
                } else {
                    State::Partial
                };
                let mut r = new_record(ctx, m, to, total);
                r.last_error = Some(format!(
                    "statement {k}/{total} failed {note}: {}",
                    error.short()
                ));
                r.duration_ms = Some(ms(started.elapsed()));
                let mut ev = ctx.step(m, State::Applying, to);
                ev.reason = r.last_error.clone();
                ev.details =
                    serde_json::json!({ "env": ctx.env, "rsu_node": node, "rsu_done": nodes[..i] });
                write(engine, &r, &Expected::of(row.as_ref()), &[ev])
                    .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
                *row = Some(r);
                return Err(RunError::MigrationFailed(Box::new(MigrationFailure {
                    id: m.id.clone(),
                    path: m.path.clone(),
                    direction: Direction::Up,
                    line: m.up.statements[k - 1].line,
                    at: FailedAt::Statement(k),
                    total,
                    error,
                    note: Some(note),
                    transactional: false,
                    applied_before: Vec::new(),
                })));
            }
        }
    }
    let mut r = new_record(ctx, m, State::Applied, total);
    r.applied_seq = Some(job.seq);
    r.applied_at = Some(Timestamp::now().rfc3339());
    r.applied_by = Some(ctx.actor.clone());
    r.duration_ms = Some(ms(started.elapsed()));
    r.statements_done = total as u32;
    let mut done = ctx.step(m, State::Applying, State::Applied);
    done.duration_ms = r.duration_ms;
    done.details = job_details(ctx, job);
    done.details["rsu_nodes"] = serde_json::json!(nodes);
    write(engine, &r, &Expected::of(row.as_ref()), &[done])
        .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
    *row = Some(r);
    Ok(Vec::new())
}
