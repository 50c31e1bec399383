//! # sluice-sql — SQL statements: where they end, what they do
//!
//! *Internal to sluice: this API may change in any release. Applications use the crate
//! `sluice-migrate`; people use the `sluice` command.*
//!
//! Two layers, each usable without the next: the splitter ([`split`]: where one statement
//! ends and the next begins) and the parser ([`parse`]: what the safety analysis needs of
//! one statement; [`footprint`]: what a statement leaves in the catalog). The safety
//! analysis itself (locks, rewrites, data loss, the rules) is the crate `sluice-lint`.
//!
//! sluice executes, checksums, analyses and reports SQL *statement by statement*, so it
//! must know exactly where each statement of a migration section starts and ends, and on
//! which line of the file it stands. The splitter answers that with a hand-written lexer
//! that needs no parser: a statement that the parser does not understand still splits and
//! still runs.
//!
//! The lexer knows, per [`Dialect`]:
//! - `'…'` strings with doubled-quote escapes; PostgreSQL `E'…'` with backslash escapes;
//!   MySQL backslash escapes in `'…'` and `"…"`;
//! - `"…"` identifiers, `` `…` `` (MySQL, SQLite), `[…]` (SQLite);
//! - `--` comments (MySQL: only when followed by white space), `#` comments (MySQL),
//!   `/* … */` comments (nested on PostgreSQL); MySQL `/*! … */` is code;
//! - PostgreSQL dollar quotes `$$ … $$`, `$body$ … $body$` (while `$1` and `a$b` are not);
//! - `BEGIN … END` / `CASE … END` nesting inside `CREATE [OR REPLACE] [TEMP] TRIGGER |
//!   FUNCTION | PROCEDURE` (SQLite trigger bodies, PostgreSQL `BEGIN ATOMIC`);
//! - MySQL `DELIMITER xx` lines, as the `mysql` client reads them, including a delimiter
//!   glued to a word (`END$$`).
//!
//! The main entry point is [`split`], which yields [`Statement`]s: the statement's text as
//! a slice of the input (leading comments kept, the delimiter and surrounding white space
//! dropped), its byte offset and its 1-based line. A chunk that holds only comments and
//! white space is not a statement. Errors ([`SplitError`]) name the line where an
//! unterminated string, identifier, comment or dollar quote began.
//!
//! Beside the splitter: [`parse`] reads one statement into what the safety analysis
//! (`sluice-lint`) needs, and [`footprint`] says what it leaves in the catalog (so a runner that lost track of a statement can tell whether it
//! ran) and whether it may commit together with the runner's bookkeeping.
//!
//! What this crate must never do: guess. It does not rewrite statements or drop anything
//! that is code, and a statement it cannot read is said to be unread, never safe.

pub mod footprint;
mod names;
pub mod parse;

use std::fmt;

pub use names::{destructive, is_data_change, tables_touched};

/// The SQL dialect whose lexical rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite: `[ident]`, backticks, trigger bodies.
    Sqlite,
    /// PostgreSQL: dollar quotes, `E''` strings, nested comments, `BEGIN ATOMIC`.
    Postgres,
    /// MySQL and MariaDB: backslash escapes, `#` comments, `DELIMITER`.
    MySql,
}

impl Dialect {
    /// The dialect's name as written in `sluice.toml` and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        }
    }
}

/// One statement of a section: a slice of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement, trimmed, without its delimiter; leading comments are kept.
    pub text: &'a str,
    /// Byte offset of `text` in the input.
    pub offset: usize,
    /// 1-based line of the first character of `text`.
    pub line: usize,
}

/// Why a section could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitError {
    /// 1-based line where the unterminated construct began.
    pub line: usize,
    /// What is wrong.
    pub kind: SplitErrorKind,
}

/// The kinds of [`SplitError`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SplitErrorKind {
    /// A `'…'` string with no closing quote.
    UnterminatedString,
    /// A `"…"`, `` `…` `` or `[…]` quoted identifier with no closing quote.
    UnterminatedIdentifier,
    /// A `/* …` comment with no `*/`.
    UnterminatedComment,
    /// A `$tag$` with no closing `$tag$`.
    UnterminatedDollarQuote(String),
    /// `DELIMITER` with nothing after it.
    EmptyDelimiter,
    /// A psql meta-command such as `\connect`: not SQL.
    PsqlMetaCommand(String),
    /// A NUL byte anywhere, or another control character outside a string literal or a
    /// quoted name: never meant, and a NUL makes SQLite stop reading silently.
    ControlCharacter(u8),
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SplitErrorKind::UnterminatedString => {
                write!(
                    f,
                    "string starting on line {} is never closed: add the closing quote",
                    self.line
                )
            }
            SplitErrorKind::UnterminatedIdentifier => write!(
                f,
                "quoted identifier starting on line {} is never closed: add the closing quote",
                self.line
            ),
            SplitErrorKind::UnterminatedComment => {
                write!(
                    f,
                    "comment starting on line {} is never closed: add `*/`",
                    self.line
                )
            }
            SplitErrorKind::UnterminatedDollarQuote(tag) => write!(
                f,
                "dollar quote {tag} starting on line {} is never closed: add the closing {tag}",
                self.line
            ),
            SplitErrorKind::EmptyDelimiter => {
                write!(
                    f,
                    "DELIMITER on line {} names no delimiter: write e.g. `DELIMITER $$`",
                    self.line
                )
            }
            SplitErrorKind::PsqlMetaCommand(cmd) => write!(
                f,
                "line {} holds the psql meta-command `{cmd}`, which is not SQL: sluice runs SQL only, remove it",
                self.line
            ),
            SplitErrorKind::ControlCharacter(0) => write!(
                f,
                "line {} holds a NUL byte (\\0): a database would stop reading the statement there; remove it (`cat -A` shows it as ^@)",
                self.line
            ),
            SplitErrorKind::ControlCharacter(b) => write!(
                f,
                "line {} holds the control character U+{b:04X} outside a string: it is invisible and never meant; remove it (`cat -A` shows it)",
                self.line
            ),
        }
    }
}

impl std::error::Error for SplitError {}

/// Splits `input` into statements according to `dialect`. Input that cannot run as
/// written (a NUL byte, a control character outside strings) is an error with its line.
pub fn split(input: &str, dialect: Dialect) -> Result<Vec<Statement<'_>>, SplitError> {
    if let Some(at) = stray_control(input, dialect) {
        return Err(SplitError {
            line: input[..at].matches('\n').count() + 1,
            kind: SplitErrorKind::ControlCharacter(input.as_bytes()[at]),
        });
    }
    Lexer::new(input, dialect).run()
}

/// The byte offset of the first NUL in `text`, or of the first control character other
/// than tab, newline, carriage return and form feed (DEL included) that is not inside a
/// string literal or a quoted name.
fn stray_control(text: &str, dialect: Dialect) -> Option<usize> {
    let b = text.as_bytes();
    let control = |c: u8| (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0c)) || c == 0x7f;
    if !b.iter().any(|&c| control(c)) {
        return None;
    }
    if let Some(nul) = b.iter().position(|&c| c == 0) {
        let first_other = b[..nul].iter().position(|&c| control(c));
        if first_other.is_none() {
            return Some(nul);
        }
    }
    let toks = parse::lex::tokens(text, dialect);
    let quoted = |at: usize| {
        let i = toks.partition_point(|t| t.at <= at);
        i > 0 && {
            let t = &toks[i - 1];
            matches!(t.kind, parse::lex::Kind::Str | parse::lex::Kind::Quoted)
                && at < t.at + t.text.len()
        }
    };
    b.iter()
        .enumerate()
        .find(|&(i, &c)| c == 0 || (control(c) && !quoted(i)))
        .map(|(i, _)| i)
}

/// Words that may stand between `CREATE` and `TRIGGER`/`FUNCTION`/`PROCEDURE`.
const CREATE_MODIFIERS: [&[u8]; 5] = [b"OR", b"REPLACE", b"TEMP", b"TEMPORARY", b"CONSTRAINT"];
/// Objects whose bodies may hold `BEGIN … END` blocks with `;` inside.
const BLOCK_OBJECTS: [&[u8]; 3] = [b"TRIGGER", b"FUNCTION", b"PROCEDURE"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    /// No word seen yet in this statement.
    Start,
    /// `CREATE` (and maybe modifiers) seen; the next word decides.
    AfterCreate(u8),
    /// Block nesting is tracked for this statement.
    Block,
    /// An ordinary statement.
    Plain,
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    dialect: Dialect,
    out: Vec<Statement<'a>>,
    /// Incremental line counting: `line` is the line at byte `line_pos`.
    line_pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, dialect: Dialect) -> Self {
        Lexer {
            src,
            b: src.as_bytes(),
            dialect,
            out: Vec::new(),
            line_pos: 0,
            line: 1,
        }
    }

    /// The 1-based line of byte `pos`; positions must not decrease between calls.
    fn line_at(&mut self, pos: usize) -> usize {
        if pos > self.line_pos {
            self.line += self.b[self.line_pos..pos]
                .iter()
                .filter(|&&c| c == b'\n')
                .count();
            self.line_pos = pos;
        }
        self.line
    }

    /// Line of `pos` without moving the incremental counter (for errors).
    fn line_of(&self, pos: usize) -> usize {
        1 + self.b[..pos].iter().filter(|&&c| c == b'\n').count()
    }

    fn err(&self, pos: usize, kind: SplitErrorKind) -> SplitError {
        SplitError {
            line: self.line_of(pos),
            kind,
        }
    }

    fn push(&mut self, start: usize, end: usize) {
        let raw = &self.src[start..end];
        let trimmed_start = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        if text.is_empty() {
            return;
        }
        let offset = start + trimmed_start;
        let line = self.line_at(offset);
        self.out.push(Statement { text, offset, line });
    }

    fn run(mut self) -> Result<Vec<Statement<'a>>, SplitError> {
        let b = self.b;
        let n = b.len();
        let mut i = 0;
        let mut start = 0;
        let mut has_code = false;
        let mut head = Head::Start;
        let mut depth: u32 = 0;
        // MySQL DELIMITER; `None` means the ordinary `;`.
        let mut custom: Option<&'a str> = None;

        while i < n {
            let c = b[i];
            if let Some(d) = custom
                && b[i..].starts_with(d.as_bytes())
            {
                if has_code {
                    self.push(start, i);
                }
                i += d.len();
                start = i;
                has_code = false;
                head = Head::Start;
                depth = 0;
                continue;
            }
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => i += 1,
                b';' if custom.is_none() => {
                    if depth == 0 {
                        if has_code {
                            self.push(start, i);
                        }
                        i += 1;
                        start = i;
                        has_code = false;
                        head = Head::Start;
                    } else {
                        i += 1;
                    }
                }
                b'\'' => {
                    let backslash = self.dialect == Dialect::MySql;
                    i =
                        self.skip_quoted(i, b'\'', backslash, SplitErrorKind::UnterminatedString)?;
                    has_code = true;
                }
                b'"' => {
                    let (backslash, kind) = if self.dialect == Dialect::MySql {
                        (true, SplitErrorKind::UnterminatedString)
                    } else {
                        (false, SplitErrorKind::UnterminatedIdentifier)
                    };
                    i = self.skip_quoted(i, b'"', backslash, kind)?;
                    has_code = true;
                }
                b'`' if self.dialect != Dialect::Postgres => {
                    i = self.skip_quoted(i, b'`', false, SplitErrorKind::UnterminatedIdentifier)?;
                    has_code = true;
                }
                b'[' if self.dialect == Dialect::Sqlite => {
                    match b[i + 1..].iter().position(|&x| x == b']') {
                        Some(p) => i += p + 2,
                        None => return Err(self.err(i, SplitErrorKind::UnterminatedIdentifier)),
                    }
                    has_code = true;
                }
                b'-' if b.get(i + 1) == Some(&b'-') && self.line_comment_starts(i) => {
                    i = skip_line(b, i);
                }
                b'#' if self.dialect == Dialect::MySql => i = skip_line(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    if self.dialect == Dialect::MySql && b.get(i + 2) == Some(&b'!') {
                        // Executable comment: its content is code; a stray `*/` is harmless.
                        i += 3;
                        has_code = true;
                    } else {
                        i = self.skip_block_comment(i)?;
                    }
                }
                b'$' if self.dialect == Dialect::Postgres => {
                    i = self.maybe_dollar_quote(i)?;
                    has_code = true;
                }
                b'\\' if self.dialect == Dialect::Postgres && !has_code => {
                    let end = b[i..]
                        .iter()
                        .position(|&x| x == b'\n' || x == b' ')
                        .map_or(n, |p| i + p);
                    let cmd = self.src[i..end].to_string();
                    return Err(self.err(i, SplitErrorKind::PsqlMetaCommand(cmd)));
                }
                c if is_word_start(c) => {
                    let word_start = i;
                    i += 1;
                    while i < n && is_word_char(b[i]) {
                        if let Some(d) = custom
                            && b[i..].starts_with(d.as_bytes())
                        {
                            break;
                        }
                        i += 1;
                    }
                    let word = &b[word_start..i];
                    if self.dialect == Dialect::Postgres
                        && word.len() == 1
                        && (word[0] == b'E' || word[0] == b'e')
                        && b.get(i) == Some(&b'\'')
                    {
                        i = self.skip_quoted(i, b'\'', true, SplitErrorKind::UnterminatedString)?;
                        has_code = true;
                        continue;
                    }
                    if self.dialect == Dialect::MySql
                        && !has_code
                        && word.eq_ignore_ascii_case(b"DELIMITER")
                        && let Some((d, next)) = self.read_delimiter(i)?
                    {
                        custom = if d == ";" { None } else { Some(d) };
                        i = next;
                        start = i;
                        continue;
                    }
                    has_code = true;
                    head = self.classify(head, word, &mut depth);
                }
                _ => {
                    has_code = true;
                    i += 1;
                }
            }
        }
        if has_code {
            self.push(start, n);
        }
        Ok(self.out)
    }

    /// Whether `--` at `i` opens a comment (MySQL wants white space or the end after it).
    fn line_comment_starts(&self, i: usize) -> bool {
        if self.dialect != Dialect::MySql {
            return true;
        }
        match self.b.get(i + 2) {
            None => true,
            Some(&c) => c.is_ascii_whitespace() || c.is_ascii_control(),
        }
    }

    fn classify(&self, head: Head, word: &[u8], depth: &mut u32) -> Head {
        match head {
            Head::Start => {
                if self.dialect != Dialect::MySql && word.eq_ignore_ascii_case(b"CREATE") {
                    Head::AfterCreate(0)
                } else {
                    Head::Plain
                }
            }
            Head::AfterCreate(k) => {
                if BLOCK_OBJECTS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
                    Head::Block
                } else if k < 4
                    && CREATE_MODIFIERS
                        .iter()
                        .any(|w| word.eq_ignore_ascii_case(w))
                {
                    Head::AfterCreate(k + 1)
                } else {
                    Head::Plain
                }
            }
            Head::Block => {
                if word.eq_ignore_ascii_case(b"BEGIN") || word.eq_ignore_ascii_case(b"CASE") {
                    *depth += 1;
                } else if word.eq_ignore_ascii_case(b"END") {
                    *depth = depth.saturating_sub(1);
                }
                Head::Block
            }
            Head::Plain => Head::Plain,
        }
    }

    fn skip_quoted(
        &self,
        open: usize,
        q: u8,
        backslash: bool,
        kind: SplitErrorKind,
    ) -> Result<usize, SplitError> {
        let b = self.b;
        let mut j = open + 1;
        while j < b.len() {
            let c = b[j];
            if backslash && c == b'\\' {
                j += 2;
            } else if c == q {
                if b.get(j + 1) == Some(&q) {
                    j += 2;
                } else {
                    return Ok(j + 1);
                }
            } else {
                j += 1;
            }
        }
        Err(self.err(open, kind))
    }

    fn skip_block_comment(&self, open: usize) -> Result<usize, SplitError> {
        let b = self.b;
        let nested = self.dialect == Dialect::Postgres;
        let mut depth = 1u32;
        let mut j = open + 2;
        while j + 1 < b.len() {
            if b[j] == b'*' && b[j + 1] == b'/' {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return Ok(j);
                }
            } else if nested && b[j] == b'/' && b[j + 1] == b'*' {
                depth += 1;
                j += 2;
            } else {
                j += 1;
            }
        }
        Err(self.err(open, SplitErrorKind::UnterminatedComment))
    }

    /// At a `$`: skips a dollar-quoted string if one starts here, else the `$` alone.
    fn maybe_dollar_quote(&self, i: usize) -> Result<usize, SplitError> {
        let b = self.b;
        if i > 0 && is_word_char(b[i - 1]) {
            return Ok(i + 1);
        }
        let mut j = i + 1;
        if j < b.len() && b[j].is_ascii_digit() {
            return Ok(i + 1); // `$1`: a parameter
        }
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
            j += 1;
        }
        if b.get(j) != Some(&b'$') {
            return Ok(i + 1);
        }
        let tag = &self.src[i..=j];
        match self.src[j + 1..].find(tag) {
            Some(p) => Ok(j + 1 + p + tag.len()),
            None => Err(self.err(i, SplitErrorKind::UnterminatedDollarQuote(tag.to_string()))),
        }
    }

    /// After the word `DELIMITER` at `i`: the new delimiter and where the next line starts.
    /// `None` when `DELIMITER` is not followed by a blank (then it is an ordinary word).
    fn read_delimiter(&self, i: usize) -> Result<Option<(&'a str, usize)>, SplitError> {
        let b = self.b;
        if !matches!(b.get(i), Some(b' ' | b'\t')) {
            if matches!(b.get(i), None | Some(b'\n' | b'\r')) {
                return Err(self.err(i, SplitErrorKind::EmptyDelimiter));
            }
            return Ok(None);
        }
        let end = skip_line(b, i);
        let d = self.src[i..end].trim();
        let d = d.split_whitespace().next().unwrap_or("");
        if d.is_empty() {
            return Err(self.err(i, SplitErrorKind::EmptyDelimiter));
        }
        Ok(Some((d, end)))
    }
}

/// The index of the `\n` ending the line that contains `i` (or the end of input).
fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_outside_strings_are_refused() {
        let kind = |s: &str| {
            split(s, Dialect::Postgres)
                .map(|_| ())
                .map_err(|e| (e.line, e.kind))
        };
        assert_eq!(kind("SELECT 'a\u{1}b';"), Ok(()));
        assert_eq!(kind("SELECT \"a\u{7f}b\";"), Ok(()));
        assert_eq!(kind("SELECT 1;\n\tSELECT 2;\r\n\u{c}"), Ok(()));
        assert_eq!(
            kind("SELECT 1;\nSELECT\u{1b} 2;"),
            Err((2, SplitErrorKind::ControlCharacter(0x1b)))
        );
        assert_eq!(
            kind("-- a comment\u{7}\nSELECT 1;"),
            Err((1, SplitErrorKind::ControlCharacter(7)))
        );
        // A NUL byte, even in a string: the C API stops reading there.
        assert_eq!(
            kind("SELECT 1;\nSELECT 'a\0b';"),
            Err((2, SplitErrorKind::ControlCharacter(0)))
        );
    }

    fn texts(sql: &str, d: Dialect) -> Vec<&str> {
        split(sql, d).unwrap().into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_plain_statements_and_keeps_lines() {
        let s = split("SELECT 1;\n\nSELECT 2;\n  SELECT 3", Dialect::Sqlite).unwrap();
        assert_eq!(
            s.iter().map(|s| (s.text, s.line)).collect::<Vec<_>>(),
            [("SELECT 1", 1), ("SELECT 2", 3), ("SELECT 3", 4)]
        );
        assert_eq!(s[2].offset, 23);
    }

    #[test]
    fn comment_only_chunks_are_not_statements() {
        assert_eq!(
            texts("SELECT 1; -- done\n/* bye */", Dialect::Postgres),
            ["SELECT 1"]
        );
        assert!(texts("-- nothing\n;;", Dialect::Sqlite).is_empty());
    }

    #[test]
    fn semicolons_inside_quotes_and_comments_do_not_split() {
        let sql = "SELECT 'a;b''c;', \"x;\"\"y\" -- c;\n/* d; /* e; */ f; */ FROM t;";
        assert_eq!(texts(sql, Dialect::Postgres).len(), 1);
        assert_eq!(texts("SELECT 'it\\'s;'; SELECT 2", Dialect::MySql).len(), 2);
        assert_eq!(
            texts("SELECT E'it\\'s;'; SELECT 2", Dialect::Postgres).len(),
            2
        );
        assert_eq!(
            texts("SELECT [a;b], `c;d` FROM t; SELECT 2", Dialect::Sqlite).len(),
            2
        );
    }

    #[test]
    fn nested_comments_only_nest_on_postgres() {
        assert_eq!(
            texts("/* a /* b */ ; */ SELECT 1; SELECT 2", Dialect::Postgres).len(),
            2
        );
        assert_eq!(
            texts("/* a /* b */ SELECT 1; SELECT 2", Dialect::Sqlite).len(),
            2
        );
    }

    #[test]
    fn dollar_quotes() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN; RETURN 1; END $body$ LANGUAGE plpgsql;\nDO $$ BEGIN PERFORM 1; END $$;\nSELECT $1, a$b FROM t";
        let s = texts(sql, Dialect::Postgres);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[2].starts_with("SELECT $1"));
    }

    #[test]
    fn begin_atomic_and_sqlite_triggers() {
        let pg = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nSELECT 2;";
        assert_eq!(texts(pg, Dialect::Postgres).len(), 2);
        let lite = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN 1 THEN 2 ELSE 3 END; INSERT INTO c VALUES (1); END;\nBEGIN;\nSELECT 1;\nEND;";
        assert_eq!(
            texts(lite, Dialect::Sqlite),
            [
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN 1 THEN 2 ELSE 3 END; INSERT INTO c VALUES (1); END",
                "BEGIN",
                "SELECT 1",
                "END"
            ]
        );
    }

    #[test]
    fn mysql_delimiter() {
        let sql = "DELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END$$\nDELIMITER ;\nSELECT 1;";
        let s = split(sql, Dialect::MySql).unwrap();
        assert_eq!(s.len(), 2);
        assert!(s[0].text.ends_with("END"));
        assert_eq!(s[0].line, 2);
        assert_eq!((s[1].text, s[1].line), ("SELECT 1", 4));
    }

    #[test]
    fn mysql_comment_rules() {
        assert_eq!(
            texts("SELECT 1--1;\nSELECT 2 # c;\n;", Dialect::MySql),
            ["SELECT 1--1", "SELECT 2 # c;"]
        );
        assert_eq!(
            texts("/*!40101 SET NAMES utf8mb4 */;SELECT 1", Dialect::MySql).len(),
            2
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = split("SELECT 1;\nSELECT 'oops;\n", Dialect::Sqlite).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.kind, SplitErrorKind::UnterminatedString);
        let e = split("\n\nSELECT $x$ abc", Dialect::Postgres).unwrap_err();
        assert_eq!(
            (e.line, e.kind),
            (3, SplitErrorKind::UnterminatedDollarQuote("$x$".into()))
        );
        let e = split("\\connect db\nSELECT 1", Dialect::Postgres).unwrap_err();
        assert!(e.to_string().contains("\\connect"), "{e}");
        assert!(split("/* open", Dialect::MySql).is_err());
        assert!(split("DELIMITER\nSELECT 1", Dialect::MySql).is_err());
    }

    #[test]
    fn crlf_lines() {
        let s = split("SELECT 1;\r\nSELECT 2;\r\n", Dialect::Sqlite).unwrap();
        assert_eq!(s[1].line, 2);
        assert_eq!(s[1].text, "SELECT 2");
    }
}
