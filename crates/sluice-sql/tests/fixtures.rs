//! Fixture files: `tests/fixtures/<case>.<dialect>.sql`, each split and compared with
//! `<case>.<dialect>.out`. `SLUICE_BLESS=1` writes the `.out` files; review them.

use std::path::Path;

use sluice_sql::{Dialect, split};

fn render(input: &str, dialect: Dialect) -> String {
    match split(input, dialect) {
        Ok(stmts) => {
            let mut out = String::new();
            for s in stmts {
                out.push_str(&format!(
                    "--- line {} offset {}\n{}\n",
                    s.line, s.offset, s.text
                ));
            }
            out
        }
        Err(e) => format!("error at line {}: {e}\n", e.line),
    }
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
    {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dialect = match name.rsplit('.').next() {
            Some("sqlite") => Dialect::Sqlite,
            Some("postgres") => Dialect::Postgres,
            Some("mysql") => Dialect::MySql,
            other => panic!(
                "{}: name must end in .<sqlite|postgres|mysql>.sql, got {other:?}",
                path.display()
            ),
        };
        let input = std::fs::read_to_string(&path).unwrap();
        let actual = render(&input, dialect);
        let expected_path = path.with_extension("out");
        if std::env::var_os("SLUICE_BLESS").is_some() {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "missing {}: run with SLUICE_BLESS=1 and review",
                expected_path.display()
            )
        });
        assert_eq!(actual, expected, "{}", path.display());
        cases += 1;
    }
    assert!(cases >= 12, "only {cases} fixture cases found");
}
