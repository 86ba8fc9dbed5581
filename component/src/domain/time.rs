//! Time arithmetic on millisecond timestamps.

use super::model::{DateOrTime, Timestamp};
use chrono::{DateTime, Datelike, SecondsFormat};

pub const DAY_MS: i64 = 86_400_000;

/// The time zone of a database whose settings name none.
pub const UTC: &str = "UTC";

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

/// A date as it was given: `2026-11-10` for a day, RFC 3339 in UTC for an
/// instant; `none` for none.
pub fn shown(d: Option<DateOrTime>) -> String {
    match d {
        Some(DateOrTime::Date(day)) => {
            let start = DateTime::from_timestamp_millis(i64::from(day) * DAY_MS);
            // By hand: chrono's strftime machinery would add ~50 KB to the component.
            start.map_or_else(|| format!("day {day}"), |d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        Some(DateOrTime::Time(t)) => rfc3339(t),
        None => "none".to_string(),
    }
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
        assert_eq!(shown(Some(DateOrTime::Date(20_819))), "2027-01-01");
        assert_eq!(shown(Some(DateOrTime::Time(1_798_761_600_000))), "2027-01-01T00:00:00Z");
        assert_eq!(DateOrTime::Date(20_819).key(), 1_798_761_600_000);
    }
}
