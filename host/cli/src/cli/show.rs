//! `backorders show`

use backorders_cli::json;
use backorders_host::{CallError};

use super::{render, Session};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    let detail = session.backorders.get_backorder(&args.backorder_id)?;
    session.out.read(
        || json::detail(&detail),
        || {
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
        },
    );
    Ok(())
}
