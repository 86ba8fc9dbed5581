//! `backorders cancel`

use backorders_cli::operations::CANCEL_BACKORDER;
use backorders_host::CallError;

use super::args::Guarded;
use super::{operation, render, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    /// Units to cancel [default: all remaining]
    #[arg(long, value_name = "N")]
    quantity: Option<u64>,
    #[arg(long, value_name = "T")]
    reason: Option<String>,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Guarded,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    operation::run(
        session,
        &CANCEL_BACKORDER,
        &args,
        args.guards.mode(),
        |result| {
            let card = render::card(&result.backorder);
            render::with_section(card, "released", &result.released, render::allocation)
        },
    )
}
