//! Host-only data: stock levels and stored events.

use serde_json::{json, Map, Value};

use super::{object, time};
use backorders_host::Event;
use backorders_host::names::WireName;
use backorders_host::{OutboxEvent, StockLevel};

pub fn stock_level(level: &StockLevel) -> Map<String, Value> {
    object(json!({
        "sku": level.sku,
        "location": level.location,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "available": level.available(),
    }))
}

fn event_fields(event: &Event) -> Map<String, Value> {
    object(json!({
        "kind": event.kind.wire_name(),
        "at": time(event.at),
        "backorder_id": event.backorder_id,
        "sku": event.sku,
        "allocation_id": event.allocation_id,
        "quantity": event.quantity,
        "status": event.status.wire_name(),
    }))
}

pub fn outbox_event(stored: &OutboxEvent) -> Value {
    let mut fields = Map::new();
    fields.insert("seq".into(), stored.seq.into());
    fields.extend(event_fields(&stored.event));
    fields.insert("recorded_at".into(), time(stored.recorded_at));
    Value::Object(fields)
}
