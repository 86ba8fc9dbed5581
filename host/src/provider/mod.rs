//! What the host needs from a platform, as small traits: an ordered
//! key-value store, inventory, an event outbox, transactions and a clock.
//! The SQLite reference provider (`crate::sqlite`) implements all of them
//! over one database so that one transaction covers a whole call; another
//! platform plugs in its own types without touching the bindings.
//!
//! These traits speak host types; `crate::convert` maps them to and from the
//! generated WIT types.

mod clock;

pub use clock::{Clock, PinnedClock, SystemClock};

use crate::bindings::{Event, Timestamp};
use crate::error::HostError;

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
    /// Entries with `start <= key < end`, in key order, at most `limit`.
    fn scan(
        &mut self,
        start: &[u8],
        end: &[u8],
        limit: u32,
    ) -> Result<Vec<KeyValuePair>, KeyValueError>;
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
    /// Returns the new reservation's id.
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
    /// summed from the reservations themselves.
    fn reserved_totals(&mut self) -> Result<Vec<(String, Option<String>, u64)>, StockError>;
}

/// The event outbox. A failure is a host error: the call traps and rolls
/// back, because the WIT gives `emit` no error case.
pub trait EventSink {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError>;
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
}

/// Everything one call runs against.
pub trait Backend: KeyValue + Inventory + EventSink + Transactional + Send + 'static {}

impl<T: KeyValue + Inventory + EventSink + Transactional + Send + 'static> Backend for T {}
