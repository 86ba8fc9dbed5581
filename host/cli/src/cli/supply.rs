//! The human text of `backorders expect` and `backorders expected`: supply
//! on documents not yet received, and the expected dates it sets.

use backorders_host::names::WireName;
use backorders_host::{dates, ExpectedSupply, PromiseLine, PromisePlan};

use super::render::{date_or_none, location};
use super::table::{self, Column};

const SUPPLY_COLUMNS: &[Column<ExpectedSupply>] = &[
    ("SKU", |supply| supply.sku.clone()),
    ("SOURCE", |supply| supply.source.wire_name().to_owned()),
    ("REFERENCE", |supply| supply.source_ref.clone()),
    ("QUANTITY", |supply| supply.quantity.to_string()),
    ("EXPECTED AT", |supply| {
        dates::format_date(supply.expected_at)
    }),
    ("LOCATION", |supply| {
        location(supply.location.as_deref()).to_owned()
    }),
];

const PLAN_COLUMNS: &[Column<PromiseLine>] = &[
    ("BACKORDER", |line| line.backorder_id.clone()),
    ("PRIORITY", |line| line.priority.wire_name().to_owned()),
    ("QUANTITY", |line| line.quantity.to_string()),
    ("EXPECTED", |line| dates::format_date(line.expected_date)),
    ("PROMISED", |line| date_or_none(line.promised_date)),
    ("AT RISK", |line| {
        if line.at_risk { "yes" } else { "no" }.to_owned()
    }),
];

/// Expected supply, one row per document.
pub fn supplies(supplies: &[ExpectedSupply]) -> String {
    table::render(SUPPLY_COLUMNS, supplies)
}

/// The supply recorded, then the backorders whose expected date it sets.
pub fn plan(plan: &PromisePlan) -> String {
    supplies(std::slice::from_ref(&plan.supply)) + &table::render(PLAN_COLUMNS, &plan.lines)
}
