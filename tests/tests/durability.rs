//! Crash safety and concurrent hosts: real processes on one SQLite file.

mod common;
use backorders_host::*;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const DRIVER: &str = env!("CARGO_BIN_EXE_driver");

fn open(db: &Path) -> Backorders {
    backorders_sqlite::open(db.to_path_buf(), Options {  component: None, now: Some(T0) })
}

/// Nothing derived disagrees with the records, in the guest or the host.
fn assert_clean(engine: &mut Backorders) {
    let report = engine.check_integrity().expect("check");
    assert_eq!(report.problems, [], "integrity problems");
    assert_eq!(engine.check_stock().expect("stock check"), Vec::<(String, String)>::new());
}

#[test]
fn killing_a_writer_at_random_points_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut created: BTreeMap<u64, String> = BTreeMap::new();
    let mut shipped: BTreeSet<u64> = BTreeSet::new();
    let mut stocked = 0u64;
    let mut next = 0u64;
    let mut seed = 0x5eed_u64;
    for _ in 0..20 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let delay = Duration::from_millis(400 + (seed >> 33) % 500);
        let mut child = Command::new(DRIVER)
            .args(["writes", db.to_str().unwrap(), &next.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the driver");
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL");
        let stdout = child.stdout.take().unwrap();
        child.wait().unwrap();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let parts: Vec<&str> = line.split(' ').collect();
            let n: u64 = parts[1].parse().unwrap();
            match parts[0] {
                "created" => {
                    created.insert(n, parts[2].to_string());
                }
                "stocked" => stocked += 1,
                "shipped" => {
                    shipped.insert(n);
                }
                other => panic!("unexpected driver line {other}"),
            }
            // A write cut off before its line was printed is retried with
            // the same request id by the next driver: the id makes it safe.
            next = next.max(n);
        }
    }
    assert!(created.len() >= 20, "the driver made progress: {} writes", created.len());

    let mut engine = open(&db);
    let all = every_backorder(&mut engine, "CRASH");
    let by_id: BTreeMap<&str, &Backorder> = all.iter().map(|b| (b.backorder_id.as_str(), b)).collect();
    for (n, id) in &created {
        let backorder = by_id.get(id.as_str()).unwrap_or_else(|| panic!("acknowledged create {n} ({id}) lost"));
        assert_eq!(backorder.order_id, format!("O-{n}"));
        if shipped.contains(n) {
            assert_eq!(backorder.status, BackorderStatus::Fulfilled, "acknowledged fulfilment {n} lost");
        }
    }
    let orders: BTreeSet<&str> = all.iter().map(|b| b.order_id.as_str()).collect();
    assert_eq!(orders.len(), all.len(), "a retried create made a second backorder");
    assert_clean(&mut engine);
    let on_hand = engine.stock_show(Some("CRASH")).unwrap().first().map_or(0, |s| s.on_hand);
    let fulfilled: u64 = all.iter().map(|b| b.quantity_fulfilled).sum();
    let added = on_hand + fulfilled;
    assert!(added >= 2 * stocked && added % 2 == 0, "units are conserved: {on_hand} on hand + {fulfilled} shipped");
}

/// Every backorder of a SKU, page by page.
fn every_backorder(engine: &mut Backorders, sku: &str) -> Vec<Backorder> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let request = ListRequest { sku: Some(sku.into()), limit: Some(500), cursor, ..list() };
        let page = engine.list_backorders(&request).unwrap();
        all.extend(page.backorders);
        cursor = page.next_cursor;
        if cursor.is_none() {
            return all;
        }
    }
}

#[test]
fn four_hosts_on_one_file_never_over_allocate_or_lose_an_update() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let backorders = 40u64;
    {
        let engine = open(&db);
        for i in 0..backorders {
            let priority = [Priority::Critical, Priority::High, Priority::Normal, Priority::Low][(i % 4) as usize];
            let request = NewBackorder { sku: "SCARCE".into(), quantity: 5, priority: Some(priority), ..new_backorder() };
            engine.create_backorder(&request, Mode::Apply).unwrap();
        }
        engine.stock_set("SCARCE", None, 100, Mode::Apply).unwrap();
    }
    let children: Vec<_> = (0..4)
        .map(|i| {
            Command::new(DRIVER)
                .args(["contend", db.to_str().unwrap(), &(1000 + i).to_string(), "60", &backorders.to_string()])
                .stdout(Stdio::piped())
                .spawn()
                .expect("start a host")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "a host failed: {text}");
        assert!(!text.contains("host-error"), "a host failure reached the user: {text}");
        assert!(text.ends_with("done\n"));
    }
    let mut engine = open(&db);
    assert_clean(&mut engine);
    let stock = &engine.stock_show(Some("SCARCE")).unwrap()[0];
    let all = every_backorder(&mut engine, "SCARCE");
    let fulfilled: u64 = all.iter().map(|b| b.quantity_fulfilled).sum();
    let allocated: u64 = all.iter().map(|b| b.quantity_allocated).sum();
    assert_eq!(stock.on_hand + fulfilled, 100, "every unit is on hand or shipped");
    assert_eq!(stock.reserved, allocated, "every reserved unit belongs to a live allocation");
    assert!(stock.reserved <= stock.on_hand);
    assert!(fulfilled > 0 && allocated + fulfilled > 0, "the hosts did real work");
}

#[test]
fn a_retried_write_with_the_same_request_id_applies_once() {
    let mut h = Harness::new();
    h.stock("WIDGET-001", 10);
    let create = NewBackorder { request_id: Some("order-77-line-1".into()), ..new_backorder() };
    let first = domain(h.engine.create_backorder(&create, Mode::Apply)).unwrap();
    let before = h.db_files();
    let again = domain(h.engine.create_backorder(&create, Mode::Apply)).unwrap();
    assert_eq!(again, first);
    let ship = FulfillmentRequest { request_id: Some("ship-1".into()), ..fulfillment(&first.backorder_id, 4) };
    let shipped = domain(h.engine.fulfill_backorder(&ship, Mode::Apply)).unwrap();
    assert_eq!(domain(h.engine.fulfill_backorder(&ship, Mode::Apply)).unwrap(), shipped);
    assert_eq!(h.backorder(&first.backorder_id).quantity_fulfilled, 4, "shipped once");
    assert_ne!(h.db_files(), before);
    let other = FulfillmentRequest { quantity: 5, ..ship };
    assert_eq!(field(domain(h.engine.fulfill_backorder(&other, Mode::Apply)).unwrap_err()), "request_id");
}

#[test]
fn a_stale_expected_version_gets_a_conflict() {
    let mut h = Harness::new();
    let id = h.create("SKU", 10, Priority::Normal).backorder_id;
    let raise = BackorderUpdate { priority: Some(Priority::High), expected_version: Some(1), ..update(&id) };
    domain(h.engine.update_backorder(&raise, Mode::Apply)).unwrap();
    let before = h.db_files();
    let stale = CancelRequest { expected_version: Some(1), ..cancellation(&id, None) };
    assert_eq!(domain(h.engine.cancel_backorder(&stale, Mode::Apply)).unwrap_err(), BackorderError::Conflict(2));
    assert_eq!(h.db_files(), before);
}
