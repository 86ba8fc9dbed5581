//! Allocation runs: the stock available now for one SKU and location goes
//! to its open backorders, claims on the arriving document first, then by
//! the run's policy. Each run explains itself line by line.

use super::super::error::{DomainError, DomainResult};
use super::super::ids::{AllocationId, BackorderId};
use super::super::keys;
use super::super::limits::{MAX_NEXT_IN_LINE, MAX_UNSERVED_SCAN, WALK_CHUNK};
use super::super::model::{
    AllocationPolicy, AllocationRequest, AllocationRun, AllocationStatus, EventKind, ExpectedSupply, HistoryAction, RunLine, RunRequest,
    Shortfall, SourceKind, Timestamp, Unserved,
};
use super::idempotency;
use super::super::ports::{InventoryFailure, Ports, ReservationRequest};
use super::super::record::BackorderRecord;
use super::super::repo::{self, Change, NeedValue};
use super::super::stored::MARKER;
use super::super::validate;
use super::allocate::{add_allocation, NewAllocation};
use super::{check_source_ref, stock_serves};
use std::ops::ControlFlow;

/// Allocates the units of `request.sku` available now at `request.location`.
///
/// Claims made earlier on the same source reference are received first
/// (oldest first) and become reservations; what is left goes to backorders
/// lacking allocation in the policy's order, each getting `min(lacking,
/// left)`. The walk stops at the first backorder it cannot serve, so its
/// cost grows with the backorders served (and those skipped for another
/// location), not with the open backorders of the SKU. Fair share must
/// also read the whole tier it shares.
pub fn allocate_available(ports: &mut Ports, request: RunRequest) -> DomainResult<AllocationRun> {
    idempotency::once(ports, "allocate-available", request, run)
}

/// Receives units: adds `received` (required) to those on hand at the SKU
/// and location, then runs as `allocate_available` does, in one call. The
/// stock is added inside the remembered request, so a repeat with the same
/// request id adds nothing.
pub fn receive(ports: &mut Ports, request: RunRequest) -> DomainResult<AllocationRun> {
    idempotency::once(ports, "receive", request, |ports, request| {
        let received = request.received.ok_or_else(|| DomainError::invalid("received", "the units received are required"))?;
        validate::quantity("received", received)?;
        validate::sku("sku", &request.sku)?;
        validate::optional_reference("location", request.location.as_deref())?;
        ports.inventory.add_on_hand(&request.sku, request.location.as_deref(), received)?;
        run(ports, request)
    })
}

fn run(ports: &mut Ports, request: RunRequest) -> DomainResult<AllocationRun> {
    validate::sku("sku", &request.sku)?;
    validate::optional_reference("location", request.location.as_deref())?;
    check_source_ref(request.source, request.source_ref.as_deref())?;
    validate::future("expires_at", request.expires_at, ports.now)?;
    if let Some(received) = request.received {
        validate::quantity("received", received)?;
    }
    let policy = request.policy.unwrap_or_default();
    super::expire::settle(ports)?;
    ports.store.touch(&request.sku);
    let available = ports.inventory.available(&request.sku, request.location.as_deref())?;
    let mut run = Run {
        out: AllocationRun {
            sku: request.sku.clone(),
            location: request.location.clone(),
            policy,
            source: request.source,
            source_ref: request.source_ref.clone(),
            available,
            allocated: 0,
            lines: Vec::new(),
            unserved: None,
        },
        left: available,
        expires_at: request.expires_at,
        counts: repo::Counts::default(),
    };
    if request.source.is_claim() {
        run.receive_claims(ports)?;
    }
    let order = match policy {
        AllocationPolicy::Fifo => "need-age",
        AllocationPolicy::StrictPriority | AllocationPolicy::FairShare => "need",
    };
    match policy {
        AllocationPolicy::StrictPriority | AllocationPolicy::Fifo => run.walk(ports, order)?,
        AllocationPolicy::FairShare => run.fair_share(ports)?,
    }
    run.out.unserved = Some(unserved(ports, &run.out, order)?);
    if let (Some(received), Some(reference)) = (request.received, &request.source_ref) {
        if request.source.is_claim() {
            consume_expectation(ports, &request.sku, request.source, reference, received)?;
        }
    }
    run.counts.write(&mut ports.store)?;
    Ok(run.out)
}

struct Run {
    out: AllocationRun,
    left: u64,
    expires_at: Option<Timestamp>,
    /// The running totals' change, written once when the run ends.
    counts: repo::Counts,
}

/// One entry of the `need` or `need-age` index.
struct Candidate {
    key: Vec<u8>,
    id: BackorderId,
    need: NeedValue,
}

impl Candidate {
    fn parse(key: Vec<u8>, value: &[u8]) -> DomainResult<Self> {
        let id = BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())?;
        Ok(Candidate { id, need: NeedValue::decode(value)?, key })
    }

    /// The priority rank digit of a `need` index key.
    fn rank(&self) -> Option<u8> {
        keys::part_before_backorder(&self.key).and_then(|part| part.first().copied())
    }
}

impl Run {
    fn line(&mut self, r: &BackorderRecord, needed: u64, allocated: u64, allocation_id: Option<String>, shortfall: Option<Shortfall>) {
        self.out.lines.push(RunLine {
            backorder_id: r.id().to_string(),
            priority: r.priority,
            promised_date: r.promised_date,
            created_at: r.created_at,
            needed,
            allocated,
            allocation_id,
            from_claim: false,
            shortfall,
        });
    }

    /// Reserves `give` units for a backorder and explains it.
    fn serve(&mut self, ports: &mut Ports, r: &BackorderRecord, give: u64, shortfall: Option<Shortfall>) -> DomainResult<()> {
        let need = r.need();
        if give == 0 {
            self.line(r, need, 0, None, shortfall);
            return Ok(());
        }
        let what = AllocationRequest {
            quantity: give,
            source: self.out.source,
            source_ref: self.out.source_ref.clone(),
            location: self.out.location.clone(),
            expires_at: self.expires_at,
            ..Default::default()
        };
        let spec = NewAllocation {
            what,
            // The run hands out units on hand, whatever document they came on.
            reserve: true,
            overridden: None,
            by: Some(self.out.policy.name()),
        };
        let (_, allocation) = add_allocation(ports, r, spec, &mut self.counts)?;
        self.left -= give;
        self.out.allocated += give;
        self.line(r, need, give, Some(allocation.allocation_id), shortfall);
        Ok(())
    }

    /// Strict priority or FIFO: walk the index in order, serve each in
    /// full while units last, explain the first one left short, and stop.
    fn walk(&mut self, ports: &mut Ports, index: &str) -> DomainResult<()> {
        let (start, end) = keys::index_range(index, &[self.out.sku.as_bytes()]);
        repo::walk(ports, start, &end, WALK_CHUNK, |ports, key, value| {
            let candidate = Candidate::parse(key, &value)?;
            let r = repo::load_backorder(&mut ports.store, candidate.id)?;
            if !stock_serves(self.out.location.as_deref(), &candidate.need) {
                self.line(&r, candidate.need.need, 0, None, Some(Shortfall::LocationMismatch));
                return Ok(ControlFlow::Continue(()));
            }
            let give = candidate.need.need.min(self.left);
            let short = (give < candidate.need.need).then_some(Shortfall::SupplyExhausted);
            self.serve(ports, &r, give, short)?;
            Ok(if self.left == 0 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
        })?;
        Ok(())
    }

    /// Fair share: tiers of equal priority in order; a tier the units cover
    /// is served in full; the first tier they do not cover shares them in
    /// proportion to need (whole units, rounding down), the remainder going
    /// to its oldest backorders first; then the run stops.
    fn fair_share(&mut self, ports: &mut Ports) -> DomainResult<()> {
        let (mut start, end) = keys::index_range("need", &[self.out.sku.as_bytes()]);
        while self.left > 0 {
            let (tier, next) = self.read_tier(ports, start, &end)?;
            if tier.is_empty() {
                return Ok(());
            }
            let tier_need: u64 = tier.iter().map(|c| c.need.need).sum();
            let shares = if self.left >= tier_need {
                tier.iter().map(|c| c.need.need).collect()
            } else {
                share(self.left, &tier)
            };
            for (candidate, give) in tier.iter().zip(shares) {
                let r = repo::load_backorder(&mut ports.store, candidate.id)?;
                let short = (give < candidate.need.need).then_some(Shortfall::FairShare);
                self.serve(ports, &r, give, short)?;
            }
            match next {
                Some(next) => start = next,
                None => return Ok(()),
            }
        }
        Ok(())
    }

    /// The next tier of equal priority at the run's location; other
    /// locations are explained and skipped. Returns where the next tier starts.
    fn read_tier(&mut self, ports: &mut Ports, start: Vec<u8>, end: &[u8]) -> DomainResult<(Vec<Candidate>, Option<Vec<u8>>)> {
        let mut tier: Vec<Candidate> = Vec::new();
        let mut rank = None;
        let next = repo::walk(ports, start, end, WALK_CHUNK, |ports, key, value| {
            let candidate = Candidate::parse(key, &value)?;
            if rank.is_some() && candidate.rank() != rank {
                return Ok(ControlFlow::Break(candidate.key));
            }
            rank = candidate.rank();
            if stock_serves(self.out.location.as_deref(), &candidate.need) {
                tier.push(candidate);
            } else {
                let r = repo::load_backorder(&mut ports.store, candidate.id)?;
                self.line(&r, candidate.need.need, 0, None, Some(Shortfall::LocationMismatch));
            }
            Ok(ControlFlow::Continue(()))
        })?;
        Ok((tier, next))
    }

    /// Receives live claims on the run's source document, oldest first: each
    /// becomes a reservation at the run's location for what the units cover;
    /// an uncovered rest stays claimed as a new allocation.
    fn receive_claims(&mut self, ports: &mut Ports) -> DomainResult<()> {
        let reference = self.out.source_ref.clone().unwrap_or_default();
        let range = keys::index_range("claim", &[self.out.sku.as_bytes(), self.out.source.name().as_bytes(), reference.as_bytes()]);
        let claims = repo::scan_all(&mut ports.store, range, u32::MAX)?;
        for (key, _) in claims {
            let id = keys::allocation_of_index(&key).ok_or_else(|| DomainError::corrupt("claim index key"))?;
            let claim = repo::load_allocation(&mut ports.store, id)?;
            let old = repo::load_backorder(&mut ports.store, BackorderId::parse("backorder_id", &claim.backorder_id)?)?;
            let held = claim.held();
            let take = held.min(self.left);
            let mut line = RunLine {
                backorder_id: claim.backorder_id.clone(),
                priority: old.priority,
                promised_date: old.promised_date,
                created_at: old.created_at,
                needed: held,
                allocated: take,
                allocation_id: Some(claim.allocation_id.clone()),
                from_claim: true,
                shortfall: (take < held).then_some(Shortfall::SupplyExhausted),
            };
            if take == 0 {
                line.allocation_id = None;
                self.out.lines.push(line);
                return Ok(());
            }
            let reservation = ReservationRequest {
                sku: claim.sku.clone(),
                location: self.out.location.clone(),
                quantity: take,
                holder: claim.allocation_id.clone(),
                expires_at: self.expires_at.or(claim.expires_at),
            };
            let reservation_id = match ports.inventory.reserve(&reservation) {
                Ok(id) => id,
                Err(InventoryFailure::InsufficientStock(available)) => return Err(DomainError::InsufficientStock(available)),
                Err(other) => return Err(other.into()),
            };
            let mut received = claim.clone();
            received.reservation_id = Some(reservation_id);
            received.status = AllocationStatus::Reserved;
            received.location = self.out.location.clone();
            received.expires_at = reservation.expires_at;
            received.quantity = claim.quantity_consumed + claim.quantity_released + take;
            received.updated_at = ports.now;
            repo::save_allocation(&mut ports.store, Some(&claim), &received)?;
            let mut detail = format!(
                "received {take} units claimed by {} on {} {}",
                claim.allocation_id,
                claim.source.name(),
                reference
            );
            if take < held {
                let rest = split_claim(ports, &claim, held - take)?;
                detail.push_str(&format!("; the other {} stay claimed as {rest}", held - take));
            }
            let mut r = old.clone();
            r.version += 1;
            r.updated_at = ports.now;
            let change = Change::new(HistoryAction::AllocationReceived, EventKind::AllocationReceived, detail)
                .quantity(take)
                .allocation(&claim.allocation_id);
            repo::record_change(ports, &mut r, change)?;
            repo::save_backorder_counted(ports, Some(&old), &r, &mut self.counts)?;
            self.left -= take;
            self.out.allocated += take;
            self.out.lines.push(line);
        }
        Ok(())
    }
}

/// Who still waits after the run: the open backorders at its location left
/// lacking units, in the order the next run would walk (`order`, the need
/// index the run used). Reads index entries only, in one scan of at most
/// `MAX_UNSERVED_SCAN` of them (entries of other locations included), and
/// names the first `MAX_NEXT_IN_LINE`, so its cost is bounded whatever the
/// number of open backorders.
fn unserved(ports: &mut Ports, run: &AllocationRun, order: &str) -> DomainResult<Unserved> {
    let (start, end) = keys::index_range(order, &[run.sku.as_bytes()]);
    // One scan: a run's crossings stay what its serving costs, plus one.
    let mut entries = ports.store.scan(&start, &end, MAX_UNSERVED_SCAN + 1)?;
    let mut out = Unserved { at_least: entries.len() > MAX_UNSERVED_SCAN as usize, ..Unserved::default() };
    entries.truncate(MAX_UNSERVED_SCAN as usize);
    for (key, value) in entries {
        let candidate = Candidate::parse(key, &value)?;
        if stock_serves(run.location.as_deref(), &candidate.need) {
            out.count += 1;
            if out.next_in_line.len() < MAX_NEXT_IN_LINE {
                out.next_in_line.push((candidate.id.to_string(), candidate.need.need));
            }
        }
    }
    Ok(out)
}

/// Proportional whole-unit shares of `units` over a tier that needs more,
/// the remainder to the oldest first (created_at, then number).
fn share(units: u64, tier: &[Candidate]) -> Vec<u64> {
    let total: u128 = tier.iter().map(|c| c.need.need as u128).sum();
    let mut shares: Vec<u64> = tier.iter().map(|c| (units as u128 * c.need.need as u128 / total) as u64).collect();
    let mut remainder = units - shares.iter().sum::<u64>();
    let mut by_age: Vec<usize> = (0..tier.len()).collect();
    by_age.sort_by_key(|&i| (created_part(&tier[i]), tier[i].id));
    for i in by_age {
        let extra = remainder.min(tier[i].need.need - shares[i]);
        shares[i] += extra;
        remainder -= extra;
    }
    shares
}

/// The created_at part of a `need` rank: after the rank digit and the
/// promised date.
fn created_part(candidate: &Candidate) -> Vec<u8> {
    keys::part_before_backorder(&candidate.key).map(|p| p.get(17..).unwrap_or_default().to_vec()).unwrap_or_default()
}

/// The part of a partly received claim that stays claimed, as a new allocation.
fn split_claim(ports: &mut Ports, claim: &super::super::model::Allocation, quantity: u64) -> DomainResult<AllocationId> {
    let id = AllocationId(repo::next_number(&mut ports.store, keys::ALLOCATION_SEQUENCE, &keys::allocation_counter())?);
    let backorder = BackorderId::parse("backorder_id", &claim.backorder_id)?;
    let rest = super::super::model::Allocation {
        allocation_id: id.to_string(),
        quantity,
        quantity_consumed: 0,
        quantity_released: 0,
        status: AllocationStatus::Claimed,
        reservation_id: None,
        created_at: ports.now,
        updated_at: ports.now,
        ..claim.clone()
    };
    repo::save_allocation(&mut ports.store, None, &rest)?;
    ports.store.set(&keys::backorder_allocation(backorder, id), &MARKER);
    Ok(id)
}

/// Units received on a document leave its expected supply.
fn consume_expectation(ports: &mut Ports, sku: &str, source: SourceKind, reference: &str, received: u64) -> DomainResult<()> {
    let key = keys::expected_supply(sku, source.name(), reference);
    let Some(mut supply) = repo::get::<ExpectedSupply>(&mut ports.store, "expected supply", &key)? else { return Ok(()) };
    supply.quantity = supply.quantity.saturating_sub(received);
    supply.updated_at = ports.now;
    if supply.quantity == 0 {
        ports.store.delete(&key);
    } else {
        ports.store.set(&key, &repo::encode(&supply));
    }
    Ok(())
}
