//! Newtypes for the identifiers sluice hands around: [`MigrationId`], [`Checksum`], [`RunId`].

use std::cmp::Ordering;
use std::fmt;

use sha2::{Digest, Sha256};

/// A migration's id: the file stem, `[A-Za-z0-9][A-Za-z0-9_.-]*`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct MigrationId(String);

impl MigrationId {
    /// Validates `s` as an id; the error says what is allowed.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut chars = s.chars();
        match chars.next() {
            None => return Err("an id cannot be empty".into()),
            Some(c) if !c.is_ascii_alphanumeric() => {
                return Err(format!(
                    "`{s}` must start with a letter or digit (ids match [A-Za-z0-9][A-Za-z0-9_.-]*)"
                ));
            }
            _ => {}
        }
        if let Some(bad) =
            chars.find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        {
            return Err(format!(
                "`{s}` contains `{bad}` (ids match [A-Za-z0-9][A-Za-z0-9_.-]*)"
            ));
        }
        Ok(MigrationId(s.to_string()))
    }

    /// An id for a migration of another tool's layout, whose names may hold spaces or
    /// other characters: those become `_` (and `@`, which Sqitch uses, is kept).
    pub fn lenient(s: &str) -> Self {
        let mut out: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            out.insert(0, 'm');
        }
        MigrationId(out)
    }

    /// Validates an id read back from the history table: sluice's grammar, or the form
    /// [`MigrationId::lenient`] gives (which may hold `@`).
    pub fn stored(s: &str) -> Result<Self, String> {
        match Self::parse(s) {
            Ok(id) => Ok(id),
            Err(e) => {
                if Self::lenient(s).0 == s {
                    Ok(MigrationId(s.to_string()))
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MigrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Ord for MigrationId {
    fn cmp(&self, other: &Self) -> Ordering {
        natural_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for MigrationId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Natural order: runs of digits compare as numbers (`M2` < `M10`), the rest byte-wise;
/// ties (`M01` vs `M1`) fall back to plain byte order so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].is_ascii_digit() && y[j].is_ascii_digit() {
            let si = i;
            while i < x.len() && x[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < y.len() && y[j].is_ascii_digit() {
                j += 1;
            }
            let na = trim_zeros(&x[si..i]);
            let nb = trim_zeros(&y[sj..j]);
            let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            let ord = x[i].cmp(&y[j]);
            if ord != Ordering::Equal {
                return ord;
            }
            i += 1;
            j += 1;
        }
    }
    (x.len() - i).cmp(&(y.len() - j)).then_with(|| x.cmp(y))
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let k = d.iter().take_while(|&&c| c == b'0').count();
    &d[k..]
}

/// A versioned checksum, written `v1:<64 hex>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Checksum(String);

impl Checksum {
    /// The current algorithm, v1: SHA-256 over the normalised text (see [`normalise`]).
    pub fn v1(section: &str) -> Self {
        let digest = Sha256::digest(normalise(section).as_bytes());
        Checksum(format!("v1:{}", hex(&digest)))
    }

    /// A checksum read back from the database, kept as recorded.
    pub fn from_recorded(s: String) -> Self {
        Checksum(s)
    }

    /// The checksum as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The v1 normalisation: BOM removed, CRLF → LF, trailing white space of each line and
/// trailing blank lines removed. Every other byte counts.
pub fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let keep = out.trim_end_matches('\n').len();
    out.truncate(keep);
    out
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// The id of one sluice run: `run_YYYYMMDD_HHMMSS_<16 hex>`, on every event and log line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RunId(String);

impl RunId {
    /// A new run id for `now`, unique across processes and hosts.
    pub fn new(now: crate::time::Timestamp, host: &str) -> Self {
        let mut h = Sha256::new();
        h.update(now.unix_nanos().to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        h.update(host.as_bytes());
        let addr = &h as *const _ as usize;
        h.update(addr.to_le_bytes());
        let d = h.finalize();
        RunId(format!("run_{}_{}", now.compact(), hex(&d[..8])))
    }

    /// A run id read back from the database.
    pub fn from_recorded(s: String) -> Self {
        RunId(s)
    }

    /// The run id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut ids = vec![
            "M10",
            "M2",
            "M1",
            "20251101_040000_y",
            "20251101_030000_x",
            "M02",
            "a",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "20251101_030000_x",
                "20251101_040000_y",
                "M1",
                "M02",
                "M2",
                "M10",
                "a"
            ]
        );
    }

    #[test]
    fn ids_are_validated() {
        assert!(MigrationId::parse("001_slice_a_schema").is_ok());
        assert!(MigrationId::parse("v1.2-x").is_ok());
        assert!(MigrationId::parse("_x").is_err());
        assert!(MigrationId::parse("a b").is_err());
        assert!(MigrationId::parse("").is_err());
    }

    #[test]
    fn checksum_ignores_bom_crlf_and_trailing_space_only() {
        let base = Checksum::v1("CREATE TABLE a (x int);\nSELECT 1;\n");
        assert_eq!(
            base,
            Checksum::v1("\u{feff}CREATE TABLE a (x int);  \r\nSELECT 1;\r\n\r\n\n")
        );
        assert_ne!(base, Checksum::v1("CREATE TABLE a (x  int);\nSELECT 1;\n"));
        assert_ne!(base, Checksum::v1("create TABLE a (x int);\nSELECT 1;\n"));
        assert!(base.as_str().starts_with("v1:"));
        assert_eq!(base.as_str().len(), 3 + 64);
    }
}
