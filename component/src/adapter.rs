//! The thin adapter between the WIT world and the domain: WIT values in,
//! domain call, WIT values out. Conversions are exhaustive matches with no
//! catch-all arm, so a new WIT case breaks the build instead of being lost.

mod bindings {
    wit_bindgen::generate!({ path: "../wit", world: "engine" });
}

use crate::domain::{self, model as m, ports, DomainError, Ports};
use bindings::commerce::backorders::{clock, events, inventory, store, types as t};
use bindings::exports::commerce::backorders::backorders::{self as api, Guest};

struct Component;

bindings::export!(Component with_types_in bindings);

/// Builds the struct `$to` from `$from`: each field named before the `;`
/// moves across as it is (same name and type on both sides); the fields
/// after it are written out with their conversion. As with any struct
/// expression, a field missing from both lists does not compile.
macro_rules! convert {
    ($from:ident => $module:ident::$to:ident { $($field:ident),* $(,)? $(; $($converted:tt)*)? }) => {
        $module::$to { $($field: $from.$field,)* $($($converted)*)? }
    };
}

// ---- ports over the imports ----

struct WitStore;

fn store_failure(error: store::StoreError) -> ports::StoreFailure {
    match error {
        store::StoreError::Unavailable(message) => ports::StoreFailure(message),
        store::StoreError::LimitExceeded(message) => ports::StoreFailure(format!("limit exceeded: {message}")),
    }
}

impl ports::Store for WitStore {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, ports::StoreFailure> {
        store::get(key).map_err(store_failure)
    }

    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, ports::StoreFailure> {
        store::get_many(keys).map_err(store_failure)
    }

    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, ports::StoreFailure> {
        store::next_number(sequence, after).map_err(store_failure)
    }

    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ports::StoreFailure> {
        let entries = store::scan(start, end, limit).map_err(store_failure)?;
        Ok(entries.into_iter().map(|e| (e.key, e.value)).collect())
    }

    fn write_batch(&mut self, writes: &[ports::Write], scopes: &[String]) -> Result<(), ports::StoreFailure> {
        let writes: Vec<store::Write> = writes
            .iter()
            .map(|write| match write {
                ports::Write::Set(key, value) => store::Write::Set(store::Entry { key: key.clone(), value: value.clone() }),
                ports::Write::Delete(key) => store::Write::Delete(key.clone()),
            })
            .collect();
        store::write_batch(&writes, scopes).map_err(store_failure)
    }
}

struct WitInventory;

fn inventory_failure(error: inventory::InventoryError) -> ports::InventoryFailure {
    match error {
        inventory::InventoryError::InsufficientStock(available) => ports::InventoryFailure::InsufficientStock(available),
        inventory::InventoryError::UnknownReservation(id) => ports::InventoryFailure::UnknownReservation(id),
        inventory::InventoryError::ExceedsReservation(held) => ports::InventoryFailure::ExceedsReservation(held),
        inventory::InventoryError::Unavailable(message) => ports::InventoryFailure::Unavailable(message),
    }
}

impl ports::Inventory for WitInventory {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, ports::InventoryFailure> {
        inventory::available(sku, location).map_err(inventory_failure)
    }

    fn reserve(&mut self, request: &ports::ReservationRequest) -> Result<String, ports::InventoryFailure> {
        let request = inventory::ReservationRequest {
            sku: request.sku.clone(),
            location: request.location.clone(),
            quantity: request.quantity,
            holder: request.holder.clone(),
            expires_at: request.expires_at,
        };
        inventory::reserve(&request).map_err(inventory_failure)
    }

    fn release(&mut self, reservation_id: &str, quantity: Option<u64>) -> Result<(), ports::InventoryFailure> {
        inventory::release(reservation_id, quantity).map_err(inventory_failure)
    }

    fn extend(&mut self, reservation_id: &str, expires_at: Option<m::Timestamp>) -> Result<(), ports::InventoryFailure> {
        inventory::extend(reservation_id, expires_at).map_err(inventory_failure)
    }

    fn consume(&mut self, reservation_id: &str, quantity: u64) -> Result<(), ports::InventoryFailure> {
        inventory::consume(reservation_id, quantity).map_err(inventory_failure)
    }

    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), ports::InventoryFailure> {
        inventory::issue(sku, location, quantity).map_err(inventory_failure)
    }

    fn reserved_totals(&mut self) -> Result<Vec<ports::ReservedUnits>, ports::InventoryFailure> {
        let totals = inventory::reserved_totals().map_err(inventory_failure)?;
        Ok(totals.into_iter().map(|t| convert!(t => ports::ReservedUnits { sku, location, quantity })).collect())
    }

    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<ports::Holding>, ports::InventoryFailure> {
        let holdings = inventory::reservations(sku, location).map_err(inventory_failure)?;
        Ok(holdings.into_iter().map(|h| convert!(h => ports::Holding { reservation_id, holder, quantity })).collect())
    }

    fn set_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), ports::InventoryFailure> {
        inventory::set_on_hand(sku, location, quantity).map_err(inventory_failure)
    }

    fn add_on_hand(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), ports::InventoryFailure> {
        inventory::add_on_hand(sku, location, quantity).map_err(inventory_failure)
    }
}

fn run_request(request: api::AllocationRunRequest) -> m::RunRequest {
    convert!(request => m::RunRequest {
        sku, location, source_ref, expires_at, received, request_id;
        policy: request.policy.map(policy_in),
        source: source_in(request.source),
    })
}

struct WitEvents;

impl ports::Events for WitEvents {
    fn emit(&mut self, batch: Vec<m::Event>) {
        let batch: Vec<t::Event> = batch
            .into_iter()
            .map(|event| {
                convert!(event => t::Event {
                    at, backorder_id, sku, allocation_id, quantity;
                    kind: event_kind(event.kind),
                    status: status(event.status),
                    backorder: Some(backorder(event.backorder)),
                })
            })
            .collect();
        events::emit(&batch);
    }
}

fn new_backorder(request: api::NewBackorder) -> m::NewBackorder {
    convert!(request => m::NewBackorder {
        order_id, order_line_id, customer_id, sku, quantity, location, notes, request_id;
        priority: request.priority.map(priority_in),
        expected_date: request.expected_date.map(date_in),
        promised_date: request.promised_date.map(date_in),
    })
}

/// Runs one domain operation against the imports as one call: the clock
/// read once, the writes sent in one batch and the events in one emit.
fn run<T, U>(op: impl FnOnce(&mut Ports) -> Result<T, DomainError>, out: impl FnOnce(T) -> U) -> Result<U, t::BackorderError> {
    domain::call(&mut WitStore, &mut WitInventory, &mut WitEvents, clock::now(), &mut clock::utc_offset, op).map(out).map_err(error)
}

impl Guest for Component {
    fn create_backorder(request: api::NewBackorder) -> Result<t::Backorder, t::BackorderError> {
        let request = new_backorder(request);
        run(|p| domain::create_backorder(p, request), backorder)
    }

    fn create_backorders(request: api::BulkCreate) -> Result<api::BulkResult, t::BackorderError> {
        let items = request.items.into_iter().map(new_backorder).collect();
        run(
            |p| domain::create_backorders(p, items, request.all_or_nothing),
            |results| api::BulkResult { results: results.into_iter().map(|r| r.map(backorder).map_err(error)).collect() },
        )
    }

    fn get_backorder(backorder_id: String) -> Result<t::BackorderDetail, t::BackorderError> {
        run(
            |p| domain::get_backorder(p, &backorder_id),
            |d| t::BackorderDetail {
                backorder: backorder(d.backorder),
                allocations: d.allocations.into_iter().map(allocation).collect(),
                fulfillments: d.fulfillments.into_iter().map(fulfillment).collect(),
                history: d.history.into_iter().map(history_entry).collect(),
            },
        )
    }

    fn list_backorders(request: api::ListRequest) -> Result<api::BackorderPage, t::BackorderError> {
        let request = convert!(request => m::ListRequest {
            sku, customer_id, order_id, open_only, overdue_only, expected_before, limit, cursor;
            status: request.status.map(status_in),
            priority: request.priority.map(priority_in),
        });
        run(
            |p| domain::list_backorders(p, request),
            |page| api::BackorderPage {
                backorders: page.backorders.into_iter().map(backorder).collect(),
                next_cursor: page.next_cursor,
            },
        )
    }

    fn update_backorder(request: api::BackorderUpdate) -> Result<t::Backorder, t::BackorderError> {
        let date = |c: api::DateChange| match c {
            api::DateChange::Set(value) => m::Change::Set(date_in(value)),
            api::DateChange::Clear => m::Change::Clear,
        };
        let text = |c: api::TextChange| match c {
            api::TextChange::Set(value) => m::Change::Set(value),
            api::TextChange::Clear => m::Change::Clear,
        };
        let request = convert!(request => m::BackorderUpdate {
            backorder_id, request_id, expected_version;
            priority: request.priority.map(priority_in),
            expected_date: request.expected_date.map(date),
            promised_date: request.promised_date.map(date),
            location: request.location.map(text),
            notes: request.notes.map(text),
        });
        run(|p| domain::update_backorder(p, request), backorder)
    }

    fn allocate_backorder(request: api::AllocationRequest) -> Result<api::AllocationResult, t::BackorderError> {
        let request = convert!(request => m::AllocationRequest {
            backorder_id, quantity, source_ref, location, lot, expires_at, override_priority, request_id, expected_version;
            source: source_in(request.source),
        });
        run(|p| domain::allocate_backorder(p, request), allocation_result)
    }

    fn confirm_allocation(request: api::AllocationChange) -> Result<api::AllocationResult, t::BackorderError> {
        run(|p| domain::confirm_allocation(p, allocation_change(request)), allocation_result)
    }

    fn release_allocation(request: api::AllocationChange) -> Result<api::AllocationResult, t::BackorderError> {
        run(|p| domain::release_allocation(p, allocation_change(request)), allocation_result)
    }

    fn extend_allocation(request: api::AllocationExtension) -> Result<api::AllocationResult, t::BackorderError> {
        let request = convert!(request => m::AllocationExtension { allocation_id, expires_at, request_id, expected_version });
        run(|p| domain::extend_allocation(p, request), allocation_result)
    }

    fn fulfill_backorder(request: api::FulfillmentRequest) -> Result<api::FulfillmentResult, t::BackorderError> {
        let request = convert!(request => m::FulfillmentRequest {
            backorder_id, quantity, source_ref, fulfilled_by, notes, override_priority, request_id, expected_version;
            source: source_in(request.source),
        });
        run(
            |p| domain::fulfill_backorder(p, request),
            |r| api::FulfillmentResult { backorder: backorder(r.backorder), fulfillment: fulfillment(r.fulfillment) },
        )
    }

    fn cancel_backorder(request: api::CancelRequest) -> Result<api::CancelResult, t::BackorderError> {
        let request = convert!(request => m::CancelRequest { backorder_id, quantity, reason, request_id, expected_version });
        run(
            |p| domain::cancel_backorder(p, request),
            |r| api::CancelResult {
                backorder: backorder(r.backorder),
                released: r.released.into_iter().map(allocation).collect(),
            },
        )
    }

    fn allocate_available(request: api::AllocationRunRequest) -> Result<api::AllocationRun, t::BackorderError> {
        let request = run_request(request);
        run(|p| domain::allocate_available(p, request), allocation_run)
    }

    fn receive(request: api::AllocationRunRequest) -> Result<api::AllocationRun, t::BackorderError> {
        let request = run_request(request);
        run(|p| domain::receive(p, request), allocation_run)
    }

    fn expire_allocations(request: api::ExpiryRequest) -> Result<api::ExpiryResult, t::BackorderError> {
        let request = convert!(request => m::ExpiryRequest { reallocate, request_id });
        run(
            |p| domain::expire_allocations(p, request),
            |r| api::ExpiryResult {
                expired: r.expired.into_iter().map(allocation).collect(),
                runs: r.runs.into_iter().map(allocation_run).collect(),
                more: r.more,
            },
        )
    }

    fn expect_supply(request: api::SupplyExpectation) -> Result<api::PromisePlan, t::BackorderError> {
        let request = convert!(request => m::SupplyExpectation {
            sku, quantity, source_ref, location, request_id;
            expected_at: date_in(request.expected_at),
            source: source_in(request.source),
        });
        run(
            |p| domain::expect_supply(p, request),
            |plan| api::PromisePlan {
                supply: expected_supply(plan.supply),
                lines: plan
                    .lines
                    .into_iter()
                    .map(|l| {
                        convert!(l => api::PromiseLine {
                            backorder_id, quantity, source_ref, at_risk;
                            priority: priority(l.priority),
                            expected_date: date(l.expected_date),
                            promised_date: l.promised_date.map(date),
                        })
                    })
                    .collect(),
            },
        )
    }

    fn list_expected_supply(sku: Option<String>) -> Result<Vec<api::ExpectedSupply>, t::BackorderError> {
        run(
            |p| domain::list_expected_supply(p, sku.as_deref()),
            |supplies| supplies.into_iter().map(expected_supply).collect(),
        )
    }

    fn check_integrity() -> Result<api::IntegrityReport, t::BackorderError> {
        run(domain::check_integrity, |r| {
            convert!(r => api::IntegrityReport {
                backorders_checked, allocations_checked, index_entries_checked;
                problems: r
                    .problems
                    .into_iter()
                    .map(|p| convert!(p => api::IntegrityProblem { subject, detail; kind: problem_kind(p.kind) }))
                    .collect(),
            })
        })
    }

    fn get_backorder_summary() -> Result<api::BackorderSummary, t::BackorderError> {
        run(domain::get_backorder_summary, summary)
    }

    fn update_settings(request: api::SettingsUpdate) -> Result<api::Settings, t::BackorderError> {
        let request = convert!(request => m::SettingsUpdate { timezone });
        run(|p| domain::update_settings(p, request), |s| convert!(s => api::Settings { timezone }))
    }

    fn get_sku_backorder_summary(sku: String) -> Result<api::SkuSummary, t::BackorderError> {
        run(
            |p| domain::get_sku_backorder_summary(p, &sku),
            |s| {
                convert!(s => api::SkuSummary {
                    sku;
                    earliest_expected_date: s.earliest_expected_date.map(date),
                    earliest_promised_date: s.earliest_promised_date.map(date),
                    summary: summary(s.summary),
                })
            },
        )
    }

    fn adjust_stock(request: api::StockAdjustmentRequest) -> Result<api::StockAdjustment, t::BackorderError> {
        let request = convert!(request => m::StockAdjustmentRequest {
            sku, location, reason, request_id;
            quantity: match request.quantity {
                api::StockChange::Set(count) => m::StockChange::Set(count),
                api::StockChange::Adjust(delta) => m::StockChange::Adjust(delta),
            },
        });
        run(
            |p| domain::adjust_stock(p, request),
            |a| {
                convert!(a => api::StockAdjustment {
                    sku, location, on_hand_before, on_hand, reserved;
                    released: a
                        .released
                        .into_iter()
                        .map(|l| {
                            convert!(l => api::StockLoss {
                                backorder_id, allocation_id, quantity;
                                priority: priority(l.priority),
                                status: status(l.status),
                            })
                        })
                        .collect(),
                })
            },
        )
    }
}

// ---- conversions ----

/// Converts enums between the domain and WIT, listing each case once.
/// The generated `match`es are exhaustive with no catch-all arm, so a case
/// added on either side breaks the build until it is listed here.
macro_rules! enum_conversion {
    ($out:ident: $dm:ident::$dt:ident => $wm:ident::$wt:ident { $($case:ident),+ $(,)? }) => {
        fn $out(value: $dm::$dt) -> $wm::$wt {
            match value {
                $($dm::$dt::$case => $wm::$wt::$case,)+
            }
        }
    };
    ($out:ident, $in:ident: $dm:ident::$dt:ident <=> $wm:ident::$wt:ident { $($case:ident),+ $(,)? }) => {
        enum_conversion!($out: $dm::$dt => $wm::$wt { $($case),+ });
        fn $in(value: $wm::$wt) -> $dm::$dt {
            match value {
                $($wm::$wt::$case => $dm::$dt::$case,)+
            }
        }
    };
}

enum_conversion!(priority, priority_in: m::Priority <=> t::Priority { Low, Normal, High, Critical });
enum_conversion!(status, status_in: m::Status <=> t::BackorderStatus {
    Pending, PartiallyFulfilled, Allocated, ReadyToShip, Fulfilled, Cancelled,
});
enum_conversion!(source, source_in: m::SourceKind <=> t::SourceKind { Inventory, PurchaseOrder, Transfer, Production });
enum_conversion!(policy, policy_in: m::AllocationPolicy <=> api::AllocationPolicy { StrictPriority, Fifo, FairShare });
enum_conversion!(allocation_status: m::AllocationStatus => t::AllocationStatus {
    Reserved, Confirmed, Consumed, Released, Expired, Claimed,
});
enum_conversion!(history_action: m::HistoryAction => t::HistoryAction {
    Created, Updated, Allocated, AllocationConfirmed, AllocationReleased, AllocationExtended,
    AllocationExpired, AllocationReceived, Fulfilled, Cancelled,
});
enum_conversion!(event_kind: m::EventKind => t::EventKind {
    BackorderCreated, BackorderUpdated, AllocationCreated, AllocationConfirmed, AllocationReleased,
    AllocationExtended, AllocationExpired, AllocationReceived, BackorderFulfilled, BackorderCancelled,
    BackorderExpectedDateChanged, BackorderAtRiskSet, BackorderAtRiskCleared,
});
enum_conversion!(problem_kind: m::ProblemKind => api::ProblemKind {
    InvariantBroken, MissingIndexEntry, StaleIndexEntry, TotalsMismatch, ReservationMismatch, Unreadable,
});
enum_conversion!(shortfall: m::Shortfall => api::Shortfall { SupplyExhausted, LocationMismatch, FairShare });

/// Out of line: every export's `run` would otherwise carry its own copy.
#[inline(never)]
fn error(e: DomainError) -> t::BackorderError {
    match e {
        DomainError::InvalidInput { field, message } => t::BackorderError::InvalidInput(t::FieldError { field, message }),
        DomainError::NotFound(id) => t::BackorderError::NotFound(id),
        DomainError::Conflict(version) => t::BackorderError::Conflict(version),
        DomainError::InvalidState { id, status, message } => {
            t::BackorderError::InvalidState(t::StateError { id, status: record_status(status), message })
        }
        DomainError::PriorityConflict(id) => t::BackorderError::PriorityConflict(id),
        DomainError::InsufficientStock(available) => t::BackorderError::InsufficientStock(available),
        DomainError::Storage(error) => t::BackorderError::Storage(error.to_string()),
        DomainError::Other(message) => t::BackorderError::Other(message),
    }
}

fn record_status(s: m::RecordStatus) -> t::RecordStatus {
    match s {
        m::RecordStatus::Backorder(s) => t::RecordStatus::Backorder(status(s)),
        m::RecordStatus::Allocation(s) => t::RecordStatus::Allocation(allocation_status(s)),
    }
}

/// Out of line: ten exports return a backorder, and inlined into each it
/// cost 4 KB of component.
#[inline(never)]
fn backorder(b: m::Backorder) -> t::Backorder {
    convert!(b => t::Backorder {
        backorder_id, order_id, order_line_id, customer_id, sku,
        quantity_ordered, quantity_allocated, quantity_confirmed, quantity_fulfilled, quantity_cancelled, quantity_remaining,
        location, notes, created_at, updated_at, version, at_risk;
        expected_date: b.expected_date.map(date),
        promised_date: b.promised_date.map(date),
        priority: priority(b.priority),
        status: status(b.status),
    })
}

fn allocation(a: m::Allocation) -> t::Allocation {
    convert!(a => t::Allocation {
        allocation_id, backorder_id, sku, source_ref, quantity, quantity_consumed, quantity_released, location, lot,
        reservation_id, expires_at, created_at, updated_at;
        source: source(a.source),
        status: allocation_status(a.status),
    })
}

fn allocation_result(r: m::AllocationResult) -> api::AllocationResult {
    api::AllocationResult { backorder: backorder(r.backorder), allocation: allocation(r.allocation) }
}

fn fulfillment(f: m::Fulfillment) -> t::Fulfillment {
    convert!(f => t::Fulfillment {
        sequence, quantity, quantity_from_allocations, source_ref, fulfilled_by, notes, priority_override, fulfilled_at;
        source: source(f.source),
    })
}

fn history_entry(h: m::HistoryEntry) -> t::HistoryEntry {
    convert!(h => t::HistoryEntry {
        at, quantity, allocation_id, priority_override, detail;
        action: history_action(h.action),
        status: status(h.status),
    })
}

fn allocation_change(request: api::AllocationChange) -> m::AllocationChange {
    convert!(request => m::AllocationChange { allocation_id, request_id, expected_version })
}

fn allocation_run(r: m::AllocationRun) -> api::AllocationRun {
    let line = |l: m::RunLine| {
        convert!(l => api::RunLine {
            backorder_id, created_at, needed, allocated, allocation_id, from_claim;
            promised_date: l.promised_date.map(date),
            priority: priority(l.priority),
            shortfall: l.shortfall.map(shortfall),
        })
    };
    let unserved = |u: m::Unserved| api::Unserved {
        count: u.count,
        at_least: u.at_least,
        next_in_line: u
            .next_in_line
            .into_iter()
            .map(|(backorder_id, lacking)| api::WaitingBackorder { backorder_id, lacking })
            .collect(),
    };
    convert!(r => api::AllocationRun {
        sku, location, source_ref, available, allocated;
        policy: policy(r.policy),
        source: source(r.source),
        lines: r.lines.into_iter().map(line).collect(),
        unserved: r.unserved.map(unserved),
    })
}

fn expected_supply(s: m::ExpectedSupply) -> api::ExpectedSupply {
    convert!(s => api::ExpectedSupply {
        sku, source_ref, quantity, location, created_at, updated_at;
        expected_at: date(s.expected_at),
        source: source(s.source),
    })
}

fn summary(s: m::Summary) -> api::BackorderSummary {
    api::BackorderSummary {
        open_backorders: s.totals.open_backorders,
        units_remaining: s.totals.units_remaining,
        units_allocated: s.totals.units_allocated,
        by_status: status_counts(&s.totals),
        by_priority: priority_counts(&s.totals),
        overdue: s.overdue,
        oldest_open_created_at: s.oldest_open_created_at,
    }
}

fn status_counts(totals: &m::Totals) -> api::StatusCounts {
    let [pending, partially_fulfilled, allocated, ready_to_ship] = totals.by_status;
    api::StatusCounts { pending, partially_fulfilled, allocated, ready_to_ship }
}

fn priority_counts(totals: &m::Totals) -> api::PriorityCounts {
    let [low, normal, high, critical] = totals.by_priority;
    api::PriorityCounts { low, normal, high, critical }
}

fn date(d: m::DateOrTime) -> t::DateOrTime {
    match d {
        m::DateOrTime::Date(day) => t::DateOrTime::Date(day),
        m::DateOrTime::Time(at) => t::DateOrTime::Time(at),
    }
}

fn date_in(d: t::DateOrTime) -> m::DateOrTime {
    match d {
        t::DateOrTime::Date(day) => m::DateOrTime::Date(day),
        t::DateOrTime::Time(at) => m::DateOrTime::Time(at),
    }
}
