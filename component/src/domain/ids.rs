//! Backorder and allocation numbers, parsed once at the boundary.

use super::error::{DomainError, DomainResult};
use std::fmt;

/// `BO-YYYY-NNNN`: year of creation and a per-year sequence, zero-padded to
/// four digits and growing past 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BackorderId {
    pub year: u16,
    pub sequence: u32,
}

impl BackorderId {
    pub fn parse(field: &str, text: &str) -> DomainResult<Self> {
        let malformed = || DomainError::invalid(field, format!("must be a backorder number like BO-2026-0001, got {text:?}"));
        let rest = text.strip_prefix("BO-").ok_or_else(malformed)?;
        let (year, sequence) = rest.split_once('-').ok_or_else(malformed)?;
        if year.len() != 4 || sequence.len() < 4 || sequence.len() > 10 {
            return Err(malformed());
        }
        if !year.bytes().chain(sequence.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let id = BackorderId {
            year: year.parse().map_err(|_| malformed())?,
            sequence: sequence.parse().map_err(|_| malformed())?,
        };
        // One number, one spelling: BO-2026-00015 is not BO-2026-0015.
        if id.sequence == 0 || id.to_string() != text {
            return Err(malformed());
        }
        Ok(id)
    }

    /// The store key part: fixed width, so key order is creation order.
    pub fn key(self) -> String {
        format!("{:04}{:010}", self.year, self.sequence)
    }

    pub fn from_key(key: &[u8]) -> DomainResult<Self> {
        let text = std::str::from_utf8(key).map_err(|_| DomainError::corrupt("backorder key is not UTF-8"))?;
        if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::corrupt(format!("bad backorder key {text:?}")));
        }
        let bad = || DomainError::corrupt(format!("bad backorder key {text:?}"));
        Ok(BackorderId { year: text[..4].parse().map_err(|_| bad())?, sequence: text[4..].parse().map_err(|_| bad())? })
    }
}

impl fmt::Display for BackorderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BO-{:04}-{:04}", self.year, self.sequence)
    }
}

/// `AL-NNNNNN`: a store-wide sequence, zero-padded to six digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AllocationId(pub u64);

impl AllocationId {
    pub fn parse(field: &str, text: &str) -> DomainResult<Self> {
        let malformed = || DomainError::invalid(field, format!("must be an allocation id like AL-000001, got {text:?}"));
        let digits = text.strip_prefix("AL-").ok_or_else(malformed)?;
        if digits.len() < 6 || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let id = AllocationId(digits.parse().map_err(|_| malformed())?);
        if id.0 == 0 || id.to_string() != text {
            return Err(malformed());
        }
        Ok(id)
    }

    pub fn key(self) -> String {
        format!("{:012}", self.0)
    }
}

impl fmt::Display for AllocationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AL-{:06}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backorder_numbers_round_trip_and_grow_past_four_digits() {
        let id = BackorderId { year: 2026, sequence: 15 };
        assert_eq!(id.to_string(), "BO-2026-0015");
        assert_eq!(BackorderId::parse("id", "BO-2026-0015").unwrap(), id);
        let big = BackorderId { year: 2026, sequence: 12345 };
        assert_eq!(big.to_string(), "BO-2026-12345");
        assert_eq!(BackorderId::parse("id", "BO-2026-12345").unwrap(), big);
        assert!(id.key() < big.key());
        assert_eq!(BackorderId::from_key(big.key().as_bytes()).unwrap(), big);
    }

    #[test]
    fn malformed_backorder_numbers_are_refused() {
        for text in ["", "BO-2026-15", "BO-2026-00015", "bo-2026-0015", "BO-26-0015", "BO-2026-0000", "BO-2026-00a1", "BO-2026-0015 "] {
            assert!(BackorderId::parse("backorder_id", text).is_err(), "{text}");
        }
    }

    #[test]
    fn allocation_ids_round_trip() {
        assert_eq!(AllocationId(7).to_string(), "AL-000007");
        assert_eq!(AllocationId::parse("allocation_id", "AL-000007").unwrap(), AllocationId(7));
        assert_eq!(AllocationId::parse("allocation_id", "AL-1234567").unwrap(), AllocationId(1_234_567));
        assert!(AllocationId::parse("allocation_id", "AL-0000007").is_err());
        assert!(AllocationId::parse("allocation_id", "AL-7").is_err());
        assert!(AllocationId::parse("allocation_id", "BO-2026-0001").is_err());
    }
}
