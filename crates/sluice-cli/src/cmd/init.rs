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
    let dialect = args.dialect.as_deref().unwrap_or("sqlite");
    let url = match dialect {
        "sqlite" => "sqlite:sluice.db",
        _ => "env:DATABASE_URL",
    };
    let toml = format!(
        "# sluice configuration: see docs/configuration.md\n\n[project]\nmigrations = \"migrations\"\ndialect = \"{dialect}\"\n\n[environments.dev]\nurl = \"{url}\"\n"
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
                "found no migrations in {} (looked for sqitch.plan, Flyway locations in application.properties, application.yml and flyway.conf, and in migrations/, db/migrations/, db/migrate/, db/migration/, prisma/migrations/, src/main/resources/db/migration/, sql/, database/migrations/, persistence/sql/migrations/ and one folder below each): run `sluice init` for a new project, or set `[project] migrations` and `layout` by hand",
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
    // The folder of the dialect asked for, when there is one per dialect.
    let wanted = args.dialect.as_deref();
    let best = wanted
        .and_then(|w| {
            found
                .iter()
                .find(|d| d.dialect.is_some_and(|x| x.name() == w))
        })
        .or_else(|| wanted.and_then(|_| found.iter().find(|d| d.dialect.is_none())))
        .unwrap_or(best);
    if found.len() > 1 {
        writeln!(
            out,
            "chose    {} in {} ({}; edit sluice.toml to choose another)",
            best.layout,
            best.dir.display(),
            match (wanted, best.dialect) {
                (Some(w), Some(_)) => format!("the folder for {w}"),
                (None, Some(_)) => {
                    "the first found; pass --dialect to choose the folder of another dialect".into()
                }
                _ => "the first found".into(),
            }
        )?;
    }
    let dialect = wanted
        .or(best.dialect.map(|d| d.name()))
        .unwrap_or("sqlite");
    let dir = best.dir.display().to_string();
    let place = if best.locations.is_empty() {
        format!("migrations = \"{dir}\"")
    } else {
        let all: Vec<String> = best
            .locations
            .iter()
            .map(|l| format!("\"{}\"", l.display()))
            .collect();
        format!("locations = [{}]", all.join(", "))
    };
    let body = format!(
        "[project]\n{place}\nlayout = \"{}\"\ndialect = \"{dialect}\"\n",
        best.layout
    );
    let config = tidy(&s.project.join("sluice.toml"));
    if config.exists() {
        writeln!(
            out,
            "kept     {} (exists): set these keys in its [project] table:\n{body}",
            config.display()
        )?;
    } else {
        let url = if dialect == "sqlite" {
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
            "created  {} (layout = \"{}\", dialect = \"{dialect}\"; pass --dialect postgres or mysql if that is wrong)",
            config.display(),
            best.layout,
        )?;
    }
    match best.layout {
        Layout::Sluice | Layout::Pop | Layout::UpDown => writeln!(
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
