//! `backorders allocate`, `confirm`, `release`, `extend`: the commands that
//! change one allocation and show the backorder with it.

use backorders_cli::operations::{
    ALLOCATE_BACKORDER, CONFIRM_ALLOCATION, EXTEND_ALLOCATION, RELEASE_ALLOCATION,
};
use backorders_host::{AllocationResult, CallError};

use super::args::{Guarded, Source};
use super::{operation, render, Session};

/// Named as the table's parameters, which they are serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct AllocateArgs {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    /// Units to allocate
    #[arg(long, value_name = "N")]
    quantity: u64,
    #[command(flatten)]
    #[serde(flatten)]
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
    #[serde(flatten)]
    guards: Guarded,
}

#[derive(Debug, clap::Args, serde::Serialize)]
pub struct IdArgs {
    /// The allocation id (AL-NNNNNN)
    allocation_id: String,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Guarded,
}

#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ExtendArgs {
    /// The allocation id (AL-NNNNNN)
    allocation_id: String,
    /// The new expiry: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    expires_at: String,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Guarded,
}

/// The backorder's card with the allocation the write touched.
fn show(result: &AllocationResult) -> String {
    let allocation = std::slice::from_ref(&result.allocation);
    render::with_section(
        render::card(&result.backorder),
        "allocation",
        allocation,
        render::allocation,
    )
}

pub fn allocate(session: &mut Session, args: AllocateArgs) -> Result<(), CallError> {
    operation::run(
        session,
        &ALLOCATE_BACKORDER,
        &args,
        args.guards.mode(),
        show,
    )
}

pub fn confirm(session: &mut Session, args: IdArgs) -> Result<(), CallError> {
    operation::run(
        session,
        &CONFIRM_ALLOCATION,
        &args,
        args.guards.mode(),
        show,
    )
}

pub fn release(session: &mut Session, args: IdArgs) -> Result<(), CallError> {
    operation::run(
        session,
        &RELEASE_ALLOCATION,
        &args,
        args.guards.mode(),
        show,
    )
}

pub fn extend(session: &mut Session, args: ExtendArgs) -> Result<(), CallError> {
    operation::run(session, &EXTEND_ALLOCATION, &args, args.guards.mode(), show)
}
