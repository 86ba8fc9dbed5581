//! `backorders webhooks add|list|remove|deliver|failed|retry`: endpoints
//! that receive the event outbox, and the relay that delivers it (the
//! `backorders-webhooks` crate; README "Notifications").

use std::sync::Arc;
use std::time::Duration;

use backorders_cli::database::Database;
use backorders_cli::json;
use backorders_host::dates::format_time;
use backorders_host::provider::deliveries::{Endpoint, FailedDelivery};
use backorders_host::provider::Clock;
use backorders_host::CallError;
use backorders_webhooks::{Pass, Relay, Settings};
use clap::Subcommand;
use serde_json::{json, Value};

use super::output::Output;
use super::render::{or_none, time_or_none};
use super::table::{self, Column};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: WebhooksCommand,
}

#[derive(Debug, Subcommand)]
enum WebhooksCommand {
    /// Add an endpoint; it receives the events committed from now on (or --from)
    Add {
        /// Where events are POSTed (http or https)
        url: String,
        /// The signing secret (whsec_ and a base64 key of 24 to 64 bytes);
        /// generated and shown once when not given
        #[arg(long, value_name = "whsec_…")]
        secret: Option<String>,
        /// Only these event kinds (backorder_created,…); all when not given
        #[arg(long, value_delimiter = ',', value_name = "KIND,KIND")]
        types: Vec<String>,
        /// Deliver the events after this outbox seq (0: the whole outbox)
        /// instead of only those committed from now on
        #[arg(long, value_name = "SEQ")]
        from: Option<i64>,
        #[arg(long)]
        apply: bool,
    },
    /// The endpoints and where their delivery stands
    List,
    /// Remove an endpoint and its dead letter
    Remove {
        id: i64,
        #[arg(long)]
        apply: bool,
    },
    /// Deliver the outbox to every endpoint, then exit (or keep going)
    Deliver(DeliverArgs),
    /// The dead letter: events an endpoint did not take within the schedule
    Failed,
    /// Ask the relay for one more attempt at a dead-letter row
    Retry {
        id: i64,
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Debug, clap::Args)]
struct DeliverArgs {
    /// Keep delivering new events as they are committed
    #[arg(long)]
    follow: bool,
    /// Exit at once when another relay holds the lease, instead of waiting
    /// for it
    #[arg(long)]
    once: bool,
    /// How often to look for new events (--follow) or for a free lease
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = humantime::parse_duration)]
    interval: Duration,
    /// How long one request may take
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    timeout: Duration,
    /// How long the relay lease lasts unless renewed (longer than --timeout):
    /// how long a relay that died holds up the next
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    lease: Duration,
}

const ENDPOINT_COLUMNS: &[Column<Endpoint>] = &[
    ("ID", |endpoint| endpoint.id.to_string()),
    ("URL", |endpoint| endpoint.url.clone()),
    ("TYPES", |endpoint| {
        if endpoint.types.is_empty() {
            "all".to_owned()
        } else {
            endpoint.types.join(",")
        }
    }),
    ("CURSOR", |endpoint| endpoint.cursor.to_string()),
    ("ATTEMPTS", |endpoint| endpoint.attempts.to_string()),
    ("NEXT ATTEMPT", |endpoint| time_or_none(endpoint.next_attempt_at)),
    ("LAST ERROR", |endpoint| or_none(endpoint.last_error.as_deref()).to_owned()),
    ("DISABLED", |endpoint| time_or_none(endpoint.disabled_at)),
];

const FAILURE_COLUMNS: &[Column<FailedDelivery>] = &[
    ("ID", |failure| failure.id.to_string()),
    ("ENDPOINT", |failure| failure.endpoint_id.to_string()),
    ("SEQ", |failure| failure.seq.to_string()),
    ("ATTEMPTS", |failure| failure.attempts.to_string()),
    ("LAST ERROR", |failure| failure.last_error.clone()),
    ("FAILED AT", |failure| format_time(failure.failed_at)),
    ("RETRY", |failure| if failure.retry_requested { "requested" } else { "-" }.to_owned()),
];

fn endpoints_table(endpoints: &[Endpoint]) -> String {
    table::render(ENDPOINT_COLUMNS, endpoints)
}

fn failures_table(failures: &[FailedDelivery]) -> String {
    table::render(FAILURE_COLUMNS, failures)
}

/// The result of a write of one row: its JSON with `applied`, or `human`.
pub fn write_one(out: &Output, apply: bool, mut value: Value, human: String) {
    value["applied"] = Value::Bool(apply);
    out.write(apply, value, || human);
}

/// A list, as a JSON array or a table.
fn print_all<T>(out: &Output, items: &[T], json: fn(&T) -> Value, table: fn(&[T]) -> String) {
    out.read(|| Value::Array(items.iter().map(json).collect()), || table(items));
}

pub fn run(
    database: &Database,
    clock: Arc<dyn Clock>,
    out: &Output,
    args: Args,
) -> Result<(), CallError> {
    match args.command {
        WebhooksCommand::Add {
            url,
            secret,
            types,
            from,
            apply,
        } => {
            let new =
                backorders_webhooks::new_endpoint(&url, secret.as_deref(), &types, from, clock.now())?;
            let endpoint = database.deliveries(apply)?.add_endpoint(&new, apply)?;
            let mut value = json::webhook_endpoint(&endpoint);
            value["secret"] = Value::String(endpoint.secret.clone());
            let human = format!(
                "{}secret: {}\n(shown only now: keep it where the receiver verifies signatures)\n",
                endpoints_table(std::slice::from_ref(&endpoint)),
                endpoint.secret
            );
            write_one(out, apply, value, human);
        }
        WebhooksCommand::List => {
            let endpoints = database.deliveries(false)?.endpoints()?;
            print_all(out, &endpoints, json::webhook_endpoint, endpoints_table);
        }
        WebhooksCommand::Remove { id, apply } => {
            let removed = database.deliveries(false)?.remove_endpoint(id, apply)?;
            let human = format!("removed:\n{}", endpoints_table(std::slice::from_ref(&removed)));
            write_one(out, apply, json::webhook_endpoint(&removed), human);
        }
        WebhooksCommand::Failed => {
            let failures = database.deliveries(false)?.failed()?;
            print_all(out, &failures, json::failed_delivery, failures_table);
        }
        WebhooksCommand::Retry { id, apply } => {
            let failure = database.deliveries(false)?.request_retry(id, apply)?;
            let human = format!(
                "{}the next `webhooks deliver` tries it once more\n",
                failures_table(std::slice::from_ref(&failure))
            );
            write_one(out, apply, json::failed_delivery(&failure), human);
        }
        WebhooksCommand::Deliver(deliver) => return run_relay(database, clock, out, &deliver),
    }
    Ok(())
}

fn pass_json(pass: &Pass) -> Value {
    json!({
        "delivered": pass.delivered,
        "failed": pass.failed,
        "dead_lettered": pass.dead_lettered,
        "disabled": pass.disabled,
    })
}

fn report(out: &Output, pass: &Pass) {
    out.read(
        || pass_json(pass),
        || {
            format!(
                "delivered {}, failed attempts {}, dead-lettered {}, endpoints disabled {}\n",
                pass.delivered, pass.failed, pass.dead_lettered, pass.disabled
            )
        },
    );
}

/// `webhooks deliver`: passes until one had the lease (without --follow),
/// or forever.
fn run_relay(
    database: &Database,
    clock: Arc<dyn Clock>,
    out: &Output,
    args: &DeliverArgs,
) -> Result<(), CallError> {
    let settings = Settings {
        timeout: args.timeout,
        lease: args.lease,
    };
    let mut relay = Relay::new(database.deliveries(false)?, clock, settings)?;
    loop {
        let pass = relay.pass()?;
        if !pass.had_lease && args.once {
            eprintln!("note: another relay holds the lease; nothing delivered");
            report(out, &pass);
            return Ok(());
        }
        if pass.had_lease && !args.follow {
            relay.release()?;
            report(out, &pass);
            return Ok(());
        }
        if pass != (Pass { had_lease: true, ..Pass::default() }) && pass.had_lease {
            report(out, &pass);
        }
        std::thread::sleep(args.interval);
    }
}
