//! The migration file parser must never panic: any input is a migration or a FileError
//! with a line inside the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sluice_core::file::parse;
use sluice_sql::Dialect;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1);
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        match parse(Path::new("migrations/M1_fuzz.sql"), text, d) {
            Ok(m) => {
                assert!(!m.up.statements.is_empty());
                assert!(m.checksum.as_str().starts_with("v1:"));
            }
            Err(e) => assert!(e.line <= lines + 1, "line {} beyond the file ({lines} lines): {e}", e.line),
        }
    }
});
