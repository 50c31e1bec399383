//! Rule `grant-to-public`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `GRANT … TO PUBLIC`.
    ///
    /// **Why it is dangerous.** Every role, including ones created later, gets the privilege. A
    /// `SECURITY DEFINER` function granted to `PUBLIC` is callable by anyone who can connect.
    /// (`REVOKE … FROM PUBLIC` is the safe direction and is not flagged.)
    ///
    /// **Instead.** Name the roles.
    ///
    /// ```sql
    /// -- flagged
    /// GRANT SELECT ON orders TO PUBLIC;
    /// -- instead
    /// GRANT SELECT ON orders TO reporting;
    /// ```
    pub static RULE = Rule {
        id: "grant-to-public",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "PUBLIC is every role, present and future: the grant reaches roles nobody reviewed (PostgreSQL functions are executable by PUBLIC by default, too)",
        instead: "grant to the specific roles that need it",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Grant {
        public: true,
        revoke: false,
        ..
    } = cx.stmt
    {
        out.push(
            Hit::new("granted to PUBLIC: every role, including future ones, gets it")
                .mark("PUBLIC"),
        );
    }
}
