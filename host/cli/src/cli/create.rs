//! `backorders create`

use backorders_cli::operations::CREATE_BACKORDER;
use backorders_host::{CallError, Priority};

use super::args::{wire, Retryable};
use super::{operation, render, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
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
    #[serde(serialize_with = "operation::optional_wire")]
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
    #[serde(flatten)]
    guards: Retryable,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    operation::run(
        session,
        &CREATE_BACKORDER,
        &args,
        args.guards.mode(),
        render::card,
    )
}
