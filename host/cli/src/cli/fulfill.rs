//! `backorders fulfill`

use backorders_cli::json;
use backorders_host::{CallError, FulfillmentRequest, FulfillmentResult};

use super::args::{Apply, ExpectedVersion, RequestId, Source};
use super::{render, Session};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    /// Units shipped
    #[arg(long, value_name = "N")]
    quantity: u64,
    #[command(flatten)]
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
    request_id: RequestId,
    #[command(flatten)]
    version: ExpectedVersion,
    #[command(flatten)]
    apply: Apply,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    let request = FulfillmentRequest {
        backorder_id: args.backorder_id,
        quantity: args.quantity,
        source: args.source.source,
        source_ref: args.source.source_ref,
        fulfilled_by: args.fulfilled_by,
        notes: args.notes,
        override_priority: args.override_priority,
        request_id: args.request_id.request_id,
        expected_version: args.version.expected_version,
    };
    let outcome = session
        .backorders
        .fulfill_backorder(&request, args.apply.mode())?;
    let FulfillmentResult {
        backorder,
        fulfillment,
    } = outcome.value;
    let section = render::Section {
        key: "fulfillment",
        json: json::fulfillment(&fulfillment),
        items: &[fulfillment],
        line: render::fulfillment,
    };
    session
        .out
        .write_backorder(outcome.applied, &backorder, section);
    Ok(())
}
