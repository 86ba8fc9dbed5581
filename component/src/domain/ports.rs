//! The capabilities the domain runs against. The component implements them
//! over the WIT imports; unit tests implement them in memory.

use super::model::{Event, Timestamp};

/// A failure of the backing store; every one rolls the call back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreFailure(pub String);

/// An ordered key-value store (see `wit/store.wit`).
pub trait Store {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreFailure>;
    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreFailure>;
    fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), StoreFailure>;
    fn delete(&mut self, key: &[u8]) -> Result<(), StoreFailure>;
    /// Entries with `start <= key < end`, in key order, at most `limit`.
    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreFailure>;
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
}

/// The event outbox.
pub trait Events {
    fn emit(&mut self, event: Event);
}

/// Everything one call runs against. The clock is read once, when the call
/// starts, so the whole call sees one `now`.
pub struct Ports<'a> {
    pub store: &'a mut dyn Store,
    pub inventory: &'a mut dyn Inventory,
    pub events: &'a mut dyn Events,
    pub now: Timestamp,
}
