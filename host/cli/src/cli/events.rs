//! `backorders events`: the outbox, newest last; `--follow` prints new
//! events as they are committed; `prune` removes delivered old ones.

use std::sync::Arc;
use std::time::Duration;

use backorders_cli::database::Database;
use backorders_cli::json;
use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_host::provider::Clock;
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
    /// Print events as they are committed, one JSON line each, until
    /// stopped
    #[arg(long)]
    follow: bool,
    /// With --follow: start after this seq instead of after the newest
    #[arg(long, value_name = "SEQ", requires = "follow")]
    after: Option<i64>,
    /// With --follow: how often to look for new events
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = humantime::parse_duration)]
    interval: Duration,
    #[command(subcommand)]
    command: Option<EventsCommand>,
}

#[derive(Debug, clap::Subcommand)]
enum EventsCommand {
    /// Remove events recorded before an age that every webhook endpoint is
    /// done with (none that an endpoint still waits for or a dead-letter
    /// row needs)
    Prune {
        /// The age (30d, 12h)
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        older_than: Duration,
        #[arg(long)]
        apply: bool,
    },
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

pub fn run(
    session: &mut Session,
    database: &Database,
    clock: Arc<dyn Clock>,
    args: Args,
) -> Result<(), CallError> {
    match args.command {
        Some(EventsCommand::Prune { older_than, apply }) => {
            let age = i64::try_from(older_than.as_millis()).unwrap_or(i64::MAX);
            let before = clock.now().saturating_sub(age);
            let pruned = database.deliveries(false)?.prune_events(before, apply)?;
            let human = format!("pruned {} events recorded before {}\n", pruned.events, format_time(before));
            super::webhooks::write_one(&session.out, apply, json::pruned(&pruned), human);
            Ok(())
        }
        None if args.follow => follow(session, database, args.after, args.interval),
        None => print(session, args.limit),
    }
}

/// Events read per look when following.
const FOLLOW_BATCH: u32 = 500;

/// `events --follow`: JSON lines, oldest first, until stopped. The
/// database is opened again for every look, so a file that does not exist
/// yet is followed once it does.
fn follow(session: &Session, database: &Database, after: Option<i64>, interval: Duration) -> Result<(), CallError> {
    let mut cursor = match after {
        Some(seq) => seq,
        None => session.backorders.events(1)?.last().map_or(0, |newest| newest.seq),
    };
    loop {
        let events = database.deliveries(false)?.events_after(cursor, FOLLOW_BATCH)?;
        for stored in &events {
            println!("{}", json::outbox_event(stored));
            cursor = stored.seq;
        }
        if events.len() < FOLLOW_BATCH as usize {
            std::thread::sleep(interval);
        }
    }
}

pub fn print(session: &mut Session, limit: u32) -> Result<(), CallError> {
    let events = session.backorders.events(limit)?;
    session.out.read(
        || Value::Array(events.iter().map(json::outbox_event).collect()),
        || table::render(COLUMNS, &events),
    );
    Ok(())
}
