// The allocation engine through the real host: priority order, policies,
// claims, expiry and expected supply.

mod common;
use backorders_host::*;
use common::*;

fn served(run: &AllocationRun) -> Vec<(String, u64)> {
    run.lines.iter().filter(|l| l.allocated > 0).map(|l| (l.backorder_id.clone(), l.allocated)).collect()
}

fn allocate_available(h: &mut Harness, request: AllocationRunRequest) -> AllocationRun {
    domain(h.engine.allocate_available(&request, Mode::Apply)).unwrap()
}

/// A backorder of 10 `SKU` at `priority`, promised by `promised_date`:
/// its id.
fn promised(h: &mut Harness, priority: Priority, promised_date: Option<Timestamp>) -> String {
    let promised_date = promised_date.map(DateOrTime::Time);
    let request = NewBackorder { sku: "SKU".into(), priority: Some(priority), promised_date, ..new_backorder() };
    h.create_with(request).backorder_id
}

/// `quantity` units of purchase order `po` arrive in stock and are
/// allocated, the order's claims first.
fn receive_purchase_order(h: &mut Harness, po: &str, quantity: u64) -> AllocationRun {
    h.stock("SKU", quantity);
    let receipt = AllocationRunRequest {
        source: SourceKind::PurchaseOrder,
        source_ref: Some(po.into()),
        received: Some(quantity),
        ..run("SKU", AllocationPolicy::StrictPriority)
    };
    allocate_available(h, receipt)
}

#[test]
fn critical_is_served_before_high_before_normal_before_low() {
    let mut h = Harness::new();
    let [low, normal, high, critical] =
        h.create_each([(10, Priority::Low), (10, Priority::Normal), (10, Priority::High), (10, Priority::Critical)]);
    h.stock("SKU", 35);
    let result = allocate_available(&mut h, run("SKU", AllocationPolicy::StrictPriority));
    assert_eq!(served(&result), [(critical.clone(), 10), (high, 10), (normal, 10), (low.clone(), 5)]);
    assert_eq!(result.lines.last().unwrap().shortfall, Some(Shortfall::SupplyExhausted));
    assert_eq!(h.status(&critical), BackorderStatus::Allocated);
    assert_eq!(h.backorder(&low).quantity_allocated, 5);
    assert_eq!(h.engine.stock_show(Some("SKU")).unwrap()[0].reserved, 35);
}

#[test]
fn promised_date_breaks_ties_within_a_priority() {
    let mut h = Harness::new();
    let unpromised = promised(&mut h, Priority::Normal, None);
    let later = promised(&mut h, Priority::Normal, Some(T0 + 9 * DAY));
    let sooner = promised(&mut h, Priority::Normal, Some(T0 + 2 * DAY));
    h.stock("SKU", 25);
    let result = allocate_available(&mut h, run("SKU", AllocationPolicy::StrictPriority));
    assert_eq!(served(&result), [(sooner, 10), (later, 10), (unpromised, 5)]);
}

#[test]
fn partial_supply_stops_at_the_first_backorder_it_cannot_fill() {
    let mut h = Harness::new();
    let ids: Vec<_> = (0..6).map(|_| h.create("SKU", 10, Priority::Normal).backorder_id).collect();
    h.stock("SKU", 25);
    let result = allocate_available(&mut h, run("SKU", AllocationPolicy::StrictPriority));
    assert_eq!(result.lines.len(), 3);
    assert_eq!(served(&result), [(ids[0].clone(), 10), (ids[1].clone(), 10), (ids[2].clone(), 5)]);
    assert_eq!(h.status(&ids[3]), BackorderStatus::Pending);
}

#[test]
fn fair_share_splits_the_short_tier_as_documented() {
    let mut h = Harness::new();
    let [critical, a, b, c, _] =
        h.create_each([(2, Priority::Critical), (6, Priority::High), (4, Priority::High), (5, Priority::High), (5, Priority::Normal)]);
    h.stock("SKU", 12);
    let result = allocate_available(&mut h, run("SKU", AllocationPolicy::FairShare));
    assert_eq!(served(&result), [(critical, 2), (a, 5), (b, 2), (c, 3)]);
}

#[test]
fn receiving_a_purchase_order_serves_its_claims_first() {
    let mut h = Harness::new();
    let critical = h.create("SKU", 10, Priority::Critical).backorder_id;
    let claimant = h.create("SKU", 8, Priority::Low).backorder_id;
    let claim = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1042".into()), ..allocation(&claimant, 8) };
    domain(h.engine.allocate_backorder(&claim, Mode::Apply)).unwrap();
    let result = receive_purchase_order(&mut h, "PO-1042", 12);
    assert!(result.lines[0].from_claim);
    assert_eq!(served(&result), [(claimant.clone(), 8), (critical, 4)]);
    assert!(h.get(&claimant).allocations[0].reservation_id.is_some());
    assert_eq!(h.fulfill(&claimant, 8).unwrap().backorder.status, BackorderStatus::Fulfilled);
}

#[test]
fn expiry_frees_units_and_offers_them_to_the_next_in_line() {
    let mut h = Harness::new();
    let holder = h.create("SKU", 10, Priority::Low).backorder_id;
    h.stock("SKU", 10);
    let request = AllocationRequest { expires_at: Some(T0 + DAY), ..allocation(&holder, 10) };
    domain(h.engine.allocate_backorder(&request, Mode::Apply)).unwrap();
    let waiting = h.create("SKU", 10, Priority::High).backorder_id;
    h.at(T0 + DAY + 1);
    let result = domain(h.engine.expire_allocations(&expiry(true), Mode::Apply)).unwrap();
    assert_eq!(result.expired.len(), 1);
    assert_eq!(result.expired[0].status, AllocationStatus::Expired);
    assert_eq!(served(&result.runs[0]), [(waiting.clone(), 10)]);
    assert_eq!(h.status(&holder), BackorderStatus::Pending);
    assert_eq!(h.status(&waiting), BackorderStatus::Allocated);
    let kinds: Vec<_> = h.engine.events(100).unwrap().into_iter().map(|e| e.event.kind).collect();
    assert!(kinds.contains(&EventKind::AllocationExpired));
}

/// `quantity` units of `SKU` expected on purchase order PO-7 in a week.
fn po_7(quantity: u64) -> SupplyExpectation {
    SupplyExpectation {
        sku: "SKU".into(),
        quantity,
        expected_at: DateOrTime::Time(T0 + 7 * DAY),
        source: SourceKind::PurchaseOrder,
        source_ref: "PO-7".into(),
        location: None,
        request_id: None,
    }
}

#[test]
fn expected_supply_sets_dates_and_flags_promises_at_risk() {
    let mut h = Harness::new();
    let critical = promised(&mut h, Priority::Critical, Some(T0 + 2 * DAY));
    let normal = promised(&mut h, Priority::Normal, Some(T0 + 30 * DAY));
    let expectation = po_7(20);
    let plan = domain(h.engine.expect_supply(&expectation, Mode::Apply)).unwrap();
    let lines: Vec<_> = plan.lines.iter().map(|l| (l.backorder_id.clone(), l.at_risk)).collect();
    assert_eq!(lines, [(critical.clone(), true), (normal.clone(), false)]);
    let flagged = h.backorder(&critical);
    assert_eq!((flagged.expected_date, flagged.promised_date, flagged.at_risk), (Some(DateOrTime::Time(T0 + 7 * DAY)), Some(DateOrTime::Time(T0 + 2 * DAY)), true));
    assert_eq!(h.engine.list_expected_supply(Some("SKU")).unwrap().len(), 1);
    receive_purchase_order(&mut h, "PO-7", 20);
    assert!(h.engine.list_expected_supply(None).unwrap().is_empty(), "receiving consumed the expectation");
}

#[test]
fn the_outbox_says_when_an_expected_date_moves_and_a_promise_falls_at_risk_or_out_of_it() {
    let mut h = Harness::new();
    let id = promised(&mut h, Priority::Normal, Some(T0 + 2 * DAY));
    let seen = h.engine.events(100).unwrap().len();
    let expectation = po_7(10);
    domain(h.engine.expect_supply(&expectation, Mode::Apply)).unwrap();
    let keep = BackorderUpdate { promised_date: Some(DateChange::Set(DateOrTime::Time(T0 + 8 * DAY))), ..update(&id) };
    domain(h.engine.update_backorder(&keep, Mode::Apply)).unwrap();
    let moved = BackorderUpdate { expected_date: Some(DateChange::Set(DateOrTime::Time(T0 + 9 * DAY))), ..update(&id) };
    domain(h.engine.update_backorder(&moved, Mode::Apply)).unwrap();
    let events: Vec<_> = h.engine.events(100).unwrap().into_iter().skip(seen).map(|e| e.event).collect();
    assert!(events.iter().all(|e| e.backorder_id == id && e.sku == "SKU"));
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    use EventKind::*;
    assert_eq!(
        kinds,
        [
            BackorderUpdated, BackorderExpectedDateChanged, BackorderAtRiskSet, // the supply comes after the promise
            BackorderUpdated, BackorderAtRiskCleared, // the promise moved past it
            BackorderUpdated, BackorderExpectedDateChanged, BackorderAtRiskSet, // and the date moved past the promise
        ]
    );
}

/// Store operations an allocation run of 10 units makes on a SKU with
/// `open` open backorders of 1 unit each.
fn run_cost(open: usize) -> (u64, AllocationRun) {
    let mut h = Harness::new();
    for i in 0..open {
        let priority = [Priority::Critical, Priority::High, Priority::Normal, Priority::Low][i % 4];
        h.create("SKU", 1, priority);
    }
    h.stock("SKU", 10);
    let before = h.engine.store_operations();
    let run = allocate_available(&mut h, run("SKU", AllocationPolicy::StrictPriority));
    (h.engine.store_operations() - before, run)
}

#[test]
fn a_run_over_100_000_open_backorders_touches_only_what_it_serves() {
    let (small, small_run) = run_cost(40);
    let (big, big_run) = run_cost(100_000);
    assert_eq!(small_run.allocated, 10);
    assert_eq!(big_run.allocated, 10);
    assert_eq!(big_run.lines.len(), 10, "ten backorders served, none walked past");
    assert_eq!(big, small, "the run's store traffic does not grow with the open backorders of the SKU");
    assert!(big < 40 * 10, "about ten backorders' worth of reads and writes, got {big}");
}

/// `receive` adds its units inside the component's call, so a retry with
/// the same request id (a client that lost the answer) adds nothing and
/// returns the first run.
#[test]
fn a_receipt_retried_with_its_request_id_adds_its_units_once() {
    let mut h = Harness::new();
    let id = h.create("SKU", 5, Priority::High).backorder_id;
    let receipt = AllocationRunRequest { request_id: Some("rcv-1".into()), ..run("SKU", AllocationPolicy::StrictPriority) };
    let first = domain(h.engine.receive(3, &receipt, Mode::Apply)).unwrap();
    let again = domain(h.engine.receive(3, &receipt, Mode::Apply)).unwrap();
    assert_eq!(again, AllocationRun { unserved: None, ..first.clone() }, "the first run, without who still waits");
    let level = h.engine.stock_show(Some("SKU")).unwrap().remove(0);
    assert_eq!((level.on_hand, level.reserved), (3, 3), "added once");
    assert_eq!(h.backorder(&id).quantity_allocated, 3);
}
