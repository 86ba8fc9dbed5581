//! Errors as `{"error": {"kind": …, <the case's fields>, "message": …}}`,
//! from one serde-derived type for every front end's errors: the library's
//! (`error`), the MCP server's bad arguments and internal failures
//! (`error_reply`).

use serde::Serialize;
use serde_json::Value;
use std::path::Path;

use backorders_host::BackorderError;
use backorders_host::names::record_status;
use backorders_host::{CallError, HostError};

/// `{"error": {"kind": …, <the case's fields>, "message": …}}`.
#[derive(Serialize)]
struct ErrorReply<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(flatten)]
    kind: ErrorKind<'a>,
    message: &'a str,
}

/// Each kind of error with the fields a caller acts on; `kind` is its
/// snake_case name.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorKind<'a> {
    InvalidInput {
        field: &'a str,
    },
    NotFound {
        id: &'a str,
    },
    Conflict {
        current_version: &'a u64,
    },
    InvalidState {
        id: &'a str,
        record: &'static str,
        status: &'static str,
    },
    PriorityConflict {
        blocking_backorder_id: &'a str,
    },
    InsufficientStock {
        available: &'a u64,
    },
    Storage,
    Other,
    OpenDatabase {
        path: String,
    },
    ForeignDatabase {
        path: String,
        application_id: &'a i32,
    },
    UnsupportedSchema {
        path: String,
        found: &'a i32,
        supported: &'a i32,
    },
    StorageUnavailable {
        operation: &'a str,
    },
    CorruptRow {
        table: &'a str,
        column: &'a str,
    },
    ReadComponent {
        path: String,
    },
    LoadComponent,
    IncompatibleComponent {
        exports: &'a Vec<String>,
        imports: &'a Vec<String>,
        expected: &'a String,
        accepted: &'a String,
    },
    Trap {
        export: &'a str,
    },
    LimitExceeded {
        limit: &'static str,
        export: &'a str,
    },
    ContractViolation {
        import: &'a str,
    },
    StockBelowReserved {
        sku: &'a str,
        location: &'a Option<String>,
        on_hand: &'a u64,
        reserved: &'a u64,
    },
    StockOverflow {
        sku: &'a str,
        location: &'a Option<String>,
        on_hand: &'a u64,
        quantity: &'a u64,
    },
    /// The front end itself broke while running a call.
    Internal,
    /// The command line could not be read (for `cli::output`'s usage
    /// errors).
    Usage,
}

/// The error of a call the library refused or could not run.
pub fn error(error: &CallError) -> Value {
    let kind = match error {
        CallError::Domain(domain) => domain_error_kind(domain),
        CallError::Host(host) => host_error_kind(host),
    };
    error_reply(kind, &error_message(error))
}

/// `{"error": {"kind": …, <kind's fields>, "message": message}}`.
pub fn error_reply(kind: ErrorKind<'_>, message: &str) -> Value {
    let reply = ErrorReply {
        error: ErrorBody { kind, message },
    };
    serde_json::to_value(reply).expect("an error reply is plain JSON")
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

fn domain_error_kind(error: &BackorderError) -> ErrorKind<'_> {
    match error {
        BackorderError::InvalidInput(field) => ErrorKind::InvalidInput { field: &field.field },
        BackorderError::NotFound(id) => ErrorKind::NotFound { id },
        BackorderError::Conflict(version) => ErrorKind::Conflict { current_version: version },
        BackorderError::InvalidState(state) => {
            let (record, status) = record_status(state.status);
            ErrorKind::InvalidState { id: &state.id, record, status }
        }
        BackorderError::PriorityConflict(blocking) => ErrorKind::PriorityConflict {
            blocking_backorder_id: blocking,
        },
        BackorderError::InsufficientStock(available) => ErrorKind::InsufficientStock { available },
        BackorderError::Storage(_) => ErrorKind::Storage,
        BackorderError::Other(_) => ErrorKind::Other,
    }
}

fn host_error_kind(error: &HostError) -> ErrorKind<'_> {
    match error {
        HostError::InvalidInput { field, .. } => ErrorKind::InvalidInput { field },
        HostError::OpenDatabase { path, .. } => ErrorKind::OpenDatabase { path: shown(path) },
        HostError::ForeignDatabase { path, application_id } => {
            ErrorKind::ForeignDatabase { path: shown(path), application_id }
        }
        HostError::UnsupportedSchema { path, found, supported } => {
            ErrorKind::UnsupportedSchema { path: shown(path), found, supported }
        }
        HostError::Storage { operation, .. } | HostError::Conflict { operation, .. } => {
            ErrorKind::StorageUnavailable { operation }
        }
        HostError::Unavailable { .. } => ErrorKind::StorageUnavailable { operation: "connect" },
        HostError::CorruptRow { table, column, .. } => ErrorKind::CorruptRow { table, column },
        HostError::ReadComponent { path, .. } => ErrorKind::ReadComponent { path: shown(path) },
        HostError::LoadComponent { .. } => ErrorKind::LoadComponent,
        HostError::IncompatibleComponent { exports, imports, expected, accepted } => {
            ErrorKind::IncompatibleComponent { exports, imports, expected, accepted }
        }
        HostError::Trap { export, .. } => ErrorKind::Trap { export },
        HostError::LimitExceeded { export, limit, .. } => {
            ErrorKind::LimitExceeded { limit: limit.name(), export }
        }
        HostError::ContractViolation { import, .. } => ErrorKind::ContractViolation { import },
        HostError::StockBelowReserved { sku, location, on_hand, reserved } => {
            ErrorKind::StockBelowReserved { sku, location, on_hand, reserved }
        }
        HostError::StockOverflow { sku, location, on_hand, quantity } => {
            ErrorKind::StockOverflow { sku, location, on_hand, quantity }
        }
    }
}

/// A path as people read it (lossy where it is not UTF-8).
fn shown(path: &Path) -> String {
    path.display().to_string()
}
