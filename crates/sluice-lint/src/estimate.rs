//! How long a statement works on its tables, estimated from their live size.
//!
//! The model is linear in bytes: each table a statement touches costs
//! `bytes / rate`, where the rate depends on the kind of work and the dialect:
//!
//! * **rewrite** — every row written again and every index rebuilt (PostgreSQL
//!   `ALTER COLUMN … TYPE`, MySQL/MariaDB `ALGORITHM=COPY` or an `INPLACE` rebuild,
//!   SQLite's table rebuild);
//! * **index** — one index built: a full read and a sort (`CREATE INDEX`, `ADD UNIQUE`,
//!   MariaDB `NOCOPY`); `CONCURRENTLY` takes twice as long (a second pass, and waits for
//!   older transactions);
//! * **scan** — a full read that writes nothing (`VALIDATE CONSTRAINT`, `SET NOT NULL`,
//!   `ATTACH PARTITION`).
//!
//! `bytes` is the table with its indexes (`pg_total_relation_size`, `DATA_LENGTH +
//! INDEX_LENGTH`). The rates were measured with `cargo bench -p sluice-cli --bench
//! duration_model`, which builds tables on the test kit's servers, runs each kind of work
//! and divides; `docs/lint.md` gives the method and the figures. They describe an
//! unloaded server with the table in cache: a busy server with cold data is slower, so
//! the estimate is a floor, shown as one significant figure.

use super::analyze::{Algorithm, Effects, LockMode};
use super::{Options, TableSize};
use sluice_sql::Dialect;
use sluice_sql::parse::Name;

/// The kind of work a statement does on one table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Every row and index written again.
    Rewrite,
    /// An index built.
    Index,
    /// An index built without blocking writes (two passes).
    ConcurrentIndex,
    /// A full read.
    Scan,
}

impl Work {
    /// `rewrite`, `index build`, `concurrent index build`, `scan`.
    pub fn as_str(self) -> &'static str {
        match self {
            Work::Rewrite => "rewrite",
            Work::Index => "index build",
            Work::ConcurrentIndex => "concurrent index build",
            Work::Scan => "scan",
        }
    }
}

/// Bytes per second for each kind of work, on one dialect.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    /// Rewrites.
    pub rewrite: f64,
    /// Index builds.
    pub index: f64,
    /// Full reads.
    pub scan: f64,
}

const MB: f64 = 1_000_000.0;

impl Rates {
    /// The calibrated rates of `dialect` (see the module documentation).
    pub fn of(dialect: Dialect) -> Rates {
        match dialect {
            // Measured on PostgreSQL 15.18, 3 M rows (321–519 MB): rewrite 102, index 258,
            // scan 2,750 MB/s (1 M rows: 112, 315, 2,770).
            Dialect::Postgres => Rates {
                rewrite: 110.0 * MB,
                index: 300.0 * MB,
                scan: 2500.0 * MB,
            },
            // Measured on MariaDB 10.11, 3 M rows (225–287 MB): COPY 38, INPLACE rebuild
            // 48, NOCOPY index 55 MB/s (300 k rows: 40, 62, 96). No statement scans
            // without copying there; the scan rate is PostgreSQL's, scaled.
            Dialect::MySql => Rates {
                rewrite: 45.0 * MB,
                index: 70.0 * MB,
                scan: 800.0 * MB,
            },
            // Measured on SQLite 3.54, 3 M rows (196–229 MB): index 215, rebuild 253 MB/s
            // (1 M rows: 186, 214).
            Dialect::Sqlite => Rates {
                rewrite: 200.0 * MB,
                index: 180.0 * MB,
                scan: 1500.0 * MB,
            },
        }
    }

    /// Seconds for `work` on `bytes`.
    pub fn seconds(&self, work: Work, bytes: u64) -> f64 {
        let b = bytes as f64;
        match work {
            Work::Rewrite => b / self.rewrite,
            Work::Index => b / self.index,
            Work::ConcurrentIndex => 2.0 * b / self.index,
            Work::Scan => b / self.scan,
        }
    }
}

/// One table's share of a statement's work.
#[derive(Clone, Debug, PartialEq)]
pub struct TableWork {
    /// The table.
    pub table: Name,
    /// What is done to it.
    pub work: Work,
    /// Its live size.
    pub size: TableSize,
    /// Estimated seconds.
    pub seconds: f64,
}

/// A statement's estimated duration.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Per table, for the tables whose size is known.
    pub tables: Vec<TableWork>,
    /// Their sum.
    pub seconds: f64,
}

impl Estimate {
    /// `about 40 s (rewrite of orders: 2.1 M rows, 1.6 GB)`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .tables
            .iter()
            .map(|t| {
                format!(
                    "{} of {}: {} rows, {}",
                    t.work.as_str(),
                    t.table,
                    human_count(t.size.rows),
                    super::human_bytes(t.size.bytes)
                )
            })
            .collect();
        format!(
            "about {} ({})",
            human_seconds(self.seconds),
            parts.join("; ")
        )
    }
}

/// The work `fx` does on each table, whatever the sizes.
pub fn work(fx: &Effects, dialect: Dialect) -> Vec<(Name, Work)> {
    let mut out: Vec<(Name, Work)> = Vec::new();
    let mut add = |t: &Name, w: Work| {
        if !out.iter().any(|(n, _)| n == t) {
            out.push((t.clone(), w));
        }
    };
    for t in &fx.rewrites {
        add(t, Work::Rewrite);
    }
    if dialect == Dialect::MySql {
        for l in &fx.locks {
            if let LockMode::MySql {
                algorithm: Algorithm::Inplace | Algorithm::Copy,
                ..
            } = l.mode
                && !l.via_index
            {
                add(&l.table, Work::Rewrite);
            }
        }
    }
    let concurrent = !fx.transactional && fx.kind.contains("INDEX");
    for t in &fx.builds {
        add(
            t,
            if concurrent {
                Work::ConcurrentIndex
            } else {
                Work::Index
            },
        );
    }
    for t in &fx.scans {
        add(t, Work::Scan);
    }
    out
}

/// The estimated duration of a statement with effects `fx`, when connected and the size of
/// at least one table it works on is known; `None` otherwise (and for metadata-only
/// statements, which take milliseconds once they have their lock).
pub fn estimate(fx: &Effects, options: &Options) -> Option<Estimate> {
    options.sizes.as_ref()?;
    let rates = Rates::of(options.dialect);
    let tables: Vec<TableWork> = work(fx, options.dialect)
        .into_iter()
        .filter_map(|(table, work)| {
            let size = options.size_of(&table)?;
            Some(TableWork {
                seconds: rates.seconds(work, size.bytes),
                table,
                work,
                size,
            })
        })
        .collect();
    if tables.is_empty() {
        return None;
    }
    let seconds = tables.iter().map(|t| t.seconds).sum();
    Some(Estimate { tables, seconds })
}

/// `< 1 s`, `3 s`, `40 s`, `7 min`, `2 h`: one significant figure, the estimate is rough.
pub fn human_seconds(s: f64) -> String {
    let one = |v: f64| {
        if v < 10.0 {
            format!("{}", v.round().max(1.0))
        } else {
            let p = 10f64.powf(v.log10().floor());
            format!("{}", (v / p).round() * p)
        }
    };
    if s < 1.0 {
        "< 1 s".into()
    } else if s < 60.0 {
        format!("{} s", one(s))
    } else if s < 3600.0 {
        format!("{} min", one(s / 60.0))
    } else {
        format!("{} h", one(s / 3600.0))
    }
}

/// `950`, `12 k`, `3.4 M`, `2.1 G`.
pub fn human_count(n: u64) -> String {
    const UNITS: [&str; 4] = ["", " k", " M", " G"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 || v >= 10.0 {
        format!("{v:.0}{}", UNITS[u])
    } else {
        format!("{v:.1}{}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_as_one_figure() {
        assert_eq!(human_seconds(0.2), "< 1 s");
        assert_eq!(human_seconds(3.4), "3 s");
        assert_eq!(human_seconds(44.0), "40 s");
        assert_eq!(human_seconds(420.0), "7 min");
        assert_eq!(human_seconds(7300.0), "2 h");
        assert_eq!(human_count(950), "950");
        assert_eq!(human_count(12_400), "12 k");
        assert_eq!(human_count(3_400_000), "3.4 M");
    }

    #[test]
    fn the_model_is_linear_and_concurrent_builds_cost_more() {
        let r = Rates::of(Dialect::Postgres);
        let small = r.seconds(Work::Index, 100_000_000);
        let big = r.seconds(Work::Index, 1_000_000_000);
        assert!((big / small - 10.0).abs() < 1e-9);
        assert!(r.seconds(Work::ConcurrentIndex, 1) > r.seconds(Work::Index, 1));
        assert!(r.seconds(Work::Rewrite, 1) > r.seconds(Work::Scan, 1));
    }
}
