//! One module per exported operation (or small family of them).

mod allocate;
mod allocation;
mod cancel;
mod create;
mod expire;
mod fulfill;
mod get;
mod idempotency;
mod integrity;
mod list;
mod promise;
mod run;
mod stock;
mod settings;
mod summary;
mod update;

pub use allocate::allocate_backorder;
pub use allocation::{confirm_allocation, extend_allocation, release_allocation};
pub use cancel::cancel_backorder;
pub use create::{create_backorder, create_backorders};
pub use expire::expire_allocations;
pub use fulfill::fulfill_backorder;
pub use get::get_backorder;
pub use integrity::check_integrity;
pub use list::list_backorders;
pub use promise::{expect_supply, list_expected_supply};
pub use run::{allocate_available, receive};
pub use stock::adjust_stock;
pub use settings::update_settings;
pub use summary::{get_backorder_summary, get_sku_backorder_summary};
pub use update::update_backorder;

use super::error::{DomainError, DomainResult};
use super::ids::BackorderId;
use super::keys;
use super::model::{Allocation, AllocationStatus, EventKind, HistoryAction, SourceKind};
use super::ports::Ports;
use super::record::BackorderRecord;
use super::limits::{MAX_GUARD_SKIPS, WALK_CHUNK};
use super::repo::{self, Change, NeedValue};
use std::ops::ControlFlow;

/// The backorder a write changes (the write being `what` it is), once what
/// has expired is finalised: at the expected version when one is given,
/// and open, since no change reaches a closed backorder.
fn load_open(ports: &mut Ports, id: BackorderId, expected_version: Option<u64>, what: &str) -> DomainResult<BackorderRecord> {
    expire::settle(ports)?;
    let r = repo::load_backorder(&mut ports.store, id)?;
    check_version(&r, expected_version)?;
    let status = r.status();
    if !status.is_open() {
        return Err(DomainError::state(&r.id().to_string(), status, format!("a closed backorder cannot be {what}")));
    }
    Ok(r)
}

use super::repo::backorder;

/// Optimistic concurrency: refuses a write made against another version.
fn check_version(r: &BackorderRecord, expected: Option<u64>) -> DomainResult<()> {
    match expected {
        Some(version) if version != r.version => Err(DomainError::Conflict(r.version)),
        _ => Ok(()),
    }
}

/// Claims on purchase orders, transfers and production runs name their source.
fn check_source_ref(source: SourceKind, source_ref: Option<&str>) -> DomainResult<()> {
    super::validate::optional_reference("source_ref", source_ref)?;
    if source.is_claim() && source_ref.is_none() {
        return Err(DomainError::invalid(
            "source_ref",
            format!("is required when source is {} (the document the supply comes on)", source.name()),
        ));
    }
    Ok(())
}

/// What a request that moves units of a backorder from a source
/// (allocate, fulfil) carries: the backorder, the units, the source.
fn check_units_from_source(backorder_id: &str, quantity: u64, source: SourceKind, source_ref: Option<&str>) -> DomainResult<BackorderId> {
    let id = BackorderId::parse("backorder_id", backorder_id)?;
    super::validate::quantity("quantity", quantity)?;
    check_source_ref(source, source_ref)?;
    Ok(id)
}

/// The location rule, one for the priority guard and the allocation runs:
/// stock at `stock_location` can serve a backorder lacking allocation only
/// at the same location, none meaning the default location on either side.
fn stock_serves(stock_location: Option<&str>, need: &NeedValue) -> bool {
    need.location.as_deref() == stock_location
}

/// The most urgent backorder of the same SKU that lacks allocation, is
/// strictly more urgent than `r` and could be served by the stock at
/// `stock_location`: taking unreserved stock there for `r` would go ahead of
/// it. Reads only the `need` entries of strictly higher priority (the range
/// ends before `r`'s rank digit), key and value, no records, and stops at the
/// first one the stock serves. Past `MAX_GUARD_SKIPS` entries of other
/// locations it stops and names the most urgent of them, as the guard did
/// before it knew locations: a refusal the operator can override, never a
/// blocker let through, and a cost bounded by that limit.
fn priority_blocker(ports: &mut Ports, r: &BackorderRecord, stock_location: Option<&str>) -> DomainResult<Option<BackorderId>> {
    let (start, _) = keys::index_range("need", &[r.sku.as_bytes()]);
    let mut end = start.clone();
    end.push(b'0' + r.priority.rank());
    let mut most_urgent = None;
    let mut skipped = 0;
    let blocker = repo::walk(ports, start, &end, WALK_CHUNK, |_, key, value| {
        if stock_serves(stock_location, &NeedValue::decode(&value)?) {
            return Ok(ControlFlow::Break(key));
        }
        let most_urgent: &mut Vec<u8> = most_urgent.get_or_insert(key);
        skipped += 1;
        Ok(if skipped < MAX_GUARD_SKIPS { ControlFlow::Continue(()) } else { ControlFlow::Break(most_urgent.clone()) })
    })?;
    blocker.map(|key| BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())).transpose()
}

/// Applies the priority guard to taking unreserved stock at `stock_location`
/// for `r`: refuses unless overridden; tells whether an override was needed
/// (it is then recorded in the history).
fn guard_priority(
    ports: &mut Ports,
    r: &BackorderRecord,
    stock_location: Option<&str>,
    override_priority: bool,
) -> DomainResult<Option<BackorderId>> {
    match priority_blocker(ports, r, stock_location)? {
        Some(blocker) if !override_priority => Err(DomainError::PriorityConflict(blocker.to_string())),
        blocker => Ok(blocker),
    }
}

/// Gives back `quantity` units held by an allocation, through the inventory
/// when a reservation is behind it. Updates the backorder's held units.
fn release_units(
    ports: &mut Ports,
    r: &mut BackorderRecord,
    allocation: &mut Allocation,
    quantity: u64,
    end_status: AllocationStatus,
) -> DomainResult<()> {
    let held = allocation.held();
    assert!(quantity <= held, "releasing more than an allocation holds");
    if let Some(reservation) = &allocation.reservation_id {
        let all = quantity == held;
        ports.inventory.release(reservation, if all { None } else { Some(quantity) })?;
    }
    if allocation.status == AllocationStatus::Confirmed {
        r.quantity_confirmed -= quantity;
    }
    r.quantity_allocated -= quantity;
    allocation.quantity_released += quantity;
    if allocation.held() == 0 {
        allocation.status = end_status;
    }
    allocation.updated_at = ports.now;
    Ok(())
}

/// After remaining shrank: releases held units the backorder no longer
/// needs, newest allocation first, and records each release. Returns the
/// allocations it touched.
fn release_excess(ports: &mut Ports, r: &mut BackorderRecord) -> DomainResult<Vec<(Allocation, u64)>> {
    let mut released = Vec::new();
    if r.quantity_allocated <= r.remaining() {
        return Ok(released);
    }
    let mut allocations = repo::allocations_of(&mut ports.store, r.id())?;
    allocations.reverse();
    for old in allocations {
        let excess = r.quantity_allocated - r.remaining();
        if excess == 0 {
            break;
        }
        let quantity = excess.min(old.held());
        if quantity == 0 {
            continue;
        }
        let mut allocation = old.clone();
        release_units(ports, r, &mut allocation, quantity, AllocationStatus::Released)?;
        repo::save_allocation(&mut ports.store, Some(&old), &allocation)?;
        released.push((allocation, quantity));
    }
    Ok(released)
}

/// History lines for allocations released because they were no longer needed.
fn record_releases(ports: &mut Ports, r: &mut BackorderRecord, released: &[(Allocation, u64)]) -> DomainResult<()> {
    for (allocation, quantity) in released {
        let change = Change::new(
            HistoryAction::AllocationReleased,
            EventKind::AllocationReleased,
            format!("released {quantity} units of {} no longer needed", allocation.allocation_id),
        )
        .quantity(*quantity)
        .allocation(&allocation.allocation_id);
        repo::record_change(ports, r, change)?;
    }
    Ok(())
}

/// "inventory", "purchase_order PO-1042", with the location when there is one.
fn describe_source(source: SourceKind, source_ref: Option<&str>, location: Option<&str>) -> String {
    let mut text = source.name().to_string();
    if let Some(reference) = source_ref {
        text.push(' ');
        text.push_str(reference);
    }
    if let Some(location) = location {
        text.push_str(" at ");
        text.push_str(location);
    }
    text
}
