//! Times in and out. The WIT carries milliseconds since the Unix epoch;
//! people and JSON get RFC 3339 in UTC. Parsing lives here, once, for the
//! CLI and any other front end.

use chrono::{DateTime, NaiveDate, Offset, SecondsFormat, TimeZone, Utc};

use crate::bindings::{DateOrTime, Timestamp};
use crate::error::HostError;

/// Parses `input` for the request field `field`: a date `2026-12-01` (the
/// start of that day in UTC) or a full RFC 3339 time with an offset
/// (`2026-12-01T09:30:00Z`, `2026-12-01T10:30:00+01:00`). Anything else,
/// including precision finer than a millisecond, is refused.
pub fn parse_time(field: &'static str, input: &str) -> Result<Timestamp, HostError> {
    let refuse = |rule: &str| HostError::InvalidInput {
        field,
        message: format!("`{input}` {rule}"),
    };
    if is_date_shaped(input) {
        let date = NaiveDate::parse_from_str(input, "%Y-%m-%d")
            .map_err(|_| refuse("is not a valid calendar date"))?;
        let midnight = date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists on every date");
        return Ok(midnight.and_utc().timestamp_millis());
    }
    let time = DateTime::parse_from_rfc3339(input).map_err(|_| {
        refuse("is neither a date (2026-12-01) nor an RFC 3339 time (2026-12-01T09:30:00Z)")
    })?;
    if time.timestamp_subsec_nanos() % 1_000_000 != 0 {
        return Err(refuse("is more precise than a millisecond"));
    }
    Ok(time.timestamp_millis())
}

/// Parses a promised or expected date for `field`, keeping what was
/// given: a date `2026-12-01` is that whole day (in the database's time
/// zone), a full RFC 3339 time the instant (`parse_time`).
pub fn parse_date(field: &'static str, input: &str) -> Result<DateOrTime, HostError> {
    if !is_date_shaped(input) {
        return parse_time(field, input).map(DateOrTime::Time);
    }
    let start = parse_time(field, input)?;
    let day = start.div_euclid(DAY_MS);
    i32::try_from(day)
        .map(DateOrTime::Date)
        .map_err(|_| HostError::InvalidInput {
            field,
            message: format!("`{input}` is out of range"),
        })
}

/// A date as it was given: `2026-12-01` for a day, `format_time` for an
/// instant.
pub fn format_date(date: DateOrTime) -> String {
    match date {
        DateOrTime::Date(day) => match DateTime::<Utc>::from_timestamp_millis(i64::from(day) * DAY_MS) {
            Some(start) => start.format("%Y-%m-%d").to_string(),
            None => format!("day {day} since 1970-01-01"),
        },
        DateOrTime::Time(timestamp) => format_time(timestamp),
    }
}

/// The offset from UTC, in seconds east, of the IANA time zone `zone` at
/// `at` (chrono-tz's rules); none for an unknown zone or an instant
/// without a calendar form. What the guest's `clock.utc-offset` asks.
pub fn utc_offset(zone: &str, at: Timestamp) -> Option<i32> {
    let zone: chrono_tz::Tz = zone.parse().ok()?;
    let instant = DateTime::<Utc>::from_timestamp_millis(at)?;
    Some(zone.offset_from_utc_datetime(&instant.naive_utc()).fix().local_minus_utc())
}

const DAY_MS: i64 = 86_400_000;

/// `YYYY-MM-DD` exactly: chrono alone would also take `2026-1-5`.
fn is_date_shaped(input: &str) -> bool {
    let bytes = input.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// RFC 3339 in UTC, with fractional seconds only when they are not zero:
/// `2026-12-01T00:00:00Z`, `2026-12-01T09:30:00.250Z`.
pub fn format_time(timestamp: Timestamp) -> String {
    match DateTime::<Utc>::from_timestamp_millis(timestamp) {
        Some(time) => time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        // Beyond the year 262143 either way: no calendar form exists, so
        // the raw value is shown rather than a wrong date.
        None => format!("{timestamp}ms-since-epoch"),
    }
}

/// `format_time` for a serde derive: `#[serde(serialize_with =
/// "backorders_host::dates::serialize_time")]` renders a timestamp as
/// front ends show it.
pub fn serialize_time<S: serde::Serializer>(
    timestamp: &Timestamp,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_time(*timestamp))
}

/// The reverse of `serialize_time`: RFC 3339 (`parse_time`).
pub fn deserialize_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Timestamp, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    parse_time("time", &text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECEMBER_FIRST_2026_MS: Timestamp = 1_796_083_200_000;

    fn refused_message(input: &str) -> String {
        match parse_time("expected_date", input) {
            Err(HostError::InvalidInput { field, message }) => {
                assert_eq!(field, "expected_date");
                message
            }
            other => panic!("`{input}` should be refused, got {other:?}"),
        }
    }

    #[test]
    fn a_date_means_the_start_of_that_day_in_utc() {
        assert_eq!(
            parse_time("expected_date", "2026-12-01").unwrap(),
            DECEMBER_FIRST_2026_MS
        );
    }

    #[test]
    fn a_date_is_kept_as_a_day_and_a_time_as_an_instant() {
        let day = parse_date("promised_date", "2026-12-01").unwrap();
        assert_eq!(day, DateOrTime::Date(20_788));
        assert_eq!(format_date(day), "2026-12-01");
        let time = parse_date("promised_date", "2026-12-01T00:00:00Z").unwrap();
        assert_eq!(time, DateOrTime::Time(DECEMBER_FIRST_2026_MS));
        assert_eq!(format_date(time), "2026-12-01T00:00:00Z");
        assert!(parse_date("promised_date", "2026-02-30").is_err());
    }

    #[test]
    fn zone_offsets_follow_the_zone_rules_with_dst() {
        assert_eq!(utc_offset("UTC", DECEMBER_FIRST_2026_MS), Some(0));
        assert_eq!(utc_offset("Europe/Berlin", DECEMBER_FIRST_2026_MS), Some(3600));
        // 2026-07-01T00:00:00Z: summer time in Berlin and New York.
        assert_eq!(utc_offset("Europe/Berlin", 1_782_864_000_000), Some(7200));
        assert_eq!(utc_offset("America/New_York", 1_782_864_000_000), Some(-4 * 3600));
        assert_eq!(utc_offset("America/New_York", DECEMBER_FIRST_2026_MS), Some(-5 * 3600));
        assert_eq!(utc_offset("Mars/Olympus_Mons", DECEMBER_FIRST_2026_MS), None);
    }

    #[test]
    fn rfc3339_times_with_offsets_are_converted_to_utc() {
        assert_eq!(
            parse_time("now", "2026-12-01T00:00:00Z").unwrap(),
            DECEMBER_FIRST_2026_MS
        );
        assert_eq!(
            parse_time("now", "2026-12-01T01:00:00+01:00").unwrap(),
            DECEMBER_FIRST_2026_MS
        );
        assert_eq!(
            parse_time("now", "2026-12-01T00:00:00.250Z").unwrap(),
            DECEMBER_FIRST_2026_MS + 250
        );
    }

    #[test]
    fn malformed_dates_are_refused_naming_the_field() {
        for input in [
            "",
            "2026-13-01",
            "2026-02-30",
            "2026-1-5",
            "12/01/2026",
            "tomorrow",
            "2026-12-01T00:00:00",
            "2026-12-01 00:00",
            "1796083200000",
        ] {
            let message = refused_message(input);
            assert!(message.contains(&format!("`{input}`")), "{message}");
        }
    }

    #[test]
    fn sub_millisecond_precision_is_refused_not_truncated() {
        let message = refused_message("2026-12-01T00:00:00.0001Z");
        assert!(
            message.contains("more precise than a millisecond"),
            "{message}"
        );
    }

    #[test]
    fn formatting_shows_fractions_only_when_present() {
        assert_eq!(format_time(DECEMBER_FIRST_2026_MS), "2026-12-01T00:00:00Z");
        assert_eq!(
            format_time(DECEMBER_FIRST_2026_MS + 250),
            "2026-12-01T00:00:00.250Z"
        );
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn formatting_and_parsing_round_trip() {
        for timestamp in [
            0,
            DECEMBER_FIRST_2026_MS,
            DECEMBER_FIRST_2026_MS + 1,
            253_402_300_799_999,
        ] {
            assert_eq!(
                parse_time("at", &format_time(timestamp)).unwrap(),
                timestamp
            );
        }
    }

    #[test]
    fn timestamps_without_a_calendar_form_are_shown_raw() {
        assert_eq!(
            format_time(Timestamp::MAX),
            format!("{}ms-since-epoch", Timestamp::MAX)
        );
    }
}
