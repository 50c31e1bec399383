//! Wall-clock timestamps in UTC, formatted without a date library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A UTC instant with millisecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    nanos: u128,
}

impl Timestamp {
    /// Now.
    pub fn now() -> Self {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Timestamp {
            nanos: d.as_nanos(),
        }
    }

    /// Nanoseconds since the Unix epoch.
    pub fn unix_nanos(self) -> u128 {
        self.nanos
    }

    /// This instant plus `d`.
    pub fn plus(self, d: Duration) -> Self {
        Timestamp {
            nanos: self.nanos + d.as_nanos(),
        }
    }

    fn parts(self) -> (i64, u32, u32, u32, u32, u32, u32) {
        let secs = (self.nanos / 1_000_000_000) as i64;
        let millis = ((self.nanos / 1_000_000) % 1000) as u32;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, rem / 3600, rem / 60 % 60, rem % 60, millis)
    }

    /// `2026-11-21T23:59:01.123Z`, the form stored in the database.
    pub fn rfc3339(self) -> String {
        let (y, mo, d, h, mi, s, ms) = self.parts();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }

    /// `20261121_235901`, the form used in run ids and file names.
    pub fn compact(self) -> String {
        let (y, mo, d, h, mi, s, _) = self.parts();
        format!("{y:04}{mo:02}{d:02}_{h:02}{mi:02}{s:02}")
    }
}

/// Converts days since 1970-01-01 into a proleptic Gregorian (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads a timestamp as databases print it — `2024-01-02 03:04:05[.123456][+01[:00]]`,
/// with `T` or a space, `Z` or an offset, or none (then it is taken as UTC) — and gives
/// the form sluice stores. `None` when it is not such a timestamp.
pub fn parse_to_rfc3339(s: &str) -> Option<String> {
    let s = s.trim();
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (date, rest) = (s.get(..10)?, s.get(10..)?);
    let mut d = date.split('-');
    let (y, mo, da) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&da) {
        return None;
    }
    let rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
    let (h, mi, se) = if rest.len() >= 8 {
        (num(&rest[..2])?, num(&rest[3..5])?, num(&rest[6..8])?)
    } else if rest.is_empty() {
        (0, 0, 0)
    } else {
        return None;
    };
    let mut rest = rest.get(8..).unwrap_or("");
    let mut millis = 0u32;
    if let Some(f) = rest.strip_prefix('.') {
        let digits = f.bytes().take_while(u8::is_ascii_digit).count();
        let frac = &f[..digits];
        millis = num(&format!("{frac:0<3}")[..3])?;
        rest = &f[digits..];
    }
    let rest = rest.trim();
    let offset_min: i64 = match rest {
        "" | "Z" | "z" | "UTC" => 0,
        o => {
            let sign = match o.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let body = o[1..].replace(':', "");
            let (oh, om) = match body.len() {
                2 => (num(&body)?, 0),
                4 => (num(&body[..2])?, num(&body[2..])?),
                _ => return None,
            };
            sign * i64::from(oh * 60 + om)
        }
    };
    let secs = days_from_civil(i64::from(y), mo, da) * 86_400 + i64::from(h * 3600 + mi * 60 + se)
        - offset_min * 60;
    if secs < 0 {
        return None;
    }
    let t = Timestamp {
        nanos: secs as u128 * 1_000_000_000 + u128::from(millis) * 1_000_000,
    };
    Some(t.rfc3339())
}

/// Renders a stored `2026-11-21T23:59:01.123Z` as `2026-11-21 23:59:01Z` for tables.
pub fn display(stored: &str) -> String {
    match (stored.get(..10), stored.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time}Z"),
        _ => stored.to_string(),
    }
}

/// Parses a duration written `500ms`, `5s`, `2min`, `1h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (write e.g. 500ms, 5s, 2min, 1h)"))?;
    let per = match unit.trim() {
        "ms" => 1,
        "s" => 1000,
        "min" | "m" => 60_000,
        "h" => 3_600_000,
        _ => {
            return Err(format!(
                "`{s}` has an unknown unit (write e.g. 500ms, 5s, 2min, 1h)"
            ));
        }
    };
    let ms = n
        .checked_mul(per)
        .ok_or_else(|| format!("`{s}` is too long a duration"))?;
    Ok(Duration::from_millis(ms))
}

/// [`parse_duration`], at most `max`.
pub fn parse_duration_at_most(s: &str, max: Duration) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d > max {
        return Err(format!(
            "`{}` is longer than sluice allows here ({})",
            s.trim(),
            human(max)
        ));
    }
    Ok(d)
}

/// `90s` → `1min 30s`: a duration as a person writes it.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, 0) => format!("{}ms", d.as_millis()),
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}min"),
        (0, m, s) => format!("{m}min {s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, _) => format!("{h}h {m}min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let t = Timestamp {
            nanos: 1_763_953_261_123_000_000,
        };
        assert_eq!(t.rfc3339(), "2025-11-24T03:01:01.123Z");
        assert_eq!(t.compact(), "20251124_030101");
        assert_eq!(
            Timestamp {
                nanos: 951_782_400_000_000_000
            }
            .rfc3339(),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(display("2025-11-24T03:01:01.123Z"), "2025-11-24 03:01:01Z");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2min").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("s").is_err());
    }
}

#[cfg(test)]
mod parse_tests {
    use super::parse_to_rfc3339 as p;

    #[test]
    fn database_timestamps_become_utc_rfc3339() {
        assert_eq!(
            p("2024-01-02 03:04:05").unwrap(),
            "2024-01-02T03:04:05.000Z"
        );
        assert_eq!(
            p("2024-01-02 03:04:05.123456+00").unwrap(),
            "2024-01-02T03:04:05.123Z"
        );
        assert_eq!(
            p("2024-01-02T03:04:05Z").unwrap(),
            "2024-01-02T03:04:05.000Z"
        );
        assert_eq!(
            p("2024-03-01 00:30:00+01:00").unwrap(),
            "2024-02-29T23:30:00.000Z"
        );
        assert_eq!(
            p("2023-12-31 23:00:00-0230").unwrap(),
            "2024-01-01T01:30:00.000Z"
        );
        assert_eq!(p("2024-01-02").unwrap(), "2024-01-02T00:00:00.000Z");
        assert!(p("yesterday").is_none());
        assert!(p("2024-13-02 00:00:00").is_none());
    }
}
