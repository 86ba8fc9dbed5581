//! `backorders allocate`, `confirm`, `release`, `extend`: the commands that
//! change one allocation and show the backorder with it.

use backorders_cli::json;
use backorders_host::{dates, AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, CallError, Outcome};

use super::args::{self, Apply, ExpectedVersion, RequestId, Source};
use super::{render, Session};

#[derive(Debug, clap::Args)]
pub struct AllocateArgs {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    /// Units to allocate
    #[arg(long, value_name = "N")]
    quantity: u64,
    #[command(flatten)]
    source: Source,
    /// [default: the backorder's location]
    #[arg(long, value_name = "L")]
    location: Option<String>,
    #[arg(long, value_name = "L")]
    lot: Option<String>,
    /// When a reserved allocation expires: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    expires_at: Option<String>,
    /// Allocate even though a more urgent backorder lacks allocation
    #[arg(long)]
    override_priority: bool,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    version: ExpectedVersion,
    #[command(flatten)]
    apply: Apply,
}

#[derive(Debug, clap::Args)]
pub struct IdArgs {
    /// The allocation id (AL-NNNNNN)
    allocation_id: String,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    version: ExpectedVersion,
    #[command(flatten)]
    apply: Apply,
}

impl IdArgs {
    fn request(&self) -> AllocationChange {
        AllocationChange {
            allocation_id: self.allocation_id.clone(),
            request_id: self.request_id.request_id.clone(),
            expected_version: self.version.expected_version,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ExtendArgs {
    /// The allocation id (AL-NNNNNN)
    allocation_id: String,
    /// The new expiry: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    expires_at: String,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    version: ExpectedVersion,
    #[command(flatten)]
    apply: Apply,
}

fn show(session: &Session, outcome: Outcome<AllocationResult>) {
    let AllocationResult {
        backorder,
        allocation,
    } = outcome.value;
    let section = render::Section {
        key: "allocation",
        json: json::allocation(&allocation),
        items: &[allocation],
        line: render::allocation,
    };
    session
        .out
        .write_backorder(outcome.applied, &backorder, section);
}

pub fn allocate(session: &mut Session, args: AllocateArgs) -> Result<(), CallError> {
    let request = AllocationRequest {
        expires_at: args::time("expires_at", args.expires_at.as_deref())?,
        backorder_id: args.backorder_id,
        quantity: args.quantity,
        source: args.source.source,
        source_ref: args.source.source_ref,
        location: args.location,
        lot: args.lot,
        override_priority: args.override_priority,
        request_id: args.request_id.request_id,
        expected_version: args.version.expected_version,
    };
    let outcome = session
        .backorders
        .allocate_backorder(&request, args.apply.mode())?;
    show(session, outcome);
    Ok(())
}

pub fn confirm(session: &mut Session, args: IdArgs) -> Result<(), CallError> {
    let outcome = session
        .backorders
        .confirm_allocation(&args.request(), args.apply.mode())?;
    show(session, outcome);
    Ok(())
}

pub fn release(session: &mut Session, args: IdArgs) -> Result<(), CallError> {
    let outcome = session
        .backorders
        .release_allocation(&args.request(), args.apply.mode())?;
    show(session, outcome);
    Ok(())
}

pub fn extend(session: &mut Session, args: ExtendArgs) -> Result<(), CallError> {
    let request = AllocationExtension {
        expires_at: dates::parse_time("expires_at", &args.expires_at)?,
        allocation_id: args.allocation_id,
        request_id: args.request_id.request_id,
        expected_version: args.version.expected_version,
    };
    let outcome = session
        .backorders
        .extend_allocation(&request, args.apply.mode())?;
    show(session, outcome);
    Ok(())
}
