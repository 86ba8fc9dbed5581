//! The human text of `backorders receive`, `allocate-available` and
//! `expire`: allocation runs over a SKU's stock, and the expiry of
//! reserved allocations.

use backorders_host::names::WireName;
use backorders_host::{AllocationRun, ExpiryResult, RunLine, Unserved};

use super::render::{self, location, or_none, prefixed, date_or_none, time_or_none};
use super::table::{self, Column};

const RUN_COLUMNS: &[Column<RunLine>] = &[
    ("BACKORDER", |line| line.backorder_id.clone()),
    ("PRIORITY", |line| line.priority.wire_name().to_owned()),
    ("PROMISED", |line| date_or_none(line.promised_date)),
    ("CREATED", |line| time_or_none(Some(line.created_at))),
    ("NEEDED", |line| line.needed.to_string()),
    ("ALLOCATED", |line| line.allocated.to_string()),
    ("ALLOCATION", |line| {
        or_none(line.allocation_id.as_deref()).to_owned()
    }),
    ("VIA", |line| {
        if line.from_claim {
            "its claim"
        } else {
            "priority"
        }
        .to_owned()
    }),
    ("SHORTFALL", |line| {
        or_none(line.shortfall.map(WireName::wire_name)).to_owned()
    }),
];

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
    text + &table::render(RUN_COLUMNS, &run.lines) + &unserved_text(run.unserved.as_ref())
}

/// The line after a run's table: who still waits at its location.
fn unserved_text(unserved: Option<&Unserved>) -> String {
    let Some(unserved) = unserved else { return String::new() };
    if unserved.count == 0 {
        return "nothing else waits here\n".to_owned();
    }
    let names: Vec<String> = unserved
        .next_in_line
        .iter()
        .map(|waiting| format!("{} (lacks {})", waiting.backorder_id, waiting.lacking))
        .collect();
    let more = if unserved.count > names.len() as u64 { ", ..." } else { "" };
    format!(
        "{}{} open backorders still wait here; next in line: {}{more}\n",
        if unserved.at_least { "at least " } else { "" },
        unserved.count,
        names.join(", "),
    )
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
