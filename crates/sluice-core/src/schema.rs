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
        /// Lines prefixed `- ` (first only) and `+ ` (second only), in order; a line
        /// that only moved, or differs only in white space, is one line prefixed `~ `
        /// that says so.
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
                lines: explain(&x.definition, &y.definition),
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

/// `text` with its white space shown: `·` for a space, `→` for a tab, `⏎` for a
/// trailing line end.
fn visible(text: &str) -> String {
    text.replace(' ', "·").replace('\t', "→").replace('\r', "␍")
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is around the outer parentheses, and the parts inside them (split at the commas
/// outside nested parentheses and quotes) in sorted order: equal for two definitions that
/// differ only in the order of their columns and clauses.
fn reordered(text: &str) -> Option<(String, String, Vec<String>)> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    if close < open {
        return None;
    }
    let body = &text[open + 1..close];
    let (mut parts, mut depth, mut quote, mut part) = (Vec::new(), 0i32, None, String::new());
    for c in body.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(squeeze(&part));
                part.clear();
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    parts.push(squeeze(&part));
    parts.sort();
    Some((squeeze(&text[..open]), squeeze(&text[close + 1..]), parts))
}

/// [`line_diff`], said so people see what differs: two definitions that differ only in
/// white space say so (and show it); a line removed in one place and added unchanged in
/// another is one `~ moved` line with both positions; a line replaced by one that
/// differs only in white space is one `~ white space` line.
pub fn explain(a: &str, b: &str) -> Vec<String> {
    let raw = line_diff(a, b);
    let x: Vec<&str> = a.lines().collect();
    let y: Vec<&str> = b.lines().collect();
    let mut out = Vec::new();
    if squeeze(a) == squeeze(b) {
        out.push("~ only white space differs".to_string());
        if raw.is_empty() {
            // Line ends alone: the texts split into the same lines.
            out.push(format!(
                "~ line ends: {} line(s) before, {} after",
                a.split('\n').count(),
                b.split('\n').count()
            ));
        }
    }
    // A definition on one line (SQLite keeps the CREATE statement as written).
    let reorder =
        squeeze(a) != squeeze(b) && reordered(a).is_some() && reordered(a) == reordered(b);
    let removed: Vec<&str> = raw.iter().filter_map(|l| l.strip_prefix("- ")).collect();
    let added: Vec<&str> = raw.iter().filter_map(|l| l.strip_prefix("+ ")).collect();
    let position =
        |lines: &[&str], l: &str| lines.iter().position(|x| *x == l).map_or(0, |i| i + 1);
    let mut used_added = vec![false; added.len()];
    let mut partner: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    let mut removed_done = vec![false; removed.len()];
    // The same line (but for its separator) in another place: moved.
    let key = |l: &str| l.trim().trim_end_matches(',').trim_end().to_string();
    for (ri, r) in removed.iter().enumerate() {
        if let Some(ai) = (0..added.len()).find(|&ai| {
            !used_added[ai]
                && key(added[ai]) == key(r)
                && position(&y, added[ai]) != position(&x, r)
        }) {
            used_added[ai] = true;
            removed_done[ri] = true;
            partner.insert(
                ri,
                format!(
                    "~ moved from line {} to line {}: {}",
                    position(&x, r),
                    position(&y, added[ai]),
                    key(r)
                ),
            );
        }
    }
    // Same words, other white space.
    for (ri, r) in removed.iter().enumerate() {
        if removed_done[ri] {
            continue;
        }
        if let Some(ai) =
            (0..added.len()).find(|&ai| !used_added[ai] && squeeze(added[ai]) == squeeze(r))
        {
            used_added[ai] = true;
            removed_done[ri] = true;
            partner.insert(
                ri,
                format!(
                    "~ white space of line {}: {} is now {}",
                    position(&x, r),
                    visible(r),
                    visible(added[ai])
                ),
            );
        }
    }
    let (mut ri, mut ai) = (0, 0);
    for l in &raw {
        if l.starts_with("- ") {
            match partner.remove(&ri) {
                Some(said) => out.push(said),
                None => out.push(l.clone()),
            }
            ri += 1;
        } else {
            if !used_added[ai] {
                out.push(l.clone());
            }
            ai += 1;
        }
    }
    if reorder && !out.iter().any(|l| l.starts_with("~ moved")) {
        out.insert(
            0,
            "~ the same parts, in another order (a column or clause moved)".to_string(),
        );
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
    fn a_moved_line_and_white_space_are_said() {
        // A column that only moved (the separators move with it).
        let moved = explain(
            "CREATE TABLE t (\n  a int,\n  b text,\n  c date\n);",
            "CREATE TABLE t (\n  a int,\n  c date,\n  b text\n);",
        );
        assert!(
            moved.iter().all(|l| l.starts_with("~ moved from line ")),
            "{moved:?}"
        );
        assert!(
            moved.contains(&"~ moved from line 4 to line 3: c date".to_string())
                || moved.contains(&"~ moved from line 3 to line 4: b text".to_string()),
            "{moved:?}"
        );
        let ws = explain("BEGIN\n  RETURN 1;\nEND", "BEGIN\n    RETURN 1;\nEND");
        assert_eq!(
            ws,
            [
                "~ only white space differs",
                "~ white space of line 2: ··RETURN·1; is now ····RETURN·1;"
            ]
        );
        let one_line = explain("CREATE TABLE a (x, y, z)", "CREATE TABLE a (x, z, y)");
        assert_eq!(one_line.len(), 3, "{one_line:?}");
        assert!(one_line[0].starts_with("~ the same parts, in another order"));
        let real = explain("a int", "a bigint");
        assert_eq!(real, ["- a int", "+ a bigint"]);
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
