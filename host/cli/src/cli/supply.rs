//! `backorders expect-supply` and `backorders supply`: supply on documents
//! not yet received, and the expected dates it sets.

use backorders_cli::operations::{EXPECT_SUPPLY, LIST_EXPECTED_SUPPLY};
use backorders_host::names::WireName;
use backorders_host::{dates, CallError, ExpectedSupply, Mode, SourceKind};

use super::args::{wire, Retryable};
use super::render::{location, time_or_none};
use super::table::Table;
use super::{operation, Session};

/// Named as the table's parameters, which it is serialized into.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ExpectArgs {
    #[arg(long, value_name = "S")]
    sku: String,
    /// Units expected
    #[arg(long, value_name = "N")]
    quantity: u64,
    /// When they arrive: a date or an RFC 3339 time
    #[arg(long, visible_alias = "date", value_name = "D")]
    expected_at: String,
    /// purchase_order, transfer or production
    #[arg(long, value_name = "SOURCE", value_parser = wire::<SourceKind>())]
    #[serde(serialize_with = "operation::wire")]
    source: SourceKind,
    /// The document (PO-1042)
    #[arg(long, value_name = "R")]
    source_ref: String,
    #[arg(long, value_name = "L")]
    location: Option<String>,
    #[command(flatten)]
    #[serde(flatten)]
    guards: Retryable,
}

#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ListArgs {
    #[arg(long, value_name = "S")]
    sku: Option<String>,
}

fn supply_table(supplies: &[ExpectedSupply]) -> String {
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

pub fn expect(session: &mut Session, args: ExpectArgs) -> Result<(), CallError> {
    operation::run(session, &EXPECT_SUPPLY, &args, args.guards.mode(), |plan| {
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
        supply_table(std::slice::from_ref(&plan.supply)) + &table.render()
    })
}

pub fn list(session: &mut Session, args: ListArgs) -> Result<(), CallError> {
    operation::run(
        session,
        &LIST_EXPECTED_SUPPLY,
        &args,
        Mode::Preview,
        |supplies| supply_table(supplies),
    )
}
