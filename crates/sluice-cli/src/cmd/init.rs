//! `sluice init`: writes sluice.toml, migrations/ and .gitattributes; never overwrites.

use std::io::Write;

use sluice_core::layout::Layout;

use crate::args::InitArgs;
use crate::exit::{Exit, Failure};
use crate::settings::{Settings, tidy};

pub fn run(args: InitArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    if args.detect {
        return detect(&args, s, out);
    }
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

/// `sluice init --detect`: finds another tool's migrations and writes a sluice.toml that
/// reads them in place.
fn detect(args: &InitArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let found = sluice_core::layout::detect(&s.project);
    let Some(best) = found.first() else {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "found no migrations in {} (looked for sqitch.plan, and in migrations/, db/migrations/, db/migrate/, db/migration/, prisma/migrations/, src/main/resources/db/migration/, sql/): run `sluice init` for a new project, or set `[project] migrations` and `layout` by hand",
                tidy(&s.project).display()
            ),
        ));
    };
    for d in &found {
        writeln!(
            out,
            "found    {} migrations in {}: {}",
            d.layout,
            d.dir.display(),
            d.why
        )?;
    }
    if found.len() > 1 {
        writeln!(
            out,
            "chose    {} in {} (the first found; edit sluice.toml to choose another)",
            best.layout,
            best.dir.display()
        )?;
    }
    let dir = best.dir.display().to_string();
    let body = format!(
        "[project]\nmigrations = \"{dir}\"\nlayout = \"{}\"\ndialect = \"{}\"\n",
        best.layout, args.dialect
    );
    let config = tidy(&s.project.join("sluice.toml"));
    if config.exists() {
        writeln!(
            out,
            "kept     {} (exists): set these keys in its [project] table:\n{body}",
            config.display()
        )?;
    } else {
        let url = if args.dialect == "sqlite" {
            "sqlite:sluice.db"
        } else {
            "env:DATABASE_URL"
        };
        std::fs::write(
            &config,
            format!(
                "# sluice configuration: see docs/configuration.md\n# {} migrations found in {dir}: {}\n\n{body}\n[environments.dev]\nurl = \"{url}\"\n",
                best.layout, best.why
            ),
        )?;
        writeln!(
            out,
            "created  {} (layout = \"{}\", dialect = \"{}\"; pass --dialect postgres or mysql if that is wrong)",
            config.display(),
            best.layout,
            args.dialect
        )?;
    }
    match best.layout {
        Layout::Sluice | Layout::Pop => writeln!(
            out,
            "next: sluice plan lists them in {}'s order; sluice baseline --to <id> --check marks a database that already has them",
            best.layout
        )?,
        l => writeln!(
            out,
            "next: sluice plan lists them in {l}'s order; sluice adopt --from {l} --env <env> takes over its history"
        )?,
    }
    Ok(Exit::Success)
}
