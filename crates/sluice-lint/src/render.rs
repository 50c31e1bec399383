//! Findings as a reviewer reads them in a terminal, in the manner of rustc:
//!
//! ```text
//! high[create-index-not-concurrent]: index built on orders without CONCURRENTLY: …
//!   --> migrations/20250101_add_idx.sql:7:8
//!    |
//!  7 | CREATE INDEX orders_customer_idx ON orders (customer_id);
//!    |        ^^^^^
//!    = why: CREATE INDEX takes a SHARE lock: …
//!    = instead: CREATE INDEX CONCURRENTLY IF NOT EXISTS, …
//! ```

use std::io::{self, Write};

use super::Finding;

/// Writes `findings` of the file `path` (whose text is `source`) to `out`.
pub fn text(out: &mut dyn Write, path: &str, source: &str, findings: &[Finding]) -> io::Result<()> {
    let lines: Vec<&str> = source.lines().collect();
    for f in findings {
        let allowed = if f.allowed.is_some() {
            " (allowed)"
        } else {
            ""
        };
        writeln!(out, "{}[{}]{allowed}: {}", f.severity, f.rule, f.message)?;
        let gutter = f.line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(out, "{pad}--> {path}:{}:{}", f.line, f.column)?;
        if let Some(code) = lines.get(f.line.wrapping_sub(1)) {
            writeln!(out, "{pad} |")?;
            writeln!(out, "{} | {}", f.line, code.trim_end())?;
            let lead: String = code
                .chars()
                .take(f.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(out, "{pad} | {lead}{}", "^".repeat(f.width))?;
        }
        writeln!(out, "{pad} = why: {}", f.why)?;
        writeln!(out, "{pad} = instead: {}", f.instead)?;
        if let Some(r) = &f.rated {
            writeln!(out, "{pad} = severity: {r}")?;
        }
        if let Some(r) = &f.allowed {
            writeln!(out, "{pad} = allowed: {r}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
