//! Rule `statement-not-analysed`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};

crate::rule! {
    /// Reported for every statement the parser cannot read, with the parser's message and line.
    /// The statement still runs; it is not assumed to be safe.
    ///
    /// **Why it matters.** A statement nobody analysed may take any lock or lose any data.
    ///
    /// **Instead.** Review it; silence it with a reason.
    pub static RULE = Rule {
        id: "statement-not-analysed",
        severity: Severity::Low,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "sluice's parser could not read this statement, so none of the other rules checked it",
        instead: "review it by hand; if it is safe, say so with `-- sluice:allow statement-not-analysed <reason>`",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let _ = (cx, out);
}
