//! The operations a step names: the entries of `crate::operations` (the
//! MCP tools and the reference host's stock commands), with their
//! parameters and their JSON results. One vocabulary for the CLI's
//! `--json`, MCP and scenarios.

use serde_json::{Map, Value};

use crate::operations::{self, ArgumentError, Operation};
use backorders_host::{Backorders, CallError, Mode};

/// A step's call, its arguments read: runs it and gives the JSON result.
pub(crate) type Call = Box<dyn FnOnce(&Backorders, Mode) -> Result<Value, CallError>>;

/// The operation called `name`.
pub(crate) fn find(name: &str) -> Option<&'static dyn Operation> {
    operations::find(name)
}

pub(crate) fn names() -> Vec<&'static str> {
    operations::ALL
        .iter()
        .map(|operation| operation.spec().name)
        .collect()
}

/// Reads `arguments` for the operation `operation`.
pub(crate) fn prepare(
    operation: &'static dyn Operation,
    arguments: Map<String, Value>,
) -> Result<Call, ArgumentError> {
    let arguments = operation.arguments(arguments)?;
    Ok(Box::new(move |backorders, mode| {
        operation
            .run(backorders, &arguments, mode)
            .map(|reply| reply.value)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("{other} is not an object"),
        }
    }

    fn error_of(name: &str, arguments: Value) -> ArgumentError {
        prepare(find(name).unwrap(), object(arguments))
            .err()
            .unwrap()
    }

    #[test]
    fn unknown_arguments_and_enum_values_are_refused_naming_the_field() {
        let error = error_of("stock_add", json!({"sku": "S", "qty": 1}));
        assert_eq!(error.field, "qty");
        let arguments = json!({"order_id": "O", "customer_id": "C", "sku": "S", "quantity": 1, "priority": "urgent"});
        assert_eq!(error_of("create_backorder", arguments).field, "priority");
    }
}
