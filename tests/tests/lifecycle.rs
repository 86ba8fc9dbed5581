// Every operation and every status transition, through the real host.

mod common;
use backorders_host::*;
use common::*;

#[test]
fn the_seed_example_ends_partially_fulfilled_with_the_same_number() {
    let mut h = Harness::new();
    let bo = h.create("WIDGET-001", 100, Priority::Normal);
    assert_eq!(bo.backorder_id, "BO-2026-0001");
    h.stock("WIDGET-001", 60);
    let shipped = h.fulfill(&bo.backorder_id, 60).unwrap();
    assert_eq!(shipped.backorder.backorder_id, bo.backorder_id);
    assert_eq!(shipped.backorder.status, BackorderStatus::PartiallyFulfilled);
    assert_eq!(shipped.backorder.quantity_fulfilled, 60);
    assert_eq!(shipped.backorder.quantity_remaining, 40);
    let stock = h.engine.stock_show(Some("WIDGET-001")).unwrap();
    assert_eq!(stock[0].on_hand, 0);
}

#[test]
fn a_backorder_walks_every_status_and_back() {
    let mut h = Harness::new();
    h.stock("SKU", 100);
    let id = h.create("SKU", 10, Priority::Normal).backorder_id;
    assert_eq!(h.status(&id), BackorderStatus::Pending);
    let first = h.allocate(&id, 4).unwrap();
    assert_eq!(first.backorder.status, BackorderStatus::Pending, "4 of 10 do not cover it");
    let second = h.allocate(&id, 6).unwrap();
    assert_eq!(second.backorder.status, BackorderStatus::Allocated);
    // Back: releasing an allocation returns it to pending.
    let released = domain(h.engine.release_allocation(&change(&second.allocation.allocation_id), Mode::Apply)).unwrap();
    assert_eq!(released.backorder.status, BackorderStatus::Pending);
    assert_eq!(released.allocation.status, AllocationStatus::Released);
    let again = h.allocate(&id, 6).unwrap();
    for allocation in [&first.allocation, &again.allocation] {
        domain(h.engine.confirm_allocation(&change(&allocation.allocation_id), Mode::Apply)).unwrap();
    }
    assert_eq!(h.status(&id), BackorderStatus::ReadyToShip);
    let partial = h.fulfill(&id, 3).unwrap();
    assert_eq!(partial.backorder.status, BackorderStatus::ReadyToShip);
    assert_eq!(partial.fulfillment.quantity_from_allocations, 3);
    domain(h.engine.release_allocation(&change(&again.allocation.allocation_id), Mode::Apply)).unwrap();
    assert_eq!(h.status(&id), BackorderStatus::PartiallyFulfilled);
    let done = h.fulfill(&id, 7).unwrap();
    assert_eq!(done.backorder.status, BackorderStatus::Fulfilled);
    assert_eq!(done.backorder.quantity_allocated, 0);
    let stock = &h.engine.stock_show(Some("SKU")).unwrap()[0];
    assert_eq!((stock.on_hand, stock.reserved), (90, 0));

    let other = h.create("SKU", 5, Priority::Normal).backorder_id;
    assert_eq!(h.cancel(&other, None).unwrap().backorder.status, BackorderStatus::Cancelled);
}

#[test]
fn get_backorder_shows_allocations_fulfillments_and_history() {
    let mut h = Harness::new();
    let (id, al) = h.allocated_backorder(10, 10, Priority::High, 10);
    h.at(T0 + 1000);
    h.fulfill(&id, 4).unwrap();
    let detail = h.get(&id);
    assert_eq!(detail.allocations.len(), 1);
    assert_eq!(detail.allocations[0].allocation_id, al);
    assert_eq!(detail.allocations[0].quantity_consumed, 4);
    assert_eq!(detail.fulfillments.len(), 1);
    assert_eq!(detail.fulfillments[0].fulfilled_at, T0 + 1000);
    let actions: Vec<_> = detail.history.iter().map(|e| e.action).collect();
    assert_eq!(actions, [HistoryAction::Created, HistoryAction::Allocated, HistoryAction::Fulfilled]);
    assert_eq!(detail.backorder.version, 3);
}

#[test]
fn the_priority_guard_refuses_and_the_override_is_recorded() {
    let mut h = Harness::new();
    h.stock("SKU", 100);
    let low = h.create("SKU", 10, Priority::Low).backorder_id;
    let critical = h.create("SKU", 10, Priority::Critical).backorder_id;
    assert_eq!(h.allocate(&low, 5).unwrap_err(), BackorderError::PriorityConflict(critical.clone()));
    assert_eq!(h.fulfill(&low, 5).unwrap_err(), BackorderError::PriorityConflict(critical.clone()));
    let forced = AllocationRequest { override_priority: true, ..allocation(&low, 5) };
    domain(h.engine.allocate_backorder(&forced, Mode::Apply)).unwrap();
    let last = h.get(&low).history.pop().unwrap();
    assert!(last.priority_override);
    assert!(last.detail.contains(&critical));
}

#[test]
fn updates_set_and_clear_planning_fields() {
    let mut h = Harness::new();
    let id = h.create_with(NewBackorder { promised_date: Some(DateOrTime::Time(T0 + DAY)), notes: Some("fragile".into()), ..new_backorder() }).backorder_id;
    let change = BackorderUpdate {
        priority: Some(Priority::Critical),
        expected_date: Some(DateChange::Set(DateOrTime::Time(T0 + 3 * DAY))),
        promised_date: Some(DateChange::Clear),
        location: Some(TextChange::Set("WH-2".into())),
        notes: Some(TextChange::Clear),
        ..update(&id)
    };
    let updated = domain(h.engine.update_backorder(&change, Mode::Apply)).unwrap();
    assert_eq!(updated.priority, Priority::Critical);
    assert_eq!(updated.expected_date, Some(DateOrTime::Time(T0 + 3 * DAY)));
    assert_eq!(updated.promised_date, None);
    assert_eq!(updated.location.as_deref(), Some("WH-2"));
    assert_eq!(updated.notes, None);
    assert_eq!(updated.version, 2);
}

#[test]
fn partial_cancel_releases_only_what_is_no_longer_needed() {
    let mut h = Harness::new();
    h.stock("SKU", 100);
    let id = h.create("SKU", 100, Priority::Normal).backorder_id;
    h.allocate(&id, 100).unwrap();
    let cancelled = h.cancel(&id, Some(10)).unwrap();
    assert_eq!(cancelled.backorder.quantity_allocated, 90);
    assert_eq!(cancelled.backorder.status, BackorderStatus::Allocated);
    assert_eq!(cancelled.released[0].quantity_released, 10);
    assert_eq!(h.engine.stock_show(Some("SKU")).unwrap()[0].reserved, 90);
    let rest = h.cancel(&id, None).unwrap();
    assert_eq!(rest.backorder.status, BackorderStatus::Cancelled);
    assert_eq!(h.engine.stock_show(Some("SKU")).unwrap()[0].reserved, 0);
}

#[test]
fn claims_on_incoming_supply_ship_without_touching_stock() {
    let mut h = Harness::new();
    let id = h.create("SKU", 10, Priority::Normal).backorder_id;
    let claim = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1042".into()), ..allocation(&id, 10) };
    let claimed = domain(h.engine.allocate_backorder(&claim, Mode::Apply)).unwrap();
    assert_eq!(claimed.allocation.reservation_id, None);
    assert_eq!(claimed.backorder.status, BackorderStatus::Allocated);
    let ship = FulfillmentRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1042".into()), ..fulfillment(&id, 10) };
    let shipped = domain(h.engine.fulfill_backorder(&ship, Mode::Apply)).unwrap();
    assert_eq!(shipped.backorder.status, BackorderStatus::Fulfilled);
    assert!(h.engine.stock_show(None).unwrap().is_empty());
}

#[test]
fn extend_moves_the_expiry_of_the_reservation_too() {
    let mut h = Harness::new();
    h.stock("SKU", 10);
    let id = h.create("SKU", 10, Priority::Normal).backorder_id;
    let request = AllocationRequest { expires_at: Some(T0 + DAY), ..allocation(&id, 10) };
    let al = domain(h.engine.allocate_backorder(&request, Mode::Apply)).unwrap().allocation.allocation_id;
    let extended = domain(h.engine.extend_allocation(&extension(&al, T0 + 5 * DAY), Mode::Apply)).unwrap();
    assert_eq!(extended.allocation.expires_at, Some(T0 + 5 * DAY));
    assert_eq!(h.get(&id).history.last().unwrap().action, HistoryAction::AllocationExtended);
}

#[test]
fn summaries_count_open_backorders_and_overdue_ones() {
    let mut h = Harness::new();
    h.stock("A", 10);
    let a = h.create("A", 10, Priority::Critical).backorder_id;
    h.create_with(NewBackorder { sku: "A".into(), quantity: 5, promised_date: Some(DateOrTime::Time(T0 - DAY)), ..new_backorder() });
    let b = h.create_with(NewBackorder { sku: "B".into(), quantity: 7, expected_date: Some(DateOrTime::Time(T0 + 2 * DAY)), ..new_backorder() });
    h.allocate(&a, 10).unwrap();
    let summary = h.engine.backorder_summary().unwrap();
    assert_eq!(summary.open_backorders, 3);
    assert_eq!(summary.units_remaining, 22);
    assert_eq!(summary.units_allocated, 10);
    assert_eq!(summary.by_status.allocated, 1);
    assert_eq!(summary.by_status.pending, 2);
    assert_eq!(summary.by_priority.critical, 1);
    assert_eq!(summary.overdue, 1);
    let sku_b = h.engine.sku_summary("B").unwrap();
    assert_eq!(sku_b.earliest_expected_date, Some(DateOrTime::Time(T0 + 2 * DAY)));
    h.cancel(&b.backorder_id, None).unwrap();
    let sku_b = h.engine.sku_summary("B").unwrap();
    assert_eq!((sku_b.summary.open_backorders, sku_b.summary.units_remaining, sku_b.earliest_expected_date), (0, 0, None));
    let unknown = h.engine.sku_summary("NEVER-SEEN").unwrap();
    assert_eq!(unknown.summary.open_backorders, 0);
    h.at(T0 + 3 * DAY);
    assert_eq!(h.engine.backorder_summary().unwrap().overdue, 1, "the cancelled one no longer counts");
}

#[test]
fn lists_filter_and_page_through_every_match() {
    let mut h = Harness::new();
    for i in 0..30u64 {
        let sku = if i % 3 == 0 { "THREE" } else { "OTHER" };
        let priority = if i % 2 == 0 { Priority::High } else { Priority::Low };
        h.create_with(NewBackorder { sku: sku.into(), priority: Some(priority), customer_id: format!("C-{}", i % 4), ..new_backorder() });
    }
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let page = h.engine.list_backorders(&ListRequest { sku: Some("THREE".into()), limit: Some(3), cursor, ..list() }).unwrap();
        ids.extend(page.backorders.into_iter().map(|b| b.backorder_id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(ids.len(), 10);
    let high = h.engine.list_backorders(&ListRequest { priority: Some(Priority::High), limit: Some(500), ..list() }).unwrap();
    assert_eq!(high.backorders.len(), 15);
    let customer = h.engine.list_backorders(&ListRequest { customer_id: Some("C-1".into()), ..list() }).unwrap();
    assert!(customer.backorders.iter().all(|b| b.customer_id == "C-1"));
    assert_eq!(customer.backorders.len(), 8);
    let pending = h.engine.list_backorders(&ListRequest { status: Some(BackorderStatus::Pending), ..list() }).unwrap();
    assert_eq!(pending.backorders.len(), 30);
}

#[test]
fn every_change_lands_in_the_event_outbox() {
    let mut h = Harness::new();
    let (id, al) = h.allocated_backorder(10, 10, Priority::Normal, 10);
    domain(h.engine.confirm_allocation(&change(&al), Mode::Apply)).unwrap();
    h.fulfill(&id, 10).unwrap();
    let kinds: Vec<_> = h.engine.events(50).unwrap().into_iter().map(|e| e.event.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::BackorderCreated, EventKind::AllocationCreated, EventKind::AllocationConfirmed, EventKind::BackorderFulfilled]
    );
}
