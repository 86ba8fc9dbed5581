//! The in-memory provider: an ordered map, stock and reservations, and an
//! outbox, all in one value behind a mutex. A call takes the whole value
//! for its transaction (so calls are serializable: one runs at a time) and
//! logs the old value of everything it changes, which rollback puts back:
//! a call costs what it touches, not the size of the store. Nothing
//! outlives the provider; for tests, previews and embedders that keep
//! their state elsewhere.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::{
    Access, Connection, EventSink, Holding, Inventory, KeyValue, KeyValueError, KeyValuePair,
    NewReservation, OutboxEvent, Provider, StockAdmin, StockAudit, StockError, StockLevel,
    Transactional,
};
use crate::bindings::{Event, Timestamp};
use crate::error::HostError;

/// Reservation ids are this prefix and a number never used before.
const RESERVATION_PREFIX: &str = "RS-";

/// Stock rows are keyed by SKU and location; the default location is the
/// empty string, which no named location can be.
type Place = (String, String);

fn place(sku: &str, location: Option<&str>) -> Place {
    (sku.to_owned(), location.unwrap_or_default().to_owned())
}

fn location_of(place: &Place) -> Option<String> {
    (!place.1.is_empty()).then(|| place.1.clone())
}

/// The stock level at `place` with these counts (on hand, reserved).
fn level(place: &Place, (on_hand, reserved): (u64, u64)) -> StockLevel {
    StockLevel {
        sku: place.0.clone(),
        location: location_of(place),
        on_hand,
        reserved,
    }
}

#[derive(Clone, Debug)]
struct Reservation {
    place: Place,
    holder: String,
    quantity: u64,
    expires_at: Option<Timestamp>,
}

#[derive(Clone, Debug, Default)]
struct Data {
    kv: BTreeMap<Vec<u8>, Vec<u8>>,
    /// On hand and reserved, per place.
    stock: BTreeMap<Place, (u64, u64)>,
    reservations: BTreeMap<u64, Reservation>,
    last_reservation: u64,
    events: Vec<OutboxEvent>,
    /// The last number each sequence handed out.
    sequences: BTreeMap<String, u64>,
}

struct Shared {
    /// None while a transaction holds the data.
    data: Mutex<Option<Data>>,
    returned: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Option<Data>> {
        // A panic while the lock is held cannot leave `Data` half-changed:
        // the lock is held only to take or put back the whole value.
        self.data.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The lock, once no transaction holds the data (it is `Some`).
    fn available(&self) -> MutexGuard<'_, Option<Data>> {
        let mut slot = self.lock();
        while slot.is_none() {
            slot = self
                .returned
                .wait(slot)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        slot
    }
}

/// An empty in-memory database; clones share it.
#[derive(Clone)]
pub struct MemoryProvider {
    shared: Arc<Shared>,
}

impl Default for MemoryProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryProvider {
    pub fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                data: Mutex::new(Some(Data::default())),
                returned: Condvar::new(),
            }),
        }
    }

    /// Everything it holds, as text that two equal states render the same:
    /// for tests that a call changed nothing. Waits for a transaction in
    /// progress to end.
    pub fn fingerprint(&self) -> String {
        format!("{:?}", self.shared.available().as_ref())
    }

    /// A connection of its own type, for direct use in tests.
    pub fn connection(&self) -> MemoryConnection {
        MemoryConnection {
            shared: Arc::clone(&self.shared),
            held: None,
        }
    }
}

impl Provider for MemoryProvider {
    fn connect(&self, _will_commit: bool) -> Result<Box<dyn Connection>, HostError> {
        Ok(Box::new(self.connection()))
    }

    fn describe(&self) -> String {
        "memory".into()
    }

    /// One transaction holds the data at a time, and its undo log marks.
    fn shares_commits(&self) -> bool {
        true
    }
}

/// The old value of one thing a transaction changed.
enum Undo {
    Kv(Vec<u8>, Option<Vec<u8>>),
    Stock(Place, Option<(u64, u64)>),
    Reservation(u64, Option<Reservation>),
    LastReservation(u64),
    EventCount(usize),
    Sequence(String, Option<u64>),
}

/// The data a transaction works on, and how to undo what it changed.
struct Held {
    data: Data,
    undo: Vec<Undo>,
    /// The undo log's length at the mark (`Transactional::mark`).
    mark: Option<usize>,
}

impl Held {
    fn rolled_back(mut self) -> Data {
        self.undo_to(0);
        self.data
    }

    /// Undoes the changes logged after the first `kept`.
    fn undo_to(&mut self, kept: usize) {
        let data = &mut self.data;
        for undo in self.undo.drain(kept..).rev() {
            match undo {
                Undo::Kv(key, Some(value)) => drop(data.kv.insert(key, value)),
                Undo::Kv(key, None) => drop(data.kv.remove(&key)),
                Undo::Stock(place, Some(counts)) => drop(data.stock.insert(place, counts)),
                Undo::Stock(place, None) => drop(data.stock.remove(&place)),
                Undo::Reservation(id, Some(reservation)) => {
                    drop(data.reservations.insert(id, reservation))
                }
                Undo::Reservation(id, None) => drop(data.reservations.remove(&id)),
                Undo::LastReservation(last) => data.last_reservation = last,
                Undo::EventCount(count) => data.events.truncate(count),
                Undo::Sequence(name, Some(last)) => drop(data.sequences.insert(name, last)),
                Undo::Sequence(name, None) => drop(data.sequences.remove(&name)),
            }
        }
    }

    fn set_kv(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        let old = match value {
            Some(value) => self.data.kv.insert(key.to_vec(), value),
            None => self.data.kv.remove(key),
        };
        self.undo.push(Undo::Kv(key.to_vec(), old));
    }

    /// The counts at `place` (created at zero), their old value logged.
    fn stock_mut(&mut self, place: &Place) -> &mut (u64, u64) {
        let old = self.data.stock.get(place).copied();
        self.undo.push(Undo::Stock(place.clone(), old));
        self.data.stock.entry(place.clone()).or_default()
    }

    fn available(&self, place: &Place) -> u64 {
        self.data
            .stock
            .get(place)
            .map_or(0, |(on_hand, reserved)| on_hand - reserved)
    }

    fn reservation(&self, id: &str) -> Result<(u64, Reservation), StockError> {
        let unknown = || StockError::UnknownReservation { id: id.to_owned() };
        let number = reservation_number(id).ok_or_else(unknown)?;
        let reservation = self.data.reservations.get(&number).ok_or_else(unknown)?;
        Ok((number, reservation.clone()))
    }

    /// Stores `reservation` under `number` (none: removes it), logged.
    fn put_reservation(&mut self, number: u64, reservation: Option<Reservation>) {
        let old = match reservation {
            Some(reservation) => self.data.reservations.insert(number, reservation),
            None => self.data.reservations.remove(&number),
        };
        self.undo.push(Undo::Reservation(number, old));
    }

    /// Takes `quantity` out of reservation `id`; with `shipped`, out of on
    /// hand too.
    fn take(&mut self, id: &str, quantity: Option<u64>, shipped: bool) -> Result<(), StockError> {
        let (number, mut reservation) = self.reservation(id)?;
        let held = reservation.quantity;
        let quantity = quantity.unwrap_or(held);
        if quantity > held {
            return Err(StockError::ExceedsReservation { held });
        }
        reservation.quantity -= quantity;
        let place = reservation.place.clone();
        let left = (reservation.quantity > 0).then_some(reservation);
        self.put_reservation(number, left);
        let (on_hand, reserved) = self.stock_mut(&place);
        *reserved -= quantity;
        if shipped {
            *on_hand -= quantity;
        }
        Ok(())
    }
}

/// One call's view of a [`MemoryProvider`].
pub struct MemoryConnection {
    shared: Arc<Shared>,
    held: Option<Held>,
}

fn outside_transaction() -> HostError {
    HostError::Storage {
        operation: "use the memory store",
        source: "no transaction is open".into(),
    }
}

impl MemoryConnection {
    fn held(&mut self) -> Result<&mut Held, HostError> {
        self.held.as_mut().ok_or_else(outside_transaction)
    }

    fn data(&mut self) -> Result<&mut Data, HostError> {
        self.held().map(|held| &mut held.data)
    }

    fn kv(&mut self) -> Result<&mut Held, KeyValueError> {
        self.held()
            .map_err(|error| KeyValueError::Unavailable { reason: error.to_string() })
    }

    fn stock_data(&mut self) -> Result<&mut Held, StockError> {
        self.held()
            .map_err(|error| StockError::Unavailable { reason: error.to_string() })
    }

    /// Forgets the mark, returning where the undo log stood at it.
    fn marked(&mut self) -> Result<usize, HostError> {
        self.held()?.mark.take().ok_or_else(|| HostError::Storage {
            operation: "use the memory store",
            source: "no mark is set".into(),
        })
    }

    /// Ends the transaction, leaving `data` as the shared value.
    fn end(&mut self, commit: bool) {
        if let Some(held) = self.held.take() {
            let data = if commit { held.data } else { held.rolled_back() };
            *self.shared.lock() = Some(data);
            self.shared.returned.notify_all();
        }
    }
}

impl Drop for MemoryConnection {
    fn drop(&mut self) {
        self.end(false);
    }
}

impl Transactional for MemoryConnection {
    fn begin(&mut self, _access: Access) -> Result<(), HostError> {
        self.end(false);
        let data = self
            .shared
            .available()
            .take()
            .expect("available() returns the data in place");
        self.held = Some(Held { data, undo: Vec::new(), mark: None });
        Ok(())
    }

    fn commit(&mut self) -> Result<(), HostError> {
        self.held.as_ref().ok_or_else(outside_transaction)?;
        self.end(true);
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), HostError> {
        self.end(false);
        Ok(())
    }

    fn mark(&mut self) -> Result<(), HostError> {
        let held = self.held()?;
        held.mark = Some(held.undo.len());
        Ok(())
    }

    fn release_mark(&mut self) -> Result<(), HostError> {
        self.marked()?;
        Ok(())
    }

    fn rollback_to_mark(&mut self) -> Result<(), HostError> {
        let kept = self.marked()?;
        self.held()?.undo_to(kept);
        Ok(())
    }
}

impl KeyValue for MemoryConnection {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, KeyValueError> {
        Ok(self.kv()?.data.kv.get(key).cloned())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KeyValueError> {
        self.kv()?.set_kv(key, Some(value.to_vec()));
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), KeyValueError> {
        self.kv()?.set_kv(key, None);
        Ok(())
    }

    /// The next number in the transaction: gapless, given back by a rollback.
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, KeyValueError> {
        let held = self.kv()?;
        let old = held.data.sequences.get(sequence).copied();
        let number = old.unwrap_or(0).max(after) + 1;
        held.data.sequences.insert(sequence.to_owned(), number);
        held.undo.push(Undo::Sequence(sequence.to_owned(), old));
        Ok(number)
    }

    fn scan(
        &mut self,
        start: &[u8],
        end: &[u8],
        limit: u32,
    ) -> Result<Vec<KeyValuePair>, KeyValueError> {
        let kv = &self.kv()?.data.kv;
        if start >= end {
            return Ok(Vec::new());
        }
        Ok(kv
            .range::<[u8], _>((std::ops::Bound::Included(start), std::ops::Bound::Excluded(end)))
            .take(limit as usize)
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect())
    }
}

fn reservation_id(number: u64) -> String {
    format!("{RESERVATION_PREFIX}{number}")
}

fn reservation_number(id: &str) -> Option<u64> {
    let number: u64 = id.strip_prefix(RESERVATION_PREFIX)?.parse().ok()?;
    (reservation_id(number) == id).then_some(number)
}

impl Inventory for MemoryConnection {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, StockError> {
        Ok(self.stock_data()?.available(&place(sku, location)))
    }

    fn reserve(&mut self, request: &NewReservation) -> Result<String, StockError> {
        let held = self.stock_data()?;
        let place = place(&request.sku, request.location.as_deref());
        let available = held.available(&place);
        if request.quantity > available {
            return Err(StockError::InsufficientStock { available });
        }
        held.stock_mut(&place).1 += request.quantity;
        held.undo.push(Undo::LastReservation(held.data.last_reservation));
        held.data.last_reservation += 1;
        let number = held.data.last_reservation;
        let reservation = Reservation {
            place,
            holder: request.holder.clone(),
            quantity: request.quantity,
            expires_at: request.expires_at,
        };
        held.put_reservation(number, Some(reservation));
        Ok(reservation_id(number))
    }

    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), StockError> {
        self.stock_data()?.take(id, quantity, false)
    }

    fn extend(&mut self, id: &str, expires_at: Option<Timestamp>) -> Result<(), StockError> {
        let held = self.stock_data()?;
        let (number, mut reservation) = held.reservation(id)?;
        reservation.expires_at = expires_at;
        held.put_reservation(number, Some(reservation));
        Ok(())
    }

    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), StockError> {
        self.stock_data()?.take(id, Some(quantity), true)
    }

    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), StockError> {
        let held = self.stock_data()?;
        let place = place(sku, location);
        let available = held.available(&place);
        if quantity > available {
            return Err(StockError::InsufficientStock { available });
        }
        held.stock_mut(&place).0 -= quantity;
        Ok(())
    }

    fn reserved_totals(&mut self) -> Result<Vec<(String, Option<String>, u64)>, StockError> {
        let mut totals: BTreeMap<&Place, u64> = BTreeMap::new();
        for reservation in self.stock_data()?.data.reservations.values() {
            *totals.entry(&reservation.place).or_default() += reservation.quantity;
        }
        Ok(totals
            .into_iter()
            .map(|(place, quantity)| (place.0.clone(), location_of(place), quantity))
            .collect())
    }

    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, StockError> {
        let place = place(sku, location);
        Ok(self
            .stock_data()?
            .data
            .reservations
            .iter()
            .filter(|(_, reservation)| reservation.place == place)
            .map(|(number, reservation)| Holding {
                reservation_id: reservation_id(*number),
                holder: reservation.holder.clone(),
                quantity: reservation.quantity,
            })
            .collect())
    }
}

impl StockAdmin for MemoryConnection {
    fn stock_level(&mut self, sku: &str, location: Option<&str>) -> Result<StockLevel, HostError> {
        let counts = self
            .data()?
            .stock
            .get(&place(sku, location))
            .copied()
            .unwrap_or_default();
        Ok(level(&place(sku, location), counts))
    }

    fn write_on_hand(&mut self, level: &StockLevel) -> Result<(), HostError> {
        let place = place(&level.sku, level.location.as_deref());
        self.held()?.stock_mut(&place).0 = level.on_hand;
        Ok(())
    }

    fn stock_levels(&mut self, sku: Option<&str>, limit: u32) -> Result<Vec<StockLevel>, HostError> {
        Ok(self
            .data()?
            .stock
            .iter()
            .filter(|(place, _)| sku.is_none_or(|sku| place.0 == sku))
            .take(limit as usize)
            .map(|(place, counts)| level(place, *counts))
            .collect())
    }

    fn stock_audit(&mut self) -> Result<Vec<StockAudit>, HostError> {
        let data = self.data()?;
        let mut held: BTreeMap<&Place, u64> = BTreeMap::new();
        for reservation in data.reservations.values() {
            *held.entry(&reservation.place).or_default() += reservation.quantity;
        }
        let mut audit: Vec<StockAudit> = data
            .stock
            .iter()
            .map(|(place, counts)| StockAudit {
                level: level(place, *counts),
                held_by_reservations: held.get(place).copied().unwrap_or_default(),
            })
            .collect();
        audit.extend(
            held.iter()
                .filter(|(place, _)| !data.stock.contains_key(**place))
                .map(|(place, quantity)| StockAudit {
                    level: level(place, (0, 0)),
                    held_by_reservations: *quantity,
                }),
        );
        Ok(audit)
    }
}

impl EventSink for MemoryConnection {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError> {
        let held = self.held()?;
        held.undo.push(Undo::EventCount(held.data.events.len()));
        let events = &mut held.data.events;
        let seq = events.last().map_or(1, |last| last.seq + 1);
        events.push(OutboxEvent {
            seq,
            event: event.clone(),
            recorded_at,
        });
        Ok(())
    }

    fn recent_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, HostError> {
        let events = &self.data()?.events;
        let first = events.len().saturating_sub(limit as usize);
        Ok(events[first..].to_vec())
    }
}

impl Connection for MemoryConnection {}
