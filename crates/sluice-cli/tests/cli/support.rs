//! Running the real `sluice` binary and comparing its output with snapshot files.
//!
//! A snapshot holds the command, the exit code, stdout and stderr, with temp paths, run
//! ids, times, durations and versions redacted. `SLUICE_BLESS=1 cargo test` writes them;
//! review the diff before committing. A missing snapshot fails (never passes silently).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use regex_lite::Regex;

/// The output of one sluice run.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A sluice command in a project folder with a clean, deterministic environment.
pub fn sluice_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(args).current_dir(dir).env_clear();
    for var in ["PATH", "HOME", "TMPDIR", "LLVM_PROFILE_FILE"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    cmd.env("SLUICE_ACTOR", "tester")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// Runs `sluice <args>` in `dir` on a terminal (`script`, from util-linux, gives it one):
/// its exit code and everything the terminal showed.
pub fn on_a_terminal(dir: &Path, args: &str) -> (Option<i32>, String) {
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{} {args}", env!("CARGO_BIN_EXE_sluice")),
            "/dev/null",
        ])
        .current_dir(dir)
        .env("SLUICE_ACTOR", "tester")
        .env("TERM", "xterm")
        .output()
        .expect("script (util-linux) runs the command on a terminal");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Runs sluice in `dir` and captures everything.
pub fn sluice(dir: &Path, args: &[&str]) -> Run {
    let out: Output = sluice_cmd(dir, args).output().expect("run sluice");
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn code(self, want: i32) -> Run {
        assert_eq!(
            self.code, want,
            "sluice {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args, self.stdout, self.stderr
        );
        self
    }

    /// The run rendered for a snapshot, with `dir` redacted.
    pub fn render(&self, dir: &Path) -> String {
        let text = format!(
            "$ sluice {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        redact(&text, dir)
    }
}

/// Replaces what changes from run to run.
pub fn redact(text: &str, dir: &Path) -> String {
    let mut t = text.replace(&dir.display().to_string(), "[PROJECT]");
    let rules = [
        (r"run_\d{8}_\d{6}_[0-9a-f]{16}", "[RUN]"),
        (
            r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{3})?Z",
            "[TIME]",
        ),
        (r"\b\d+(\.\d+)? (ms|s)\b", "[DUR]"),
        (r#""duration_ms": \d+"#, r#""duration_ms": "[DUR]""#),
        (r"SQLite \d+\.\d+\.\d+", "SQLite [VERSION]"),
        (r#""host": "[^"]*""#, r#""host": "[HOST]""#),
        (
            r#""sluice_version": "[^"]*""#,
            r#""sluice_version": "[VERSION]""#,
        ),
        (r"pid \d+ on [^,]+,", "pid [PID] on [HOST],"),
        (r"\d{8}T\d{9}Z", "[STAMP]"),
        (r"sha256 [0-9a-f]{16,64}", "sha256 [SHA]"),
        (r"\(\d+ bytes", "([N] bytes"),
    ];
    for (re, with) in rules {
        t = Regex::new(re)
            .expect("valid regex")
            .replace_all(&t, with)
            .into_owned();
    }
    t
}

fn snapshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.snap"))
}

/// Compares `actual` with `tests/snapshots/<name>.snap`.
pub fn snapshot(name: &str, actual: &str) {
    let path = snapshot_path(name);
    if std::env::var_os("SLUICE_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("missing snapshot {}: run `SLUICE_BLESS=1 cargo test -p sluice-cli` and review it\nactual:\n{actual}", path.display())
    });
    if expected != actual {
        let mut diff = String::new();
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        for i in 0..e.len().max(a.len()) {
            match (e.get(i), a.get(i)) {
                (Some(x), Some(y)) if x == y => {}
                (x, y) => diff.push_str(&format!(
                    "line {}:\n  - {}\n  + {}\n",
                    i + 1,
                    x.unwrap_or(&"<none>"),
                    y.unwrap_or(&"<none>")
                )),
            }
        }
        panic!(
            "snapshot {} differs (SLUICE_BLESS=1 to accept):\n{diff}",
            path.display()
        );
    }
}

/// Runs and snapshots in one step.
pub fn snap(name: &str, dir: &Path, args: &[&str]) -> Run {
    let run = sluice(dir, args);
    snapshot(name, &run.render(dir));
    run
}

/// Opens the project's SQLite database for assertions.
pub fn db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open test database")
}

/// Rows of a one-column query, as strings.
pub fn strings(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut st = conn.prepare(sql).expect("prepare");
    st.query_map([], |r| {
        let v: rusqlite::types::Value = r.get(0)?;
        Ok(match v {
            rusqlite::types::Value::Null => "NULL".to_string(),
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Real(f) => f.to_string(),
            rusqlite::types::Value::Text(t) => t,
            rusqlite::types::Value::Blob(b) => format!("<{} bytes>", b.len()),
        })
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// The user tables of a database (sluice's own excluded), sorted.
pub fn user_tables(conn: &rusqlite::Connection) -> Vec<String> {
    strings(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sluice_%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
}
