//! What a webhook relay needs from a database: endpoints, a cursor per
//! endpoint into the event outbox, the state of the attempts at its next
//! event, a dead letter, and a lease so that one relay delivers at a time.
//!
//! This is delivery infrastructure, not backorder rules: the component never
//! sees it. The relay (the `backorders-webhooks` crate) decides what to do
//! (the retry schedule, what a response means); a provider only stores what
//! it is told, each method in a transaction of its own. The SQLite provider
//! implements it; the memory provider does not, because a relay is a process
//! of its own and needs a database that outlives the command that wrote it.
//!
//! The contract:
//! - **Cursor.** An endpoint's `cursor` is the outbox `seq` up to which it
//!   is done with the outbox: every event at or below it was delivered,
//!   filtered out by its types, or moved to the dead letter. A new endpoint
//!   starts at the newest event committed before it, unless told otherwise.
//! - **One transaction.** [`Deliveries::record`] writes the endpoint's new
//!   cursor and attempt state, a dead-letter row when there is one, and the
//!   lease's renewal together, and only while `owner` still holds the lease:
//!   a relay killed between sending and recording sends the event again
//!   (same id), never skips it.
//! - **Lease.** At most one owner at a time; it lapses at `expires_at` (wall
//!   time) unless renewed, so a killed relay's lease passes to the next.

use crate::bindings::Timestamp;
use crate::error::HostError;
use crate::provider::OutboxEvent;

/// An endpoint to add. `types` empty: every event kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEndpoint {
    pub url: String,
    /// `whsec_` and the base64 key, as Standard Webhooks writes it.
    pub secret: String,
    /// Event kinds by wire name (`backorder_created`).
    pub types: Vec<String>,
    pub created_at: Timestamp,
    /// Start after this outbox `seq` (0: the whole outbox); none: after
    /// the newest event.
    pub start_after: Option<i64>,
}

/// A stored endpoint and where its delivery stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub types: Vec<String>,
    pub created_at: Timestamp,
    /// Done with every event up to this `seq`.
    pub cursor: i64,
    /// Failed attempts at the event after the cursor.
    pub attempts: u32,
    /// When the next attempt is due (none: now).
    pub next_attempt_at: Option<Timestamp>,
    /// What the last failed attempt met.
    pub last_error: Option<String>,
    /// Set when the endpoint answered 410 Gone: nothing more is sent.
    pub disabled_at: Option<Timestamp>,
}

/// An event the relay gave up on, for one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub seq: i64,
    pub attempts: u32,
    pub last_error: String,
    pub failed_at: Timestamp,
    /// `webhooks retry` asked for one more attempt.
    pub retry_requested: bool,
}

/// What one attempt (or a pass over filtered-out events) changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// Done with every event up to `seq`: delivered, or not of the
    /// endpoint's types. Clears the attempt state.
    Advance { seq: i64 },
    /// The event after the cursor failed again; try at `next_attempt_at`.
    Retry {
        attempts: u32,
        next_attempt_at: Timestamp,
        error: String,
    },
    /// The event `seq` failed for the last time: into the dead letter, and
    /// the cursor moves past it.
    DeadLetter {
        seq: i64,
        attempts: u32,
        error: String,
        at: Timestamp,
    },
    /// The endpoint answered 410 Gone.
    Disable { at: Timestamp },
    /// The dead-letter row `id` was retried: delivered (removed) or failed
    /// once more (kept, its retry request cleared).
    Retried {
        id: i64,
        delivered: bool,
        error: Option<String>,
    },
}

/// What `events prune` removes (or would).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pruned {
    pub events: u64,
    /// The newest `seq` every endpoint is done with: nothing above it is
    /// pruned. None when no endpoint exists.
    pub kept_from: Option<i64>,
}

/// Storage for webhook delivery; see the module documentation.
pub trait Deliveries {
    /// A random identity made when the database was created (or upgraded),
    /// so event ids differ between databases.
    fn database_id(&mut self) -> Result<String, HostError>;
    /// Stores the endpoint, or (`apply` false) shows what would be stored.
    fn add_endpoint(&mut self, new: &NewEndpoint, apply: bool) -> Result<Endpoint, HostError>;
    fn endpoints(&mut self) -> Result<Vec<Endpoint>, HostError>;
    /// Removes the endpoint and its dead letter; `InvalidInput` on `id`
    /// when there is none.
    fn remove_endpoint(&mut self, id: i64, apply: bool) -> Result<Endpoint, HostError>;
    /// Outbox events with `seq > after`, oldest first, at most `limit`.
    fn events_after(&mut self, after: i64, limit: u32) -> Result<Vec<OutboxEvent>, HostError>;
    /// The event of this `seq`, if it is still stored.
    fn event(&mut self, seq: i64) -> Result<Option<OutboxEvent>, HostError>;
    /// Takes or renews the lease until `until` when it is free, lapsed
    /// (`now` past its expiry) or already `owner`'s; false otherwise.
    fn acquire_lease(&mut self, owner: &str, now: Timestamp, until: Timestamp)
        -> Result<bool, HostError>;
    /// Gives the lease up if `owner` holds it.
    fn release_lease(&mut self, owner: &str) -> Result<(), HostError>;
    /// Writes `record` for the endpoint and renews the lease until `until`,
    /// in one transaction, if `owner` still holds the lease; false (and
    /// nothing written) when another relay took it.
    fn record(
        &mut self,
        owner: &str,
        until: Timestamp,
        endpoint_id: i64,
        record: &Record,
    ) -> Result<bool, HostError>;
    /// The dead letter, oldest first.
    fn failed(&mut self) -> Result<Vec<FailedDelivery>, HostError>;
    /// Asks for one more attempt at a dead-letter row; `InvalidInput` on
    /// `id` when there is none.
    fn request_retry(&mut self, id: i64, apply: bool) -> Result<FailedDelivery, HostError>;
    /// Removes events recorded before `before` that every endpoint is done
    /// with and no dead-letter row needs.
    fn prune_events(&mut self, before: Timestamp, apply: bool) -> Result<Pruned, HostError>;
}
