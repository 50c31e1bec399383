//! Aligned text tables, with optional ANSI colour.

use std::io::{self, Write};

/// Colours (and weights) a cell may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// Success.
    Green,
    /// Waiting.
    Yellow,
    /// Failure.
    Red,
    /// In progress.
    Cyan,
    /// Emphasis.
    Bold,
    /// De-emphasis.
    Dim,
}

impl Color {
    fn code(self) -> &'static str {
        match self {
            Color::Green => "32",
            Color::Yellow => "33",
            Color::Red => "31",
            Color::Cyan => "36",
            Color::Bold => "1",
            Color::Dim => "2",
        }
    }
}

/// How to render: with colour (a terminal without `NO_COLOR`) or plain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    /// `text` in `color`, when colour is on.
    pub fn paint(&self, text: &str, color: Color) -> String {
        if self.color {
            format!("\x1b[{}m{text}\x1b[0m", color.code())
        } else {
            text.to_string()
        }
    }
}

/// A table: a header row and rows of cells, each cell with an optional colour.
#[derive(Clone, Debug)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<(String, Option<Color>)>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new<const N: usize>(headers: [&str; N]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// A table with headers known at run time.
    pub fn with_headers(headers: Vec<String>) -> Table {
        Table {
            headers,
            rows: Vec::new(),
        }
    }

    /// Adds a row of as many cells as there are headers (missing ones are empty).
    pub fn push(&mut self, mut cells: Vec<(String, Option<Color>)>) {
        cells.resize(self.headers.len(), (String::new(), None));
        self.rows.push(cells);
    }

    /// Adds a row.
    pub fn row<const N: usize>(&mut self, cells: [(String, Option<Color>); N]) {
        self.rows.push(cells.into_iter().collect());
    }

    /// Writes the table; the last column is not padded.
    pub fn render(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let n = self.headers.len();
        let mut width: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, (c, _)) in r.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        // Drop columns that are empty in every row (e.g. NOTE when nothing is notable).
        let keep: Vec<bool> = (0..n)
            .map(|i| i == 0 || self.rows.iter().any(|r| !r[i].0.is_empty()))
            .collect();
        let last = (0..n).rev().find(|&i| keep[i]).unwrap_or(0);
        let mut line = String::new();
        for i in (0..n).filter(|&i| keep[i]) {
            let h = &self.headers[i];
            line.push_str(&style.paint(h, Color::Bold));
            if i != last {
                line.push_str(&" ".repeat(width[i] - h.chars().count() + 2));
            }
        }
        writeln!(out, "{line}")?;
        for r in &self.rows {
            line.clear();
            for i in (0..n).filter(|&i| keep[i]) {
                let (text, color) = &r[i];
                match color {
                    Some(c) => line.push_str(&style.paint(text, *c)),
                    None => line.push_str(text),
                }
                if i != last {
                    line.push_str(&" ".repeat(width[i] - text.chars().count() + 2));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_drops_empty_columns() {
        let mut t = Table::new(["A", "LONGER", "EMPTY", "LAST"]);
        t.row([
            ("x".into(), None),
            ("y".into(), Some(Color::Red)),
            (String::new(), None),
            ("z".into(), None),
        ]);
        t.row([
            ("wide cell".into(), None),
            ("".into(), None),
            (String::new(), None),
            ("".into(), None),
        ]);
        let mut out = Vec::new();
        t.render(&mut out, Style::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A          LONGER  LAST\nx          y       z\nwide cell\n"
        );
        let mut out = Vec::new();
        t.render(&mut out, Style { color: true }).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\x1b[31my\x1b[0m"));
    }
}
