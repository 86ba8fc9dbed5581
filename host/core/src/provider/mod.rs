//! What the host needs from a platform, as small traits: an ordered
//! key-value store, inventory, an event outbox, stock administration,
//! transactions, and a clock. A [`Provider`] hands out one [`Connection`]
//! per call; the connection implements all of them over one transaction, so
//! a call's store, inventory and outbox writes commit or vanish together.
//!
//! Two providers come with the host: [`memory::MemoryProvider`] here, and
//! SQLite in the `backorders-sqlite` crate. A platform plugs in its own
//! without touching the bindings. The contract every provider keeps:
//!
//! - **Ordering.** Keys compare as unsigned bytes, a proper prefix first;
//!   `scan` returns `start <= key < end` in that order, at most `limit`.
//! - **Transactions.** Everything a connection does between `begin` and
//!   `commit` is one transaction: `rollback` (or dropping the connection
//!   mid-transaction) leaves the data exactly as before `begin`. Reads see
//!   the transaction's own writes.
//! - **Serializability.** Concurrent calls on different connections behave
//!   as if they ran one after another: a provider either serializes writers
//!   (SQLite's write lock, the memory provider's mutex) or detects a
//!   conflict (PostgreSQL at SERIALIZABLE) and fails the call with
//!   [`HostError::Conflict`], which then changes nothing; the host runs
//!   such a call again (`Transactional::take_conflict`).
//! - **Errors.** A provider reports its own failures as text or as its own
//!   error type inside [`HostError::Storage`]; the WIT-facing failures of
//!   the key-value store and inventory have their own types
//!   ([`KeyValueError`], [`StockError`]), which the component sees.
//!
//! A provider of your own, sharing one handle between threads:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use backorders_host::provider::{memory::MemoryProvider, Connection, Provider};
//! use backorders_host::{Backorders, HostError, Mode, Options};
//!
//! /// Yours hands out connections to your database (a type implementing
//! /// KeyValue, Inventory, EventSink, StockAdmin and Transactional); this
//! /// one wraps the memory provider and counts the calls it served.
//! struct Counting { inner: MemoryProvider, calls: AtomicU64 }
//!
//! impl Provider for Counting {
//!     fn connect(&self, will_commit: bool) -> Result<Box<dyn Connection>, HostError> {
//!         self.calls.fetch_add(1, Ordering::Relaxed);
//!         self.inner.connect(will_commit)
//!     }
//!     fn describe(&self) -> String { format!("counting {}", self.inner.describe()) }
//! }
//!
//! let provider = Counting { inner: MemoryProvider::new(), calls: AtomicU64::new(0) };
//! let engine = std::sync::Arc::new(Backorders::new(provider, Options::default()));
//! let worker = std::thread::spawn({
//!     let engine = engine.clone();
//!     move || engine.stock_add("WIDGET", None, 5, Mode::Apply).map(|level| level.value.on_hand)
//! });
//! assert_eq!(worker.join().unwrap()?, 5);
//! assert_eq!(engine.sku_summary("WIDGET")?.summary.open_backorders, 0);
//! # Ok::<(), backorders_host::CallError>(())
//! ```

mod clock;
pub mod copy;
pub mod deliveries;
pub mod memory;

pub use clock::{Clock, PinnedClock, SystemClock};

use crate::bindings::{Backorder, BackorderStatus, Event, EventKind, Timestamp};
use crate::dates::serialize_time;
use crate::error::HostError;
use crate::json::serialize_optional_backorder;
use crate::names::serialize_wire_name;

/// Why a key-value operation failed; mirrors the WIT `store-error` cases.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyValueError {
    /// The backing store failed (I/O, lock timeout).
    #[error("store unavailable: {reason}")]
    Unavailable { reason: String },
    /// A key, value or scan is over a limit the host sets.
    #[error("store limit exceeded: {what} is {actual}, the limit is {limit}")]
    LimitExceeded {
        what: &'static str,
        actual: u64,
        limit: u64,
    },
}

/// A key and its value, as a scan returns them.
pub type KeyValuePair = (Vec<u8>, Vec<u8>);

/// One write of a batch: store a value, or remove a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    Set(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
}

/// An ordered key-value space; keys compare as unsigned bytes, shorter
/// first when one is a prefix of the other.
pub trait KeyValue {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, KeyValueError>;
    /// The values of `keys`, in order; none where a key is absent.
    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, KeyValueError> {
        keys.iter().map(|key| self.get(key)).collect()
    }
    fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KeyValueError>;
    /// Removing an absent key is not an error.
    fn delete(&mut self, key: &[u8]) -> Result<(), KeyValueError>;
    /// Applies `writes` in order; a later write of a key wins.
    fn write_batch(&mut self, writes: &[Write]) -> Result<(), KeyValueError> {
        writes.iter().try_for_each(|write| match write {
            Write::Set(key, value) => self.set(key, value),
            Write::Delete(key) => self.delete(key),
        })
    }
    /// Entries with `start <= key < end`, in key order, at most `limit`.
    fn scan(
        &mut self,
        start: &[u8],
        end: &[u8],
        limit: u32,
    ) -> Result<Vec<KeyValuePair>, KeyValueError>;
    /// The SKUs whose data the call read or wrote, given with its writes
    /// (the WIT `write-batch`'s `scopes`), before them. A provider whose
    /// concurrent writes are not serializable by themselves makes two
    /// calls that name a common scope conflict; one that serializes writers
    /// (SQLite's lock, the memory provider's) has nothing to do.
    fn touch(&mut self, _scopes: &[String]) -> Result<(), KeyValueError> {
        Ok(())
    }
    /// A number of the sequence `sequence`, greater than `after` and than
    /// every number it handed out before (the WIT `next-number`: unique
    /// among committed calls; see there for gaps and leases).
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, KeyValueError>;
}

/// Why an inventory operation was refused; mirrors the WIT `inventory-error`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    #[error("insufficient stock: {available} available")]
    InsufficientStock { available: u64 },
    #[error("unknown reservation {id}")]
    UnknownReservation { id: String },
    #[error("the reservation holds only {held}")]
    ExceedsReservation { held: u64 },
    #[error("inventory unavailable: {reason}")]
    Unavailable { reason: String },
}

/// A reservation to record. `location: None` is the default location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReservation {
    pub sku: String,
    pub location: Option<String>,
    pub quantity: u64,
    pub holder: String,
    pub expires_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// Stock per SKU and location, and the reservations that hold part of it.
/// Available = on hand - reserved. A provider never frees a reservation on
/// its own, even past its expiry: the component decides that.
pub trait Inventory {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, StockError>;
    /// Returns the new reservation's id, never one used before.
    fn reserve(&mut self, reservation: &NewReservation) -> Result<String, StockError>;
    /// Gives back `quantity` held units, or all of them when none; a
    /// reservation left holding nothing ends.
    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), StockError>;
    fn extend(&mut self, id: &str, expires_at: Option<Timestamp>) -> Result<(), StockError>;
    /// Ships reserved units: they leave the reservation and on-hand stock.
    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), StockError>;
    /// Ships unreserved units from on-hand stock.
    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64)
        -> Result<(), StockError>;
    /// Units held by reservations, per SKU and location (none: default),
    /// summed from the reservations themselves, ordered by SKU then location.
    fn reserved_totals(&mut self) -> Result<Vec<(String, Option<String>, u64)>, StockError>;
    /// The reservations holding units of `sku` at `location`, oldest first.
    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, StockError>;
}

/// How a database that keys stock rows by (SKU, location) stores "no
/// location" (the platform's default one): as the empty string, which a
/// location can never be, rather than NULL, which a key cannot hold.
pub const DEFAULT_LOCATION: &str = "";

/// A location as such a database stores it.
pub fn stored_location(location: Option<&str>) -> &str {
    location.unwrap_or(DEFAULT_LOCATION)
}

/// A stored location as the host names it: none for the default one.
pub fn location_from_stored(stored: String) -> Option<String> {
    (stored != DEFAULT_LOCATION).then_some(stored)
}

/// Reservation ids of a database that numbers reservations: `RS-<n>`,
/// with `n` the row's never-reused key.
pub mod reservation_ids {
    const PREFIX: &str = "RS-";

    /// The id of the reservation stored under `key`.
    pub fn id(key: i64) -> String {
        format!("{PREFIX}{key}")
    }

    /// The row key behind a reservation id, if it is one [`id`] made. The
    /// round trip rejects aliases such as `RS-007` or `RS-+7`.
    pub fn key(id: &str) -> Option<i64> {
        let key: i64 = id.strip_prefix(PREFIX)?.parse().ok()?;
        (self::id(key) == id).then_some(key)
    }
}

/// Units one reservation holds, and for whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub reservation_id: String,
    /// Who asked for it (the component's allocation id).
    pub holder: String,
    pub quantity: u64,
}

/// Units on hand and reserved of one SKU at one location (none: default).
/// Serializes as `{"sku", "location", "on_hand", "reserved"}`; with what
/// is available, through [`StockLevel::report`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StockLevel {
    pub sku: String,
    pub location: Option<String>,
    pub on_hand: u64,
    pub reserved: u64,
}

impl StockLevel {
    pub fn available(&self) -> u64 {
        self.on_hand - self.reserved
    }

    /// The level with what is available, as front ends show it.
    pub fn report(&self) -> StockLevelReport<'_> {
        StockLevelReport {
            level: self,
            available: self.available(),
        }
    }
}

impl crate::bindings::StockAdjustment {
    /// The stock level a count or correction left.
    pub fn level(&self) -> StockLevel {
        StockLevel {
            sku: self.sku.clone(),
            location: self.location.clone(),
            on_hand: self.on_hand,
            reserved: self.reserved,
        }
    }
}

/// A stock level and the units available there: serializes as
/// `{"sku", "location", "on_hand", "reserved", "available"}`.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct StockLevelReport<'a> {
    #[serde(flatten)]
    pub level: &'a StockLevel,
    pub available: u64,
}

/// One stock row as the integrity check sees it: what the row says and
/// what its reservations hold. A place with reservations but no row has
/// zero on hand and zero reserved. Serializes as `{"level": {…},
/// "held_by_reservations"}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StockAudit {
    pub level: StockLevel,
    pub held_by_reservations: u64,
}

/// Stock as the platform (or `backorders stock`) sets it; the component
/// never calls these. The rules (no count below what is reserved, no
/// overflow) live in the host, once, above this trait.
pub trait StockAdmin {
    /// The level at one place; zeros where there is no row.
    fn stock_level(&mut self, sku: &str, location: Option<&str>) -> Result<StockLevel, HostError>;
    /// Stores `level.on_hand`, creating the row (with nothing reserved) if
    /// there is none; `level.reserved` is not written.
    fn write_on_hand(&mut self, level: &StockLevel) -> Result<(), HostError>;
    /// Rows of one SKU or of all, by SKU then location, at most `limit`.
    fn stock_levels(&mut self, sku: Option<&str>, limit: u32) -> Result<Vec<StockLevel>, HostError>;
    /// Every row, and every place that only reservations name.
    fn stock_audit(&mut self) -> Result<Vec<StockAudit>, HostError>;

    /// Sets the units on hand at one place, as a count does: refused below
    /// what is reserved there. The one rule for `Backorders::stock_set` and
    /// the component's `set-on-hand`; providers keep this default.
    fn set_on_hand(&mut self, sku: &str, location: Option<&str>, on_hand: u64) -> Result<StockLevel, HostError> {
        let mut level = self.stock_level(sku, location)?;
        if on_hand < level.reserved {
            return Err(HostError::StockBelowReserved {
                sku: sku.to_owned(),
                location: location.map(str::to_owned),
                on_hand,
                reserved: level.reserved,
            });
        }
        level.on_hand = on_hand;
        self.write_on_hand(&level)?;
        Ok(level)
    }
}

/// An event as the outbox keeps it. Serializes as `{"seq", "kind", "at",
/// "backorder_id", "sku", "allocation_id", "quantity", "status",
/// "backorder", "recorded_at"}`: the event's fields inline, kinds and
/// statuses by wire name, times in RFC 3339, the backorder in its JSON form
/// (`crate::json`) or `null` for an event recorded without it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutboxEvent {
    /// Its place in the outbox: increasing, never reused.
    pub seq: i64,
    #[serde(flatten, with = "EventFields")]
    pub event: Event,
    #[serde(serialize_with = "serialize_time")]
    pub recorded_at: Timestamp,
}

/// An outbox row as a database stores it: kinds and statuses by wire name,
/// the backorder in its JSON form. One decoding for every provider that
/// keeps events in a table.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: Timestamp,
    pub kind: String,
    pub backorder_id: String,
    pub sku: String,
    pub allocation_id: Option<String>,
    pub quantity: Option<u64>,
    pub status: String,
    pub backorder: Option<String>,
    pub recorded_at: Timestamp,
}

impl StoredEvent {
    /// The event the row holds; a name or backorder this host does not
    /// write is a corrupt row of `table`.
    pub fn decode(self, table: &'static str) -> Result<OutboxEvent, HostError> {
        fn parse<T: crate::names::WireName>(
            table: &'static str,
            column: &'static str,
            name: String,
        ) -> Result<T, HostError> {
            T::from_wire_name(&name).ok_or(HostError::CorruptRow { table, column, value: name })
        }
        let backorder = self
            .backorder
            .map(|text| {
                crate::json::backorder_from_str(&text).map_err(|error| HostError::CorruptRow {
                    table,
                    column: "backorder",
                    value: format!("{text} ({error})"),
                })
            })
            .transpose()?;
        Ok(OutboxEvent {
            seq: self.seq,
            event: Event {
                kind: parse(table, "kind", self.kind)?,
                at: self.at,
                backorder_id: self.backorder_id,
                sku: self.sku,
                allocation_id: self.allocation_id,
                quantity: self.quantity,
                status: parse(table, "status", self.status)?,
                backorder,
            },
            recorded_at: self.recorded_at,
        })
    }
}

/// How an event's fields serialize (serde's derive for a type of another
/// module): the generated `Event` can carry no serde attributes.
#[derive(serde::Serialize)]
#[serde(remote = "Event")]
struct EventFields {
    #[serde(serialize_with = "serialize_wire_name")]
    kind: EventKind,
    #[serde(serialize_with = "serialize_time")]
    at: Timestamp,
    backorder_id: String,
    sku: String,
    allocation_id: Option<String>,
    quantity: Option<u64>,
    #[serde(serialize_with = "serialize_wire_name")]
    status: BackorderStatus,
    #[serde(serialize_with = "serialize_optional_backorder")]
    backorder: Option<Backorder>,
}

/// The event outbox. A failure is a host error: the call traps and rolls
/// back, because the WIT gives `emit` no error case.
pub trait EventSink {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError>;
    /// The newest `limit` events, oldest first.
    fn recent_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, HostError>;
}

/// Whether a transaction may write. Reads take no write lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// One transaction around one call, so the call's store, inventory and
/// outbox writes commit or vanish together.
pub trait Transactional {
    fn begin(&mut self, access: Access) -> Result<(), HostError>;
    fn commit(&mut self) -> Result<(), HostError>;
    fn rollback(&mut self) -> Result<(), HostError>;
    /// The conflict with a concurrent transaction (a serialization failure,
    /// a deadlock) that doomed this one, if it met one since `begin`. The
    /// component sees such a failure only as a storage error, which it may
    /// report in its own words; the host asks here after the call, discards
    /// whatever the call returned, rolls back and runs the whole call again.
    /// Providers that serialize writers never meet one. A provider whose
    /// connection the server dropped during the call may answer here with
    /// [`HostError::Unavailable`] too: the host fails the call with it (it
    /// is not retried), instead of with the component's account of its
    /// store failing.
    fn take_conflict(&mut self) -> Option<HostError> {
        None
    }
    /// Marks a point in the open write transaction (a savepoint) that
    /// `rollback_to_mark` returns to: how calls that share one commit
    /// (`Provider::shares_commits`) each undo only themselves. Asked only
    /// of a provider that shares commits; marks do not nest.
    fn mark(&mut self) -> Result<(), HostError> {
        Err(HostError::storage("set a savepoint")(unsupported_marks()))
    }
    /// Forgets the mark, keeping what was done since it.
    fn release_mark(&mut self) -> Result<(), HostError> {
        Err(HostError::storage("release a savepoint")(unsupported_marks()))
    }
    /// Undoes everything since the mark, and forgets it.
    fn rollback_to_mark(&mut self) -> Result<(), HostError> {
        Err(HostError::storage("roll back to a savepoint")(unsupported_marks()))
    }
}

fn unsupported_marks() -> std::io::Error {
    std::io::Error::other("this provider does not share commits, so it sets no marks")
}

/// Everything one call runs against: one connection, used by one call at
/// a time.
pub trait Connection:
    KeyValue + Inventory + EventSink + StockAdmin + Transactional + Send + 'static
{
    /// Whether the provider may hand this connection to a later call (a
    /// SQLite stand-in for a database that does not exist yet may not).
    fn reusable(&self) -> bool {
        true
    }
}

/// Where calls get their connections: a database, a pool of connections
/// to it, or memory. Shared by every thread of a handle.
pub trait Provider: Send + Sync + 'static {
    /// A connection for one call. `will_commit` says the call may commit,
    /// so a database that does not exist yet may be created.
    fn connect(&self, will_commit: bool) -> Result<Box<dyn Connection>, HostError>;
    /// Takes a connection back after its call, transaction ended.
    fn release(&self, connection: Box<dyn Connection>) {
        drop(connection);
    }
    /// Where the data is, for messages (`sqlite:backorders.db`, `memory`).
    fn describe(&self) -> String;
    /// Whether concurrent applied writes through one handle may share one
    /// commit (group commit, see `Backorders`): true for a provider that
    /// serializes writers anyway and whose connections set marks
    /// (`Transactional::mark`). A provider that detects conflicts instead
    /// keeps one transaction per call, so a conflict re-runs one call.
    fn shares_commits(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{OutboxEvent, StockAudit, StockLevel};
    use crate::bindings::{BackorderStatus, Event, EventKind};

    fn level() -> StockLevel {
        StockLevel {
            sku: "WIDGET-001".into(),
            location: None,
            on_hand: 10,
            reserved: 4,
        }
    }

    #[test]
    fn stock_levels_serialize_with_what_is_available_last() {
        let json = serde_json::to_string(&level().report()).unwrap();
        let expected =
            r#"{"sku":"WIDGET-001","location":null,"on_hand":10,"reserved":4,"available":6}"#;
        assert_eq!(json, expected);
        let audit = StockAudit {
            level: level(),
            held_by_reservations: 4,
        };
        assert_eq!(
            serde_json::to_string(&audit).unwrap(),
            r#"{"level":{"sku":"WIDGET-001","location":null,"on_hand":10,"reserved":4},"held_by_reservations":4}"#
        );
    }

    #[test]
    fn stored_events_serialize_flat_with_wire_names_and_rfc_3339_times() {
        let stored = OutboxEvent {
            seq: 7,
            event: Event {
                kind: EventKind::AllocationCreated,
                at: 1_796_083_200_000,
                backorder_id: "BO-2026-0001".into(),
                sku: "WIDGET-001".into(),
                allocation_id: Some("AL-000001".into()),
                quantity: Some(3),
                status: BackorderStatus::PartiallyFulfilled,
                backorder: None,
            },
            recorded_at: 1_796_083_200_250,
        };
        assert_eq!(
            serde_json::to_string(&stored).unwrap(),
            concat!(
                r#"{"seq":7,"kind":"allocation_created","at":"2026-12-01T00:00:00Z","#,
                r#""backorder_id":"BO-2026-0001","sku":"WIDGET-001","allocation_id":"AL-000001","#,
                r#""quantity":3,"status":"partially_fulfilled","backorder":null,"recorded_at":"2026-12-01T00:00:00.250Z"}"#
            )
        );
    }
}
