//! The capabilities the domain runs against. The component implements them
//! over the WIT imports; unit tests implement them in memory.

use super::buffer::Buffer;
use super::error::DomainResult;
use super::model::{Event, Timestamp};

/// A failure of the backing store; every one rolls the call back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreFailure(pub String);

/// One change in a `write_batch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    Set(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
}

/// An ordered key-value store (see `wit/store.wit`): three reads and one
/// batched write. The domain never calls it directly: operations run
/// against the call's `Buffer`, which sends the writes at the end.
pub trait Store {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreFailure>;
    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreFailure>;
    /// Entries with `start <= key < end`, in key order, at most `limit`.
    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreFailure>;
    /// Applies `writes` in order; a later write of the same key wins.
    fn write_batch(&mut self, writes: &[Write]) -> Result<(), StoreFailure>;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InventoryFailure {
    InsufficientStock(u64),
    UnknownReservation(String),
    ExceedsReservation(u64),
    Unavailable(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReservationRequest {
    pub sku: String,
    pub location: Option<String>,
    pub quantity: u64,
    pub holder: String,
    pub expires_at: Option<Timestamp>,
}

/// Stock on hand and reservations (see `wit/inventory.wit`).
/// Units reservations hold at one SKU and location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReservedUnits {
    pub sku: String,
    pub location: Option<String>,
    pub quantity: u64,
}

pub trait Inventory {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, InventoryFailure>;
    fn reserve(&mut self, request: &ReservationRequest) -> Result<String, InventoryFailure>;
    fn release(&mut self, reservation_id: &str, quantity: Option<u64>) -> Result<(), InventoryFailure>;
    fn extend(&mut self, reservation_id: &str, expires_at: Option<Timestamp>) -> Result<(), InventoryFailure>;
    fn consume(&mut self, reservation_id: &str, quantity: u64) -> Result<(), InventoryFailure>;
    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure>;
    /// Every SKU and location where reservations hold units.
    fn reserved_totals(&mut self) -> Result<Vec<ReservedUnits>, InventoryFailure>;
    /// The reservations holding units at one SKU and location, oldest first.
    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, InventoryFailure>;
    /// Sets the units on hand at one SKU and location; never below what
    /// is reserved there (the caller releases first).
    fn set_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure>;
}

/// Units one reservation holds, and for whom (an allocation id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub reservation_id: String,
    pub holder: String,
    pub quantity: u64,
}

/// The event outbox: takes a call's events in one batch, in order.
pub trait Events {
    fn emit(&mut self, events: Vec<Event>);
}

/// The events of one call, held until it succeeds.
#[derive(Debug, Default)]
pub struct Outbox {
    events: Vec<Event>,
}

impl Outbox {
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }
}

/// Everything one call runs against. The clock is read once, when the call
/// starts, so the whole call sees one `now`. Store writes and events are
/// buffered; `call` sends them when the operation succeeds.
pub struct Ports<'a> {
    pub store: Buffer<'a>,
    pub inventory: &'a mut dyn Inventory,
    pub events: Outbox,
    pub now: Timestamp,
}

/// Runs one operation as one call: against a fresh write buffer and
/// outbox; on success the writes go to the store in one `write_batch` and
/// the events to the outbox in one `emit` (none of either when there are
/// none); on error both are dropped.
pub fn call<T>(
    store: &mut dyn Store,
    inventory: &mut dyn Inventory,
    events: &mut dyn Events,
    now: Timestamp,
    operation: impl FnOnce(&mut Ports) -> DomainResult<T>,
) -> DomainResult<T> {
    let mut ports = Ports { store: Buffer::new(store), inventory, events: Outbox::default(), now };
    let value = operation(&mut ports)?;
    ports.finish(events)?;
    Ok(value)
}

impl Ports<'_> {
    /// Sends what a successful call buffered. Kept out of line: `call` is
    /// instantiated once per operation, and the component's size counts.
    #[inline(never)]
    fn finish(self, events: &mut dyn Events) -> DomainResult<()> {
        self.store.flush()?;
        if !self.events.events.is_empty() {
            events.emit(self.events.events);
        }
        Ok(())
    }
}
