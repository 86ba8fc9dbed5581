//! Stock counts and corrections: a count below the reserved units releases
//! the least urgent reservations, and says who lost what.

use super::*;

fn count(sku: &str, location: Option<&str>, quantity: StockChange, reason: Option<&str>) -> StockAdjustmentRequest {
    StockAdjustmentRequest {
        sku: sku.into(),
        location: location.map(String::from),
        quantity,
        reason: reason.map(String::from),
        request_id: None,
    }
}

impl World {
    fn adjust(&mut self, request: StockAdjustmentRequest) -> Result<StockAdjustment, DomainError> {
        self.call(|p| ops::adjust_stock(p, request))
    }

    fn clean(&mut self) {
        assert_eq!(self.call(ops::check_integrity).unwrap().problems, Vec::new());
    }
}

/// (backorder, allocation, units) of each loss, in order.
fn losses(adjustment: &StockAdjustment) -> Vec<(String, String, u64)> {
    adjustment.released.iter().map(|l| (l.backorder_id.clone(), l.allocation_id.clone(), l.quantity)).collect()
}

#[test]
fn a_count_below_the_reserved_units_releases_the_least_urgent_first() {
    let mut w = World::new();
    w.inventory.add("SKU", None, 12);
    let promised = |days: i64| NewBackorder { sku: "SKU".into(), quantity: 3, promised_date: Some(at(T0 + days * DAY)), ..base() };
    let critical = w.create("SKU", 3, Priority::Critical).backorder_id;
    let soon = w.create_with(NewBackorder { priority: Some(Priority::Low), ..promised(5) }).backorder_id;
    let later = w.create_with(NewBackorder { priority: Some(Priority::Low), ..promised(9) }).backorder_id;
    let unpromised = w.create("SKU", 3, Priority::Low).backorder_id;
    for id in [&critical, &soon, &later, &unpromised] {
        w.allocate(id, 3).unwrap();
    }

    // 12 reserved, 4 counted: the unpromised low one goes first (no promise
    // is the latest), then the one promised later, then 2 of the sooner one.
    let result = w.adjust(count("SKU", None, StockChange::Set(4), Some("cycle count"))).unwrap();
    assert_eq!((result.on_hand_before, result.on_hand, result.reserved), (12, 4, 4));
    assert_eq!(
        losses(&result),
        vec![(unpromised.clone(), "AL-000004".into(), 3), (later.clone(), "AL-000003".into(), 3), (soon.clone(), "AL-000002".into(), 2)]
    );
    assert_eq!(result.released[2].status, Status::Pending);
    assert_eq!(w.inventory.on_hand[&("SKU".to_string(), String::new())], 4);
    assert_eq!(w.inventory.reserved("SKU", ""), 4);
    assert_eq!(w.get(&critical).backorder.quantity_allocated, 3);
    assert_eq!(w.get(&soon).backorder.quantity_allocated, 1);

    let detail = w.get(&soon);
    let line = detail.history.last().unwrap();
    assert_eq!(line.action, HistoryAction::AllocationReleased);
    assert_eq!(line.quantity, Some(2));
    assert!(line.detail.contains("cycle count"), "{}", line.detail);
    let released: Vec<_> = w.events.events.iter().filter(|e| e.kind == EventKind::AllocationReleased).collect();
    assert_eq!(released.len(), 3);
    w.clean();
}

#[test]
fn a_count_that_still_covers_the_reserved_units_releases_nothing() {
    let (mut w, bo) = stocked(10, 4);
    w.allocate(&bo, 4).unwrap();
    let result = w.adjust(count("SKU", None, StockChange::Adjust(-6), Some("damaged"))).unwrap();
    assert_eq!((result.on_hand_before, result.on_hand, result.reserved), (10, 4, 4));
    assert!(result.released.is_empty());
    let found = w.adjust(count("SKU", None, StockChange::Adjust(5), Some("found on another shelf"))).unwrap();
    assert_eq!(found.on_hand, 9);
    assert_eq!(w.get(&bo).backorder.status, Status::Allocated);
    w.clean();
}

#[test]
fn a_count_touches_only_its_location_and_never_claims() {
    let mut w = World::new();
    w.inventory.add("SKU", Some("WH-A"), 5);
    w.inventory.add("SKU", None, 5);
    let at_a = w.create_at("SKU", 5, Priority::Low, Some("WH-A"));
    let default = w.create_at("SKU", 5, Priority::Low, None);
    let claimed = w.create("SKU", 2, Priority::Low).backorder_id;
    w.allocate(&at_a, 5).unwrap();
    w.allocate(&default, 5).unwrap();
    let claim = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1".into()), ..alloc(&claimed, 2) };
    w.call(|p| ops::allocate_backorder(p, claim)).unwrap();

    let result = w.adjust(count("SKU", Some("WH-A"), StockChange::Set(0), None)).unwrap();
    assert_eq!(losses(&result), vec![(at_a.clone(), "AL-000001".into(), 5)]);
    assert_eq!(w.get(&default).backorder.quantity_allocated, 5);
    assert_eq!(w.get(&claimed).backorder.quantity_allocated, 2);
    w.clean();
}

#[test]
fn a_confirmed_allocation_loses_units_too_and_an_expired_hold_is_finalised_first() {
    let (mut w, bo) = stocked(6, 6);
    let expiring = AllocationRequest { expires_at: Some(T0 + DAY), ..alloc(&bo, 2) };
    w.call(|p| ops::allocate_backorder(p, expiring)).unwrap();
    let confirmed = w.allocate(&bo, 4).unwrap().allocation.allocation_id;
    w.call(|p| ops::confirm_allocation(p, change(&confirmed))).unwrap();
    w.now = T0 + 2 * DAY;

    // The expired hold gave its 2 back before the count: 4 reserved, 3 counted.
    let result = w.adjust(count("SKU", None, StockChange::Set(3), Some("count"))).unwrap();
    assert_eq!(losses(&result), vec![(bo.clone(), confirmed, 1)]);
    let backorder = w.get(&bo).backorder;
    assert_eq!((backorder.quantity_allocated, backorder.quantity_confirmed), (3, 3));
    w.clean();
}

#[test]
fn bad_stock_input_is_refused_and_changes_nothing() {
    let (mut w, bo) = stocked(5, 5);
    w.allocate(&bo, 5).unwrap();
    let before = (w.store.entries.clone(), w.inventory.on_hand.clone());
    let cases = [
        (count("A B", None, StockChange::Set(1), None), "sku"),
        (count("SKU", Some(""), StockChange::Set(1), None), "location"),
        (count("SKU", None, StockChange::Set(1_000_000_000_000_001), None), "quantity"),
        (count("SKU", None, StockChange::Adjust(0), Some("x")), "quantity"),
        (count("SKU", None, StockChange::Adjust(-6), Some("x")), "quantity"),
        (count("SKU", None, StockChange::Adjust(-1), None), "reason"),
        (count("SKU", None, StockChange::Adjust(-1), Some("  ")), "reason"),
        (count("SKU", None, StockChange::Set(1), Some("")), "reason"),
    ];
    for (request, field) in cases {
        assert_eq!(invalid_field(w.adjust(request).unwrap_err()), field);
    }
    assert_eq!((w.store.entries.clone(), w.inventory.on_hand.clone()), before);
}

#[test]
fn a_repeated_count_with_its_request_id_applies_once() {
    let (mut w, bo) = stocked(5, 5);
    w.allocate(&bo, 5).unwrap();
    let request = StockAdjustmentRequest { request_id: Some("count-1".into()), ..count("SKU", None, StockChange::Adjust(-2), Some("x")) };
    let first = w.adjust(request.clone()).unwrap();
    let again = w.adjust(request).unwrap();
    assert_eq!(first, again);
    assert_eq!(w.inventory.on_hand[&("SKU".to_string(), String::new())], 3);
}
