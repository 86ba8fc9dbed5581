//! `backorders list`: a page of backorders as a table.

use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_host::BackorderPage;

use super::render::time_or_none;
use super::table::Table;

/// A page as a table, and how to get the next.
pub fn page(page: &BackorderPage) -> String {
    let mut table = Table::new(&[
        "BACKORDER",
        "SKU",
        "PRIORITY",
        "STATUS",
        "ORDERED",
        "ALLOCATED",
        "FULFILLED",
        "REMAINING",
        "PROMISED",
        "CUSTOMER",
        "CREATED",
    ]);
    for backorder in &page.backorders {
        table.row(vec![
            backorder.backorder_id.clone(),
            backorder.sku.clone(),
            backorder.priority.wire_name().to_owned(),
            backorder.status.wire_name().to_owned(),
            backorder.quantity_ordered.to_string(),
            backorder.quantity_allocated.to_string(),
            backorder.quantity_fulfilled.to_string(),
            backorder.quantity_remaining.to_string(),
            time_or_none(backorder.promised_date),
            backorder.customer_id.clone(),
            format_time(backorder.created_at),
        ]);
    }
    let mut text = table.render();
    if let Some(cursor) = &page.next_cursor {
        text += &format!("more: add --cursor {cursor}\n");
    }
    text
}
