//! Errors as `{"error": {...}}`.

use serde_json::{json, Map, Value};

use super::object;
use backorders_host::BackorderError;
use backorders_host::names::record_status;
use backorders_host::{CallError, HostError};

/// `{"error": {"kind": …, "message": …, <the case's fields>}}`.
pub fn error(error: &CallError) -> Value {
    let mut fields = match error {
        CallError::Domain(domain) => domain_error_fields(domain),
        CallError::Host(host) => host_error_fields(host),
    };
    fields.insert("message".into(), error_message(error).into());
    json!({ "error": fields })
}

/// The message without the kind that `Display` puts in front of it.
fn error_message(error: &CallError) -> String {
    match error {
        CallError::Domain(BackorderError::InvalidInput(field)) => field.message.clone(),
        CallError::Domain(BackorderError::InvalidState(state)) => state.message.clone(),
        CallError::Host(HostError::InvalidInput { message, .. }) => message.clone(),
        other => other.to_string(),
    }
}

fn domain_error_fields(error: &BackorderError) -> Map<String, Value> {
    object(match error {
        BackorderError::InvalidInput(field) => {
            json!({"kind": "invalid_input", "field": field.field})
        }
        BackorderError::NotFound(id) => json!({"kind": "not_found", "id": id}),
        BackorderError::Conflict(version) => {
            json!({"kind": "conflict", "current_version": version})
        }
        BackorderError::InvalidState(state) => {
            let (record, status) = record_status(state.status);
            json!({"kind": "invalid_state", "id": state.id, "record": record, "status": status})
        }
        BackorderError::PriorityConflict(blocking) => {
            json!({"kind": "priority_conflict", "blocking_backorder_id": blocking})
        }
        BackorderError::InsufficientStock(available) => {
            json!({"kind": "insufficient_stock", "available": available})
        }
        BackorderError::Storage(_) => json!({"kind": "storage"}),
        BackorderError::Other(_) => json!({"kind": "other"}),
    })
}

fn host_error_fields(error: &HostError) -> Map<String, Value> {
    object(match error {
        HostError::InvalidInput { field, .. } => json!({"kind": "invalid_input", "field": field}),
        HostError::OpenDatabase { path, .. } => {
            json!({"kind": "open_database", "path": path.display().to_string()})
        }
        HostError::ForeignDatabase {
            path,
            application_id,
        } => {
            json!({"kind": "foreign_database", "path": path.display().to_string(), "application_id": application_id})
        }
        HostError::UnsupportedSchema {
            path,
            found,
            supported,
        } => json!({
            "kind": "unsupported_schema", "path": path.display().to_string(), "found": found, "supported": supported,
        }),
        HostError::Storage { operation, .. } => {
            json!({"kind": "storage_unavailable", "operation": operation})
        }
        HostError::CorruptRow { table, column, .. } => {
            json!({"kind": "corrupt_row", "table": table, "column": column})
        }
        HostError::ReadComponent { path, .. } => {
            json!({"kind": "read_component", "path": path.display().to_string()})
        }
        HostError::LoadComponent { .. } => json!({"kind": "load_component"}),
        HostError::IncompatibleComponent {
            exports,
            imports,
            expected,
            accepted,
        } => json!({
            "kind": "incompatible_component", "exports": exports, "imports": imports,
            "expected": expected, "accepted": accepted,
        }),
        HostError::Trap { export, .. } => json!({"kind": "trap", "export": export}),
        HostError::LimitExceeded { export, limit, .. } => {
            json!({"kind": "limit_exceeded", "limit": limit.name(), "export": export})
        }
        HostError::ContractViolation { import, .. } => {
            json!({"kind": "contract_violation", "import": import})
        }
        HostError::StockBelowReserved {
            sku,
            location,
            on_hand,
            reserved,
        } => json!({
            "kind": "stock_below_reserved", "sku": sku, "location": location,
            "on_hand": on_hand, "reserved": reserved,
        }),
        HostError::StockOverflow {
            sku,
            location,
            on_hand,
            quantity,
        } => json!({
            "kind": "stock_overflow", "sku": sku, "location": location,
            "on_hand": on_hand, "quantity": quantity,
        }),
    })
}
