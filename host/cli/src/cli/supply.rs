//! The human text of `backorders expect` and `backorders expected`: supply
//! on documents not yet received, and the expected dates it sets.

use backorders_host::names::WireName;
use backorders_host::{dates, ExpectedSupply, PromisePlan};

use super::render::{location, time_or_none};
use super::table::Table;

/// Expected supply, one row per document.
pub fn supplies(supplies: &[ExpectedSupply]) -> String {
    let mut table = Table::new(&[
        "SKU",
        "SOURCE",
        "REFERENCE",
        "QUANTITY",
        "EXPECTED AT",
        "LOCATION",
    ]);
    for supply in supplies {
        table.row(vec![
            supply.sku.clone(),
            supply.source.wire_name().to_owned(),
            supply.source_ref.clone(),
            supply.quantity.to_string(),
            dates::format_time(supply.expected_at),
            location(supply.location.as_deref()).to_owned(),
        ]);
    }
    table.render()
}

/// The supply recorded, then the backorders whose expected date it sets.
pub fn plan(plan: &PromisePlan) -> String {
    let mut table = Table::new(&[
        "BACKORDER",
        "PRIORITY",
        "QUANTITY",
        "EXPECTED",
        "PROMISED",
        "AT RISK",
    ]);
    for line in &plan.lines {
        table.row(vec![
            line.backorder_id.clone(),
            line.priority.wire_name().to_owned(),
            line.quantity.to_string(),
            dates::format_time(line.expected_date),
            time_or_none(line.promised_date),
            if line.at_risk { "yes" } else { "no" }.to_owned(),
        ]);
    }
    supplies(std::slice::from_ref(&plan.supply)) + &table.render()
}
