// Bad input gets its specific error, naming the field and the rule, and
// changes nothing.

mod common;
use backorders_host::*;
use common::*;

fn invalid(field_name: &str) -> impl Fn(&BackorderError) -> bool + '_ {
    move |e| matches!(e, BackorderError::InvalidInput(f) if f.field == field_name && !f.message.is_empty())
}

fn state(status: &str) -> impl Fn(&BackorderError) -> bool + '_ {
    move |e| matches!(e, BackorderError::InvalidState(s) if names::record_status(s.status).1 == status)
}

#[test]
fn each_bad_input_gets_its_own_error_and_the_database_is_unchanged() {
    let mut h = Harness::new();
    let (open, al) = h.allocated_backorder(5, 10, Priority::Normal, 5);
    let shipped = h.create("DONE", 1, Priority::Normal).backorder_id;
    let claim = AllocationRequest { source: SourceKind::Transfer, source_ref: Some("TR-1".into()), ..allocation(&shipped, 1) };
    domain(h.engine.allocate_backorder(&claim, Mode::Apply)).unwrap();
    let ship = FulfillmentRequest { source: SourceKind::Transfer, source_ref: Some("TR-1".into()), ..fulfillment(&shipped, 1) };
    domain(h.engine.fulfill_backorder(&ship, Mode::Apply)).unwrap();
    let cancelled = h.create("SKU", 2, Priority::Low).backorder_id;
    h.cancel(&cancelled, None).unwrap();
    let before = h.db_files();

    type Check = Box<dyn Fn(&BackorderError) -> bool>;
    let create = |h: &mut Harness, r: NewBackorder| domain(h.engine.create_backorder(&r, Mode::Apply)).map(|_| ());
    let mut cases: Vec<(&str, Result<(), BackorderError>, Check)> = Vec::new();
    let mut add = |name, result, check: Check| cases.push((name, result, check));

    add("zero quantity", create(&mut h, NewBackorder { quantity: 0, ..new_backorder() }), Box::new(invalid("quantity")));
    add("overflowing quantity", create(&mut h, NewBackorder { quantity: u64::MAX, ..new_backorder() }), Box::new(invalid("quantity")));
    add("empty sku", create(&mut h, NewBackorder { sku: "".into(), ..new_backorder() }), Box::new(invalid("sku")));
    add("whitespace sku", create(&mut h, NewBackorder { sku: "A B".into(), ..new_backorder() }), Box::new(invalid("sku")));
    add("overlong sku", create(&mut h, NewBackorder { sku: "S".repeat(65), ..new_backorder() }), Box::new(invalid("sku")));
    add("non-printable sku", create(&mut h, NewBackorder { sku: "A\u{1b}B".into(), ..new_backorder() }), Box::new(invalid("sku")));
    add("empty order", create(&mut h, NewBackorder { order_id: "".into(), ..new_backorder() }), Box::new(invalid("order_id")));
    add("padded customer", create(&mut h, NewBackorder { customer_id: " C".into(), ..new_backorder() }), Box::new(invalid("customer_id")));
    add("empty order line", create(&mut h, NewBackorder { order_line_id: Some("".into()), ..new_backorder() }), Box::new(invalid("order_line_id")));
    add("notes over the limit", create(&mut h, NewBackorder { notes: Some("n".repeat(2001)), ..new_backorder() }), Box::new(invalid("notes")));
    add("date before 1970", create(&mut h, NewBackorder { promised_date: Some(DateOrTime::Time(-DAY)), ..new_backorder() }), Box::new(invalid("promised_date")));
    add("date after 9999", create(&mut h, NewBackorder { expected_date: Some(DateOrTime::Time(i64::MAX)), ..new_backorder() }), Box::new(invalid("expected_date")));
    add("malformed id", read(h.engine.get_backorder("BO-26-1")).map(|_| ()), Box::new(invalid("backorder_id")));
    add("non-canonical id", read(h.engine.get_backorder("BO-2026-00001")).map(|_| ()), Box::new(invalid("backorder_id")));
    add("unknown id", read(h.engine.get_backorder("BO-2026-0999")).map(|_| ()), Box::new(|e| *e == BackorderError::NotFound("BO-2026-0999".into())));
    add("allocate zero", h.allocate(&open, 0).map(|_| ()), Box::new(invalid("quantity")));
    add("allocate beyond need", h.allocate(&open, 6).map(|_| ()), Box::new(invalid("quantity")));
    let po = AllocationRequest { source: SourceKind::PurchaseOrder, ..allocation(&open, 1) };
    add("claim without reference", domain(h.engine.allocate_backorder(&po, Mode::Apply)).map(|_| ()), Box::new(invalid("source_ref")));
    let past = AllocationRequest { expires_at: Some(T0 - 1), ..allocation(&open, 1) };
    add("expiry in the past", domain(h.engine.allocate_backorder(&past, Mode::Apply)).map(|_| ()), Box::new(invalid("expires_at")));
    add("allocate beyond stock", h.allocate(&open, 5).map(|_| ()), Box::new(|e| *e == BackorderError::InsufficientStock(0)));
    add("fulfil zero", h.fulfill(&open, 0).map(|_| ()), Box::new(invalid("quantity")));
    add("fulfil beyond remaining", h.fulfill(&open, 11).map(|_| ()), Box::new(invalid("quantity")));
    add("cancel beyond remaining", h.cancel(&open, Some(11)).map(|_| ()), Box::new(invalid("quantity")));
    add("fulfil a fulfilled backorder", h.fulfill(&shipped, 1).map(|_| ()), Box::new(state("fulfilled")));
    add("cancel a fulfilled backorder", h.cancel(&shipped, None).map(|_| ()), Box::new(state("fulfilled")));
    add("allocate a cancelled backorder", h.allocate(&cancelled, 1).map(|_| ()), Box::new(state("cancelled")));
    add("cancel a cancelled backorder", h.cancel(&cancelled, None).map(|_| ()), Box::new(state("cancelled")));
    let raise = BackorderUpdate { priority: Some(Priority::High), ..update(&cancelled) };
    add("update a cancelled backorder", domain(h.engine.update_backorder(&raise, Mode::Apply)).map(|_| ()), Box::new(state("cancelled")));
    add("update nothing", domain(h.engine.update_backorder(&update(&open), Mode::Apply)).map(|_| ()), Box::new(invalid("request")));
    add("malformed allocation id", domain(h.engine.confirm_allocation(&change("AL-1"), Mode::Apply)).map(|_| ()), Box::new(invalid("allocation_id")));
    add("unknown allocation", domain(h.engine.release_allocation(&change("AL-000999"), Mode::Apply)).map(|_| ()), Box::new(|e| *e == BackorderError::NotFound("AL-000999".into())));
    add("extend into the past", domain(h.engine.extend_allocation(&extension(&al, T0), Mode::Apply)).map(|_| ()), Box::new(invalid("expires_at")));
    add("page size zero", read(h.engine.list_backorders(&ListRequest { limit: Some(0), ..list() })).map(|_| ()), Box::new(invalid("limit")));
    add("page size over 500", read(h.engine.list_backorders(&ListRequest { limit: Some(501), ..list() })).map(|_| ()), Box::new(invalid("limit")));
    add("forged cursor", read(h.engine.list_backorders(&ListRequest { cursor: Some("all.zz".into()), ..list() })).map(|_| ()), Box::new(invalid("cursor")));
    add("malformed sku summary", read(h.engine.sku_summary("A B")).map(|_| ()), Box::new(invalid("sku")));
    let stock_source = SupplyExpectation {
        sku: "SKU".into(),
        quantity: 5,
        expected_at: DateOrTime::Time(T0 + DAY),
        source: SourceKind::Inventory,
        source_ref: "X".into(),
        location: None,
        request_id: None,
    };
    add("expected supply from stock", domain(h.engine.expect_supply(&stock_source, Mode::Apply)).map(|_| ()), Box::new(invalid("source")));
    let run_past = AllocationRunRequest { expires_at: Some(T0), ..run("SKU", AllocationPolicy::Fifo) };
    add("run expiring in the past", domain(h.engine.allocate_available(&run_past, Mode::Apply)).map(|_| ()), Box::new(invalid("expires_at")));

    assert!(cases.len() >= 20);
    for (name, result, check) in &cases {
        let error = result.as_ref().expect_err(name);
        assert!(check(error), "{name}: unexpected {error:?}");
    }
    assert_eq!(h.db_files(), before, "no bad input changed the database");
}
