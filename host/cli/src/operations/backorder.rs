//! The operations on one backorder's record: create, show, list, update,
//! cancel.

use backorders_host::names::WireName;
use backorders_host::{
    Backorder, BackorderDetail, BackorderPage, BackorderStatus, BackorderUpdate, CallError,
    CancelRequest, CancelResult, DateChange, HostError, ListRequest, NewBackorder, Priority,
    TextChange,
};
use serde_json::Value;

use super::params::{
    choice_param, date, day, flag, text, time, units, BACKORDER_ID, EXPECTED_VERSION, LOCATION, NOTES,
    REQUEST_ID, SKU, UNITS,
};
use super::{read, Effect, Kind, Op, Param, Spec};
use crate::json;

/// `BO-2026-0001 (WIDGET-001, normal): partially_fulfilled; ordered 100, …`
pub(super) fn backorder_line(backorder: &Backorder) -> String {
    format!(
        "{} ({}, {}): {}; ordered {}, allocated {}, fulfilled {}, cancelled {}, remaining {}; version {}",
        backorder.backorder_id,
        backorder.sku,
        backorder.priority.wire_name(),
        backorder.status.wire_name(),
        backorder.quantity_ordered,
        backorder.quantity_allocated,
        backorder.quantity_fulfilled,
        backorder.quantity_cancelled,
        backorder.quantity_remaining,
        backorder.version,
    )
}

fn backorder_json(backorder: &Backorder) -> Value {
    Value::Object(json::backorder(backorder))
}

pub static CREATE_BACKORDER: Op<NewBackorder, Backorder> = Op {
    spec: Spec {
        name: "create_backorder",
        tool: true,
        title: "Create a backorder",
        description: "Records unmet demand for one order line: a new `BO-YYYY-NNNN` backorder in status `pending`.\nErrors: `invalid_input`. A write: a preview (`\"applied\": false`) unless the server runs with --apply.",
        effect: Effect::Write { destructive: false, idempotent: false },
        params: &[
            text("order_id", "The platform's order id, 1-64 characters.").required().long("order").value_name("O"),
            text("order_line_id", "The platform's order line id, 1-64 characters.").long("order-line").value_name("L"),
            text("customer_id", "The platform's customer id, 1-64 characters.").required().long("customer").value_name("C"),
            SKU,
            units("Units owed: a whole number from 1 to 1,000,000,000."),
            choice_param::<Priority>("priority", "How urgent: supply goes to `critical` first, then `high`, `normal`, `low`. Default `normal`.").value_name("P"),
            date("expected_date", day!("When supply is expected")),
            date("promised_date", day!("What the customer was promised; past it the backorder is overdue")),
            LOCATION,
            NOTES,
            REQUEST_ID,
        ],
    },
    build: |arguments| {
        Ok(NewBackorder {
            order_id: arguments.required("order_id"),
            order_line_id: arguments.get("order_line_id"),
            customer_id: arguments.required("customer_id"),
            sku: arguments.required("sku"),
            quantity: arguments.required("quantity"),
            priority: arguments.choice("priority"),
            expected_date: arguments.given_date("expected_date")?,
            promised_date: arguments.given_date("promised_date")?,
            location: arguments.get("location"),
            notes: arguments.get("notes"),
            request_id: arguments.get("request_id"),
        })
    },
    call: |backorders, request, mode| backorders.create_backorder(request, mode),
    json: backorder_json,
    summary: |backorder| format!("created {}", backorder_line(backorder)),
};

pub static GET_BACKORDER: Op<String, BackorderDetail> = Op {
    spec: Spec {
        name: "get_backorder",
        tool: true,
        title: "Show a backorder",
        description: "One backorder with its allocations, fulfilments and history (the first 1,000 entries). Errors:\n`invalid_input` for a malformed id, `not_found`. Read-only.",
        effect: Effect::Read,
        params: &[BACKORDER_ID],
    },
    build: |arguments| Ok(arguments.required("backorder_id")),
    call: |backorders, backorder_id, _| read(backorders.get_backorder(backorder_id)),
    json: json::detail,
    summary: |detail| {
        format!(
            "{}; {} allocations, {} fulfilments, {} history entries",
            backorder_line(&detail.backorder),
            detail.allocations.len(),
            detail.fulfillments.len(),
            detail.history.len(),
        )
    },
};

pub static LIST_BACKORDERS: Op<ListRequest, BackorderPage> = Op {
    spec: Spec {
        name: "list_backorders",
        tool: true,
        title: "List backorders",
        description: "A page of backorders matching every filter given, in backorder-number order (by due date with\n`overdue_only`, by expected date with `expected_before`). Returns `{\"backorders\": [...], \"next_cursor\"}`;\npass `next_cursor` back as `cursor` for the next page. Read-only.",
        effect: Effect::Read,
        params: &[
            text("sku", "Only backorders of this SKU.").value_name("S"),
            choice_param::<BackorderStatus>("status", "Only backorders in this status.").value_name("X"),
            choice_param::<Priority>("priority", "Only backorders of this priority.").value_name("P"),
            text("customer_id", "Only backorders of this customer (the platform's customer id).").long("customer").value_name("C"),
            text("order_id", "Only backorders of this order (the platform's order id).").long("order").value_name("O"),
            flag("open_only", "Only open backorders (status not `fulfilled` or `cancelled`). Default false.").long("open"),
            flag("overdue_only", "Only open backorders whose promised date (or, without one, expected date) has passed; ordered by that date. Default false.").long("overdue"),
            date("expected_before", time!("Only backorders expected before this time; ordered by expected date")),
            Param::new(
                "limit",
                Kind::Count { min: 1, max: 500 },
                "Page size: 1 to 500; default 50. A page may hold fewer and still have a `next_cursor`.",
            ),
            text("cursor", "The `next_cursor` of the previous page, with the same filters.").value_name("C"),
        ],
    },
    build: |arguments| {
        Ok(ListRequest {
            sku: arguments.get("sku"),
            status: arguments.choice("status"),
            priority: arguments.choice("priority"),
            customer_id: arguments.get("customer_id"),
            order_id: arguments.get("order_id"),
            open_only: arguments.flag("open_only"),
            overdue_only: arguments.flag("overdue_only"),
            expected_before: arguments.date("expected_before")?,
            limit: arguments.get("limit"),
            cursor: arguments.get("cursor"),
        })
    },
    call: |backorders, request, _| read(backorders.list_backorders(request)),
    json: json::page,
    summary: |page| {
        let more = match &page.next_cursor {
            Some(cursor) => format!("more: pass cursor `{cursor}` for the next page"),
            None => "last page".to_owned(),
        };
        format!("{} backorders; {more}", page.backorders.len())
    },
};

/// An update of one field: a new value, a clear, or neither; both is bad
/// input rather than a guess.
fn change<T, C>(
    field: &'static str,
    value: Option<T>,
    clear: bool,
    set: fn(T) -> C,
    cleared: C,
) -> Result<Option<C>, CallError> {
    match (value, clear) {
        (Some(_), true) => Err(HostError::InvalidInput {
            field,
            message: format!("give a new value or clear_{field}, not both"),
        }
        .into()),
        (Some(value), false) => Ok(Some(set(value))),
        (None, true) => Ok(Some(cleared)),
        (None, false) => Ok(None),
    }
}

pub static UPDATE_BACKORDER: Op<BackorderUpdate, Backorder> = Op {
    spec: Spec {
        name: "update_backorder",
        tool: true,
        title: "Update a backorder",
        description: "Changes the planning fields of an open backorder: priority, expected and promised dates,\nlocation, notes (set one, or clear it with the `clear_*` flag). Values equal to the current\nones change nothing; a call with no change at all is `invalid_input`. Errors: `invalid_input`,\n`not_found`, `conflict`, `invalid_state` (closed). A write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: true, idempotent: true },
        params: &[
            BACKORDER_ID,
            choice_param::<Priority>("priority", "The new priority.").value_name("P"),
            date("expected_date", day!("The new expected date")).conflicts_with("clear_expected_date"),
            flag("clear_expected_date", "Remove the expected date. Default false; not together with `expected_date`."),
            date("promised_date", day!("The new promised date")).conflicts_with("clear_promised_date"),
            flag("clear_promised_date", "Remove the promised date. Default false; not together with `promised_date`."),
            text("location", "The new location (warehouse), 1-64 characters.").value_name("L").conflicts_with("clear_location"),
            flag("clear_location", "Back to the default location. Default false; not together with `location`."),
            text("notes", "The new notes, at most 2,000 characters.").value_name("T").conflicts_with("clear_notes"),
            flag("clear_notes", "Remove the notes. Default false; not together with `notes`."),
            REQUEST_ID,
            EXPECTED_VERSION,
        ],
    },
    build: |arguments| {
        let date = |field: &'static str| {
            let value = arguments.given_date(field)?;
            let clear = arguments.flag(&format!("clear_{field}"));
            change(field, value, clear, DateChange::Set, DateChange::Clear)
        };
        let text = |field: &'static str| {
            let clear = arguments.flag(&format!("clear_{field}"));
            change(field, arguments.get(field), clear, TextChange::Set, TextChange::Clear)
        };
        Ok(BackorderUpdate {
            backorder_id: arguments.required("backorder_id"),
            priority: arguments.choice("priority"),
            expected_date: date("expected_date")?,
            promised_date: date("promised_date")?,
            location: text("location")?,
            notes: text("notes")?,
            request_id: arguments.get("request_id"),
            expected_version: arguments.get("expected_version"),
        })
    },
    call: |backorders, request, mode| backorders.update_backorder(request, mode),
    json: backorder_json,
    summary: |backorder| format!("updated {}", backorder_line(backorder)),
};

pub static CANCEL_BACKORDER: Op<CancelRequest, CancelResult> = Op {
    spec: Spec {
        name: "cancel_backorder",
        tool: true,
        title: "Cancel a backorder",
        description: "Cancels all remaining units of a backorder, or `quantity` of them, releasing the allocations\nno longer needed (newest first; listed under `released`). Cancelling the last units closes it\nas `cancelled`. Errors: `invalid_input`, `not_found`, `conflict`, `invalid_state` (closed).\nA write: a preview unless the server runs with --apply.",
        effect: Effect::Write { destructive: true, idempotent: false },
        params: &[
            BACKORDER_ID,
            Param::new(
                "quantity",
                UNITS,
                "Units to cancel: at least 1, at most `quantity_remaining`; omitted: all remaining units.",
            ),
            text("reason", "Why, at most 2,000 characters; recorded in the history.").value_name("T"),
            REQUEST_ID,
            EXPECTED_VERSION,
        ],
    },
    build: |arguments| {
        Ok(CancelRequest {
            backorder_id: arguments.required("backorder_id"),
            quantity: arguments.get("quantity"),
            reason: arguments.get("reason"),
            request_id: arguments.get("request_id"),
            expected_version: arguments.get("expected_version"),
        })
    },
    call: |backorders, request, mode| backorders.cancel_backorder(request, mode),
    json: |result| {
        let mut fields = json::backorder(&result.backorder);
        let released = result.released.iter().map(json::allocation).collect();
        fields.insert("released".into(), Value::Array(released));
        Value::Object(fields)
    },
    summary: |result| {
        format!(
            "cancelled units of {}; {} allocations released",
            backorder_line(&result.backorder),
            result.released.len(),
        )
    },
};
