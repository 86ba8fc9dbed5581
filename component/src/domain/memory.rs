//! In-memory ports: for the domain's native unit tests and for hosts that
//! want to run the rules without a database. Inventory is kept per SKU and
//! location with reservations, like the reference host's.

use super::model::{Event, Timestamp};
use super::ports::{Events, Holding, Inventory, InventoryFailure, ReservationRequest, ReservedUnits, Store, StoreFailure, Write};
use std::collections::BTreeMap;

#[derive(Default, Clone, Debug)]
pub struct MemoryStore {
    pub entries: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Store calls made, for tests that bound what an operation touches.
    pub calls: u64,
    /// The last number each sequence gave.
    pub sequences: BTreeMap<String, u64>,
}

impl Store for MemoryStore {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreFailure> {
        self.calls += 1;
        Ok(self.entries.get(key).cloned())
    }

    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreFailure> {
        self.calls += 1;
        Ok(keys.iter().map(|k| self.entries.get(k).cloned()).collect())
    }

    fn write_batch(&mut self, writes: &[Write], _scopes: &[String]) -> Result<(), StoreFailure> {
        self.calls += 1;
        for write in writes {
            match write {
                Write::Set(key, value) => self.entries.insert(key.clone(), value.clone()),
                Write::Delete(key) => self.entries.remove(key),
            };
        }
        Ok(())
    }

    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, StoreFailure> {
        self.calls += 1;
        let last = self.sequences.entry(sequence.to_string()).or_default();
        *last = (*last).max(after) + 1;
        Ok(*last)
    }

    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreFailure> {
        self.calls += 1;
        if limit == 0 || start >= end {
            return Ok(Vec::new());
        }
        Ok(self
            .entries
            .range(start.to_vec()..end.to_vec())
            .take(limit as usize)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}

#[derive(Clone, Debug)]
pub struct Reservation {
    pub sku: String,
    pub location: String,
    pub quantity: u64,
    pub holder: String,
    pub expires_at: Option<Timestamp>,
}

#[derive(Default, Clone, Debug)]
pub struct MemoryInventory {
    /// (sku, location) -> units on hand; location "" is the default one.
    pub on_hand: BTreeMap<(String, String), u64>,
    pub reservations: BTreeMap<u64, Reservation>,
    next_reservation: u64,
}

impl MemoryInventory {
    pub fn add(&mut self, sku: &str, location: Option<&str>, quantity: u64) {
        *self.on_hand.entry((sku.to_string(), location.unwrap_or("").to_string())).or_default() += quantity;
    }

    pub fn reserved(&self, sku: &str, location: &str) -> u64 {
        self.reservations.values().filter(|r| r.sku == sku && r.location == location).map(|r| r.quantity).sum()
    }

    fn place(sku: &str, location: Option<&str>) -> (String, String) {
        (sku.to_string(), location.unwrap_or("").to_string())
    }

    fn reservation_id(id: &str) -> Result<u64, InventoryFailure> {
        id.strip_prefix("R-").and_then(|n| n.parse().ok()).ok_or_else(|| InventoryFailure::UnknownReservation(id.to_string()))
    }

    fn reservation(&mut self, id: &str) -> Result<(u64, &mut Reservation), InventoryFailure> {
        let n = Self::reservation_id(id)?;
        self.reservations.get_mut(&n).map(|r| (n, r)).ok_or_else(|| InventoryFailure::UnknownReservation(id.to_string()))
    }
}

impl Inventory for MemoryInventory {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, InventoryFailure> {
        let place = Self::place(sku, location);
        let on_hand = self.on_hand.get(&place).copied().unwrap_or(0);
        Ok(on_hand - self.reserved(&place.0, &place.1))
    }

    fn reserve(&mut self, request: &ReservationRequest) -> Result<String, InventoryFailure> {
        let available = self.available(&request.sku, request.location.as_deref())?;
        if available < request.quantity {
            return Err(InventoryFailure::InsufficientStock(available));
        }
        self.next_reservation += 1;
        let (sku, location) = Self::place(&request.sku, request.location.as_deref());
        self.reservations.insert(
            self.next_reservation,
            Reservation { sku, location, quantity: request.quantity, holder: request.holder.clone(), expires_at: request.expires_at },
        );
        Ok(format!("R-{}", self.next_reservation))
    }

    fn release(&mut self, reservation_id: &str, quantity: Option<u64>) -> Result<(), InventoryFailure> {
        let (n, reservation) = self.reservation(reservation_id)?;
        let quantity = quantity.unwrap_or(reservation.quantity);
        if quantity > reservation.quantity {
            return Err(InventoryFailure::ExceedsReservation(reservation.quantity));
        }
        reservation.quantity -= quantity;
        if reservation.quantity == 0 {
            self.reservations.remove(&n);
        }
        Ok(())
    }

    fn extend(&mut self, reservation_id: &str, expires_at: Option<Timestamp>) -> Result<(), InventoryFailure> {
        self.reservation(reservation_id)?.1.expires_at = expires_at;
        Ok(())
    }

    fn consume(&mut self, reservation_id: &str, quantity: u64) -> Result<(), InventoryFailure> {
        let (n, reservation) = self.reservation(reservation_id)?;
        if quantity > reservation.quantity {
            return Err(InventoryFailure::ExceedsReservation(reservation.quantity));
        }
        reservation.quantity -= quantity;
        let place = (reservation.sku.clone(), reservation.location.clone());
        if reservation.quantity == 0 {
            self.reservations.remove(&n);
        }
        *self.on_hand.get_mut(&place).expect("reserved units are on hand") -= quantity;
        Ok(())
    }

    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure> {
        let available = self.available(sku, location)?;
        if available < quantity {
            return Err(InventoryFailure::InsufficientStock(available));
        }
        *self.on_hand.entry(Self::place(sku, location)).or_default() -= quantity;
        Ok(())
    }

    fn reserved_totals(&mut self) -> Result<Vec<ReservedUnits>, InventoryFailure> {
        let mut totals = std::collections::BTreeMap::new();
        for r in self.reservations.values() {
            *totals.entry((r.sku.clone(), r.location.clone())).or_insert(0) += r.quantity;
        }
        Ok(totals
            .into_iter()
            .map(|((sku, location), quantity)| ReservedUnits { sku, location: (!location.is_empty()).then_some(location), quantity })
            .collect())
    }

    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, InventoryFailure> {
        let (sku, location) = Self::place(sku, location);
        Ok(self
            .reservations
            .iter()
            .filter(|(_, r)| r.sku == sku && r.location == location)
            .map(|(n, r)| Holding { reservation_id: format!("R-{n}"), holder: r.holder.clone(), quantity: r.quantity })
            .collect())
    }

    fn set_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure> {
        let place = Self::place(sku, location);
        assert!(quantity >= self.reserved(&place.0, &place.1), "on hand set below the units reserved");
        self.on_hand.insert(place, quantity);
        Ok(())
    }

    fn add_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure> {
        self.add(sku, location, quantity);
        Ok(())
    }
}

#[derive(Default, Clone, Debug)]
pub struct MemoryEvents {
    pub events: Vec<Event>,
}

impl Events for MemoryEvents {
    fn emit(&mut self, events: Vec<Event>) {
        self.events.extend(events);
    }
}

/// Wraps a port and counts its calls: every call is a crossing of the
/// component boundary once the port is a WIT import. Tests use it to bound
/// what an operation costs a host.
pub struct Counted<'a, P: ?Sized> {
    pub inner: &'a mut P,
    pub calls: u64,
}

impl<'a, P: ?Sized> Counted<'a, P> {
    pub fn new(inner: &'a mut P) -> Self {
        Counted { inner, calls: 0 }
    }
}

impl<P: Store + ?Sized> Store for Counted<'_, P> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreFailure> {
        self.calls += 1;
        self.inner.get(key)
    }

    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreFailure> {
        self.calls += 1;
        self.inner.get_many(keys)
    }

    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreFailure> {
        self.calls += 1;
        self.inner.scan(start, end, limit)
    }

    fn write_batch(&mut self, writes: &[Write], scopes: &[String]) -> Result<(), StoreFailure> {
        self.calls += 1;
        self.inner.write_batch(writes, scopes)
    }

    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, StoreFailure> {
        self.calls += 1;
        self.inner.next_number(sequence, after)
    }
}

impl<P: Inventory + ?Sized> Inventory for Counted<'_, P> {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, InventoryFailure> {
        self.calls += 1;
        self.inner.available(sku, location)
    }

    fn reserve(&mut self, request: &ReservationRequest) -> Result<String, InventoryFailure> {
        self.calls += 1;
        self.inner.reserve(request)
    }

    fn release(&mut self, reservation_id: &str, quantity: Option<u64>) -> Result<(), InventoryFailure> {
        self.calls += 1;
        self.inner.release(reservation_id, quantity)
    }

    fn extend(&mut self, reservation_id: &str, expires_at: Option<Timestamp>) -> Result<(), InventoryFailure> {
        self.calls += 1;
        self.inner.extend(reservation_id, expires_at)
    }

    fn consume(&mut self, reservation_id: &str, quantity: u64) -> Result<(), InventoryFailure> {
        self.calls += 1;
        self.inner.consume(reservation_id, quantity)
    }

    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure> {
        self.calls += 1;
        self.inner.issue(sku, location, quantity)
    }

    fn reserved_totals(&mut self) -> Result<Vec<ReservedUnits>, InventoryFailure> {
        self.calls += 1;
        self.inner.reserved_totals()
    }

    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, InventoryFailure> {
        self.calls += 1;
        self.inner.reservations(sku, location)
    }

    fn set_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure> {
        self.calls += 1;
        self.inner.set_on_hand(sku, location, quantity)
    }

    fn add_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), InventoryFailure> {
        self.calls += 1;
        self.inner.add_on_hand(sku, location, quantity)
    }
}

impl<P: Events + ?Sized> Events for Counted<'_, P> {
    fn emit(&mut self, events: Vec<Event>) {
        self.calls += 1;
        self.inner.emit(events)
    }
}
