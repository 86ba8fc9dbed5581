//! `backorders events`: the outbox, newest last.

use backorders_cli::json;
use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_host::{CallError, OutboxEvent};
use serde_json::Value;

use super::render::or_none;
use super::table::{self, Column};
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many of the newest events to show
    #[arg(long, value_name = "N", default_value_t = 50)]
    limit: u32,
}

const COLUMNS: &[Column<OutboxEvent>] = &[
    ("SEQ", |stored| stored.seq.to_string()),
    ("AT", |stored| format_time(stored.event.at)),
    ("KIND", |stored| stored.event.kind.wire_name().to_owned()),
    ("BACKORDER", |stored| stored.event.backorder_id.clone()),
    ("SKU", |stored| stored.event.sku.clone()),
    ("ALLOCATION", |stored| {
        or_none(stored.event.allocation_id.as_deref()).to_owned()
    }),
    ("QUANTITY", |stored| {
        let quantity = stored.event.quantity;
        quantity.map_or_else(|| "-".to_owned(), |quantity| quantity.to_string())
    }),
    ("STATUS", |stored| {
        stored.event.status.wire_name().to_owned()
    }),
];

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    print(session, args.limit)
}

pub fn print(session: &mut Session, limit: u32) -> Result<(), CallError> {
    let events = session.backorders.events(limit)?;
    session.out.read(
        || Value::Array(events.iter().map(json::outbox_event).collect()),
        || table::render(COLUMNS, &events),
    );
    Ok(())
}
