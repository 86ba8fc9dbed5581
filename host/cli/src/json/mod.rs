//! The JSON shape of results and errors, shared by the CLI's `--json` and
//! any other front end: snake_case keys and enum values, times as RFC 3339
//! UTC strings, absent options as `null` (every key is always present).

mod copy;
mod errors;
mod outbox;
mod summaries;
mod supply;
mod webhooks;

pub use copy::copy_report;
pub use errors::{error, error_reply, ErrorKind};
pub use outbox::{outbox_event, stock_adjustment, stock_level};
pub use summaries::{sku_summary, summary};
pub use supply::{allocation_run, expected_supply, expiry_result, promise_plan};
pub use webhooks::{failed_delivery, pruned, webhook_endpoint};

use serde_json::{json, Map, Value};

use backorders_host::{
    Allocation, Backorder, BackorderDetail, BackorderPage, Fulfillment, HistoryEntry, Timestamp,
};
use backorders_host::dates::{format_date, format_time};
use backorders_host::DateOrTime;
use backorders_host::json::BackorderJson;
use backorders_host::names::WireName;

pub(crate) fn time(timestamp: Timestamp) -> Value {
    Value::String(format_time(timestamp))
}

pub(crate) fn optional_time(timestamp: Option<Timestamp>) -> Value {
    timestamp.map_or(Value::Null, time)
}

/// A promised or expected date as it was given: `"2026-12-01"` for a day,
/// RFC 3339 for an instant.
pub(crate) fn date(date: DateOrTime) -> Value {
    Value::String(format_date(date))
}

pub(crate) fn optional_date(date: Option<DateOrTime>) -> Value {
    date.map_or(Value::Null, self::date)
}

pub(crate) fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => unreachable!("json! of an object literal gave {other}"),
    }
}

/// A backorder's fields (`backorders_host::json`, the one form every
/// reader shares), as a map so results can add their own keys.
pub fn backorder(backorder: &Backorder) -> Map<String, Value> {
    object(derived(&BackorderJson(backorder)))
}

/// A core type's derived JSON. Serializing plain data to a `Value` cannot
/// fail.
pub(crate) fn derived(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| unreachable!("plain data serializes: {error}"))
}

pub fn allocation(allocation: &Allocation) -> Value {
    json!({
        "allocation_id": allocation.allocation_id,
        "backorder_id": allocation.backorder_id,
        "sku": allocation.sku,
        "source": allocation.source.wire_name(),
        "source_ref": allocation.source_ref,
        "quantity": allocation.quantity,
        "quantity_consumed": allocation.quantity_consumed,
        "quantity_released": allocation.quantity_released,
        "location": allocation.location,
        "lot": allocation.lot,
        "status": allocation.status.wire_name(),
        "reservation_id": allocation.reservation_id,
        "expires_at": optional_time(allocation.expires_at),
        "created_at": time(allocation.created_at),
        "updated_at": time(allocation.updated_at),
    })
}

pub fn fulfillment(fulfillment: &Fulfillment) -> Value {
    json!({
        "sequence": fulfillment.sequence,
        "quantity": fulfillment.quantity,
        "quantity_from_allocations": fulfillment.quantity_from_allocations,
        "source": fulfillment.source.wire_name(),
        "source_ref": fulfillment.source_ref,
        "fulfilled_by": fulfillment.fulfilled_by,
        "notes": fulfillment.notes,
        "priority_override": fulfillment.priority_override,
        "fulfilled_at": time(fulfillment.fulfilled_at),
    })
}

pub fn history_entry(entry: &HistoryEntry) -> Value {
    json!({
        "at": time(entry.at),
        "action": entry.action.wire_name(),
        "status": entry.status.wire_name(),
        "quantity": entry.quantity,
        "allocation_id": entry.allocation_id,
        "priority_override": entry.priority_override,
        "detail": entry.detail,
    })
}

/// `show`: the backorder's fields with its allocations, fulfilments and
/// history.
pub fn detail(detail: &BackorderDetail) -> Value {
    let mut fields = backorder(&detail.backorder);
    fields.insert(
        "allocations".into(),
        detail.allocations.iter().map(allocation).collect(),
    );
    fields.insert(
        "fulfillments".into(),
        detail.fulfillments.iter().map(fulfillment).collect(),
    );
    fields.insert(
        "history".into(),
        detail.history.iter().map(history_entry).collect(),
    );
    Value::Object(fields)
}

pub fn page(page: &BackorderPage) -> Value {
    json!({
        "backorders": page.backorders.iter().map(|b| Value::Object(backorder(b))).collect::<Vec<_>>(),
        "next_cursor": page.next_cursor,
    })
}
/// A write's result: its fields plus `applied`.
pub fn write_result(mut fields: Map<String, Value>, applied: bool) -> Value {
    fields.insert("applied".into(), applied.into());
    Value::Object(fields)
}
