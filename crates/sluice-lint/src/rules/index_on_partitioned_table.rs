//! Rule `index-on-partitioned-table`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `CREATE INDEX` on a table this plan created with `PARTITION BY`, without `ON ONLY`,
    /// once partitions exist (a partition was created or attached earlier); and `CREATE INDEX
    /// CONCURRENTLY` on such a table, partitions or not, which the server refuses.
    ///
    /// **Why it is dangerous.** Every partition is built under `SHARE`; `CREATE INDEX
    /// CONCURRENTLY` on a partitioned table is refused (`cannot create index on partitioned table
    /// … concurrently`, verified).
    ///
    /// **Instead.** `ON ONLY` the parent, then each partition concurrently, then attach.
    pub static RULE = Rule {
        id: "index-on-partitioned-table",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "an index on a partitioned parent takes SHARE on the parent and every partition for the whole build (CONCURRENTLY is refused there)",
        instead: "CREATE INDEX … ON ONLY parent, CREATE INDEX CONCURRENTLY on each partition, then ALTER INDEX parent_idx ATTACH PARTITION child_idx",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::CreateIndex {
        table,
        only: false,
        concurrently: true,
        ..
    } = cx.stmt
        && cx.state.is_partitioned(table)
    {
        out.push(
            Hit::new(format!(
                "CREATE INDEX CONCURRENTLY on partitioned table {table} is refused by the server"
            ))
            .mark("CONCURRENTLY"),
        );
    } else if let Stmt::CreateIndex {
        table, only: false, ..
    } = cx.stmt
        && cx.state.partitioned_with_children(table)
    {
        out.push(
            Hit::new(format!(
                "index on partitioned table {table}: every partition is locked SHARE for the build"
            ))
            .mark("INDEX"),
        );
    }
}
