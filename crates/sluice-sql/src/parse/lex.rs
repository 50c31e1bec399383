//! Tokens of one statement, for the parser.
//!
//! The splitter has already found where the statement ends, so this lexer never has to
//! decide that; it only turns the statement's text into words, quoted names, literals and
//! punctuation, each with its byte offset in the statement. Comments and white space are
//! dropped. The rules for quotes and comments are the splitter's, per dialect.

use crate::Dialect;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// `"name"`, `` `name` `` or `[name]`.
    Quoted,
    /// A string literal (`'…'`, `E'…'`, `$$…$$`, MySQL `"…"` is a [`Kind::Quoted`]).
    Str,
    /// A number.
    Num,
    /// Punctuation or an operator (`(`, `,`, `::`, `<=`, …).
    Punct,
    /// A parameter or variable: `$1`, `?`, `:name`, `@var`, `@@sys`.
    Param,
}

/// One token: a slice of the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// Its kind.
    pub kind: Kind,
    /// The token's text as written, quotes included.
    pub text: &'a str,
    /// Byte offset in the statement.
    pub at: usize,
}

impl Token<'_> {
    /// Whether this is the bare word `kw` (ASCII case-insensitive).
    pub fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Whether this is the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// The identifier this token names: bare words folded to lower case, quoted names
    /// unquoted as written.
    pub fn ident(&self) -> String {
        match self.kind {
            Kind::Quoted => {
                let inner = &self.text[1..self.text.len() - 1];
                let q = self.text.as_bytes()[0];
                if q == b'[' {
                    inner.to_string()
                } else {
                    let q = q as char;
                    inner.replace(&format!("{q}{q}"), &q.to_string())
                }
            }
            _ => self.text.to_ascii_lowercase(),
        }
    }

    /// The value of a string literal (quotes removed, doubled quotes undone); other
    /// tokens as written.
    pub fn string_value(&self) -> String {
        if self.kind != Kind::Str {
            return self.text.to_string();
        }
        let t = self.text;
        if let Some(rest) = t.strip_prefix('$') {
            let close = rest.find('$').map_or(0, |i| i + 2);
            return t[close..t.len() - close].to_string();
        }
        let start = t.find('\'').map_or(0, |i| i + 1);
        let end = t.len().saturating_sub(1).max(start);
        t[start..end].replace("''", "'")
    }
}

/// Splits one statement into tokens. Never fails: an unterminated construct (which the
/// splitter would already have refused) runs to the end of the text.
pub fn tokens(src: &str, dialect: Dialect) -> Vec<Token<'_>> {
    let b = src.as_bytes();
    let n = b.len();
    let mut out = Vec::with_capacity(n / 5 + 4);
    let mut i = 0;
    let my = dialect == Dialect::MySql;
    let pg = dialect == Dialect::Postgres;
    while i < n {
        let c = b[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-')
                && (!my || b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace())) =>
            {
                i = memchr(b'\n', b, i).unwrap_or(n);
                continue;
            }
            b'#' if my => {
                i = memchr(b'\n', b, i).unwrap_or(n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                if my && b.get(i + 2) == Some(&b'!') {
                    // MySQL executable comment: its content is code.
                    i += 3;
                    while i < n && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    continue;
                }
                i = skip_block_comment(b, i + 2, pg);
                continue;
            }
            b'*' if my && b.get(i + 1) == Some(&b'/') => {
                // The end of a `/*! … */` executable comment.
                i += 2;
                continue;
            }
            b'\'' => {
                i = skip_quoted(b, i + 1, b'\'', my);
                Kind::Str
            }
            b'"' => {
                i = skip_quoted(b, i + 1, b'"', my);
                if my { Kind::Str } else { Kind::Quoted }
            }
            b'`' if !pg => {
                i = skip_quoted(b, i + 1, b'`', false);
                Kind::Quoted
            }
            b'[' if dialect == Dialect::Sqlite => {
                i = memchr(b']', b, i).map_or(n, |e| e + 1);
                Kind::Quoted
            }
            b'$' if pg => match dollar_tag(b, i) {
                Some(tag_len) => {
                    let tag = &b[i..i + tag_len];
                    let body = i + tag_len;
                    i = find(b, body, tag).map_or(n, |e| e + tag_len);
                    Kind::Str
                }
                None => {
                    i += 1;
                    while i < n && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    Kind::Param
                }
            },
            b'0'..=b'9' => {
                i = skip_number(b, i);
                Kind::Num
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = skip_number(b, i);
                Kind::Num
            }
            b'?' => {
                i += 1;
                // SQLite's numbered `?NNN`.
                while dialect == Dialect::Sqlite && i < n && b[i].is_ascii_digit() {
                    i += 1;
                }
                Kind::Param
            }
            // SQLite's `$name` and `$1` (a parameter too).
            b'$' if dialect == Dialect::Sqlite
                && b.get(i + 1).is_some_and(|&c| is_word_byte(c)) =>
            {
                i += 1;
                while i < n && is_word_byte(b[i]) {
                    i += 1;
                }
                Kind::Param
            }
            b'@' if my => {
                i += 1;
                while i < n && b[i] == b'@' {
                    i += 1;
                }
                while i < n && is_word_byte(b[i]) {
                    i += 1;
                }
                Kind::Param
            }
            b':' if !pg && b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) => {
                i += 1;
                while i < n && is_word_byte(b[i]) {
                    i += 1;
                }
                Kind::Param
            }
            c if is_word_start(c) => {
                // E'…', B'…', X'…', N'…', U&'…' literals.
                if b.get(i + 1) == Some(&b'\'') && matches!(c | 0x20, b'e' | b'b' | b'x' | b'n') {
                    let backslash = pg && (c | 0x20) == b'e' || my;
                    i = skip_quoted(b, i + 2, b'\'', backslash);
                    Kind::Str
                } else if pg
                    && (c | 0x20) == b'u'
                    && b.get(i + 1) == Some(&b'&')
                    && matches!(b.get(i + 2), Some(b'\'' | b'"'))
                {
                    let q = b[i + 2];
                    i = skip_quoted(b, i + 3, q, false);
                    if q == b'\'' { Kind::Str } else { Kind::Quoted }
                } else {
                    i += 1;
                    while i < n && (is_word_byte(b[i]) || (b[i] == b'$' && !my)) {
                        i += 1;
                    }
                    Kind::Word
                }
            }
            _ => {
                i += punct_len(b, i);
                Kind::Punct
            }
        };
        out.push(Token {
            kind,
            text: &src[start..i.min(n)],
            at: start,
        });
    }
    out
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn memchr(needle: u8, b: &[u8], from: usize) -> Option<usize> {
    b[from..]
        .iter()
        .position(|&c| c == needle)
        .map(|p| p + from)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Skips past the closing `q`, starting inside the quotes. A doubled quote is an escaped
/// quote; with `backslash`, `\x` escapes any character.
fn skip_quoted(b: &[u8], mut i: usize, q: u8, backslash: bool) -> usize {
    let n = b.len();
    while i < n {
        let c = b[i];
        if backslash && c == b'\\' {
            i += 2;
        } else if c == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    n
}

fn skip_block_comment(b: &[u8], mut i: usize, nested: bool) -> usize {
    let n = b.len();
    let mut depth = 1;
    while i < n {
        if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else if nested && b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    n
}

/// The length of a `$tag$` opening at `i`, if it is one.
fn dollar_tag(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if b.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while j < b.len() && is_word_byte(b[j]) {
        j += 1;
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1 - i)
}

fn skip_number(b: &[u8], mut i: usize) -> usize {
    let n = b.len();
    while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
        if (b[i] | 0x20) == b'e' && matches!(b.get(i + 1), Some(b'+' | b'-')) {
            i += 1;
        }
        i += 1;
    }
    i
}

fn punct_len(b: &[u8], i: usize) -> usize {
    const TWO: [&[u8]; 12] = [
        b"::", b"<=", b">=", b"<>", b"!=", b"||", b"->", b":=", b"=>", b"<<", b">>", b"#>",
    ];
    if b[i..].starts_with(b"->>") || b[i..].starts_with(b"#>>") {
        return 3;
    }
    if TWO.iter().any(|p| b[i..].starts_with(p)) {
        return 2;
    }
    // One UTF-8 character.
    let c = b[i];
    if c < 0x80 {
        1
    } else {
        (1..4)
            .find(|k| b.get(i + k).is_none_or(|c| c & 0xC0 != 0x80))
            .unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str, d: Dialect) -> Vec<(Kind, &str)> {
        tokens(s, d).iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn postgres_tokens() {
        let t = kinds(
            "CREATE /* a /* b */ c */ INDEX \"Odd\"\"x\" ON t(a) -- x\n WHERE b = E'it\\'s' AND c = $f$;$f$::text AND d = $1",
            Dialect::Postgres,
        );
        let words: Vec<&str> = t.iter().map(|x| x.1).collect();
        assert_eq!(
            words,
            [
                "CREATE",
                "INDEX",
                "\"Odd\"\"x\"",
                "ON",
                "t",
                "(",
                "a",
                ")",
                "WHERE",
                "b",
                "=",
                "E'it\\'s'",
                "AND",
                "c",
                "=",
                "$f$;$f$",
                "::",
                "text",
                "AND",
                "d",
                "=",
                "$1"
            ]
        );
        let q = tokens("\"Odd\"\"x\"", Dialect::Postgres)[0];
        assert_eq!(q.ident(), "Odd\"x");
        assert_eq!(tokens("$f$;$f$", Dialect::Postgres)[0].string_value(), ";");
        assert_eq!(tokens("'a''b'", Dialect::Postgres)[0].string_value(), "a'b");
    }

    #[test]
    fn mysql_tokens() {
        let t = kinds(
            "ALTER TABLE `a``b` /*!40101 ADD x int */ # c\n, ALGORITHM=INPLACE -- y\n, COMMENT 'it\\'s'",
            Dialect::MySql,
        );
        let words: Vec<&str> = t.iter().map(|x| x.1).collect();
        assert_eq!(
            words,
            [
                "ALTER",
                "TABLE",
                "`a``b`",
                "ADD",
                "x",
                "int",
                ",",
                "ALGORITHM",
                "=",
                "INPLACE",
                ",",
                "COMMENT",
                "'it\\'s'"
            ]
        );
        assert_eq!(tokens("`a``b`", Dialect::MySql)[0].ident(), "a`b");
    }

    #[test]
    fn sqlite_brackets_and_offsets() {
        let t = tokens("SELECT [a;b] FROM x", Dialect::Sqlite);
        assert_eq!(t[1].kind, Kind::Quoted);
        assert_eq!(t[1].ident(), "a;b");
        assert_eq!(t[3].at, 18);
    }
}
