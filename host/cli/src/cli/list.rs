//! `backorders list`

use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_cli::json;
use backorders_host::{BackorderStatus, CallError, ListRequest, Priority};

use super::args::{self, wire};
use super::render::time_or_none;
use super::table::Table;
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_name = "S")]
    sku: Option<String>,
    #[arg(long, value_name = "X", value_parser = wire::<BackorderStatus>())]
    status: Option<BackorderStatus>,
    #[arg(long, value_name = "P", value_parser = wire::<Priority>())]
    priority: Option<Priority>,
    #[arg(long = "customer", value_name = "C")]
    customer_id: Option<String>,
    #[arg(long = "order", value_name = "O")]
    order_id: Option<String>,
    /// Only open backorders (not fulfilled or cancelled)
    #[arg(long)]
    open: bool,
    /// Only open backorders past their promised (or expected) date
    #[arg(long)]
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
    let request = ListRequest {
        expected_before: args::time("expected_before", args.expected_before.as_deref())?,
        sku: args.sku,
        status: args.status,
        priority: args.priority,
        customer_id: args.customer_id,
        order_id: args.order_id,
        open_only: args.open,
        overdue_only: args.overdue,
        limit: args.limit,
        cursor: args.cursor,
    };
    print(session, request)
}

/// Runs the query and prints one page.
pub fn print(session: &mut Session, request: ListRequest) -> Result<(), CallError> {
    let page = session.backorders.list_backorders(&request)?;
    session.out.read(
        || json::page(&page),
        || {
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
        },
    );
    Ok(())
}
