//! The operations over a SKU's supply: allocation runs (receive, allocate
//! available), expiry, and expected supply.

use backorders_host::dates::format_date;
use backorders_host::names::WireName;
use backorders_host::{
    AllocationRun, AllocationRunRequest, ExpectedSupply, ExpiryRequest, ExpiryResult, PromisePlan,
    SupplyExpectation,
};
use serde_json::Value;

use super::params::{
    date, day, source, text, units, LOCATION, POLICY, REQUEST_ID, RUN_EXPIRES_AT, SKU, SOURCE,
};
use super::{read, Arguments, Effect, Kind, Op, Param, Spec};
use crate::json;

fn run_json(run: &AllocationRun) -> Value {
    Value::Object(json::allocation_run(run))
}

fn run_summary(run: &AllocationRun) -> String {
    let short = run.lines.iter().filter(|line| line.shortfall.is_some());
    format!(
        "{} at {}: {} of {} available units allocated over {} backorders by {}; {} got less than they lacked",
        run.sku,
        run.location.as_deref().unwrap_or("the default location"),
        run.allocated,
        run.available,
        run.lines.len(),
        run.policy.wire_name(),
        short.count(),
    )
}

/// What every allocation run takes; `received`, the units that just
/// arrived on its document.
fn run_request(
    arguments: &Arguments,
    received: Option<u64>,
) -> Result<AllocationRunRequest, backorders_host::CallError> {
    Ok(AllocationRunRequest {
        sku: arguments.required("sku"),
        location: arguments.get("location"),
        policy: arguments.choice("policy"),
        source: source(arguments),
        source_ref: arguments.get("source_ref"),
        expires_at: arguments.date("expires_at")?,
        received,
        request_id: arguments.get("request_id"),
    })
}

pub static ALLOCATE_AVAILABLE: Op<AllocationRunRequest, AllocationRun> = Op {
    spec: Spec {
        name: "allocate_available",
        tool: true,
        title: "Allocate available stock",
        description: "Allocates a SKU's stock available now at a location: claims on `source_ref` first, then the\nbackorders lacking allocation in the policy's order. Returns the run, one line per backorder\nconsidered with what it needed, got, and why it got less (`shortfall`). Errors: `invalid_input`.\nA write: a preview (the plan) unless the server runs with --apply.",
        effect: Effect::Write { destructive: false, idempotent: false },
        params: &[
            SKU,
            text("location", "The location whose stock is allocated, 1-64 characters; omitted: the default location. Backorders of other locations are skipped and explained.").value_name("L"),
            POLICY,
            SOURCE,
            text("source_ref", "The document the units arrived on (e.g. `PO-1042`): claims on it are served first. Required when `source` is not `inventory`.").value_name("R"),
            RUN_EXPIRES_AT,
            Param::new(
                "received",
                Kind::Quantity { min: 0, max: None },
                "Units that just arrived on `source_ref`: that much of its expected supply is consumed.",
            ),
            REQUEST_ID,
        ],
    },
    build: |arguments| run_request(arguments, arguments.get("received")),
    call: |backorders, request, mode| backorders.allocate_available(request, mode),
    json: run_json,
    summary: run_summary,
};

pub static RECEIVE: Op<AllocationRunRequest, AllocationRun> = Op {
    spec: Spec {
        name: "receive",
        tool: true,
        title: "Receive stock",
        description: "Receives units: adds `quantity` to stock on hand of the SKU at the location and allocates what\nis available, as `allocate_available` does, in one transaction. Returns the run. Errors:\n`invalid_input`. A write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: false, idempotent: false },
        params: &[
            SKU,
            Param::new(
                "quantity",
                Kind::Quantity { min: 1, max: None },
                "Units received: added to stock on hand, then allocated, in one transaction. At least 1.",
            )
            .required(),
            text("location", "Where they were received, 1-64 characters; omitted: the default location.").value_name("L"),
            POLICY,
            SOURCE,
            text("source_ref", "The document the units arrived on (e.g. `PO-1042`): claims on it are served first and its expected supply is consumed. Required when `source` is not `inventory`.").value_name("R"),
            RUN_EXPIRES_AT,
            REQUEST_ID,
        ],
    },
    // A run over the units just received, which are the document's units:
    // its expected supply shrinks by as much.
    build: |arguments| run_request(arguments, Some(arguments.required("quantity"))),
    call: |backorders, request, mode| {
        let quantity = request.received.expect("receive's run carries its quantity");
        backorders.receive(quantity, request, mode)
    },
    json: run_json,
    summary: run_summary,
};

pub static EXPIRE_ALLOCATIONS: Op<ExpiryRequest, ExpiryResult> = Op {
    spec: Spec {
        name: "expire_allocations",
        tool: true,
        title: "Expire allocations",
        description: "Expires reserved and claimed allocations whose expiry has passed (at most 1,000 a call; `more`\nsays to call again), giving their units back and, unless `reallocate` is false, offering them to\nwaiting backorders by strict priority. A write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: true, idempotent: false },
        params: &[
            Param::new(
                "reallocate",
                Kind::Bool,
                "Offer the units given back to waiting backorders again, by strict priority. Default true.",
            )
            .negated("no-reallocate"),
            REQUEST_ID,
        ],
    },
    build: |arguments| {
        Ok(ExpiryRequest {
            reallocate: arguments.get("reallocate").unwrap_or(true),
            request_id: arguments.get("request_id"),
        })
    },
    call: |backorders, request, mode| backorders.expire_allocations(request, mode),
    json: |result| Value::Object(json::expiry_result(result)),
    summary: |result| {
        format!(
            "{} allocations expired; {} units offered again in {} runs{}",
            result.expired.len(),
            result.runs.iter().map(|run| run.allocated).sum::<u64>(),
            result.runs.len(),
            if result.more {
                "; more are past expiry: call again"
            } else {
                ""
            },
        )
    },
};

pub static EXPECT_SUPPLY: Op<SupplyExpectation, PromisePlan> = Op {
    spec: Spec {
        name: "expect_supply",
        tool: true,
        title: "Expect supply",
        description: "Records supply expected on a document (replacing an earlier record of the same SKU, source and\ndocument) and sets the expected dates of the backorders it will cover, in priority order,\nflagging `at_risk` promises it will miss. Errors: `invalid_input`.\nA write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: true, idempotent: true },
        params: &[
            SKU,
            units("Units expected: 1 to 1,000,000,000."),
            date("expected_at", day!("When the units arrive")).required().alias("date"),
            Param { doc: "The kind of document: `purchase_order`, `transfer` or `production`.", ..SOURCE }.required(),
            text("source_ref", "The document (e.g. `PO-1042`), 1-64 characters. A second call for the same SKU, source and document replaces the first.").required().value_name("R"),
            LOCATION,
            REQUEST_ID,
        ],
    },
    build: |arguments| {
        Ok(SupplyExpectation {
            sku: arguments.required("sku"),
            quantity: arguments.required("quantity"),
            expected_at: arguments.required_given_date("expected_at")?,
            source: source(arguments),
            source_ref: arguments.required("source_ref"),
            location: arguments.get("location"),
            request_id: arguments.get("request_id"),
        })
    },
    call: |backorders, request, mode| backorders.expect_supply(request, mode),
    json: |plan| Value::Object(json::promise_plan(plan)),
    summary: |plan| {
        format!(
            "{} units of {} expected on {} at {}: sets the expected date of {} backorders, {} of them at risk",
            plan.supply.quantity,
            plan.supply.sku,
            plan.supply.source_ref,
            format_date(plan.supply.expected_at),
            plan.lines.len(),
            plan.lines.iter().filter(|line| line.at_risk).count(),
        )
    },
};

pub static LIST_EXPECTED_SUPPLY: Op<Option<String>, Vec<ExpectedSupply>> = Op {
    spec: Spec {
        name: "list_expected_supply",
        tool: true,
        title: "List expected supply",
        description: "Expected supply not yet received, for one SKU or all (at most 1,000), as a JSON array.\nErrors: `invalid_input` (malformed SKU). Read-only.",
        effect: Effect::Read,
        params: &[text("sku", "Only this SKU; omitted: every SKU (at most 1,000 records).").value_name("S")],
    },
    build: |arguments| Ok(arguments.get("sku")),
    call: |backorders, sku, _| read(backorders.list_expected_supply(sku.as_deref())),
    json: |supplies| Value::Array(supplies.iter().map(json::expected_supply).collect()),
    summary: |supplies| format!("{} expected supplies not yet received", supplies.len()),
};
