//! The webhook relay: delivers the event outbox to HTTP endpoints as
//! CloudEvents 1.0 structured-mode JSON, signed as Standard Webhooks, at
//! least once, with retries on a schedule and a dead letter.
//!
//! The relay is a plain loop over a [`Deliveries`] store (the SQLite
//! provider implements it) and a blocking HTTP client; it never runs the
//! component and never takes the write path's locks for longer than one
//! small transaction per event.
//!
//! - **Order.** An endpoint gets its events in outbox order, one at a time:
//!   an event that fails holds back every later event of that endpoint
//!   until it is delivered or moved to the dead letter. So the events of one
//!   backorder arrive in order (a dead-lettered one is skipped, and arrives
//!   later if `webhooks retry` asks for it).
//! - **At least once.** The cursor moves in the same transaction that
//!   records the answer; a relay stopped between the two sends the event
//!   again, with the same `webhook-id`.
//! - **One relay at a time.** A relay works only while it holds the lease,
//!   renews it with every record, and sends only when the lease outlasts
//!   the request's timeout; a second relay waits until the lease is given
//!   up or lapses.

mod schedule;
mod sign;

use std::sync::Arc;
use std::time::Duration;

use backorders_host::dates::format_time;
use backorders_host::names::WireName;
use backorders_host::provider::deliveries::{Deliveries, Endpoint, NewEndpoint, Record};
use backorders_host::provider::{Clock, SystemClock};
use backorders_host::{EventKind, HostError, OutboxEvent, Timestamp};
use serde_json::{json, Value};

pub use schedule::{retry_delay, MAX_ATTEMPTS};
pub use sign::{generate_secret, sign, validate_secret};

/// Events read from the outbox at a time.
const BATCH: u32 = 100;

/// The CloudEvent `type` of an event kind: `backorder_created` is
/// `backorders.backorder.created`.
pub fn event_type(kind: EventKind) -> String {
    format!("backorders.{}", kind.wire_name().replacen('_', ".", 1))
}

/// The CloudEvent (and `webhook-id`) id of an outbox event: stable across
/// attempts and relays, different between databases.
pub fn event_id(database_id: &str, seq: i64) -> String {
    format!("evt_{database_id}_{seq}")
}

/// The CloudEvents 1.0 structured-mode body of an outbox event; `data` is
/// the event as `backorders events --json` shows it.
pub fn cloud_event(database_id: &str, stored: &OutboxEvent) -> Value {
    json!({
        "specversion": "1.0",
        "id": event_id(database_id, stored.seq),
        "source": format!("/backorders/{database_id}"),
        "type": event_type(stored.event.kind),
        "subject": stored.event.backorder_id,
        "time": format_time(stored.event.at),
        "datacontenttype": "application/json",
        "data": stored,
    })
}

/// Checks an endpoint to add: an http(s) URL with a host, a Standard
/// Webhooks secret (one is generated when none is given), known event
/// kinds. Errors name the field and the rule.
pub fn new_endpoint(
    url: &str,
    secret: Option<&str>,
    types: &[String],
    start_after: Option<i64>,
    now: Timestamp,
) -> Result<NewEndpoint, HostError> {
    let invalid = |field, message: String| HostError::InvalidInput { field, message };
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|error| invalid("url", format!("{url:?} is not a URL: {error}")))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return Err(invalid("url", format!("{url:?} is not an http or https URL with a host")));
    }
    let secret = match secret {
        Some(secret) => {
            validate_secret(secret)?;
            secret.to_owned()
        }
        None => generate_secret()?,
    };
    if start_after.is_some_and(|seq| seq < 0) {
        return Err(invalid("from", "must be 0 or more".to_owned()));
    }
    let mut kinds = Vec::new();
    for name in types {
        if EventKind::from_wire_name(name).is_none() {
            return Err(invalid(
                "types",
                format!("unknown event kind {name:?}; one of {}", EventKind::wire_names().join(", ")),
            ));
        }
        if !kinds.contains(name) {
            kinds.push(name.clone());
        }
    }
    Ok(NewEndpoint {
        url: url.to_owned(),
        secret,
        types: kinds,
        created_at: now,
        start_after,
    })
}

/// How a relay runs.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// How long one request may take, connecting included.
    pub timeout: Duration,
    /// How long the lease lasts unless renewed; longer than `timeout`.
    pub lease: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
        }
    }
}

/// What a pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// False when another relay holds the lease: nothing was done.
    pub had_lease: bool,
    pub delivered: u64,
    /// Attempts that failed and will be retried.
    pub failed: u64,
    pub dead_lettered: u64,
    pub disabled: u64,
}

/// How one request ended.
enum Answer {
    Delivered,
    Gone,
    Failed(String),
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The lease was taken by another relay mid-pass.
struct LeaseLost;

/// A relay over one store. Times of the retry schedule come from `clock`
/// (pinned in tests and by `--now`); the lease and the signature timestamp
/// use wall time, as other processes and the receiver see it.
pub struct Relay {
    store: Box<dyn Deliveries>,
    clock: Arc<dyn Clock>,
    agent: ureq::Agent,
    settings: Settings,
    owner: String,
    lease_until: Timestamp,
}

impl Relay {
    pub fn new(
        store: Box<dyn Deliveries>,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Result<Self, HostError> {
        if settings.timeout >= settings.lease {
            return Err(HostError::InvalidInput {
                field: "lease",
                message: "must be longer than the request timeout".to_owned(),
            });
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent();
        let mut id = [0; 8];
        getrandom::fill(&mut id).map_err(HostError::storage("make a relay id"))?;
        let owner = format!("{}-{}", std::process::id(), u64::from_le_bytes(id));
        Ok(Self {
            store,
            clock,
            agent,
            settings,
            owner,
            lease_until: 0,
        })
    }

    fn wall_now() -> Timestamp {
        SystemClock.now()
    }

    /// Takes or renews the lease; false when another relay holds it.
    fn take_lease(&mut self) -> Result<bool, HostError> {
        let now = Self::wall_now();
        let until = now + millis(self.settings.lease);
        let taken = self.store.acquire_lease(&self.owner, now, until)?;
        if taken {
            self.lease_until = until;
        }
        Ok(taken)
    }

    /// Gives the lease up, for the next relay.
    pub fn release(&mut self) -> Result<(), HostError> {
        self.lease_until = 0;
        self.store.release_lease(&self.owner)
    }

    /// Delivers everything due to every enabled endpoint, once: each
    /// endpoint until its outbox is done or its next event waits for a
    /// retry.
    pub fn pass(&mut self) -> Result<Pass, HostError> {
        let mut pass = Pass::default();
        if !self.take_lease()? {
            return Ok(pass);
        }
        pass.had_lease = true;
        let database_id = self.store.database_id()?;
        let endpoints = self.store.endpoints()?;
        for endpoint in endpoints.into_iter().filter(|e| e.disabled_at.is_none()) {
            match self.serve(&database_id, endpoint, &mut pass)? {
                Ok(()) => {}
                Err(LeaseLost) => {
                    pass.had_lease = false;
                    return Ok(pass);
                }
            }
        }
        Ok(pass)
    }

    /// Writes `record`; `Err(LeaseLost)` when the lease went to another
    /// relay (nothing was written).
    fn record(&mut self, endpoint: i64, record: &Record) -> Result<Result<(), LeaseLost>, HostError> {
        let until = Self::wall_now() + millis(self.settings.lease);
        if self.store.record(&self.owner, until, endpoint, record)? {
            self.lease_until = until;
            Ok(Ok(()))
        } else {
            Ok(Err(LeaseLost))
        }
    }

    /// Sends one event, if the lease outlasts the request.
    fn send(
        &mut self,
        database_id: &str,
        endpoint: &Endpoint,
        event: &OutboxEvent,
    ) -> Result<Result<Answer, LeaseLost>, HostError> {
        if Self::wall_now() + millis(self.settings.timeout) >= self.lease_until && !self.take_lease()? {
            return Ok(Err(LeaseLost));
        }
        let id = event_id(database_id, event.seq);
        let body = cloud_event(database_id, event).to_string();
        let timestamp = Self::wall_now().div_euclid(1000);
        let signature = sign(&endpoint.secret, &id, timestamp, &body)?;
        let answer = self
            .agent
            .post(&endpoint.url)
            .header("content-type", "application/cloudevents+json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .send(body.as_bytes());
        Ok(Ok(match answer {
            Ok(response) if response.status().is_success() => Answer::Delivered,
            Ok(response) if response.status() == ureq::http::StatusCode::GONE => Answer::Gone,
            Ok(response) => Answer::Failed(format!("HTTP {}", response.status())),
            Err(error) => Answer::Failed(error.to_string()),
        }))
    }

    fn serve(
        &mut self,
        database_id: &str,
        mut endpoint: Endpoint,
        pass: &mut Pass,
    ) -> Result<Result<(), LeaseLost>, HostError> {
        // First the dead-letter rows `webhooks retry` asked for: one more
        // attempt each.
        let retries: Vec<_> = self
            .store
            .failed()?
            .into_iter()
            .filter(|failure| failure.endpoint_id == endpoint.id && failure.retry_requested)
            .collect();
        for failure in retries {
            let Some(event) = self.store.event(failure.seq)? else {
                return Err(HostError::CorruptRow {
                    table: "webhook_failures",
                    column: "seq",
                    value: failure.seq.to_string(),
                });
            };
            let answer = match self.send(database_id, &endpoint, &event)? {
                Ok(answer) => answer,
                Err(lost) => return Ok(Err(lost)),
            };
            let record = match answer {
                Answer::Gone => return self.disable(endpoint.id, pass),
                Answer::Delivered => {
                    pass.delivered += 1;
                    Record::Retried { id: failure.id, delivered: true, error: None }
                }
                Answer::Failed(error) => {
                    pass.failed += 1;
                    Record::Retried { id: failure.id, delivered: false, error: Some(error) }
                }
            };
            if let Err(lost) = self.record(endpoint.id, &record)? {
                return Ok(Err(lost));
            }
        }
        loop {
            let now = self.clock.now();
            if endpoint.next_attempt_at.is_some_and(|due| due > now) {
                return Ok(Ok(()));
            }
            let batch = self.store.events_after(endpoint.cursor, BATCH)?;
            let Some(last) = batch.last() else {
                return Ok(Ok(()));
            };
            let wanted = batch.iter().find(|stored| {
                endpoint.types.is_empty()
                    || endpoint.types.iter().any(|kind| kind == stored.event.kind.wire_name())
            });
            let Some(event) = wanted else {
                // None of the batch is for this endpoint: done with it.
                let seq = last.seq;
                if let Err(lost) = self.record(endpoint.id, &Record::Advance { seq })? {
                    return Ok(Err(lost));
                }
                endpoint.cursor = seq;
                continue;
            };
            let answer = match self.send(database_id, &endpoint, event)? {
                Ok(answer) => answer,
                Err(lost) => return Ok(Err(lost)),
            };
            let seq = event.seq;
            let record = match answer {
                Answer::Gone => return self.disable(endpoint.id, pass),
                Answer::Delivered => {
                    pass.delivered += 1;
                    Record::Advance { seq }
                }
                Answer::Failed(error) => {
                    let attempts = endpoint.attempts + 1;
                    match retry_delay(attempts)? {
                        Some(delay) => {
                            pass.failed += 1;
                            Record::Retry {
                                attempts,
                                next_attempt_at: now + millis(delay),
                                error,
                            }
                        }
                        None => {
                            pass.dead_lettered += 1;
                            Record::DeadLetter { seq, attempts, error, at: now }
                        }
                    }
                }
            };
            if let Err(lost) = self.record(endpoint.id, &record)? {
                return Ok(Err(lost));
            }
            match record {
                Record::Retry { attempts, next_attempt_at, error } => {
                    endpoint.attempts = attempts;
                    endpoint.next_attempt_at = Some(next_attempt_at);
                    endpoint.last_error = Some(error);
                }
                _ => {
                    endpoint.cursor = seq;
                    endpoint.attempts = 0;
                    endpoint.next_attempt_at = None;
                }
            }
        }
    }

    fn disable(&mut self, endpoint: i64, pass: &mut Pass) -> Result<Result<(), LeaseLost>, HostError> {
        pass.disabled += 1;
        let at = self.clock.now();
        self.record(endpoint, &Record::Disable { at })
    }
}
