use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::MAX_EXPIRE;
use super::super::model::{
    Allocation, AllocationPolicy, AllocationStatus, EventKind, ExpiryRequest, ExpiryResult, HistoryAction, RunRequest,
};
use super::super::ports::{Outbox, Ports};
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
    let (expired, more) = finalise(ports, MAX_EXPIRE, true)?;
    let mut runs = Vec::new();
    if reallocate {
        // Inserted one by one: collecting would sort, and a sort costs the
        // component kilobytes.
        let mut freed = BTreeSet::new();
        for allocation in expired.iter().filter(|a| a.reservation_id.is_some()) {
            freed.insert((allocation.sku.clone(), allocation.location.clone()));
        }
        for (sku, location) in freed {
            // Units given back are on hand: the re-offer is a run of stock.
            let request = RunRequest { sku, location, policy: Some(AllocationPolicy::StrictPriority), ..Default::default() };
            runs.push(allocate_available(ports, request)?);
        }
    }
    Ok(ExpiryResult { expired, runs, more })
}

/// Expiry is true at its instant: a write that reads allocations first
/// finalises every reserved allocation whose expiry has come (releasing its
/// reservation, with the history line and event `expire` writes), so no
/// expired hold ships, blocks stock or counts as allocated. The cost grows
/// with what has expired and not yet been finalised, nothing else: one
/// scan of the expiry index when nothing has.
pub(super) fn settle(ports: &mut Ports) -> DomainResult<()> {
    finalise(ports, u32::MAX, true).map(drop)
}

/// A read as of now: answers `read` against the state the store would hold
/// had every expiry due been finalised, without writing it (no reservation
/// released, the buffered writes and events dropped).
pub(super) fn as_of_now<T>(ports: &mut Ports, read: impl FnOnce(&mut Ports) -> DomainResult<T>) -> DomainResult<T> {
    finalise(ports, u32::MAX, false)?;
    let value = read(ports)?;
    forget_view(ports);
    Ok(value)
}

/// Drops what `as_of_now` changed. Out of line: the
/// generic reader is instantiated once per read, and the component's size
/// counts.
#[inline(never)]
fn forget_view(ports: &mut Ports) {
    ports.store.discard();
    ports.events = Outbox::default();
}

/// Expires up to `max` reserved allocations whose expiry is not after now,
/// oldest expiry first, giving their units back to stock when `release` is
/// set; tells whether more are due.
fn finalise(ports: &mut Ports, max: u32, release: bool) -> DomainResult<(Vec<Allocation>, bool)> {
    let (start, _) = keys::index_range("expiry", &[]);
    let mut end = start.clone();
    end.extend_from_slice(keys::time_part(ports.now.saturating_add(1)).as_bytes());
    let mut due = repo::scan_all(&mut ports.store, (start, end), max.saturating_add(1))?;
    let more = due.len() > max as usize;
    due.truncate(max as usize);

    let mut expired = Vec::new();
    let mut counts = repo::Counts::default();
    for (key, _) in due {
        let id = keys::allocation_of_index(&key).ok_or_else(|| DomainError::corrupt("expiry index key"))?;
        let before = repo::load_allocation(&mut ports.store, id)?;
        let old = repo::load_backorder(&mut ports.store, BackorderId::parse("backorder_id", &before.backorder_id)?)?;
        let mut allocation = before.clone();
        let mut r = old.clone();
        let held = allocation.held();
        // Without `release` the reservation stays in the inventory: the
        // read that asked drops this change.
        let reservation = if release { None } else { allocation.reservation_id.take() };
        release_units(ports, &mut r, &mut allocation, held, AllocationStatus::Expired)?;
        allocation.reservation_id = allocation.reservation_id.take().or(reservation);
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
        expired.push(allocation);
    }
    counts.write(&mut ports.store)?;
    Ok((expired, more))
}
