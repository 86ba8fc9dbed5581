//! The stored form of every value the component writes: one byte, the
//! format version of the value's layout, then the body in that layout.
//! Every write goes through `encode` (records, counters) or `MARKER` and
//! `NeedValue::encode` (index entries); every read through `decode` or
//! `open`, which dispatch on the version byte. A version this build does
//! not read (a newer build wrote it) is refused with
//! `StorageError::UnknownFormat`, never guessed at.
//!
//! ## Version 1, and stores written by 0.1.0
//! Version 1 of every layout is, byte for byte, the value the 0.1.0
//! component wrote, which had no version byte: postcard for records,
//! history lines, fulfilments, expected supply, remembered requests and
//! counters; decimal text for `need` index values; nothing for the other
//! index entries. So a host migrates a store written by 0.1.0 by prefixing
//! every value with the byte 0x01, once, before a 0.2.0 component runs
//! against it (see `wit/store.wit`). Bytes nested inside a value (a
//! remembered request's fingerprint and result) are bodies, not values:
//! they carry no version byte of their own; the outer value's version
//! covers them.
//!
//! ## Evolving a layout
//! To add a field to `BackorderRecord`: copy today's struct, frozen, as
//! `BackorderRecordV1` (same fields in the same order, serde derives); add
//! the field to `BackorderRecord`; set its `Versioned::VERSION` to 2; and in
//! its `decode_older`, decode a version 1 body as `BackorderRecordV1` and
//! convert it to the current struct. New saves write version 2; version 1
//! values keep being read until they are rewritten. The test
//! `an_older_layout_is_read_through_its_frozen_struct` shows the pattern.

use super::error::{DomainError, DomainResult, StorageError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The first format version: the 0.1.0 layouts.
pub const V1: u8 = 1;

/// An index entry that carries nothing but its key.
pub const MARKER: [u8; 1] = [V1];

/// A kind of stored value, with the newest layout version this build writes.
pub trait Versioned: Serialize + DeserializeOwned {
    /// The version `encode` writes and the newest `decode` reads.
    const VERSION: u8 = V1;

    /// Decodes a body written in `version`, older than `VERSION`: through
    /// that version's frozen struct, converted to the current one. Only a
    /// type whose `VERSION` is past 1 has older versions to read.
    fn decode_older(what: &str, version: u8, _body: &[u8]) -> DomainResult<Self> {
        Err(no_reader(what, version))
    }
}

/// The value's version byte, then its body.
pub fn encode<T: Versioned>(value: &T) -> Vec<u8> {
    // One postcard serializer flavour for bodies and values alike: a second
    // one would duplicate every `Serialize` impl in the component.
    let mut bytes = encode_body(value);
    bytes.insert(0, T::VERSION);
    bytes
}

/// Reads a value written by `encode`, in any version this build knows.
pub fn decode<T: Versioned>(what: &str, bytes: &[u8]) -> DomainResult<T> {
    let (version, body) = open(what, bytes, T::VERSION)?;
    if version == T::VERSION {
        decode_body(what, body)
    } else {
        T::decode_older(what, version, body)
    }
}

/// Splits a stored value into its version and body, refusing a version
/// past `newest` (or 0, which no build writes).
pub fn open<'b>(what: &str, bytes: &'b [u8], newest: u8) -> DomainResult<(u8, &'b [u8])> {
    match bytes.split_first() {
        Some((&version, body)) if (V1..=newest).contains(&version) => Ok((version, body)),
        Some((&version, _)) => Err(DomainError::Storage(StorageError::UnknownFormat { value: what.to_string(), version, newest })),
        None => Err(DomainError::corrupt(format!("{what}: an empty value has no format version"))),
    }
}

/// A body alone, for bytes nested inside a value (see the module doc).
pub fn encode_body<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("domain records always serialize")
}

pub fn decode_body<T: DeserializeOwned>(what: &str, body: &[u8]) -> DomainResult<T> {
    postcard::from_bytes(body).map_err(|e| unreadable(what, e))
}

/// The error paths stay out of line: `decode` is instantiated once per
/// kind of value, and the component's size counts.
#[inline(never)]
fn unreadable(what: &str, error: postcard::Error) -> DomainError {
    DomainError::corrupt(format!("{what}: {error}"))
}

#[inline(never)]
pub fn no_reader(what: &str, version: u8) -> DomainError {
    DomainError::corrupt(format!("{what}: no reader for format version {version}"))
}

/// A fresh `MARKER` value.
#[inline(never)]
pub fn marker() -> Vec<u8> {
    MARKER.to_vec()
}

impl Versioned for u64 {}
impl Versioned for super::model::Totals {}
impl Versioned for super::model::Fulfillment {}
impl Versioned for super::model::HistoryEntry {}
impl Versioned for super::model::Settings {}

/// Version 2 (issue 16) of the values that hold promised or expected
/// dates: a date is kept as given, a day or an instant. Version 1 held
/// instants only, and its bodies are version 2 bodies that hold no day
/// (`DateOrTime` is stored as one integer: an instant as itself, never
/// negative, a day as a negative number), so a version 1 value reads as
/// it was written, its dates as the instants they were. The version byte
/// keeps a build that knows only version 1 from reading a day as a 1969
/// instant.
macro_rules! dated_version_2 {
    ($($value:ty),+) => {$(
        impl Versioned for $value {
            const VERSION: u8 = 2;

            fn decode_older(what: &str, version: u8, body: &[u8]) -> DomainResult<Self> {
                match version {
                    V1 => decode_body(what, body),
                    _ => Err(no_reader(what, version)),
                }
            }
        }
    )+};
}

dated_version_2!(super::record::BackorderRecord, super::model::ExpectedSupply);

/// Version 2 (issue 16) of allocations: one on supply not yet received is
/// `claimed` (the status is the enum's last case, so the layout is
/// otherwise the same). Version 1 called it `reserved`, with no
/// reservation behind it; it reads as `claimed`.
impl Versioned for super::model::Allocation {
    const VERSION: u8 = 2;

    fn decode_older(what: &str, version: u8, body: &[u8]) -> DomainResult<Self> {
        match version {
            V1 => decode_body(what, body).map(super::model::Allocation::claimed_if_unreceived),
            _ => Err(no_reader(what, version)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{ClosedBy, DateOrTime, Priority};
    use crate::domain::record::BackorderRecord;
    use serde::Deserialize;

    /// A backorder record exactly as the 0.1.0 component stored it
    /// (postcard, no prefix), with 0x01 in front as the host's migration
    /// puts it.
    const BACKORDER_V1: &[u8] = &[
        0x01, // format version 1; the postcard body of 0.1.0 follows
        0xea, 0x0f, // year: 2026 (varint)
        0x0f, // sequence: 15
        0x04, b'O', b'-', b'4', b'2', // order_id: "O-42"
        0x01, 0x02, b'L', b'1', // order_line_id: Some("L1")
        0x03, b'C', b'-', b'7', // customer_id: "C-7"
        0x03, b'S', b'K', b'U', // sku: "SKU"
        0x02, // priority: high (variant 2)
        0x64, 0x28, 0x14, 0x3c, 0x00, // ordered 100, allocated 40, confirmed 20, fulfilled 60, cancelled 0
        0x00, // expected_date: None
        0x01, 0x80, 0xc0, 0xe2, 0x85, 0xe3, 0x68, // promised_date: Some(1_800_000_000_000), zigzag varint
        0x01, 0x02, b'W', b'2', // location: Some("W2")
        0x00, // notes: None
        0x80, 0x90, 0xb7, 0xd2, 0xc2, 0x68, // created_at: 1_795_651_200_000
        0x80, 0x80, 0xea, 0xa4, 0xc3, 0x68, // updated_at: 1_795_737_600_000
        0x03, // version: 3
        0x01, 0x00, // closed_by: Some(Fulfilment)
        0x02, // fulfillment_count: 2
        0x05, // history_count: 5
    ];

    fn expected_backorder() -> BackorderRecord {
        BackorderRecord {
            year: 2026,
            sequence: 15,
            order_id: "O-42".into(),
            order_line_id: Some("L1".into()),
            customer_id: "C-7".into(),
            sku: "SKU".into(),
            priority: Priority::High,
            quantity_ordered: 100,
            quantity_allocated: 40,
            quantity_confirmed: 20,
            quantity_fulfilled: 60,
            quantity_cancelled: 0,
            expected_date: None,
            promised_date: Some(DateOrTime::Time(1_800_000_000_000)),
            location: Some("W2".into()),
            notes: None,
            created_at: 1_795_651_200_000,
            updated_at: 1_795_737_600_000,
            version: 3,
            closed_by: Some(ClosedBy::Fulfilment),
            fulfillment_count: 2,
            history_count: 5,
        }
    }

    #[test]
    fn a_version_1_backorder_record_decodes_to_the_record() {
        let decoded: BackorderRecord = decode("backorder", BACKORDER_V1).unwrap();
        assert_eq!(decoded, expected_backorder(), "a version 1 date reads as the instant it was");
        let v2 = encode(&decoded);
        assert_eq!(v2[0], 2, "this build writes version 2");
        assert_eq!(decode::<BackorderRecord>("backorder", &v2).unwrap(), decoded);
        let mut as_a_day = decoded.clone();
        as_a_day.promised_date = Some(DateOrTime::Date(20_833));
        assert_eq!(decode::<BackorderRecord>("backorder", &encode(&as_a_day)).unwrap(), as_a_day);
    }

    #[test]
    fn an_unknown_format_version_is_refused_by_name() {
        let mut bytes = BACKORDER_V1.to_vec();
        bytes[0] = 0x7f;
        let err = decode::<BackorderRecord>("backorder", &bytes).unwrap_err();
        let expected = StorageError::UnknownFormat { value: "backorder".into(), version: 0x7f, newest: 2 };
        assert_eq!(err, DomainError::Storage(expected));
        assert_eq!(err.to_string(), "storage: backorder stored in format version 127; this build reads up to 2");
        assert!(matches!(decode::<u64>("counter", &[0x00, 0x05]).unwrap_err(), DomainError::Storage(_)));
        assert!(decode::<u64>("counter", &[]).is_err());
    }

    #[test]
    fn a_version_1_allocation_on_supply_not_received_reads_as_claimed() {
        use crate::domain::model::{Allocation, AllocationStatus, SourceKind};
        let stored_v1 = |allocation: &Allocation| {
            let mut bytes = encode_body(allocation);
            bytes.insert(0, V1);
            decode::<Allocation>("allocation", &bytes).unwrap()
        };
        let claim = Allocation {
            allocation_id: "AL-000004".into(),
            backorder_id: "BO-2026-0008".into(),
            sku: "PUMP".into(),
            source: SourceKind::PurchaseOrder,
            source_ref: Some("PO-77".into()),
            quantity: 5,
            quantity_consumed: 0,
            quantity_released: 0,
            location: None,
            lot: None,
            status: AllocationStatus::Reserved,
            reservation_id: None,
            expires_at: None,
            created_at: 1_795_651_200_000,
            updated_at: 1_795_651_200_000,
        };
        assert_eq!(stored_v1(&claim), Allocation { status: AllocationStatus::Claimed, ..claim.clone() });
        // Received (a reservation behind it) or from stock: still reserved.
        let received = Allocation { reservation_id: Some("RS-6".into()), ..claim.clone() };
        assert_eq!(stored_v1(&received), received);
        let released = Allocation { status: AllocationStatus::Released, quantity_released: 5, ..claim.clone() };
        assert_eq!(stored_v1(&released), released);
        let claimed = Allocation { status: AllocationStatus::Claimed, ..claim };
        let v2 = encode(&claimed);
        assert_eq!(v2[0], 2, "this build writes allocations in version 2");
        assert_eq!(decode::<Allocation>("allocation", &v2).unwrap(), claimed);
    }

    /// The layout of a test-only value before it grew a field.
    #[derive(Serialize, Deserialize)]
    struct ThingV1 {
        units: u64,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        units: u64,
        label: Option<String>,
    }

    impl Versioned for Thing {
        const VERSION: u8 = 2;

        fn decode_older(what: &str, version: u8, body: &[u8]) -> DomainResult<Self> {
            match version {
                1 => decode_body::<ThingV1>(what, body).map(|v1| Thing { units: v1.units, label: None }),
                _ => Err(no_reader(what, version)),
            }
        }
    }

    #[test]
    fn an_older_layout_is_read_through_its_frozen_struct() {
        let mut v1 = encode_body(&ThingV1 { units: 7 });
        v1.insert(0, 1);
        assert_eq!(decode::<Thing>("thing", &v1).unwrap(), Thing { units: 7, label: None });
        let current = Thing { units: 8, label: Some("x".into()) };
        let v2 = encode(&current);
        assert_eq!(v2[0], 2);
        assert_eq!(decode::<Thing>("thing", &v2).unwrap(), current);
        let v3 = [3u8, 0];
        let expected = StorageError::UnknownFormat { value: "thing".into(), version: 3, newest: 2 };
        assert_eq!(decode::<Thing>("thing", &v3).unwrap_err(), DomainError::Storage(expected));
    }
}
