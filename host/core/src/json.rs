//! The JSON form of a backorder, declared once for every reader: the CLI's
//! `--json`, MCP replies, the event outbox (a stored event keeps the
//! backorder as it was after the change) and webhook bodies. snake_case
//! keys, enum cases by wire name, times in RFC 3339 UTC, a promised or
//! expected date as it was given, absent options as `null`.
//!
//! It reads back too: a provider that stores the JSON (the SQLite outbox)
//! gets the same `Backorder` out, and a stored value that is not one is an
//! error, never a default.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::bindings::{Backorder, BackorderStatus, DateOrTime, Priority, Timestamp};
use crate::dates::{deserialize_time, format_date, parse_date, serialize_time};
use crate::names::{deserialize_wire_name, serialize_wire_name};

/// `serde`'s derive for the generated `Backorder`, which can carry no
/// serde attributes of its own. Field order is the JSON's key order.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Backorder", deny_unknown_fields)]
struct BackorderFields {
    backorder_id: String,
    order_id: String,
    order_line_id: Option<String>,
    customer_id: String,
    sku: String,
    #[serde(serialize_with = "serialize_wire_name", deserialize_with = "deserialize_wire_name")]
    priority: Priority,
    #[serde(serialize_with = "serialize_wire_name", deserialize_with = "deserialize_wire_name")]
    status: BackorderStatus,
    quantity_ordered: u64,
    quantity_allocated: u64,
    quantity_confirmed: u64,
    quantity_fulfilled: u64,
    quantity_cancelled: u64,
    quantity_remaining: u64,
    #[serde(with = "optional_date")]
    expected_date: Option<DateOrTime>,
    #[serde(with = "optional_date")]
    promised_date: Option<DateOrTime>,
    location: Option<String>,
    notes: Option<String>,
    #[serde(serialize_with = "serialize_time", deserialize_with = "deserialize_time")]
    created_at: Timestamp,
    #[serde(serialize_with = "serialize_time", deserialize_with = "deserialize_time")]
    updated_at: Timestamp,
    version: u64,
    at_risk: bool,
}

/// A backorder serialized in its JSON form.
pub struct BackorderJson<'a>(pub &'a Backorder);

impl Serialize for BackorderJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        BackorderFields::serialize(self.0, serializer)
    }
}

/// The JSON form of `backorder` as text.
pub fn backorder_to_string(backorder: &Backorder) -> String {
    serde_json::to_string(&BackorderJson(backorder))
        .unwrap_or_else(|error| unreachable!("plain data serializes: {error}"))
}

/// A backorder from its JSON form; anything else is refused with what is
/// wrong.
pub fn backorder_from_str(text: &str) -> Result<Backorder, serde_json::Error> {
    BackorderFields::deserialize(&mut serde_json::Deserializer::from_str(text))
}

/// For a serde derive of a type holding an optional backorder: `null` or
/// the JSON form.
pub fn serialize_optional_backorder<S: Serializer>(
    backorder: &Option<Backorder>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    backorder.as_ref().map(BackorderJson).serialize(serializer)
}

mod optional_date {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<DateOrTime>, serializer: S) -> Result<S::Ok, S::Error> {
        date.map(format_date).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateOrTime>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| parse_date("date", &text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backorder() -> Backorder {
        Backorder {
            backorder_id: "BO-2026-0001".into(),
            order_id: "O-1001".into(),
            order_line_id: None,
            customer_id: "C-42".into(),
            sku: "WIDGET-001".into(),
            priority: Priority::High,
            status: BackorderStatus::PartiallyFulfilled,
            quantity_ordered: 100,
            quantity_allocated: 10,
            quantity_confirmed: 0,
            quantity_fulfilled: 60,
            quantity_cancelled: 0,
            quantity_remaining: 40,
            expected_date: Some(DateOrTime::Date(20_423)),
            promised_date: Some(DateOrTime::Time(1_764_581_400_250)),
            location: Some("EAST".into()),
            notes: None,
            created_at: 1_764_320_400_000,
            updated_at: 1_764_579_600_000,
            version: 3,
            at_risk: true,
        }
    }

    #[test]
    fn a_backorder_has_one_json_form_and_reads_back_from_it() {
        let text = backorder_to_string(&backorder());
        assert_eq!(
            text,
            concat!(
                r#"{"backorder_id":"BO-2026-0001","order_id":"O-1001","order_line_id":null,"customer_id":"C-42","#,
                r#""sku":"WIDGET-001","priority":"high","status":"partially_fulfilled","quantity_ordered":100,"#,
                r#""quantity_allocated":10,"quantity_confirmed":0,"quantity_fulfilled":60,"quantity_cancelled":0,"#,
                r#""quantity_remaining":40,"expected_date":"2025-12-01","promised_date":"2025-12-01T09:30:00.250Z","#,
                r#""location":"EAST","notes":null,"created_at":"2025-11-28T09:00:00Z","#,
                r#""updated_at":"2025-12-01T09:00:00Z","version":3,"at_risk":true}"#
            )
        );
        assert_eq!(backorder_from_str(&text).unwrap(), backorder());
    }

    #[test]
    fn a_stored_form_with_an_unknown_case_or_field_is_refused() {
        let text = backorder_to_string(&backorder());
        let error = backorder_from_str(&text.replace(r#""high""#, r#""urgent""#)).unwrap_err();
        assert!(error.to_string().contains("`urgent` is not a priority"), "{error}");
        let error = backorder_from_str(&text.replace(r#""version""#, r#""revision""#)).unwrap_err();
        assert!(error.to_string().contains("revision"), "{error}");
    }
}
