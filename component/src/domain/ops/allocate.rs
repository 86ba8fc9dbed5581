use super::super::error::{DomainError, DomainResult};
use super::super::ids::{AllocationId, BackorderId};
use super::super::keys;
use super::super::model::{Allocation, AllocationRequest, AllocationResult, AllocationStatus, EventKind, HistoryAction};
use super::idempotency;
use super::super::ports::{InventoryFailure, Ports, ReservationRequest};
use super::super::record::BackorderRecord;
use super::super::repo::{self, Change};
use super::super::stored::MARKER;
use super::super::{time, validate};
use super::{check_units_from_source, describe_source, load_open, guard_priority};

/// Allocates units to one backorder: reserves stock on hand, or records a
/// claim on a purchase order, transfer or production run.
pub fn allocate_backorder(ports: &mut Ports, request: AllocationRequest) -> DomainResult<AllocationResult> {
    idempotency::once(ports, "allocate-backorder", request, allocate)
}

fn allocate(ports: &mut Ports, request: AllocationRequest) -> DomainResult<AllocationResult> {
    let id = check_units_from_source(&request.backorder_id, request.quantity, request.source, request.source_ref.as_deref())?;
    validate::optional_reference("location", request.location.as_deref())?;
    validate::optional_reference("lot", request.lot.as_deref())?;
    validate::future("expires_at", request.expires_at, ports.now)?;

    let old = load_open(ports, id, request.expected_version, "allocated")?;
    if request.quantity > old.need() {
        return Err(DomainError::invalid(
            "quantity",
            format!(
                "exceeds what {id} lacks: {} (remaining {}, allocated {})",
                old.need(),
                old.remaining(),
                old.quantity_allocated
            ),
        ));
    }
    let location = request.location.clone().or_else(|| old.location.clone());
    // Claims take nothing from stock on hand, so they cannot starve anyone.
    let overridden =
        if request.source.is_claim() { None } else { guard_priority(ports, &old, location.as_deref(), request.override_priority)? };
    let reserve = !request.source.is_claim();
    let spec = NewAllocation { what: AllocationRequest { location, ..request }, reserve, overridden, by: None };
    let mut counts = repo::Counts::default();
    let (r, allocation) = add_allocation(ports, &old, spec, &mut counts)?;
    counts.write(&mut ports.store)?;
    Ok(AllocationResult { backorder: super::backorder(ports, &r)?, allocation })
}

/// What to allocate to a backorder, and how.
pub struct NewAllocation {
    /// The units, source, location, lot and expiry to allocate, as a
    /// request for them carries them; the rest of it is the caller's.
    pub what: AllocationRequest,
    /// Reserve the units on hand through the inventory; false for a claim on
    /// supply not yet received. Units that arrived on a document are on
    /// hand: they are reserved whatever their source.
    pub reserve: bool,
    /// The more urgent backorder this one went ahead of by override.
    pub overridden: Option<BackorderId>,
    /// The allocation run that made it, for the history line.
    pub by: Option<&'static str>,
}

/// Creates an allocation, reserving the units through the inventory unless
/// `reserve` is off (a claim), and saves the backorder with its history line. The caller has
/// checked that the backorder is open and lacks at least `quantity`. The
/// change to the running totals goes into `counts`, for the caller to write.
pub fn add_allocation(
    ports: &mut Ports,
    old: &BackorderRecord,
    spec: NewAllocation,
    counts: &mut repo::Counts,
) -> DomainResult<(BackorderRecord, Allocation)> {
    let NewAllocation { what, reserve, overridden, by } = spec;
    let id = old.id();
    let allocation_id = AllocationId(repo::next_number(&mut ports.store, keys::ALLOCATION_SEQUENCE, &keys::allocation_counter())?);
    let reservation_id = if !reserve {
        None
    } else {
        let reservation = ReservationRequest {
            sku: old.sku.clone(),
            location: what.location.clone(),
            quantity: what.quantity,
            holder: allocation_id.to_string(),
            expires_at: what.expires_at,
        };
        match ports.inventory.reserve(&reservation) {
            Ok(reservation_id) => Some(reservation_id),
            Err(InventoryFailure::InsufficientStock(available)) => return Err(DomainError::InsufficientStock(available)),
            Err(other) => return Err(other.into()),
        }
    };
    let allocation = Allocation {
        allocation_id: allocation_id.to_string(),
        backorder_id: id.to_string(),
        sku: old.sku.clone(),
        source: what.source,
        source_ref: what.source_ref,
        quantity: what.quantity,
        quantity_consumed: 0,
        quantity_released: 0,
        location: what.location,
        lot: what.lot,
        status: if reserve { AllocationStatus::Reserved } else { AllocationStatus::Claimed },
        reservation_id,
        expires_at: what.expires_at,
        created_at: ports.now,
        updated_at: ports.now,
    };
    repo::save_allocation(&mut ports.store, None, &allocation)?;
    ports.store.set(&keys::backorder_allocation(id, allocation_id), &MARKER);

    let mut r = old.clone();
    r.quantity_allocated += what.quantity;
    r.version += 1;
    r.updated_at = ports.now;
    let verb = if reserve { "reserved" } else { "claimed" };
    let mut detail = format!(
        "{verb} {} units from {} as {allocation_id}",
        what.quantity,
        describe_source(allocation.source, allocation.source_ref.as_deref(), allocation.location.as_deref())
    );
    if let Some(expires_at) = allocation.expires_at {
        detail.push_str(&format!(", expiring {}", time::rfc3339(expires_at)));
    }
    if let Some(by) = by {
        detail.push_str(&format!(", by a {by} allocation run"));
    }
    if let Some(blocker) = overridden {
        detail.push_str(&format!("; went ahead of more urgent {blocker} by priority override"));
    }
    let change = Change::new(HistoryAction::Allocated, EventKind::AllocationCreated, detail)
        .quantity(what.quantity)
        .allocation(&allocation.allocation_id)
        .overriding(overridden.is_some());
    repo::record_change(ports, &mut r, change)?;
    repo::save_backorder_counted(ports, Some(old), &r, counts)?;
    Ok((r, allocation))
}
