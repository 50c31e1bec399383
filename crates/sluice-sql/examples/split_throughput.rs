//! Splitter throughput on a generated ~20 MB PostgreSQL DDL corpus, against a plain byte
//! scan for `;` in the same process (the floor no lexer can beat).
//!
//!     cargo run --release -p sluice-sql --example split_throughput

use std::time::Instant;

use sluice_sql::{Dialect, split};

fn corpus() -> String {
    let mut s = String::with_capacity(21 << 20);
    let mut i = 0u64;
    while s.len() < 20 << 20 {
        s.push_str(&format!(
            "-- migration step {i}\nCREATE TABLE t_{i} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    name text NOT NULL DEFAULT 'it''s; fine',\n    payload jsonb,\n    created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX CONCURRENTLY t_{i}_name ON t_{i} (name) WHERE name <> '';\n/* a block comment; with /* nesting */ */\nCREATE FUNCTION f_{i}() RETURNS trigger AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nINSERT INTO t_{i} (name, payload) VALUES (E'a\\'b;', '{{\"k\": \"v;\"}}');\n"
        ));
        i += 1;
    }
    s
}

fn main() {
    let input = corpus();
    let mb = input.len() as f64 / (1 << 20) as f64;
    let runs = 5;
    let mut best_split = f64::MAX;
    let mut best_scan = f64::MAX;
    let mut count = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let n = input.bytes().filter(|&b| b == b';').count();
        best_scan = best_scan.min(t.elapsed().as_secs_f64());
        std::hint::black_box(n);
        let t = Instant::now();
        let stmts = split(&input, Dialect::Postgres).expect("corpus splits");
        best_split = best_split.min(t.elapsed().as_secs_f64());
        count = stmts.len();
    }
    println!("corpus: {mb:.1} MiB, {count} statements (best of {runs} runs)");
    println!("byte scan for ';'  {:8.0} MiB/s", mb / best_scan);
    println!(
        "sluice_sql::split  {:8.0} MiB/s  ({:.1}x the byte scan's time)",
        mb / best_split,
        best_split / best_scan
    );
}
