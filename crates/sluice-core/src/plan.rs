//! The plan: migrations in dependency order. A topological sort of the `requires` edges,
//! ties broken by the natural order of ids (`M2` before `M10`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::path::PathBuf;

use crate::file::Migration;
use crate::id::MigrationId;

/// Why the migrations cannot be ordered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanError {
    /// `requires` names an id that no file has.
    UnknownRequires {
        /// The migration that requires it.
        path: PathBuf,
        /// Line of its `requires`.
        line: usize,
        /// The unknown id.
        missing: String,
    },
    /// The `requires` edges form a cycle.
    Cycle {
        /// The migrations on the cycle, each requiring the next (the last requires the first).
        members: Vec<(MigrationId, PathBuf)>,
    },
    /// A migration requires itself.
    SelfRequire {
        /// The file.
        path: PathBuf,
        /// Line of its `requires`.
        line: usize,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::UnknownRequires {
                path,
                line,
                missing,
            } => write!(
                f,
                "{}:{line}: requires `{missing}`, which is not a migration in this project: fix the id or add the migration",
                path.display()
            ),
            PlanError::SelfRequire { path, line } => {
                write!(
                    f,
                    "{}:{line}: a migration cannot require itself: remove its own id from `requires`",
                    path.display()
                )
            }
            PlanError::Cycle { members } => {
                write!(f, "the `requires` of these migrations form a cycle: ")?;
                for (id, path) in members {
                    write!(f, "{id} ({}) → ", path.display())?;
                }
                write!(f, "{}; remove one of these requirements", members[0].0)
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// The migrations of a project in plan order.
#[derive(Clone, Debug)]
pub struct Plan {
    order: Vec<Migration>,
    index: HashMap<String, usize>,
}

impl Plan {
    /// Orders `migrations` (which must have unique ids, as the loader guarantees).
    pub fn new(mut migrations: Vec<Migration>) -> Result<Plan, PlanError> {
        // Another tool's layout gives its own order (`rank`); sluice's files sort by id.
        migrations.sort_by(|a, b| {
            let rank = |m: &Migration| m.origin.as_ref().map(|o| o.rank);
            rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id))
        });
        let rank: HashMap<&str, usize> = migrations
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        let n = migrations.len();
        let mut indegree = vec![0usize; n];
        let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, m) in migrations.iter().enumerate() {
            for r in &m.meta.requires {
                match rank.get(r.as_str()) {
                    None => {
                        return Err(PlanError::UnknownRequires {
                            path: m.path.clone(),
                            line: m.meta.requires_line,
                            missing: r.to_string(),
                        });
                    }
                    Some(&j) if j == i => {
                        return Err(PlanError::SelfRequire {
                            path: m.path.clone(),
                            line: m.meta.requires_line,
                        });
                    }
                    Some(&j) => {
                        indegree[i] += 1;
                        dependants[j].push(i);
                    }
                }
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
        let mut order_idx = Vec::with_capacity(n);
        while let Some(Reverse(i)) = ready.pop() {
            order_idx.push(i);
            for &d in &dependants[i] {
                indegree[d] -= 1;
                if indegree[d] == 0 {
                    ready.push(Reverse(d));
                }
            }
        }
        if order_idx.len() < n {
            return Err(PlanError::Cycle {
                members: find_cycle(&migrations, &rank, &indegree),
            });
        }
        let mut slots: Vec<Option<Migration>> = migrations.into_iter().map(Some).collect();
        let order: Vec<Migration> = order_idx
            .into_iter()
            .filter_map(|i| slots[i].take())
            .collect();
        let index = order
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str().to_string(), i))
            .collect();
        Ok(Plan { order, index })
    }

    /// The migrations, in plan order.
    pub fn migrations(&self) -> &[Migration] {
        &self.order
    }

    /// The migration with this id.
    pub fn get(&self, id: &str) -> Option<&Migration> {
        self.index.get(id).map(|&i| &self.order[i])
    }

    /// Its position in plan order.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Every migration that requires `id`, directly or not, in plan order.
    pub fn dependants(&self, id: &str) -> Vec<&Migration> {
        let Some(start) = self.position(id) else {
            return Vec::new();
        };
        let mut hit = vec![false; self.order.len()];
        hit[start] = true;
        // Plan order is topological: one forward pass sees every requirement before its dependant.
        for i in start + 1..self.order.len() {
            hit[i] = self.order[i]
                .meta
                .requires
                .iter()
                .any(|r| self.position(r.as_str()).is_some_and(|p| hit[p]));
        }
        (start + 1..self.order.len())
            .filter(|&i| hit[i])
            .map(|i| &self.order[i])
            .collect()
    }
}

/// Finds one cycle among the nodes that Kahn's algorithm could not order.
fn find_cycle(
    migrations: &[Migration],
    rank: &HashMap<&str, usize>,
    indegree: &[usize],
) -> Vec<(MigrationId, PathBuf)> {
    let stuck = |i: usize| indegree[i] > 0;
    let Some(mut cur) = (0..migrations.len()).find(|&i| stuck(i)) else {
        return Vec::new();
    };
    let mut path: Vec<usize> = Vec::new();
    loop {
        if let Some(pos) = path.iter().position(|&p| p == cur) {
            let mut cycle: Vec<usize> = path[pos..].to_vec();
            // Each member requires the next: we walked requires edges, so keep that direction.
            let first = cycle
                .iter()
                .enumerate()
                .min_by(|a, b| migrations[*a.1].id.cmp(&migrations[*b.1].id))
                .map(|(k, _)| k);
            cycle.rotate_left(first.unwrap_or(0));
            return cycle
                .into_iter()
                .map(|i| (migrations[i].id.clone(), migrations[i].path.clone()))
                .collect();
        }
        path.push(cur);
        let next = migrations[cur]
            .meta
            .requires
            .iter()
            .filter_map(|r| rank.get(r.as_str()).copied())
            .find(|&j| stuck(j));
        match next {
            Some(j) => cur = j,
            None => {
                return path
                    .into_iter()
                    .map(|i| (migrations[i].id.clone(), migrations[i].path.clone()))
                    .collect();
            }
        }
    }
}
