//! Stock counts and corrections: the units on hand may go below what is
//! reserved (shrinkage found by a count), and the engine then decides who
//! loses the reservations, because that is a priority rule.

use super::super::error::{DomainError, DomainResult};
use super::super::ids::{AllocationId, BackorderId};
use super::super::limits::{MAX_ON_HAND, MAX_STOCK_COUNT};
use super::super::keys;
use super::super::model::{
    AllocationStatus, EventKind, HistoryAction, StockAdjustment, StockAdjustmentRequest, StockChange, StockLoss,
};
use super::super::ports::Ports;
use super::super::repo::{self, Change};
use super::super::validate;
use super::{idempotency, release_units};
use std::collections::BTreeSet;

/// Sets or adjusts the units of a SKU on hand at one location. A new count
/// below the units reserved there releases reservations until they fit:
/// least urgent backorder first (the reverse of allocation order: lowest
/// priority, then latest promise with none latest, then newest), newest
/// allocation first within a backorder, only as many units as needed. Each
/// loss is a history line and an event on its backorder, with the reason.
/// Costs one read of the place's reservations, and, only when some must go,
/// their allocations and backorders.
pub fn adjust_stock(ports: &mut Ports, request: StockAdjustmentRequest) -> DomainResult<StockAdjustment> {
    idempotency::once(ports, "adjust-stock", request, adjust)
}

fn adjust(ports: &mut Ports, request: StockAdjustmentRequest) -> DomainResult<StockAdjustment> {
    check(&request)?;
    super::expire::settle(ports)?;
    ports.store.touch(&request.sku);
    let (sku, location) = (request.sku.as_str(), request.location.as_deref());
    let holdings = ports.inventory.reservations(sku, location)?;
    let reserved: u64 = holdings.iter().map(|h| h.quantity).sum();
    let on_hand_before = ports.inventory.available(sku, location)? + reserved;
    let on_hand = match request.quantity {
        StockChange::Set(count) => count,
        StockChange::Adjust(delta) => on_hand_before.checked_add_signed(delta).filter(|after| *after <= MAX_ON_HAND).ok_or_else(|| {
            let limit = if delta < 0 { "below 0".to_string() } else { format!("past {MAX_ON_HAND}") };
            DomainError::invalid("quantity", format!("would take on hand {limit}: {on_hand_before} units are on hand"))
        })?,
    };
    let mut released = Vec::new();
    if on_hand < reserved {
        // Allocation order is ascending (rank, backorder, allocation);
        // least urgent first is its reverse. Keys in a set, not a sort: a
        // sort costs the component kilobytes.
        let mut order = BTreeSet::new();
        for holding in &holdings {
            let id = AllocationId::parse("holder", &holding.holder)
                .map_err(|_| DomainError::corrupt(format!("reservation {} is held by {}", holding.reservation_id, holding.holder)))?;
            let allocation = repo::load_allocation(&mut ports.store, id)?;
            let r = repo::load_backorder(&mut ports.store, BackorderId::parse("backorder_id", &allocation.backorder_id)?)?;
            order.insert(keys::join(&[repo::rank(&r).as_bytes(), r.id().key().as_bytes(), id.key().as_bytes()]));
        }
        let why = format!(
            "{sku} at {} now has {on_hand} on hand, below the {reserved} reserved{}",
            location.unwrap_or("the default location"),
            request.reason.as_deref().map(|reason| format!(": {reason}")).unwrap_or_default()
        );
        released = release_least_urgent(ports, order, reserved - on_hand, &why)?;
    }
    ports.inventory.set_on_hand(sku, location, on_hand)?;
    let lost: u64 = released.iter().map(|loss| loss.quantity).sum();
    Ok(StockAdjustment {
        sku: request.sku,
        location: request.location,
        on_hand_before,
        on_hand,
        reserved: reserved - lost,
        released,
    })
}

/// The request's rules, before anything is read.
fn check(request: &StockAdjustmentRequest) -> DomainResult<()> {
    validate::sku("sku", &request.sku)?;
    validate::optional_reference("location", request.location.as_deref())?;
    validate::notes("reason", request.reason.as_deref())?;
    if request.reason.as_deref().is_some_and(|reason| reason.trim().is_empty()) {
        return Err(DomainError::invalid("reason", "must not be blank"));
    }
    let size = match request.quantity {
        StockChange::Set(count) => count,
        StockChange::Adjust(0) => return Err(DomainError::invalid("quantity", "an adjustment must not be 0")),
        StockChange::Adjust(_) if request.reason.is_none() => {
            return Err(DomainError::invalid("reason", "is required for an adjustment: why units were found or lost"))
        }
        StockChange::Adjust(delta) => delta.unsigned_abs(),
    };
    if size > MAX_STOCK_COUNT {
        return Err(DomainError::invalid("quantity", format!("must be at most {MAX_STOCK_COUNT} units")));
    }
    Ok(())
}

/// Releases `excess` held units from the allocations `order` names (by
/// allocation-order keys), least urgent first, writing each loss on its
/// backorder, which is saved at its next version after each (as an expiry
/// is).
fn release_least_urgent(ports: &mut Ports, order: BTreeSet<Vec<u8>>, mut excess: u64, why: &str) -> DomainResult<Vec<StockLoss>> {
    let mut losses = Vec::new();
    let mut counts = repo::Counts::default();
    for key in order.iter().rev() {
        if excess == 0 {
            break;
        }
        let id = keys::allocation_of_index(key).ok_or_else(|| DomainError::corrupt("stock count order key"))?;
        let before = repo::load_allocation(&mut ports.store, id)?;
        let quantity = excess.min(before.held());
        if quantity == 0 {
            continue;
        }
        let old = repo::load_backorder(&mut ports.store, BackorderId::parse("backorder_id", &before.backorder_id)?)?;
        let (mut allocation, mut r) = (before.clone(), old.clone());
        release_units(ports, &mut r, &mut allocation, quantity, AllocationStatus::Released)?;
        repo::save_allocation(&mut ports.store, Some(&before), &allocation)?;
        r.version += 1;
        r.updated_at = ports.now;
        let detail = format!("released {quantity} units of {}: {why}", allocation.allocation_id);
        let change = Change::new(HistoryAction::AllocationReleased, EventKind::AllocationReleased, detail)
            .quantity(quantity)
            .allocation(&allocation.allocation_id);
        repo::record_change(ports, &mut r, change)?;
        repo::save_backorder_counted(ports, Some(&old), &r, &mut counts)?;
        excess -= quantity;
        losses.push(StockLoss {
            backorder_id: allocation.backorder_id,
            priority: r.priority,
            allocation_id: allocation.allocation_id,
            quantity,
            status: r.status(),
        });
    }
    if excess > 0 {
        return Err(DomainError::corrupt(format!("the allocations behind the reservations hold {excess} units fewer than the reservations")));
    }
    counts.write(&mut ports.store)?;
    Ok(losses)
}
