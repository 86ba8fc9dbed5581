//! `backorders list`: a page of backorders as a table.

use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_host::{Backorder, BackorderPage};

use super::render::date_or_none;
use super::table::{self, Column};

const COLUMNS: &[Column<Backorder>] = &[
    ("BACKORDER", |backorder| backorder.backorder_id.clone()),
    ("SKU", |backorder| backorder.sku.clone()),
    ("PRIORITY", |backorder| {
        backorder.priority.wire_name().to_owned()
    }),
    ("STATUS", |backorder| {
        backorder.status.wire_name().to_owned()
    }),
    ("ORDERED", |backorder| {
        backorder.quantity_ordered.to_string()
    }),
    ("ALLOCATED", |backorder| {
        backorder.quantity_allocated.to_string()
    }),
    ("FULFILLED", |backorder| {
        backorder.quantity_fulfilled.to_string()
    }),
    ("REMAINING", |backorder| {
        backorder.quantity_remaining.to_string()
    }),
    ("PROMISED", |backorder| {
        date_or_none(backorder.promised_date)
    }),
    ("CUSTOMER", |backorder| backorder.customer_id.clone()),
    ("CREATED", |backorder| format_time(backorder.created_at)),
];

/// A page as a table, and how to get the next.
pub fn page(page: &BackorderPage) -> String {
    let mut text = table::render(COLUMNS, &page.backorders);
    if let Some(cursor) = &page.next_cursor {
        text += &format!("more: add --cursor {cursor}\n");
    }
    text
}
