//! The operations a step names: the MCP tools, with their parameters and
//! their JSON results (`crate::mcp`), and the reference host's stock
//! commands. One vocabulary for the CLI's `--json`, MCP and scenarios.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::mcp::arguments::{parse, ArgumentError};
use crate::mcp::convert::{CheckIntegrity, Confirm, Operation, OverallSummary, Release};
use crate::mcp::params::{
    AllocateAvailable, AllocateBackorder, CancelBackorder, CreateBackorder, ExpectSupply,
    ExpireAllocations, ExtendAllocation, FulfillBackorder, GetBackorder, ListBackorders,
    ListExpectedSupply, Receive, SkuSummary, UpdateBackorder,
};
use crate::json;
use backorders_host::{Backorders, CallError, Mode};

/// A step's call, its arguments read: runs it and gives the JSON result.
pub(crate) type Call = Box<dyn FnOnce(&mut Backorders, Mode) -> Result<Value, CallError>>;

/// Whether an operation may change the database (and so may be previewed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

/// Every operation a step may name.
pub(crate) const OPERATIONS: &[(&str, Access)] = &[
    ("create_backorder", Access::Write),
    ("get_backorder", Access::Read),
    ("list_backorders", Access::Read),
    ("update_backorder", Access::Write),
    ("allocate_backorder", Access::Write),
    ("confirm_allocation", Access::Write),
    ("release_allocation", Access::Write),
    ("extend_allocation", Access::Write),
    ("fulfill_backorder", Access::Write),
    ("cancel_backorder", Access::Write),
    ("receive", Access::Write),
    ("allocate_available", Access::Write),
    ("expire_allocations", Access::Write),
    ("expect_supply", Access::Write),
    ("list_expected_supply", Access::Read),
    ("get_backorder_summary", Access::Read),
    ("get_sku_backorder_summary", Access::Read),
    ("check_integrity", Access::Read),
    ("stock_add", Access::Write),
    ("stock_set", Access::Write),
];

/// The operation called `name`, by its static name.
pub(crate) fn find(name: &str) -> Option<(&'static str, Access)> {
    OPERATIONS.iter().copied().find(|(known, _)| *known == name)
}

pub(crate) fn names() -> Vec<&'static str> {
    OPERATIONS.iter().map(|(name, _)| *name).collect()
}

/// Reads `arguments` for the operation `name` (one of `OPERATIONS`).
pub(crate) fn prepare(name: &str, arguments: Map<String, Value>) -> Result<Call, ArgumentError> {
    match name {
        "create_backorder" => tool::<CreateBackorder>(arguments),
        "get_backorder" => tool::<GetBackorder>(arguments),
        "list_backorders" => tool::<ListBackorders>(arguments),
        "update_backorder" => tool::<UpdateBackorder>(arguments),
        "allocate_backorder" => tool::<AllocateBackorder>(arguments),
        "confirm_allocation" => parse(arguments).map(|change| boxed(Confirm(change))),
        "release_allocation" => parse(arguments).map(|change| boxed(Release(change))),
        "extend_allocation" => tool::<ExtendAllocation>(arguments),
        "fulfill_backorder" => tool::<FulfillBackorder>(arguments),
        "cancel_backorder" => tool::<CancelBackorder>(arguments),
        "receive" => tool::<Receive>(arguments),
        "allocate_available" => tool::<AllocateAvailable>(arguments),
        "expire_allocations" => tool::<ExpireAllocations>(arguments),
        "expect_supply" => tool::<ExpectSupply>(arguments),
        "list_expected_supply" => tool::<ListExpectedSupply>(arguments),
        "get_backorder_summary" => parse(arguments).map(|none| boxed(OverallSummary(none))),
        "get_sku_backorder_summary" => tool::<SkuSummary>(arguments),
        "check_integrity" => parse(arguments).map(|none| boxed(CheckIntegrity(none))),
        "stock_add" => parse(arguments).map(|change| stock(change, Stock::Add)),
        "stock_set" => parse(arguments).map(|change| stock(change, Stock::Set)),
        other => Err(ArgumentError {
            field: "op".into(),
            message: format!("unknown operation `{other}`"),
        }),
    }
}

fn tool<O: Operation + DeserializeOwned>(
    arguments: Map<String, Value>,
) -> Result<Call, ArgumentError> {
    parse::<O>(arguments).map(boxed)
}

fn boxed(operation: impl Operation) -> Call {
    Box::new(move |backorders, mode| operation.run(backorders, mode).map(|reply| reply.value))
}

/// `stock_add` and `stock_set`: what `backorders stock add|set` takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StockChange {
    sku: String,
    location: Option<String>,
    quantity: u64,
}

#[derive(Clone, Copy)]
enum Stock {
    Add,
    Set,
}

fn stock(change: StockChange, kind: Stock) -> Call {
    Box::new(move |backorders, mode| {
        let location = change.location.as_deref();
        let outcome = match kind {
            Stock::Add => backorders.stock_add(&change.sku, location, change.quantity, mode),
            Stock::Set => backorders.stock_set(&change.sku, location, change.quantity, mode),
        }?;
        Ok(json::write_result(
            json::stock_level(&outcome.value),
            outcome.applied,
        ))
    })
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

    #[test]
    fn every_listed_operation_reads_its_arguments() {
        for (name, _) in OPERATIONS {
            if let Err(error) = prepare(name, Map::new()) {
                assert_ne!(error.field, "op", "{name} is listed but not prepared");
            }
        }
    }

    #[test]
    fn unknown_arguments_and_enum_values_are_refused_naming_the_field() {
        let error = prepare("stock_add", object(json!({"sku": "S", "qty": 1})))
            .err()
            .unwrap();
        assert_eq!(error.field, "qty");
        let arguments = json!({"order_id": "O", "customer_id": "C", "sku": "S", "quantity": 1, "priority": "urgent"});
        let error = prepare("create_backorder", object(arguments))
            .err()
            .unwrap();
        assert_eq!(error.field, "priority");
    }
}
