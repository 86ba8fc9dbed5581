//! The same domain code as the component (`backorders_component::domain`),
//! compiled natively, against one connection of a host provider (SQLite or
//! PostgreSQL): one transaction per operation, as the host runs a call. No
//! sandbox, no WIT boundary: the floor that shows what the sandbox costs.

use std::cell::RefCell;

use anyhow::{anyhow, Result};
use backorders_component::domain::{self, model as m, ports, DomainResult, Ports};
use backorders_host::names::WireName;
use backorders_host::provider::{
    Access, Clock, Connection, KeyValueError, NewReservation, StockError, StockLevel, SystemClock, Write,
};
use backorders_cli::json;
use backorders_host::{
    Backorder, BackorderStatus, BackorderSummary, DateOrTime, Event, EventKind, Priority, PriorityCounts, StatusCounts,
};
use serde_json::Value;

use super::{Counters, Storage, System};
use crate::workload::{Order, Urgency};

/// A provider's connection, used by one operation at a time.
type Database = RefCell<Box<dyn Connection>>;

pub struct NativeSystem {
    /// Declared before `storage`: dropped before its provider is.
    database: Database,
    storage: Storage,
}

impl NativeSystem {
    /// One connection of the provider, kept for every operation (a conflict
    /// cannot occur: nothing else writes while the workload runs).
    pub fn open(storage: &Storage) -> Result<Self> {
        Ok(Self {
            database: RefCell::new(storage.provider().connect(true)?),
            storage: storage.clone(),
        })
    }

    /// Runs one domain operation in one transaction: commits a write that
    /// succeeded, rolls back everything else.
    fn operation<T>(
        &self,
        access: Access,
        operation: impl FnOnce(&mut Ports) -> DomainResult<T>,
    ) -> Result<T> {
        self.database.borrow_mut().begin(access)?;
        let mut store = StorePort(&self.database);
        let mut inventory = InventoryPort(&self.database);
        let mut events = EventPort {
            database: &self.database,
            failure: None,
        };
        let result = ports::call(
            &mut store,
            &mut inventory,
            &mut events,
            SystemClock.now(),
            &mut backorders_host::dates::utc_offset,
            operation,
        );
        let result = match (result, events.failure) {
            (Ok(value), None) => Ok(value),
            (Err(error), _) => Err(anyhow!("domain error: {error:?}")),
            (Ok(_), Some(error)) => Err(error.into()),
        };
        let mut database = self.database.borrow_mut();
        if result.is_ok() && access == Access::Write {
            database.commit()?;
        } else {
            database.rollback()?;
        }
        result
    }
}

struct StorePort<'a>(&'a Database);

fn store_failure(error: KeyValueError) -> ports::StoreFailure {
    ports::StoreFailure(error.to_string())
}

impl ports::Store for StorePort<'_> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, ports::StoreFailure> {
        self.0.borrow_mut().get(key).map_err(store_failure)
    }

    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, ports::StoreFailure> {
        self.0.borrow_mut().get_many(keys).map_err(store_failure)
    }

    fn write_batch(&mut self, writes: &[ports::Write], scopes: &[String]) -> Result<(), ports::StoreFailure> {
        let writes: Vec<Write> = writes
            .iter()
            .map(|write| match write {
                ports::Write::Set(key, value) => Write::Set(key.clone(), value.clone()),
                ports::Write::Delete(key) => Write::Delete(key.clone()),
            })
            .collect();
        let mut connection = self.0.borrow_mut();
        connection.touch(scopes).map_err(store_failure)?;
        connection.write_batch(&writes).map_err(store_failure)
    }

    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, ports::StoreFailure> {
        self.0.borrow_mut().next_number(sequence, after).map_err(store_failure)
    }

    fn scan(
        &mut self,
        start: &[u8],
        end: &[u8],
        limit: u32,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ports::StoreFailure> {
        self.0
            .borrow_mut()
            .scan(start, end, limit)
            .map_err(store_failure)
    }
}

struct InventoryPort<'a>(&'a Database);

fn inventory_failure(error: StockError) -> ports::InventoryFailure {
    match error {
        StockError::InsufficientStock { available } => {
            ports::InventoryFailure::InsufficientStock(available)
        }
        StockError::UnknownReservation { id } => ports::InventoryFailure::UnknownReservation(id),
        StockError::ExceedsReservation { held } => {
            ports::InventoryFailure::ExceedsReservation(held)
        }
        StockError::Unavailable { reason } => ports::InventoryFailure::Unavailable(reason),
    }
}

impl InventoryPort<'_> {
    /// One provider call on the borrowed connection, its refusal in the
    /// port's terms.
    fn port<T>(
        &self,
        call: impl FnOnce(&mut dyn Connection) -> Result<T, StockError>,
    ) -> Result<T, ports::InventoryFailure> {
        call(self.0.borrow_mut().as_mut()).map_err(inventory_failure)
    }
}

impl ports::Inventory for InventoryPort<'_> {
    fn available(
        &mut self,
        sku: &str,
        location: Option<&str>,
    ) -> Result<u64, ports::InventoryFailure> {
        self.port(|connection| connection.available(sku, location))
    }

    fn reserve(
        &mut self,
        request: &ports::ReservationRequest,
    ) -> Result<String, ports::InventoryFailure> {
        let reservation = NewReservation {
            sku: request.sku.clone(),
            location: request.location.clone(),
            quantity: request.quantity,
            holder: request.holder.clone(),
            expires_at: request.expires_at,
            created_at: SystemClock.now(),
        };
        self.port(|connection| connection.reserve(&reservation))
    }

    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), ports::InventoryFailure> {
        self.port(|connection| connection.release(id, quantity))
    }

    fn extend(
        &mut self,
        id: &str,
        expires_at: Option<m::Timestamp>,
    ) -> Result<(), ports::InventoryFailure> {
        self.port(|connection| connection.extend(id, expires_at))
    }

    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), ports::InventoryFailure> {
        self.port(|connection| connection.consume(id, quantity))
    }

    fn issue(
        &mut self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
    ) -> Result<(), ports::InventoryFailure> {
        self.port(|connection| connection.issue(sku, location, quantity))
    }

    fn reserved_totals(&mut self) -> Result<Vec<ports::ReservedUnits>, ports::InventoryFailure> {
        let totals = self.port(|connection| connection.reserved_totals())?;
        Ok(totals
            .into_iter()
            .map(|(sku, location, quantity)| ports::ReservedUnits { sku, location, quantity })
            .collect())
    }

    fn reservations(
        &mut self,
        sku: &str,
        location: Option<&str>,
    ) -> Result<Vec<ports::Holding>, ports::InventoryFailure> {
        let holdings = self.port(|connection| connection.reservations(sku, location))?;
        Ok(holdings
            .into_iter()
            .map(|holding| ports::Holding {
                reservation_id: holding.reservation_id,
                holder: holding.holder,
                quantity: holding.quantity,
            })
            .collect())
    }

    /// The host's count rule refuses a count below the reserved units,
    /// which the domain never asks for; any failure is the port's
    /// `Unavailable`.
    fn set_on_hand(
        &mut self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
    ) -> Result<(), ports::InventoryFailure> {
        self.port(|connection| {
            connection
                .set_on_hand(sku, location, quantity)
                .map(drop)
                .map_err(|error| StockError::Unavailable { reason: error.to_string() })
        })
    }

    fn add_on_hand(
        &mut self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
    ) -> Result<(), ports::InventoryFailure> {
        self.port(|connection| {
            let unavailable = |error: backorders_host::HostError| StockError::Unavailable { reason: error.to_string() };
            let mut level = connection.stock_level(sku, location).map_err(unavailable)?;
            level.on_hand += quantity;
            connection.write_on_hand(&level).map_err(unavailable)
        })
    }
}

/// The outbox. `emit` cannot fail in the domain's port, so the first
/// failure is kept and fails the operation afterwards (the host traps).
struct EventPort<'a> {
    database: &'a Database,
    failure: Option<backorders_host::HostError>,
}

impl ports::Events for EventPort<'_> {
    fn emit(&mut self, events: Vec<m::Event>) {
        for event in events {
            self.emit_one(event);
        }
    }
}

impl EventPort<'_> {
    fn emit_one(&mut self, event: m::Event) {
        if self.failure.is_some() {
            return;
        }
        let kind = match event.kind {
            m::EventKind::BackorderCreated => EventKind::BackorderCreated,
            m::EventKind::BackorderUpdated => EventKind::BackorderUpdated,
            m::EventKind::AllocationCreated => EventKind::AllocationCreated,
            m::EventKind::AllocationConfirmed => EventKind::AllocationConfirmed,
            m::EventKind::AllocationReleased => EventKind::AllocationReleased,
            m::EventKind::AllocationExtended => EventKind::AllocationExtended,
            m::EventKind::AllocationExpired => EventKind::AllocationExpired,
            m::EventKind::AllocationReceived => EventKind::AllocationReceived,
            m::EventKind::BackorderFulfilled => EventKind::BackorderFulfilled,
            m::EventKind::BackorderCancelled => EventKind::BackorderCancelled,
            m::EventKind::BackorderExpectedDateChanged => EventKind::BackorderExpectedDateChanged,
            m::EventKind::BackorderAtRiskSet => EventKind::BackorderAtRiskSet,
            m::EventKind::BackorderAtRiskCleared => EventKind::BackorderAtRiskCleared,
        };
        let status = BackorderStatus::from_wire_name(event.status.name())
            .expect("the domain and the WIT name statuses alike");
        let event = Event {
            kind,
            at: event.at,
            backorder_id: event.backorder_id,
            sku: event.sku,
            allocation_id: event.allocation_id,
            quantity: event.quantity,
            status,
            backorder: Some(backorder(event.backorder)),
        };
        let recorded_at = SystemClock.now();
        if let Err(error) = self.database.borrow_mut().append(&event, recorded_at) {
            self.failure = Some(error);
        }
    }
}

/// The domain's backorder as the WIT carries it, as the component's adapter
/// converts it.
fn backorder(b: m::Backorder) -> Backorder {
    let date = |date: Option<m::DateOrTime>| {
        date.map(|date| match date {
            m::DateOrTime::Date(day) => DateOrTime::Date(day),
            m::DateOrTime::Time(at) => DateOrTime::Time(at),
        })
    };
    Backorder {
        priority: Priority::from_wire_name(b.priority.name()).expect("the domain and the WIT name priorities alike"),
        status: BackorderStatus::from_wire_name(b.status.name()).expect("the domain and the WIT name statuses alike"),
        expected_date: date(b.expected_date),
        promised_date: date(b.promised_date),
        backorder_id: b.backorder_id,
        order_id: b.order_id,
        order_line_id: b.order_line_id,
        customer_id: b.customer_id,
        sku: b.sku,
        quantity_ordered: b.quantity_ordered,
        quantity_allocated: b.quantity_allocated,
        quantity_confirmed: b.quantity_confirmed,
        quantity_fulfilled: b.quantity_fulfilled,
        quantity_cancelled: b.quantity_cancelled,
        quantity_remaining: b.quantity_remaining,
        location: b.location,
        notes: b.notes,
        created_at: b.created_at,
        updated_at: b.updated_at,
        version: b.version,
        at_risk: b.at_risk,
    }
}

fn new_backorder(order: &Order) -> m::NewBackorder {
    let priority = match order.urgency {
        Urgency::Critical => m::Priority::Critical,
        Urgency::High => m::Priority::High,
        Urgency::Normal => m::Priority::Normal,
        Urgency::Low => m::Priority::Low,
    };
    m::NewBackorder {
        order_id: order.order_id.clone(),
        customer_id: order.customer_id.clone(),
        sku: order.sku.clone(),
        quantity: order.quantity,
        priority: Some(priority),
        ..m::NewBackorder::default()
    }
}

/// The overall summary in the host's type, so both systems print it alike.
fn summary_figures(summary: &m::Summary) -> BackorderSummary {
    let totals = &summary.totals;
    let [pending, partially_fulfilled, allocated, ready_to_ship] = totals.by_status;
    let [low, normal, high, critical] = totals.by_priority;
    BackorderSummary {
        open_backorders: totals.open_backorders,
        units_remaining: totals.units_remaining,
        units_allocated: totals.units_allocated,
        by_status: StatusCounts {
            pending,
            partially_fulfilled,
            allocated,
            ready_to_ship,
        },
        by_priority: PriorityCounts {
            low,
            normal,
            high,
            critical,
        },
        overdue: summary.overdue,
        oldest_open_created_at: summary.oldest_open_created_at,
    }
}

impl System for NativeSystem {
    fn name(&self) -> &'static str {
        "backorders-native"
    }

    fn counters(&self) -> Counters {
        Counters {
            round_trips: self.storage.round_trips(),
            conflict_retries: 0,
        }
    }

    fn create(&mut self, order: &Order) -> Result<String> {
        let request = new_backorder(order);
        let created = self.operation(Access::Write, |ports| {
            domain::create_backorder(ports, request)
        })?;
        Ok(created.backorder_id)
    }

    fn import(&mut self, orders: &[Order]) -> Result<Vec<String>> {
        self.operation(Access::Write, |ports| {
            orders
                .iter()
                .map(|order| {
                    domain::create_backorder(ports, new_backorder(order)).map(|b| b.backorder_id)
                })
                .collect()
        })
    }

    fn set_stock(&mut self, sku: &str, on_hand: u64) -> Result<()> {
        let mut database = self.database.borrow_mut();
        database.begin(Access::Write)?;
        let level = StockLevel {
            sku: sku.to_owned(),
            location: None,
            on_hand,
            reserved: 0,
        };
        match database.write_on_hand(&level) {
            Ok(_) => database.commit()?,
            Err(error) => {
                database.rollback()?;
                return Err(error.into());
            }
        }
        Ok(())
    }

    fn allocate_available(&mut self, sku: &str) -> Result<Vec<(String, u64)>> {
        let request = m::RunRequest {
            sku: sku.to_owned(),
            location: None,
            policy: Some(m::AllocationPolicy::StrictPriority),
            source: m::SourceKind::Inventory,
            source_ref: None,
            expires_at: None,
            received: None,
            request_id: None,
        };
        let run = self.operation(Access::Write, |ports| {
            domain::allocate_available(ports, request)
        })?;
        let lines = run.lines.into_iter();
        Ok(lines
            .map(|line| (line.backorder_id, line.allocated))
            .collect())
    }

    fn fulfill(&mut self, backorder_id: &str, quantity: u64) -> Result<()> {
        let request = m::FulfillmentRequest {
            backorder_id: backorder_id.to_owned(),
            quantity,
            source: m::SourceKind::Inventory,
            source_ref: None,
            fulfilled_by: Some("bench".into()),
            notes: None,
            override_priority: false,
            request_id: None,
            expected_version: None,
        };
        self.operation(Access::Write, |ports| {
            domain::fulfill_backorder(ports, request)
        })?;
        Ok(())
    }

    fn summary(&mut self) -> Result<Value> {
        let summary = self.operation(Access::Read, domain::get_backorder_summary)?;
        Ok(json::summary(&summary_figures(&summary)))
    }

    fn sku_summary(&mut self, sku: &str) -> Result<()> {
        self.operation(Access::Read, |ports| {
            domain::get_sku_backorder_summary(ports, sku)
        })?;
        Ok(())
    }

    fn list_open(&mut self, sku: &str, limit: u32) -> Result<usize> {
        let request = m::ListRequest {
            sku: Some(sku.to_owned()),
            open_only: true,
            limit: Some(limit),
            ..m::ListRequest::default()
        };
        let page = self.operation(Access::Read, |ports| {
            domain::list_backorders(ports, request)
        })?;
        Ok(page.backorders.len())
    }
}
