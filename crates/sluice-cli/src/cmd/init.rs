//! `sluice init`: writes sluice.toml, migrations/ and .gitattributes; never overwrites.

use std::io::Write;

use crate::args::InitArgs;
use crate::exit::{Exit, Failure};
use crate::settings::{Settings, tidy};

pub fn run(args: InitArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let url = match args.dialect.as_str() {
        "sqlite" => "sqlite:sluice.db",
        "postgres" => "env:DATABASE_URL",
        _ => "env:DATABASE_URL",
    };
    let toml = format!(
        "# sluice configuration: see docs/configuration.md\n\n[project]\nmigrations = \"migrations\"\ndialect = \"{}\"\n\n[environments.dev]\nurl = \"{url}\"\n",
        args.dialect
    );
    let config = tidy(&s.project.join("sluice.toml"));
    if config.exists() {
        writeln!(out, "kept     {} (exists)", config.display())?;
    } else {
        std::fs::write(&config, toml)?;
        writeln!(out, "created  {}", config.display())?;
    }
    let dir = tidy(&s.project.join("migrations"));
    if dir.is_dir() {
        writeln!(out, "kept     {}/ (exists)", dir.display())?;
    } else {
        std::fs::create_dir_all(&dir)?;
        writeln!(out, "created  {}/", dir.display())?;
    }
    let attrs = tidy(&s.project.join(".gitattributes"));
    let line = "*.sql text eol=lf";
    let current = std::fs::read_to_string(&attrs).unwrap_or_default();
    if current.lines().any(|l| l.trim() == line) {
        writeln!(out, "kept     {} (has `{line}`)", attrs.display())?;
    } else {
        let mut text = current;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
        std::fs::write(&attrs, text)?;
        writeln!(
            out,
            "wrote    {} (`{line}`: checksums stay stable across Windows checkouts)",
            attrs.display()
        )?;
    }
    writeln!(
        out,
        "next: sluice new <name>, write its up and down sections, then sluice up"
    )?;
    Ok(Exit::Success)
}
