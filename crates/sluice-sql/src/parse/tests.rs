use super::*;

fn pg(s: &str) -> Stmt {
    parse(s, Dialect::Postgres).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn my(s: &str) -> Stmt {
    parse(s, Dialect::MySql).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn create_index_clauses() {
    match pg(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY s.t USING btree (a, lower(b), c DESC) WHERE d",
    ) {
        Stmt::CreateIndex {
            name,
            table,
            unique,
            concurrently,
            if_not_exists,
            only,
            columns,
            ..
        } => {
            assert_eq!(name, Some(Name::bare("i")));
            assert_eq!(table.to_string(), "s.t");
            assert!(unique && concurrently && if_not_exists && only);
            assert_eq!(columns, ["a", "c"]);
        }
        s => panic!("{s:?}"),
    }
}

#[test]
fn alter_table_actions() {
    let Stmt::AlterTable { name, actions, .. } = pg(
        "ALTER TABLE ONLY \"Orders\" ADD COLUMN IF NOT EXISTS n int NOT NULL DEFAULT 0, ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p(id) ON DELETE SET NULL NOT VALID, ALTER COLUMN x TYPE bigint USING x::bigint, ALTER x SET NOT NULL, DROP COLUMN IF EXISTS y CASCADE, VALIDATE CONSTRAINT fk, ADD COLUMN u uuid DEFAULT gen_random_uuid()",
    ) else {
        panic!()
    };
    assert_eq!(name.name, "Orders");
    assert_eq!(actions.len(), 7);
    match &actions[0] {
        Action::AddColumn {
            column,
            if_not_exists,
        } => {
            assert!(*if_not_exists && column.not_null);
            assert_eq!(column.default.as_ref().unwrap().text, "0");
            assert_eq!(column.ty.as_ref().unwrap().name, "integer");
        }
        a => panic!("{a:?}"),
    }
    match &actions[1] {
        Action::AddConstraint(Constraint {
            name,
            kind: ConstraintKind::ForeignKey(fk),
            not_valid,
        }) => {
            assert_eq!(name.as_deref(), Some("fk"));
            assert!(*not_valid);
            assert_eq!(fk.on_delete.as_deref(), Some("SET NULL"));
            assert_eq!(fk.columns, ["a"]);
        }
        a => panic!("{a:?}"),
    }
    assert!(
        matches!(&actions[2], Action::AlterType { ty, using: true, .. } if ty.name == "bigint")
    );
    assert_eq!(actions[3], Action::SetNotNull("x".into()));
    assert!(matches!(
        &actions[4],
        Action::DropColumn {
            cascade: true,
            if_exists: true,
            ..
        }
    ));
    assert_eq!(actions[5], Action::ValidateConstraint("fk".into()));
    match &actions[6] {
        Action::AddColumn { column, .. } => {
            assert_eq!(
                column.default.as_ref().unwrap().volatile.as_deref(),
                Some("gen_random_uuid")
            )
        }
        a => panic!("{a:?}"),
    }
}

#[test]
fn statements_sqlparser_cannot_read() {
    assert!(matches!(
        pg("REFRESH MATERIALIZED VIEW CONCURRENTLY mv"),
        Stmt::RefreshMaterializedView {
            concurrently: true,
            ..
        }
    ));
    assert!(
        matches!(pg("DROP INDEX CONCURRENTLY IF EXISTS a, b"), Stmt::Drop { kind: ObjectKind::Index, concurrently: true, if_exists: true, ref names, .. } if names.len() == 2)
    );
    assert!(matches!(
        pg("REINDEX (VERBOSE) TABLE CONCURRENTLY t"),
        Stmt::Reindex {
            kind: ObjectKind::Table,
            concurrently: true,
            ..
        }
    ));
    let Stmt::AlterTable { actions, .. } = pg("ALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY")
    else {
        panic!()
    };
    assert!(matches!(
        actions[0],
        Action::DetachPartition {
            concurrently: true,
            ..
        }
    ));
    assert!(
        matches!(pg("VACUUM (FULL, ANALYZE) t"), Stmt::Vacuum { full: true, ref tables } if tables.len() == 1)
    );
    assert_eq!(pg("DO $$ BEGIN PERFORM 1; END $$"), Stmt::Do);
    assert!(matches!(
        pg("CREATE TABLE b (LIKE a INCLUDING DEFAULTS)"),
        Stmt::CreateTable { copies: true, .. }
    ));
    assert!(matches!(
        pg("GRANT EXECUTE ON FUNCTION f(text), g() TO PUBLIC"),
        Stmt::Grant { public: true, .. }
    ));
    assert!(matches!(my("OPTIMIZE TABLE t"), Stmt::Optimize { .. }));
    let Stmt::AlterTable { actions, .. } = my("ALTER TABLE t ENGINE=InnoDB") else {
        panic!()
    };
    assert_eq!(actions[0], Action::Rebuild("ENGINE=INNODB".into()));
}

#[test]
fn functions_and_security() {
    match pg(
        "CREATE OR REPLACE FUNCTION public.f(a int) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$ BEGIN SET search_path = x; END $$",
    ) {
        Stmt::CreateFunction {
            security_definer,
            sets_search_path,
            or_replace,
            ..
        } => assert!(security_definer && sets_search_path && or_replace),
        s => panic!("{s:?}"),
    }
    match pg(
        "CREATE FUNCTION f() RETURNS void SECURITY DEFINER AS $$ SET search_path = x $$ LANGUAGE sql",
    ) {
        Stmt::CreateFunction {
            security_definer,
            sets_search_path,
            ..
        } => assert!(security_definer && !sets_search_path),
        s => panic!("{s:?}"),
    }
}

#[test]
fn mysql_forms() {
    let Stmt::AlterTable { actions, .. } = my(
        "ALTER TABLE t MODIFY COLUMN a BIGINT UNSIGNED NOT NULL AFTER b, CHANGE c d VARCHAR(20), ADD INDEX i (a), DROP FOREIGN KEY f, ALGORITHM=INPLACE, LOCK=NONE, ADD COLUMN e INT DEFAULT (RAND())",
    ) else {
        panic!()
    };
    assert!(
        matches!(&actions[0], Action::Redefine { old, column } if old == "a" && column.not_null && column.positioned && column.ty.as_ref().unwrap().unsigned)
    );
    assert!(
        matches!(&actions[1], Action::Redefine { old, column } if old == "c" && column.name == "d")
    );
    assert!(matches!(
        &actions[2],
        Action::AddConstraint(Constraint {
            kind: ConstraintKind::Index { .. },
            ..
        })
    ));
    assert!(matches!(
        &actions[3],
        Action::DropConstraint {
            foreign_key: true,
            ..
        }
    ));
    assert_eq!(actions[4], Action::Algorithm("INPLACE".into()));
    assert_eq!(actions[5], Action::Lock("NONE".into()));
    match &actions[6] {
        Action::AddColumn { column, .. } => {
            let d = column.default.as_ref().unwrap();
            assert!(d.parenthesized);
            assert_eq!(d.volatile.as_deref(), Some("rand"));
        }
        a => panic!("{a:?}"),
    }
    assert!(matches!(my("RENAME TABLE a TO b, c TO d"), Stmt::RenameTables(ref v) if v.len() == 2));
    assert!(
        matches!(my("SET SESSION lock_wait_timeout = 5"), Stmt::Set { ref name, ref value, .. } if name == "lock_wait_timeout" && value == "5")
    );
    assert!(
        matches!(my("SET FOREIGN_KEY_CHECKS=0"), Stmt::Set { ref name, ref value, .. } if name == "foreign_key_checks" && value == "0")
    );
}

#[test]
fn dml_where() {
    assert!(matches!(
        pg("UPDATE t SET a = (SELECT 1 FROM u WHERE x)"),
        Stmt::Update {
            has_where: false,
            ..
        }
    ));
    assert!(matches!(
        pg("UPDATE t SET a = 1 WHERE b"),
        Stmt::Update {
            has_where: true,
            ..
        }
    ));
    assert!(matches!(
        pg("DELETE FROM t"),
        Stmt::Delete {
            has_where: false,
            ..
        }
    ));
    assert!(matches!(
        pg("WITH x AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM x)"),
        Stmt::Delete {
            has_where: true,
            ..
        }
    ));
    assert!(matches!(
        pg("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING"),
        Stmt::Insert {
            idempotent: true,
            select: false,
            ..
        }
    ));
}

#[test]
fn unknown_statements_are_errors_with_a_position() {
    let e = parse("  FROBNICATE t", Dialect::Postgres).unwrap_err();
    assert_eq!(e.at, 2);
    assert!(e.message.contains("FROBNICATE"), "{e}");
    let e = parse("ALTER TABLE t ADD CONSTRAINT c CHECK x", Dialect::Postgres).unwrap_err();
    assert!(e.message.contains("expected `(`"), "{e}");
}

/// Every statement of the example projects parses.
#[test]
fn example_projects_parse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut n = 0;
    for (dir, d) in [
        ("bakery-supabase", Dialect::Postgres),
        ("listing-helper", Dialect::Postgres),
        ("consignments-mysql", Dialect::MySql),
        ("quickstart", Dialect::Sqlite),
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir).join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for s in crate::split(&text, d).unwrap() {
                if s.text
                    .lines()
                    .all(|l| l.trim_start().starts_with("--") || l.trim().is_empty())
                {
                    continue;
                }
                if let Err(e) = parse(s.text, d) {
                    panic!("{}:{}: {e}\n{}", f.display(), s.line, s.text);
                }
                n += 1;
            }
        }
    }
    assert!(n > 250, "{n}");
}
