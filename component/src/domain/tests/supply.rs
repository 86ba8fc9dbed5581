//! Allocation runs, claims, policies, expiry and expected supply.

use super::*;
use crate::domain::keys;
use crate::domain::ports::{Store, StoreFailure, Write};

fn run(sku: &str, policy: AllocationPolicy) -> RunRequest {
    RunRequest { sku: sku.into(), policy: Some(policy), ..Default::default() }
}

impl World {
    fn allocate_available(&mut self, request: RunRequest) -> AllocationRun {
        self.call(|p| ops::allocate_available(p, request)).expect("allocation run")
    }

    fn backorder(&mut self, id: &str) -> Backorder {
        self.get(id).backorder
    }
}

fn served(run: &AllocationRun) -> Vec<(String, u64)> {
    run.lines.iter().filter(|l| l.allocated > 0).map(|l| (l.backorder_id.clone(), l.allocated)).collect()
}

#[test]
fn critical_is_served_before_high_before_normal_before_low() {
    let mut w = World::new();
    let [low, normal, high, critical] = w.create_each("SKU", [(10, Priority::Low), (10, Priority::Normal), (10, Priority::High), (10, Priority::Critical)]);
    w.inventory.add("SKU", None, 35);
    let result = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
    assert_eq!(served(&result), [(critical, 10), (high, 10), (normal, 10), (low.clone(), 5)]);
    assert_eq!(result.available, 35);
    assert_eq!(result.allocated, 35);
    let last = result.lines.last().unwrap();
    assert_eq!(last.shortfall, Some(Shortfall::SupplyExhausted));
    assert_eq!((last.needed, last.allocated), (10, 5));
    assert_eq!(w.backorder(&low).quantity_allocated, 5);
    assert_eq!(w.inventory.reserved("SKU", ""), 35);
}

#[test]
fn promised_date_breaks_ties_within_a_priority_then_age() {
    let mut w = World::new();
    // Promised in none, 9 and 2 days, then none again (younger).
    let [none, later, sooner, none_younger] = [None, Some(9), Some(2), None].map(|days: Option<i64>| {
        w.create_with(NewBackorder { sku: "SKU".into(), promised_date: days.map(|d| at(T0 + d * DAY)), ..base() }).backorder_id
    });
    w.inventory.add("SKU", None, 40);
    let result = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
    let order: Vec<_> = result.lines.iter().map(|l| l.backorder_id.clone()).collect();
    assert_eq!(order, [sooner, later, none, none_younger]);
}

#[test]
fn a_run_stops_at_the_first_backorder_it_cannot_serve() {
    let mut w = World::new();
    for _ in 0..5 {
        w.create("SKU", 10, Priority::Normal);
    }
    w.inventory.add("SKU", None, 20);
    let result = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
    assert_eq!(result.lines.len(), 2, "both served in full; the run ends with the units");
    let empty = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
    assert_eq!(empty.lines.len(), 1, "with nothing available the next in line is told why");
    assert_eq!(empty.lines[0].shortfall, Some(Shortfall::SupplyExhausted));
    assert_eq!(empty.allocated, 0);
}

#[test]
fn fifo_serves_by_age_alone() {
    let mut w = World::new();
    let [old_low, critical] = w.create_each("SKU", [(10, Priority::Low), (10, Priority::Critical)]);
    w.inventory.add("SKU", None, 10);
    let result = w.allocate_available(run("SKU", AllocationPolicy::Fifo));
    assert_eq!(served(&result), [(old_low, 10)]);
    assert_eq!(w.backorder(&critical).status, Status::Pending);
}

/// The README's worked example: 10 units; high tier A needs 6 (oldest),
/// B 4, C 5. Shares 4, 2, 3 (rounded down); the one left over goes to A.
#[test]
fn fair_share_splits_a_short_tier_in_proportion_to_need() {
    let mut w = World::new();
    let [critical, a, b, c, normal] = w.create_each("SKU", [(2, Priority::Critical), (6, Priority::High), (4, Priority::High), (5, Priority::High), (5, Priority::Normal)]);
    w.inventory.add("SKU", None, 12);
    let result = w.allocate_available(run("SKU", AllocationPolicy::FairShare));
    assert_eq!(served(&result), [(critical, 2), (a, 5), (b, 2), (c, 3)]);
    assert!(result.lines.iter().all(|l| l.backorder_id != normal), "the run stops after the shared tier");
    assert_eq!(result.lines[2].shortfall, Some(Shortfall::FairShare));
}

#[test]
fn the_guard_and_a_run_apply_the_same_location_rule() {
    // Issue 16, problem 3: stock at WH-A, a low backorder at WH-A, a
    // critical one at WH-B.
    let setup = || {
        let mut w = World::new();
        w.inventory.add("SKU", Some("WH-A"), 10);
        let low = w.create_at("SKU", 10, Priority::Low, Some("WH-A"));
        let critical = w.create_at("SKU", 10, Priority::Critical, Some("WH-B"));
        (w, low, critical)
    };
    let (mut w, low, critical) = setup();
    let result = w.allocate_available(RunRequest { location: Some("WH-A".into()), ..run("SKU", AllocationPolicy::StrictPriority) });
    assert_eq!(result.lines[0].backorder_id, critical);
    assert_eq!(result.lines[0].shortfall, Some(Shortfall::LocationMismatch));
    assert_eq!(served(&result), [(low, 10)]);
    // The operator may do by hand what the run does: no priority conflict,
    // no override recorded.
    let (mut w, low, _) = setup();
    let manual = w.allocate(&low, 10).unwrap();
    assert_eq!(manual.backorder.status, Status::Allocated);
    assert!(!w.get(&low).history.last().unwrap().priority_override);
    let (mut w, low, _) = setup();
    assert_eq!(w.fulfill(&low, 10).unwrap().backorder.status, Status::Fulfilled);
}

#[test]
fn a_run_at_one_location_skips_backorders_of_another() {
    let mut w = World::new();
    let east = w.create_with(NewBackorder { sku: "SKU".into(), priority: Some(Priority::Critical), location: Some("EAST".into()), ..base() }).backorder_id;
    let west = w.create_with(NewBackorder { sku: "SKU".into(), location: Some("WEST".into()), ..base() }).backorder_id;
    w.inventory.add("SKU", Some("WEST"), 10);
    let result = w.allocate_available(RunRequest { location: Some("WEST".into()), ..run("SKU", AllocationPolicy::StrictPriority) });
    assert_eq!(result.lines[0].backorder_id, east);
    assert_eq!(result.lines[0].shortfall, Some(Shortfall::LocationMismatch));
    assert_eq!(served(&result), [(west, 10)]);
}

#[test]
fn claims_on_the_arriving_document_are_received_first() {
    let mut w = World::new();
    let [critical, claimant] = w.create_each("SKU", [(10, Priority::Critical), (10, Priority::Low)]);
    let po = |id: &str, q| AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1042".into()), ..alloc(id, q) };
    let claim = w.call(|p| ops::allocate_backorder(p, po(&claimant, 10))).unwrap().allocation.allocation_id;
    w.inventory.add("SKU", None, 16);
    let receipt = RunRequest {
        source: SourceKind::PurchaseOrder,
        source_ref: Some("PO-1042".into()),
        ..run("SKU", AllocationPolicy::StrictPriority)
    };
    let result = w.allocate_available(receipt);
    assert!(result.lines[0].from_claim);
    assert_eq!(served(&result), [(claimant.clone(), 10), (critical.clone(), 6)]);
    let detail = w.get(&claimant);
    let received = detail.allocations.iter().find(|a| a.allocation_id == claim).unwrap();
    assert!(received.reservation_id.is_some(), "the claim became a reservation");
    assert_eq!(w.inventory.reserved("SKU", ""), 16, "units beyond the claims are reserved too, not claimed");
    let critical_allocation = w.get(&critical).allocations[0].clone();
    assert!(critical_allocation.reservation_id.is_some());
    assert_eq!(critical_allocation.source, SourceKind::PurchaseOrder, "it remembers the document it came on");
    assert_eq!(detail.history.last().unwrap().action, HistoryAction::AllocationReceived);
    // Units on hand now: a fulfilment from inventory ships them.
    let f = w.fulfill(&claimant, 10).unwrap();
    assert_eq!(f.fulfillment.quantity_from_allocations, 10);
    assert_eq!(f.backorder.status, Status::Fulfilled);
}

#[test]
fn a_partly_received_claim_keeps_the_rest_claimed() {
    let mut w = World::new();
    let bo = w.create("SKU", 10, Priority::Normal).backorder_id;
    let po = AllocationRequest { source: SourceKind::Production, source_ref: Some("RUN-7".into()), ..alloc(&bo, 10) };
    w.call(|p| ops::allocate_backorder(p, po)).unwrap();
    w.inventory.add("SKU", None, 4);
    let receipt = RunRequest { source: SourceKind::Production, source_ref: Some("RUN-7".into()), ..run("SKU", AllocationPolicy::StrictPriority) };
    let result = w.allocate_available(receipt);
    assert_eq!(result.lines[0].shortfall, Some(Shortfall::SupplyExhausted));
    let detail = w.get(&bo);
    let held: Vec<_> = detail.allocations.iter().map(|a| (a.held(), a.reservation_id.is_some(), a.status)).collect();
    assert_eq!(held, [(4, true, AllocationStatus::Reserved), (6, false, AllocationStatus::Claimed)]);
    assert_eq!(detail.backorder.quantity_allocated, 10);
}

#[test]
fn expiry_frees_units_and_offers_them_to_the_next_in_line() {
    let mut w = World::new();
    let [first, second] = w.create_each("SKU", [(10, Priority::High), (10, Priority::Normal)]);
    w.inventory.add("SKU", None, 10);
    let held = w.call(|p| ops::allocate_backorder(p, AllocationRequest { expires_at: Some(T0 + DAY), ..alloc(&first, 10) })).unwrap();
    w.now = T0 + DAY - 1;
    assert!(w.call(|p| ops::expire_allocations(p, ExpiryRequest { reallocate: true, request_id: None })).unwrap().expired.is_empty());
    // The first backorder is cancelled meanwhile? No: it waits; make it the
    // less urgent one so the freed units go elsewhere.
    let update = BackorderUpdate { backorder_id: first.clone(), priority: Some(Priority::Low), ..Default::default() };
    w.call(|p| ops::update_backorder(p, update)).unwrap();
    w.now = T0 + DAY;
    let result = w.call(|p| ops::expire_allocations(p, ExpiryRequest { reallocate: true, request_id: None })).unwrap();
    assert_eq!(result.expired.len(), 1);
    assert_eq!(result.expired[0].allocation_id, held.allocation.allocation_id);
    assert_eq!(result.expired[0].status, AllocationStatus::Expired);
    assert_eq!(served(&result.runs[0]), [(second.clone(), 10)]);
    assert_eq!(w.backorder(&first).status, Status::Pending);
    assert_eq!(w.backorder(&second).status, Status::Allocated);
    assert!(w.events.events.iter().any(|e| e.kind == EventKind::AllocationExpired));
    assert!(w.call(|p| ops::expire_allocations(p, ExpiryRequest { reallocate: true, request_id: None })).unwrap().expired.is_empty(), "expired once");
}

#[test]
fn expiry_without_reallocation_leaves_the_units_available() {
    let mut w = World::new();
    let bo = w.create("SKU", 10, Priority::Normal).backorder_id;
    w.inventory.add("SKU", None, 10);
    w.call(|p| ops::allocate_backorder(p, AllocationRequest { expires_at: Some(T0 + DAY), ..alloc(&bo, 10) })).unwrap();
    w.now = T0 + 2 * DAY;
    let result = w.call(|p| ops::expire_allocations(p, ExpiryRequest { reallocate: false, request_id: None })).unwrap();
    assert_eq!(result.expired.len(), 1);
    assert!(result.runs.is_empty());
    assert_eq!(w.inventory.reserved("SKU", ""), 0);
}

#[test]
fn expected_supply_sets_dates_in_priority_order_and_flags_missed_promises() {
    let mut w = World::new();
    let critical = w.create_with(NewBackorder { sku: "SKU".into(), priority: Some(Priority::Critical), promised_date: Some(at(T0 + 3 * DAY)), ..base() }).backorder_id;
    let normal = w.create_with(NewBackorder { sku: "SKU".into(), promised_date: Some(at(T0 + 20 * DAY)), ..base() }).backorder_id;
    let low = w.create("SKU", 10, Priority::Low).backorder_id;
    let expect = |quantity, days: i64, reference: &str| expectation("SKU", quantity, T0 + days * DAY, reference);
    let plan = w.call(|p| ops::expect_supply(p, expect(15, 5, "PO-1"))).unwrap();
    let lines: Vec<_> = plan.lines.iter().map(|l| (l.backorder_id.clone(), l.expected_date, l.at_risk)).collect();
    assert_eq!(lines, [(critical.clone(), at(T0 + 5 * DAY), true)], "the second needs 10 and only 5 are left");
    assert!(w.backorder(&critical).at_risk);
    assert_eq!(w.backorder(&normal).expected_date, None);

    let plan = w.call(|p| ops::expect_supply(p, expect(20, 10, "PO-2"))).unwrap();
    let lines: Vec<_> = plan.lines.iter().map(|l| (l.backorder_id.clone(), l.expected_date, l.at_risk)).collect();
    assert_eq!(
        lines,
        [(critical.clone(), at(T0 + 5 * DAY), true), (normal.clone(), at(T0 + 10 * DAY), false), (low.clone(), at(T0 + 10 * DAY), false)]
    );
    assert_eq!(w.backorder(&normal).promised_date, Some(at(T0 + 20 * DAY)), "promises are kept as they are");
    let pending = w.call(|p| ops::list_expected_supply(p, Some("SKU"))).unwrap();
    assert_eq!(pending.iter().map(|s| s.quantity).sum::<u64>(), 35);

    // Receiving 15 on PO-1 consumes that expectation.
    w.inventory.add("SKU", None, 15);
    let receipt = RunRequest {
        source: SourceKind::PurchaseOrder,
        source_ref: Some("PO-1".into()),
        received: Some(15),
        ..run("SKU", AllocationPolicy::StrictPriority)
    };
    w.allocate_available(receipt);
    let pending = w.call(|p| ops::list_expected_supply(p, None)).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].source_ref, "PO-2");
    let stock = SupplyExpectation { source: SourceKind::Inventory, ..expect(1, 1, "X") };
    assert_eq!(invalid_field(w.call(|p| ops::expect_supply(p, stock)).unwrap_err()), "source");
}

#[test]
fn expected_supply_tells_the_outbox_when_a_date_moves_and_a_promise_falls_at_risk_or_out_of_it() {
    use EventKind::{BackorderAtRiskCleared as Cleared, BackorderAtRiskSet as Set, BackorderExpectedDateChanged as Moved, BackorderUpdated as Updated};
    let mut w = World::new();
    let bo = w.create_with(NewBackorder { sku: "SKU".into(), promised_date: Some(at(T0 + 3 * DAY)), ..base() }).backorder_id;
    let late = expectation("SKU", 10, T0 + 5 * DAY, "PO-LATE");
    assert_eq!(w.emitted(|p| ops::expect_supply(p, late)), [Updated, Moved, Set]);
    assert!(w.events.events.iter().rev().take(3).all(|e| e.backorder_id == bo));
    let again = expectation("SKU", 10, T0 + 9 * DAY, "PO-LATER");
    assert_eq!(w.emitted(|p| ops::expect_supply(p, again)), [], "the earlier supply still covers it");
    let early = expectation("SKU", 10, T0 + 2 * DAY, "PO-EARLY");
    assert_eq!(w.emitted(|p| ops::expect_supply(p, early)), [Updated, Moved, Cleared]);
    assert!(!w.backorder(&bo).at_risk);
}

#[test]
fn a_run_touches_what_it_serves_not_the_whole_sku() {
    let measure = |open: usize| {
        let mut w = World::new();
        for _ in 0..open {
            w.create("SKU", 10, Priority::Normal);
        }
        w.inventory.add("SKU", None, 100);
        w.store.calls = 0;
        let result = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
        assert_eq!(result.allocated, 100);
        w.store.calls
    };
    assert_eq!(measure(50), measure(3000));
}

#[test]
fn a_received_claim_can_be_picked_and_shipped_by_its_document() {
    let mut w = World::new();
    let bo = w.create("SKU", 10, Priority::Normal).backorder_id;
    let po = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-9".into()), ..alloc(&bo, 10) };
    let claimed = w.call(|p| ops::allocate_backorder(p, po)).unwrap();
    assert_eq!((claimed.allocation.status, claimed.backorder.status), (AllocationStatus::Claimed, Status::Allocated));
    let claim = claimed.allocation.allocation_id;
    let refused = w.call(|p| ops::confirm_allocation(p, change(&claim))).unwrap_err();
    assert!(matches!(refused, DomainError::InvalidState { status: RecordStatus::Allocation(AllocationStatus::Claimed), .. }), "{refused:?}");
    w.inventory.add("SKU", None, 10);
    let receipt = RunRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-9".into()), ..run("SKU", AllocationPolicy::StrictPriority) };
    w.allocate_available(receipt);
    assert_eq!(w.get(&bo).allocations[0].status, AllocationStatus::Reserved, "received, the claim is a reservation");
    let picked = w.call(|p| ops::confirm_allocation(p, change(&claim))).unwrap();
    assert_eq!(picked.backorder.status, Status::ReadyToShip);
    let ship = FulfillmentRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-9".into()), ..ship(&bo, 10) };
    let shipped = w.call(|p| ops::fulfill_backorder(p, ship)).unwrap();
    assert_eq!(shipped.fulfillment.quantity_from_allocations, 10);
    assert_eq!(shipped.backorder.status, Status::Fulfilled);
    assert_eq!(w.inventory.on_hand[&("SKU".into(), "".into())], 0, "the received units left the stock");
    assert!(w.inventory.reservations.is_empty());
    assert!(w.call(ops::check_integrity).unwrap().problems.is_empty());
}

#[test]
fn a_claim_can_be_extended_released_expire_or_ship_from_its_source_but_not_be_picked() {
    let mut w = World::new();
    let bo = w.create("SKU", 12, Priority::Normal).backorder_id;
    let po = |q, expires_at| AllocationRequest {
        source: SourceKind::Transfer,
        source_ref: Some("TR-3".into()),
        expires_at,
        ..alloc(&bo, q)
    };
    let first = w.call(|p| ops::allocate_backorder(p, po(4, Some(T0 + DAY)))).unwrap().allocation.allocation_id;
    let extension = AllocationExtension { allocation_id: first.clone(), expires_at: T0 + 2 * DAY, expected_version: None, request_id: None };
    let extended = w.call(|p| ops::extend_allocation(p, extension)).unwrap();
    assert_eq!((extended.allocation.status, extended.allocation.expires_at), (AllocationStatus::Claimed, Some(T0 + 2 * DAY)));
    let second = w.call(|p| ops::allocate_backorder(p, po(4, None))).unwrap().allocation.allocation_id;
    let released = w.call(|p| ops::release_allocation(p, change(&second))).unwrap();
    assert_eq!((released.allocation.status, released.backorder.quantity_allocated), (AllocationStatus::Released, 4));
    let again = w.call(|p| ops::release_allocation(p, change(&second))).unwrap_err();
    assert!(matches!(again, DomainError::InvalidState { status: RecordStatus::Allocation(AllocationStatus::Released), .. }), "{again:?}");
    let other_transfer = AllocationRequest { source_ref: Some("TR-4".into()), ..po(4, None) };
    w.call(|p| ops::allocate_backorder(p, other_transfer)).unwrap();
    let ship = FulfillmentRequest { source: SourceKind::Transfer, source_ref: Some("TR-4".into()), ..ship(&bo, 4) };
    let shipped = w.call(|p| ops::fulfill_backorder(p, ship)).unwrap();
    assert_eq!(shipped.fulfillment.quantity_from_allocations, 4, "cross-docked from the claim on TR-4");
    w.now = T0 + 2 * DAY;
    let expired = w.call(|p| ops::expire_allocations(p, ExpiryRequest { reallocate: true, request_id: None })).unwrap();
    assert_eq!(expired.expired.iter().map(|a| (&*a.allocation_id, a.status)).collect::<Vec<_>>(), [(&*first, AllocationStatus::Expired)]);
    let statuses: Vec<_> = w.get(&bo).allocations.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [AllocationStatus::Expired, AllocationStatus::Released, AllocationStatus::Consumed]);
    assert_eq!(w.backorder(&bo).quantity_allocated, 0);
    assert!(w.call(ops::check_integrity).unwrap().problems.is_empty());
}

/// Delegates to the memory store and notes the key of every write.
struct Recorder<'a> {
    inner: &'a mut MemoryStore,
    writes: Vec<Vec<u8>>,
    /// The scopes each batch named.
    scopes: Vec<Vec<String>>,
}

impl Store for Recorder<'_> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreFailure> {
        self.inner.get(key)
    }
    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreFailure> {
        self.inner.get_many(keys)
    }
    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreFailure> {
        self.inner.scan(start, end, limit)
    }
    fn write_batch(&mut self, writes: &[Write], scopes: &[String]) -> Result<(), StoreFailure> {
        self.writes.extend(writes.iter().map(|w| match w {
            Write::Set(key, _) | Write::Delete(key) => key.clone(),
        }));
        self.scopes.push(scopes.to_vec());
        self.inner.write_batch(writes, scopes)
    }
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, StoreFailure> {
        self.inner.next_number(sequence, after)
    }
}

#[test]
fn a_run_writes_the_running_totals_once_and_they_stay_exact() {
    let mut w = World::new();
    let priorities = [Priority::Critical, Priority::High, Priority::Normal, Priority::Low];
    for i in 0..12i64 {
        // Some with a promised date, so due-day counters change too.
        let promised_date = (i % 3 == 0).then_some(at(T0 + (i + 1) * DAY));
        let priority = Some(priorities[i as usize % 4]);
        w.create_with(NewBackorder { sku: "SKU".into(), quantity: 5, priority, promised_date, ..base() });
    }
    w.create("OTHER", 7, Priority::High);
    w.inventory.add("SKU", None, 38);

    let mut recorder = Recorder { inner: &mut w.store, writes: Vec::new(), scopes: Vec::new() };
    let request = run("SKU", AllocationPolicy::StrictPriority);
    let result = crate::domain::call(&mut recorder, &mut w.inventory, &mut w.events, w.now, &mut super::utc_offset, |p| ops::allocate_available(p, request)).unwrap();
    assert_eq!(served(&result).len(), 8, "seven in full, the eighth in part");
    for key in [keys::total_stripe("SKU"), keys::sku_totals("SKU")] {
        assert_eq!(recorder.writes.iter().filter(|k| **k == key).count(), 1, "{key:?}");
    }

    let summary = w.summary();
    assert_eq!(summary.totals.units_allocated, 38);
    assert_eq!(summary.totals.open_backorders, 13);
    assert_eq!(w.sku_summary("SKU").summary.totals.units_allocated, 38);
    assert!(w.call(ops::check_integrity).unwrap().problems.is_empty());
}

#[test]
fn a_run_ends_with_who_still_waits_at_its_location_next_in_line_first() {
    let mut w = World::new();
    let [first, second] = w.create_each("SKU", [(10, Priority::High), (4, Priority::Normal)]);
    let elsewhere = w.create_at("SKU", 3, Priority::Critical, Some("WH-B"));
    let rest: Vec<String> = (0..6).map(|_| w.create("SKU", 2, Priority::Low).backorder_id).collect();
    w.inventory.add("SKU", None, 6);
    let result = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
    let unserved = result.unserved.expect("a run says who waits");
    // The high one got 6 of its 10; it and the 7 after it wait here; the
    // one at WH-B is not counted.
    assert_eq!((unserved.count, unserved.at_least), (8, false));
    let mut expected = vec![(first, 4), (second, 4)];
    expected.extend(rest.iter().take(3).map(|id| (id.clone(), 2)));
    assert_eq!(unserved.next_in_line, expected);
    assert!(!unserved.next_in_line.iter().any(|(id, _)| *id == elsewhere));

    // A run that serves everyone leaves nobody waiting.
    w.inventory.add("SKU", None, 100);
    let result = w.allocate_available(run("SKU", AllocationPolicy::Fifo));
    assert_eq!(result.unserved, Some(Unserved::default()));
}

#[test]
fn past_its_bound_a_run_says_at_least_that_many_wait() {
    let mut w = World::new();
    for _ in 0..1001 {
        w.create("SKU", 1, Priority::Normal);
    }
    let result = w.allocate_available(run("SKU", AllocationPolicy::StrictPriority));
    let unserved = result.unserved.unwrap();
    assert_eq!((unserved.count, unserved.at_least, unserved.next_in_line.len()), (1000, true, 5));
}

#[test]
fn a_receipt_adds_its_units_once_and_allocates_them() {
    let mut w = World::new();
    let bo = w.create("SKU", 5, Priority::High).backorder_id;
    let receipt = RunRequest { received: Some(3), request_id: Some("rcv-1".into()), ..run("SKU", AllocationPolicy::StrictPriority) };
    let first = w.call(|p| ops::receive(p, receipt.clone())).unwrap();
    assert_eq!((first.available, first.allocated), (3, 3));
    assert_eq!(w.inventory.on_hand[&("SKU".to_string(), String::new())], 3);
    // A retry of the same receipt returns the first run (without who still
    // waits, which is not remembered) and adds nothing.
    assert_eq!(w.call(|p| ops::receive(p, receipt.clone())).unwrap(), AllocationRun { unserved: None, ..first.clone() });
    assert_eq!(w.inventory.on_hand[&("SKU".to_string(), String::new())], 3, "the repeat added no stock");
    assert_eq!(w.backorder(&bo).quantity_allocated, 3);
    // The same request id on an allocation run is another request.
    let other = w.call(|p| ops::allocate_available(p, receipt.clone())).unwrap_err();
    assert!(matches!(other, DomainError::InvalidInput { ref field, .. } if field == "request_id"), "{other:?}");
    // A receipt names its units.
    let unnamed = RunRequest { received: None, ..run("SKU", AllocationPolicy::StrictPriority) };
    assert_eq!(w.call(|p| ops::receive(p, unnamed)).unwrap_err(), DomainError::invalid("received", "the units received are required"));
    assert_eq!(w.inventory.on_hand[&("SKU".to_string(), String::new())], 3);
    assert!(w.call(ops::check_integrity).unwrap().problems.is_empty());
}

/// Every write names the SKUs whose data it read or wrote: its own, and
/// that of an allocation it expired on the way (a host that is not
/// serializable by itself makes calls naming a common SKU conflict).
#[test]
fn a_write_names_every_sku_it_read_or_wrote() {
    let mut w = World::new();
    w.inventory.add("A", None, 10);
    let a = w.create("A", 10, Priority::High).backorder_id;
    w.call(|p| ops::allocate_backorder(p, AllocationRequest { expires_at: Some(T0 + DAY), ..alloc(&a, 10) })).unwrap();
    let b = w.create("B", 1, Priority::High).backorder_id;
    w.now = T0 + 2 * DAY;
    let scopes_of = |w: &mut World, call: &dyn Fn(&mut Ports) -> Result<(), DomainError>| {
        let mut recorder = Recorder { inner: &mut w.store, writes: Vec::new(), scopes: Vec::new() };
        crate::domain::call(&mut recorder, &mut w.inventory, &mut w.events, w.now, &mut super::utc_offset, call).unwrap();
        recorder.scopes
    };
    // A cancel on B first finalises A's expired allocation.
    let cancel = CancelRequest { backorder_id: b.clone(), ..Default::default() };
    let named = scopes_of(&mut w, &|p| ops::cancel_backorder(p, cancel.clone()).map(drop));
    assert_eq!(named, [vec!["A".to_string(), "B".to_string()]]);
    // A create names its SKU; a run names its SKU even when it serves no one.
    let named = scopes_of(&mut w, &|p| ops::create_backorder(p, NewBackorder { sku: "C".into(), ..base() }).map(drop));
    assert_eq!(named, [vec!["C".to_string()]]);
    let named = scopes_of(&mut w, &|p| ops::allocate_available(p, RunRequest { request_id: Some("r".into()), ..run("D", AllocationPolicy::StrictPriority) }).map(drop));
    assert_eq!(named, [vec!["D".to_string()]]);
}
