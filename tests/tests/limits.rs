// The sandbox: every per-call limit stops a misbehaving component with a
// clean error naming the limit, the call's transaction rolls back (the
// database is byte for byte what it was: the SQLite file, or the memory
// provider's whole state), and the next call runs normally. The
// misbehaving component is `tests/evil-component`, built by
// `tests/build.rs`; it leaves a store entry, a reservation and an event
// before it misbehaves, so a rollback that missed any of them would show.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use backorders_host::*;
use common::*;

const EVIL_COMPONENT: &str = env!("EVIL_COMPONENT");

struct Sandbox {
    harness: Harness,
}

/// Small limits, so each test meets its limit quickly.
fn test_limits() -> Limits {
    Limits {
        memory_bytes: 16 << 20,
        cpu_time: Duration::from_millis(200),
        ..Limits::default()
    }
}

impl Sandbox {
    fn new(limits: Limits) -> Self {
        let mut sandbox = Sandbox {
            harness: Harness::with(Setup {
                component: Some(EVIL_COMPONENT.into()),
                configure: Box::new(move |engine| {
                    engine.with_limits(limits).with_compile_cache(CompileCache::Disabled)
                }),
            }),
        };
        // Stock for every SKU the component reserves a unit of, and one call
        // that commits, so the database file exists.
        for sku in ["LOOP", "MEMORY", "RECURSE", "PANIC", "OUTPUT", "VALUE", "TEXT", "OK"] {
            sandbox.engine().stock_set(sku, None, 5, Mode::Apply).expect("stock set");
        }
        sandbox.create("OK", 1).expect("a well-behaved call");
        sandbox
    }

    fn engine(&self) -> &Backorders {
        &self.harness.engine
    }

    fn create(&mut self, sku: &str, quantity: u64) -> Result<Backorder, CallError> {
        let request = NewBackorder { sku: sku.into(), quantity, ..new_backorder() };
        self.engine().create_backorder(&request, Mode::Apply).map(|outcome| outcome.value)
    }

    /// Everything a call could have changed: every byte of the database
    /// (main file and WAL) or of the memory provider's state, the outbox
    /// and the stock with its reservations.
    fn snapshot(&mut self) -> State {
        State {
            database: self.harness.db_files(),
            events: self.engine().events(1000).expect("events").len(),
            stock: self.engine().stock_show(None).expect("stock"),
        }
    }

    /// Runs a call that must blow `limit`, and checks it changed nothing
    /// and that the next call runs normally and commits.
    fn blows(&mut self, sku: &str, quantity: u64, limit: Limit) -> HostError {
        let before = self.snapshot();
        let error = match self.create(sku, quantity) {
            Err(CallError::Host(error)) => error,
            other => panic!("{sku}: expected a host error, got {other:?}"),
        };
        match &error {
            HostError::LimitExceeded { limit: blown, export, .. } => {
                assert_eq!(*blown, limit, "{sku}: {error}");
                assert_eq!(*export, "create-backorder");
            }
            other => panic!("{sku}: expected limit exceeded: {limit}, got {other}"),
        }
        assert!(error.to_string().starts_with(&format!("limit exceeded: {limit}")), "{error}");
        self.assert_unchanged_since(before);
        error
    }

    fn assert_unchanged_since(&mut self, before: State) {
        let after = self.snapshot();
        assert!(after.database == before.database, "the database changed");
        assert_eq!(after.events, before.events);
        assert_eq!(after.stock, before.stock);
        let next = self.create("OK", 1).expect("the next call runs normally");
        assert_eq!(next.sku, "OK");
        assert_eq!(self.snapshot().events, before.events + 1, "and commits");
    }
}

struct State {
    database: Snapshot,
    events: usize,
    stock: Vec<StockLevel>,
}

/// A fresh sandbox under `limits` in which creating `quantity` of `sku`
/// blows `limit` (see `Sandbox::blows`) with an error that says each of
/// `says`; the sandbox, for further checks.
fn blown(limits: Limits, sku: &str, quantity: u64, limit: Limit, says: &[&str]) -> Sandbox {
    let mut sandbox = Sandbox::new(limits);
    let error = sandbox.blows(sku, quantity, limit).to_string();
    for said in says {
        assert!(error.contains(said), "{sku}: {error:?} does not say {said:?}");
    }
    sandbox
}

#[test]
fn an_endless_loop_is_stopped_at_the_cpu_deadline() {
    blown(test_limits(), "LOOP", 1, Limit::Cpu, &["200 ms"]);
}

#[test]
fn fuel_stops_an_endless_loop_when_it_is_metered() {
    let limits = Limits { fuel: Some(50_000_000), cpu_time: Duration::from_secs(60), ..test_limits() };
    let sandbox = blown(limits, "LOOP", 1, Limit::Cpu, &["fuel"]);
    let stats = sandbox.engine().last_call_stats().expect("stats of the last call");
    assert!(stats.fuel_consumed.is_some_and(|fuel| fuel > 0), "{stats:?}");
}

#[test]
fn a_memory_bomb_is_stopped_at_the_memory_limit() {
    blown(test_limits(), "MEMORY", 1, Limit::Memory, &[&(16u64 << 20).to_string()]);
}

#[test]
fn endless_recursion_is_stopped_at_the_stack_limit() {
    blown(test_limits(), "RECURSE", 1, Limit::Stack, &[]);
}

#[test]
fn endless_output_is_stopped_at_the_output_limit() {
    blown(test_limits(), "OUTPUT", 1, Limit::Output, &[]);
}

#[test]
fn an_oversized_string_handed_to_the_outbox_is_a_blown_limit() {
    // 8 KiB of SKU against the 4 KiB limit on strings the host copies.
    blown(test_limits(), "TEXT", 8, Limit::Value, &["events.emit sku"]);
}

#[test]
fn a_panic_is_a_trap_reported_with_its_message_and_rolled_back() {
    let mut sandbox = Sandbox::new(test_limits());
    let before = sandbox.snapshot();
    match sandbox.create("PANIC", 1) {
        Err(CallError::Host(HostError::Trap { export, reason })) => {
            assert_eq!(export, "create-backorder");
            assert!(reason.contains("panics on purpose"), "{reason}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    sandbox.assert_unchanged_since(before);
}

#[test]
fn an_oversized_store_value_is_refused_and_the_call_rolls_back() {
    let mut sandbox = Sandbox::new(test_limits());
    let before = sandbox.snapshot();
    // 2 MiB against the 1 MiB value limit: the store answers
    // `limit-exceeded`, the component fails the call with a storage error.
    match sandbox.create("VALUE", 2048) {
        Err(CallError::Domain(BackorderError::Storage(message))) => {
            assert!(message.contains("value length"), "{message}");
        }
        other => panic!("expected a storage error, got {other:?}"),
    }
    sandbox.assert_unchanged_since(before);
    // Under the limit, the same call commits.
    sandbox.create("VALUE", 512).expect("a 512 KiB value fits");
}

#[test]
fn the_component_sees_no_environment_arguments_files_entropy_or_wall_clock() {
    let mut sandbox = Sandbox::new(test_limits());
    let first = sandbox.create("AMBIENT", 1).expect("ambient").notes.expect("notes");
    let second = sandbox.create("AMBIENT", 1).expect("ambient").notes.expect("notes");
    assert!(first.starts_with("env=0 args=0 fs=denied random="), "{first}");
    assert!(first.ends_with(" wall_clock_ms=0"), "{first}");
    // The hash keys come from the host's fixed random bytes, not entropy.
    assert_eq!(first, second);
}

#[test]
fn each_limit_can_be_raised() {
    let limits = Limits { text_bytes: 16 << 10, ..test_limits() };
    let mut sandbox = Sandbox::new(limits);
    sandbox.create("TEXT", 8).expect("8 KiB fits a 16 KiB limit");
}

#[test]
fn a_compiled_component_is_cached_and_a_corrupt_entry_is_rebuilt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache_dir = dir.path().join("cache");
    let load = || {
        let harness = Harness::with(Setup {
            component: Some(EVIL_COMPONENT.into()),
            configure: Box::new({
                let cache_dir = cache_dir.clone();
                move |engine| engine.with_compile_cache(CompileCache::Directory(cache_dir.clone()))
            }),
        });
        harness.engine.load_component().expect("load");
        harness.engine.compile_cache_outcome().expect("loaded")
    };
    assert_eq!(load(), CacheOutcome::Miss);
    assert_eq!(load(), CacheOutcome::Hit);

    let entries: Vec<PathBuf> = std::fs::read_dir(&cache_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "cwasm"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];

    // One flipped byte in the compiled code.
    let mut bytes = std::fs::read(entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(entry, &bytes).unwrap();
    assert!(matches!(load(), CacheOutcome::Rebuilt(_)));
    assert_eq!(load(), CacheOutcome::Hit, "the rebuilt entry is good");

    // A truncated entry.
    let length = std::fs::metadata(entry).unwrap().len();
    std::fs::File::options().write(true).open(entry).unwrap().set_len(length / 3).unwrap();
    assert!(matches!(load(), CacheOutcome::Rebuilt(_)));
    assert_eq!(load(), CacheOutcome::Hit);
}

#[test]
fn a_component_needing_more_instances_or_tables_than_allowed_is_refused_cleanly() {
    for (limits, limit) in [
        (Limits { instances: 1, ..test_limits() }, Limit::Instances),
        (Limits { tables: 1, ..test_limits() }, Limit::Tables),
    ] {
        // Refused at instantiation, before the call changes anything.
        let harness = Harness::with(Setup {
            component: Some(EVIL_COMPONENT.into()),
            configure: Box::new(move |engine| {
                engine.with_limits(limits).with_compile_cache(CompileCache::Disabled)
            }),
        });
        match harness.engine.create_backorder(&NewBackorder { sku: "OK".into(), ..new_backorder() }, Mode::Apply) {
            Err(CallError::Host(HostError::LimitExceeded { limit: blown, .. })) => assert_eq!(blown, limit),
            other => panic!("expected limit exceeded: {limit}, got {other:?}"),
        }
    }
}

#[test]
fn a_call_reports_where_its_time_went() {
    let mut sandbox = Sandbox::new(test_limits());
    sandbox.engine().take_last_call_stats();
    sandbox.create("OK", 1).expect("a well-behaved call");
    let stats = sandbox.engine().take_last_call_stats().expect("stats of the call");
    assert!(stats.instantiate_ns > 0 && stats.export_ns > 0 && stats.teardown_ns > 0, "{stats:?}");
    // wall_time_us is instantiation and export, truncated to microseconds.
    let parts_us = (stats.instantiate_ns + stats.export_ns) / 1_000;
    assert!(stats.wall_time_us.abs_diff(parts_us) <= 1, "{stats:?}");
}
