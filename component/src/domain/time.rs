//! Time arithmetic on millisecond timestamps.

use super::model::Timestamp;
use chrono::{DateTime, Datelike, SecondsFormat};

pub const DAY_MS: i64 = 86_400_000;

/// The UTC calendar day a time falls on, counted from 1970-01-01.
pub fn day(t: Timestamp) -> i64 {
    t.div_euclid(DAY_MS)
}

/// The UTC calendar year of a time (for backorder numbers).
pub fn year(t: Timestamp) -> i32 {
    DateTime::from_timestamp_millis(t).map_or(1970, |d| d.year())
}

/// RFC 3339 in UTC, for messages and history lines.
pub fn rfc3339(t: Timestamp) -> String {
    DateTime::from_timestamp_millis(t)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| format!("{t}ms"))
}

pub fn rfc3339_opt(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "none".to_string(), rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_years_follow_utc() {
        assert_eq!(day(0), 0);
        assert_eq!(day(DAY_MS - 1), 0);
        assert_eq!(day(-1), -1);
        assert_eq!(year(1_798_761_600_000), 2027); // 2027-01-01T00:00:00Z
        assert_eq!(year(1_798_761_599_999), 2026);
        assert_eq!(rfc3339(1_798_761_600_000), "2027-01-01T00:00:00Z");
    }
}
