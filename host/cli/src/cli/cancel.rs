//! `backorders cancel`

use backorders_cli::json;
use backorders_host::{CallError, CancelRequest, CancelResult};
use serde_json::Value;

use super::args::{Apply, ExpectedVersion, RequestId};
use super::{render, Session};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    /// Units to cancel [default: all remaining]
    #[arg(long, value_name = "N")]
    quantity: Option<u64>,
    #[arg(long, value_name = "T")]
    reason: Option<String>,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    version: ExpectedVersion,
    #[command(flatten)]
    apply: Apply,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    let request = CancelRequest {
        backorder_id: args.backorder_id,
        quantity: args.quantity,
        reason: args.reason,
        request_id: args.request_id.request_id,
        expected_version: args.version.expected_version,
    };
    let outcome = session
        .backorders
        .cancel_backorder(&request, args.apply.mode())?;
    let CancelResult {
        backorder,
        released,
    } = outcome.value;
    let section = render::Section {
        key: "released",
        json: Value::Array(released.iter().map(json::allocation).collect()),
        items: &released,
        line: render::allocation,
    };
    session
        .out
        .write_backorder(outcome.applied, &backorder, section);
    Ok(())
}
