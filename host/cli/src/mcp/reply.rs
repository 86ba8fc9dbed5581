//! Tool results out: the JSON of `backorders --json` as the first text
//! block, a one-line summary for people as the second. Errors are tool
//! errors (`isError: true`) in the same two parts: `json::error`'s object
//! and the CLI's `error: …` line.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

use crate::json::{self, ErrorKind};
use crate::operations::{ArgumentError, Reply};
use backorders_host::{BackorderError, CallError};

/// What a preview says on top of its result, and how to apply instead.
pub const PREVIEW_HINT: &str = "preview: nothing was changed (the call ran and was rolled back); this server was started without --apply: restart it as `backorders mcp --apply` to apply writes";

/// A successful call: its JSON, then its summary line; a preview's
/// summary ends with the hint.
pub fn success(reply: Reply) -> CallToolResult {
    let summary = match reply.applied {
        Some(false) => format!("{} — {PREVIEW_HINT}", reply.summary),
        Some(true) | None => reply.summary,
    };
    CallToolResult::success(vec![
        ContentBlock::text(reply.value.to_string()),
        ContentBlock::text(summary),
    ])
}

/// A call the library refused or could not run: the CLI's message, on
/// one line, and `json::error`'s object.
pub fn call_error(error: &CallError) -> CallToolResult {
    let hint = match error {
        CallError::Domain(BackorderError::PriorityConflict(_)) => {
            "; set override_priority to go ahead"
        }
        _ => "",
    };
    failure(json::error(error), &format!("{error}{hint}"))
}

/// Arguments that could not be read: the same shape as an `invalid_input`
/// error of the component, naming the argument.
pub fn argument_error(error: &ArgumentError) -> CallToolResult {
    let kind = ErrorKind::InvalidInput { field: &error.field };
    failure(json::error_reply(kind, &error.message), &error.to_string())
}

/// The host broke while running the call (a panic, not a refusal).
pub fn internal_error(reason: &str) -> CallToolResult {
    let message = format!("internal error: {reason}; nothing was committed");
    failure(json::error_reply(ErrorKind::Internal, &message), &message)
}

fn failure(value: Value, message: &str) -> CallToolResult {
    // Messages from wasmtime or the component may span lines; the error
    // line stays one line, as in the CLI.
    let line = format!(
        "error: {}",
        message.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    eprintln!("backorders mcp: {line}");
    CallToolResult::error(vec![
        ContentBlock::text(value.to_string()),
        ContentBlock::text(line),
    ])
}
