//! Sqitch: `sqitch.plan` names the changes in order; each change has `deploy/<name>.sql`,
//! `revert/<name>.sql` and `verify/<name>.sql`. Dependencies come in brackets:
//! `[users !legacy other_project:roles users@v1.0]` (requires, conflicts, a change of
//! another project, a change as of a tag). A reworked change appears twice in the plan;
//! the earlier version's scripts are `deploy/<name>@<tag>.sql`, `<tag>` being, as Sqitch
//! looks it up, the first of the tags between that version and its rework whose deploy
//! script exists (the first of them when none does). Its sluice id is `<name>@<tag>`; the
//! latest one is `<name>`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};
use sluice_sql::Dialect;

use super::{Found, Layout, Origin, Parts, Script, Tx, build, entries, hex, read_text};
use crate::file::FileError;
use crate::id::MigrationId;

/// One line of the plan that declares a change.
#[derive(Debug)]
struct Change {
    name: String,
    line: usize,
    deps: Vec<String>,
    note: Option<String>,
}

enum Item {
    Change(Change),
    Tag(String),
}

/// The project name of the plan in `dir` (`%project=`), if it can be read.
pub fn sqitch_project(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("sqitch.plan")).ok()?;
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("%project=")
            .map(|p| p.trim().to_string())
    })
}

fn parse_plan(path: &Path, text: &str) -> Result<(Option<String>, Vec<Item>), FileError> {
    let err = |line: usize, message: String| FileError {
        path: path.into(),
        line,
        message,
    };
    let mut project = None;
    let mut items = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(p) = line.strip_prefix('%') {
            if let Some(v) = p.strip_prefix("project=") {
                project = Some(v.trim().to_string());
            }
            continue;
        }
        let (body, note) = match line.split_once(" #") {
            Some((b, n)) => (b.trim_end(), Some(n.trim().to_string())),
            None => (line, None),
        };
        if let Some(tag) = body.strip_prefix('@') {
            let name = tag.split_whitespace().next().unwrap_or("");
            if name.is_empty() {
                return Err(err(
                    line_no,
                    "a tag line without a name: write `@<tag> <timestamp> <planner> <email>`"
                        .into(),
                ));
            }
            items.push(Item::Tag(name.to_string()));
            continue;
        }
        let body = body.trim_start_matches(['+', '-']);
        let name_end = body
            .find(|c: char| c.is_whitespace() || c == '[')
            .unwrap_or(body.len());
        let name = &body[..name_end];
        if name.is_empty() {
            return Err(err(line_no, "a change line without a name".into()));
        }
        let rest = body[name_end..].trim_start();
        let deps = if let Some(r) = rest.strip_prefix('[') {
            let Some((inside, _)) = r.split_once(']') else {
                return Err(err(
                    line_no,
                    "`[` without `]`: close the list of dependencies".into(),
                ));
            };
            inside.split_whitespace().map(str::to_string).collect()
        } else {
            Vec::new()
        };
        items.push(Item::Change(Change {
            name: name.to_string(),
            line: line_no,
            deps,
            note,
        }));
    }
    Ok((project, items))
}

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let plan_path = dir.join("sqitch.plan");
    let text = match read_text(&plan_path) {
        Ok(t) => t,
        Err(mut e) => {
            e.message = format!(
                "{}; a Sqitch project keeps its plan in sqitch.plan (set `[project] migrations` to the folder that holds it)",
                e.message
            );
            found.errors.push(e);
            return found;
        }
    };
    let (project, items) = match parse_plan(&plan_path, &text) {
        Ok(x) => x,
        Err(e) => {
            found.errors.push(e);
            return found;
        }
    };
    // Which occurrences are reworked, and by which tag their old scripts are named.
    let mut last_index: HashMap<&str, usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Item::Change(c) = it {
            last_index.insert(&c.name, i);
        }
    }
    let mut used: HashSet<PathBuf> = HashSet::new();
    // name → (id, position) of occurrences so far; tag → position.
    let mut seen: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    let mut tags: HashMap<String, usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        let c = match it {
            Item::Tag(t) => {
                tags.insert(t.clone(), i);
                continue;
            }
            Item::Change(c) => c,
        };
        let reworked = last_index[c.name.as_str()] != i;
        let (id, file_stem) = if reworked {
            // The tags between this version and its rework, in plan order.
            let rework_at = items[i + 1..]
                .iter()
                .position(|x| matches!(x, Item::Change(o) if o.name == c.name))
                .map_or(items.len(), |p| i + 1 + p);
            let between: Vec<&String> = items[i + 1..rework_at]
                .iter()
                .filter_map(|x| match x {
                    Item::Tag(t) => Some(t),
                    Item::Change(_) => None,
                })
                .collect();
            let exists = |t: &str| {
                dir.join("deploy")
                    .join(format!("{}@{t}.sql", c.name))
                    .is_file()
            };
            let tag = between
                .iter()
                .find(|t| exists(t))
                .or(between.first())
                .map(|t| t.to_string());
            let Some(tag) = tag else {
                found.errors.push(FileError {
                    path: plan_path.clone(),
                    line: c.line,
                    message: format!("`{}` is reworked later in the plan but no tag follows this version: Sqitch needs a tag between a change and its rework", c.name),
                });
                continue;
            };
            (format!("{}@{tag}", c.name), format!("{}@{tag}", c.name))
        } else {
            (c.name.clone(), c.name.clone())
        };
        let mut requires = Vec::new();
        let mut origin = Origin::new(Layout::Sqitch, c.name.clone());
        origin.project = project.clone();
        let mut bad = None;
        for dep in &c.deps {
            if let Some(x) = dep.strip_prefix('!') {
                origin.conflicts.push(x.to_string());
                continue;
            }
            let dep_local = match dep.split_once(':') {
                Some((proj, change)) if Some(proj) != project.as_deref() => {
                    origin.external_requires.push(format!("{proj}:{change}"));
                    continue;
                }
                Some((_, change)) => change,
                None => dep.as_str(),
            };
            let (name, at_tag) = match dep_local.split_once('@') {
                Some((n, t)) => (n, Some(t)),
                None => (dep_local, None),
            };
            let limit = match at_tag {
                None => i,
                Some(t) => match tags.get(t) {
                    Some(&p) => p,
                    None => {
                        bad = Some(format!(
                            "`{}` requires `{dep}`, but the tag `@{t}` is not earlier in sqitch.plan: fix the tag",
                            c.name
                        ));
                        break;
                    }
                },
            };
            let target = seen
                .get(name)
                .and_then(|occ| occ.iter().rev().find(|(_, pos)| *pos < limit))
                .map(|(id, _)| id.clone());
            match target {
                Some(t) => requires.push(MigrationId::lenient(&t)),
                None => {
                    bad = Some(format!(
                        "`{}` requires `{dep}`, which is not a change earlier in sqitch.plan: fix the name, add the change before this one, or write `<project>:{dep}` if another project has it",
                        c.name
                    ));
                    break;
                }
            }
        }
        if let Some(message) = bad {
            found.errors.push(FileError {
                path: plan_path.clone(),
                line: c.line,
                message,
            });
            continue;
        }
        seen.entry(c.name.clone())
            .or_default()
            .push((id.clone(), i));
        let deploy = dir.join("deploy").join(format!("{file_stem}.sql"));
        let revert = dir.join("revert").join(format!("{file_stem}.sql"));
        let verify = dir.join("verify").join(format!("{file_stem}.sql"));
        used.extend([deploy.clone(), revert.clone(), verify.clone()]);
        let r = (|| {
            if !deploy.is_file() {
                return Err(FileError {
                    path: plan_path.clone(),
                    line: c.line,
                    message: format!(
                        "the change `{}` has no deploy script {}: add it, or remove the change from the plan",
                        c.name,
                        deploy.display()
                    ),
                });
            }
            let deploy_text = read_text(&deploy)?;
            let revert_text = if revert.is_file() {
                Some(read_text(&revert)?)
            } else {
                None
            };
            let verify_text = if verify.is_file() {
                Some(read_text(&verify)?)
            } else {
                None
            };
            origin.tool_checksum = Some(hex(&Sha1::digest(deploy_text.as_bytes())));
            build(
                Parts {
                    id: &id,
                    path: deploy.clone(),
                    up: Script::whole(&deploy, &deploy_text),
                    down: revert_text.as_deref().map(|t| Script::whole(&revert, t)),
                    verify: verify_text.as_deref().map(|t| Script::whole(&verify, t)),
                    tx: Tx::Auto,
                    description: c.note.clone(),
                    requires,
                    origin,
                },
                dialect,
            )
        })();
        found.push(r);
    }
    // Whatever else is in the script folders is named once (the project folder itself
    // is usually the repository's root, and holds much else).
    for sub in ["deploy", "revert", "verify"] {
        if let Ok(inner) = entries(&dir.join(sub)) {
            for (_, p, _) in inner {
                if !used.contains(&p) {
                    found.ignored.push(p);
                }
            }
        }
    }
    found
}
