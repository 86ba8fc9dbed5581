//! `backorders receive`, `allocate-available` and `expire`: allocation runs
//! over a SKU's stock, and the expiry of reserved allocations.

use backorders_host::names::WireName;
use backorders_cli::json;
use backorders_host::{AllocationPolicy, AllocationRun, AllocationRunRequest, CallError, ExpiryRequest, ExpiryResult};

use super::args::{self, wire, Apply, RequestId, Source};
use super::render::{self, location, or_none, time_or_none};
use super::table::Table;
use super::Session;

/// What every allocation run takes.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
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
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    apply: Apply,
}

impl RunArgs {
    fn request(self, received: Option<u64>) -> Result<(AllocationRunRequest, Apply), CallError> {
        let request = AllocationRunRequest {
            expires_at: args::time("expires_at", self.expires_at.as_deref())?,
            sku: self.sku,
            location: self.location,
            policy: self.policy,
            source: self.source.source,
            source_ref: self.source.source_ref,
            received,
            request_id: self.request_id.request_id,
        };
        Ok((request, self.apply))
    }
}

#[derive(Debug, clap::Args)]
pub struct AvailableArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Units that just arrived on --source-ref (consumes its expected supply)
    #[arg(long, value_name = "N")]
    received: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub struct ReceiveArgs {
    /// Units received: added to stock, then allocated in the same transaction
    #[arg(long, value_name = "N")]
    quantity: u64,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, clap::Args)]
pub struct ExpireArgs {
    /// Do not offer the units of expired allocations again (by default they
    /// go to the waiting backorders by strict priority)
    #[arg(long)]
    no_reallocate: bool,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    apply: Apply,
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
            if line.from_claim { "its claim" } else { "priority" }.to_owned(),
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
    let (request, apply) = args.run.request(args.received)?;
    let outcome = session
        .backorders
        .allocate_available(&request, apply.mode())?;
    show_run(session, outcome.applied, &outcome.value);
    Ok(())
}

pub fn receive(session: &mut Session, args: ReceiveArgs) -> Result<(), CallError> {
    let (request, apply) = args.run.request(Some(args.quantity))?;
    let outcome = session
        .backorders
        .receive(args.quantity, &request, apply.mode())?;
    show_run(session, outcome.applied, &outcome.value);
    Ok(())
}

fn show_run(session: &Session, applied: bool, run: &AllocationRun) {
    session
        .out
        .write(applied, json::allocation_run(run), || run_text(run));
}

pub fn expire(session: &mut Session, args: ExpireArgs) -> Result<(), CallError> {
    let outcome = session.backorders.expire_allocations(
        &ExpiryRequest {
            reallocate: !args.no_reallocate,
            request_id: args.request_id.request_id,
        },
        args.apply.mode(),
    )?;
    let result = outcome.value;
    session
        .out
        .write(outcome.applied, json::expiry_result(&result), || {
            expiry_text(&result)
        });
    Ok(())
}
