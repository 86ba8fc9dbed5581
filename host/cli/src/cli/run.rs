//! The human text of `backorders receive`, `allocate-available` and
//! `expire`: allocation runs over a SKU's stock, and the expiry of
//! reserved allocations.

use backorders_host::names::WireName;
use backorders_host::{AllocationRun, ExpiryResult};

use super::render::{self, location, or_none, prefixed, time_or_none};
use super::table::Table;

/// A run as a heading and one row per backorder it considered.
pub fn run_text(run: &AllocationRun) -> String {
    let reference = prefixed(" ", run.source_ref.as_deref());
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

pub fn expiry_text(result: &ExpiryResult) -> String {
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
