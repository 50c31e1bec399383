//! Who runs sluice, where: actor, host, git commit, CI run — for a caller (the CLI, an
//! application) to put in a `RunContext`; nothing in the runner reads them itself.

use std::path::Path;
use std::process::Command;

/// The host name (`/proc/sys/kernel/hostname`, `/etc/hostname`, `$HOSTNAME`, else `unknown`).
pub fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| {
            std::fs::read_to_string(p)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `SLUICE_ACTOR`, else git's `user.name`, else the OS user.
pub fn actor(project: &Path) -> String {
    if let Ok(a) = std::env::var("SLUICE_ACTOR")
        && !a.trim().is_empty()
    {
        return a.trim().to_string();
    }
    git(project, &["config", "user.name"])
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// The commit checked out in the project, when it is a git work tree. Outside one (no
/// `.git` in the project's folder or above it, no `GIT_DIR`) git is not started.
pub fn git_commit(project: &Path) -> Option<String> {
    if std::env::var_os("GIT_DIR").is_none() && !in_git_tree(project) {
        return None;
    }
    git(project, &["rev-parse", "--verify", "-q", "HEAD"])
}

/// Whether `dir` or a folder above it holds `.git` (a folder, or a file naming one).
fn in_git_tree(dir: &Path) -> bool {
    // Git walks up from the real folder; a symbolic link on the way may hide the `.git`
    // from the path as written, so both are looked at.
    [std::path::absolute(dir), std::fs::canonicalize(dir)]
        .into_iter()
        .any(|d| match d {
            Ok(d) => d.ancestors().any(|a| a.join(".git").exists()),
            Err(_) => true, // cannot tell: ask git
        })
}

/// The CI run, from the usual variables of GitHub Actions, GitLab CI, Buildkite, Jenkins.
pub fn ci_run() -> Option<String> {
    let pick = |var: &str, name: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{name}:{v}"))
    };
    pick("GITHUB_RUN_ID", "github")
        .or_else(|| pick("CI_PIPELINE_ID", "gitlab"))
        .or_else(|| pick("BUILDKITE_BUILD_ID", "buildkite"))
        .or_else(|| pick("BUILD_TAG", "jenkins"))
}
