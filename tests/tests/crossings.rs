//! What a call costs at the sandbox's boundary, counted by the host: every
//! call the real component makes to an import (store, inventory, events,
//! clock) is a crossing, and a round trip where the store is a server. A
//! create must cross at most 5 times (6 with a request id: the scan for
//! expired request ids); the others are held where they are,
//! so that a change that adds crossings shows here.

mod common;
use backorders_host::*;
use common::*;

fn crossings_of<T>(h: &Harness, call: impl FnOnce(&Backorders) -> T) -> u64 {
    h.engine.take_last_call_stats();
    call(&h.engine);
    h.engine.last_call_stats().expect("a call of the component").crossings
}

#[test]
fn a_create_crosses_the_boundary_at_most_five_times_and_each_operation_as_counted() {
    let mut h = Harness::new();
    h.stock("SKU", 100);
    let plain = crossings_of(&h, |engine| engine.create_backorder(&new_backorder(), Mode::Apply).unwrap());
    let with_request_id = crossings_of(&h, |engine| {
        let request = NewBackorder { request_id: Some("req-1".into()), ..new_backorder() };
        engine.create_backorder(&request, Mode::Apply).unwrap()
    });
    assert!(plain <= 5 && with_request_id <= 6, "create {plain}, with a request id {with_request_id}");
    let id = h.create("SKU", 10, Priority::Normal).backorder_id;
    let counted = [
        ("get", crossings_of(&h, |engine| engine.get_backorder(&id).map(drop).unwrap())),
        ("list", crossings_of(&h, |engine| engine.list_backorders(&list()).map(drop).unwrap())),
        ("allocate", crossings_of(&h, |engine| engine.allocate_backorder(&allocation(&id, 4), Mode::Apply).map(drop).unwrap())),
        ("fulfil", crossings_of(&h, |engine| engine.fulfill_backorder(&fulfillment(&id, 2), Mode::Apply).map(drop).unwrap())),
        ("summary", crossings_of(&h, |engine| engine.backorder_summary().map(drop).unwrap())),
        ("sku summary", crossings_of(&h, |engine| engine.sku_summary("SKU").map(drop).unwrap())),
    ];
    println!("create {plain}, create with a request id {with_request_id}, {counted:?}");
    // Since issue 12 a create takes its number with `next-number`: one
    // crossing more than before (4 and 5), none more on PostgreSQL, where
    // numbers come from a leased block (tests/tests/postgres.rs).
    assert_eq!((plain, with_request_id), (5, 6));
    assert_eq!(
        counted,
        [("get", 6), ("list", 3), ("allocate", 10), ("fulfil", 9), ("summary", 7), ("sku summary", 8)],
        "the crossings per operation changed: update the counts here and in the README if that was meant"
    );
}
