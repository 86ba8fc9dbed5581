//! Operations on one allocation: confirm, release, extend.

use super::super::error::{DomainError, DomainResult};
use super::super::ids::{AllocationId, BackorderId};
use super::super::model::{
    Allocation, AllocationChange, AllocationExtension, AllocationResult, AllocationStatus, EventKind, HistoryAction,
};
use super::super::ports::Ports;
use super::super::record::BackorderRecord;
use super::super::repo::{self, Change};
use super::super::{time, validate};
use super::{check_version, idempotency, release_units};

/// Marks a reserved allocation picked; when confirmed allocations cover
/// everything still owed, the backorder becomes `ready_to_ship`. A claim
/// cannot be picked: nothing is on hand until its supply is received.
pub fn confirm_allocation(ports: &mut Ports, request: AllocationChange) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "confirm-allocation", request, |p, q| change(p, &q.allocation_id, q.expected_version, &confirm))
}

fn confirm(ports: &mut Ports, allocation: &mut Allocation, r: &mut BackorderRecord) -> DomainResult<Change> {
    if allocation.status == AllocationStatus::Claimed {
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
    ensure(allocation, allocation.status == AllocationStatus::Reserved, "only a reserved allocation can be confirmed")?;
    let held = allocation.held();
    allocation.status = AllocationStatus::Confirmed;
    allocation.updated_at = ports.now;
    r.quantity_confirmed += held;
    let detail = format!("confirmed {held} units of {} as picked", allocation.allocation_id);
    Ok(Change::new(HistoryAction::AllocationConfirmed, EventKind::AllocationConfirmed, detail).quantity(held))
}

/// Gives a live allocation's unshipped units back to available stock.
pub fn release_allocation(ports: &mut Ports, request: AllocationChange) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "release-allocation", request, |p, q| change(p, &q.allocation_id, q.expected_version, &release))
}

fn release(ports: &mut Ports, allocation: &mut Allocation, r: &mut BackorderRecord) -> DomainResult<Change> {
    ensure(allocation, allocation.status.is_live(), "only a claimed, reserved or confirmed allocation can be released")?;
    let held = allocation.held();
    release_units(ports, r, allocation, held, AllocationStatus::Released)?;
    let detail = format!("released {held} units of {}", allocation.allocation_id);
    Ok(Change::new(HistoryAction::AllocationReleased, EventKind::AllocationReleased, detail).quantity(held))
}

/// Sets a new expiry, in the future, on a reserved or claimed allocation.
pub fn extend_allocation(ports: &mut Ports, request: AllocationExtension) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "extend-allocation", request, extend)
}

fn extend(ports: &mut Ports, request: AllocationExtension) -> DomainResult<AllocationResult> {
    let expires_at = request.expires_at;
    AllocationId::parse("allocation_id", &request.allocation_id)?;
    validate::future("expires_at", Some(expires_at), ports.now)?;
    change(ports, &request.allocation_id, request.expected_version, &|ports, allocation, _| {
        let holding = matches!(allocation.status, AllocationStatus::Reserved | AllocationStatus::Claimed);
        ensure(allocation, holding, "only a reserved or claimed allocation can be extended")?;
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
        Ok(Change::new(HistoryAction::AllocationExtended, EventKind::AllocationExtended, detail))
    })
}

/// An allocation and its backorder, at the expected version if one is given.
fn load(ports: &mut Ports, allocation_id: &str, expected_version: Option<u64>) -> DomainResult<(Allocation, BackorderRecord)> {
    let id = AllocationId::parse("allocation_id", allocation_id)?;
    super::expire::settle(ports)?;
    let allocation = repo::load_allocation(&mut ports.store, id)?;
    let backorder = BackorderId::parse("backorder_id", &allocation.backorder_id)?;
    let record = repo::load_backorder(&mut ports.store, backorder)
        .map_err(|_| DomainError::corrupt(format!("{id} belongs to missing {backorder}")))?;
    check_version(&record, expected_version)?;
    Ok((allocation, record))
}

/// Refuses a change the allocation's status does not allow, naming the
/// rule. One past its expiry is expired by then: `load` finalised it first.
fn ensure(allocation: &Allocation, allowed: bool, rule: &str) -> DomainResult<()> {
    if !allowed {
        return Err(DomainError::state(&allocation.allocation_id, allocation.status, rule));
    }
    Ok(())
}

/// One change to an allocation: loads it and its backorder (at the
/// expected version if one is given), lets `act` change both and tell the
/// change, then saves both (the backorder at its next version) with the
/// history line. `act` is a trait object so that this body is compiled
/// once, not once per operation: the component's size counts.
fn change(
    ports: &mut Ports,
    allocation_id: &str,
    expected_version: Option<u64>,
    act: &dyn Fn(&mut Ports, &mut Allocation, &mut BackorderRecord) -> DomainResult<Change>,
) -> DomainResult<AllocationResult> {
    let (before, old) = load(ports, allocation_id, expected_version)?;
    let (mut allocation, mut r) = (before.clone(), old.clone());
    let change = act(ports, &mut allocation, &mut r)?;
    r.version += 1;
    r.updated_at = ports.now;
    repo::save_allocation(&mut ports.store, Some(&before), &allocation)?;
    repo::record_change(ports, &mut r, change.allocation(&allocation.allocation_id))?;
    repo::save_backorder(ports, Some(&old), &r)?;
    Ok(AllocationResult { backorder: super::backorder(ports, &r)?, allocation })
}
