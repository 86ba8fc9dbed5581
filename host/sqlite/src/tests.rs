//! The reference provider on its own, without the component.

use super::schema::{APPLICATION_ID, SCHEMA_VERSION};
use super::SqliteConnection;
use backorders_host::{BackorderStatus, Event, EventKind};
use backorders_host::HostError;
use backorders_host::provider::{
    Access, EventSink, Inventory, KeyValue, NewReservation, StockAdmin, StockError, StockLevel,
    Transactional,
};
use backorders_host::{Backorders, Mode, Options};

const SKU: &str = "WIDGET-001";
const CREATED_AT: i64 = 1_796_083_200_000;

fn set_on_hand(provider: &mut SqliteConnection, location: Option<&str>, on_hand: u64) {
    let level = StockLevel {
        sku: SKU.into(),
        location: location.map(str::to_owned),
        on_hand,
        reserved: 0,
    };
    provider.write_on_hand(&level).unwrap();
}

fn stocked(on_hand: u64) -> SqliteConnection {
    let mut provider = SqliteConnection::in_memory().unwrap();
    set_on_hand(&mut provider, None, on_hand);
    provider
}

fn reservation(quantity: u64) -> NewReservation {
    NewReservation {
        sku: SKU.into(),
        location: None,
        quantity,
        holder: "AL-000001".into(),
        expires_at: None,
        created_at: CREATED_AT,
    }
}

/// `on_hand` units, `quantity` of them held by one reservation, and its id.
fn holding(on_hand: u64, quantity: u64) -> (SqliteConnection, String) {
    let mut provider = stocked(on_hand);
    let id = provider.reserve(&reservation(quantity)).unwrap();
    (provider, id)
}

/// What an operation on reservation `id` gets once it has ended, or never was.
fn unknown(id: &str) -> Result<(), StockError> {
    Err(StockError::UnknownReservation { id: id.into() })
}

fn on_hand_and_reserved(provider: &mut SqliteConnection) -> (u64, u64) {
    let level = provider.stock_level(SKU, None).unwrap();
    (level.on_hand, level.reserved)
}

#[test]
fn reserving_lowers_available_but_not_on_hand() {
    let (mut provider, _) = holding(100, 30);
    assert_eq!(provider.available(SKU, None), Ok(70));
    assert_eq!(on_hand_and_reserved(&mut provider), (100, 30));
}

#[test]
fn reserving_more_than_available_reports_what_is_available() {
    let (mut provider, _) = holding(50, 20);
    assert_eq!(
        provider.reserve(&reservation(31)),
        Err(StockError::InsufficientStock { available: 30 })
    );
    assert_eq!(on_hand_and_reserved(&mut provider), (50, 20));
}

#[test]
fn an_unstocked_sku_has_nothing_available() {
    let mut provider = SqliteConnection::in_memory().unwrap();
    assert_eq!(provider.available("NEVER-STOCKED", None), Ok(0));
    assert_eq!(
        provider.reserve(&reservation(1)),
        Err(StockError::InsufficientStock { available: 0 })
    );
}

#[test]
fn locations_keep_separate_stock() {
    let mut provider = stocked(10);
    set_on_hand(&mut provider, Some("EAST"), 4);
    assert_eq!(provider.available(SKU, None), Ok(10));
    assert_eq!(provider.available(SKU, Some("EAST")), Ok(4));
    let east = NewReservation {
        location: Some("EAST".into()),
        ..reservation(5)
    };
    assert_eq!(
        provider.reserve(&east),
        Err(StockError::InsufficientStock { available: 4 })
    );
}

#[test]
fn consuming_ships_reserved_units_and_ends_an_emptied_reservation() {
    let (mut provider, id) = holding(100, 30);
    provider.consume(&id, 10).unwrap();
    assert_eq!(on_hand_and_reserved(&mut provider), (90, 20));
    assert_eq!(provider.available(SKU, None), Ok(70));
    provider.consume(&id, 20).unwrap();
    assert_eq!(on_hand_and_reserved(&mut provider), (70, 0));
    assert_eq!(provider.consume(&id, 1), unknown(&id));
}

#[test]
fn consuming_beyond_the_reservation_reports_what_it_holds() {
    let (mut provider, id) = holding(100, 30);
    assert_eq!(
        provider.consume(&id, 31),
        Err(StockError::ExceedsReservation { held: 30 })
    );
    assert_eq!(on_hand_and_reserved(&mut provider), (100, 30));
}

#[test]
fn issuing_ships_only_unreserved_units() {
    let (mut provider, _) = holding(100, 60);
    assert_eq!(
        provider.issue(SKU, None, 41),
        Err(StockError::InsufficientStock { available: 40 })
    );
    provider.issue(SKU, None, 40).unwrap();
    assert_eq!(on_hand_and_reserved(&mut provider), (60, 60));
    assert_eq!(provider.available(SKU, None), Ok(0));
}

#[test]
fn releasing_gives_back_what_the_reservation_still_holds() {
    let (mut provider, id) = holding(100, 30);
    provider.consume(&id, 10).unwrap();
    provider.release(&id, None).unwrap();
    assert_eq!(on_hand_and_reserved(&mut provider), (90, 0));
    assert_eq!(provider.available(SKU, None), Ok(90));
    assert_eq!(provider.release(&id, None), unknown(&id));
}

#[test]
fn releasing_part_of_a_reservation_keeps_the_rest_held() {
    let (mut provider, id) = holding(100, 30);
    assert_eq!(
        provider.release(&id, Some(31)),
        Err(StockError::ExceedsReservation { held: 30 })
    );
    provider.release(&id, Some(10)).unwrap();
    assert_eq!(on_hand_and_reserved(&mut provider), (100, 20));
    provider.release(&id, Some(20)).unwrap();
    assert_eq!(provider.extend(&id, None), unknown(&id));
}

#[test]
fn extending_keeps_the_reservation_and_its_units() {
    let mut provider = stocked(100);
    let id = provider
        .reserve(&NewReservation {
            expires_at: Some(CREATED_AT + 1),
            ..reservation(30)
        })
        .unwrap();
    provider.extend(&id, Some(CREATED_AT + 86_400_000)).unwrap();
    provider.extend(&id, None).unwrap();
    assert_eq!(on_hand_and_reserved(&mut provider), (100, 30));
}

#[test]
fn reservation_ids_are_never_reused_and_aliases_are_unknown() {
    let mut provider = stocked(100);
    let first = provider.reserve(&reservation(10)).unwrap();
    provider.release(&first, None).unwrap();
    let second = provider.reserve(&reservation(10)).unwrap();
    assert_ne!(first, second);
    for alias in ["RS-01", "RS-+1", "RS-", "rs-1", "1"] {
        assert_eq!(provider.consume(alias, 1), unknown(alias), "{alias}");
    }
}

/// The stock rules live in the host above the provider; through a handle
/// over a real file they hold on SQLite.
fn stocked_file(on_hand: u64) -> (tempfile::TempDir, Backorders) {
    let dir = tempfile::tempdir().unwrap();
    let backorders = crate::open(dir.path().join("stock.db"), Options::default());
    backorders.stock_set(SKU, None, on_hand, Mode::Apply).unwrap();
    (dir, backorders)
}

#[test]
fn stock_cannot_be_set_below_what_is_reserved() {
    let (_dir, backorders) = stocked_file(100);
    let create = backorders_host::NewBackorder::new("O-1", "C-1", SKU, 30);
    let created = backorders.create_backorder(&create, Mode::Apply).unwrap().value;
    let allocate = backorders_host::AllocationRequest::from_stock(&created.backorder_id, 30);
    backorders.allocate_backorder(&allocate, Mode::Apply).unwrap();
    match backorders.stock_set(SKU, None, 29, Mode::Apply) {
        Err(backorders_host::CallError::Host(HostError::StockBelowReserved {
            on_hand: 29,
            reserved: 30,
            ..
        })) => {}
        other => panic!("expected StockBelowReserved, got {other:?}"),
    }
    assert_eq!(backorders.stock_add(SKU, None, 5, Mode::Apply).unwrap().value.on_hand, 105);
}

#[test]
fn scans_walk_keys_in_unsigned_byte_order_shorter_first() {
    let mut provider = SqliteConnection::in_memory().unwrap();
    let keys: [&[u8]; 6] = [b"b", b"a\xff", b"a", b"a\x00", b"a\x7f", b"\x80"];
    for key in keys {
        provider.set(key, b"v").unwrap();
    }
    let scanned: Vec<Vec<u8>> = provider
        .scan(b"a", b"b", 10)
        .unwrap()
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    assert_eq!(
        scanned,
        vec![
            b"a".to_vec(),
            b"a\x00".to_vec(),
            b"a\x7f".to_vec(),
            b"a\xff".to_vec()
        ]
    );
    let limited = provider.scan(b"", b"\xff", 2).unwrap();
    assert_eq!(limited.len(), 2);
    assert_eq!(provider.scan(b"b", b"a", 10).unwrap(), vec![]);
}

#[test]
fn set_replaces_and_delete_tolerates_absent_keys() {
    let mut provider = SqliteConnection::in_memory().unwrap();
    provider.set(b"k", b"one").unwrap();
    provider.set(b"k", b"two").unwrap();
    assert_eq!(provider.get(b"k").unwrap(), Some(b"two".to_vec()));
    assert_eq!(
        provider
            .get_many(&[b"k".to_vec(), b"absent".to_vec()])
            .unwrap(),
        vec![Some(b"two".to_vec()), None]
    );
    provider.delete(b"k").unwrap();
    provider.delete(b"k").unwrap();
    assert_eq!(provider.get(b"k").unwrap(), None);
}

#[test]
fn a_rolled_back_transaction_leaves_no_trace() {
    let mut provider = stocked(100);
    provider.begin(Access::Write).unwrap();
    provider.set(b"k", b"v").unwrap();
    provider.reserve(&reservation(30)).unwrap();
    let event = Event {
        kind: EventKind::BackorderCreated,
        at: CREATED_AT,
        backorder_id: "BO-2026-0001".into(),
        sku: SKU.into(),
        allocation_id: None,
        quantity: Some(30),
        status: BackorderStatus::Pending,
        backorder: None,
    };
    provider.append(&event, CREATED_AT).unwrap();
    provider.rollback().unwrap();
    assert_eq!(provider.get(b"k").unwrap(), None);
    assert_eq!(on_hand_and_reserved(&mut provider), (100, 0));
    assert!(provider.recent_events(10).unwrap().is_empty());
}

#[test]
fn events_read_back_newest_last() {
    let mut provider = SqliteConnection::in_memory().unwrap();
    for quantity in 1..=3 {
        let event = Event {
            kind: EventKind::AllocationCreated,
            at: CREATED_AT + quantity as i64,
            backorder_id: "BO-2026-0001".into(),
            sku: SKU.into(),
            allocation_id: Some(format!("AL-00000{quantity}")),
            quantity: Some(quantity),
            status: BackorderStatus::Allocated,
            backorder: None,
        };
        provider.append(&event, CREATED_AT).unwrap();
    }
    let last_two = provider.recent_events(2).unwrap();
    let quantities: Vec<_> = last_two
        .iter()
        .map(|stored| stored.event.quantity)
        .collect();
    assert_eq!(quantities, vec![Some(2), Some(3)]);
    assert!(last_two[0].seq < last_two[1].seq);
}

/// A path named `name` in a directory of its own, which lives as long as
/// the `TempDir`.
fn temp_file(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

/// A SQLite file made by something else: `sql` run on a new database.
fn sqlite_file(name: &str, sql: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path) = temp_file(name);
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch(sql).unwrap();
    drop(other);
    (dir, path)
}

#[test]
fn reopening_a_database_does_not_change_its_file() {
    let (_dir, path) = temp_file("backorders.db");
    drop(SqliteConnection::open(&path, true).unwrap());
    let before = std::fs::read(&path).unwrap();
    let mut provider = SqliteConnection::open(&path, false).unwrap();
    provider.stock_levels(None, 10).unwrap();
    drop(provider);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn opening_without_create_does_not_create_the_file() {
    let (_dir, path) = temp_file("absent.db");
    assert!(matches!(
        SqliteConnection::open(&path, false),
        Err(HostError::OpenDatabase { .. })
    ));
    assert!(!path.exists());
}

#[test]
fn a_foreign_sqlite_file_is_refused_untouched() {
    let (_dir, path) = sqlite_file("other.db", "CREATE TABLE customers (id INTEGER PRIMARY KEY)");
    let before = std::fs::read(&path).unwrap();
    match SqliteConnection::open(&path, true) {
        Err(HostError::ForeignDatabase {
            application_id: 0, ..
        }) => {}
        other => panic!("expected ForeignDatabase, got {:?}", other.err()),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let (_dir, path) = temp_file("notes.db");
    std::fs::write(
        &path,
        "this is not a database, just some text that is long enough",
    )
    .unwrap();
    assert!(matches!(
        SqliteConnection::open(&path, true),
        Err(HostError::OpenDatabase { .. })
    ));
}

#[test]
fn a_newer_schema_version_is_refused() {
    let newer = format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
        SCHEMA_VERSION + 1
    );
    let (_dir, path) = sqlite_file("newer.db", &newer);
    match SqliteConnection::open(&path, true) {
        Err(HostError::UnsupportedSchema {
            found, supported, ..
        }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected UnsupportedSchema, got {:?}", other.err()),
    }
}

#[test]
fn the_reservations_of_a_stock_row_are_read_through_the_index() {
    let provider = SqliteConnection::in_memory().unwrap();
    let plan: Vec<String> = provider
        .connection
        .prepare(&format!("EXPLAIN QUERY PLAN {}", super::inventory::RESERVATIONS_OF_STOCK))
        .unwrap()
        .query_map(("W", ""), |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        plan,
        vec!["SEARCH reservations USING INDEX reservations_by_stock (sku=? AND location=?)".to_owned()],
        "no scan of the whole table, no sort"
    );
}

/// Schema 6 numbers events without AUTOINCREMENT: an event never takes a
/// number given before, neither after a prune removed the newest ones nor
/// after the upgrade of a schema 5 file whose newest events were pruned
/// (their numbers then lived only in `sqlite_sequence`).
#[test]
fn event_numbers_are_never_given_twice_across_prunes_and_the_upgrade_to_schema_6() {
    use super::schema::{CREATE_TABLES, DELIVERY_TABLES, SCHEMA_4, SCHEMA_5};
    use backorders_host::provider::deliveries::Deliveries;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema-5.db");
    let file = rusqlite::Connection::open(&path).unwrap();
    file.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; {CREATE_TABLES} {DELIVERY_TABLES} {SCHEMA_4} {SCHEMA_5}
         PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 5;"
    ))
    .unwrap();
    for at in 1..=3 {
        file.execute(
            "INSERT INTO events (at, kind, backorder_id, sku, status, created_at)
             VALUES (?1, 'backorder.created', 'BO-2026-0001', 'SKU', 'pending', ?1)",
            [at],
        )
        .unwrap();
    }
    file.execute("DELETE FROM events WHERE seq = 3", []).unwrap();
    drop(file);
    let highest = |path: &std::path::Path| -> i64 {
        rusqlite::Connection::open(path).unwrap().query_row("SELECT max(seq) FROM events", [], |row| row.get(0)).unwrap()
    };

    let backorders = crate::open(path.clone(), Options::default());
    let create = |order: &str| {
        let request = backorders_host::NewBackorder::new(order, "C-1", SKU, 1);
        backorders.create_backorder(&request, Mode::Apply).unwrap();
    };
    create("O-1");
    assert_eq!(highest(&path), 4, "past the number the schema 5 file gave and pruned");
    let version: i32 = rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let autoincrement: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM sqlite_sequence WHERE name = 'events'", [], |row| row.get(0))
        .unwrap();
    assert_eq!(autoincrement, 0, "no counter row for events to write any more");

    // A prune of every event keeps the numbering.
    let mut deliveries = SqliteConnection::open(&path, false).unwrap();
    let pruned = deliveries.prune_events(i64::MAX, true).unwrap();
    assert_eq!(pruned.events, 3);
    create("O-2");
    assert_eq!(highest(&path), 5);
    let count: i64 = rusqlite::Connection::open(&path).unwrap().query_row("SELECT count(*) FROM events", [], |row| row.get(0)).unwrap();
    assert_eq!(count, 1);
}
