//! The PostgreSQL provider against a real server: each test makes a
//! database of its own (`TestDatabase`) and drops it. A test that cannot
//! reach the server fails, naming the command that sets one up.

use std::sync::{Arc, Barrier, Mutex};

use backorders_host::provider::{
    Access, Connection, EventSink, Holding, Inventory, KeyValue, KeyValueError, KeyValuePair,
    NewReservation, OutboxEvent, Provider, StockAdmin, StockAudit, StockError, StockLevel,
    Transactional, Write,
};
use backorders_host::{Backorders, CallError, Event, HostError, Mode, NewBackorder, Options, Timestamp};
use backorders_postgres::{closed_local_port, PostgresProvider, TestDatabase, SCHEMA_VERSION};

/// 2026-11-26T00:00:00Z
const T0: Timestamp = 1_795_651_200_000;

fn options() -> Options {
    Options { component: None, now: Some(T0) }
}

/// A test database whose first call (one unit of `W` received) laid out
/// the schema.
fn laid_out() -> TestDatabase {
    let database = TestDatabase::create();
    Backorders::new(PostgresProvider::new(&database.url), options())
        .stock_add("W", None, 1, Mode::Apply)
        .expect("the first call lays out the schema");
    database
}

/// `on_hand` units of SKU `W` at the default location.
fn w_on_hand(on_hand: u64) -> StockLevel {
    StockLevel { sku: "W".into(), location: None, on_hand, reserved: 0 }
}

fn write_transaction(provider: &PostgresProvider) -> Box<dyn Connection> {
    let mut connection = provider.connect(true).expect("connect");
    connection.begin(Access::Write).expect("begin");
    connection
}

/// Every row of every table of ours, as text, in key order: what a call
/// that must change nothing is compared by.
fn snapshot(database: &TestDatabase) -> Vec<String> {
    let mut client = database.client();
    [("kv", "key"), ("stock", "sku, location"), ("reservations", "id"), ("events", "seq"), ("backorders_schema", "version")]
        .iter()
        .flat_map(|(table, order)| {
            client
                .query(&format!("SELECT t::text FROM {table} t ORDER BY {order}"), &[])
                .unwrap_or_else(|error| panic!("read {table}: {error}"))
                .into_iter()
                .map(|row| format!("{table}: {}", row.get::<_, String>(0)))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn keys_order_as_unsigned_bytes_and_a_batch_keeps_each_keys_last_write() {
    let database = TestDatabase::create();
    let provider = PostgresProvider::new(&database.url);
    let mut connection = write_transaction(&provider);
    let keys: [&[u8]; 5] = [b"a", b"a\x00", b"ab", b"\x7f", b"\xff"];
    let writes: Vec<Write> = keys
        .iter()
        .rev()
        .map(|key| Write::Set(key.to_vec(), b"old".to_vec()))
        .chain([
            Write::Set(b"ab".to_vec(), b"new".to_vec()),
            Write::Delete(b"\x7f".to_vec()),
            Write::Set(b"gone".to_vec(), b"x".to_vec()),
            Write::Delete(b"gone".to_vec()),
        ])
        .collect();
    connection.write_batch(&writes).expect("batch");
    connection.commit().expect("commit");

    let mut connection = provider.connect(false).expect("connect");
    connection.begin(Access::Read).expect("begin");
    let scanned: Vec<KeyValuePair> = connection.scan(b"", b"\xff\xff", 100).expect("scan");
    let expected: Vec<KeyValuePair> = vec![
        (b"a".to_vec(), b"old".to_vec()),
        (b"a\x00".to_vec(), b"old".to_vec()),
        (b"ab".to_vec(), b"new".to_vec()),
        (b"\xff".to_vec(), b"old".to_vec()),
    ];
    assert_eq!(scanned, expected, "a proper prefix first, bytes unsigned, last write wins");
    assert_eq!(connection.scan(b"a", b"ab", 1).expect("scan").len(), 1, "at most the limit");
    assert_eq!(connection.scan(b"a\x00", b"ab", 100).expect("scan"), expected[1..2].to_vec());
    assert_eq!(
        connection.get_many(&[b"ab".to_vec(), b"\x7f".to_vec(), b"a".to_vec(), b"ab".to_vec()]).expect("get many"),
        vec![Some(b"new".to_vec()), None, Some(b"old".to_vec()), Some(b"new".to_vec())]
    );
    assert_eq!(connection.get(b"gone").expect("get"), None);
    connection.rollback().expect("rollback");
}

#[test]
fn a_rolled_back_transaction_and_a_failing_call_change_nothing() {
    let database = TestDatabase::create();
    let backorders = Backorders::new(PostgresProvider::new(&database.url), options());
    backorders.stock_add("W", None, 5, Mode::Apply).expect("stock");
    let created = backorders
        .create_backorder(&NewBackorder::new("O-1", "C-1", "W", 3), Mode::Apply)
        .expect("create");
    backorders
        .allocate_backorder(&backorders_host::AllocationRequest::from_stock(&created.value.backorder_id, 3), Mode::Apply)
        .expect("allocate");
    let before = snapshot(&database);
    assert!(before.iter().any(|row| row.starts_with("reservations:")), "{before:?}");

    // A preview runs the whole call, then rolls it back.
    backorders
        .create_backorder(&NewBackorder::new("O-2", "C-1", "W", 4), Mode::Preview)
        .expect("preview");
    // A stock count below what is reserved is refused by the host.
    match backorders.stock_set("W", None, 2, Mode::Apply) {
        Err(CallError::Host(HostError::StockBelowReserved { reserved: 3, .. })) => {}
        other => panic!("expected StockBelowReserved, got {other:?}"),
    }
    // Receiving stock and then a refused allocation run: both or neither.
    let bad_run = backorders_host::AllocationRunRequest {
        location: Some("\u{7}".into()),
        ..backorders_host::AllocationRunRequest::from_stock("W")
    };
    assert!(backorders.receive(2, &bad_run, Mode::Apply).is_err());
    // A connection dropped mid-transaction.
    let provider = PostgresProvider::new(&database.url);
    let mut connection = write_transaction(&provider);
    connection.write_on_hand(&w_on_hand(99)).expect("write");
    connection.set(b"stray", b"value").expect("set");
    drop(connection);
    assert_eq!(snapshot(&database), before);
}

#[test]
fn the_constraint_keeps_reserved_within_on_hand_whatever_the_code_does() {
    let database = TestDatabase::create();
    let mut connection = write_transaction(&PostgresProvider::new(&database.url));
    connection.write_on_hand(&w_on_hand(2)).expect("write");
    connection.commit().expect("commit");
    let mut client = database.client();
    let error = client
        .execute("UPDATE stock SET reserved = 3 WHERE sku = 'W'", &[])
        .expect_err("the constraint refuses more reserved than on hand");
    assert_eq!(error.as_db_error().and_then(|db| db.constraint()), Some("reserved_within_on_hand"));
}

#[test]
fn reservations_are_numbered_never_reused_and_aliases_are_unknown() {
    let database = TestDatabase::create();
    let provider = PostgresProvider::new(&database.url);
    let mut connection = write_transaction(&provider);
    connection.write_on_hand(&w_on_hand(10)).expect("write");
    let reservation = |quantity| NewReservation {
        sku: "W".into(),
        location: None,
        quantity,
        holder: "AL-1".into(),
        expires_at: None,
        created_at: T0,
    };
    let first = connection.reserve(&reservation(4)).expect("reserve");
    assert_eq!(connection.reserve(&reservation(7)), Err(StockError::InsufficientStock { available: 6 }));
    connection.release(&first, None).expect("release");
    let second = connection.reserve(&reservation(1)).expect("reserve");
    assert_ne!(first, second, "an id is never handed out twice");
    let alias = second.replace("RS-", "RS-0");
    assert_eq!(connection.consume(&alias, 1), Err(StockError::UnknownReservation { id: alias.clone() }));
    assert_eq!(connection.consume(&second, 2), Err(StockError::ExceedsReservation { held: 1 }));
    assert_eq!(
        connection.reservations("W", None).expect("reservations"),
        vec![Holding { reservation_id: second.clone(), holder: "AL-1".into(), quantity: 1 }]
    );
    connection.consume(&second, 1).expect("consume");
    assert_eq!(
        connection.stock_audit().expect("audit"),
        vec![StockAudit { level: StockLevel { sku: "W".into(), location: None, on_hand: 9, reserved: 0 }, held_by_reservations: 0 }]
    );
    connection.commit().expect("commit");
}

#[test]
fn a_database_with_tables_of_its_own_is_refused_untouched() {
    let database = TestDatabase::create();
    database.client().batch_execute("CREATE TABLE customers (id integer)").expect("a foreign table");
    let backorders = Backorders::new(PostgresProvider::new(&database.url), options());
    match backorders.stock_add("W", None, 1, Mode::Apply) {
        Err(CallError::Host(HostError::ForeignDatabase { path, .. })) => {
            assert!(path.to_string_lossy().ends_with(&database.url.rsplit_once('/').unwrap().1.to_owned()), "{path:?}");
            assert!(!path.to_string_lossy().contains(":backorders@"), "no password in messages: {path:?}");
        }
        other => panic!("expected ForeignDatabase, got {other:?}"),
    }
    let tables: i64 = database
        .client()
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[])
        .expect("count")
        .get(0);
    assert_eq!(tables, 1, "nothing was created beside the foreign table");
}

#[test]
fn a_newer_schema_is_refused_and_the_current_one_is_recorded() {
    let database = laid_out();
    let version: i32 = database.client().query_one("SELECT version FROM backorders_schema", &[]).expect("version").get(0);
    assert_eq!(version, SCHEMA_VERSION);
    database.client().batch_execute("UPDATE backorders_schema SET version = 99").expect("a newer host's schema");
    match Backorders::new(PostgresProvider::new(&database.url), options()).stock_show(None) {
        Err(CallError::Host(HostError::UnsupportedSchema { found: 99, supported, .. })) => {
            assert_eq!(supported, SCHEMA_VERSION)
        }
        other => panic!("expected UnsupportedSchema, got {other:?}"),
    }
}

/// A database laid out by the first build (schema 1: no sequences, no
/// scopes; numbers in the component's counter keys) opens in this one:
/// the first connection migrates it in place, and its data and numbering
/// go on.
#[test]
fn a_schema_1_database_is_migrated_and_its_numbers_go_on() {
    let database = laid_out();
    let engine = Backorders::new(PostgresProvider::new(&database.url), options());
    let first = engine.create_backorder(&NewBackorder::new("O-1", "C-1", "W", 2), Mode::Apply).expect("create").value;
    drop(engine);
    // Back to schema 1 as the first build left it: its tables only, and
    // the year's last number under the component's counter key (version
    // byte 1, postcard varint 7), as numbers were kept then.
    database
        .client()
        .batch_execute(
            "DROP TABLE sequences, scopes;
             UPDATE backorders_schema SET version = 1;
             INSERT INTO kv (key, value) VALUES ('\\x5100626f0032303236'::bytea, '\\x0107'::bytea)",
        )
        .expect("a schema-1 database");
    let engine = Backorders::new(PostgresProvider::new(&database.url), options());
    assert_eq!(engine.get_backorder(&first.backorder_id).expect("read back").backorder, first);
    let next = engine.create_backorder(&NewBackorder::new("O-2", "C-1", "W", 1), Mode::Apply).expect("create").value;
    assert_eq!(next.backorder_id, "BO-2026-0008", "after the counter's 7");
    let version: i32 = database.client().query_one("SELECT version FROM backorders_schema", &[]).expect("version").get(0);
    assert_eq!(version, SCHEMA_VERSION);
    assert!(engine.check_integrity().expect("check").problems.is_empty());
}

#[test]
fn an_unreachable_server_is_storage_unavailable_without_the_password() {
    let port = closed_local_port();
    let url = format!("postgres://backorders:secret@127.0.0.1:{port}/backorders");
    match Backorders::new(PostgresProvider::new(&url), options()).backorder_summary() {
        Err(CallError::Host(HostError::Unavailable { location, reason })) => {
            assert_eq!(location, format!("postgres://backorders@127.0.0.1:{port}/backorders"));
            assert!(reason.contains("refused"), "{reason}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

/// A connection that holds the first two write batches it sees, across
/// handles, until both have arrived: two calls that have each read what the
/// other is about to write, before either writes. Everything else is the
/// PostgreSQL connection's own.
struct Gated {
    inner: Box<dyn Connection>,
    gate: Arc<Gate>,
}

struct Gate {
    barrier: Barrier,
    waiting: Mutex<u32>,
}

impl Gate {
    fn pass(&self) {
        let first_two = {
            let mut waiting = self.waiting.lock().unwrap();
            *waiting += 1;
            *waiting <= 2
        };
        if first_two {
            self.barrier.wait();
        }
    }
}

struct GatedProvider {
    inner: PostgresProvider,
    gate: Arc<Gate>,
}

impl Provider for GatedProvider {
    fn connect(&self, will_commit: bool) -> Result<Box<dyn Connection>, HostError> {
        let inner = self.inner.connect(will_commit)?;
        Ok(Box::new(Gated { inner, gate: Arc::clone(&self.gate) }))
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

impl Connection for Gated {}

impl KeyValue for Gated {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, KeyValueError> {
        self.inner.get(key)
    }
    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, KeyValueError> {
        self.inner.get_many(keys)
    }
    fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KeyValueError> {
        self.inner.set(key, value)
    }
    fn delete(&mut self, key: &[u8]) -> Result<(), KeyValueError> {
        self.inner.delete(key)
    }
    fn touch(&mut self, scopes: &[String]) -> Result<(), KeyValueError> {
        self.inner.touch(scopes)
    }
    fn write_batch(&mut self, writes: &[Write]) -> Result<(), KeyValueError> {
        self.gate.pass();
        self.inner.write_batch(writes)
    }
    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<KeyValuePair>, KeyValueError> {
        self.inner.scan(start, end, limit)
    }
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, KeyValueError> {
        self.inner.next_number(sequence, after)
    }
}

impl Inventory for Gated {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, StockError> {
        self.inner.available(sku, location)
    }
    fn reserve(&mut self, reservation: &NewReservation) -> Result<String, StockError> {
        self.inner.reserve(reservation)
    }
    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), StockError> {
        self.inner.release(id, quantity)
    }
    fn extend(&mut self, id: &str, expires_at: Option<Timestamp>) -> Result<(), StockError> {
        self.inner.extend(id, expires_at)
    }
    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), StockError> {
        self.inner.consume(id, quantity)
    }
    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), StockError> {
        self.inner.issue(sku, location, quantity)
    }
    fn reserved_totals(&mut self) -> Result<Vec<(String, Option<String>, u64)>, StockError> {
        self.inner.reserved_totals()
    }
    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, StockError> {
        self.inner.reservations(sku, location)
    }
}

impl EventSink for Gated {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError> {
        self.inner.append(event, recorded_at)
    }
    fn recent_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, HostError> {
        self.inner.recent_events(limit)
    }
}

impl StockAdmin for Gated {
    fn stock_level(&mut self, sku: &str, location: Option<&str>) -> Result<StockLevel, HostError> {
        self.inner.stock_level(sku, location)
    }
    fn write_on_hand(&mut self, level: &StockLevel) -> Result<(), HostError> {
        self.inner.write_on_hand(level)
    }
    fn stock_levels(&mut self, sku: Option<&str>, limit: u32) -> Result<Vec<StockLevel>, HostError> {
        self.inner.stock_levels(sku, limit)
    }
    fn stock_audit(&mut self) -> Result<Vec<StockAudit>, HostError> {
        self.inner.stock_audit()
    }
}

impl Transactional for Gated {
    fn begin(&mut self, access: Access) -> Result<(), HostError> {
        self.inner.begin(access)
    }
    fn commit(&mut self) -> Result<(), HostError> {
        self.inner.commit()
    }
    fn rollback(&mut self) -> Result<(), HostError> {
        self.inner.rollback()
    }
    fn take_conflict(&mut self) -> Option<HostError> {
        self.inner.take_conflict()
    }
}

#[test]
fn two_concurrent_creates_conflict_and_the_loser_is_run_again_to_success() {
    // The schema first, so both calls below meet a laid-out database.
    let database = laid_out();
    let gate = Arc::new(Gate { barrier: Barrier::new(2), waiting: Mutex::new(0) });
    let handles: Vec<Arc<Backorders>> = (0..2)
        .map(|_| {
            let provider = GatedProvider { inner: PostgresProvider::new(&database.url), gate: Arc::clone(&gate) };
            Arc::new(Backorders::new(provider, options()))
        })
        .collect();
    let workers: Vec<_> = handles
        .iter()
        .enumerate()
        .map(|(index, handle)| {
            let handle = Arc::clone(handle);
            std::thread::spawn(move || {
                let request = NewBackorder::new(&format!("O-{index}"), "C-1", "W", 2);
                let created = handle.create_backorder(&request, Mode::Apply).expect("create succeeds, retried or not");
                (created.value.backorder_id, handle.last_call_stats().expect("stats").retries)
            })
        })
        .collect();
    let results: Vec<(String, u32)> = workers.into_iter().map(|worker| worker.join().expect("worker")).collect();
    let retries: Vec<u64> = handles.iter().map(|handle| handle.conflict_retries()).collect();
    assert_eq!(retries.iter().sum::<u64>(), 1, "exactly one of the two ran again: {retries:?}");
    assert_eq!(results.iter().map(|(_, retries)| u64::from(*retries)).sum::<u64>(), 1, "{results:?}");
    assert_ne!(results[0].0, results[1].0, "two backorders, two numbers");
    let summary = handles[0].sku_summary("W").expect("summary");
    assert_eq!(summary.summary.open_backorders, 2);
    assert!(handles[0].check_integrity().expect("check").problems.is_empty());
}

#[test]
fn a_create_on_a_warm_connection_prepares_nothing_and_takes_at_most_six_round_trips() {
    let database = laid_out();
    let provider = PostgresProvider::new(&database.url);
    let counter = provider.round_trip_counter();
    let backorders = Backorders::new(provider, options());
    let mut costs = Vec::new();
    for order in ["O-1", "O-2", "O-3"] {
        let before = counter.load(std::sync::atomic::Ordering::Relaxed);
        backorders.create_backorder(&NewBackorder::new(order, "C-1", "W", 2), Mode::Apply).expect("create");
        costs.push(counter.load(std::sync::atomic::Ordering::Relaxed) - before);
    }
    let stats = backorders.last_call_stats().expect("stats");
    eprintln!("round trips of a create: cold {}, warm {} and {}; crossings {}", costs[0], costs[1], costs[2], stats.crossings);
    assert!(costs[1] < costs[0], "the first create prepared its statements: {costs:?}");
    // Numbers are leased in blocks of 1, 2, 4 … 64: the second create
    // leased a block of two (one statement on the leasing connection), the
    // third took the second number of it.
    assert_eq!(costs[1], costs[2] + 1, "a warm create prepares nothing more; one that leases numbers adds the lease: {costs:?}");
    assert!(costs[1] <= 6, "{costs:?}");
    // At most one statement per crossing of the sandbox (a batched read or
    // write is one), plus BEGIN and COMMIT.
    assert!(costs[2] <= stats.crossings + 2, "{costs:?} for {} crossings", stats.crossings);
    // The issue's budget for a create, BEGIN and COMMIT included.
    assert!(costs[2] <= 6, "{costs:?}");
}
