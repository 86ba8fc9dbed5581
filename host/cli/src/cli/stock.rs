//! `backorders stock set|add|show`: the platform's stock, which the
//! component only reserves and ships from. `set` and `add` are table
//! commands (`super::commands::Stock`); `show` reads the host directly.

use backorders_cli::json;
use backorders_host::{CallError, StockLevel};
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
