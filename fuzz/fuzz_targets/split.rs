//! The splitter must never panic, and every statement must be the slice of the input at
//! its offset, on the line its offset says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_sql::{Dialect, split};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        if let Ok(stmts) = split(input, d) {
            let mut end = 0;
            for s in stmts {
                assert!(s.offset >= end);
                assert_eq!(&input[s.offset..s.offset + s.text.len()], s.text);
                assert_eq!(s.line, 1 + input[..s.offset].matches('\n').count());
                end = s.offset + s.text.len();
            }
        }
    }
});
