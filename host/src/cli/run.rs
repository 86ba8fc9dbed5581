//! `backorders allocate-available` and `backorders expire`: allocation runs
//! over a SKU's stock, and the expiry of reserved allocations.

use backorders_host::names::WireName;
use backorders_host::{
    json, AllocationPolicy, AllocationRun, AllocationRunRequest, CallError, ExpiryResult,
};

use super::args::{self, wire, Apply, Source};
use super::render::{self, location, or_none, time_or_none};
use super::table::Table;
use super::Session;

#[derive(Debug, clap::Args)]
pub struct AvailableArgs {
    #[arg(long, value_name = "S")]
    sku: String,
    /// [default: the default location]
    #[arg(long, value_name = "L")]
    location: Option<String>,
    /// How backorders are ordered [default: strict_priority]
    #[arg(long, value_name = "POLICY", value_parser = wire::<AllocationPolicy>())]
    policy: Option<AllocationPolicy>,
    #[command(flatten)]
    source: Source,
    /// Expiry of the new allocations: a date or an RFC 3339 time
    #[arg(long, value_name = "D")]
    expires_at: Option<String>,
    /// Units that just arrived on --source-ref
    #[arg(long, value_name = "N")]
    received: Option<u64>,
    #[command(flatten)]
    apply: Apply,
}

#[derive(Debug, clap::Args)]
pub struct ExpireArgs {
    /// Offer the units of expired allocations again, by strict priority
    #[arg(long)]
    reallocate: bool,
    #[command(flatten)]
    apply: Apply,
}

/// A run as a heading and one row per backorder it considered.
fn run_text(run: &AllocationRun) -> String {
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
        "NEEDED",
        "ALLOCATED",
        "ALLOCATION",
        "SHORTFALL",
    ]);
    for line in &run.lines {
        table.row(vec![
            line.backorder_id.clone(),
            line.priority.wire_name().to_owned(),
            time_or_none(line.promised_date),
            line.needed.to_string(),
            line.allocated.to_string(),
            or_none(line.allocation_id.as_deref()).to_owned(),
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
    let request = AllocationRunRequest {
        expires_at: args::time("expires_at", args.expires_at.as_deref())?,
        sku: args.sku,
        location: args.location,
        policy: args.policy,
        source: args.source.source,
        source_ref: args.source.source_ref,
        received: args.received,
    };
    let outcome = session
        .backorders
        .allocate_available(&request, args.apply.mode())?;
    let run = outcome.value;
    session
        .out
        .write(outcome.applied, json::allocation_run(&run), || {
            run_text(&run)
        });
    Ok(())
}

pub fn expire(session: &mut Session, args: ExpireArgs) -> Result<(), CallError> {
    let outcome = session
        .backorders
        .expire_allocations(args.reallocate, args.apply.mode())?;
    let result = outcome.value;
    session
        .out
        .write(outcome.applied, json::expiry_result(&result), || {
            expiry_text(&result)
        });
    Ok(())
}
