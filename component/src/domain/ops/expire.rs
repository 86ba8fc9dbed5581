use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::MAX_EXPIRE;
use super::super::model::{
    AllocationPolicy, AllocationStatus, EventKind, ExpiryRequest, ExpiryResult, HistoryAction, RunRequest,
};
use super::super::ports::Ports;
use super::super::repo::{self, Change};
use super::super::time;
use super::{idempotency, release_units};
use super::run::allocate_available;
use std::collections::BTreeSet;

/// Expires every reserved allocation whose `expires_at` is not after now,
/// found through the expiry index (no scan of all allocations), at most
/// `MAX_EXPIRE` per call. With `reallocate`, the units given back are then
/// offered again, by strict priority, to the backorders of each SKU and
/// location that got units back.
pub fn expire_allocations(ports: &mut Ports, request: ExpiryRequest) -> DomainResult<ExpiryResult> {
    idempotency::once(ports, "expire-allocations", request, |p, r| expire(p, r.reallocate))
}

fn expire(ports: &mut Ports, reallocate: bool) -> DomainResult<ExpiryResult> {
    let (start, _) = keys::index_range("expiry", &[]);
    let mut end = start.clone();
    end.extend_from_slice(keys::time_part(ports.now.saturating_add(1)).as_bytes());
    let mut due = ports.store.scan(&start, &end, MAX_EXPIRE + 1)?;
    let more = due.len() > MAX_EXPIRE as usize;
    due.truncate(MAX_EXPIRE as usize);

    let mut expired = Vec::new();
    let mut freed = BTreeSet::new();
    let mut counts = repo::Counts::default();
    for (key, _) in due {
        let id = keys::allocation_of_index(&key).ok_or_else(|| DomainError::corrupt("expiry index key"))?;
        let before = repo::load_allocation(&mut ports.store, id)?;
        let old = repo::load_backorder(&mut ports.store, BackorderId::parse("backorder_id", &before.backorder_id)?)?;
        let mut allocation = before.clone();
        let mut r = old.clone();
        let held = allocation.held();
        release_units(ports, &mut r, &mut allocation, held, AllocationStatus::Expired)?;
        repo::save_allocation(&mut ports.store, Some(&before), &allocation)?;
        r.version += 1;
        r.updated_at = ports.now;
        let detail = format!(
            "{} expired at {}: its {held} units went back to stock",
            allocation.allocation_id,
            time::rfc3339_opt(allocation.expires_at)
        );
        let change = Change::new(HistoryAction::AllocationExpired, EventKind::AllocationExpired, detail)
            .quantity(held)
            .allocation(&allocation.allocation_id);
        repo::record_change(ports, &mut r, change)?;
        repo::save_backorder_counted(ports, Some(&old), &r, &mut counts)?;
        if allocation.reservation_id.is_some() {
            freed.insert((allocation.sku.clone(), allocation.location.clone()));
        }
        expired.push(allocation);
    }
    counts.write(&mut ports.store)?;

    let mut runs = Vec::new();
    if reallocate {
        for (sku, location) in freed {
            // Units given back are on hand: the re-offer is a run of stock.
            let request = RunRequest { sku, location, policy: Some(AllocationPolicy::StrictPriority), ..Default::default() };
            runs.push(allocate_available(ports, request)?);
        }
    }
    Ok(ExpiryResult { expired, runs, more })
}
