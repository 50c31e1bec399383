//! Rule `security-definer-without-search-path`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `CREATE FUNCTION | PROCEDURE … SECURITY DEFINER` without a `SET search_path` clause.
    ///
    /// **Why it is dangerous.** The function resolves unqualified names through the caller's
    /// `search_path`. A caller who can create objects in any schema on that path (e.g. `public`
    /// before PostgreSQL 15, or a temporary schema) shadows a table or function and runs code with
    /// the owner's rights. Supabase and PostgreSQL's own documentation require the clause.
    ///
    /// **Instead.**
    ///
    /// ```sql
    /// -- flagged
    /// CREATE FUNCTION complete_order(id uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
    /// AS $$ UPDATE orders SET done = true WHERE orders.id = complete_order.id $$;
    /// -- instead
    /// CREATE FUNCTION complete_order(id uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
    /// SET search_path = ''
    /// AS $$ UPDATE public.orders SET done = true WHERE orders.id = complete_order.id $$;
    /// ```
    pub static RULE = Rule {
        id: "security-definer-without-search-path",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "a SECURITY DEFINER function runs with its owner's rights; without a fixed search_path a caller can put their own objects first and run code as the owner",
        instead: "add SET search_path = pg_catalog, public (or '') to the function's definition, and schema-qualify names in its body",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::CreateFunction {
        name,
        kind,
        security_definer: true,
        sets_search_path: false,
        ..
    } = cx.stmt
    {
        out.push(Hit::new(format!("SECURITY DEFINER {} {name} has no SET search_path: callers can hijack the names it uses", kind.as_str())).mark("DEFINER"));
    }
}
