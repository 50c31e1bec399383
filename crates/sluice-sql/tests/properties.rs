//! Property tests for the splitter, with a small deterministic generator (no framework):
//!
//! 1. statements built from tricky fragments (quotes, comments, dollar quotes, blocks with
//!    `;` inside), joined with their delimiter and random white space, split back into
//!    exactly those statements — the round-trip property;
//! 2. random soup of special tokens never panics, and every statement is the slice of the
//!    input at its offset, on the line its offset says, in order, without overlap.
//!
//! `SLUICE_PROPTEST_CASES` sets the number of cases, `SLUICE_PROPTEST_SEED` the seed.

use sluice_sql::{Dialect, split};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn cases() -> usize {
    std::env::var("SLUICE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

fn seed() -> u64 {
    std::env::var("SLUICE_PROPTEST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2026_1121)
}

const COMMON: &[&str] = &[
    "a",
    "b_1",
    "42",
    "3.14",
    "(x, y)",
    "'a;b'",
    "'it''s;'",
    "-- note; here\n",
    "/* c; */",
    "+",
    "=",
    "'é;ü'",
    "\"q;\"\"x\"",
    "CASE WHEN 1 THEN 2 END",
    "end_date",
    "begin_at",
];
const PG: &[&str] = &[
    "$$ a; b $$",
    "$t$ ; $$ ; $t$",
    "E'\\';'",
    "$1",
    "a$b",
    "/* a /* b; */ c; */",
    "'\\'",
];
const MYSQL: &[&str] = &[
    "'\\';'",
    "\"dq\\\";\"",
    "`b;t`",
    "# hash;\n",
    "/*!40101 x */",
    "1--1",
];
const SQLITE: &[&str] = &["[br;k]", "`b;t`", "'\\'"];

fn fragment(rng: &mut Rng, d: Dialect) -> &'static str {
    let extra = match d {
        Dialect::Postgres => PG,
        Dialect::MySql => MYSQL,
        Dialect::Sqlite => SQLITE,
    };
    if rng.below(3) == 0 {
        rng.pick(extra)
    } else {
        rng.pick(COMMON)
    }
}

/// One statement with code at both ends (so trimming gives it back exactly).
fn statement(rng: &mut Rng, d: Dialect) -> String {
    let body = |rng: &mut Rng| {
        let mut s = String::new();
        for _ in 0..rng.below(6) {
            s.push(' ');
            s.push_str(fragment(rng, d));
        }
        s
    };
    match (d, rng.below(5)) {
        (Dialect::Sqlite, 0) => format!(
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT{}; SELECT 1 {}; END",
            body(rng),
            body(rng)
        ),
        (Dialect::Postgres, 0) => format!(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT{} ; SELECT 2; END",
            body(rng)
        ),
        _ => format!("SELECT{} x", body(rng)),
    }
}

fn separator(rng: &mut Rng) -> &'static str {
    rng.pick(&[";", ";\n", " ;\n\n", ";\r\n", ";\t"])
}

#[test]
fn statements_joined_split_back() {
    let mut rng = Rng(seed());
    for case in 0..cases() {
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let stmts: Vec<String> = (0..1 + rng.below(5))
                .map(|_| statement(&mut rng, d))
                .collect();
            let mut input = String::new();
            let mut wanted = stmts.clone();
            if d == Dialect::MySql && rng.below(3) == 0 {
                // A compound statement behind a custom delimiter, as the mysql client writes it.
                let compound = "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 'x;'; END".to_string();
                input.push_str("DELIMITER $$\n");
                input.push_str(&compound);
                input.push_str("$$\nDELIMITER ;\n");
                wanted.insert(0, compound);
            }
            for s in &stmts {
                input.push_str(rng.pick(&["", " ", "\n", "\n\n  "]));
                input.push_str(s);
                input.push_str(separator(&mut rng));
            }
            let got: Vec<&str> = split(&input, d)
                .unwrap_or_else(|e| panic!("case {case} {d:?}: {e}\ninput:\n{input}"))
                .iter()
                .map(|s| s.text)
                .collect();
            assert_eq!(
                got,
                wanted,
                "case {case} {d:?} (seed {})\ninput:\n{input}",
                seed()
            );
        }
    }
}

const SOUP: &[&str] = &[
    "'",
    "\"",
    "`",
    "[",
    "]",
    "$$",
    "$a$",
    "$",
    "--",
    "#",
    "/*",
    "*/",
    "/*!",
    ";",
    "\n",
    "\r\n",
    " ",
    "BEGIN",
    "END",
    "CASE",
    "CREATE",
    "TRIGGER",
    "FUNCTION",
    "DELIMITER",
    "DELIMITER $$\n",
    "DELIMITER ;\n",
    "E'",
    "\\",
    "é",
    "x",
    "SELECT",
    "1",
];

#[test]
fn random_soup_never_panics_and_slices_the_input() {
    let mut rng = Rng(seed() ^ 0xdead_beef);
    for _ in 0..cases() * 4 {
        let input: String = (0..rng.below(40)).map(|_| rng.pick(SOUP)).collect();
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let Ok(stmts) = split(&input, d) else {
                continue;
            };
            let mut end = 0;
            for s in stmts {
                assert!(s.offset >= end, "overlap in {input:?}");
                assert_eq!(
                    &input[s.offset..s.offset + s.text.len()],
                    s.text,
                    "not a slice: {input:?}"
                );
                assert_eq!(
                    s.line,
                    1 + input[..s.offset].matches('\n').count(),
                    "wrong line: {input:?}"
                );
                assert!(!s.text.is_empty() && s.text.trim() == s.text);
                end = s.offset + s.text.len();
            }
        }
    }
}
