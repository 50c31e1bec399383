//! The library, as an application uses it: the example application (a cargo project of
//! its own, outside the workspace, depending on sluice-migrate by path) is copied to a
//! temporary folder, built, and run on SQLite and PostgreSQL, from `#[tokio::main]` and
//! from a plain `fn main`; the CLI reads what it wrote, the same gates block both, and a
//! broken migration fails `cargo build` with the file and line.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{sluice, sluice_cmd};
use sluice_testkit::TempDir;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example application, copied to `dir` with its path dependency made absolute.
fn copy_example(dir: &Path) {
    let src = workspace().join("examples/inventory-app");
    for sub in ["src", "migrations"] {
        sluice_testkit::copy_tree(&src.join(sub), &dir.join(sub));
    }
    for f in ["sluice.toml", "Cargo.lock", "build.rs"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let manifest = std::fs::read_to_string(src.join("Cargo.toml")).unwrap();
    let migrate = workspace().join("crates/sluice-migrate");
    let manifest = manifest.replace(
        "path = \"../../crates/sluice-migrate\"",
        &format!(
            "path = {:?}",
            migrate.canonicalize().unwrap().display().to_string()
        ),
    );
    assert!(
        !manifest.contains("../../crates"),
        "the path dependency was rewritten"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
}

/// `cargo build --features postgres` in `dir`, into a target folder kept between runs.
fn cargo_build(dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(["build", "--features", "postgres", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

fn target() -> PathBuf {
    workspace().join("target/example-app")
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(bin: &str, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Out {
    let out = Command::new(target().join("debug").join(bin))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("INVENTORY_ENV")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"));
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What a refusal says after the run id, line by line (the CLI indents the lines of a
/// multi-line error): the same words from the CLI and the library.
fn gate_lines(text: &str) -> Vec<String> {
    let at = text
        .find("gate(s) of environment")
        .unwrap_or_else(|| panic!("{text}"));
    text[at..].lines().map(|l| l.trim().to_string()).collect()
}

#[test]
fn the_example_application_embeds_and_applies_its_migrations() {
    let tmp = TempDir::new("example-app");
    let proj = tmp.path().join("inventory-app");
    copy_example(&proj);
    let built = cargo_build(&proj);
    assert!(
        built.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );

    // SQLite, from #[tokio::main]; a second run applies nothing.
    let first = run("inventory-app", &proj, &[], &["add", "bolts", "5"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("2 migration(s) applied"),
        "{}",
        first.stderr
    );
    let second = run("inventory-app", &proj, &[], &["add", "bolts", "2"]);
    assert!(
        second.stderr.contains("0 migration(s) applied"),
        "{}",
        second.stderr
    );
    assert_eq!(
        run("inventory-app", &proj, &[], &["list"]).stdout,
        "bolts 7\n"
    );
    // The CLI reads the history the application wrote (state `inventory`, from sluice.toml).
    let st = sluice(&proj, &["status"]).code(0);
    assert!(st.stdout.contains("2 applied, 0 pending"), "{}", st.stdout);
    assert!(
        st.stdout.contains("inventory-app"),
        "the actor: {}",
        st.stdout
    );

    // SQLite, from a plain fn main.
    let url = format!("sqlite:{}", tmp.path().join("sync.db").display());
    let sync = run("inventory-migrate", &proj, &[("DATABASE_URL", &url)], &[]);
    assert_eq!(sync.stdout, "applied 2\n", "{}", sync.stderr);
    let again = run("inventory-migrate", &proj, &[("DATABASE_URL", &url)], &[]);
    assert_eq!(again.stdout, "applied 0\n", "{}", again.stderr);

    // PostgreSQL, both ways.
    let server = sluice_testkit::postgres::server();
    let a = server.database("example_app_async");
    let out = run(
        "inventory-app",
        &proj,
        &[("DATABASE_URL", &a.url)],
        &["add", "nuts", "3"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        run(
            "inventory-app",
            &proj,
            &[("DATABASE_URL", &a.url)],
            &["list"]
        )
        .stdout,
        "nuts 3\n"
    );
    let b = server.database("example_app_sync");
    let out = run("inventory-migrate", &proj, &[("DATABASE_URL", &b.url)], &[]);
    assert_eq!(out.stdout, "applied 2\n", "{}", out.stderr);
    for db in [&a, &b] {
        let st = sluice(&proj, &["--url", &db.url, "status"]).code(0);
        assert!(st.stdout.contains("2 applied, 0 pending"), "{}", st.stdout);
    }

    // The same gate blocks the CLI and the library: prod takes only what staging has
    // applied and verified.
    let staging = server.database("example_app_staging");
    let prod = server.database("example_app_prod");
    let env = [
        ("DATABASE_URL", prod.url.as_str()),
        ("STAGING_DATABASE_URL", staging.url.as_str()),
    ];
    let cli = sluice_cmd(&proj, &["--env", "prod", "up"])
        .envs(env)
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(4));
    let cli_says = gate_lines(&String::from_utf8_lossy(&cli.stderr));
    let lib = run(
        "inventory-migrate",
        &proj,
        &[env[0], env[1], ("INVENTORY_ENV", "prod")],
        &[],
    );
    assert_eq!(lib.code, 4, "{}", lib.stderr);
    assert_eq!(gate_lines(&lib.stderr), cli_says);
    assert!(
        cli_says
            .iter()
            .any(|l| l.starts_with("promotion gate, 001_items")),
        "{cli_says:?}"
    );
    // Once staging has them, applied and verified, prod takes them from the library.
    for args in [["--env", "staging", "up"], ["--env", "staging", "verify"]] {
        let out = sluice_cmd(&proj, &args).envs(env).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let lib = run(
        "inventory-migrate",
        &proj,
        &[env[0], env[1], ("INVENTORY_ENV", "prod")],
        &[],
    );
    assert_eq!(lib.stdout, "applied 2\n", "{}", lib.stderr);

    // A broken migration is a compile error naming the file and line.
    std::fs::write(
        proj.join("migrations/003_broken.sql"),
        "-- description: broken\n-- requires: 009_missing\n\n-- sluice:up\nCREATE TABLE t (x INTEGER);\n\n-- sluice:down\nDROP TABLE t;\n",
    )
    .unwrap();
    let built = cargo_build(&proj);
    assert!(!built.status.success());
    let err = String::from_utf8_lossy(&built.stderr);
    assert!(
        err.contains("migrations/003_broken.sql:2") && err.contains("009_missing"),
        "{err}"
    );
}
