//! A light scan for the tables a statement names, without a parser: good enough to ask the
//! server who holds locks on them after a lock timeout. It may miss names (CTEs, dynamic
//! SQL) and never invents one that is not in the text.

/// Words after which a table name follows.
const BEFORE_TABLE: [&str; 9] = [
    "TABLE",
    "INTO",
    "UPDATE",
    "FROM",
    "JOIN",
    "ON",
    "REFERENCES",
    "TRUNCATE",
    "LOCK",
];
/// Words that may stand between such a word and the name.
const SKIP: [&str; 5] = ["IF", "NOT", "EXISTS", "ONLY", "TABLE"];
/// After `ON`, these mean no table follows.
const NOT_A_TABLE: [&str; 5] = ["CONFLICT", "DELETE", "UPDATE", "COMMIT", "DUPLICATE"];

/// The table names in `sql`, as written (quotes removed, schema kept), without repeats.
pub fn tables_touched(sql: &str) -> Vec<String> {
    let tokens = tokens(sql);
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (word, quoted) = &tokens[i];
        if !quoted && BEFORE_TABLE.iter().any(|k| word.eq_ignore_ascii_case(k)) {
            let mut j = i + 1;
            while j < tokens.len()
                && !tokens[j].1
                && SKIP.iter().any(|k| tokens[j].0.eq_ignore_ascii_case(k))
            {
                j += 1;
            }
            if let Some((name, q)) = tokens.get(j) {
                let keyword = !q && NOT_A_TABLE.iter().any(|k| name.eq_ignore_ascii_case(k));
                if !keyword && !name.is_empty() && !out.contains(name) {
                    out.push(name.clone());
                }
            }
            i = j;
        }
        i += 1;
    }
    out
}

/// Identifiers (with dots joining qualified names) and whether they were quoted.
fn tokens(sql: &str) -> Vec<(String, bool)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut current = String::new();
    let mut quoted = false;
    let flush = |current: &mut String, quoted: &mut bool, out: &mut Vec<(String, bool)>| {
        if !current.is_empty() {
            out.push((std::mem::take(current), *quoted));
        }
        *quoted = false;
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' => {
                flush(&mut current, &mut quoted, &mut out);
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                flush(&mut current, &mut quoted, &mut out);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'`' => {
                let end = b[i + 1..]
                    .iter()
                    .position(|&x| x == c)
                    .map_or(b.len(), |p| i + 1 + p);
                current.push_str(&sql[i + 1..end]);
                quoted = true;
                i = end + 1;
            }
            b'.' if !current.is_empty() => {
                current.push('.');
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                current.push_str(&sql[start..i]);
            }
            _ => {
                flush(&mut current, &mut quoted, &mut out);
                i += 1;
            }
        }
    }
    flush(&mut current, &mut quoted, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::tables_touched;

    #[test]
    fn finds_the_tables() {
        assert_eq!(
            tables_touched("ALTER TABLE IF EXISTS public.orders ADD COLUMN x int"),
            ["public.orders"]
        );
        assert_eq!(
            tables_touched("CREATE INDEX i ON ONLY \"Order Items\" (x)"),
            ["Order Items"]
        );
        assert_eq!(
            tables_touched(
                "INSERT INTO a SELECT * FROM b JOIN c ON c.id = b.id ON CONFLICT DO NOTHING"
            ),
            ["a", "b", "c", "c.id"]
        );
        assert_eq!(
            tables_touched("UPDATE t SET x = 'FROM fake' -- FROM nope\n"),
            ["t"]
        );
        assert!(tables_touched("SELECT 1").is_empty());
    }
}

/// Statements that only read or change rows.
const DATA_CHANGE: [&str; 7] = [
    "INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH", "VALUES",
];

/// Whether a statement only reads or changes rows (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`,
/// `SELECT`, `WITH`, `VALUES`): such statements roll back on every database, while DDL,
/// `SET`, `LOCK TABLES` or `CALL` may commit on their own on MySQL. Decided by the first
/// word after comments; anything else is not a data change.
pub fn is_data_change(sql: &str) -> bool {
    first_word(sql).is_some_and(|w| DATA_CHANGE.iter().any(|k| w.eq_ignore_ascii_case(k)))
}

/// The first word of `sql` after white space and comments (a MySQL `/*! … */` is code).
fn first_word(sql: &str) -> Option<&str> {
    let mut rest = sql;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("--") || rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        } else if rest.starts_with("/*") && !rest.starts_with("/*!") {
            rest = rest[2..].split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
mod data_change_tests {
    use super::is_data_change;

    #[test]
    fn by_first_word_after_comments() {
        assert!(is_data_change("-- seed\nINSERT INTO t VALUES (1)"));
        assert!(is_data_change(
            "# mysql comment\n/* c */ update t set a = 1"
        ));
        assert!(is_data_change("WITH x AS (SELECT 1) DELETE FROM t"));
        assert!(!is_data_change("CREATE TABLE t (a int)"));
        assert!(!is_data_change("/*!40101 SET NAMES utf8mb4 */"));
        assert!(!is_data_change("SET autocommit = 1"));
        assert!(!is_data_change("CALL p()"));
        assert!(!is_data_change("-- only a comment"));
    }
}

/// Words after `ALTER TABLE … DROP` that do not drop a column (and so lose no data).
const DROP_NOT_DATA: [&str; 11] = [
    "CONSTRAINT",
    "INDEX",
    "KEY",
    "DEFAULT",
    "NOT",
    "PRIMARY",
    "FOREIGN",
    "CHECK",
    "PARTITION",
    "EXPRESSION",
    "IDENTITY",
];

/// Whether a statement destroys data: `DROP TABLE | SCHEMA | DATABASE | MATERIALIZED VIEW`,
/// `TRUNCATE`, or `ALTER TABLE … DROP [COLUMN] x`. A light scan of the words (comments and
/// strings skipped), for the environments' `confirm_destructive` gate; it names what it
/// found.
pub fn destructive(sql: &str) -> Option<String> {
    let words: Vec<String> = tokens(sql)
        .into_iter()
        .map(|(w, quoted)| if quoted { w } else { w.to_ascii_uppercase() })
        .collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let first = first_word(sql)?.to_ascii_uppercase();
    match first.as_str() {
        "TRUNCATE" => Some(format!("TRUNCATE {}", w(1))),
        "DROP" => {
            let what = w(1);
            let what = if what == "MATERIALIZED" {
                "MATERIALIZED VIEW"
            } else {
                what
            };
            if ["TABLE", "SCHEMA", "DATABASE", "MATERIALIZED VIEW"].contains(&what) {
                Some(format!("DROP {what}"))
            } else {
                None
            }
        }
        "ALTER" if w(1) == "TABLE" => {
            for (i, word) in words.iter().enumerate().skip(2) {
                if word == "DROP" {
                    let next = w(i + 1);
                    if next == "COLUMN" || !DROP_NOT_DATA.contains(&next) && !next.is_empty() {
                        return Some("ALTER TABLE … DROP COLUMN".into());
                    }
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod destructive_tests {
    use super::destructive;

    #[test]
    fn drops_and_truncates() {
        assert_eq!(
            destructive("DROP TABLE IF EXISTS t").as_deref(),
            Some("DROP TABLE")
        );
        assert_eq!(
            destructive("-- x\ntruncate t").as_deref(),
            Some("TRUNCATE T")
        );
        assert!(destructive("ALTER TABLE t DROP COLUMN c").is_some());
        assert!(destructive("ALTER TABLE t DROP c").is_some());
        assert!(destructive("ALTER TABLE t DROP CONSTRAINT c_fk").is_none());
        assert!(destructive("ALTER TABLE t ALTER COLUMN c DROP NOT NULL").is_none());
        assert!(destructive("DROP INDEX i").is_none());
        assert!(destructive("CREATE TABLE drop_log (x int)").is_none());
        assert!(destructive("INSERT INTO t VALUES ('DROP TABLE x')").is_none());
    }
}
