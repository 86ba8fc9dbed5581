//! `backorders update`

use backorders_cli::operations::UPDATE_BACKORDER;
use backorders_host::{CallError, Priority};

use super::args::{wire, Guarded};
use super::{operation, render, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    #[arg(long, value_name = "P", value_parser = wire::<Priority>())]
    #[serde(serialize_with = "operation::optional_wire")]
    priority: Option<Priority>,
    #[arg(long, value_name = "D", conflicts_with = "clear_expected_date")]
    expected_date: Option<String>,
    #[arg(long)]
    clear_expected_date: bool,
    #[arg(long, value_name = "D", conflicts_with = "clear_promised_date")]
    promised_date: Option<String>,
    #[arg(long)]
    clear_promised_date: bool,
    #[arg(long, value_name = "L", conflicts_with = "clear_location")]
    location: Option<String>,
    #[arg(long)]
    clear_location: bool,
    #[arg(long, value_name = "T", conflicts_with = "clear_notes")]
    notes: Option<String>,
    #[arg(long)]
    clear_notes: bool,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Guarded,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    operation::run(
        session,
        &UPDATE_BACKORDER,
        &args,
        args.guards.mode(),
        render::card,
    )
}
