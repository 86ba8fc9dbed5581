//! `backorders receive`, `allocate-available` and `expire`: allocation runs
//! over a SKU's stock, and the expiry of reserved allocations.

use backorders_cli::operations::{ALLOCATE_AVAILABLE, EXPIRE_ALLOCATIONS, RECEIVE};
use backorders_host::names::WireName;
use backorders_host::{AllocationPolicy, AllocationRun, CallError, ExpiryResult};

use super::args::{wire, Retryable, Source};
use super::render::{self, location, or_none, time_or_none};
use super::table::Table;
use super::{operation, Session};

/// What every allocation run takes; named as the table's parameters,
/// which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct RunArgs {
    #[arg(long, value_name = "S")]
    sku: String,
    /// [default: the default location]
    #[arg(long, value_name = "L")]
    location: Option<String>,
    /// How backorders are ordered [default: strict_priority]
    #[arg(long, value_name = "POLICY", value_parser = wire::<AllocationPolicy>())]
    #[serde(serialize_with = "operation::optional_wire")]
    policy: Option<AllocationPolicy>,
    #[command(flatten)]
    #[serde(flatten)]
    source: Source,
    /// Expiry of the new allocations: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    expires_at: Option<String>,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Retryable,
}

#[derive(Debug, clap::Args, serde::Serialize)]
pub struct AvailableArgs {
    #[command(flatten)]
    #[serde(flatten)]
    run: RunArgs,
    /// Units that just arrived on --source-ref (consumes its expected supply)
    #[arg(long, value_name = "N")]
    received: Option<u64>,
}

#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ReceiveArgs {
    /// Units received: added to stock, then allocated in the same transaction
    #[arg(long, value_name = "N")]
    quantity: u64,
    #[command(flatten)]
    #[serde(flatten)]
    run: RunArgs,
}

#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ExpireArgs {
    /// Do not offer the units of expired allocations again (by default they
    /// go to the waiting backorders by strict priority)
    #[arg(long)]
    #[serde(rename = "reallocate", serialize_with = "operation::negated")]
    no_reallocate: bool,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Retryable,
}

/// A run as a heading and one row per backorder it considered.
pub fn run_text(run: &AllocationRun) -> String {
    let reference = run
        .source_ref
        .as_deref()
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    let text = format!(
        "{} at {}: {} policy, from {}{reference}: {} available, {} allocated\n",
        run.sku,
        location(run.location.as_deref()),
        run.policy.wire_name(),
        run.source.wire_name(),
        run.available,
        run.allocated,
    );
    let mut table = Table::new(&[
        "BACKORDER",
        "PRIORITY",
        "PROMISED",
        "CREATED",
        "NEEDED",
        "ALLOCATED",
        "ALLOCATION",
        "VIA",
        "SHORTFALL",
    ]);
    for line in &run.lines {
        table.row(vec![
            line.backorder_id.clone(),
            line.priority.wire_name().to_owned(),
            time_or_none(line.promised_date),
            time_or_none(Some(line.created_at)),
            line.needed.to_string(),
            line.allocated.to_string(),
            or_none(line.allocation_id.as_deref()).to_owned(),
            if line.from_claim {
                "its claim"
            } else {
                "priority"
            }
            .to_owned(),
            or_none(line.shortfall.map(WireName::wire_name)).to_owned(),
        ]);
    }
    text + &table.render()
}

fn expiry_text(result: &ExpiryResult) -> String {
    let mut text = format!("{} allocations expired\n", result.expired.len());
    for allocation in &result.expired {
        text += &render::allocation(allocation);
    }
    for run in &result.runs {
        text += &run_text(run);
    }
    if result.more {
        text += "more allocations are past their expiry: run it again\n";
    }
    text
}

pub fn allocate_available(session: &mut Session, args: AvailableArgs) -> Result<(), CallError> {
    operation::run(
        session,
        &ALLOCATE_AVAILABLE,
        &args,
        args.run.guards.mode(),
        run_text,
    )
}

pub fn receive(session: &mut Session, args: ReceiveArgs) -> Result<(), CallError> {
    operation::run(session, &RECEIVE, &args, args.run.guards.mode(), run_text)
}

pub fn expire(session: &mut Session, args: ExpireArgs) -> Result<(), CallError> {
    operation::run(
        session,
        &EXPIRE_ALLOCATIONS,
        &args,
        args.guards.mode(),
        expiry_text,
    )
}
