//! The operations that hold or ship units of one backorder: allocate,
//! confirm, release, extend, fulfil.

use backorders_host::names::WireName;
use backorders_host::{
    AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, FulfillmentRequest,
    FulfillmentResult,
};
use serde_json::Value;

use super::backorder::backorder_line;
use super::params::{
    date, source, text, time, units, ALLOCATION_ID, ALLOCATION_VERSION, BACKORDER_ID,
    EXPECTED_VERSION, NOTES, OVERRIDE_PRIORITY, REQUEST_ID, SOURCE, SOURCE_REF,
};
use super::{family, Arguments, Effect, Op, Param, Spec};
use crate::json;

/// The backorder with the allocation a write changed.
fn allocation_json(result: &AllocationResult) -> Value {
    let mut fields = json::backorder(&result.backorder);
    fields.insert("allocation".into(), json::allocation(&result.allocation));
    Value::Object(fields)
}

fn allocation_summary(verb: &str, result: &AllocationResult) -> String {
    let allocation = &result.allocation;
    format!(
        "{verb} {} ({} units from {}, now {}) of {}",
        allocation.allocation_id,
        allocation.quantity,
        allocation.source.wire_name(),
        allocation.status.wire_name(),
        backorder_line(&result.backorder),
    )
}

pub static ALLOCATE_BACKORDER: Op<AllocationRequest, AllocationResult> = Op {
    spec: Spec {
        name: "allocate_backorder",
        tool: true,
        title: "Allocate to a backorder",
        description: "Holds units for one backorder. From `inventory` it reserves stock on hand; from\n`purchase_order`, `transfer` or `production` (with `source_ref`) it records a claim (`claimed`) on\nsupply not yet received. Returns the backorder with the `allocation`. Errors: `invalid_input`,\n`not_found`, `conflict`, `invalid_state` (closed), `priority_conflict` (a more urgent backorder\nof the SKU lacks allocation; see `override_priority`), `insufficient_stock`.\nA write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: false, idempotent: false },
        params: &[
            BACKORDER_ID,
            units("Units to allocate: at least 1, at most what the backorder still lacks (`quantity_remaining - quantity_allocated`)."),
            SOURCE,
            SOURCE_REF,
            text("location", "The location to take the units from, 1-64 characters; omitted: the backorder's location.").value_name("L"),
            text("lot", "The lot, 1-64 characters.").value_name("L"),
            date("expires_at", time!("When the reservation lapses (must be in the future); omitted: it does not expire")),
            OVERRIDE_PRIORITY,
            REQUEST_ID,
            EXPECTED_VERSION,
        ],
    },
    build: |arguments| {
        Ok(AllocationRequest {
            backorder_id: arguments.required("backorder_id"),
            quantity: arguments.required("quantity"),
            source: source(arguments),
            source_ref: arguments.get("source_ref"),
            location: arguments.get("location"),
            lot: arguments.get("lot"),
            expires_at: arguments.date("expires_at")?,
            override_priority: arguments.flag("override_priority"),
            request_id: arguments.get("request_id"),
            expected_version: arguments.get("expected_version"),
        })
    },
    call: |backorders, request, mode| backorders.allocate_backorder(request, mode),
    json: allocation_json,
    summary: |result| allocation_summary("allocated", result),
};

/// Confirm or release: the allocation and the usual write guards.
const CHANGE_PARAMS: &[Param] = &[ALLOCATION_ID, REQUEST_ID, ALLOCATION_VERSION];

fn change(arguments: &Arguments) -> Result<AllocationChange, backorders_host::CallError> {
    Ok(AllocationChange {
        allocation_id: arguments.required("allocation_id"),
        request_id: arguments.get("request_id"),
        expected_version: arguments.get("expected_version"),
    })
}

/// `backorders.method(request, mode)`.
macro_rules! by_request {
    ($method:ident) => {
        |backorders, request, mode| backorders.$method(request, mode)
    };
}

family! {
    Op<AllocationChange, AllocationResult> { tool: true, params: CHANGE_PARAMS, build: change,
        call: by_request!, json: allocation_json, summary: allocation_summary }
    CONFIRM_ALLOCATION = confirm_allocation, "confirmed", Effect::Write { destructive: false, idempotent: false }, "Confirm an allocation",
        "Marks a reserved allocation picked and ready to ship; it no longer expires, and when confirmed\nallocations cover what is owed the backorder becomes `ready_to_ship`. Errors: `invalid_input`,\n`not_found`, `conflict`, `invalid_state` (a claim not yet received, otherwise not reserved, or past its expiry).\nA write: a preview unless the server runs with --apply.";
    RELEASE_ALLOCATION = release_allocation, "released", Effect::Write { destructive: true, idempotent: false }, "Release an allocation",
        "Gives a live (reserved or confirmed) allocation's unshipped units back to available stock.\nErrors: `invalid_input`, `not_found`, `conflict`, `invalid_state` (not live).\nA write: a preview unless the server runs with --apply.";
}

pub static EXTEND_ALLOCATION: Op<AllocationExtension, AllocationResult> = Op {
    spec: Spec {
        name: "extend_allocation",
        tool: true,
        title: "Extend an allocation",
        description: "Moves the expiry of a reserved or claimed allocation to a later time. Errors: `invalid_input`\n(expiry not in the future), `not_found`, `conflict`, `invalid_state` (neither reserved nor\nclaimed, or already past its expiry).\nA write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: true, idempotent: true },
        params: &[
            ALLOCATION_ID,
            date("expires_at", time!("The new expiry, in the future")).required(),
            REQUEST_ID,
            ALLOCATION_VERSION,
        ],
    },
    build: |arguments| {
        Ok(AllocationExtension {
            allocation_id: arguments.required("allocation_id"),
            expires_at: arguments.required_date("expires_at")?,
            request_id: arguments.get("request_id"),
            expected_version: arguments.get("expected_version"),
        })
    },
    call: |backorders, request, mode| backorders.extend_allocation(request, mode),
    json: allocation_json,
    summary: |result| allocation_summary("extended", result),
};

pub static FULFILL_BACKORDER: Op<FulfillmentRequest, FulfillmentResult> = Op {
    spec: Spec {
        name: "fulfill_backorder",
        tool: true,
        title: "Fulfil a backorder",
        description: "Ships units of a backorder: from its own allocations of that source first (confirmed before\nreserved, oldest first), then unreserved stock (`inventory`) or straight from the source\n(others). Shipping the last units closes it as `fulfilled`. Returns the backorder with the\n`fulfillment`. Errors: `invalid_input` (0 or above remaining), `not_found`, `conflict`,\n`invalid_state` (closed), `priority_conflict`, `insufficient_stock`.\nA write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: true, idempotent: false },
        params: &[
            BACKORDER_ID,
            units("Units shipped: at least 1, at most `quantity_remaining`."),
            SOURCE,
            SOURCE_REF,
            text("fulfilled_by", "Who shipped, 1-64 characters.").long("by").value_name("WHO"),
            NOTES,
            OVERRIDE_PRIORITY,
            REQUEST_ID,
            EXPECTED_VERSION,
        ],
    },
    build: |arguments| {
        Ok(FulfillmentRequest {
            backorder_id: arguments.required("backorder_id"),
            quantity: arguments.required("quantity"),
            source: source(arguments),
            source_ref: arguments.get("source_ref"),
            fulfilled_by: arguments.get("fulfilled_by"),
            notes: arguments.get("notes"),
            override_priority: arguments.flag("override_priority"),
            request_id: arguments.get("request_id"),
            expected_version: arguments.get("expected_version"),
        })
    },
    call: |backorders, request, mode| backorders.fulfill_backorder(request, mode),
    json: |result| {
        let mut fields = json::backorder(&result.backorder);
        fields.insert("fulfillment".into(), json::fulfillment(&result.fulfillment));
        Value::Object(fields)
    },
    summary: |result| {
        format!(
            "shipped {} units ({} from allocations) as fulfilment #{} of {}",
            result.fulfillment.quantity,
            result.fulfillment.quantity_from_allocations,
            result.fulfillment.sequence,
            backorder_line(&result.backorder),
        )
    },
};
