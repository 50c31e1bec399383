//! A recursive-descent parser for the statements migrations are made of, in PostgreSQL,
//! MySQL/MariaDB and SQLite.
//!
//! It reads one statement (the splitter's slice) and returns a [`Stmt`] that holds what the
//! safety analysis asks: the object, the actions, the clauses that change locking or
//! safety (`CONCURRENTLY`, `NOT VALID`, `USING INDEX`, `IF NOT EXISTS`, `WHERE`, …).
//! Expressions, queries and function bodies are skipped with bracket balancing and kept
//! as text. A statement it does not know is an error with the offset of the token it
//! stopped at, so the analysis can say "not analysed" and why — never "safe".

pub mod ast;
pub mod lex;

use std::fmt;

pub use ast::*;
use lex::{Kind, Token};

use crate::Dialect;

/// Why a statement could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the statement of the token the parser stopped at.
    pub at: usize,
    /// What it expected.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

type R<T> = Result<T, ParseError>;

/// Parses one statement.
pub fn parse(sql: &str, dialect: Dialect) -> R<Stmt> {
    let toks = lex::tokens(sql, dialect);
    let mut p = Parser {
        t: &toks,
        i: 0,
        d: dialect,
        len: sql.len(),
    };
    let s = p.statement()?;
    Ok(s)
}

/// Functions whose value changes per row: a default that calls one rewrites the table.
const VOLATILE: [&str; 14] = [
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
    "uuid",
    "rand",
    "uuid_short",
];

struct Parser<'a, 't> {
    t: &'t [Token<'a>],
    i: usize,
    d: Dialect,
    len: usize,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.t.get(self.i)
    }

    fn peek_at(&self, k: usize) -> Option<&Token<'a>> {
        self.t.get(self.i + k)
    }

    fn at(&self) -> usize {
        self.peek().map_or(self.len, |t| t.at)
    }

    fn done(&self) -> bool {
        self.i >= self.t.len()
    }

    fn is(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is(kw))
    }

    fn is_at(&self, k: usize, kw: &str) -> bool {
        self.peek_at(k).is_some_and(|t| t.is(kw))
    }

    fn is_punct(&self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.is_punct(p))
    }

    fn eat(&mut self, kw: &str) -> bool {
        let hit = self.is(kw);
        if hit {
            self.i += 1;
        }
        hit
    }

    /// Eats the words of `kws` in sequence, or nothing.
    fn eat_seq(&mut self, kws: &[&str]) -> bool {
        let hit = kws.iter().enumerate().all(|(k, w)| self.is_at(k, w));
        if hit {
            self.i += kws.len();
        }
        hit
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.is_punct(p);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn err<T>(&self, what: &str) -> R<T> {
        let found = match self.peek() {
            Some(t) => format!("`{}`", t.text),
            None => "the end of the statement".to_string(),
        };
        Err(ParseError {
            at: self.at(),
            message: format!("expected {what}, found {found}"),
        })
    }

    fn expect(&mut self, kw: &str) -> R<()> {
        if self.eat(kw) {
            Ok(())
        } else {
            self.err(&format!("`{kw}`"))
        }
    }

    fn expect_punct(&mut self, p: &str) -> R<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.err(&format!("`{p}`"))
        }
    }

    fn ident(&mut self) -> R<String> {
        match self.peek() {
            Some(t) if matches!(t.kind, Kind::Word | Kind::Quoted) => {
                let s = t.ident();
                self.i += 1;
                Ok(s)
            }
            // MySQL accepts a double-quoted string where a name is expected in a few places.
            Some(t) if t.kind == Kind::Str && self.d == Dialect::MySql => {
                let s = t.string_value();
                self.i += 1;
                Ok(s)
            }
            _ => self.err("a name"),
        }
    }

    /// `a`, `s.a`, `db.s.a` (the last two parts are kept).
    fn name(&mut self) -> R<Name> {
        let mut parts = vec![self.ident()?];
        while self.is_punct(".") {
            self.i += 1;
            parts.push(self.ident()?);
        }
        let name = parts.pop().unwrap_or_default();
        Ok(Name {
            schema: parts.pop(),
            name,
        })
    }

    fn names(&mut self) -> R<Vec<Name>> {
        let mut v = vec![self.name()?];
        while self.eat_punct(",") {
            v.push(self.name()?);
        }
        Ok(v)
    }

    fn if_not_exists(&mut self) -> bool {
        self.eat_seq(&["IF", "NOT", "EXISTS"])
    }

    fn if_exists(&mut self) -> bool {
        self.eat_seq(&["IF", "EXISTS"])
    }

    /// Skips one token, or a whole bracketed group when it starts one.
    fn skip_one(&mut self) {
        if self.is_punct("(") || self.is_punct("[") {
            self.skip_group();
        } else {
            self.i += 1;
        }
    }

    /// Skips a bracketed group starting at the current `(` or `[`.
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            if t.kind == Kind::Punct {
                match t.text {
                    "(" | "[" => depth += 1,
                    ")" | "]" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            self.i += 1;
                            return;
                        }
                    }
                    _ => {}
                }
            }
            self.i += 1;
        }
    }

    /// Skips tokens until, at bracket depth 0, a `,`/`)` or one of `stop` is next.
    fn skip_until(&mut self, stop: &[&str]) -> (usize, usize) {
        let from = self.i;
        while let Some(t) = self.peek() {
            if t.is_punct(",") || t.is_punct(")") || t.is_punct(";") {
                break;
            }
            if t.kind == Kind::Word && stop.iter().any(|s| t.is(s)) {
                break;
            }
            self.skip_one();
        }
        (from, self.i)
    }

    /// The text of tokens `from..to`, rebuilt from the tokens (spaces normalised).
    fn text(&self, from: usize, to: usize) -> String {
        if from >= to {
            return String::new();
        }
        let mut s = String::new();
        for (k, t) in self.t[from..to].iter().enumerate() {
            if k > 0 && needs_space(&self.t[from + k - 1], t) {
                s.push(' ');
            }
            s.push_str(t.text);
        }
        s
    }

    fn expr_from(&self, from: usize, to: usize) -> Expr {
        let toks = &self.t[from..to];
        let volatile = toks.windows(2).find_map(|w| {
            (w[0].kind == Kind::Word && w[1].is_punct("("))
                .then(|| w[0].text.to_ascii_lowercase())
                .filter(|f| VOLATILE.contains(&f.as_str()))
        });
        Expr {
            text: self.text(from, to),
            volatile,
            is_null: toks.len() == 1 && toks[0].is("NULL"),
            parenthesized: toks.first().is_some_and(|t| t.is_punct("("))
                && to - from > 1
                && self.group_end(from) == to,
        }
    }

    /// The index after the group that starts at `from`.
    fn group_end(&self, from: usize) -> usize {
        let mut depth = 0usize;
        for (k, t) in self.t[from..].iter().enumerate() {
            if t.is_punct("(") {
                depth += 1;
            } else if t.is_punct(")") {
                depth -= 1;
                if depth == 0 {
                    return from + k + 1;
                }
            }
        }
        self.t.len()
    }

    /// `( a, b DESC, lower(c) )`: the plain column names (expressions are skipped).
    fn column_list(&mut self) -> R<Vec<String>> {
        self.expect_punct("(")?;
        let mut cols = Vec::new();
        loop {
            let start = self.i;
            let first = self.peek().copied();
            self.skip_until(&[]);
            if self.i == start + 1
                && let Some(t) = first
                && matches!(t.kind, Kind::Word | Kind::Quoted)
            {
                cols.push(t.ident());
            } else if let Some(t) = first
                && matches!(t.kind, Kind::Word | Kind::Quoted)
                && !self.t.get(start + 1).is_some_and(|n| n.is_punct("("))
            {
                // `col DESC`, `col(10)` (MySQL prefix), `col COLLATE x`.
                cols.push(t.ident());
            }
            if self.eat_punct(",") {
                continue;
            }
            self.expect_punct(")")?;
            return Ok(cols);
        }
    }

    fn rest_is_empty(&self) -> R<()> {
        if self.done() {
            Ok(())
        } else {
            self.err("the end of the statement")
        }
    }

    fn statement(&mut self) -> R<Stmt> {
        let Some(first) = self.peek().copied() else {
            return self.err("a statement");
        };
        if first.is_punct("(") {
            return Ok(Stmt::Select { calls: vec![] });
        }
        if first.kind != Kind::Word {
            return self.err("a statement");
        }
        self.i += 1;
        let kw = first.text.to_ascii_uppercase();
        match kw.as_str() {
            "CREATE" => self.create(),
            "ALTER" => self.alter(),
            "DROP" => self.drop(),
            "TRUNCATE" => {
                self.eat("TABLE");
                self.eat("ONLY");
                let tables = self.names()?;
                let mut cascade = false;
                while let Some(t) = self.peek() {
                    cascade |= t.is("CASCADE");
                    self.i += 1;
                }
                Ok(Stmt::Truncate { tables, cascade })
            }
            "RENAME" if self.d == Dialect::MySql => {
                if !self.eat("TABLE") && !self.eat("TABLES") {
                    return self.err("`TABLE`");
                }
                let mut pairs = Vec::new();
                loop {
                    let a = self.name()?;
                    self.expect("TO")?;
                    let b = self.name()?;
                    pairs.push((a, b));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                Ok(Stmt::RenameTables(pairs))
            }
            "REFRESH" => {
                self.expect("MATERIALIZED")?;
                self.expect("VIEW")?;
                let concurrently = self.eat("CONCURRENTLY");
                let name = self.name()?;
                Ok(Stmt::RefreshMaterializedView { name, concurrently })
            }
            "GRANT" | "REVOKE" => Ok(self.grant(kw == "REVOKE")),
            "COMMENT" => Ok(Stmt::Comment),
            "VACUUM" => {
                let mut full = false;
                let mut tables = Vec::new();
                while let Some(t) = self.peek().copied() {
                    if t.is_punct("(") {
                        let from = self.i;
                        self.skip_group();
                        full |= self.t[from..self.i].iter().any(|t| t.is("FULL"));
                    } else if t.is("FULL") {
                        full = true;
                        self.i += 1;
                    } else if matches!(t.kind, Kind::Word | Kind::Quoted)
                        && !["FREEZE", "VERBOSE", "ANALYZE", "ANALYSE"]
                            .iter()
                            .any(|k| t.is(k))
                    {
                        tables.push(self.name()?);
                        if self.is_punct("(") {
                            self.skip_group();
                        }
                        self.eat_punct(",");
                    } else {
                        self.i += 1;
                    }
                }
                Ok(Stmt::Vacuum { full, tables })
            }
            "ANALYZE" | "ANALYSE" => Ok(Stmt::Analyze),
            "CLUSTER" => {
                if self.is_punct("(") {
                    self.skip_group();
                }
                self.eat("VERBOSE");
                let table = if self.done() {
                    None
                } else {
                    Some(self.name()?)
                };
                Ok(Stmt::Cluster { table })
            }
            "REINDEX" => {
                if self.is_punct("(") {
                    self.skip_group();
                }
                let kind = if self.eat("INDEX") {
                    ObjectKind::Index
                } else if self.eat("TABLE") {
                    ObjectKind::Table
                } else if self.eat("SCHEMA") {
                    ObjectKind::Schema
                } else if self.eat("DATABASE") || self.eat("SYSTEM") {
                    ObjectKind::Database
                } else {
                    // SQLite: `REINDEX [name]`.
                    ObjectKind::Other
                };
                let concurrently = self.eat("CONCURRENTLY");
                let name = if self.done() {
                    None
                } else {
                    Some(self.name()?)
                };
                Ok(Stmt::Reindex {
                    kind,
                    name,
                    concurrently,
                })
            }
            "LOCK" => {
                if self.d == Dialect::MySql {
                    let _ = self.eat("TABLES") || self.eat("TABLE");
                    let mut tables = Vec::new();
                    let mut mode = String::from("READ");
                    loop {
                        tables.push(self.name()?);
                        if self.eat("AS")
                            || self.peek().is_some_and(|t| t.kind == Kind::Word)
                                && !self.is("READ")
                                && !self.is("WRITE")
                                && !self.is("LOW_PRIORITY")
                        {
                            self.ident()?;
                        }
                        self.eat("LOCAL");
                        self.eat("LOW_PRIORITY");
                        if self.eat("WRITE") {
                            mode = "WRITE".into();
                        } else {
                            self.eat("READ");
                        }
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    return Ok(Stmt::Lock { tables, mode });
                }
                self.eat("TABLE");
                self.eat("ONLY");
                let tables = self.names()?;
                let mut mode = String::from("ACCESS EXCLUSIVE");
                if self.eat("IN") {
                    let mut words = Vec::new();
                    while !self.done() && !self.is("MODE") {
                        words.push(self.peek().map(|t| t.text.to_ascii_uppercase()));
                        self.i += 1;
                    }
                    mode = words.into_iter().flatten().collect::<Vec<_>>().join(" ");
                }
                Ok(Stmt::Lock { tables, mode })
            }
            "UNLOCK" => Ok(Stmt::Unlock),
            "SET" => self.set(),
            "RESET" => Ok(Stmt::Set {
                name: self.peek().map(|t| t.ident()).unwrap_or_default(),
                value: "DEFAULT".into(),
                local: false,
            }),
            "BEGIN" => {
                // SQLite `BEGIN DEFERRED|IMMEDIATE|EXCLUSIVE`, PG `BEGIN ISOLATION …`.
                Ok(Stmt::Transaction(Tx::Begin))
            }
            "START" => {
                self.expect("TRANSACTION")?;
                Ok(Stmt::Transaction(Tx::Begin))
            }
            "COMMIT" | "END" => Ok(Stmt::Transaction(Tx::Commit)),
            "ROLLBACK" | "ABORT" => {
                self.eat("WORK");
                self.eat("TRANSACTION");
                if self.is("TO") {
                    Ok(Stmt::Transaction(Tx::Savepoint))
                } else {
                    Ok(Stmt::Transaction(Tx::Rollback))
                }
            }
            "SAVEPOINT" | "RELEASE" => Ok(Stmt::Transaction(Tx::Savepoint)),
            "INSERT" | "REPLACE" | "UPSERT" => self.insert(kw == "REPLACE"),
            "UPDATE" => {
                self.eat("LOW_PRIORITY");
                self.eat("IGNORE");
                self.eat("ONLY");
                if self.eat("OR") {
                    self.i += 1;
                }
                let table = self.name()?;
                let has_where = self.has_top_level("WHERE");
                Ok(Stmt::Update { table, has_where })
            }
            "DELETE" => {
                self.eat("LOW_PRIORITY");
                self.eat("QUICK");
                self.eat("IGNORE");
                self.expect("FROM")?;
                self.eat("ONLY");
                let table = self.name()?;
                let has_where = self.has_top_level("WHERE");
                Ok(Stmt::Delete { table, has_where })
            }
            "WITH" => self.with(),
            "SELECT" | "VALUES" | "TABLE" | "SHOW" | "EXPLAIN" | "DESCRIBE" => {
                let mut calls = Vec::new();
                while let Some(t) = self.peek() {
                    if t.is("FROM") {
                        break;
                    }
                    if t.kind == Kind::Word && self.peek_at(1).is_some_and(|n| n.is_punct("(")) {
                        calls.push(t.text.to_ascii_lowercase());
                    }
                    self.skip_one();
                }
                Ok(Stmt::Select { calls })
            }
            "DO" => Ok(Stmt::Do),
            "CALL" | "EXECUTE" | "PERFORM" => Ok(Stmt::Call),
            "PRAGMA" => {
                let mut name = self.ident()?;
                if self.eat_punct(".") {
                    name = self.ident()?;
                }
                let value = if self.eat_punct("=") {
                    self.peek().map(|t| t.string_value().to_ascii_lowercase())
                } else if self.is_punct("(") {
                    self.peek_at(1)
                        .map(|t| t.string_value().to_ascii_lowercase())
                } else {
                    None
                };
                Ok(Stmt::Pragma { name, value })
            }
            "OPTIMIZE" => {
                self.eat("NO_WRITE_TO_BINLOG");
                self.eat("LOCAL");
                self.expect("TABLE")?;
                Ok(Stmt::Optimize {
                    tables: self.names()?,
                })
            }
            "NOTIFY" | "LISTEN" | "DISCARD" | "LOAD" | "CHECKPOINT" | "USE" | "DEALLOCATE"
            | "PREPARE" | "FLUSH" | "IMPORT" | "SECURITY" => Ok(Stmt::Call),
            _ => Err(ParseError {
                at: first.at,
                message: format!("sluice does not analyse `{}` statements", first.text),
            }),
        }
    }

    /// Whether `kw` appears at bracket depth 0 from here on.
    fn has_top_level(&mut self, kw: &str) -> bool {
        while let Some(t) = self.peek() {
            if t.is(kw) {
                return true;
            }
            self.skip_one();
        }
        false
    }

    /// Whether the words `kws` appear in sequence at bracket depth 0 from here on.
    fn has_top_level_seq(&mut self, kws: &[&str]) -> bool {
        while !self.done() {
            if self.is_seq(kws) {
                return true;
            }
            self.skip_one();
        }
        false
    }

    fn with(&mut self) -> R<Stmt> {
        // `WITH [RECURSIVE] a AS (…), b AS (…) <statement>`.
        self.eat("RECURSIVE");
        loop {
            self.ident()?;
            if self.is_punct("(") {
                self.skip_group();
            }
            self.expect("AS")?;
            self.eat("NOT");
            self.eat("MATERIALIZED");
            if !self.is_punct("(") {
                return self.err("`(`");
            }
            self.skip_group();
            if !self.eat_punct(",") {
                break;
            }
        }
        self.statement()
    }

    fn insert(&mut self, replace: bool) -> R<Stmt> {
        let mut idempotent = replace;
        for w in ["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"] {
            self.eat(w);
        }
        if self.eat("IGNORE") {
            idempotent = true;
        }
        if self.eat("OR") {
            // SQLite `INSERT OR IGNORE|REPLACE|…`.
            idempotent |= self.is("IGNORE") || self.is("REPLACE");
            self.i += 1;
        }
        self.eat("INTO");
        let table = self.name()?;
        let mut select = false;
        while let Some(t) = self.peek().copied() {
            if t.is("SELECT") || t.is("WITH") && !select {
                select = true;
            }
            if t.is("CONFLICT") || t.is("DUPLICATE") {
                idempotent = true;
            }
            self.skip_one();
        }
        Ok(Stmt::Insert {
            table,
            select,
            idempotent,
        })
    }

    fn set(&mut self) -> R<Stmt> {
        let mut local = false;
        if self.eat("LOCAL") {
            local = true;
        } else {
            self.eat("SESSION");
        }
        if self.d == Dialect::MySql && self.eat("GLOBAL") {
            local = false;
        }
        let Some(t) = self.peek().copied() else {
            return self.err("a setting");
        };
        self.i += 1;
        let mut name = if t.kind == Kind::Param {
            t.text
                .trim_start_matches('@')
                .trim_start_matches("session.")
                .trim_start_matches("SESSION.")
                .to_ascii_lowercase()
        } else {
            t.ident()
        };
        while self.eat_punct(".") {
            name = self.ident()?;
        }
        if !self.eat_punct("=") && !self.eat("TO") && !self.eat_punct(":=") {
            // `SET TIME ZONE …`, `SET NAMES …`, `SET ROLE …`, `SET CONSTRAINTS …`.
            if self.d == Dialect::Postgres && name == "time" {
                self.eat("ZONE");
                name = "timezone".into();
            }
        }
        let from = self.i;
        self.skip_until(&[]);
        let value = self.text(from, self.i);
        let value = value.trim_matches('\'').to_string();
        Ok(Stmt::Set { name, value, local })
    }

    fn grant(&mut self, revoke: bool) -> Stmt {
        let mut public = false;
        let mut objects = Vec::new();
        let mut k = 0;
        // The privileges run up to `ON`; the objects up to `TO`/`FROM`.
        while let Some(t) = self.peek().copied() {
            if t.is("ON") && objects.is_empty() && k > 0 {
                self.i += 1;
                let table_like = ![
                    "FUNCTION",
                    "FUNCTIONS",
                    "PROCEDURE",
                    "ROUTINE",
                    "SCHEMA",
                    "SEQUENCE",
                    "DATABASE",
                    "TYPE",
                    "DOMAIN",
                    "LANGUAGE",
                    "ALL",
                    "FOREIGN",
                    "LARGE",
                    "TABLESPACE",
                ]
                .iter()
                .any(|w| self.is(w));
                self.eat("TABLE");
                if table_like {
                    while let Ok(n) = self.name() {
                        objects.push(n);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                }
                continue;
            }
            if t.is("PUBLIC") {
                public = true;
            }
            k += 1;
            self.skip_one();
        }
        Stmt::Grant {
            public,
            revoke,
            objects,
        }
    }

    fn create(&mut self) -> R<Stmt> {
        let mut or_replace = self.eat_seq(&["OR", "REPLACE"]);
        let mut temporary = false;
        loop {
            if self.eat("TEMP") || self.eat("TEMPORARY") {
                temporary = true;
            } else if self.eat("UNLOGGED")
                || self.eat("GLOBAL")
                || self.eat("LOCAL")
                || self.eat("TRUSTED")
                || self.eat("PROCEDURAL")
                || self.eat("RECURSIVE")
            {
            } else if self.is("DEFINER") {
                // MySQL `CREATE DEFINER = user …`.
                self.i += 1;
                self.eat_punct("=");
                self.skip_one();
                while self.is_punct("@") || self.peek().is_some_and(|t| t.kind == Kind::Param) {
                    self.skip_one();
                    if self.peek().is_some_and(|t| t.kind == Kind::Str) {
                        self.i += 1;
                    }
                }
            } else if self.eat("ALGORITHM") {
                self.eat_punct("=");
                self.i += 1;
            } else if self.eat("SQL") {
                self.eat("SECURITY");
                self.i += 1;
            } else {
                break;
            }
        }
        or_replace |= self.eat_seq(&["OR", "REPLACE"]);
        let Some(t) = self.peek().copied() else {
            return self.err("what to create");
        };
        self.i += 1;
        let kw = t.text.to_ascii_uppercase();
        match kw.as_str() {
            "TABLE" => self.create_table(or_replace, temporary),
            "UNIQUE" | "INDEX" | "FULLTEXT" | "SPATIAL" => {
                let unique = kw == "UNIQUE";
                let special = matches!(kw.as_str(), "FULLTEXT" | "SPATIAL").then_some(kw.clone());
                if kw != "INDEX" {
                    self.expect("INDEX")?;
                }
                self.create_index(unique, special)
            }
            "MATERIALIZED" => {
                self.expect("VIEW")?;
                self.create_view(true, or_replace)
            }
            "VIEW" => self.create_view(false, or_replace),
            "FUNCTION" | "PROCEDURE" | "AGGREGATE" => self.create_function(&kw, or_replace),
            "CONSTRAINT" if self.is("TRIGGER") => {
                self.i += 1;
                self.create_trigger(or_replace)
            }
            "TRIGGER" => self.create_trigger(or_replace),
            "TYPE" => {
                let name = self.name()?;
                let enum_values = if self.eat("AS") && self.eat("ENUM") {
                    self.expect_punct("(")?;
                    let mut v = Vec::new();
                    while let Some(t) = self.peek().copied() {
                        self.i += 1;
                        if t.kind == Kind::Str {
                            v.push(t.string_value());
                        } else if t.is_punct(")") {
                            break;
                        }
                    }
                    Some(v)
                } else {
                    None
                };
                Ok(Stmt::CreateType { name, enum_values })
            }
            "SEQUENCE" => {
                let if_not_exists = self.if_not_exists();
                Ok(Stmt::CreateSequence {
                    name: self.name()?,
                    if_not_exists,
                })
            }
            "POLICY" => {
                let name = self.ident()?;
                self.expect("ON")?;
                Ok(Stmt::CreatePolicy {
                    name,
                    table: self.name()?,
                })
            }
            "DATABASE" => Ok(Stmt::CreateDatabase),
            "VIRTUAL" => {
                // SQLite `CREATE VIRTUAL TABLE [IF NOT EXISTS] t USING …`.
                self.expect("TABLE")?;
                let if_not_exists = self.if_not_exists();
                let name = self.name()?;
                Ok(Stmt::CreateTable {
                    name,
                    if_not_exists,
                    or_replace: false,
                    temporary: false,
                    columns: vec![],
                    constraints: vec![],
                    partition_of: None,
                    copies: false,
                    partitioned: false,
                    charset: None,
                })
            }
            _ => {
                let kind = match kw.as_str() {
                    "SCHEMA" => ObjectKind::Schema,
                    "EXTENSION" => ObjectKind::Extension,
                    "DOMAIN" => ObjectKind::Domain,
                    "ROLE" | "USER" | "GROUP" => ObjectKind::Role,
                    "STATISTICS" | "PUBLICATION" | "SUBSCRIPTION" | "RULE" | "CAST"
                    | "COLLATION" | "CONVERSION" | "OPERATOR" | "SERVER" | "EVENT" | "LANGUAGE"
                    | "TABLESPACE" | "TEXT" | "FOREIGN" | "ACCESS" => ObjectKind::Other,
                    _ => {
                        return Err(ParseError {
                            at: t.at,
                            message: format!("sluice does not analyse `CREATE {}`", t.text),
                        });
                    }
                };
                let if_not_exists = self.if_not_exists();
                let name = self.name().unwrap_or_else(|_| Name::bare(""));
                Ok(Stmt::Create {
                    kind,
                    name,
                    if_not_exists,
                })
            }
        }
    }

    fn create_table(&mut self, or_replace: bool, temporary: bool) -> R<Stmt> {
        let if_not_exists = self.if_not_exists();
        let name = self.name()?;
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        let mut partition_of = None;
        let mut copies = false;
        if self.eat_seq(&["PARTITION", "OF"]) {
            partition_of = Some(self.name()?);
        } else if self.eat("LIKE") || self.eat("AS") || self.is("SELECT") {
            copies = true;
        }
        if self.is_punct("(") && !copies {
            self.i += 1;
            loop {
                if self.eat("LIKE") {
                    copies = true;
                    self.skip_until(&[]);
                } else if let Some(c) = self.table_constraint()? {
                    constraints.push(c);
                } else if self.is_punct(")") {
                    // `CREATE TABLE t ()`.
                } else {
                    columns.push(self.column()?);
                }
                if self.eat_punct(",") {
                    continue;
                }
                self.expect_punct(")")?;
                break;
            }
        }
        // Table options: the character set (MySQL); `AS SELECT`, `STRICT`, `WITHOUT
        // ROWID` and the rest skipped.
        let options_at = self.i;
        let mut charset = None;
        while !self.done() {
            if self.is("CHARSET") {
                self.i += 1;
            } else if self.is_seq(&["CHARACTER", "SET"]) {
                self.i += 2;
            } else {
                self.skip_one();
                continue;
            }
            self.eat_punct("=");
            charset = self.peek().map(|t| t.ident().to_ascii_lowercase());
            break;
        }
        self.i = options_at;
        let partitioned = self.has_top_level_seq(&["PARTITION", "BY"]);
        Ok(Stmt::CreateTable {
            partitioned,
            charset,
            name,
            if_not_exists,
            or_replace,
            temporary,
            columns,
            constraints,
            partition_of,
            copies,
        })
    }

    /// A table constraint, if one starts here.
    fn table_constraint(&mut self) -> R<Option<Constraint>> {
        let start = self.i;
        let mut name = None;
        if self.eat("CONSTRAINT") {
            // MySQL allows `CONSTRAINT PRIMARY KEY` / `CONSTRAINT CHECK (…)` without a name.
            if !self.is("PRIMARY") && !self.is("UNIQUE") && !self.is("FOREIGN") && !self.is("CHECK")
            {
                name = Some(self.ident()?);
            }
        }
        let my = self.d == Dialect::MySql;
        let kind = if self.eat_seq(&["PRIMARY", "KEY"]) {
            if self.eat_seq(&["USING", "INDEX"]) {
                ConstraintKind::PrimaryKey {
                    columns: vec![],
                    using_index: Some(self.ident()?),
                }
            } else {
                self.skip_index_name_and_type();
                ConstraintKind::PrimaryKey {
                    columns: self.column_list()?,
                    using_index: None,
                }
            }
        } else if self.eat("UNIQUE") {
            if self.eat_seq(&["USING", "INDEX"]) {
                ConstraintKind::Unique {
                    columns: vec![],
                    using_index: Some(self.ident()?),
                }
            } else {
                self.eat_seq(&["NULLS", "NOT", "DISTINCT"]);
                self.eat_seq(&["NULLS", "DISTINCT"]);
                if my && !self.eat("KEY") {
                    self.eat("INDEX");
                }
                if my && !self.is_punct("(") && !self.is("USING") {
                    let n = self.ident()?;
                    name.get_or_insert(n);
                }
                self.skip_index_name_and_type();
                ConstraintKind::Unique {
                    columns: self.column_list()?,
                    using_index: None,
                }
            }
        } else if self.eat_seq(&["FOREIGN", "KEY"]) {
            if my && !self.is_punct("(") {
                let n = self.ident()?;
                name.get_or_insert(n);
            }
            let columns = self.column_list()?;
            self.expect("REFERENCES")?;
            let mut fk = self.references()?;
            fk.columns = columns;
            ConstraintKind::ForeignKey(fk)
        } else if self.eat("CHECK") {
            let from = self.i;
            if !self.is_punct("(") {
                return self.err("`(`");
            }
            self.skip_group();
            ConstraintKind::Check(self.expr_from(from, self.i))
        } else if self.eat("EXCLUDE") {
            self.skip_until(&["NOT"]);
            ConstraintKind::Exclude
        } else if my
            && name.is_none()
            && (self.is("INDEX") || self.is("KEY") || self.is("FULLTEXT") || self.is("SPATIAL"))
        {
            let special = (self.is("FULLTEXT") || self.is("SPATIAL"))
                .then(|| self.peek().map(|t| t.text.to_ascii_uppercase()))
                .flatten();
            self.i += 1;
            if special.is_some() && !self.eat("INDEX") {
                self.eat("KEY");
            }
            if !self.is_punct("(") && !self.is("USING") {
                name = Some(self.ident()?);
            }
            self.skip_index_name_and_type();
            ConstraintKind::Index {
                columns: self.column_list()?,
                special,
            }
        } else {
            self.i = start;
            return Ok(None);
        };
        // Trailing clauses: NOT VALID, DEFERRABLE, NOT ENFORCED, USING INDEX TABLESPACE, …
        let mut not_valid = false;
        while let Some(t) = self.peek() {
            if t.is_punct(",") || t.is_punct(")") {
                break;
            }
            if t.is("VALID") && self.i > 0 && self.t[self.i - 1].is("NOT") {
                not_valid = true;
            }
            self.skip_one();
        }
        Ok(Some(Constraint {
            name,
            kind,
            not_valid,
        }))
    }

    /// MySQL `USING BTREE` before a column list.
    fn skip_index_name_and_type(&mut self) {
        if self.eat("USING") {
            self.i += 1;
        }
    }

    fn references(&mut self) -> R<ForeignKey> {
        let table = self.name()?;
        let ref_columns = if self.is_punct("(") {
            self.column_list()?
        } else {
            vec![]
        };
        let mut on_delete = None;
        loop {
            if self.eat_seq(&["ON", "DELETE"]) {
                on_delete = Some(self.fk_action());
            } else if self.eat_seq(&["ON", "UPDATE"]) {
                self.fk_action();
            } else if self.eat("MATCH") {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(ForeignKey {
            columns: vec![],
            table,
            ref_columns,
            on_delete,
        })
    }

    fn fk_action(&mut self) -> String {
        let mut words = Vec::new();
        for _ in 0..2 {
            match self.peek() {
                Some(t)
                    if [
                        "CASCADE", "RESTRICT", "SET", "NO", "NULL", "DEFAULT", "ACTION",
                    ]
                    .iter()
                    .any(|w| t.is(w)) =>
                {
                    words.push(t.text.to_ascii_uppercase());
                    self.i += 1;
                    if words.len() == 1 && !["SET", "NO"].contains(&words[0].as_str()) {
                        break;
                    }
                }
                _ => break,
            }
        }
        if self.is_punct("(") {
            self.skip_group();
        }
        words.join(" ")
    }

    fn data_type(&mut self) -> R<DataType> {
        let first = self.ident()?;
        let mut name = first.clone();
        // Multi-word types.
        match first.as_str() {
            "double" => {
                self.eat("PRECISION");
                name = "double precision".into();
            }
            "character" | "char" | "national" => {
                if first == "national" {
                    let _ = self.eat("CHARACTER") || self.eat("CHAR");
                }
                name = if self.eat("VARYING") {
                    "varchar".into()
                } else {
                    "char".into()
                };
            }
            "bit" if self.eat("VARYING") => name = "varbit".into(),
            "long" => {
                // MySQL `LONG VARCHAR` / `LONG VARBINARY`.
                if let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) {
                    name = format!("long {}", t.ident());
                    self.i += 1;
                }
            }
            _ => {}
        }
        // Schema-qualified type (`public.my_enum`).
        if self.is_punct(".") {
            self.i += 1;
            name = self.ident()?;
        }
        let mut args = Vec::new();
        if self.is_punct("(") {
            self.i += 1;
            while let Some(t) = self.peek().copied() {
                self.i += 1;
                if t.is_punct(")") {
                    break;
                }
                if !t.is_punct(",") {
                    args.push(t.text.to_string());
                }
            }
        }
        if matches!(name.as_str(), "timestamp" | "time") {
            if self.eat_seq(&["WITH", "TIME", "ZONE"]) {
                name.push_str("tz");
            } else {
                self.eat_seq(&["WITHOUT", "TIME", "ZONE"]);
            }
        }
        if name == "interval" {
            // `interval day to second` and friends.
            while let Some(t) = self.peek() {
                if ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO"]
                    .iter()
                    .any(|w| t.is(w))
                {
                    self.i += 1;
                } else {
                    break;
                }
            }
        }
        let mut unsigned = false;
        let mut array = false;
        loop {
            if self.eat("UNSIGNED") {
                unsigned = true;
            } else if self.eat("SIGNED") || self.eat("ZEROFILL") {
            } else if self.is_punct("[") {
                self.skip_group();
                array = true;
            } else if self.eat("ARRAY") {
                if self.is_punct("[") {
                    self.skip_group();
                }
                array = true;
            } else {
                break;
            }
        }
        Ok(DataType {
            name: canonical_type(&name).to_string(),
            args,
            array,
            unsigned,
        })
    }

    /// Words that end a column's type or a `DEFAULT` expression.
    const COLUMN_STOP: [&'static str; 22] = [
        "NOT",
        "NULL",
        "PRIMARY",
        "UNIQUE",
        "REFERENCES",
        "CHECK",
        "CONSTRAINT",
        "DEFAULT",
        "GENERATED",
        "COLLATE",
        "ON",
        "COMMENT",
        "AUTO_INCREMENT",
        "AUTOINCREMENT",
        "AS",
        "FIRST",
        "AFTER",
        "CHARACTER",
        "CHARSET",
        "VISIBLE",
        "INVISIBLE",
        "KEY",
    ];

    fn column(&mut self) -> R<Column> {
        let name = self.ident()?;
        let mut col = Column {
            name,
            ..Column::default()
        };
        // SQLite columns may have no type. `CHARACTER` starts a type (`character
        // varying(255)`, `character(3)`) unless `SET` follows (MySQL's charset clause).
        let charset_clause = self.peek().is_some_and(|t| t.is("CHARACTER"))
            && self.t.get(self.i + 1).is_some_and(|t| t.is("SET"));
        if let Some(t) = self.peek()
            && matches!(t.kind, Kind::Word | Kind::Quoted)
            && (t.is("CHARACTER") && !charset_clause || !Self::COLUMN_STOP.iter().any(|w| t.is(w)))
        {
            col.ty = Some(self.data_type()?);
        }
        self.column_constraints(&mut col)?;
        Ok(col)
    }

    fn column_constraints(&mut self, col: &mut Column) -> R<()> {
        while let Some(t) = self.peek().copied() {
            if t.is_punct(",") || t.is_punct(")") || t.is_punct(";") {
                break;
            }
            self.i += 1;
            let w = t.text.to_ascii_uppercase();
            match w.as_str() {
                "CONSTRAINT" => {
                    self.ident()?;
                }
                "NOT" => {
                    if self.eat("NULL") {
                        col.not_null = true;
                    }
                }
                "NULL" => col.not_null = false,
                "DEFAULT" => {
                    let from = self.i;
                    // A leading signed number or a parenthesised expression is one unit.
                    let _ = self.eat_punct("-") || self.eat_punct("+");
                    self.skip_until(&Self::COLUMN_STOP[..]);
                    if self.i == from && !self.done() {
                        // `DEFAULT NULL`, `DEFAULT CURRENT_TIMESTAMP` … one word.
                        self.skip_one();
                        // `DEFAULT CURRENT_TIMESTAMP(6)`, `DEFAULT now()`.
                        if self.is_punct("(") {
                            self.skip_group();
                        }
                    }
                    col.default = Some(self.expr_from(from, self.i));
                }
                "PRIMARY" => {
                    self.eat("KEY");
                    col.primary_key = true;
                    col.not_null = true;
                    self.eat("ASC");
                    self.eat("DESC");
                    if self.eat("AUTOINCREMENT") {
                        col.auto_increment = true;
                    }
                }
                "KEY" => col.primary_key = true,
                "UNIQUE" => {
                    self.eat("KEY");
                    col.unique = true;
                }
                "REFERENCES" => col.references = Some(self.references()?),
                "CHECK" => {
                    col.check = true;
                    self.skip_one();
                }
                "GENERATED" => {
                    if !self.eat("ALWAYS") {
                        self.eat_seq(&["BY", "DEFAULT"]);
                    }
                    self.expect("AS")?;
                    self.generated(col);
                }
                "AS" => self.generated(col),
                "AUTO_INCREMENT" | "AUTOINCREMENT" => col.auto_increment = true,
                "COLLATE" | "CHARSET" => {
                    self.eat_punct("=");
                    col.charset = true;
                    self.i += 1;
                }
                "CHARACTER" => {
                    self.eat("SET");
                    col.charset = true;
                    self.i += 1;
                }
                "COMMENT" => {
                    self.i += 1;
                }
                "ON" => {
                    // MySQL `ON UPDATE CURRENT_TIMESTAMP[(n)]`; SQLite `ON CONFLICT x`.
                    self.i += 1;
                    self.skip_one();
                    if self.is_punct("(") {
                        self.skip_group();
                    }
                }
                "FIRST" => col.positioned = true,
                "AFTER" => {
                    col.positioned = true;
                    self.ident()?;
                }
                _ => {
                    // VISIBLE, INVISIBLE, DEFERRABLE, STORAGE x, COMPRESSION x, …
                    if self.is_punct("(") {
                        self.skip_group();
                    }
                }
            }
        }
        Ok(())
    }

    fn generated(&mut self, col: &mut Column) {
        if self.eat("IDENTITY") {
            col.generated = Some(Generated::Identity);
            col.not_null = true;
            if self.is_punct("(") {
                self.skip_group();
            }
            return;
        }
        if self.is_punct("(") {
            self.skip_group();
        }
        col.generated = Some(if self.eat("STORED") || self.eat("PERSISTENT") {
            Generated::Stored
        } else {
            self.eat("VIRTUAL");
            Generated::Virtual
        });
    }

    fn create_index(&mut self, unique: bool, special: Option<String>) -> R<Stmt> {
        let concurrently = self.eat("CONCURRENTLY");
        let if_not_exists = self.if_not_exists();
        let name = if self.is("ON") {
            None
        } else {
            Some(self.name()?)
        };
        if self.eat("USING") {
            self.i += 1;
        }
        self.expect("ON")?;
        let only = self.eat("ONLY");
        let table = self.name()?;
        if self.eat("USING") {
            self.i += 1;
        }
        let columns = self.column_list()?;
        let mut options = Vec::new();
        let mut partial = false;
        while let Some(t) = self.peek().copied() {
            self.i += 1;
            partial |= t.is("WHERE");
            if t.is("ALGORITHM") || t.is("LOCK") {
                self.eat_punct("=");
                let v = self
                    .peek()
                    .map(|t| t.text.to_ascii_uppercase())
                    .unwrap_or_default();
                self.i += 1;
                options.push(if t.is("LOCK") {
                    Action::Lock(v)
                } else {
                    Action::Algorithm(v)
                });
            }
        }
        Ok(Stmt::CreateIndex {
            name,
            table,
            unique,
            concurrently,
            if_not_exists,
            only,
            columns,
            special,
            options,
            partial,
        })
    }

    fn create_view(&mut self, materialized: bool, or_replace: bool) -> R<Stmt> {
        let if_not_exists = self.if_not_exists();
        let name = self.name()?;
        Ok(Stmt::CreateView {
            name,
            materialized,
            or_replace,
            if_not_exists,
        })
    }

    fn create_function(&mut self, kw: &str, or_replace: bool) -> R<Stmt> {
        self.if_not_exists();
        let name = self.name()?;
        let mut security_definer = false;
        let mut sets_search_path = false;
        while let Some(t) = self.peek().copied() {
            if t.is("SECURITY") && self.is_at(1, "DEFINER") {
                security_definer = true;
            }
            if t.is("SET") && self.is_at(1, "search_path") {
                sets_search_path = true;
            }
            if t.is("BEGIN") && self.d != Dialect::Postgres {
                // A MySQL routine body: nothing after it concerns the header.
                break;
            }
            self.skip_one();
        }
        Ok(Stmt::CreateFunction {
            kind: match kw {
                "PROCEDURE" => ObjectKind::Procedure,
                _ => ObjectKind::Function,
            },
            name,
            or_replace,
            security_definer,
            sets_search_path,
        })
    }

    fn create_trigger(&mut self, or_replace: bool) -> R<Stmt> {
        let if_not_exists = self.if_not_exists();
        let name = self.name()?;
        while !self.done() && !self.is("ON") {
            self.i += 1;
        }
        self.expect("ON")?;
        let table = self.name()?;
        Ok(Stmt::CreateTrigger {
            name,
            table,
            or_replace,
            if_not_exists,
        })
    }

    fn alter(&mut self) -> R<Stmt> {
        // MySQL `ALTER [ONLINE] [IGNORE] TABLE`.
        self.eat("ONLINE");
        self.eat("IGNORE");
        let Some(t) = self.peek().copied() else {
            return self.err("what to alter");
        };
        self.i += 1;
        let kw = t.text.to_ascii_uppercase();
        let kind = match kw.as_str() {
            "TABLE" => return self.alter_table(),
            "TYPE" => {
                let name = self.name()?;
                if self.eat_seq(&["ADD", "VALUE"]) {
                    let if_not_exists = self.if_not_exists();
                    let value = self.peek().map(|t| t.string_value()).unwrap_or_default();
                    self.i += 1;
                    let positioned = self.is("BEFORE") || self.is("AFTER");
                    return Ok(Stmt::AlterTypeAddValue {
                        name,
                        value,
                        if_not_exists,
                        positioned,
                    });
                }
                return Ok(self.alter_object(ObjectKind::Type, name));
            }
            "POLICY" => {
                let name = self.ident()?;
                self.expect("ON")?;
                return Ok(Stmt::AlterPolicy {
                    name,
                    table: self.name()?,
                });
            }
            "DOMAIN" => ObjectKind::Domain,
            "SEQUENCE" => ObjectKind::Sequence,
            "VIEW" => ObjectKind::View,
            "MATERIALIZED" => {
                self.expect("VIEW")?;
                ObjectKind::MaterializedView
            }
            "INDEX" => ObjectKind::Index,
            "FUNCTION" => ObjectKind::Function,
            "PROCEDURE" | "ROUTINE" => ObjectKind::Procedure,
            "SCHEMA" => ObjectKind::Schema,
            "TRIGGER" => ObjectKind::Trigger,
            "SYSTEM" | "DATABASE" | "ROLE" | "USER" | "EXTENSION" | "DEFAULT" | "GROUP"
            | "PUBLICATION" | "SUBSCRIPTION" | "TABLESPACE" | "EVENT" | "SERVER" | "STATISTICS"
            | "LARGE" | "LANGUAGE" | "COLLATION" | "OPERATOR" | "FOREIGN" | "TEXT"
            | "AGGREGATE" | "CONVERSION" => {
                return Ok(Stmt::AlterServer { what: kw });
            }
            _ => {
                return Err(ParseError {
                    at: t.at,
                    message: format!("sluice does not analyse `ALTER {}`", t.text),
                });
            }
        };
        self.if_exists();
        let name = self.name()?;
        Ok(self.alter_object(kind, name))
    }

    fn alter_object(&mut self, kind: ObjectKind, name: Name) -> Stmt {
        if matches!(kind, ObjectKind::Function | ObjectKind::Procedure) && self.is_punct("(") {
            self.skip_group();
        }
        let renames = self.is("RENAME") || self.is_seq(&["SET", "SCHEMA"]);
        let attach_partition = self.is_seq(&["ATTACH", "PARTITION"]);
        let mut sequence_values = false;
        if kind == ObjectKind::Sequence {
            while let Some(t) = self.peek() {
                if [
                    "RESTART",
                    "START",
                    "INCREMENT",
                    "MINVALUE",
                    "MAXVALUE",
                    "AS",
                ]
                .iter()
                .any(|w| t.is(w))
                {
                    sequence_values = true;
                }
                self.i += 1;
            }
        }
        Stmt::AlterObject {
            kind,
            name,
            renames,
            sequence_values,
            attach_partition,
        }
    }

    fn is_seq(&self, kws: &[&str]) -> bool {
        kws.iter().enumerate().all(|(k, w)| self.is_at(k, w))
    }

    fn alter_table(&mut self) -> R<Stmt> {
        let if_exists = self.if_exists();
        self.eat("ONLY");
        let name = self.name()?;
        self.eat_punct("*");
        // MariaDB `WAIT n` / `NOWAIT`.
        if self.eat("WAIT") {
            self.i += 1;
        }
        self.eat("NOWAIT");
        let mut actions = Vec::new();
        if self.d == Dialect::Postgres && self.eat_seq(&["ALL", "IN"]) {
            return self.err("a table name (ALTER TABLE ALL IN TABLESPACE is not analysed)");
        }
        while !self.done() {
            actions.push(self.action()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.rest_is_empty()?;
        Ok(Stmt::AlterTable {
            name,
            if_exists,
            actions,
        })
    }

    fn option_value(&mut self) -> String {
        self.eat_punct("=");
        let v = self
            .peek()
            .map(|t| t.string_value().to_ascii_uppercase())
            .unwrap_or_default();
        self.i += 1;
        v
    }

    fn action(&mut self) -> R<Action> {
        let my = self.d == Dialect::MySql;
        let start = self.i;
        let Some(t) = self.peek().copied() else {
            return self.err("an ALTER TABLE action");
        };
        self.i += 1;
        let kw = t.text.to_ascii_uppercase();
        let a = match kw.as_str() {
            "ADD" => {
                if let Some(c) = self.table_constraint()? {
                    Action::AddConstraint(c)
                } else if my
                    && (self.is("INDEX")
                        || self.is("KEY")
                        || self.is("FULLTEXT")
                        || self.is("SPATIAL"))
                {
                    let c = self.table_constraint()?;
                    match c {
                        Some(c) => Action::AddConstraint(c),
                        None => return self.err("an index definition"),
                    }
                } else {
                    self.eat("COLUMN");
                    let if_not_exists = self.if_not_exists();
                    if my && self.is_punct("(") {
                        return self
                            .err("one column per ADD (sluice does not analyse `ADD (a …, b …)`)");
                    }
                    let column = self.column()?;
                    Action::AddColumn {
                        column,
                        if_not_exists,
                    }
                }
            }
            "DROP" => {
                if self.eat_seq(&["PRIMARY", "KEY"]) {
                    Action::DropPrimaryKey
                } else if self.eat_seq(&["FOREIGN", "KEY"]) {
                    self.if_exists();
                    Action::DropConstraint {
                        name: self.ident()?,
                        foreign_key: true,
                        cascade: false,
                    }
                } else if my && (self.eat("INDEX") || self.eat("KEY")) {
                    self.if_exists();
                    Action::DropIndex(self.ident()?)
                } else if self.eat("CONSTRAINT") || (my && self.eat("CHECK")) {
                    self.if_exists();
                    let name = self.ident()?;
                    let cascade = self.eat("CASCADE");
                    self.eat("RESTRICT");
                    Action::DropConstraint {
                        name,
                        foreign_key: false,
                        cascade,
                    }
                } else {
                    self.eat("COLUMN");
                    let if_exists = self.if_exists();
                    let column = self.ident()?;
                    let cascade = self.eat("CASCADE");
                    self.eat("RESTRICT");
                    Action::DropColumn {
                        column,
                        if_exists,
                        cascade,
                    }
                }
            }
            "ALTER" => {
                self.eat("COLUMN");
                let column = self.ident()?;
                if self.eat_seq(&["SET", "DATA", "TYPE"]) || self.eat("TYPE") {
                    let ty = self.data_type()?;
                    let mut using = false;
                    while let Some(t) = self.peek() {
                        if t.is_punct(",") {
                            break;
                        }
                        using |= t.is("USING");
                        self.skip_one();
                    }
                    Action::AlterType { column, ty, using }
                } else if self.eat_seq(&["SET", "NOT", "NULL"]) {
                    Action::SetNotNull(column)
                } else if self.eat_seq(&["DROP", "NOT", "NULL"]) {
                    Action::DropNotNull(column)
                } else if self.eat_seq(&["SET", "DEFAULT"]) {
                    let from = self.i;
                    self.skip_until(&[]);
                    let e = self.expr_from(from, self.i);
                    Action::SetDefault(column, e)
                } else if self.eat_seq(&["DROP", "DEFAULT"]) {
                    Action::DropDefault(column)
                } else if self.eat_seq(&["DROP", "EXPRESSION"])
                    || self.eat_seq(&["DROP", "IDENTITY"])
                {
                    self.if_exists();
                    Action::DropGenerated(column)
                } else if self.is_seq(&["ADD", "GENERATED"])
                    || self.is("RESTART")
                    || self.is_seq(&["SET", "GENERATED"])
                    || self.is_seq(&["SET", "INCREMENT"])
                    || self.is_seq(&["SET", "EXPRESSION"])
                {
                    self.skip_until(&[]);
                    Action::AlterIdentity(column)
                } else {
                    let from = self.i;
                    self.skip_until(&[]);
                    Action::AlterColumnOther(self.text(from, self.i))
                }
            }
            "MODIFY" | "CHANGE" if my => {
                self.eat("COLUMN");
                self.if_exists();
                let old = if kw == "CHANGE" {
                    Some(self.ident()?)
                } else {
                    None
                };
                let column = self.column()?;
                Action::Redefine {
                    old: old.unwrap_or_else(|| column.name.clone()),
                    column,
                }
            }
            "VALIDATE" => {
                self.expect("CONSTRAINT")?;
                Action::ValidateConstraint(self.ident()?)
            }
            "RENAME" => {
                if self.eat("TO")
                    || self.eat("AS")
                    || (my
                        && !self.is("COLUMN")
                        && !self.is("INDEX")
                        && !self.is("KEY")
                        && !self.is_at(1, "TO"))
                {
                    Action::RenameTable(self.name()?)
                } else if self.eat("CONSTRAINT") || (my && (self.eat("INDEX") || self.eat("KEY"))) {
                    self.ident()?;
                    self.expect("TO")?;
                    self.ident()?;
                    Action::RenameOther
                } else {
                    self.eat("COLUMN");
                    let from = self.ident()?;
                    self.expect("TO")?;
                    let to = self.ident()?;
                    Action::RenameColumn { from, to }
                }
            }
            "SET" => {
                if self.eat("SCHEMA") {
                    Action::SetSchema(self.ident()?)
                } else if self.is("LOGGED")
                    || self.is("UNLOGGED")
                    || self.is("TABLESPACE")
                    || self.is_seq(&["ACCESS", "METHOD"])
                {
                    let from = self.i;
                    self.skip_until(&[]);
                    Action::Rebuild(format!(
                        "SET {}",
                        self.text(from, self.i).to_ascii_uppercase()
                    ))
                } else if self.is_punct("(") {
                    self.i += 1;
                    let mut opts = Vec::new();
                    while !self.done() && !self.is_punct(")") {
                        let k = self.ident()?;
                        let mut v = String::from("true");
                        if self.eat_punct("=") {
                            v = self
                                .peek()
                                .map(|t| t.string_value().to_ascii_lowercase())
                                .unwrap_or_default();
                            self.i += 1;
                        }
                        opts.push((k, v));
                        self.eat_punct(",");
                    }
                    self.expect_punct(")")?;
                    Action::SetOptions(opts)
                } else {
                    self.skip_until(&[]);
                    Action::Metadata(self.text(start, self.i))
                }
            }
            "ATTACH" => {
                self.expect("PARTITION")?;
                let p = self.name()?;
                self.skip_until(&[]);
                Action::AttachPartition(p)
            }
            "DETACH" => {
                self.expect("PARTITION")?;
                let partition = self.name()?;
                let concurrently = self.eat("CONCURRENTLY");
                self.eat("FINALIZE");
                Action::DetachPartition {
                    partition,
                    concurrently,
                }
            }
            "ENABLE" | "DISABLE" | "FORCE" | "NO" if self.is_row_level_security() => {
                self.skip_until(&[]);
                Action::RowLevelSecurity(self.text(start, self.i).to_ascii_uppercase())
            }
            "ENABLE" | "DISABLE" if !my || self.is("TRIGGER") => {
                self.skip_until(&[]);
                Action::Trigger(self.text(start, self.i))
            }
            "REPLICA" => {
                self.skip_until(&[]);
                Action::ReplicaIdentity(self.text(start, self.i).to_ascii_uppercase())
            }
            "ALGORITHM" if my => Action::Algorithm(self.option_value()),
            "LOCK" if my => Action::Lock(self.option_value()),
            "AUTO_INCREMENT" if my => {
                self.option_value();
                Action::AutoIncrement
            }
            "ENGINE" | "ROW_FORMAT" | "KEY_BLOCK_SIZE" if my => {
                let v = self.option_value();
                Action::Rebuild(format!("{kw}={v}"))
            }
            "FORCE" if my => Action::Rebuild("FORCE".into()),
            "CONVERT" if my => {
                self.skip_until(&[]);
                Action::Rebuild(self.text(start, self.i).to_ascii_uppercase())
            }
            _ => {
                self.skip_until(&[]);
                Action::Metadata(self.text(start, self.i))
            }
        };
        Ok(a)
    }

    fn is_row_level_security(&self) -> bool {
        (0..3).any(|k| self.is_at(k, "ROW")) && (0..4).any(|k| self.is_at(k, "SECURITY"))
    }

    fn drop(&mut self) -> R<Stmt> {
        let Some(t) = self.peek().copied() else {
            return self.err("what to drop");
        };
        self.i += 1;
        let kw = t.text.to_ascii_uppercase();
        let kind = match kw.as_str() {
            "TABLE" | "TABLES" => ObjectKind::Table,
            "INDEX" => ObjectKind::Index,
            "VIEW" => ObjectKind::View,
            "MATERIALIZED" => {
                self.expect("VIEW")?;
                ObjectKind::MaterializedView
            }
            "SEQUENCE" => ObjectKind::Sequence,
            "TYPE" => ObjectKind::Type,
            "DOMAIN" => ObjectKind::Domain,
            "FUNCTION" => ObjectKind::Function,
            "PROCEDURE" | "ROUTINE" => ObjectKind::Procedure,
            "TRIGGER" => ObjectKind::Trigger,
            "POLICY" => ObjectKind::Policy,
            "EXTENSION" => ObjectKind::Extension,
            "SCHEMA" => ObjectKind::Schema,
            "DATABASE" => ObjectKind::Database,
            "ROLE" | "USER" | "GROUP" => ObjectKind::Role,
            "TEMPORARY" if self.is("TABLE") => {
                self.i += 1;
                ObjectKind::Table
            }
            "RULE" | "PUBLICATION" | "SUBSCRIPTION" | "STATISTICS" | "CAST" | "COLLATION"
            | "OPERATOR" | "SERVER" | "EVENT" | "OWNED" | "AGGREGATE" | "LANGUAGE"
            | "TABLESPACE" | "CONVERSION" | "FOREIGN" | "TEXT" | "ACCESS" => ObjectKind::Other,
            _ => {
                return Err(ParseError {
                    at: t.at,
                    message: format!("sluice does not analyse `DROP {}`", t.text),
                });
            }
        };
        let concurrently = self.eat("CONCURRENTLY");
        let if_exists = self.if_exists();
        let mut names = Vec::new();
        let mut on = None;
        let mut cascade = false;
        if kind != ObjectKind::Other {
            loop {
                names.push(self.name()?);
                if matches!(kind, ObjectKind::Function | ObjectKind::Procedure)
                    && self.is_punct("(")
                {
                    self.skip_group();
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        while let Some(t) = self.peek().copied() {
            if t.is("ON") {
                self.i += 1;
                on = Some(self.name()?);
                continue;
            }
            cascade |= t.is("CASCADE");
            self.skip_one();
        }
        Ok(Stmt::Drop {
            kind,
            names,
            if_exists,
            cascade,
            concurrently,
            on,
        })
    }
}

fn needs_space(a: &Token<'_>, b: &Token<'_>) -> bool {
    let word = |t: &Token<'_>| t.kind != Kind::Punct;
    if a.is_punct("(")
        || b.is_punct(")")
        || b.is_punct(",")
        || a.is_punct("::")
        || b.is_punct("::")
        || a.is_punct(".")
        || b.is_punct(".")
    {
        return false;
    }
    if b.is_punct("(") {
        return !(a.kind == Kind::Word);
    }
    word(a) || word(b) || a.text != "("
}

/// The canonical name of a type, so that rules compare `int4` with `integer`.
pub fn canonical_type(name: &str) -> &str {
    match name {
        "int" | "int4" | "integer" | "mediumint" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "serial4" | "serial" => "serial",
        "serial8" | "bigserial" => "bigserial",
        "serial2" | "smallserial" => "smallserial",
        "float8" | "double precision" | "double" => "double precision",
        "float4" | "real" => "real",
        "decimal" | "numeric" => "numeric",
        "bool" | "boolean" => "boolean",
        "varchar" | "character varying" => "varchar",
        "bpchar" | "char" | "character" => "char",
        "timestamptz" => "timestamptz",
        "timetz" => "timetz",
        other => other,
    }
}

#[cfg(test)]
mod tests;
