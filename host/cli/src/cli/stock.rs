//! `backorders stock set|add|show`: the platform's stock, which the
//! component only reserves and ships from.

use backorders_cli::json;
use backorders_host::{CallError, StockLevel};
use clap::Subcommand;
use serde_json::Value;

use super::args::Apply;
use super::render::location;
use super::table::Table;
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: StockCommand,
}

#[derive(Debug, Subcommand)]
enum StockCommand {
    /// Set the units on hand (a stock count)
    Set(ChangeArgs),
    /// Add received units
    Add(ChangeArgs),
    /// Show stock, of one SKU or all
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
struct ChangeArgs {
    #[arg(long, value_name = "S")]
    sku: String,
    #[arg(long, value_name = "N")]
    quantity: u64,
    /// [default: the default location]
    #[arg(long, value_name = "L")]
    location: Option<String>,
    #[command(flatten)]
    apply: Apply,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    #[arg(long, value_name = "S")]
    sku: Option<String>,
}

fn table(levels: &[StockLevel]) -> String {
    let mut table = Table::new(&["SKU", "LOCATION", "ON HAND", "RESERVED", "AVAILABLE"]);
    for level in levels {
        table.row(vec![
            level.sku.clone(),
            location(level.location.as_deref()).to_owned(),
            level.on_hand.to_string(),
            level.reserved.to_string(),
            level.available().to_string(),
        ]);
    }
    table.render()
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
    let changed = match args.command {
        StockCommand::Set(change) => session.backorders.stock_set(
            &change.sku,
            change.location.as_deref(),
            change.quantity,
            change.apply.mode(),
        )?,
        StockCommand::Add(change) => session.backorders.stock_add(
            &change.sku,
            change.location.as_deref(),
            change.quantity,
            change.apply.mode(),
        )?,
        StockCommand::Show(show) => return print_levels(session, show.sku.as_deref()),
    };
    let level = changed.value;
    session
        .out
        .write(changed.applied, json::stock_level(&level), || {
            table(std::slice::from_ref(&level))
        });
    Ok(())
}
