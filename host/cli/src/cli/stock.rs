//! `backorders stock set|add|adjust|show`: the platform's stock. `set` (a
//! count) and `adjust` (units found or lost) go through the component,
//! which decides who loses reserved units; `add` is the host's own; all
//! three are table commands (`super::commands::Stock`); `show` reads the
//! host directly.

use backorders_cli::json;
use backorders_host::names::WireName;
use backorders_host::{CallError, StockAdjustment, StockLevel};
use clap::Subcommand;
use serde_json::Value;

use super::commands;
use super::operation::Table;
use super::render::location;
use super::table::{self, Column};
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: StockCommand,
}

#[derive(Debug, Subcommand)]
enum StockCommand {
    #[command(flatten)]
    Change(Table<commands::Stock>),
    /// Show stock, of one SKU or all
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    #[arg(long, value_name = "S")]
    sku: Option<String>,
}

const COLUMNS: &[Column<StockLevel>] = &[
    ("SKU", |level| level.sku.clone()),
    ("LOCATION", |level| {
        location(level.location.as_deref()).to_owned()
    }),
    ("ON HAND", |level| level.on_hand.to_string()),
    ("RESERVED", |level| level.reserved.to_string()),
    ("AVAILABLE", |level| level.available().to_string()),
];

fn table(levels: &[StockLevel]) -> String {
    table::render(COLUMNS, levels)
}

/// One stock level as the table of `stock show`.
pub fn level(level: &StockLevel) -> String {
    table(std::slice::from_ref(level))
}

/// A count or correction: the level after it, then who lost reserved
/// units, one line each, in the order they lost them.
pub fn adjustment(adjustment: &StockAdjustment) -> String {
    let mut text = level(&adjustment.level());
    text.push_str(&format!("on hand was {}\n", adjustment.on_hand_before));
    for loss in &adjustment.released {
        text.push_str(&format!(
            "{} ({}) lost {} reserved units of {}; now {}\n",
            loss.backorder_id,
            loss.priority.wire_name(),
            loss.quantity,
            loss.allocation_id,
            loss.status.wire_name(),
        ));
    }
    text
}

pub fn print_levels(session: &mut Session, sku: Option<&str>) -> Result<(), CallError> {
    let levels = session.backorders.stock_show(sku)?;
    session.out.read(
        || {
            Value::Array(
                levels
                    .iter()
                    .map(|level| Value::Object(json::stock_level(level)))
                    .collect(),
            )
        },
        || table(&levels),
    );
    Ok(())
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    match args.command {
        StockCommand::Change(change) => change.run(session),
        StockCommand::Show(show) => print_levels(session, show.sku.as_deref()),
    }
}
