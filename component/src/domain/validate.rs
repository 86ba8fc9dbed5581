//! Input rules, checked before anything is read or written.

use super::error::{DomainError, DomainResult};
use super::limits::{MAX_ID_CHARS, MAX_NOTES_CHARS, MAX_QUANTITY, MAX_TIMESTAMP, MIN_TIMESTAMP};
use super::model::Timestamp;

/// A platform reference (order, customer, line, location, lot, source
/// reference, who): non-empty, at most 64 characters, no control characters,
/// no leading or trailing whitespace.
pub fn reference(field: &str, value: &str) -> DomainResult<()> {
    if value.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if value.trim() != value {
        return Err(DomainError::invalid(field, "must not start or end with whitespace"));
    }
    if value.chars().count() > MAX_ID_CHARS {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_ID_CHARS} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

pub fn optional_reference(field: &str, value: Option<&str>) -> DomainResult<()> {
    value.map_or(Ok(()), |v| reference(field, v))
}

/// A SKU: a reference without any whitespace.
pub fn sku(field: &str, value: &str) -> DomainResult<()> {
    reference(field, value)?;
    if value.chars().any(char::is_whitespace) {
        return Err(DomainError::invalid(field, "must not contain whitespace"));
    }
    Ok(())
}

/// Free text: at most 2,000 characters; newlines and tabs allowed, other
/// control characters not.
pub fn notes(field: &str, value: Option<&str>) -> DomainResult<()> {
    let Some(value) = value else { return Ok(()) };
    if value.chars().count() > MAX_NOTES_CHARS {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_NOTES_CHARS} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DomainError::invalid(field, "must not contain control characters other than newline and tab"));
    }
    Ok(())
}

/// Whole units, 1 to `MAX_QUANTITY`.
pub fn quantity(field: &str, value: u64) -> DomainResult<()> {
    if value == 0 {
        return Err(DomainError::invalid(field, "must be at least 1"));
    }
    if value > MAX_QUANTITY {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_QUANTITY}")));
    }
    Ok(())
}

pub fn timestamp(field: &str, value: Option<Timestamp>) -> DomainResult<()> {
    match value {
        Some(t) if !(MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&t) => {
            Err(DomainError::invalid(field, "must be between 1970-01-01 and 9999-12-31"))
        }
        _ => Ok(()),
    }
}

/// A promised or expected date: its day or instant within the same range.
pub fn date(field: &str, value: Option<super::model::DateOrTime>) -> DomainResult<()> {
    timestamp(field, value.map(super::model::DateOrTime::key))
}

/// A time that must lie after `now` (expiries).
pub fn future(field: &str, value: Option<Timestamp>, now: Timestamp) -> DomainResult<()> {
    timestamp(field, value)?;
    match value {
        Some(t) if t <= now => Err(DomainError::invalid(
            field,
            format!("must be in the future (now is {})", super::time::rfc3339(now)),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_refuse_empty_padded_long_and_control_text() {
        assert!(reference("order_id", "O-1").is_ok());
        assert!(reference("order_id", "").is_err());
        assert!(reference("order_id", " O-1").is_err());
        assert!(reference("order_id", &"x".repeat(65)).is_err());
        assert!(reference("order_id", &"é".repeat(64)).is_ok());
        assert!(reference("order_id", "O\u{7}1").is_err());
    }

    #[test]
    fn skus_refuse_inner_whitespace() {
        assert!(sku("sku", "WIDGET-001").is_ok());
        let err = sku("sku", "WIDGET 001").unwrap_err();
        assert_eq!(err, DomainError::invalid("sku", "must not contain whitespace"));
    }

    #[test]
    fn quantities_are_whole_positive_and_bounded() {
        assert!(quantity("quantity", 0).is_err());
        assert!(quantity("quantity", 1).is_ok());
        assert!(quantity("quantity", MAX_QUANTITY + 1).is_err());
    }

    #[test]
    fn notes_allow_newlines_but_not_other_controls() {
        assert!(notes("notes", Some("line one\nline two\ttab")).is_ok());
        assert!(notes("notes", Some("bell\u{7}")).is_err());
        assert!(notes("notes", Some(&"n".repeat(2001))).is_err());
    }

    #[test]
    fn expiries_must_be_in_the_future() {
        assert!(future("expires_at", Some(10), 10).is_err());
        assert!(future("expires_at", Some(11), 10).is_ok());
        assert!(future("expires_at", None, 10).is_ok());
        assert!(future("expires_at", Some(-5), -10).is_err());
    }
}
