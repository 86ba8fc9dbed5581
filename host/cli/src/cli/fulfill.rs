//! `backorders fulfill`

use backorders_cli::operations::FULFILL_BACKORDER;
use backorders_host::CallError;

use super::args::{Guarded, Source};
use super::{operation, render, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    /// Units shipped
    #[arg(long, value_name = "N")]
    quantity: u64,
    #[command(flatten)]
    #[serde(flatten)]
    source: Source,
    /// Who shipped
    #[arg(long = "by", value_name = "WHO")]
    fulfilled_by: Option<String>,
    #[arg(long, value_name = "T")]
    notes: Option<String>,
    /// Ship unreserved stock even though a more urgent backorder lacks allocation
    #[arg(long)]
    override_priority: bool,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Guarded,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    operation::run(
        session,
        &FULFILL_BACKORDER,
        &args,
        args.guards.mode(),
        |result| {
            let fulfillment = std::slice::from_ref(&result.fulfillment);
            let card = render::card(&result.backorder);
            render::with_section(card, "fulfillment", fulfillment, render::fulfillment)
        },
    )
}
