//! `-- expect:` expectations of verification checks, and how an outcome is judged.

use crate::engine::{DbError, QueryOutcome, Value};

/// What a verification statement must give.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Expect {
    /// Runs without error (the default).
    Ok,
    /// Exactly N rows.
    Rows(u64),
    /// At least N rows.
    RowsAtLeast(u64),
    /// No rows.
    Empty,
    /// At least one row.
    NonEmpty,
    /// The first column of the first row equals the literal.
    Value(Literal),
    /// The statement must fail with this SQLSTATE or condition name.
    Error(String),
    /// The plan of the statement must use this index.
    UsesIndex(String),
}

/// The literal of `-- expect: value …`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Literal {
    /// `NULL`.
    Null,
    /// `'quoted text'` (with `''` for a quote).
    Text(String),
    /// Anything else: a number or a bare word, compared as text (numbers numerically).
    Bare(String),
}

/// Condition names (PostgreSQL's, which the other engines map to) and their SQLSTATEs.
pub const CONDITIONS: [(&str, &str); 18] = [
    ("unique_violation", "23505"),
    ("foreign_key_violation", "23503"),
    ("not_null_violation", "23502"),
    ("check_violation", "23514"),
    ("restrict_violation", "23001"),
    ("exclusion_violation", "23P01"),
    ("integrity_constraint_violation", "23000"),
    ("undefined_table", "42P01"),
    ("undefined_column", "42703"),
    ("undefined_function", "42883"),
    ("duplicate_table", "42P07"),
    ("syntax_error", "42601"),
    ("insufficient_privilege", "42501"),
    ("division_by_zero", "22012"),
    ("numeric_value_out_of_range", "22003"),
    ("string_data_right_truncation", "22001"),
    ("invalid_text_representation", "22P02"),
    ("raise_exception", "P0001"),
];

impl Expect {
    /// Parses the text after `-- expect:`.
    pub fn parse(s: &str) -> Result<Expect, String> {
        let usage = "write one of: ok, rows N, rows >= N, empty, nonempty, value <literal>, error <SQLSTATE or name>, uses-index <name>";
        let (word, rest) = match s.split_once(char::is_whitespace) {
            Some((w, r)) => (w, r.trim()),
            None => (s, ""),
        };
        let number = |t: &str| {
            t.parse::<u64>()
                .map_err(|_| format!("`-- expect: {s}`: `{t}` is not a row count; {usage}"))
        };
        let e = match (word.to_ascii_lowercase().as_str(), rest) {
            ("ok", "") => Expect::Ok,
            ("empty", "") => Expect::Empty,
            ("nonempty", "") => Expect::NonEmpty,
            ("rows", r) if r.starts_with(">=") => Expect::RowsAtLeast(number(r[2..].trim())?),
            ("rows", r) if !r.is_empty() => Expect::Rows(number(r)?),
            ("value", r) if !r.is_empty() => Expect::Value(Literal::parse(r)?),
            ("uses-index", r) if !r.is_empty() && !r.contains(char::is_whitespace) => {
                Expect::UsesIndex(r.to_string())
            }
            ("error", r) if !r.is_empty() && !r.contains(char::is_whitespace) => {
                Expect::Error(r.to_string())
            }
            _ => return Err(format!("`-- expect: {s}` is not an expectation; {usage}")),
        };
        Ok(e)
    }

    /// The expectation as written, for tables.
    pub fn describe(&self) -> String {
        match self {
            Expect::Ok => "ok".into(),
            Expect::Rows(n) => format!("rows {n}"),
            Expect::RowsAtLeast(n) => format!("rows >= {n}"),
            Expect::Empty => "empty".into(),
            Expect::NonEmpty => "nonempty".into(),
            Expect::Value(l) => format!("value {}", l.describe()),
            Expect::Error(c) => format!("error {c}"),
            Expect::UsesIndex(i) => format!("uses-index {i}"),
        }
    }

    /// Judges the indexes a statement's plan uses (for `uses-index`).
    pub fn judge_plan(&self, indexes: &Result<Vec<String>, DbError>) -> Result<String, String> {
        match (self, indexes) {
            (_, Err(e)) => Err(format!("error: {}", e.short())),
            (Expect::UsesIndex(want), Ok(used)) if used.iter().any(|u| u == want) => {
                Ok(format!("plan uses {want}"))
            }
            (Expect::UsesIndex(_), Ok(used)) if used.is_empty() => {
                Err("the plan uses no index".into())
            }
            (_, Ok(used)) => Err(format!("the plan uses {}", used.join(", "))),
        }
    }

    /// Judges an outcome: `Ok(detail)` when it meets the expectation, `Err(detail)` when not.
    pub fn judge(&self, outcome: &Result<QueryOutcome, DbError>) -> Result<String, String> {
        match (self, outcome) {
            (Expect::UsesIndex(_), _) => {
                Err("uses-index is judged on the plan, not on rows".into())
            }
            (Expect::Error(code), Err(e)) => {
                if error_matches(code, e) {
                    Ok(format!("failed as expected: {}", e.short()))
                } else {
                    Err(format!("expected error {code}, got: {}", e.short()))
                }
            }
            (Expect::Error(code), Ok(_)) => Err(format!(
                "expected error {code}, but the statement succeeded"
            )),
            (_, Err(e)) => Err(format!("error: {}", e.short())),
            (Expect::Ok, Ok(o)) => Ok(if o.row_count == 0 {
                "ok".into()
            } else {
                rows_word(o.row_count)
            }),
            (Expect::Rows(n), Ok(o)) => check(o.row_count == *n, rows_word(o.row_count)),
            (Expect::RowsAtLeast(n), Ok(o)) => check(o.row_count >= *n, rows_word(o.row_count)),
            (Expect::Empty, Ok(o)) => check(o.row_count == 0, rows_word(o.row_count)),
            (Expect::NonEmpty, Ok(o)) => check(o.row_count > 0, rows_word(o.row_count)),
            (Expect::Value(lit), Ok(o)) => match o.first_row.as_ref().and_then(|r| r.first()) {
                None => Err("no row to read a value from".into()),
                Some(v) => check(lit.matches(v), format!("value {}", v.render())),
            },
        }
    }
}

fn check(ok: bool, detail: String) -> Result<String, String> {
    if ok { Ok(detail) } else { Err(detail) }
}

fn rows_word(n: u64) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}

/// Whether a database error is the one `expected` names (SQLSTATE, condition name, a
/// class such as `23000`, or the engine's own code such as `SQLITE_CONSTRAINT_UNIQUE`).
pub fn error_matches(expected: &str, e: &DbError) -> bool {
    let want = CONDITIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(expected))
        .map_or(expected, |(_, code)| code);
    if let Some(state) = &e.sqlstate {
        if state.eq_ignore_ascii_case(want) {
            return true;
        }
        if want.len() == 5
            && want.ends_with("000")
            && state.len() == 5
            && state[..2].eq_ignore_ascii_case(&want[..2])
        {
            return true;
        }
    }
    e.native_code
        .as_deref()
        .is_some_and(|n| n.eq_ignore_ascii_case(expected))
}

impl Literal {
    fn parse(s: &str) -> Result<Literal, String> {
        if s.eq_ignore_ascii_case("null") {
            return Ok(Literal::Null);
        }
        if let Some(inner) = s.strip_prefix('\'') {
            let Some(inner) = inner.strip_suffix('\'') else {
                return Err(format!("`value {s}`: the quoted literal is not closed"));
            };
            return Ok(Literal::Text(inner.replace("''", "'")));
        }
        Ok(Literal::Bare(s.to_string()))
    }

    fn describe(&self) -> String {
        match self {
            Literal::Null => "NULL".into(),
            Literal::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Literal::Bare(b) => b.clone(),
        }
    }

    fn matches(&self, v: &Value) -> bool {
        match (self, v) {
            (Literal::Null, Value::Null) => true,
            (Literal::Null, _) | (_, Value::Null) => false,
            (Literal::Text(t), v) => v.render() == *t,
            (Literal::Bare(b), v) => {
                let r = v.render();
                if r == *b {
                    return true;
                }
                // Booleans as each engine prints them: PostgreSQL t/f, SQLite 1/0.
                let truth = |s: &str| match s.to_ascii_lowercase().as_str() {
                    "true" | "t" => Some(true),
                    "false" | "f" => Some(false),
                    _ => None,
                };
                if let Some(want) = truth(b) {
                    return truth(&r).or(match r.as_str() {
                        "1" => Some(true),
                        "0" => Some(false),
                        _ => None,
                    }) == Some(want);
                }
                matches!((b.parse::<f64>(), r.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: u64, first: Option<Value>) -> Result<QueryOutcome, DbError> {
        Ok(QueryOutcome {
            row_count: n,
            first_row: first.map(|v| vec![v]),
        })
    }

    fn db_err(state: &str, native: &str) -> Result<QueryOutcome, DbError> {
        Err(DbError {
            message: "UNIQUE constraint failed: t.x".into(),
            sqlstate: Some(state.into()),
            native_code: Some(native.into()),
            connection_lost: false,
        })
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(Expect::parse("ok").unwrap(), Expect::Ok);
        assert_eq!(Expect::parse("rows 6").unwrap(), Expect::Rows(6));
        assert_eq!(Expect::parse("rows >= 2").unwrap(), Expect::RowsAtLeast(2));
        assert_eq!(Expect::parse("empty").unwrap(), Expect::Empty);
        assert_eq!(Expect::parse("nonempty").unwrap(), Expect::NonEmpty);
        assert_eq!(
            Expect::parse("value 'it''s'").unwrap(),
            Expect::Value(Literal::Text("it's".into()))
        );
        assert_eq!(
            Expect::parse("error 23505").unwrap(),
            Expect::Error("23505".into())
        );
        for bad in [
            "",
            "rows",
            "rows x",
            "error",
            "maybe",
            "value 'x",
            "empty please",
        ] {
            assert!(Expect::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn judges_outcomes() {
        assert!(Expect::Rows(6).judge(&rows(6, None)).is_ok());
        assert!(Expect::Rows(6).judge(&rows(5, None)).is_err());
        assert!(Expect::RowsAtLeast(2).judge(&rows(3, None)).is_ok());
        assert!(Expect::Empty.judge(&rows(1, None)).is_err());
        assert!(
            Expect::Value(Literal::Bare("6".into()))
                .judge(&rows(1, Some(Value::Int(6))))
                .is_ok()
        );
        assert!(
            Expect::Value(Literal::Bare("6.0".into()))
                .judge(&rows(1, Some(Value::Int(6))))
                .is_ok()
        );
        assert!(
            Expect::Value(Literal::Text("6".into()))
                .judge(&rows(1, Some(Value::Text("7".into()))))
                .is_err()
        );
        assert!(
            Expect::Value(Literal::Null)
                .judge(&rows(1, Some(Value::Null)))
                .is_ok()
        );
        let truth = Expect::Value(Literal::Bare("true".into()));
        assert!(truth.judge(&rows(1, Some(Value::Text("t".into())))).is_ok());
        assert!(truth.judge(&rows(1, Some(Value::Int(1)))).is_ok());
        assert!(
            truth
                .judge(&rows(1, Some(Value::Text("f".into()))))
                .is_err()
        );
        let dup = db_err("23505", "SQLITE_CONSTRAINT_UNIQUE");
        assert!(Expect::Error("unique_violation".into()).judge(&dup).is_ok());
        assert!(Expect::Error("23505".into()).judge(&dup).is_ok());
        assert!(Expect::Error("23000".into()).judge(&dup).is_ok());
        assert!(
            Expect::Error("sqlite_constraint_unique".into())
                .judge(&dup)
                .is_ok()
        );
        assert!(
            Expect::Error("foreign_key_violation".into())
                .judge(&dup)
                .is_err()
        );
        assert!(Expect::Error("23505".into()).judge(&rows(0, None)).is_err());
        assert!(Expect::Ok.judge(&dup).is_err());
    }
}
