//! Stock and stored events. The host-only shapes (stock levels, stored
//! events) come from the serde derives on the core types.

use serde_json::{json, Map, Value};

use super::{derived, object};
use backorders_host::names::WireName;
use backorders_host::{OutboxEvent, StockAdjustment, StockLevel};

/// `sku`, `location`, `on_hand`, `reserved` and `available`.
pub fn stock_level(level: &StockLevel) -> Map<String, Value> {
    object(derived(&level.report()))
}

/// `seq`, the event's fields, and `recorded_at`.
pub fn outbox_event(stored: &OutboxEvent) -> Value {
    derived(stored)
}

/// A stock count or correction: the level after it (`sku`, `location`,
/// `on_hand`, `reserved`, `available`, as `stock_level`), `on_hand_before`,
/// and `released`: who lost reserved units, in the order they lost them.
pub fn stock_adjustment(adjustment: &StockAdjustment) -> Map<String, Value> {
    let mut fields = stock_level(&adjustment.level());
    fields.insert("on_hand_before".into(), adjustment.on_hand_before.into());
    let released = adjustment.released.iter().map(|loss| {
        json!({
            "backorder_id": loss.backorder_id,
            "priority": loss.priority.wire_name(),
            "allocation_id": loss.allocation_id,
            "quantity": loss.quantity,
            "status": loss.status.wire_name(),
        })
    });
    fields.insert("released".into(), Value::Array(released.collect()));
    fields
}
