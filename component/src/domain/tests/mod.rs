//! The rules of DOMAIN.md, run natively against the in-memory ports. Each
//! call runs like a host transaction: on error the state is put back.

mod bulk;
mod crossings;
mod lifecycle;
mod reliability;
mod stock;
mod supply;

use super::memory::{MemoryEvents, MemoryInventory, MemoryStore};
use super::model::*;
use super::ops;
use super::ports::Ports;
use super::DomainError;

pub(super) const DAY: i64 = 86_400_000;
/// 2026-11-26T00:00:00Z
pub(super) const T0: i64 = 1_795_651_200_000;

/// An exact instant as a promised or expected date.
pub(super) fn at(t: Timestamp) -> DateOrTime {
    DateOrTime::Time(t)
}

/// The zone rules of `clock.utc-offset`, as a host gives them.
pub(super) fn utc_offset(zone: &str, at: Timestamp) -> Option<i32> {
    use chrono::{Offset, TimeZone};
    let zone: chrono_tz::Tz = zone.parse().ok()?;
    Some(zone.timestamp_millis_opt(at).single()?.offset().fix().local_minus_utc())
}

pub(super) struct World {
    pub store: MemoryStore,
    pub inventory: MemoryInventory,
    pub events: MemoryEvents,
    pub now: Timestamp,
}

impl World {
    pub fn new() -> Self {
        World { store: MemoryStore::default(), inventory: MemoryInventory::default(), events: MemoryEvents::default(), now: T0 }
    }

    /// One call, one transaction: the state is restored when it fails (the
    /// store and the outbox keep nothing of a failed call already; the
    /// inventory is put back as a host's transaction would).
    pub fn call<T>(&mut self, f: impl FnOnce(&mut Ports) -> Result<T, DomainError>) -> Result<T, DomainError> {
        let saved = (self.store.entries.clone(), self.inventory.clone(), self.events.events.len());
        let result = super::call(&mut self.store, &mut self.inventory, &mut self.events, self.now, &mut utc_offset, f);
        if result.is_err() {
            self.store.entries = saved.0;
            self.inventory = saved.1;
            self.events.events.truncate(saved.2);
        }
        result
    }

    /// Runs `f`, which must succeed, and gives the kinds of the events it emitted.
    pub fn emitted<T>(&mut self, f: impl FnOnce(&mut Ports) -> Result<T, DomainError>) -> Vec<EventKind> {
        let before = self.events.events.len();
        self.call(f).expect("the call succeeds");
        self.events.events[before..].iter().map(|e| e.kind).collect()
    }

    pub fn create(&mut self, sku: &str, quantity: u64, priority: Priority) -> Backorder {
        self.create_with(NewBackorder { sku: sku.into(), quantity, priority: Some(priority), ..base() })
    }

    pub fn create_with(&mut self, request: NewBackorder) -> Backorder {
        self.call(|p| ops::create_backorder(p, request)).expect("create")
    }

    pub fn allocate(&mut self, id: &str, quantity: u64) -> Result<AllocationResult, DomainError> {
        self.call(|p| ops::allocate_backorder(p, alloc(id, quantity)))
    }

    pub fn fulfill(&mut self, id: &str, quantity: u64) -> Result<FulfillmentResult, DomainError> {
        self.call(|p| ops::fulfill_backorder(p, ship(id, quantity)))
    }

    /// Cancels `quantity` units of `id`, or with none all it still owes.
    pub fn cancel(&mut self, id: &str, quantity: Option<u64>) -> Result<CancelResult, DomainError> {
        self.call(|p| ops::cancel_backorder(p, CancelRequest { backorder_id: id.into(), quantity, ..Default::default() }))
    }

    /// One backorder of `sku` per `(quantity, priority)`, in order; their ids.
    pub fn create_each<const N: usize>(&mut self, sku: &str, orders: [(u64, Priority); N]) -> [String; N] {
        orders.map(|(quantity, priority)| self.create(sku, quantity, priority).backorder_id)
    }

    /// A backorder of `quantity` units of `sku` to be served at `location`
    /// (none: the default location); its id.
    pub fn create_at(&mut self, sku: &str, quantity: u64, priority: Priority, location: Option<&str>) -> String {
        let location = location.map(String::from);
        self.create_with(NewBackorder { sku: sku.into(), quantity, priority: Some(priority), location, ..base() }).backorder_id
    }

    pub fn get(&mut self, id: &str) -> BackorderDetail {
        self.call(|p| ops::get_backorder(p, id)).expect("get")
    }

    pub fn summary(&mut self) -> Summary {
        self.call(ops::get_backorder_summary).expect("summary")
    }

    pub fn sku_summary(&mut self, sku: &str) -> SkuSummary {
        self.call(|p| ops::get_sku_backorder_summary(p, sku)).expect("sku summary")
    }

    pub fn list(&mut self, request: ListRequest) -> BackorderPage {
        self.call(|p| ops::list_backorders(p, request)).expect("list")
    }
}

/// A world with `stock` units of "SKU" on hand and one normal-priority
/// backorder for `quantity` of them, whose id comes with it.
pub(super) fn stocked(stock: u64, quantity: u64) -> (World, String) {
    let mut w = World::new();
    w.inventory.add("SKU", None, stock);
    let bo = w.create("SKU", quantity, Priority::Normal).backorder_id;
    (w, bo)
}

pub(super) fn base() -> NewBackorder {
    NewBackorder { order_id: "O-1".into(), customer_id: "C-1".into(), sku: "WIDGET-001".into(), quantity: 10, ..Default::default() }
}

/// Reserve `quantity` units of stock on hand for `id`.
pub(super) fn alloc(id: &str, quantity: u64) -> AllocationRequest {
    AllocationRequest { backorder_id: id.into(), quantity, ..Default::default() }
}

/// Ship `quantity` units of `id` from stock on hand.
pub(super) fn ship(id: &str, quantity: u64) -> FulfillmentRequest {
    FulfillmentRequest { backorder_id: id.into(), quantity, ..Default::default() }
}

/// `quantity` units of `sku` expected at `expected_at` on purchase order `reference`.
pub(super) fn expectation(sku: &str, quantity: u64, expected_at: Timestamp, reference: &str) -> SupplyExpectation {
    SupplyExpectation {
        sku: sku.into(),
        quantity,
        expected_at: at(expected_at),
        source: SourceKind::PurchaseOrder,
        source_ref: reference.into(),
        location: None,
        request_id: None,
    }
}

pub(super) fn invalid_field(err: DomainError) -> String {
    match err {
        DomainError::InvalidInput { field, .. } => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}


pub(super) fn change(id: &str) -> AllocationChange {
    AllocationChange { allocation_id: id.into(), ..Default::default() }
}

pub(super) fn extension(id: &str, expires_at: Timestamp) -> AllocationExtension {
    AllocationExtension { allocation_id: id.into(), expires_at, ..Default::default() }
}
