//! Allocation runs, expiry and expected supply.

use serde_json::{json, Map, Value};

use super::{allocation, date, object, optional_date, time};
use backorders_host::{
    AllocationRun, ExpectedSupply, ExpiryResult, PromiseLine, PromisePlan, RunLine, Unserved,
};
use backorders_host::names::WireName;

fn run_line(line: &RunLine) -> Value {
    json!({
        "backorder_id": line.backorder_id,
        "priority": line.priority.wire_name(),
        "promised_date": optional_date(line.promised_date),
        "created_at": time(line.created_at),
        "needed": line.needed,
        "allocated": line.allocated,
        "allocation_id": line.allocation_id,
        "from_claim": line.from_claim,
        "shortfall": line.shortfall.map(WireName::wire_name),
    })
}

pub fn allocation_run(run: &AllocationRun) -> Map<String, Value> {
    object(json!({
        "sku": run.sku,
        "location": run.location,
        "policy": run.policy.wire_name(),
        "source": run.source.wire_name(),
        "source_ref": run.source_ref,
        "available": run.available,
        "allocated": run.allocated,
        "lines": run.lines.iter().map(run_line).collect::<Vec<_>>(),
        "unserved": run.unserved.as_ref().map(unserved),
    }))
}

fn unserved(unserved: &Unserved) -> Value {
    let next = unserved.next_in_line.iter().map(|waiting| {
        json!({"backorder_id": waiting.backorder_id, "lacking": waiting.lacking})
    });
    json!({
        "count": unserved.count,
        "at_least": unserved.at_least,
        "next_in_line": next.collect::<Vec<_>>(),
    })
}

pub fn expiry_result(result: &ExpiryResult) -> Map<String, Value> {
    let runs = result
        .runs
        .iter()
        .map(|run| Value::Object(allocation_run(run)));
    object(json!({
        "expired": result.expired.iter().map(allocation).collect::<Vec<_>>(),
        "runs": runs.collect::<Vec<_>>(),
        "more": result.more,
    }))
}

pub fn expected_supply(supply: &ExpectedSupply) -> Value {
    json!({
        "sku": supply.sku,
        "source": supply.source.wire_name(),
        "source_ref": supply.source_ref,
        "quantity": supply.quantity,
        "expected_at": date(supply.expected_at),
        "location": supply.location,
        "created_at": time(supply.created_at),
        "updated_at": time(supply.updated_at),
    })
}

fn promise_line(line: &PromiseLine) -> Value {
    json!({
        "backorder_id": line.backorder_id,
        "priority": line.priority.wire_name(),
        "quantity": line.quantity,
        "source_ref": line.source_ref,
        "expected_date": date(line.expected_date),
        "promised_date": optional_date(line.promised_date),
        "at_risk": line.at_risk,
    })
}

pub fn promise_plan(plan: &PromisePlan) -> Map<String, Value> {
    object(json!({
        "supply": expected_supply(&plan.supply),
        "lines": plan.lines.iter().map(promise_line).collect::<Vec<_>>(),
    }))
}
