//! Host-only data: stock levels and stored events. Their shapes come from
//! the serde derives on the core types.

use serde::Serialize;
use serde_json::{Map, Value};

use super::object;
use backorders_host::{OutboxEvent, StockLevel};

/// A core type's derived JSON. Serializing plain data to a `Value` cannot
/// fail.
fn derived(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| unreachable!("plain data serializes: {error}"))
}

/// `sku`, `location`, `on_hand`, `reserved` and `available`.
pub fn stock_level(level: &StockLevel) -> Map<String, Value> {
    object(derived(&level.report()))
}

/// `seq`, the event's fields, and `recorded_at`.
pub fn outbox_event(stored: &OutboxEvent) -> Value {
    derived(stored)
}
