//! The capabilities the domain runs against. The component implements them
//! over the WIT imports; unit tests implement them in memory.

use super::buffer::Buffer;
use std::collections::BTreeMap;
use super::error::{DomainError, DomainResult};
use super::model::{DateOrTime, Event, Settings, Timestamp};

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
    /// `scopes`: the SKUs whose data the call read or wrote.
    fn write_batch(&mut self, writes: &[Write], scopes: &[String]) -> Result<(), StoreFailure>;
    /// A number of the named sequence greater than `after` and than every
    /// number it gave before (`next-number` in `wit/store.wit`).
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, StoreFailure>;
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
    /// Adds units received to those on hand at one SKU and location.
    fn add_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure>;
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

    /// How many events are held.
    pub fn held(&self) -> usize {
        self.events.len()
    }

    /// Drops the events held after the first `held`.
    pub fn truncate(&mut self, len: usize) {
        self.events.truncate(len);
    }
}

/// Time zone rules (see `wit/clock.wit`): the offset from UTC, in seconds
/// east, of an IANA zone at an instant; none for a zone the host does not
/// know. Any `FnMut(&str, Timestamp) -> Option<i32>` is one.
pub trait Zones {
    fn utc_offset(&mut self, zone: &str, at: Timestamp) -> Option<i32>;
}

impl<F: FnMut(&str, Timestamp) -> Option<i32>> Zones for F {
    fn utc_offset(&mut self, zone: &str, at: Timestamp) -> Option<i32> {
        self(zone, at)
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
    pub zones: &'a mut dyn Zones,
    /// The settings, read on first use.
    settings: Option<Settings>,
    /// The zone offsets this call asked the host for, by instant: a call
    /// judges the same dates many times (each event's backorder, the
    /// result), and each answer would be a crossing.
    offsets: BTreeMap<Timestamp, i32>,
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
    zones: &mut dyn Zones,
    operation: impl FnOnce(&mut Ports) -> DomainResult<T>,
) -> DomainResult<T> {
    let mut ports = Ports { store: Buffer::new(store), inventory, events: Outbox::default(), now, zones, settings: None, offsets: BTreeMap::new() };
    let value = operation(&mut ports)?;
    ports.finish(events)?;
    Ok(value)
}

impl Ports<'_> {
    /// The database's settings (the defaults until some are saved).
    pub fn settings(&mut self) -> DomainResult<Settings> {
        if let Some(settings) = &self.settings {
            return Ok(settings.clone());
        }
        let settings: Settings = super::repo::get(&mut self.store, "settings", &super::keys::settings())?.unwrap_or_default();
        self.settings = Some(settings.clone());
        Ok(settings)
    }

    /// Keeps `settings` as the call's settings (after it saved them).
    pub fn use_settings(&mut self, settings: Settings) {
        self.settings = Some(settings);
        self.offsets.clear();
    }

    /// The calendar day, in the database's time zone, that `t` falls on.
    pub fn local_day(&mut self, t: Timestamp) -> DomainResult<i64> {
        let zone = self.settings()?.timezone;
        let offset = if zone == super::time::UTC {
            0
        } else if let Some(offset) = self.offsets.get(&t) {
            *offset
        } else {
            let offset = self.zones.utc_offset(&zone, t).ok_or_else(|| {
                DomainError::Other(format!("the host does not know the database's time zone `{zone}`"))
            })?;
            self.offsets.insert(t, offset);
            offset
        };
        Ok(super::time::day(t.saturating_add(i64::from(offset) * 1000)))
    }

    /// The day a date means: a day as it is; an instant's, in the database's zone.
    pub fn day_of(&mut self, d: DateOrTime) -> DomainResult<i64> {
        match d {
            DateOrTime::Date(day) => Ok(i64::from(day)),
            DateOrTime::Time(t) => self.local_day(t),
        }
    }

    /// Today, in the database's time zone, and now: what overdue is judged against.
    pub fn today(&mut self) -> DomainResult<Today> {
        Ok(Today { now: self.now, day: self.local_day(self.now)? })
    }

    /// The promised day falls before the expected day.
    pub fn at_risk(&mut self, promised: Option<DateOrTime>, expected: Option<DateOrTime>) -> DomainResult<bool> {
        match (promised, expected) {
            (Some(p), Some(e)) => Ok(self.day_of(p)? < self.day_of(e)?),
            _ => Ok(false),
        }
    }

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

/// Now, and the day it is in the database's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Today {
    pub now: Timestamp,
    pub day: i64,
}

impl Today {
    /// Whether something due at `due` is late: a day once it has ended in
    /// the database's time zone, an instant once it has passed.
    pub fn is_past(self, due: DateOrTime) -> bool {
        match due {
            DateOrTime::Date(day) => i64::from(day) < self.day,
            DateOrTime::Time(t) => t < self.now,
        }
    }

    /// The end of the due-index range holding everything past: an
    /// instant before now, a day before today (keyed at its start in UTC).
    pub fn past_end(self) -> Timestamp {
        self.now.max(self.day * super::time::DAY_MS)
    }
}
