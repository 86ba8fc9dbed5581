//! `backorders create`

use backorders_host::{CallError, NewBackorder, Priority};

use super::args::{self, wire, Apply, RequestId};
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The platform's order id
    #[arg(long = "order", value_name = "O")]
    order_id: String,
    /// The platform's order line id
    #[arg(long = "order-line", value_name = "L")]
    order_line_id: Option<String>,
    /// The platform's customer id
    #[arg(long = "customer", value_name = "C")]
    customer_id: String,
    #[arg(long, value_name = "S")]
    sku: String,
    /// Units owed
    #[arg(long, value_name = "N")]
    quantity: u64,
    /// [default: normal]
    #[arg(long, value_name = "P", value_parser = wire::<Priority>())]
    priority: Option<Priority>,
    /// When supply is expected: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    expected_date: Option<String>,
    /// What the customer was promised: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    promised_date: Option<String>,
    /// The location (warehouse) to serve it from
    #[arg(long, value_name = "L")]
    location: Option<String>,
    #[arg(long, value_name = "T")]
    notes: Option<String>,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    apply: Apply,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    let request = NewBackorder {
        expected_date: args::time("expected_date", args.expected_date.as_deref())?,
        promised_date: args::time("promised_date", args.promised_date.as_deref())?,
        order_id: args.order_id,
        order_line_id: args.order_line_id,
        customer_id: args.customer_id,
        sku: args.sku,
        quantity: args.quantity,
        priority: args.priority,
        location: args.location,
        notes: args.notes,
        request_id: args.request_id.request_id,
    };
    let outcome = session
        .backorders
        .create_backorder(&request, args.apply.mode())?;
    session.out.write_card(outcome.applied, &outcome.value);
    Ok(())
}
