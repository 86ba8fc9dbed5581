//! Human text for backorders and their parts: a card per backorder, one
//! line per allocation, fulfilment or history entry.

use backorders_host::dates::{format_date, format_time};
use backorders_host::names::WireName;
use backorders_host::{
    Allocation, AllocationResult, Backorder, BackorderDetail, CancelResult, Fulfillment,
    FulfillmentResult, HistoryEntry, SourceKind, Timestamp,
};
use backorders_host::DateOrTime;

/// How an absent value reads.
const NONE: &str = "-";

pub fn or_none(value: Option<&str>) -> &str {
    value.unwrap_or(NONE)
}

pub fn time_or_none(timestamp: Option<Timestamp>) -> String {
    timestamp.map_or_else(|| NONE.to_owned(), format_time)
}

/// A promised or expected date as it was given, or `-`.
pub fn date_or_none(date: Option<DateOrTime>) -> String {
    date.map_or_else(|| NONE.to_owned(), format_date)
}

pub fn location(location: Option<&str>) -> &str {
    location.unwrap_or("(default)")
}

/// `value` after `prefix` (`" line L-1"`), or nothing when absent.
pub fn prefixed(prefix: &str, value: Option<&str>) -> String {
    value
        .map(|value| format!("{prefix}{value}"))
        .unwrap_or_default()
}

/// Where units came from: the source, and its document if any.
fn source(source: SourceKind, source_ref: Option<&str>) -> String {
    format!("{}{}", source.wire_name(), prefixed(" ", source_ref))
}

pub fn card(backorder: &Backorder) -> String {
    let line_id = prefixed(" line ", backorder.order_line_id.as_deref());
    let mut text = format!(
        "{}  {}  priority {}  status {}\n",
        backorder.backorder_id,
        backorder.sku,
        backorder.priority.wire_name(),
        backorder.status.wire_name(),
    );
    text += &format!(
        "  order {}{line_id}  customer {}\n",
        backorder.order_id, backorder.customer_id
    );
    text += &format!(
        "  ordered {}  allocated {} (confirmed {})  fulfilled {}  cancelled {}  remaining {}\n",
        backorder.quantity_ordered,
        backorder.quantity_allocated,
        backorder.quantity_confirmed,
        backorder.quantity_fulfilled,
        backorder.quantity_cancelled,
        backorder.quantity_remaining,
    );
    text += &format!(
        "  expected {}  promised {}  location {}\n",
        date_or_none(backorder.expected_date),
        date_or_none(backorder.promised_date),
        location(backorder.location.as_deref()),
    );
    if backorder.at_risk {
        text += "  at risk: the promised date falls before the expected date\n";
    }
    if let Some(notes) = &backorder.notes {
        text += &format!("  notes: {notes}\n");
    }
    text += &format!(
        "  version {}  created {}  updated {}\n",
        backorder.version,
        format_time(backorder.created_at),
        format_time(backorder.updated_at),
    );
    text
}

pub fn allocation(allocation: &Allocation) -> String {
    let source = source(allocation.source, allocation.source_ref.as_deref());
    format!(
        "  {}  {}  {} units ({} shipped)  from {source}  at {}  lot {}  expires {}  reservation {}\n",
        allocation.allocation_id,
        allocation.status.wire_name(),
        allocation.quantity,
        allocation.quantity_consumed,
        location(allocation.location.as_deref()),
        or_none(allocation.lot.as_deref()),
        time_or_none(allocation.expires_at),
        or_none(allocation.reservation_id.as_deref()),
    )
}

pub fn fulfillment(fulfillment: &Fulfillment) -> String {
    let source = source(fulfillment.source, fulfillment.source_ref.as_deref());
    let overridden = if fulfillment.priority_override {
        "  (priority overridden)"
    } else {
        ""
    };
    format!(
        "  #{}  {} units ({} from allocations)  from {source}  by {}  at {}{overridden}\n",
        fulfillment.sequence,
        fulfillment.quantity,
        fulfillment.quantity_from_allocations,
        or_none(fulfillment.fulfilled_by.as_deref()),
        format_time(fulfillment.fulfilled_at),
    )
}

pub fn history_entry(entry: &HistoryEntry) -> String {
    let overridden = if entry.priority_override {
        "  (priority overridden)"
    } else {
        ""
    };
    format!(
        "  {}  {}  -> {}  {}{overridden}\n",
        format_time(entry.at),
        entry.action.wire_name(),
        entry.status.wire_name(),
        entry.detail,
    )
}

/// A card followed by a titled list, e.g. the allocation a write touched.
pub fn with_section<T>(
    card: String,
    title: &str,
    items: &[T],
    line: impl Fn(&T) -> String,
) -> String {
    let mut text = card;
    if !items.is_empty() {
        text += &format!("  {title}:\n");
        for item in items {
            text += &format!("  {}", line(item));
        }
    }
    text
}

/// A write's backorder as a card, with what the write did to it.
fn card_with<T>(backorder: &Backorder, title: &str, items: &[T], line: fn(&T) -> String) -> String {
    with_section(card(backorder), title, items, line)
}

/// The backorder's card with the allocation a write touched.
pub fn allocation_result(result: &AllocationResult) -> String {
    let touched = std::slice::from_ref(&result.allocation);
    card_with(&result.backorder, "allocation", touched, allocation)
}

/// The backorder's card with the fulfilment a write made.
pub fn fulfillment_result(result: &FulfillmentResult) -> String {
    let made = std::slice::from_ref(&result.fulfillment);
    card_with(&result.backorder, "fulfillment", made, fulfillment)
}

/// The backorder's card with the allocations a cancel released.
pub fn cancel_result(result: &CancelResult) -> String {
    card_with(&result.backorder, "released", &result.released, allocation)
}

/// The backorder's card with all its allocations, fulfilments and history.
pub fn detail(detail: &BackorderDetail) -> String {
    let text = card(&detail.backorder);
    let text = with_section(text, "allocations", &detail.allocations, allocation);
    let text = with_section(text, "fulfillments", &detail.fulfillments, fulfillment);
    with_section(text, "history", &detail.history, history_entry)
}
