//! dbmate: `<version>_<name>.sql` in one folder, with `-- migrate:up` and
//! `-- migrate:down` blocks (`transaction:false` after either marker). The version is the
//! leading digits; dbmate applies in version order and records the version in
//! `schema_migrations`.

use std::path::Path;

use sluice_sql::Dialect;

use super::{Found, Layout, Origin, Parts, Script, Tx, build, leading_digits, read_text};
use crate::file::{FileError, Migration};

pub(crate) fn read(dir: &Path, dialect: Dialect) -> Found {
    let mut found = Found::default();
    let Some(list) = found.list(dir) else {
        return found;
    };
    let mut files = Vec::new();
    for (name, path, is_dir) in list {
        let version = leading_digits(&name);
        if !is_dir && !version.is_empty() && name.ends_with(".sql") {
            files.push((version.to_string(), name, path));
        } else {
            found.ignored.push(path);
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    for w in files.windows(2) {
        if w[0].0 == w[1].0 {
            found.errors.push(FileError {
                path: w[1].2.clone(),
                line: 0,
                message: format!(
                    "version {} is also used by {}: dbmate versions must be unique; renumber one",
                    w[1].0, w[0].1
                ),
            });
        }
    }
    for (version, name, path) in files {
        found.push(one(&path, &name, &version, dialect));
    }
    found
}

struct Block {
    line: usize,
    start: usize,
    end: usize,
    no_tx: bool,
}

fn one(path: &Path, name: &str, version: &str, dialect: Dialect) -> Result<Migration, FileError> {
    let text = read_text(path)?;
    let err = |line: usize, message: String| FileError {
        path: path.into(),
        line,
        message,
    };
    let mut up: Option<Block> = None;
    let mut down: Option<Block> = None;
    let mut pos = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim();
        let marker = line
            .strip_prefix("--")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix("migrate:"));
        if let Some(rest) = marker {
            let mut words = rest.split_whitespace();
            let kind = words.next().unwrap_or("");
            let mut no_tx = false;
            for opt in words {
                match opt {
                    "transaction:false" => no_tx = true,
                    "transaction:true" => no_tx = false,
                    other => {
                        return Err(err(
                            i + 1,
                            format!(
                                "unknown dbmate option `{other}`: the option is transaction:false"
                            ),
                        ));
                    }
                }
            }
            let block = Block {
                line: i + 1,
                start: pos + raw.len(),
                end: text.len(),
                no_tx,
            };
            match kind {
                "up" if up.is_none() && down.is_none() => up = Some(block),
                "down" if down.is_none() && up.is_some() => {
                    if let Some(u) = up.as_mut() {
                        u.end = pos;
                    }
                    down = Some(block);
                }
                "up" | "down" => {
                    return Err(err(
                        i + 1,
                        format!(
                            "`-- migrate:{kind}` is out of place: a dbmate file has one `-- migrate:up` block, then at most one `-- migrate:down` block"
                        ),
                    ));
                }
                other => {
                    return Err(err(
                        i + 1,
                        format!(
                            "unknown dbmate marker `-- migrate:{other}`: the markers are up and down"
                        ),
                    ));
                }
            }
        } else if up.is_none() && !line.is_empty() && !line.starts_with("--") {
            return Err(err(
                i + 1,
                "SQL before `-- migrate:up`: dbmate runs only what is inside its blocks; move it under `-- migrate:up`".into(),
            ));
        }
        pos += raw.len();
    }
    let Some(up) = up else {
        return Err(err(
            1,
            "this dbmate migration has no `-- migrate:up` line: add one above the forward SQL"
                .into(),
        ));
    };
    let base = |b: &Block| b.line;
    let up_script = Script {
        path,
        text: &text[up.start..up.end],
        base_line: base(&up),
    };
    let down_script = down.as_ref().map(|d| Script {
        path,
        text: &text[d.start..d.end],
        base_line: base(d),
    });
    // An empty down block undoes nothing: sluice treats the migration as irreversible.
    let down_script =
        down_script.filter(|d| sluice_sql::split(d.text, dialect).map_or(true, |s| !s.is_empty()));
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    build(
        Parts {
            id: stem,
            path: path.into(),
            up: up_script,
            down: down_script,
            verify: None,
            tx: if up.no_tx {
                Tx::Off
            } else {
                Tx::Default("add `transaction:false` after `-- migrate:up`")
            },
            description: None,
            requires: Vec::new(),
            origin: Origin::new(Layout::Dbmate, version),
        },
        dialect,
    )
}
