//! A schema snapshot: every object of a database as a kind, a qualified name and a
//! canonical definition, in a stable order — so the same database always gives the same
//! bytes, and two snapshots can be compared object by object.
//!
//! Engines produce the objects (from the catalog: `pg_get_*def`, `sqlite_master`); this
//! module orders them, renders them as SQL or JSON, and computes differences.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// One object of a schema.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SchemaObject {
    /// `schema`, `extension`, `type`, `sequence`, `table`, `index`, `view`,
    /// `materialized view`, `function`, `procedure`, `trigger`, `policy`.
    pub kind: String,
    /// Qualified name (`public.orders`; `public.orders.policy_name` for policies).
    pub name: String,
    /// Canonical definition, as the engine prints it.
    pub definition: String,
}

/// Size facts about a table, for risk estimates (not part of the snapshot's identity).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableStats {
    /// Qualified name.
    pub table: String,
    /// The planner's row estimate (-1 when never analysed).
    pub rows_estimate: i64,
    /// Bytes on disk, indexes and TOAST included.
    pub bytes: i64,
}

/// A whole snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version of this document.
    pub schema_version: u32,
    /// `sqlite`, `postgres`, `mysql`.
    pub dialect: String,
    /// The objects, in canonical order.
    pub objects: Vec<SchemaObject>,
    /// Table sizes, when asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stats: Vec<TableStats>,
}

/// The order kinds are printed in: what others depend on first.
const KIND_ORDER: [&str; 12] = [
    "schema",
    "extension",
    "type",
    "sequence",
    "function",
    "procedure",
    "table",
    "index",
    "view",
    "materialized view",
    "trigger",
    "policy",
];

fn kind_rank(kind: &str) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

impl Snapshot {
    /// A snapshot of `objects`, put in canonical order.
    pub fn new(dialect: &str, mut objects: Vec<SchemaObject>) -> Snapshot {
        for o in &mut objects {
            o.definition = o
                .definition
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string();
        }
        objects.sort_by(|a, b| {
            kind_rank(&a.kind)
                .cmp(&kind_rank(&b.kind))
                .then_with(|| a.name.cmp(&b.name))
        });
        objects.dedup();
        Snapshot {
            schema_version: 1,
            dialect: dialect.to_string(),
            objects,
            stats: Vec::new(),
        }
    }

    /// The snapshot as SQL: each object's definition under a header comment.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        for o in &self.objects {
            let _ = writeln!(out, "-- {} {}", o.kind, o.name);
            out.push_str(&o.definition);
            if !o.definition.ends_with(';') {
                out.push(';');
            }
            out.push_str("\n\n");
        }
        out
    }
}

/// One difference between two snapshots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum Difference {
    /// Only in the second.
    Added {
        /// The object.
        kind: String,
        /// Its name.
        name: String,
    },
    /// Only in the first.
    Removed {
        /// The object.
        kind: String,
        /// Its name.
        name: String,
    },
    /// In both, defined differently.
    Changed {
        /// The object.
        kind: String,
        /// Its name.
        name: String,
        /// Lines prefixed `- ` (first only) and `+ ` (second only), in order.
        lines: Vec<String>,
    },
}

/// The differences from `a` to `b`, in canonical order.
pub fn diff(a: &Snapshot, b: &Snapshot) -> Vec<Difference> {
    let key = |o: &SchemaObject| (kind_rank(&o.kind), o.kind.clone(), o.name.clone());
    let left: BTreeMap<_, &SchemaObject> = a.objects.iter().map(|o| (key(o), o)).collect();
    let right: BTreeMap<_, &SchemaObject> = b.objects.iter().map(|o| (key(o), o)).collect();
    let mut keys: Vec<_> = left.keys().chain(right.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| match (left.get(&k), right.get(&k)) {
            (Some(_), None) => Some(Difference::Removed {
                kind: k.1,
                name: k.2,
            }),
            (None, Some(_)) => Some(Difference::Added {
                kind: k.1,
                name: k.2,
            }),
            (Some(x), Some(y)) if x.definition != y.definition => Some(Difference::Changed {
                kind: k.1,
                name: k.2,
                lines: line_diff(&x.definition, &y.definition),
            }),
            _ => None,
        })
        .collect()
}

/// A minimal line diff (longest common subsequence): lines only in `a` as `- …`, only in
/// `b` as `+ …`, common lines left out.
pub fn line_diff(a: &str, b: &str) -> Vec<String> {
    let x: Vec<&str> = a.lines().collect();
    let y: Vec<&str> = b.lines().collect();
    let (n, m) = (x.len(), y.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if x[i] == y[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && x[i] == y[j] {
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", x[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", y[j]));
            j += 1;
        }
    }
    out
}

/// The differences as text for people.
pub fn render_diff(diffs: &[Difference]) -> String {
    let mut out = String::new();
    for d in diffs {
        match d {
            Difference::Added { kind, name } => {
                let _ = writeln!(out, "+ {kind} {name}");
            }
            Difference::Removed { kind, name } => {
                let _ = writeln!(out, "- {kind} {name}");
            }
            Difference::Changed { kind, name, lines } => {
                let _ = writeln!(out, "~ {kind} {name}");
                for l in lines {
                    let _ = writeln!(out, "    {l}");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(kind: &str, name: &str, def: &str) -> SchemaObject {
        SchemaObject {
            kind: kind.into(),
            name: name.into(),
            definition: def.into(),
        }
    }

    #[test]
    fn canonical_order_and_diff() {
        let a = Snapshot::new(
            "postgres",
            vec![
                obj(
                    "table",
                    "public.t",
                    "CREATE TABLE public.t (\n    x integer\n);",
                ),
                obj("type", "public.e", "CREATE TYPE public.e AS ENUM ('a');"),
                obj(
                    "index",
                    "public.i",
                    "CREATE INDEX i ON public.t USING btree (x)",
                ),
            ],
        );
        assert_eq!(
            a.objects
                .iter()
                .map(|o| o.kind.as_str())
                .collect::<Vec<_>>(),
            ["type", "table", "index"]
        );
        let b = Snapshot::new(
            "postgres",
            vec![
                obj(
                    "table",
                    "public.t",
                    "CREATE TABLE public.t (\n    x integer,\n    y text\n);",
                ),
                obj("type", "public.e", "CREATE TYPE public.e AS ENUM ('a');"),
                obj("view", "public.v", "SELECT 1"),
            ],
        );
        let d = diff(&a, &b);
        assert_eq!(
            render_diff(&d),
            "~ table public.t\n    -     x integer\n    +     x integer,\n    +     y text\n- index public.i\n+ view public.v\n"
        );
        assert!(diff(&a, &a).is_empty());
        assert!(a.to_sql().starts_with("-- type public.e\nCREATE TYPE"));
    }
}
