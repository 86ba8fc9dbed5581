//! Operations on one allocation: confirm, release, extend.

use super::super::error::{DomainError, DomainResult};
use super::super::ids::{AllocationId, BackorderId};
use super::super::model::{
    Allocation, AllocationChange, AllocationExtension, AllocationResult, AllocationStatus, EventKind, HistoryAction, Timestamp,
};
use super::super::ports::Ports;
use super::super::record::BackorderRecord;
use super::super::repo::{self, Change};
use super::super::{time, validate};
use super::{check_version, idempotency, release_units};

/// Marks a reserved allocation picked; when confirmed allocations cover
/// everything still owed, the backorder becomes `ready_to_ship`.
pub fn confirm_allocation(ports: &mut Ports, request: AllocationChange) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "confirm-allocation", request, confirm)
}

fn confirm(ports: &mut Ports, request: AllocationChange) -> DomainResult<AllocationResult> {
    let (before, old) = load(ports, &request.allocation_id, request.expected_version)?;
    ensure_reserved(&before, "confirmed", ports.now)?;
    let mut allocation = before.clone();
    if allocation.reservation_id.is_none() {
        return Err(DomainError::state(
            &allocation.allocation_id,
            allocation.status,
            format!(
                "is a claim on {} {} and cannot be confirmed before that supply is received",
                allocation.source.name(),
                allocation.source_ref.as_deref().unwrap_or("")
            ),
        ));
    }
    let mut r = old.clone();
    let held = allocation.held();
    allocation.status = AllocationStatus::Confirmed;
    allocation.updated_at = ports.now;
    r.quantity_confirmed += held;
    let detail = format!("confirmed {held} units of {} as picked", allocation.allocation_id);
    let change = Change::new(HistoryAction::AllocationConfirmed, EventKind::AllocationConfirmed, detail).quantity(held);
    finish(ports, (before, allocation), (old, r), change)
}

/// Gives a live allocation's unshipped units back to available stock.
pub fn release_allocation(ports: &mut Ports, request: AllocationChange) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "release-allocation", request, release)
}

fn release(ports: &mut Ports, request: AllocationChange) -> DomainResult<AllocationResult> {
    let (before, old) = load(ports, &request.allocation_id, request.expected_version)?;
    let mut allocation = before.clone();
    if !allocation.status.is_live() {
        return Err(DomainError::state(
            &allocation.allocation_id,
            allocation.status,
            "only a reserved or confirmed allocation can be released",
        ));
    }
    let mut r = old.clone();
    let held = allocation.held();
    release_units(ports, &mut r, &mut allocation, held, AllocationStatus::Released)?;
    let detail = format!("released {held} units of {}", allocation.allocation_id);
    let change = Change::new(HistoryAction::AllocationReleased, EventKind::AllocationReleased, detail).quantity(held);
    finish(ports, (before, allocation), (old, r), change)
}

/// Sets a new expiry, in the future, on a reserved allocation.
pub fn extend_allocation(ports: &mut Ports, request: AllocationExtension) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "extend-allocation", request, extend)
}

fn extend(ports: &mut Ports, request: AllocationExtension) -> DomainResult<AllocationResult> {
    let expires_at = request.expires_at;
    AllocationId::parse("allocation_id", &request.allocation_id)?;
    validate::future("expires_at", Some(expires_at), ports.now)?;
    let (before, old) = load(ports, &request.allocation_id, request.expected_version)?;
    ensure_reserved(&before, "extended", ports.now)?;
    let mut allocation = before.clone();
    if let Some(reservation) = &allocation.reservation_id {
        ports.inventory.extend(reservation, Some(expires_at))?;
    }
    let detail = format!(
        "expiry of {} moved from {} to {}",
        allocation.allocation_id,
        time::rfc3339_opt(allocation.expires_at),
        time::rfc3339(expires_at)
    );
    allocation.expires_at = Some(expires_at);
    allocation.updated_at = ports.now;
    let r = old.clone();
    let change = Change::new(HistoryAction::AllocationExtended, EventKind::AllocationExtended, detail);
    finish(ports, (before, allocation), (old, r), change)
}

/// An allocation and its backorder, at the expected version if one is given.
fn load(ports: &mut Ports, allocation_id: &str, expected_version: Option<u64>) -> DomainResult<(Allocation, BackorderRecord)> {
    let id = AllocationId::parse("allocation_id", allocation_id)?;
    let allocation = repo::load_allocation(&mut ports.store, id)?;
    let backorder = BackorderId::parse("backorder_id", &allocation.backorder_id)?;
    let record = repo::load_backorder(&mut ports.store, backorder)
        .map_err(|_| DomainError::corrupt(format!("{id} belongs to missing {backorder}")))?;
    check_version(&record, expected_version)?;
    Ok((allocation, record))
}

/// Only a reserved allocation that has not passed its expiry can be
/// confirmed or extended; a lapsed one waits for expiry processing.
fn ensure_reserved(allocation: &Allocation, what: &str, now: Timestamp) -> DomainResult<()> {
    if allocation.status != AllocationStatus::Reserved {
        return Err(DomainError::state(
            &allocation.allocation_id,
            allocation.status,
            format!("only a reserved allocation can be {what}"),
        ));
    }
    if let Some(expires_at) = allocation.expires_at.filter(|t| *t <= now) {
        return Err(DomainError::state(
            &allocation.allocation_id,
            allocation.status,
            format!("expired at {}; it can no longer be {what}", time::rfc3339(expires_at)),
        ));
    }
    Ok(())
}

/// Saves an allocation change and its backorder (each as before and after),
/// with the history line.
fn finish(
    ports: &mut Ports,
    (before, allocation): (Allocation, Allocation),
    (old, mut r): (BackorderRecord, BackorderRecord),
    change: Change,
) -> DomainResult<AllocationResult> {
    r.version += 1;
    r.updated_at = ports.now;
    repo::save_allocation(&mut ports.store, Some(&before), &allocation)?;
    repo::record_change(ports, &mut r, change.allocation(&allocation.allocation_id))?;
    repo::save_backorder(ports, Some(&old), &r)?;
    Ok(AllocationResult { backorder: r.to_backorder(), allocation })
}
