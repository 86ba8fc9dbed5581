use super::super::error::{DomainError, DomainResult};
use super::super::keys;
use super::super::model::{
    AllocationStatus, ClosedBy, EventKind, Fulfillment, FulfillmentRequest, FulfillmentResult, HistoryAction, SourceKind,
};
use super::idempotency;
use super::super::ports::{InventoryFailure, Ports};
use super::super::repo::{self, Change};
use super::super::validate;
use super::{check_units_from_source, describe_source, load_open, guard_priority, record_releases, release_excess};

/// Ships units of a backorder. Its own live allocations of the requested
/// source go first (confirmed before reserved, oldest first); then, from
/// inventory, unreserved stock is issued; from other sources the rest ships
/// straight from that source (drop-ship, cross-dock) and touches no stock.
pub fn fulfill_backorder(ports: &mut Ports, request: FulfillmentRequest) -> DomainResult<FulfillmentResult> {
    idempotency::once(ports, "fulfill-backorder", request, fulfill)
}

fn fulfill(ports: &mut Ports, request: FulfillmentRequest) -> DomainResult<FulfillmentResult> {
    let id = check_units_from_source(&request.backorder_id, request.quantity, request.source, request.source_ref.as_deref())?;
    validate::optional_reference("fulfilled_by", request.fulfilled_by.as_deref())?;
    validate::notes("notes", request.notes.as_deref())?;

    let old = load_open(ports, id, request.expected_version, "fulfilled")?;
    if request.quantity > old.remaining() {
        return Err(DomainError::invalid(
            "quantity",
            format!("exceeds the {} units {id} still owes", old.remaining()),
        ));
    }

    // Shipping from inventory ships units on hand: those held by reservations,
    // whatever document they arrived on. Shipping from another source ships
    // what was allocated from it: units already received (reserved, so the
    // stock goes down) and claims on what has not arrived.
    let mut eligible: Vec<_> = repo::allocations_of(&mut ports.store, id)?
        .into_iter()
        .filter(|a| a.held() > 0)
        .filter(|a| match request.source {
            SourceKind::Inventory => a.reservation_id.is_some(),
            document => a.source == document,
        })
        .filter(|a| request.source_ref.is_none() || a.source_ref == request.source_ref)
        .collect();
    // Stable: oldest first within each group.
    eligible.sort_by_key(|a| a.status != AllocationStatus::Confirmed);
    let held: u64 = eligible.iter().map(|a| a.held()).sum();
    let unreserved = request.quantity.saturating_sub(held);
    let overridden = if unreserved > 0 && request.source == SourceKind::Inventory {
        // Unreserved units ship from the backorder's location.
        guard_priority(ports, &old, old.location.as_deref(), request.override_priority)?
    } else {
        None
    };

    let mut r = old.clone();
    let mut left = request.quantity;
    let mut used = Vec::new();
    for old_allocation in eligible {
        if left == 0 {
            break;
        }
        let mut allocation = old_allocation.clone();
        let take = left.min(allocation.held());
        if let Some(reservation) = &allocation.reservation_id {
            ports.inventory.consume(reservation, take)?;
        }
        if allocation.status == AllocationStatus::Confirmed {
            r.quantity_confirmed -= take;
        }
        r.quantity_allocated -= take;
        allocation.quantity_consumed += take;
        if allocation.held() == 0 {
            allocation.status = AllocationStatus::Consumed;
        }
        allocation.updated_at = ports.now;
        repo::save_allocation(&mut ports.store, Some(&old_allocation), &allocation)?;
        used.push(format!("{take} from {}", allocation.allocation_id));
        left -= take;
    }
    if left > 0 && request.source == SourceKind::Inventory {
        match ports.inventory.issue(&r.sku, r.location.as_deref(), left) {
            Ok(()) => {}
            Err(InventoryFailure::InsufficientStock(available)) => return Err(DomainError::InsufficientStock(available)),
            Err(other) => return Err(other.into()),
        }
    }

    r.quantity_fulfilled += request.quantity;
    if r.remaining() == 0 {
        r.closed_by = Some(ClosedBy::Fulfilment);
    }
    let released = release_excess(ports, &mut r)?;
    r.version += 1;
    r.updated_at = ports.now;
    r.fulfillment_count += 1;
    let fulfillment = Fulfillment {
        sequence: r.fulfillment_count,
        quantity: request.quantity,
        quantity_from_allocations: request.quantity - left,
        source: request.source,
        source_ref: request.source_ref,
        fulfilled_by: request.fulfilled_by,
        notes: request.notes,
        priority_override: overridden.is_some(),
        fulfilled_at: ports.now,
    };
    ports.store.set(&keys::fulfillment(id, fulfillment.sequence), &repo::encode(&fulfillment));

    let mut detail = format!(
        "shipped {} units from {}",
        request.quantity,
        describe_source(request.source, fulfillment.source_ref.as_deref(), None)
    );
    if !used.is_empty() {
        detail.push_str(&format!(" ({}", used.join(", ")));
        detail.push_str(&if left > 0 { format!(", {left} unallocated)") } else { ")".to_string() });
    }
    if let Some(by) = &fulfillment.fulfilled_by {
        detail.push_str(&format!(" by {by}"));
    }
    if let Some(blocker) = overridden {
        detail.push_str(&format!("; went ahead of more urgent {blocker} by priority override"));
    }
    let change = Change::new(HistoryAction::Fulfilled, EventKind::BackorderFulfilled, detail)
        .quantity(request.quantity)
        .overriding(overridden.is_some());
    repo::record_change(ports, &mut r, change)?;
    record_releases(ports, &mut r, &released)?;
    repo::save_backorder(ports, Some(&old), &r)?;
    Ok(FulfillmentResult { backorder: super::backorder(ports, &r)?, fulfillment })
}
