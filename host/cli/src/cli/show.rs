//! `backorders show`

use backorders_cli::operations::GET_BACKORDER;
use backorders_host::{CallError, Mode};

use super::{operation, render, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    operation::run(session, &GET_BACKORDER, &args, Mode::Preview, |detail| {
        let text = render::card(&detail.backorder);
        let text =
            render::with_section(text, "allocations", &detail.allocations, render::allocation);
        let text = render::with_section(
            text,
            "fulfillments",
            &detail.fulfillments,
            render::fulfillment,
        );
        render::with_section(text, "history", &detail.history, render::history_entry)
    })
}
