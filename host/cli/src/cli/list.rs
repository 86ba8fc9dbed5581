//! `backorders list`

use backorders_cli::operations::LIST_BACKORDERS;
use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_host::{BackorderPage, BackorderStatus, CallError, ListRequest, Mode, Priority};

use super::args::wire;
use super::render::time_or_none;
use super::table::Table;
use super::{operation, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Args {
    #[arg(long, value_name = "S")]
    sku: Option<String>,
    #[arg(long, value_name = "X", value_parser = wire::<BackorderStatus>())]
    #[serde(serialize_with = "operation::optional_wire")]
    status: Option<BackorderStatus>,
    #[arg(long, value_name = "P", value_parser = wire::<Priority>())]
    #[serde(serialize_with = "operation::optional_wire")]
    priority: Option<Priority>,
    #[arg(long = "customer", value_name = "C")]
    customer_id: Option<String>,
    #[arg(long = "order", value_name = "O")]
    order_id: Option<String>,
    /// Only open backorders (not fulfilled or cancelled)
    #[arg(long)]
    #[serde(rename = "open_only")]
    open: bool,
    /// Only open backorders past their promised (or expected) date
    #[arg(long)]
    #[serde(rename = "overdue_only")]
    overdue: bool,
    /// Only backorders expected before this date or time
    #[arg(long, value_name = "D")]
    expected_before: Option<String>,
    /// Page size [default: 50, at most 500]
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
    /// `next_cursor` of the previous page
    #[arg(long, value_name = "C")]
    cursor: Option<String>,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    operation::run(session, &LIST_BACKORDERS, &args, Mode::Preview, page_text)
}

/// Runs the query and prints one page.
pub fn print(session: &mut Session, request: ListRequest) -> Result<(), CallError> {
    operation::call(
        session,
        &LIST_BACKORDERS,
        &request,
        Mode::Preview,
        page_text,
    )
}

fn page_text(page: &BackorderPage) -> String {
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
