// One call, one transaction: previews change nothing, failures roll back.

mod common;
use backorders_host::*;
use common::*;

#[test]
fn a_preview_shows_the_result_and_leaves_the_file_byte_for_byte_unchanged() {
    let mut h = Harness::new();
    let (id, al) = h.allocated_backorder(50, 20, Priority::Normal, 5);
    let before = h.db_files();

    let preview = h.engine.create_backorder(&NewBackorder { sku: "SKU".into(), ..new_backorder() }, Mode::Preview).unwrap();
    assert!(!preview.applied);
    assert_eq!(preview.value.backorder_id, "BO-2026-0002");
    let allocated = h.engine.allocate_backorder(&allocation(&id, 5), Mode::Preview).unwrap();
    assert_eq!(allocated.value.backorder.quantity_allocated, 10);
    h.engine.fulfill_backorder(&fulfillment(&id, 20), Mode::Preview).unwrap();
    h.engine.cancel_backorder(&cancellation(&id, None), Mode::Preview).unwrap();
    h.engine.confirm_allocation(&change(&al), Mode::Preview).unwrap();
    h.engine.extend_allocation(&extension(&al, T0 + DAY), Mode::Preview).unwrap();
    h.engine.release_allocation(&change(&al), Mode::Preview).unwrap();
    h.engine.update_backorder(&BackorderUpdate { priority: Some(Priority::High), ..update(&id) }, Mode::Preview).unwrap();
    h.engine.stock_add("SKU", None, 5, Mode::Preview).unwrap();
    h.engine.stock_set("SKU", None, 500, Mode::Preview).unwrap();
    h.engine.allocate_available(&run("SKU", AllocationPolicy::StrictPriority), Mode::Preview).unwrap();
    h.engine.expire_allocations(&expiry(true), Mode::Preview).unwrap();

    assert_eq!(h.db_files(), before);
    assert_eq!(h.create("SKU", 1, Priority::Low).backorder_id, "BO-2026-0002", "the preview took no number");
}

#[test]
fn a_preview_on_a_missing_database_does_not_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let engine = backorders_sqlite::open(path.clone(), Options {  component: None, now: Some(T0) });
    let preview = engine.create_backorder(&new_backorder(), Mode::Preview).unwrap();
    assert_eq!(preview.value.backorder_id, "BO-2026-0001");
    assert!(!path.exists());
}

#[test]
fn a_call_that_fails_halfway_changes_nothing() {
    let mut h = Harness::new();
    let (id, al) = h.allocated_backorder(10, 30, Priority::Normal, 10);
    let detail = h.get(&id);
    let events = h.engine.events(100).unwrap().len();
    let before = h.db_files();
    // The fulfilment consumes the 10 reserved units, then finds no stock
    // for the other 5: the whole call must roll back.
    assert_eq!(h.fulfill(&id, 15).unwrap_err(), BackorderError::InsufficientStock(0));
    assert_eq!(h.db_files(), before);
    assert_eq!(h.get(&id), detail);
    let allocation = detail.allocations.iter().find(|a| a.allocation_id == al).unwrap();
    assert_eq!(allocation.quantity_consumed, 0);
    let stock = &h.engine.stock_show(Some("SKU")).unwrap()[0];
    assert_eq!((stock.on_hand, stock.reserved), (10, 10));
    assert_eq!(h.engine.events(100).unwrap().len(), events);
}

#[test]
fn committed_writes_survive_reopening_the_database() {
    let mut h = Harness::new();
    let id = h.create("SKU", 3, Priority::High).backorder_id;
    h.reopen();
    assert_eq!(h.backorder(&id).quantity_ordered, 3);
}
