//! Behaviour a user relies on, proved on SQLite, PostgreSQL and MariaDB alike. Where
//! MySQL's DDL commits on its own, the test states what a user gets there instead.

use sluice_testkit::Project;

use crate::on_both;

on_both!(failing_statement_rolls_back_everything, |b| {
    let p = Project::new("e-fail");
    p.simple(
        "001_ok",
        &[],
        &["CREATE TABLE base (x INTEGER)"],
        &["DROP TABLE base"],
    );
    p.simple(
        "002_breaks",
        &[],
        &[
            "CREATE TABLE one (x INTEGER)",
            "INSERT INTO base VALUES (1)",
            "INSERT INTO missing VALUES (2)",
        ],
        &["DROP TABLE one"],
    );
    let run = b.sluice(p.path(), &["up"]).code(3);
    assert!(
        run.stderr
            .contains("002_breaks failed at statement 3 of 3 (migrations/002_breaks.sql:4)"),
        "{}",
        run.stderr
    );
    let m = b.t("migrations");
    let e = b.t("events");
    let state = b.q(
        p.path(),
        &format!("SELECT state || ' ' || statements_done FROM {m} WHERE id = '002_breaks'"),
    );
    let story = b.q(p.path(), &format!("SELECT from_state || '>' || to_state FROM {e} WHERE migration_id = '002_breaks' ORDER BY seq"));
    if let crate::backend::Backend::Mysql(_) = b {
        // DDL commits on its own: statements 1 and 2 stay, and the state says exactly so.
        assert_eq!(b.user_tables(p.path()), ["base", "one"]);
        assert_eq!(b.q(p.path(), "SELECT count(*) FROM base"), ["1"]);
        assert_eq!(state, ["partial 2"]);
        assert_eq!(story, ["pending>applying", "applying>partial"]);
        assert!(
            run.stderr.contains("its state is now partial"),
            "{}",
            run.stderr
        );
    } else {
        assert_eq!(b.user_tables(p.path()), ["base"]);
        assert_eq!(b.q(p.path(), "SELECT count(*) FROM base"), ["0"]);
        assert_eq!(state, ["failed 0"]);
        assert_eq!(story, ["pending>applying", "applying>failed"]);
    }
});

on_both!(error_lines_point_into_multi_line_statements, |b| {
    let p = Project::new("e-lines");
    p.migration(
        "001_syntax",
        "-- sluice:up\nCREATE TABLE t (x INTEGER);\nSELECT x\n  FROM t\n  WHERE x = = 1;\n-- sluice:down\nDROP TABLE t;\n",
    );
    let run = b.sluice(p.path(), &["up"]).code(3);
    // SQLite and MySQL report no position in the file: the statement's first line;
    // PostgreSQL: the exact line.
    let want = match b {
        crate::backend::Backend::Postgres(_) => "(migrations/001_syntax.sql:5)",
        _ => "(migrations/001_syntax.sql:3)",
    };
    assert!(run.stderr.contains(want), "{}", run.stderr);
    match b {
        // Statement 1 committed on its own; the state says partial 1/2.
        crate::backend::Backend::Mysql(_) => assert_eq!(b.user_tables(p.path()), ["t"]),
        _ => assert!(b.user_tables(p.path()).is_empty()),
    }
});

on_both!(partial_then_resume_tells_the_whole_story, |b| {
    let p = Project::new("e-partial");
    let text = |third: &str| {
        format!(
            "-- transaction: false\n-- sluice:up\nCREATE TABLE a (x INTEGER);\nCREATE TABLE b (x INTEGER);\n{third};\nCREATE TABLE d (x INTEGER);\nCREATE TABLE e (x INTEGER);\n-- sluice:down\nDROP TABLE IF EXISTS e;\nDROP TABLE IF EXISTS d;\nDROP TABLE IF EXISTS c;\nDROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n"
        )
    };
    p.migration("001_nt", &text("INSERT INTO nowhere VALUES (1)"));
    b.sluice(p.path(), &["up"]).code(3);
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state || ' ' || statements_done || '/' || statements_total FROM {m}")
        ),
        ["partial 2/5"]
    );
    assert_eq!(b.user_tables(p.path()), ["a", "b"]);
    b.sluice(p.path(), &["up"]).code(4);
    p.migration("001_nt", &text("CREATE TABLE c (x INTEGER)"));
    b.sluice(p.path(), &["up", "--resume"]).code(0);
    assert_eq!(b.user_tables(p.path()), ["a", "b", "c", "d", "e"]);
    let e = b.t("events");
    let story = b.q(p.path(), &format!("SELECT from_state || '>' || to_state || coalesce(' ' || reason, '') FROM {e} ORDER BY seq"));
    assert_eq!(story.len(), 4, "{story:?}");
    assert_eq!(story[0], "pending>applying");
    assert!(
        story[1].starts_with("applying>partial statement 3/5 at migrations/001_nt.sql:5"),
        "{story:?}"
    );
    assert_eq!(story[2], "partial>applying resuming after statement 2/5");
    assert_eq!(story[3], "applying>applied");
});

on_both!(down_follows_applied_order, |b| {
    let p = Project::new("e-order");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t1 (x INTEGER)"],
        &["DROP TABLE t1"],
    );
    p.simple(
        "M3",
        &[],
        &["CREATE TABLE t3 (x INTEGER)"],
        &["DROP TABLE t3"],
    );
    b.sluice(p.path(), &["up"]).code(0);
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE t2 (x INTEGER)"],
        &["DROP TABLE t2"],
    );
    let run = b.sluice(p.path(), &["up"]).code(0);
    assert!(run.stderr.contains("M2 was late"), "{}", run.stderr);
    b.sluice(p.path(), &["down", "--to", "M3"]).code(0);
    assert_eq!(b.user_tables(p.path()), ["t1", "t3"]);
    b.sluice(p.path(), &["down", "--count", "2"]).code(0);
    assert!(b.user_tables(p.path()).is_empty());
});

on_both!(drift_is_refused, |b| {
    let p = Project::new("e-drift");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    b.sluice(p.path(), &["up"]).code(0);
    p.simple("M1", &[], &["CREATE TABLE t (x BIGINT)"], &["DROP TABLE t"]);
    let st = b.sluice(p.path(), &["status"]).code(0);
    assert!(
        st.stdout
            .contains("drift: migrations/M1.sql was edited after it was applied"),
        "{}",
        st.stdout
    );
    b.sluice(p.path(), &["up"]).code(4);
});

on_both!(failing_down_is_rolled_back, |b| {
    let p = Project::new("e-downfail");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES (1)"],
        &["DELETE FROM t", "DROP TABLE nope"],
    );
    b.sluice(p.path(), &["up"]).code(0);
    b.sluice(p.path(), &["down"]).code(3);
    let (rows, state) = match b {
        // DROP TABLE commits on its own, so the down ran statement by statement: the
        // DELETE stays done and the migration is partial, as recorded.
        crate::backend::Backend::Mysql(_) => ("0", "partial"),
        _ => ("1", "applied"),
    };
    assert_eq!(b.q(p.path(), "SELECT count(*) FROM t"), [rows]);
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state FROM {}", b.t("migrations"))
        ),
        [state]
    );
});

on_both!(verify_rolls_back_and_judges, |b| {
    let p = Project::new("e-verify");
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (x INTEGER UNIQUE);\nINSERT INTO t VALUES (1), (2);\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: rows 2\nSELECT * FROM t;\n-- expect: ok\nINSERT INTO t VALUES (3);\n-- expect: error unique_violation\nINSERT INTO t VALUES (3);\n-- expect: value 3\nSELECT count(*) FROM t;\n-- expect: empty\nSELECT * FROM t WHERE x > 3;\n",
    );
    b.sluice(p.path(), &["up"]).code(0);
    let run = b.sluice(p.path(), &["verify"]).code(0);
    assert!(
        run.stdout.contains("verdict: PASS — 5 of 5 checks passed"),
        "{}",
        run.stdout
    );
    assert_eq!(
        b.q(p.path(), "SELECT count(*) FROM t"),
        ["2"],
        "verification left rows behind"
    );
});

on_both!(reading_commands_create_nothing, |b| {
    let p = Project::new("e-read");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    for cmd in [&["status"][..], &["plan"], &["log"]] {
        b.sluice(p.path(), cmd).code(0);
    }
    match &b {
        crate::backend::Backend::Sqlite => assert!(!p.path().join("sluice.db").exists()),
        crate::backend::Backend::Postgres(_) => {
            assert_eq!(
                b.q(
                    p.path(),
                    "SELECT count(*) FROM pg_namespace WHERE nspname = 'sluice'"
                ),
                ["0"]
            );
        }
        crate::backend::Backend::Mysql(_) => {
            assert_eq!(
                b.q(
                    p.path(),
                    "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                ),
                ["0"]
            );
        }
    }
});

on_both!(concurrent_runners_apply_each_migration_once, |b| {
    let p = Project::new("e-race");
    for i in 0..25 {
        p.simple(
            &format!("M{i:03}"),
            &[],
            &[&format!("CREATE TABLE t{i} (x INTEGER)")],
            &[&format!("DROP TABLE t{i}")],
        );
    }
    let runners = match b {
        crate::backend::Backend::Sqlite => 3,
        crate::backend::Backend::Mysql(_) => {
            p.migration(
                "M100_idx",
                "-- sluice:up\nCREATE INDEX t1_x ON t1 (x);\n-- sluice:down\nDROP INDEX t1_x ON t1;\n",
            );
            10
        }
        crate::backend::Backend::Postgres(_) => {
            // CREATE INDEX CONCURRENTLY waits for every older transaction: waiting runners
            // must not be in one, or it would deadlock with them.
            p.migration(
                "M100_cic",
                "-- transaction: false\n-- sluice:up\nCREATE INDEX CONCURRENTLY t1_x ON t1 (x);\n-- sluice:down\nDROP INDEX CONCURRENTLY t1_x;\n",
            );
            10
        }
    };
    let url = b.url();
    let children: Vec<_> = (0..runners)
        .map(|_| {
            crate::support::sluice_cmd(p.path(), &["--url", &url, "up", "--lock-wait", "60s"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a runner failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let total = if runners == 10 { 26 } else { 25 };
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(*) FROM {m} WHERE state = 'applied'")
        ),
        [total.to_string()]
    );
    let e = b.t("events");
    let twice = b.q(
        p.path(),
        &format!("SELECT migration_id FROM {e} WHERE to_state = 'applied' GROUP BY migration_id HAVING count(*) <> 1"),
    );
    assert!(twice.is_empty(), "applied more than once: {twice:?}");
    assert_eq!(
        b.q(p.path(), &format!("SELECT count(*) FROM {}", b.t("lock"))),
        ["0"],
        "lock row left behind"
    );
});

on_both!(schema_dump_is_stable_and_diff_names_the_changes, |b| {
    let p = Project::new("e-schema");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE t (x INTEGER NOT NULL, y TEXT)",
            "CREATE INDEX t_x ON t (x)",
        ],
        &["DROP TABLE t"],
    );
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE u (id INTEGER PRIMARY KEY)"],
        &["DROP TABLE u"],
    );
    b.sluice(p.path(), &["up"]).code(0);
    let json = b
        .sluice(p.path(), &["schema", "dump", "--format", "json"])
        .code(0)
        .stdout;
    assert!(
        !json.contains("sluice_") && !json.contains("sluice."),
        "sluice's own tables are left out: {json}"
    );
    std::fs::write(p.path().join("before.json"), &json).unwrap();
    assert_eq!(
        b.sluice(p.path(), &["schema", "dump", "--format", "json"])
            .code(0)
            .stdout,
        json,
        "not stable"
    );
    let same = b
        .sluice(p.path(), &["schema", "diff", &b.url(), "before.json"])
        .code(0);
    assert!(
        same.stdout.starts_with("the schemas are identical"),
        "{}",
        same.stdout
    );
    b.sluice(p.path(), &["down"]).code(0);
    let diff = b
        .sluice(p.path(), &["schema", "diff", "before.json", &b.url()])
        .code(1);
    assert!(
        diff.stdout
            .lines()
            .any(|l| l.starts_with("- table") && l.ends_with('u')),
        "{}",
        diff.stdout
    );
    let bad = b
        .sluice(p.path(), &["schema", "diff", "before.json", "nope.json"])
        .code(2);
    assert!(
        bad.stderr.contains("cannot read nope.json"),
        "{}",
        bad.stderr
    );
});
