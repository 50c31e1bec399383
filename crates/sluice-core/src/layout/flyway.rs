//! Flyway: `V<version>__<description>.sql` (versioned), `U<version>__….sql` (undo, used as
//! the down of the same version) and `R__<description>.sql` (repeatable, applied after all
//! versioned migrations, ordered by description). Several locations are merged, each read
//! recursively as Flyway does. Versions compare as Flyway compares them: parts split on
//! `.` or `_`, each a number, trailing zeros ignored (`1.0` = `1`, `1.2` < `1.10`).
//! `flyway_schema_history` keeps a CRC-32 of each file, which `sluice adopt` compares.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use super::{Found, Layout, Origin, Parts, Script, Tx, build, entries, read_optional, read_text};
use crate::file::FileError;

/// A Flyway version: its numeric parts, trailing zeros removed; ordered as Flyway orders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version(Vec<u128>);

impl Version {
    /// Parses `1.2.3` or `1_2_3`; `None` when a part is not a number.
    pub fn parse(s: &str) -> Option<Version> {
        let mut parts = Vec::new();
        for p in s.split(['.', '_']) {
            parts.push(p.parse::<u128>().ok()?);
        }
        while parts.len() > 1 && parts.last() == Some(&0) {
            parts.pop();
        }
        Some(Version(parts))
    }

    /// `1.2.3`.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(u128::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        (0..n)
            .map(|i| {
                let a = self.0.get(i).copied().unwrap_or(0);
                let b = other.0.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Flyway's checksum of a script: a CRC-32 updated with the UTF-8 bytes of each line, line
/// breaks (`\n`, `\r\n`, `\r`) left out and a leading byte-order mark removed; as the
/// signed 32-bit integer Flyway stores.
pub fn flyway_checksum(text: &str) -> i32 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut crc = Crc32::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                crc.update(&bytes[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                crc.update(&bytes[start..i]);
                i += 1;
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        crc.update(&bytes[start..]);
    }
    crc.finish() as i32
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as `java.util.zip.CRC32`.
pub(crate) struct Crc32 {
    table: [u32; 256],
    value: u32,
}

impl Crc32 {
    pub(crate) fn new() -> Crc32 {
        let mut table = [0u32; 256];
        for (n, slot) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        Crc32 {
            table,
            value: 0xFFFF_FFFF,
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.value =
                self.table[((self.value ^ u32::from(b)) & 0xFF) as usize] ^ (self.value >> 8);
        }
    }

    pub(crate) fn finish(&self) -> u32 {
        self.value ^ 0xFFFF_FFFF
    }
}

enum Kind {
    Versioned(Version),
    Undo(Version),
    Repeatable,
}

/// `(kind, description)` of a Flyway file name.
fn classify(name: &str) -> Option<(Kind, String)> {
    let stem = name.strip_suffix(".sql")?;
    let (head, desc) = stem.split_once("__")?;
    let description = desc.replace('_', " ");
    let kind = match head.split_at_checked(1)? {
        ("R", "") => Kind::Repeatable,
        ("V", v) => Kind::Versioned(Version::parse(v)?),
        ("U", v) => Kind::Undo(Version::parse(v)?),
        _ => return None,
    };
    Some((kind, description))
}

fn walk(dir: &Path, files: &mut Vec<(String, PathBuf)>, found: &mut Found) {
    match entries(dir) {
        Err(e) => found.errors.push(e),
        Ok(list) => {
            for (name, path, is_dir) in list {
                if is_dir {
                    walk(&path, files, found);
                } else {
                    files.push((name, path));
                }
            }
        }
    }
}

struct Versioned {
    desc: String,
    name: String,
    path: PathBuf,
    undo: Option<PathBuf>,
}

pub(crate) fn read(dirs: &[PathBuf], dialect: Dialect) -> Found {
    let mut found = Found::default();
    let mut files = Vec::new();
    for d in dirs {
        walk(d, &mut files, &mut found);
    }
    let mut versioned: BTreeMap<Version, Versioned> = BTreeMap::new();
    let mut undos: Vec<(Version, String, PathBuf)> = Vec::new();
    let mut repeatables: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for (name, path) in files {
        match classify(&name) {
            None => found.ignored.push(path),
            Some((Kind::Versioned(v), desc)) => {
                if let Some(other) = versioned.get(&v) {
                    found.errors.push(FileError {
                        path,
                        line: 0,
                        message: format!(
                            "version {} is also used by {}: Flyway refuses two migrations with one version; renumber one",
                            v.text(),
                            other.path.display()
                        ),
                    });
                    continue;
                }
                versioned.insert(
                    v,
                    Versioned {
                        desc,
                        name,
                        path,
                        undo: None,
                    },
                );
            }
            Some((Kind::Undo(v), _)) => undos.push((v, name, path)),
            Some((Kind::Repeatable, desc)) => {
                if let Some((_, other)) = repeatables.get(&desc) {
                    found.errors.push(FileError {
                        path,
                        line: 0,
                        message: format!(
                            "the repeatable migration `{desc}` is also {}: Flyway refuses two with one description; rename one",
                            other.display()
                        ),
                    });
                    continue;
                }
                repeatables.insert(desc, (name, path));
            }
        }
    }
    for (v, _, path) in undos {
        match versioned.get_mut(&v) {
            Some(m) if m.undo.is_none() => m.undo = Some(path),
            Some(_) => found.errors.push(FileError {
                path,
                line: 0,
                message: format!("version {} has two undo files: keep one", v.text()),
            }),
            None => found.errors.push(FileError {
                path,
                line: 0,
                message: format!(
                    "an undo migration for version {}, which no versioned migration has: add the V file or remove this one",
                    v.text()
                ),
            }),
        }
    }
    for (v, m) in versioned {
        let r = (|| {
            let text = read_text(&m.path)?;
            let down = read_optional(m.undo.as_deref())?;
            let mut origin = Origin::new(Layout::Flyway, v.text());
            origin.tool_checksum = Some(flyway_checksum(&text).to_string());
            build(
                Parts {
                    id: m.name.strip_suffix(".sql").unwrap_or(&m.name),
                    path: m.path.clone(),
                    up: Script::whole(&m.path, &text),
                    down: down.as_ref().map(|(p, t)| Script::whole(p, t)),
                    verify: None,
                    tx: Tx::Auto,
                    description: Some(m.desc.clone()),
                    requires: Vec::new(),
                    origin,
                },
                dialect,
            )
        })();
        found.push(r);
    }
    for (desc, (name, path)) in repeatables {
        let r = (|| {
            let text = read_text(&path)?;
            let mut origin = Origin::new(Layout::Flyway, desc.clone());
            origin.tool_checksum = Some(flyway_checksum(&text).to_string());
            origin.repeatable = true;
            build(
                Parts {
                    id: name.strip_suffix(".sql").unwrap_or(&name),
                    path: path.clone(),
                    up: Script::whole(&path, &text),
                    down: None,
                    verify: None,
                    tx: Tx::Auto,
                    description: Some(desc.clone()),
                    requires: Vec::new(),
                    origin,
                },
                dialect,
            )
        })();
        found.push(r);
    }
    found
}
