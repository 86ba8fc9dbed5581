//! `backorders events`: the outbox, newest last.

use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_cli::json;
use backorders_host::{CallError};
use serde_json::Value;

use super::render::or_none;
use super::table::Table;
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many of the newest events to show
    #[arg(long, value_name = "N", default_value_t = 50)]
    limit: u32,
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    print(session, args.limit)
}

pub fn print(session: &mut Session, limit: u32) -> Result<(), CallError> {
    let events = session.backorders.events(limit)?;
    session.out.read(
        || Value::Array(events.iter().map(json::outbox_event).collect()),
        || {
            let mut table = Table::new(&[
                "SEQ",
                "AT",
                "KIND",
                "BACKORDER",
                "SKU",
                "ALLOCATION",
                "QUANTITY",
                "STATUS",
            ]);
            for stored in &events {
                let event = &stored.event;
                table.row(vec![
                    stored.seq.to_string(),
                    format_time(event.at),
                    event.kind.wire_name().to_owned(),
                    event.backorder_id.clone(),
                    event.sku.clone(),
                    or_none(event.allocation_id.as_deref()).to_owned(),
                    event
                        .quantity
                        .map_or_else(|| "-".to_owned(), |quantity| quantity.to_string()),
                    event.status.wire_name().to_owned(),
                ]);
            }
            table.render()
        },
    );
    Ok(())
}
