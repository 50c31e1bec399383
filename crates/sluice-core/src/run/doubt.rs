//! A statement in doubt: it started (the history says so) and its run stopped before it
//! recorded the statement done. Did it take effect? The live catalog says, for the
//! statements whose effect it shows ([`sluice_sql::footprint`]); for the others sluice
//! stops and asks (`sluice resolve --statement-done | --statement-not-done`). It never
//! guesses, and never runs again a statement that may have run unless running it twice is
//! harmless.

use sluice_sql::footprint::{self, Footprint, Presence};

use crate::engine::{DbError, Engine};
use crate::file::Migration;

/// What the catalog says of a statement in doubt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It took effect; the evidence (`table orders exists`).
    Done(String),
    /// It did not take effect; the evidence.
    NotDone(String),
    /// Running it again gives the same result whether or not it ran; why.
    Rerun(String),
    /// An interrupted `CREATE INDEX CONCURRENTLY` left its index INVALID: drop it with
    /// `drop_sql`, then build it again.
    InvalidIndex {
        /// The index, as a reviewer reads it.
        thing: String,
        /// The statement that drops it.
        drop_sql: String,
    },
    /// The catalog cannot tell; why.
    Unknown(String),
}

impl Verdict {
    /// One line for `status --check`.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Done(e) => format!("took effect ({e}): `up --resume` records it done"),
            Verdict::NotDone(e) => format!("did not take effect ({e}): `up --resume` runs it"),
            Verdict::Rerun(why) => format!("{why}: `up --resume` runs it again"),
            Verdict::InvalidIndex { thing, .. } => {
                format!("left {thing} INVALID: `up --resume` drops it and builds it again")
            }
            Verdict::Unknown(why) => format!(
                "cannot be known from the catalog ({why}): check, then `sluice resolve --statement-done | --statement-not-done`"
            ),
        }
    }
}

/// Decides from the catalog whether statement `k` (1-based) of `m`'s `up` took effect.
/// Reads only.
pub fn judge(engine: &mut dyn Engine, m: &Migration, k: u32) -> Result<Verdict, DbError> {
    let Some(s) = m.up.statements.get((k as usize).wrapping_sub(1)) else {
        return Ok(Verdict::Unknown(format!(
            "the file has no statement {k} any more"
        )));
    };
    let dialect = engine.info().dialect;
    if footprint::transaction_control(&s.sql, dialect) == Some(footprint::Tx::Begin) {
        return Ok(Verdict::NotDone(
            "a transaction block of the file commits together with the record of its progress, and that record says it did not commit"
                .into(),
        ));
    }
    let marks = match footprint::footprint(&s.sql, dialect) {
        Footprint::Rerunnable(why) => {
            return Ok(Verdict::Rerun(format!(
                "{why} gives the same result run twice"
            )));
        }
        Footprint::Unknown(why) => return Ok(Verdict::Unknown(why)),
        Footprint::Marks(marks) => marks,
    };
    let mut seen = Vec::new();
    let mut after = 0;
    for mark in &marks {
        let p = engine.probe(&mark.thing)?;
        if p == Presence::Invalid && mark.concurrent_build {
            return Ok(Verdict::InvalidIndex {
                thing: mark.thing.to_string(),
                drop_sql: drop_index_sql(&mark.thing),
            });
        }
        let present = p != Presence::Absent;
        if present == mark.after {
            after += 1;
        }
        seen.push(format!(
            "{} {}",
            mark.thing,
            match p {
                Presence::Absent => "is absent",
                Presence::Present => "exists",
                Presence::Invalid => "exists, INVALID",
            }
        ));
    }
    let evidence = seen.join(", ");
    Ok(if after == marks.len() {
        Verdict::Done(evidence)
    } else if after == 0 {
        Verdict::NotDone(evidence)
    } else {
        Verdict::Unknown(format!("the catalog shows part of its effect: {evidence}"))
    })
}

/// Statement `k` (1-based) builds an index `CONCURRENTLY`, and an earlier try left that
/// index INVALID: the index, and the statement that drops it.
pub(super) fn invalid_leftover(
    engine: &mut dyn Engine,
    m: &Migration,
    k: usize,
) -> Result<Option<(String, String)>, DbError> {
    let Some(s) = m.up.statements.get(k.wrapping_sub(1)) else {
        return Ok(None);
    };
    let Footprint::Marks(marks) = footprint::footprint(&s.sql, engine.info().dialect) else {
        return Ok(None);
    };
    for mark in marks.iter().filter(|m| m.concurrent_build) {
        if engine.probe(&mark.thing)? == Presence::Invalid {
            return Ok(Some((mark.thing.to_string(), drop_index_sql(&mark.thing))));
        }
    }
    Ok(None)
}

/// `DROP INDEX CONCURRENTLY IF EXISTS "schema"."name"` (INVALID indexes are PostgreSQL's).
fn drop_index_sql(thing: &footprint::Thing) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let name = match thing {
        footprint::Thing::Index { name, .. } => match &name.schema {
            Some(s) => format!("{}.{}", quote(s), quote(&name.name)),
            None => quote(&name.name),
        },
        other => other.to_string(),
    };
    format!("DROP INDEX CONCURRENTLY IF EXISTS {name}")
}
