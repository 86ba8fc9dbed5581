//! Creating, allocating, fulfilling, cancelling, updating, reading.

use super::*;

#[test]
fn backorders_are_numbered_per_year_and_start_pending() {
    let mut w = World::new();
    let first = w.create("WIDGET-001", 100, Priority::Normal);
    let second = w.create("WIDGET-001", 5, Priority::Normal);
    assert_eq!(first.backorder_id, "BO-2026-0001");
    assert_eq!(second.backorder_id, "BO-2026-0002");
    assert_eq!(first.status, Status::Pending);
    assert_eq!(first.quantity_remaining, 100);
    assert_eq!(first.version, 1);
    w.now = T0 + 40 * DAY; // 2027-01-05
    assert_eq!(w.create("WIDGET-001", 1, Priority::Low).backorder_id, "BO-2027-0001");
}

#[test]
fn the_seed_example_ends_partially_fulfilled() {
    let mut w = World::new();
    let bo = w.create("WIDGET-001", 100, Priority::Normal);
    w.inventory.add("WIDGET-001", None, 60);
    let result = w.fulfill(&bo.backorder_id, 60).unwrap();
    assert_eq!(result.backorder.status, Status::PartiallyFulfilled);
    assert_eq!(result.backorder.quantity_fulfilled, 60);
    assert_eq!(result.backorder.quantity_remaining, 40);
    assert_eq!(w.inventory.on_hand[&("WIDGET-001".into(), "".into())], 0);
}

#[test]
fn every_status_is_reachable() {
    let (mut w, bo) = stocked(100, 10);
    let a = w.allocate(&bo, 10).unwrap();
    assert_eq!(a.backorder.status, Status::Allocated);
    let c = w.call(|p| ops::confirm_allocation(p, change(&a.allocation.allocation_id))).unwrap();
    assert_eq!(c.backorder.status, Status::ReadyToShip);
    assert_eq!(c.allocation.status, AllocationStatus::Confirmed);
    let f = w.fulfill(&bo, 4).unwrap();
    assert_eq!(f.backorder.status, Status::ReadyToShip, "6 confirmed still cover 6 remaining");
    assert_eq!(f.fulfillment.quantity_from_allocations, 4);
    let r = w.call(|p| ops::release_allocation(p, change(&a.allocation.allocation_id))).unwrap();
    assert_eq!(r.backorder.status, Status::PartiallyFulfilled);
    let f = w.fulfill(&bo, 6).unwrap();
    assert_eq!(f.backorder.status, Status::Fulfilled);
    assert_eq!(w.inventory.on_hand[&("SKU".into(), "".into())], 90);
    assert!(w.inventory.reservations.is_empty());

    let other = w.create("SKU", 10, Priority::Normal).backorder_id;
    let cancelled = w.cancel(&other, None).unwrap();
    assert_eq!(cancelled.backorder.status, Status::Cancelled);
}

#[test]
fn cancelling_the_rest_after_shipping_keeps_the_shipped_units() {
    let (mut w, bo) = stocked(60, 100);
    w.fulfill(&bo, 60).unwrap();
    let c = w.cancel(&bo, None).unwrap();
    assert_eq!(c.backorder.status, Status::Cancelled);
    assert_eq!(c.backorder.quantity_fulfilled, 60);
    assert_eq!(c.backorder.quantity_cancelled, 40);
    assert_eq!(c.backorder.quantity_remaining, 0);
}

#[test]
fn closed_backorders_refuse_every_change() {
    let mut w = World::new();
    let bo = w.create("SKU", 5, Priority::Normal).backorder_id;
    w.cancel(&bo, None).unwrap();
    let state = |e: DomainError| matches!(e, DomainError::InvalidState { status: RecordStatus::Backorder(Status::Cancelled), .. });
    assert!(state(w.allocate(&bo, 1).unwrap_err()));
    assert!(state(w.fulfill(&bo, 1).unwrap_err()));
    assert!(state(w.cancel(&bo, None).unwrap_err()));
    let update = BackorderUpdate { backorder_id: bo.clone(), priority: Some(Priority::High), ..Default::default() };
    assert!(state(w.call(|p| ops::update_backorder(p, update)).unwrap_err()));
}

#[test]
fn a_more_urgent_backorder_blocks_manual_inventory_allocation_unless_overridden() {
    let mut w = World::new();
    w.inventory.add("SKU", None, 100);
    let [low, critical] = w.create_each("SKU", [(10, Priority::Low), (10, Priority::Critical)]);
    assert_eq!(w.allocate(&low, 5).unwrap_err(), DomainError::PriorityConflict(critical.clone()));
    assert_eq!(w.fulfill(&low, 5).unwrap_err(), DomainError::PriorityConflict(critical.clone()));
    // A claim on a purchase order takes nothing from stock: no conflict.
    let claim = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1".into()), ..alloc(&low, 5) };
    assert!(w.call(|p| ops::allocate_backorder(p, claim)).is_ok());
    let forced = w.call(|p| ops::allocate_backorder(p, AllocationRequest { override_priority: true, ..alloc(&low, 5) })).unwrap();
    assert_eq!(forced.backorder.status, Status::Allocated);
    let history = w.get(&low).history;
    let last = history.last().unwrap();
    assert!(last.priority_override);
    assert!(last.detail.contains(&critical), "{}", last.detail);
    // Once the critical one is allocated, nobody blocks.
    w.allocate(&critical, 10).unwrap();
    let normal = w.create("SKU", 10, Priority::Normal).backorder_id;
    assert!(w.allocate(&normal, 10).is_ok());
}

#[test]
fn a_more_urgent_backorder_at_the_same_location_still_blocks() {
    let mut w = World::new();
    w.inventory.add("SKU", Some("WH-A"), 15);
    w.inventory.add("SKU", Some("WH-B"), 10);
    let low = w.create_at("SKU", 10, Priority::Low, Some("WH-A"));
    let critical = w.create_at("SKU", 10, Priority::Critical, Some("WH-B"));
    let high = w.create_at("SKU", 10, Priority::High, Some("WH-A"));
    // The critical one is more urgent, but only the high one could take
    // these units: it is the one named.
    assert_eq!(w.allocate(&low, 5).unwrap_err(), DomainError::PriorityConflict(high.clone()));
    assert_eq!(w.fulfill(&low, 5).unwrap_err(), DomainError::PriorityConflict(high.clone()));
    // The stock's location is what counts: taking WH-B's units for the low
    // one goes ahead of the critical one there.
    let from_b = AllocationRequest { location: Some("WH-B".into()), ..alloc(&low, 5) };
    assert_eq!(w.call(|p| ops::allocate_backorder(p, from_b)).unwrap_err(), DomainError::PriorityConflict(critical));
    w.allocate(&high, 10).unwrap();
    w.allocate(&low, 5).unwrap();
}

#[test]
fn the_guard_skips_a_bounded_number_of_other_locations_then_refuses() {
    use crate::domain::limits::MAX_GUARD_SKIPS;
    let mut w = World::new();
    w.inventory.add("SKU", Some("WH-A"), 10);
    let low = w.create_at("SKU", 10, Priority::Low, Some("WH-A"));
    // Straight through the ports: a rollback copy per call would make this
    // many creates quadratic.
    let mut elsewhere = Vec::new();
    for _ in 0..MAX_GUARD_SKIPS {
        let request = NewBackorder { sku: "SKU".into(), priority: Some(Priority::High), location: Some("WH-B".into()), ..base() };
        let created = crate::domain::call(&mut w.store, &mut w.inventory, &mut w.events, w.now, &mut super::utc_offset, |p| ops::create_backorder(p, request));
        elsewhere.push(created.unwrap().backorder_id);
    }
    // Exactly the limit skipped: the refusal names the most urgent of them.
    assert_eq!(w.allocate(&low, 5).unwrap_err(), DomainError::PriorityConflict(elsewhere[0].clone()));
    // One of them served: within the limit, nobody at WH-A is more urgent.
    w.inventory.add("SKU", Some("WH-B"), 10);
    w.call(|p| ops::allocate_backorder(p, AllocationRequest { location: Some("WH-B".into()), ..alloc(&elsewhere[0], 10) })).unwrap();
    w.allocate(&low, 5).unwrap();
}

#[test]
fn no_location_means_the_default_location_for_the_guard() {
    let mut w = World::new();
    w.inventory.add("SKU", None, 15);
    w.inventory.add("SKU", Some("WH-A"), 10);
    let critical = w.create_at("SKU", 10, Priority::Critical, None);
    let low_at_default = w.create_at("SKU", 10, Priority::Low, None);
    let low_at_a = w.create_at("SKU", 10, Priority::Low, Some("WH-A"));
    // Default stock for a backorder of the default location: the critical
    // one, also of the default location, could take it.
    assert_eq!(w.allocate(&low_at_default, 5).unwrap_err(), DomainError::PriorityConflict(critical.clone()));
    assert_eq!(w.fulfill(&low_at_default, 5).unwrap_err(), DomainError::PriorityConflict(critical.clone()));
    // WH-A's stock is not the default location's: nothing blocks.
    w.allocate(&low_at_a, 5).unwrap();
    w.fulfill(&low_at_a, 10).unwrap();
    // And the other way round: a more urgent backorder at WH-A does not
    // block default stock.
    w.allocate(&critical, 10).unwrap();
    let _high_at_a = w.create_at("SKU", 10, Priority::High, Some("WH-A"));
    w.allocate(&low_at_default, 5).unwrap();
}

#[test]
fn equal_priority_does_not_block() {
    let mut w = World::new();
    w.inventory.add("SKU", None, 100);
    let _first = w.create("SKU", 10, Priority::High);
    let second = w.create("SKU", 10, Priority::High).backorder_id;
    assert!(w.allocate(&second, 10).is_ok());
}

#[test]
fn allocation_is_bounded_by_need_and_stock() {
    let (mut w, bo) = stocked(7, 10);
    assert_eq!(invalid_field(w.allocate(&bo, 11).unwrap_err()), "quantity");
    assert_eq!(w.allocate(&bo, 8).unwrap_err(), DomainError::InsufficientStock(7));
    w.allocate(&bo, 7).unwrap();
    assert_eq!(invalid_field(w.allocate(&bo, 4).unwrap_err()), "quantity");
}

#[test]
fn fulfilment_consumes_confirmed_before_reserved_then_issues_stock() {
    let (mut w, bo) = stocked(100, 50);
    let first = w.allocate(&bo, 10).unwrap().allocation.allocation_id;
    let second = w.allocate(&bo, 10).unwrap().allocation.allocation_id;
    w.call(|p| ops::confirm_allocation(p, change(&second))).unwrap();
    let f = w.fulfill(&bo, 15).unwrap();
    assert_eq!(f.fulfillment.quantity_from_allocations, 15);
    let detail = w.get(&bo);
    let by_id = |id: &str| detail.allocations.iter().find(|a| a.allocation_id == id).unwrap().clone();
    assert_eq!(by_id(&second).status, AllocationStatus::Consumed);
    assert_eq!(by_id(&first).quantity_consumed, 5);
    assert_eq!(by_id(&first).status, AllocationStatus::Reserved);
    let f = w.fulfill(&bo, 20).unwrap();
    assert_eq!(f.fulfillment.quantity_from_allocations, 5);
    assert_eq!(f.backorder.quantity_fulfilled, 35);
    assert_eq!(w.inventory.on_hand[&("SKU".into(), "".into())], 65);
    assert!(w.inventory.reservations.is_empty());
    assert_eq!(invalid_field(w.fulfill(&bo, 16).unwrap_err()), "quantity");
    assert_eq!(invalid_field(w.fulfill(&bo, 0).unwrap_err()), "quantity");
}

#[test]
fn fulfilment_from_a_claim_ships_without_touching_stock() {
    let mut w = World::new();
    let bo = w.create("SKU", 10, Priority::Normal).backorder_id;
    let claim = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1042".into()), ..alloc(&bo, 10) };
    let a = w.call(|p| ops::allocate_backorder(p, claim)).unwrap();
    assert_eq!(a.allocation.reservation_id, None);
    assert_eq!(a.backorder.status, Status::Allocated);
    let request = FulfillmentRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1042".into()), ..ship(&bo, 10) };
    let f = w.call(|p| ops::fulfill_backorder(p, request)).unwrap();
    assert_eq!(f.backorder.status, Status::Fulfilled);
    assert_eq!(f.fulfillment.quantity_from_allocations, 10);
    assert!(w.inventory.on_hand.is_empty());
}

#[test]
fn shipping_from_stock_releases_claims_no_longer_needed() {
    let (mut w, bo) = stocked(10, 10);
    let claim = AllocationRequest { source: SourceKind::Transfer, source_ref: Some("TR-9".into()), ..alloc(&bo, 10) };
    w.call(|p| ops::allocate_backorder(p, claim)).unwrap();
    let f = w.fulfill(&bo, 4).unwrap();
    assert_eq!(f.backorder.quantity_allocated, 6, "allocated never exceeds remaining");
    assert_eq!(f.backorder.status, Status::Allocated);
}

#[test]
fn partial_cancel_releases_only_the_excess_newest_first() {
    let (mut w, bo) = stocked(100, 100);
    let old = w.allocate(&bo, 60).unwrap().allocation.allocation_id;
    let new = w.allocate(&bo, 40).unwrap().allocation.allocation_id;
    let c = w.cancel(&bo, Some(10)).unwrap();
    assert_eq!(c.backorder.quantity_allocated, 90);
    assert_eq!(c.backorder.status, Status::Allocated);
    assert_eq!(c.released.len(), 1);
    assert_eq!(c.released[0].allocation_id, new);
    assert_eq!(c.released[0].quantity_released, 10);
    assert_eq!(w.inventory.reserved("SKU", ""), 90);
    let detail = w.get(&bo);
    assert_eq!(detail.allocations.iter().find(|a| a.allocation_id == old).unwrap().held(), 60);
}

#[test]
fn expiry_rules_for_confirm_and_extend() {
    let (mut w, bo) = stocked(10, 10);
    let past = AllocationRequest { expires_at: Some(T0), ..alloc(&bo, 5) };
    assert_eq!(invalid_field(w.call(|p| ops::allocate_backorder(p, past)).unwrap_err()), "expires_at");
    let a = w.call(|p| ops::allocate_backorder(p, AllocationRequest { expires_at: Some(T0 + DAY), ..alloc(&bo, 5) })).unwrap();
    let id = a.allocation.allocation_id;
    let extended = w.call(|p| ops::extend_allocation(p, extension(&id, T0 + 2 * DAY))).unwrap();
    assert_eq!(extended.allocation.expires_at, Some(T0 + 2 * DAY));
    assert_eq!(w.inventory.reservations.values().next().unwrap().expires_at, Some(T0 + 2 * DAY));
    assert_eq!(invalid_field(w.call(|p| ops::extend_allocation(p, extension(&id, T0 - 1))).unwrap_err()), "expires_at");
    w.now = T0 + 3 * DAY;
    assert!(matches!(w.call(|p| ops::confirm_allocation(p, change(&id))).unwrap_err(), DomainError::InvalidState { .. }));
    assert!(matches!(w.call(|p| ops::extend_allocation(p, extension(&id, T0 + 4 * DAY))).unwrap_err(), DomainError::InvalidState { .. }));
}

#[test]
fn released_allocations_cannot_be_touched_again() {
    let (mut w, bo) = stocked(10, 10);
    let id = w.allocate(&bo, 5).unwrap().allocation.allocation_id;
    w.call(|p| ops::release_allocation(p, change(&id))).unwrap();
    for result in [
        w.call(|p| ops::release_allocation(p, change(&id))),
        w.call(|p| ops::confirm_allocation(p, change(&id))),
        w.call(|p| ops::extend_allocation(p, extension(&id, T0 + DAY))),
    ] {
        assert!(matches!(result.unwrap_err(), DomainError::InvalidState { status: RecordStatus::Allocation(AllocationStatus::Released), .. }));
    }
    assert_eq!(w.call(|p| ops::release_allocation(p, change("AL-000099"))).unwrap_err(), DomainError::NotFound("AL-000099".into()));
}

#[test]
fn an_update_that_moves_a_date_tells_the_outbox_what_moved_and_whether_the_promise_is_at_risk() {
    use EventKind::{BackorderAtRiskCleared as Cleared, BackorderAtRiskSet as Set, BackorderExpectedDateChanged as Moved, BackorderUpdated as Updated};
    let mut w = World::new();
    let id = w.create_with(base()).backorder_id;
    let update = |changes: BackorderUpdate| BackorderUpdate { backorder_id: id.clone(), ..changes };
    let expected = |date| update(BackorderUpdate { expected_date: Some(date), ..Default::default() });
    let promised = |date| update(BackorderUpdate { promised_date: Some(date), ..Default::default() });
    assert_eq!(w.emitted(|p| ops::update_backorder(p, expected(Change::Set(at(T0 + 5 * DAY))))), [Updated, Moved]);
    assert_eq!(w.emitted(|p| ops::update_backorder(p, promised(Change::Set(at(T0 + 3 * DAY))))), [Updated, Set]);
    assert_eq!(w.emitted(|p| ops::update_backorder(p, expected(Change::Set(at(T0 + 6 * DAY))))), [Updated, Moved], "still at risk");
    assert_eq!(w.emitted(|p| ops::update_backorder(p, expected(Change::Clear))), [Updated, Moved, Cleared]);
    let notes = update(BackorderUpdate { notes: Some(Change::Set("call first".into())), ..Default::default() });
    assert_eq!(w.emitted(|p| ops::update_backorder(p, notes)), [Updated]);
    let last = w.events.events.last().unwrap();
    assert_eq!((last.backorder_id.as_str(), last.sku.as_str(), last.status), (id.as_str(), "WIDGET-001", Status::Pending));
}

#[test]
fn updates_set_and_clear_fields_and_bump_the_version() {
    let mut w = World::new();
    let bo = w.create_with(NewBackorder { promised_date: Some(at(T0 + DAY)), location: Some("WH-1".into()), ..base() });
    let update = BackorderUpdate {
        backorder_id: bo.backorder_id.clone(),
        priority: Some(Priority::Critical),
        expected_date: Some(Change::Set(at(T0 + 5 * DAY))),
        promised_date: Some(Change::Clear),
        location: Some(Change::Clear),
        notes: Some(Change::Set("call first".into())),
        ..Default::default()
    };
    let updated = w.call(|p| ops::update_backorder(p, update.clone())).unwrap();
    assert_eq!(updated.priority, Priority::Critical);
    assert_eq!(updated.expected_date, Some(at(T0 + 5 * DAY)));
    assert_eq!(updated.promised_date, None);
    assert_eq!(updated.location, None);
    assert_eq!(updated.notes.as_deref(), Some("call first"));
    assert_eq!(updated.version, 2);
    let again = w.call(|p| ops::update_backorder(p, update)).unwrap();
    assert_eq!(again.version, 2, "the same values change nothing");
    let empty = BackorderUpdate { backorder_id: bo.backorder_id.clone(), ..Default::default() };
    assert_eq!(invalid_field(w.call(|p| ops::update_backorder(p, empty)).unwrap_err()), "request");
    assert_eq!(w.sku_summary("WIDGET-001").summary.totals.by_priority[Priority::Critical.index()], 1);
}

#[test]
fn summaries_count_open_backorders_only() {
    let mut w = World::new();
    w.inventory.add("A", None, 100);
    let a1 = w.create("A", 10, Priority::Critical).backorder_id;
    let _a2 = w.create_with(NewBackorder { sku: "A".into(), quantity: 5, promised_date: Some(at(T0 - DAY)), ..base() });
    let b1 = w.create_with(NewBackorder { sku: "B".into(), quantity: 7, expected_date: Some(at(T0 + 3 * DAY)), ..base() });
    w.allocate(&a1, 10).unwrap();
    w.cancel(&b1.backorder_id, None).unwrap();

    let s = w.summary();
    assert_eq!(s.totals.open_backorders, 2);
    assert_eq!(s.totals.units_remaining, 15);
    assert_eq!(s.totals.units_allocated, 10);
    assert_eq!(s.totals.by_status, [1, 0, 1, 0]);
    assert_eq!(s.totals.by_priority, [0, 1, 0, 1]);
    assert_eq!(s.overdue, 1);
    assert_eq!(s.oldest_open_created_at, Some(T0));

    let a = w.sku_summary("A");
    assert_eq!(a.summary.totals.open_backorders, 2);
    assert_eq!(a.earliest_promised_date, Some(at(T0 - DAY)));
    assert_eq!(a.summary.overdue, 1);
    let b = w.sku_summary("B");
    assert!(b.summary.totals.is_zero());
    assert_eq!(b.earliest_expected_date, None, "closed backorders have no dates in the summary");
    let unknown = w.sku_summary("NOPE");
    assert!(unknown.summary.totals.is_zero());
    assert_eq!(unknown.summary.oldest_open_created_at, None);
}

#[test]
fn overdue_counts_exactly_within_today() {
    let mut w = World::new();
    w.now = T0 + 12 * 3_600_000; // noon
    w.create_with(NewBackorder { promised_date: Some(at(T0 + 6 * 3_600_000)), ..base() }); // 06:00 today: overdue
    w.create_with(NewBackorder { promised_date: Some(at(T0 + 18 * 3_600_000)), ..base() }); // 18:00 today: not yet
    w.create_with(NewBackorder { expected_date: Some(at(T0 - 10 * DAY)), ..base() }); // no promise, expected long ago
    w.create_with(NewBackorder { expected_date: Some(at(T0 - 10 * DAY)), promised_date: Some(at(T0 + DAY)), ..base() }); // promise wins
    assert_eq!(w.summary().overdue, 2);
    assert_eq!(w.sku_summary("WIDGET-001").summary.overdue, 2);
    let page = w.list(ListRequest { overdue_only: true, ..Default::default() });
    assert_eq!(page.backorders.len(), 2);
    w.now = T0 + 2 * DAY;
    assert_eq!(w.summary().overdue, 4);
}

#[test]
fn lists_filter_and_page_with_a_cursor() {
    let mut w = World::new();
    for i in 0..25 {
        let priority = if i % 5 == 0 { Priority::High } else { Priority::Normal };
        let sku = if i % 2 == 0 { "EVEN" } else { "ODD" };
        w.create_with(NewBackorder { sku: sku.into(), priority: Some(priority), customer_id: format!("C-{}", i % 3), ..base() });
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = w.list(ListRequest { sku: Some("EVEN".into()), limit: Some(4), cursor: cursor.clone(), ..Default::default() });
        assert!(page.backorders.len() <= 4);
        seen.extend(page.backorders.iter().map(|b| b.backorder_id.clone()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 13);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages come in backorder-number order");

    let high_even = w.list(ListRequest { sku: Some("EVEN".into()), priority: Some(Priority::High), ..Default::default() });
    assert_eq!(high_even.backorders.len(), 3); // 0, 10, 20
    let c1 = w.list(ListRequest { customer_id: Some("C-1".into()), ..Default::default() });
    assert_eq!(c1.backorders.len(), 8);
    let exact = w.list(ListRequest { limit: Some(25), ..Default::default() });
    assert_eq!(exact.backorders.len(), 25);
    assert_eq!(exact.next_cursor, None, "a page that ends the list has no cursor");

    let cursor = w.list(ListRequest { sku: Some("EVEN".into()), limit: Some(2), ..Default::default() }).next_cursor.unwrap();
    let wrong = w.call(|p| ops::list_backorders(p, ListRequest { cursor: Some(cursor), ..Default::default() }));
    assert_eq!(invalid_field(wrong.unwrap_err()), "cursor");
    let garbage = w.call(|p| ops::list_backorders(p, ListRequest { cursor: Some("zz".into()), ..Default::default() }));
    assert_eq!(invalid_field(garbage.unwrap_err()), "cursor");
    for limit in [0, 501] {
        let bad = w.call(|p| ops::list_backorders(p, ListRequest { limit: Some(limit), ..Default::default() }));
        assert_eq!(invalid_field(bad.unwrap_err()), "limit");
    }
}

#[test]
fn bad_input_names_the_field_and_changes_nothing() {
    let mut w = World::new();
    let cases: Vec<(NewBackorder, &str)> = vec![
        (NewBackorder { quantity: 0, ..base() }, "quantity"),
        (NewBackorder { quantity: 2_000_000_000, ..base() }, "quantity"),
        (NewBackorder { sku: "".into(), ..base() }, "sku"),
        (NewBackorder { sku: "A B".into(), ..base() }, "sku"),
        (NewBackorder { sku: "X".repeat(65), ..base() }, "sku"),
        (NewBackorder { order_id: "".into(), ..base() }, "order_id"),
        (NewBackorder { customer_id: "C\u{0}".into(), ..base() }, "customer_id"),
        (NewBackorder { order_line_id: Some("".into()), ..base() }, "order_line_id"),
        (NewBackorder { notes: Some("n".repeat(2001)), ..base() }, "notes"),
        (NewBackorder { promised_date: Some(at(-1)), ..base() }, "promised_date"),
        (NewBackorder { expected_date: Some(at(i64::MAX)), ..base() }, "expected_date"),
        (NewBackorder { location: Some(" WH".into()), ..base() }, "location"),
    ];
    for (request, field) in cases {
        let before = w.store.entries.clone();
        let err = w.call(|p| ops::create_backorder(p, request)).unwrap_err();
        assert_eq!(invalid_field(err), field);
        assert_eq!(w.store.entries, before);
    }
    assert_eq!(invalid_field(w.call(|p| ops::get_backorder(p, "BO-1")).unwrap_err()), "backorder_id");
    assert_eq!(w.call(|p| ops::get_backorder(p, "BO-2026-0001")).unwrap_err(), DomainError::NotFound("BO-2026-0001".into()));
    let bo = w.create("SKU", 5, Priority::Normal).backorder_id;
    let no_ref = AllocationRequest { source: SourceKind::Production, ..alloc(&bo, 1) };
    assert_eq!(invalid_field(w.call(|p| ops::allocate_backorder(p, no_ref)).unwrap_err()), "source_ref");
    assert_eq!(invalid_field(w.call(|p| ops::get_sku_backorder_summary(p, "A B")).unwrap_err()), "sku");
}

#[test]
fn every_change_is_in_the_history_and_the_outbox() {
    let (mut w, bo) = stocked(10, 10);
    let al = w.allocate(&bo, 10).unwrap().allocation.allocation_id;
    w.call(|p| ops::confirm_allocation(p, change(&al))).unwrap();
    w.fulfill(&bo, 10).unwrap();
    let detail = w.get(&bo);
    let actions: Vec<_> = detail.history.iter().map(|h| h.action).collect();
    assert_eq!(
        actions,
        [HistoryAction::Created, HistoryAction::Allocated, HistoryAction::AllocationConfirmed, HistoryAction::Fulfilled]
    );
    assert_eq!(detail.history.last().unwrap().status, Status::Fulfilled);
    assert_eq!(detail.fulfillments.len(), 1);
    let kinds: Vec<_> = w.events.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::BackorderCreated, EventKind::AllocationCreated, EventKind::AllocationConfirmed, EventKind::BackorderFulfilled]
    );
}

#[test]
fn operations_touch_a_bounded_number_of_keys_whatever_the_store_holds() {
    let mut small = World::new();
    let mut big = World::new();
    for _ in 0..5 {
        small.create("SKU", 5, Priority::Normal);
        big.create("SKU", 5, Priority::Normal);
    }
    for i in 0..2000 {
        big.create(&format!("SKU-{}", i % 7), 5, Priority::Normal);
    }
    let measure = |w: &mut World| {
        w.store.calls = 0;
        w.summary();
        w.sku_summary("SKU");
        let bo = w.create("SKU", 5, Priority::Low).backorder_id;
        w.inventory.add("SKU", None, 5);
        w.call(|p| ops::allocate_backorder(p, AllocationRequest { override_priority: true, ..alloc(&bo, 5) })).unwrap();
        w.fulfill(&bo, 5).unwrap();
        w.store.calls
    };
    assert_eq!(measure(&mut small), measure(&mut big));
}

/// Sets the database's time zone.
fn set_zone(w: &mut World, zone: &str) -> Result<Settings, DomainError> {
    let request = SettingsUpdate { timezone: Some(zone.into()) };
    w.call(|p| ops::update_settings(p, request))
}

/// The overdue count as the summary, the SKU summary and the overdue list
/// each give it: they must agree.
fn overdue_everywhere(w: &mut World) -> u64 {
    let overall = w.summary().overdue;
    assert_eq!(w.sku_summary("WIDGET-001").summary.overdue, overall, "the SKU summary agrees");
    let listed = w.list(ListRequest { overdue_only: true, ..Default::default() }).backorders.len() as u64;
    assert_eq!(listed, overall, "the overdue list agrees");
    overall
}

#[test]
fn a_backorder_promised_for_today_is_not_overdue_today_in_utc() {
    let mut w = World::new();
    let today = (T0 / DAY) as i32;
    let bo = w.create_with(NewBackorder { promised_date: Some(DateOrTime::Date(today)), ..base() });
    assert_eq!(bo.promised_date, Some(DateOrTime::Date(today)), "a date stays a date");
    w.now = T0 + DAY - 1; // 23:59:59.999 of the promised day
    assert_eq!(overdue_everywhere(&mut w), 0);
    w.now = T0 + DAY; // the day has ended
    assert_eq!(overdue_everywhere(&mut w), 1);
}

#[test]
fn a_promised_day_is_the_whole_day_in_a_zone_west_of_utc() {
    let mut w = World::new();
    assert_eq!(set_zone(&mut w, "America/Los_Angeles").unwrap().timezone, "America/Los_Angeles");
    let day = (T0 / DAY) as i32; // 2026-11-26, which in Los Angeles (UTC-8) ends at 2026-11-27T08:00:00Z
    w.create_with(NewBackorder { promised_date: Some(DateOrTime::Date(day)), ..base() });
    // An exact instant keeps its meaning: overdue once passed.
    w.create_with(NewBackorder { promised_date: Some(at(T0 + DAY + 3_600_000)), ..base() });
    w.now = T0 + DAY; // midnight UTC: still the afternoon of the 26th in Los Angeles
    assert_eq!(overdue_everywhere(&mut w), 0);
    w.now = T0 + DAY + 8 * 3_600_000 - 1;
    assert_eq!(overdue_everywhere(&mut w), 1, "only the instant has passed");
    w.now = T0 + DAY + 8 * 3_600_000;
    assert_eq!(overdue_everywhere(&mut w), 2, "the day has ended in Los Angeles");
    // Back to UTC: the same day ended at midnight UTC; nothing stored changes.
    set_zone(&mut w, "UTC").unwrap();
    w.now = T0 + DAY;
    assert_eq!(overdue_everywhere(&mut w), 1);
    assert!(w.call(ops::check_integrity).unwrap().problems.is_empty());
}

#[test]
fn a_day_ends_at_local_midnight_across_a_dst_change() {
    let mut w = World::new();
    w.now = T0 - 40 * DAY; // before the change
    set_zone(&mut w, "Europe/Berlin").unwrap();
    // 2026-10-25 has 25 hours in Berlin: summer time ends at 03:00; the day
    // ends at 2026-10-25T23:00:00Z (UTC+1).
    let day = 20_751;
    w.create_with(NewBackorder { promised_date: Some(DateOrTime::Date(day)), ..base() });
    let end = i64::from(day) * DAY + 23 * 3_600_000;
    w.now = end - 1;
    assert_eq!(overdue_everywhere(&mut w), 0);
    w.now = end;
    assert_eq!(overdue_everywhere(&mut w), 1);
}

#[test]
fn at_risk_compares_days_in_the_zone_not_instants() {
    let mut w = World::new();
    set_zone(&mut w, "America/New_York").unwrap();
    let day = (T0 / DAY) as i32 + 2; // 2026-11-28
    // Expected at 2026-11-29T03:00:00Z: 22:00 on the 28th in New York.
    let same_day = at(i64::from(day) * DAY + DAY + 3 * 3_600_000);
    let bo = w.create_with(NewBackorder { promised_date: Some(DateOrTime::Date(day)), expected_date: Some(same_day), ..base() });
    assert!(!bo.at_risk, "expected on the promised day, in New York");
    set_zone(&mut w, "UTC").unwrap();
    let id = bo.backorder_id.clone();
    assert!(w.call(|p| ops::get_backorder(p, &id)).unwrap().backorder.at_risk, "in UTC the supply comes the day after");
}

#[test]
fn an_unknown_time_zone_is_refused_naming_the_field_and_changes_nothing() {
    let mut w = World::new();
    let before = w.store.entries.clone();
    let err = set_zone(&mut w, "Mars/Olympus_Mons").unwrap_err();
    assert!(matches!(&err, DomainError::InvalidInput { field, .. } if field == "timezone"), "{err:?}");
    assert_eq!(w.store.entries, before);
    let read = w.call(|p| ops::update_settings(p, SettingsUpdate::default())).unwrap();
    assert_eq!(read.timezone, "UTC", "the default zone");
}

/// A call asks the host for a zone's offset once per instant, however often
/// it judges that date: a cancel that releases allocations makes several
/// events, each with the backorder (and its `at_risk`), and a result.
#[test]
fn a_call_asks_for_each_instants_zone_offset_once() {
    let mut w = World::new();
    set_zone(&mut w, "America/Los_Angeles").unwrap();
    w.inventory.add("WIDGET-001", None, 100);
    let promised = at(T0 + 2 * DAY);
    let expected = at(T0 + 3 * DAY);
    let bo = w.create_with(NewBackorder { promised_date: Some(promised), expected_date: Some(expected), ..base() });
    w.call(|p| ops::allocate_backorder(p, alloc(&bo.backorder_id, 2))).unwrap();
    w.call(|p| ops::allocate_backorder(p, alloc(&bo.backorder_id, 3))).unwrap();
    let mut asked = Vec::new();
    let mut zones = |zone: &str, t: Timestamp| {
        asked.push(t);
        super::utc_offset(zone, t)
    };
    let request = CancelRequest { backorder_id: bo.backorder_id.clone(), ..Default::default() };
    let cancelled = crate::domain::call(&mut w.store, &mut w.inventory, &mut w.events, w.now, &mut zones, |p| ops::cancel_backorder(p, request)).unwrap();
    assert!(cancelled.backorder.at_risk, "promised before expected");
    assert_eq!(cancelled.released.len(), 2, "three events: the cancel and two releases");
    asked.sort();
    assert_eq!(asked, vec![promised.key(), expected.key()], "one question per instant");
}
