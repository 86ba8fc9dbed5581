//! `create-backorders`: a result per item, a refused item changes nothing,
//! `all_or_nothing` fails the whole call, more than 1,000 items refused.

use super::*;

fn items(n: usize) -> Vec<NewBackorder> {
    (0..n).map(|i| NewBackorder { sku: format!("S{}", i % 3), quantity: 1 + i as u64, ..base() }).collect()
}

fn count(w: &mut World) -> u64 {
    w.summary().totals.open_backorders
}

#[test]
fn each_item_gets_its_result_and_a_refused_one_changes_nothing() {
    let mut w = World::new();
    let mut request = items(4);
    request[1].quantity = 0;
    request[3].request_id = Some("R-1".into());
    let events = w.events.events.len();
    let results = w.call(|p| ops::create_backorders(p, request.clone(), false)).unwrap();
    assert_eq!(results.len(), 4);
    assert!(matches!(&results[1], Err(DomainError::InvalidInput { field, .. }) if field == "quantity"));
    let created: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(created.len(), 3);
    assert_eq!(count(&mut w), 3);
    assert_eq!(w.events.events.len() - events, 3, "one event per created backorder, none for the refused");
    assert!(w.call(ops::check_integrity).unwrap().problems.is_empty());

    // The item with the request id again: its first result, nothing new.
    let again = w.call(|p| ops::create_backorders(p, vec![request[3].clone()], false)).unwrap();
    assert_eq!(again[0].as_ref().unwrap().backorder_id, results[3].as_ref().unwrap().backorder_id);
    assert_eq!(count(&mut w), 3);
}

#[test]
fn all_or_nothing_fails_the_call_at_the_first_refusal() {
    let mut w = World::new();
    let mut request = items(3);
    request[2].sku = "has space".into();
    let error = w.call(|p| ops::create_backorders(p, request, true)).unwrap_err();
    assert!(matches!(error, DomainError::InvalidInput { ref field, .. } if field == "sku"), "{error:?}");
    assert_eq!(count(&mut w), 0);
    assert!(w.events.events.is_empty());
}

#[test]
fn more_than_a_thousand_items_are_refused() {
    let mut w = World::new();
    let error = w.call(|p| ops::create_backorders(p, items(1001), false)).unwrap_err();
    assert!(matches!(error, DomainError::InvalidInput { ref field, .. } if field == "items"), "{error:?}");
    assert_eq!(count(&mut w), 0);
    assert_eq!(w.call(|p| ops::create_backorders(p, items(1000), false)).unwrap().len(), 1000);
    assert_eq!(count(&mut w), 1000);
}

#[test]
fn a_bulk_create_leaves_the_same_store_as_one_create_per_item() {
    let mut request = items(12);
    request[2].request_id = Some("R-2".into());
    request[5].quantity = 0;
    request[7].promised_date = Some(DateOrTime::Date((T0 / 86_400_000) as i32 + 3));
    request[8].sku = "S1".into();
    // The same request again: its first result, nothing created.
    request[9] = request[2].clone();
    request[10].notes = Some("by hand".into());
    let mut one_by_one = World::new();
    for item in &request {
        let _ = one_by_one.call(|p| ops::create_backorder(p, item.clone()));
    }
    let mut bulk = World::new();
    let results = bulk.call(|p| ops::create_backorders(p, request, false)).unwrap();
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1, "only the item of quantity 0 is refused");
    assert_eq!(results[9].as_ref().unwrap().backorder_id, results[2].as_ref().unwrap().backorder_id);
    assert_eq!(bulk.store.entries, one_by_one.store.entries);
    assert_eq!(bulk.store.sequences, one_by_one.store.sequences);
    assert_eq!(format!("{:?}", bulk.events.events), format!("{:?}", one_by_one.events.events));
}
