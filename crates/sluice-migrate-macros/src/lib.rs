//! # sluice-migrate-macros
//!
//! The `embed_migrations!` macro of [`sluice-migrate`](https://docs.rs/sluice-migrate): it
//! reads a migrations folder at compile time with the same loader as the `sluice` CLI and
//! turns every error — a malformed file, a cycle, an unknown `requires`, a missing `down`
//! — into a compile error that names the file and the line. Use it through
//! `sluice_migrate::embed_migrations!`.

use std::path::{Path, PathBuf};

use proc_macro::{Delimiter, TokenStream, TokenTree};
use sluice_core::Migration;
use sluice_core::layout::Layout;
use sluice_sql::Dialect;

/// Embeds the migrations of a folder (relative to the crate's `Cargo.toml`), checked at
/// compile time. See `sluice_migrate::embed_migrations!` for the documentation.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(code) => code.parse().expect("the generated code parses"),
        Err(msg) => format!("::core::compile_error!({msg:?})")
            .parse()
            .expect("compile_error! parses"),
    }
}

/// The macro's arguments: `"folder"` then optional `dialect = "…"`, `layout = "…"`.
#[derive(Debug, Default)]
struct Args {
    folder: String,
    dialect: Option<String>,
    layout: Option<String>,
}

fn string_literal(t: &TokenTree) -> Option<String> {
    let TokenTree::Literal(l) = t else {
        return None;
    };
    let s = l.to_string();
    if let Some(raw) = s.strip_prefix('r') {
        let raw = raw.trim_matches('#');
        return raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .map(str::to_string);
    }
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                c @ ('\\' | '"' | '\'') => out.push(c),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn parse_args(input: TokenStream) -> Result<Args, String> {
    let usage = "embed_migrations! takes a folder relative to Cargo.toml, then optionally \
                 dialect = \"sqlite|postgres|mysql\" and layout = \"…\": \
                 embed_migrations!(\"migrations\") or embed_migrations!(\"migrations\", dialect = \"postgres\")";
    // A macro_rules! wrapper may hand the tokens over in an invisible group.
    let mut tokens: Vec<TokenTree> = Vec::new();
    for t in input {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => tokens.extend(g.stream()),
            t => tokens.push(t),
        }
    }
    let mut it = tokens.iter();
    let mut args = Args::default();
    match it.next() {
        None => args.folder = "migrations".into(),
        Some(t) => args.folder = string_literal(t).ok_or(usage)?,
    }
    loop {
        match it.next() {
            None => break,
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => {}
            Some(_) => return Err(usage.into()),
        }
        let Some(key) = it.next() else { break };
        let TokenTree::Ident(key) = key else {
            return Err(usage.into());
        };
        match it.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == '=' => {}
            _ => return Err(usage.into()),
        }
        let value = it.next().and_then(string_literal).ok_or(usage)?;
        match key.to_string().as_str() {
            "dialect" => args.dialect = Some(value),
            "layout" => args.layout = Some(value),
            other => {
                return Err(format!(
                    "embed_migrations!: unknown argument `{other}`; {usage}"
                ));
            }
        }
    }
    Ok(args)
}

fn dialect_named(name: &str) -> Result<Dialect, String> {
    match name {
        "sqlite" => Ok(Dialect::Sqlite),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::MySql),
        other => Err(format!(
            "embed_migrations!: dialect = \"{other}\" is unknown: write sqlite, postgres or mysql"
        )),
    }
}

/// Every file under `dir`, sorted (the macro re-runs when one of them changes).
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // A folder embedded from the crate's root (Sqitch keeps its plan there) must not
        // drag the build's output or version control in.
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if p.is_dir() {
            files_under(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// `root/x` → `x` in the paths a migration keeps, so that messages name the file as the
/// project does.
fn relative(m: &mut Migration, root: &Path) {
    let strip = |p: &mut PathBuf| {
        if let Ok(r) = p.strip_prefix(root) {
            *p = r.to_path_buf();
        }
    };
    strip(&mut m.path);
    strip_section(&mut m.up.file, root);
    if let Some(d) = &mut m.down {
        strip_section(&mut d.file, root);
    }
}

fn strip_section(f: &mut Option<PathBuf>, root: &Path) {
    if let Some(p) = f
        && let Ok(r) = p.strip_prefix(root)
    {
        *p = r.to_path_buf();
    }
}

fn expand(input: TokenStream) -> Result<String, String> {
    let args = parse_args(input)?;
    let root = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR")
            .map_err(|_| "embed_migrations!: CARGO_MANIFEST_DIR is not set (build with cargo)")?,
    );
    let folder = root.join(&args.folder);
    if !folder.is_dir() {
        return Err(format!(
            "embed_migrations!: {} is not a folder (the path is relative to {})",
            args.folder,
            root.join("Cargo.toml").display()
        ));
    }
    // sluice.toml beside Cargo.toml: its dialect, layout, state and environments.
    let toml_path = root.join("sluice.toml");
    let config = if toml_path.is_file() {
        Some(sluice_core::config::load(&toml_path).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let layout = match (&args.layout, &config) {
        (Some(l), _) => Layout::parse(l).map_err(|e| format!("embed_migrations!: {e}"))?,
        (None, Some(c)) if c.project.layout.is_some() => {
            c.layout(&toml_path).map_err(|e| e.to_string())?
        }
        (None, _) if folder.join("sqitch.plan").is_file() => Layout::Sqitch,
        (None, _) => sluice_core::layout::classify_folder(&root, &folder).unwrap_or(Layout::Sluice),
    };
    // The dialect decides how statements split: pinned, or every dialect checked.
    let dialects: Vec<Dialect> = match (&args.dialect, &config) {
        (Some(d), _) => vec![dialect_named(d)?],
        (None, Some(c)) if c.project.dialect.is_some() => {
            vec![c.dialect(&toml_path).map_err(|e| e.to_string())?]
        }
        _ => vec![Dialect::Sqlite, Dialect::Postgres, Dialect::MySql],
    };
    let mut sets = Vec::new();
    let mut failed: Vec<(Dialect, String)> = Vec::new();
    for d in &dialects {
        match read_set(layout, &folder, &root, *d) {
            Ok(json) => sets.push((d.name(), json)),
            Err(e) => failed.push((*d, e)),
        }
    }
    if let Some((d, first)) = failed.first() {
        let root_prefix = format!("{}/", root.display());
        let msg = first.replace(&root_prefix, "");
        // An error of the file itself reads the same in every dialect; one of how its
        // statements split says which dialect read it so.
        return Err(
            if failed.len() == dialects.len() && failed.iter().all(|(_, e)| e == first) {
                msg
            } else {
                format!(
                    "{msg}\n(read as {}: embed_migrations! checks every dialect unless one is pinned with dialect = \"…\" or [project] dialect in sluice.toml)",
                    d.name()
                )
            },
        );
    }
    let state = config
        .as_ref()
        .and_then(|c| c.project.state.clone())
        .or_else(|| {
            (layout == Layout::Sqitch)
                .then(|| sluice_core::layout::sqitch_project(&folder))
                .flatten()
                .map(|p| sluice_core::projects::default_state(&p))
        })
        .unwrap_or_else(|| "sluice".into());
    let mut files = Vec::new();
    files_under(&folder, &mut files);
    if config.is_some() {
        files.push(toml_path.clone());
    }
    let mut code = String::from("{\n");
    for f in &files {
        code.push_str(&format!(
            "    const _: &[u8] = ::core::include_bytes!({:?});\n",
            f.display().to_string()
        ));
    }
    let sets_code: Vec<String> = sets
        .iter()
        .map(|(d, json)| format!("({d:?}, {json:?})"))
        .collect();
    let config_text = match &config {
        Some(_) => format!(
            "::core::option::Option::Some({:?})",
            std::fs::read_to_string(&toml_path).map_err(|e| e.to_string())?
        ),
        None => "::core::option::Option::None".into(),
    };
    code.push_str(&format!(
        "    ::sluice_migrate::Embedded::__new({:?}, &[{}], {config_text}, {state:?}, {:?})\n}}",
        args.folder,
        sets_code.join(", "),
        layout.name(),
    ));
    Ok(code)
}

/// Reads the folder as `dialect` into the JSON of its plan's migrations, or the error.
fn read_set(
    layout: Layout,
    folder: &Path,
    root: &Path,
    dialect: Dialect,
) -> Result<String, String> {
    let loaded = sluice_core::layout::load(layout, &[folder.to_path_buf()], dialect)
        .map_err(|e| e.to_string())?;
    let mut errors: Vec<String> = loaded
        .migrations
        .iter()
        .filter_map(Migration::missing_down)
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        errors.sort();
        return Err(errors.join("\n"));
    }
    let mut migrations = loaded.migrations;
    for m in &mut migrations {
        relative(m, root);
    }
    let plan = sluice_core::Plan::new(migrations).map_err(|e| e.to_string())?;
    serde_json::to_string(plan.migrations()).map_err(|e| e.to_string())
}
