//! `backorders expect-supply` and `backorders supply`: supply on documents
//! not yet received, and the expected dates it sets.

use backorders_host::names::WireName;
use backorders_cli::json;
use backorders_host::{dates, CallError, ExpectedSupply, SourceKind, SupplyExpectation};
use serde_json::Value;

use super::args::{wire, Apply, RequestId};
use super::render::{location, time_or_none};
use super::table::Table;
use super::Session;

#[derive(Debug, clap::Args)]
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
    source: SourceKind,
    /// The document (PO-1042)
    #[arg(long, value_name = "R")]
    source_ref: String,
    #[arg(long, value_name = "L")]
    location: Option<String>,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    apply: Apply,
}

#[derive(Debug, clap::Args)]
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
    let request = SupplyExpectation {
        expected_at: dates::parse_time("expected_at", &args.expected_at)?,
        sku: args.sku,
        quantity: args.quantity,
        source: args.source,
        source_ref: args.source_ref,
        location: args.location,
        request_id: args.request_id.request_id,
    };
    let outcome = session
        .backorders
        .expect_supply(&request, args.apply.mode())?;
    let plan = outcome.value;
    session
        .out
        .write(outcome.applied, json::promise_plan(&plan), || {
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
        });
    Ok(())
}

pub fn list(session: &mut Session, args: ListArgs) -> Result<(), CallError> {
    let supplies = session
        .backorders
        .list_expected_supply(args.sku.as_deref())?;
    session.out.read(
        || Value::Array(supplies.iter().map(json::expected_supply).collect()),
        || supply_table(&supplies),
    );
    Ok(())
}
