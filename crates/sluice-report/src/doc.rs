//! A document as a list of blocks (headings, fields, lists, tables, code), and its three
//! renderings for people: terminal text, Markdown and one self-contained HTML file.
//!
//! Every report builds its [`Doc`] from its own typed data (which is also what its JSON
//! form serialises), so the four formats of a report always say the same thing.
//! Inline text may hold `code` spans between backticks; nothing else is markup.

use std::io::{self, Write};

use crate::table::{Color, Style, Table};

/// A document: a title, a subtitle line and blocks.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    /// The title (the one level-1 heading).
    pub title: String,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

/// One block of a document.
#[derive(Clone, Debug)]
pub enum Block {
    /// A heading of level 2 to 4.
    Heading(u8, String),
    /// A paragraph.
    Para(String),
    /// `label: value` lines.
    Fields(Vec<(String, String)>),
    /// A bulleted list.
    List(Vec<String>),
    /// A table.
    Table {
        /// Column headers.
        head: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
    /// Code, shown as written: `lang` is `sql`, `sh` or empty.
    Code {
        /// The language, for the Markdown fence.
        lang: &'static str,
        /// The code.
        text: String,
    },
    /// Preformatted text (a diagram).
    Pre(String),
    /// Links: (target, text) each; HTML shows them as links, the others as `text (target)`.
    Links(Vec<(String, String)>),
    /// A picture drawn as SVG by sluice (HTML only; the other formats leave it out). The
    /// markup is sluice's own, never text read from elsewhere.
    Svg(String),
}

impl Doc {
    /// A document with this title.
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    /// Adds a heading.
    pub fn h(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    /// Adds a paragraph.
    pub fn p(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(text.into()));
    }

    /// Adds fields.
    pub fn fields(&mut self, f: Vec<(&str, String)>) {
        self.blocks.push(Block::Fields(
            f.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        ));
    }

    /// Adds a list (nothing when empty).
    pub fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
    }

    /// Adds a table (nothing when it has no rows).
    pub fn table(&mut self, head: &[&str], rows: Vec<Vec<String>>) {
        if !rows.is_empty() {
            self.blocks.push(Block::Table {
                head: head.iter().map(|h| h.to_string()).collect(),
                rows,
            });
        }
    }

    /// Adds code.
    pub fn code(&mut self, lang: &'static str, text: impl Into<String>) {
        self.blocks.push(Block::Code {
            lang,
            text: text.into(),
        });
    }

    /// Adds links, (target, text) each.
    pub fn links(&mut self, links: Vec<(String, String)>) {
        self.blocks.push(Block::Links(links));
    }

    /// Adds an SVG picture (HTML only).
    pub fn svg(&mut self, svg: String) {
        self.blocks.push(Block::Svg(svg));
    }
}

/// The tone of a cell or value that is exactly one of sluice's verdict words.
fn tone(text: &str) -> Option<Color> {
    match text {
        "PASS" | "applied" | "low" | "passes" => Some(Color::Green),
        "FAIL" | "BLOCKED" | "high" | "failed" | "partial" | "DESTRUCTIVE" | "drift" => {
            Some(Color::Red)
        }
        "medium" | "pending" => Some(Color::Yellow),
        _ => None,
    }
}

/// Renders for a terminal: headings in bold, tables aligned, code indented.
pub fn text(doc: &Doc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", style.paint(&doc.title, Color::Bold))?;
    writeln!(out, "{}", "=".repeat(doc.title.chars().count()))?;
    let plain = |t: &str| t.replace('`', "");
    let mut after_heading = true;
    for b in &doc.blocks {
        if !after_heading && !matches!(b, Block::Heading(..)) {
            writeln!(out)?;
        }
        after_heading = matches!(b, Block::Heading(..));
        match b {
            Block::Heading(level, t) => {
                writeln!(out)?;
                let t = if *level == 2 {
                    t.to_uppercase()
                } else {
                    t.clone()
                };
                writeln!(out, "{}", style.paint(&t, Color::Bold))?;
            }
            Block::Para(t) => writeln!(out, "{}", plain(t))?,
            Block::Fields(f) => {
                let w = f.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
                for (k, v) in f {
                    let v = match tone(v) {
                        Some(c) => style.paint(v, c),
                        None => plain(v),
                    };
                    writeln!(out, "  {k:<w$}  {v}")?;
                }
            }
            Block::List(items) => {
                for i in items {
                    writeln!(out, "  - {}", plain(i))?;
                }
            }
            Block::Table { head, rows } => {
                let mut t = Table::with_headers(head.iter().map(|h| h.to_uppercase()).collect());
                for r in rows {
                    t.push(r.iter().map(|c| (c.replace('\n', " "), tone(c))).collect());
                }
                let mut buf = Vec::new();
                t.render(&mut buf, style)?;
                for line in String::from_utf8_lossy(&buf).lines() {
                    writeln!(out, "  {line}")?;
                }
            }
            Block::Code { text, .. } | Block::Pre(text) => {
                for line in text.lines() {
                    writeln!(out, "    {line}")?;
                }
            }
            Block::Links(links) => {
                for (href, t) in links {
                    writeln!(out, "  - {t} ({href})")?;
                }
            }
            Block::Svg(_) => {}
        }
    }
    Ok(())
}

/// A Markdown table cell: one line, `|` escaped.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// Renders as GitHub-flavoured Markdown.
pub fn markdown(doc: &Doc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {}", doc.title)?;
    for b in &doc.blocks {
        writeln!(out)?;
        match b {
            Block::Heading(level, t) => {
                writeln!(out, "{} {t}", "#".repeat(usize::from(*level)))?;
            }
            Block::Para(t) => writeln!(out, "{t}")?,
            Block::Fields(f) => {
                for (k, v) in f {
                    // Two trailing spaces: a line break inside the paragraph.
                    writeln!(out, "**{k}:** {v}  ")?;
                }
            }
            Block::List(items) => {
                for i in items {
                    writeln!(out, "- {}", i.replace('\n', " "))?;
                }
            }
            Block::Table { head, rows } => {
                writeln!(out, "| {} |", head.join(" | "))?;
                writeln!(out, "|{}", "---|".repeat(head.len()))?;
                for r in rows {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|c| match tone(c) {
                            Some(Color::Green | Color::Red) => format!("**{c}**"),
                            _ => md_cell(c),
                        })
                        .collect();
                    writeln!(out, "| {} |", cells.join(" | "))?;
                }
            }
            Block::Code { lang, text } => {
                let fence = if text.contains("```") { "~~~~" } else { "```" };
                writeln!(out, "{fence}{lang}\n{}\n{fence}", text.trim_end())?;
            }
            Block::Pre(text) => writeln!(out, "```\n{}\n```", text.trim_end())?,
            Block::Links(links) => {
                for (href, t) in links {
                    writeln!(out, "- [{t}]({href})")?;
                }
            }
            Block::Svg(_) => writeln!(out, "_(a chart: see the HTML form)_")?,
        }
    }
    Ok(())
}

/// HTML-escapes text.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Escapes inline text and turns `code` spans into `<code>`.
fn inline(s: &str) -> String {
    let mut o = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            o.push_str(&format!("<code>{}</code>", esc(part)));
        } else {
            o.push_str(&esc(part));
        }
    }
    o
}

fn html_value(s: &str) -> String {
    match tone(s) {
        Some(Color::Green) => format!("<span class=\"ok\">{}</span>", esc(s)),
        Some(Color::Red) => format!("<span class=\"bad\">{}</span>", esc(s)),
        Some(Color::Yellow) => format!("<span class=\"warn\">{}</span>", esc(s)),
        _ => inline(s).replace('\n', "<br>"),
    }
}

const CSS: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;max-width:70rem;margin:2rem auto;padding:0 1.5rem}\
h1{font-size:1.7rem;border-bottom:2px solid #1b1f24;padding-bottom:.3rem}\
h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}\
h3{font-size:1.1rem;margin-top:1.5rem}h4{font-size:1rem}\
table{border-collapse:collapse;margin:.6rem 0;font-size:14px}\
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}\
th{background:#f3f5f7}\
code{font:13px ui-monospace,Menlo,Consolas,monospace;background:#f3f5f7;padding:0 .2rem;border-radius:3px}\
pre{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;border:1px solid #d0d7de;padding:.7rem;overflow-x:auto;white-space:pre-wrap}\
dl{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.6rem 0}dt{font-weight:600}dd{margin:0}\
.ok{color:#116329;font-weight:700}.bad{color:#b3261e;font-weight:700}.warn{color:#8a5a00;font-weight:700}\
@media print{body{margin:0;max-width:none;font-size:11pt}pre{white-space:pre-wrap;break-inside:avoid}h2,h3{break-after:avoid}tr{break-inside:avoid}a{color:inherit}}";

/// Renders as one self-contained HTML file: inline CSS, no script, readable when printed.
pub fn html(doc: &Doc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{}</title>", esc(&doc.title))?;
    writeln!(out, "<style>{CSS}</style>\n</head>\n<body>")?;
    writeln!(out, "<h1>{}</h1>", esc(&doc.title))?;
    for b in &doc.blocks {
        match b {
            Block::Heading(level, t) => writeln!(out, "<h{level}>{}</h{level}>", inline(t))?,
            Block::Para(t) => writeln!(out, "<p>{}</p>", inline(t))?,
            Block::Fields(f) => {
                writeln!(out, "<dl>")?;
                for (k, v) in f {
                    writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), html_value(v))?;
                }
                writeln!(out, "</dl>")?;
            }
            Block::List(items) => {
                writeln!(out, "<ul>")?;
                for i in items {
                    writeln!(out, "<li>{}</li>", inline(i))?;
                }
                writeln!(out, "</ul>")?;
            }
            Block::Table { head, rows } => {
                writeln!(out, "<table>\n<thead><tr>")?;
                for h in head {
                    write!(out, "<th>{}</th>", esc(h))?;
                }
                writeln!(out, "</tr></thead>\n<tbody>")?;
                for r in rows {
                    write!(out, "<tr>")?;
                    for c in r {
                        write!(out, "<td>{}</td>", html_value(c))?;
                    }
                    writeln!(out, "</tr>")?;
                }
                writeln!(out, "</tbody>\n</table>")?;
            }
            Block::Code { text, .. } | Block::Pre(text) => {
                writeln!(out, "<pre>{}</pre>", esc(text.trim_end()))?;
            }
            Block::Links(links) => {
                writeln!(out, "<ul class=\"links\">")?;
                for (href, t) in links {
                    writeln!(out, "<li><a href=\"{}\">{}</a></li>", esc(href), esc(t))?;
                }
                writeln!(out, "</ul>")?;
            }
            Block::Svg(svg) => writeln!(out, "{svg}")?,
        }
    }
    writeln!(out, "</body>\n</html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        let mut d = Doc::new("Pending <changes>");
        d.h(2, "Summary");
        d.fields(vec![("Risk", "high".into()), ("Count", "2".into())]);
        d.p("Run `sluice up` & check.");
        d.table(
            &["check", "status"],
            vec![vec!["a | b".into(), "PASS".into()]],
        );
        d.code("sql", "SELECT '<x>';");
        d
    }

    #[test]
    fn markdown_escapes_cells_and_marks_verdicts() {
        let mut o = Vec::new();
        markdown(&sample(), &mut o).unwrap();
        let s = String::from_utf8(o).unwrap();
        assert!(s.starts_with("# Pending <changes>\n"), "{s}");
        assert!(s.contains("**Risk:** high  \n"), "{s}");
        assert!(s.contains("| a \\| b | **PASS** |"), "{s}");
        assert!(s.contains("```sql\nSELECT '<x>';\n```"), "{s}");
    }

    #[test]
    fn html_is_escaped_self_contained_and_scriptless() {
        let mut o = Vec::new();
        html(&sample(), &mut o).unwrap();
        let s = String::from_utf8(o).unwrap();
        assert!(s.contains("<h1>Pending &lt;changes&gt;</h1>"), "{s}");
        assert!(
            s.contains("<p>Run <code>sluice up</code> &amp; check.</p>"),
            "{s}"
        );
        assert!(s.contains("<pre>SELECT &#39;&lt;x&gt;&#39;;</pre>"), "{s}");
        assert!(s.contains("<span class=\"bad\">high</span>"), "{s}");
        assert!(s.contains("@media print"));
        assert!(!s.contains("<script") && !s.contains("http://") && !s.contains("https://"));
    }

    #[test]
    fn text_aligns_tables_and_indents_code() {
        let mut o = Vec::new();
        text(&sample(), Style::default(), &mut o).unwrap();
        let s = String::from_utf8(o).unwrap();
        assert!(s.contains("\nSUMMARY\n"), "{s}");
        assert!(s.contains("  Risk   high\n"), "{s}");
        assert!(s.contains("  CHECK  STATUS\n  a | b  PASS\n"), "{s}");
        assert!(s.contains("    SELECT '<x>';\n"), "{s}");
    }
}
