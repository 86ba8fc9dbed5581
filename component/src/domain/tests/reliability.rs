//! Idempotent writes, optimistic concurrency and the integrity check.

use super::*;
use crate::domain::error::StorageError;
use crate::domain::keys;
use crate::domain::limits::REQUEST_ID_RETENTION_MS;
use crate::domain::ports::Inventory;

#[test]
fn a_repeated_request_id_returns_the_first_result_and_changes_nothing() {
    let mut w = World::new();
    let request = NewBackorder { request_id: Some("req-1".into()), ..base() };
    let first = w.call(|p| ops::create_backorder(p, request.clone())).unwrap();
    let store = w.store.entries.clone();
    w.now += 1000;
    let again = w.call(|p| ops::create_backorder(p, request.clone())).unwrap();
    assert_eq!(again, first);
    assert_eq!(w.store.entries, store);
    let other = NewBackorder { quantity: 11, ..request.clone() };
    let err = w.call(|p| ops::create_backorder(p, other)).unwrap_err();
    assert_eq!(invalid_field(err), "request_id");
    // The same id on another operation is refused too.
    let cancel = CancelRequest { backorder_id: first.backorder_id.clone(), request_id: Some("req-1".into()), ..Default::default() };
    assert_eq!(invalid_field(w.call(|p| ops::cancel_backorder(p, cancel)).unwrap_err()), "request_id");
    // After the retention period the id is forgotten.
    w.now += REQUEST_ID_RETENTION_MS;
    let later = w.call(|p| ops::create_backorder(p, request)).unwrap();
    assert_ne!(later.backorder_id, first.backorder_id);
}

#[test]
fn remembered_request_ids_are_forgotten_as_new_ones_come() {
    let mut w = World::new();
    for i in 0..20 {
        w.create_with(NewBackorder { request_id: Some(format!("old-{i}")), ..base() });
    }
    w.now += REQUEST_ID_RETENTION_MS + 1;
    for i in 0..3 {
        w.create_with(NewBackorder { request_id: Some(format!("new-{i}")), ..base() });
    }
    let (start, end) = keys::prefix_range(&[b"R"]);
    let remembered = w.store.entries.range(start..end).count();
    assert_eq!(remembered, 3, "each write forgets up to 8 expired ids: 20 - 8 - 8 - 4, plus the 3 new");
}

#[test]
fn a_stale_expected_version_is_a_conflict_and_changes_nothing() {
    let mut w = World::new();
    w.inventory.add("SKU", None, 10);
    let bo = w.create("SKU", 10, Priority::Normal);
    let update = BackorderUpdate { backorder_id: bo.backorder_id.clone(), priority: Some(Priority::High), expected_version: Some(1), ..Default::default() };
    assert_eq!(w.call(|p| ops::update_backorder(p, update.clone())).unwrap().version, 2);
    assert_eq!(w.call(|p| ops::update_backorder(p, update)).unwrap_err(), DomainError::Conflict(2));
    let stale = AllocationRequest { expected_version: Some(1), ..alloc(&bo.backorder_id, 5) };
    assert_eq!(w.call(|p| ops::allocate_backorder(p, stale)).unwrap_err(), DomainError::Conflict(2));
    let fresh = AllocationRequest { expected_version: Some(2), ..alloc(&bo.backorder_id, 5) };
    let al = w.call(|p| ops::allocate_backorder(p, fresh)).unwrap().allocation.allocation_id;
    let confirm = AllocationChange { expected_version: Some(2), ..change(&al) };
    assert_eq!(w.call(|p| ops::confirm_allocation(p, confirm)).unwrap_err(), DomainError::Conflict(3));
    let ship = FulfillmentRequest { expected_version: Some(9), ..ship(&bo.backorder_id, 1) };
    assert_eq!(w.call(|p| ops::fulfill_backorder(p, ship)).unwrap_err(), DomainError::Conflict(3));
    let cancel = CancelRequest { backorder_id: bo.backorder_id.clone(), expected_version: Some(3), ..Default::default() };
    assert!(w.call(|p| ops::cancel_backorder(p, cancel)).is_ok());
}

fn busy_world() -> World {
    let mut w = World::new();
    w.inventory.add("A", None, 30);
    w.inventory.add("B", Some("WH-2"), 10);
    let a1 = w.create("A", 10, Priority::Critical).backorder_id;
    let a2 = w.create_with(NewBackorder { sku: "A".into(), promised_date: Some(at(T0 + DAY)), ..base() }).backorder_id;
    let b1 = w.create_with(NewBackorder { sku: "B".into(), location: Some("WH-2".into()), expected_date: Some(at(T0 - DAY)), ..base() }).backorder_id;
    w.allocate(&a1, 10).unwrap();
    let al = w.call(|p| ops::allocate_backorder(p, AllocationRequest { expires_at: Some(T0 + DAY), ..alloc(&a2, 5) })).unwrap();
    w.call(|p| ops::confirm_allocation(p, change(&al.allocation.allocation_id))).unwrap();
    w.fulfill(&a2, 3).unwrap();
    let claim = AllocationRequest { source: SourceKind::PurchaseOrder, source_ref: Some("PO-1".into()), ..alloc(&b1, 4) };
    w.call(|p| ops::allocate_backorder(p, claim)).unwrap();
    w.cancel(&a1, Some(2)).unwrap();
    w
}

fn problems(w: &mut World) -> Vec<ProblemKind> {
    w.call(ops::check_integrity).unwrap().problems.into_iter().map(|p| p.kind).collect()
}

#[test]
fn the_integrity_check_is_clean_after_real_work() {
    let mut w = busy_world();
    let report = w.call(ops::check_integrity).unwrap();
    assert_eq!(report.problems, []);
    assert_eq!(report.backorders_checked, 3);
    assert_eq!(report.allocations_checked, 3);
    assert!(report.index_entries_checked > 20);
}

#[test]
fn the_integrity_check_finds_each_kind_of_damage() {
    let mut w = busy_world();
    let need = w.store.entries.keys().find(|k| k.starts_with(b"I\0need\0")).unwrap().clone();
    w.store.entries.remove(&need);
    assert_eq!(problems(&mut w), [ProblemKind::MissingIndexEntry]);

    let mut w = busy_world();
    w.store.entries.insert(keys::join(&[b"I", b"sku", b"A", b"20260000000099"]), crate::domain::stored::MARKER.to_vec());
    assert_eq!(problems(&mut w), [ProblemKind::StaleIndexEntry]);

    let mut w = busy_world();
    w.store.entries.insert(keys::total_stripe("A"), crate::domain::repo::encode(&Totals::default()));
    assert_eq!(problems(&mut w), [ProblemKind::TotalsMismatch]);

    let mut w = busy_world();
    w.inventory.reserve(&crate::domain::ports::ReservationRequest {
        sku: "A".into(),
        location: None,
        quantity: 1,
        holder: "nobody".into(),
        expires_at: None,
    })
    .unwrap();
    assert_eq!(problems(&mut w), [ProblemKind::ReservationMismatch]);
}

#[test]
fn every_value_the_component_writes_starts_with_its_format_version() {
    let mut w = busy_world();
    // Expected supply, a remembered request and a request-time entry too.
    let supply = SupplyExpectation { request_id: Some("req-supply".into()), ..expectation("A", 5, T0 + 2 * DAY, "PO-2") };
    w.call(|p| ops::expect_supply(p, supply)).unwrap();
    let kinds: std::collections::BTreeSet<u8> = w.store.entries.keys().map(|k| k[0]).collect();
    assert_eq!(kinds, b"ABEFGHIR".iter().copied().collect(), "every kind of key was written");
    // Backorder records, expected supply and remembered requests hold
    // promised or expected dates, allocations may be claimed: version 2
    // since issue 16.
    for (key, value) in &w.store.entries {
        let newer = [&b"B\0"[..], b"E\0", b"R\0", b"A\0"].iter().any(|tag| key.starts_with(tag));
        let version = if newer { 2 } else { crate::domain::stored::V1 };
        assert_eq!(value.first(), Some(&version), "{key:?} -> {value:?}");
    }
}

#[test]
fn a_value_in_a_newer_format_is_refused_not_guessed() {
    let mut w = World::new();
    let bo = w.create("SKU", 10, Priority::Normal).backorder_id;
    let key = w.store.entries.keys().find(|k| k.starts_with(b"B\0")).unwrap().clone();
    w.store.entries.get_mut(&key).unwrap()[0] = 3;
    let err = w.call(|p| ops::get_backorder(p, &bo)).unwrap_err();
    let expected = StorageError::UnknownFormat { value: "backorder".into(), version: 3, newest: 2 };
    assert_eq!(err, DomainError::Storage(expected));
}

/// `w` as an older build left it: the overall totals and due-day counters
/// unstriped (`G`, `GD` day), the last numbers in counter keys.
fn as_older_store(mut w: World) -> World {
    use crate::domain::repo::{decode, encode};
    let entries = &mut w.store.entries;
    let take = |entries: &mut std::collections::BTreeMap<Vec<u8>, Vec<u8>>, (start, end): (Vec<u8>, Vec<u8>)| {
        let keys: Vec<Vec<u8>> = entries.range(start..end).map(|(key, _)| key.clone()).collect();
        keys.into_iter().map(|key| { let value = entries.remove(&key).unwrap(); (key, value) }).collect::<Vec<_>>()
    };
    let mut overall = Totals::default();
    for (_, value) in take(entries, keys::total_stripes()) {
        overall.add(&decode("totals", &value).unwrap());
    }
    entries.insert(keys::totals(), encode(&overall));
    let mut due = std::collections::BTreeMap::new();
    for (key, value) in take(entries, keys::due_stripes()) {
        let day = keys::time_from_part(keys::parts(&key).next().unwrap()).unwrap();
        *due.entry(day).or_insert(0u64) += decode::<u64>("due-day counter", &value).unwrap();
    }
    for (day, count) in due {
        entries.insert(keys::due_bucket(day), encode(&count));
    }
    for (sequence, last) in std::mem::take(&mut w.store.sequences) {
        let key = match sequence.strip_prefix("bo-") {
            Some(year) => keys::backorder_counter(year.parse().unwrap()),
            None => keys::allocation_counter(),
        };
        w.store.entries.insert(key, encode(&last));
    }
    w
}

#[test]
fn an_older_stores_counters_are_striped_by_its_first_write_and_its_numbers_go_on() {
    let mut twin = busy_world();
    let mut w = as_older_store(busy_world());
    assert!(w.store.entries.contains_key(&keys::due_bucket(crate::domain::time::day(T0 - DAY))), "an overdue day bucket");
    assert_eq!(problems(&mut w), [], "the older layout checks clean as it is");
    for w in [&mut w, &mut twin] {
        assert_eq!(w.summary().overdue, 1);
    }
    assert_eq!(w.summary(), twin.summary(), "read as it is, before any write");

    // The first write moves the counters into stripes and takes the
    // number after the counter's; an allocation's number goes on too.
    let mut made = Vec::new();
    for w in [&mut w, &mut twin] {
        let created = w.create_with(NewBackorder { sku: "C".into(), promised_date: Some(at(T0 - 2 * DAY)), ..base() });
        w.inventory.add("C", None, 1);
        let allocation = w.allocate(&created.backorder_id, 1).unwrap().allocation.allocation_id;
        made.push((created.backorder_id, allocation));
    }
    assert_eq!(made[0], made[1], "the same numbers as a store that never had counter keys");
    let kinds: std::collections::BTreeSet<&[u8]> = w.store.entries.keys().map(|k| k.split(|b| *b == keys::SEP).next().unwrap()).collect();
    assert!(!kinds.contains(&b"Q"[..]) && !kinds.contains(&b"GD"[..]) && !w.store.entries.contains_key(&keys::totals()), "{kinds:?}");
    assert_eq!(problems(&mut w), []);
    assert_eq!(w.summary(), twin.summary());
    assert_eq!(w.summary().overdue, 2);
    assert_eq!(w.store.entries, twin.store.entries, "the same store as one that was striped all along");
}
