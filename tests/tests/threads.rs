//! One handle, many threads: a platform's web server calls the engine from
//! all its worker threads at once through one shared `Backorders`.

mod common;
use std::sync::Arc;

use backorders_host::provider::memory::MemoryProvider;
use backorders_host::*;
use common::*;

const THREADS: usize = 8;
const ROUNDS: usize = 12;
/// Two SKUs shared by every thread, so that threads contend for the same
/// stock and the same indexes, and one SKU of each thread's own.
const SHARED_SKUS: [&str; 2] = ["SHARED-A", "SHARED-B"];

/// The failures a mixed workload may meet and must report cleanly: the
/// state another thread left refuses the request (the stock is gone, a more
/// urgent backorder waits, another thread's run already allocated what this
/// one asks for). Anything else (a host error, a trap, a storage error, a
/// version conflict nobody asked for) fails the test.
fn acceptable(error: &CallError) -> bool {
    match error {
        CallError::Domain(
            BackorderError::InsufficientStock(_)
            | BackorderError::PriorityConflict(_)
            | BackorderError::InvalidState(_),
        ) => true,
        CallError::Domain(BackorderError::InvalidInput(invalid)) => invalid.field == "quantity",
        _ => false,
    }
}

fn work(engine: &Backorders, thread: usize) -> (usize, usize) {
    let own_sku = format!("OWN-{thread}");
    let (mut succeeded, mut refused) = (0, 0);
    let mut tally = |result: Result<(), CallError>| match result {
        Ok(()) => succeeded += 1,
        Err(error) if acceptable(&error) => refused += 1,
        Err(error) => panic!("thread {thread}: {error}"),
    };
    for round in 0..ROUNDS {
        let sku = if round % 3 == 0 { own_sku.as_str() } else { SHARED_SKUS[round % 2] };
        let priority = [Priority::Low, Priority::Normal, Priority::High, Priority::Critical][round % 4];
        let request = NewBackorder {
            sku: sku.into(),
            quantity: 3,
            priority: Some(priority),
            order_id: format!("O-{thread}-{round}"),
            ..new_backorder()
        };
        let created = engine.create_backorder(&request, Mode::Apply);
        let id = created.as_ref().expect("create").value.backorder_id.clone();
        tally(created.map(drop));
        tally(engine.stock_add(sku, None, 2, Mode::Apply).map(drop));
        tally(engine.allocate_backorder(&allocation(&id, 2), Mode::Apply).map(drop));
        tally(engine.fulfill_backorder(&fulfillment(&id, 1), Mode::Apply).map(drop));
        tally(engine.receive(1, &run(sku, AllocationPolicy::StrictPriority), Mode::Apply).map(drop));
        tally(engine.backorder_summary().map(drop));
        tally(engine.sku_summary(sku).map(drop));
        tally(engine.list_backorders(&list()).map(drop));
        if round % 4 == 3 {
            tally(engine.cancel_backorder(&cancellation(&id, None), Mode::Apply).map(drop));
        }
    }
    (succeeded, refused)
}

fn eight_threads_share_one_handle(engine: Backorders) -> Arc<Backorders> {
    let engine = Arc::new(engine);
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || work(&engine, thread))
        })
        .collect();
    let (mut succeeded, mut refused) = (0, 0);
    for worker in workers {
        let (ok, no) = worker.join().expect("a worker thread panicked");
        succeeded += ok;
        refused += no;
    }
    assert!(succeeded > THREADS * ROUNDS * 5, "{succeeded} calls succeeded, {refused} refused");
    let report = engine.check_integrity().expect("check");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(engine.check_stock().expect("stock check"), Vec::<(String, String)>::new());
    let summary = engine.backorder_summary().expect("summary");
    let created = (THREADS * ROUNDS) as u64;
    let cancelled = (THREADS * (ROUNDS / 4)) as u64;
    assert_eq!(summary.open_backorders, created - cancelled, "every create took, every cancel closed one");
    engine
}

#[test]
fn eight_threads_share_one_handle_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let engine = backorders_sqlite::open(dir.path().join("threads.db"), Options { component: None, now: Some(T0) });
    eight_threads_share_one_handle(engine);
}

#[test]
fn eight_threads_share_one_handle_in_memory() {
    let engine = Backorders::new(MemoryProvider::new(), Options { component: None, now: Some(T0) });
    eight_threads_share_one_handle(engine);
}

#[test]
fn eight_threads_share_one_handle_on_postgres() {
    let server = backorders_postgres::server_for_tests();
    let provider = backorders_postgres::PostgresProvider::scratch(&server);
    let engine = eight_threads_share_one_handle(Backorders::new(provider, Options { component: None, now: Some(T0) }));
    // Every write here touches the same totals: conflicts are expected,
    // and each was run again until it went through.
    eprintln!("{} calls ran again after a conflict", engine.conflict_retries());
}
