//! `--profile`: where one call's time goes, for the component through the
//! real host on a fresh SQLite file, next to what SQLite alone costs for
//! the same commits; and what a create and a fulfilment write: WAL pages
//! per commit, rows per call (every table), key-value operations and
//! crossings per call. The figures behind the README's "why" for each target.
//!
//! A call's wall time (measured here around the library call) splits into
//! the host's `CallStats` parts: instantiating the component on a fresh
//! store, running the export (its store, inventory and event imports
//! included), dropping the instance (the pooled memory slot is reset), and
//! the rest, outside the sandbox: beginning and committing or rolling back
//! the transaction and the host's conversions.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use backorders_host::provider::{Access, KeyValue, Transactional};
use backorders_sqlite::SqliteConnection;
use backorders_host::{
    AllocationPolicy, AllocationRunRequest, Backorders, CallStats, Mode, NewBackorder, Options,
};
use serde_json::{json, Value};

use crate::workload::{order, quantity, sku_index, sku_name};

/// Creates profiled, over `SKUS` SKUs: 100 backorders each, as in W1.
const CREATES: usize = 2_000;
const SKUS: usize = 20;
/// Creates after which the WAL is measured: few enough that no checkpoint
/// has run, so its size tells how many pages their commits wrote.
const WAL_CREATES: usize = 500;
/// Fulfilments whose commits the WAL measures (after it was emptied).
const WAL_FULFILS: usize = 200;
/// Calls whose rows written are counted, one snapshot of the database
/// before and after each.
const ROW_SAMPLES: usize = 10;
const READS: usize = 2_000;
const LISTS: usize = 400;
/// Commits timed for each bare-SQLite figure.
const COMMITS: usize = 2_000;
/// Rows the "create-like" bare commit writes, scattered over the table, as
/// many as the pages a create's commit writes (measured: `wal_frames_per_create`).
const SCATTERED_ROWS: usize = 16;

/// Means, in microseconds, of each part of a series of calls.
#[derive(Default)]
struct Parts {
    calls: usize,
    total_ns: u128,
    instantiate_ns: u128,
    export_ns: u128,
    teardown_ns: u128,
    crossings: u64,
    store_operations: u64,
}

impl Parts {
    fn add(&mut self, total_ns: u128, stats: CallStats) {
        self.calls += 1;
        self.total_ns += total_ns;
        self.instantiate_ns += u128::from(stats.instantiate_ns);
        self.export_ns += u128::from(stats.export_ns);
        self.teardown_ns += u128::from(stats.teardown_ns);
        self.crossings += stats.crossings;
        self.store_operations += stats.store_operations;
    }

    fn json(&self) -> Value {
        let mean = |ns: u128| mean_us(ns, self.calls);
        let sandbox = self.instantiate_ns + self.export_ns + self.teardown_ns;
        json!({
            "calls": self.calls,
            "total_us": mean(self.total_ns),
            "instantiate_us": mean(self.instantiate_ns),
            "export_us": mean(self.export_ns),
            "teardown_us": mean(self.teardown_ns),
            "transaction_and_host_us": mean(self.total_ns.saturating_sub(sandbox)),
            "crossings": self.crossings as f64 / self.calls.max(1) as f64,
            "store_operations": self.store_operations as f64 / self.calls.max(1) as f64,
        })
    }
}

/// `total_ns` over `count`, in microseconds to two decimals.
fn mean_us(total_ns: u128, count: usize) -> f64 {
    (total_ns as f64 / count.max(1) as f64 / 1e3 * 100.0).round() / 100.0
}

/// Times `call` and adds it, with the stats of the component call it made,
/// to `parts`.
fn timed<T>(
    backorders: &mut Backorders,
    parts: &mut Parts,
    call: impl FnOnce(&mut Backorders) -> Result<T>,
) -> Result<T> {
    backorders.take_last_call_stats();
    let started = Instant::now();
    let value = call(backorders)?;
    let total_ns = started.elapsed().as_nanos();
    let stats = backorders
        .take_last_call_stats()
        .context("the operation ran no call of the component")?;
    parts.add(total_ns, stats);
    Ok(value)
}

fn new_backorder(i: usize) -> NewBackorder {
    crate::systems::new_backorder(&order(i, SKUS))
}

/// WAL frames (pages) written since the WAL was last emptied; none means
/// a checkpoint ran in between, and the count would not tell what the
/// commits wrote.
fn wal_frames(db_path: &Path) -> Result<u64> {
    const PAGE_SIZE: u64 = 4096;
    let wal = db_path.with_extension("db-wal");
    let bytes = std::fs::metadata(wal).map_or(0, |metadata| metadata.len());
    // A 32-byte header, then frames of a 24-byte header and one page.
    let frames = bytes.saturating_sub(32) / (PAGE_SIZE + 24);
    ensure!(frames > 0, "the WAL was checkpointed during the profile; no page count");
    Ok(frames)
}

pub fn run(directory: &Path, component: Option<std::path::PathBuf>) -> Result<Value> {
    let db_path = directory.join("profile.db");
    let mut backorders = backorders_sqlite::open(db_path.clone(), Options { component, now: None });
    backorders.load_component()?;

    let mut create = Parts::default();
    let mut frames = 0;
    for i in 0..CREATES {
        timed(&mut backorders, &mut create, |b| {
            Ok(b.create_backorder(&new_backorder(i), Mode::Apply)?)
        })?;
        if i + 1 == WAL_CREATES {
            frames = wal_frames(&db_path)?;
        }
    }
    let database = rusqlite::Connection::open(&db_path)?;
    let create_rows = rows_written(&database, ROW_SAMPLES, |k| {
        backorders.create_backorder(&new_backorder(CREATES + k), Mode::Apply)?;
        Ok(())
    })?;

    let mut summary = Parts::default();
    for _ in 0..READS {
        timed(
            &mut backorders,
            &mut summary,
            |b| Ok(b.backorder_summary()?),
        )?;
    }
    let mut sku_summary = Parts::default();
    for k in 0..READS {
        timed(&mut backorders, &mut sku_summary, |b| {
            Ok(b.sku_summary(&sku_name(k % SKUS))?)
        })?;
    }
    let mut list = Parts::default();
    for k in 0..LISTS {
        let request = crate::systems::open_page(&sku_name(k % SKUS), 50);
        timed(&mut backorders, &mut list, |b| {
            Ok(b.list_backorders(&request)?)
        })?;
    }

    // Fulfilments: every backorder allocated (stock for all, one run per
    // SKU), then each shipped what it was allocated, as in W1.
    let mut demand = vec![0u64; SKUS];
    for i in 0..CREATES + ROW_SAMPLES {
        demand[sku_index(i, SKUS)] += quantity(i);
    }
    // The WAL emptied, so its size after the runs is what their commits
    // (and the stock counts before them) wrote, per backorder served.
    database.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let mut allocated = Vec::new();
    let mut runs = Parts::default();
    for (k, units) in demand.into_iter().enumerate() {
        backorders.stock_set(&sku_name(k), None, units, Mode::Apply)?;
        let request = AllocationRunRequest {
            policy: Some(AllocationPolicy::StrictPriority),
            ..AllocationRunRequest::from_stock(&sku_name(k))
        };
        let run = timed(&mut backorders, &mut runs, |b| Ok(b.allocate_available(&request, Mode::Apply)?))?;
        allocated.extend(run.value.lines.into_iter().map(|line| (line.backorder_id, line.allocated)));
    }
    ensure!(
        allocated.len() == CREATES + ROW_SAMPLES,
        "{} of {} backorders allocated",
        allocated.len(),
        CREATES + ROW_SAMPLES
    );
    let run_frames = wal_frames(&db_path)?;
    let (sampled, allocated) = allocated.split_at(ROW_SAMPLES);
    let fulfil_rows = rows_written(&database, ROW_SAMPLES, |k| {
        crate::systems::fulfill(&backorders, &sampled[k].0, sampled[k].1)
    })?;
    // The WAL emptied, so its size after the next fulfilments is what
    // their commits wrote.
    database.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let mut fulfil = Parts::default();
    let mut fulfil_frames = 0;
    for (n, (id, units)) in allocated.iter().enumerate() {
        timed(&mut backorders, &mut fulfil, |b| crate::systems::fulfill(b, id, *units))?;
        if n + 1 == WAL_FULFILS {
            fulfil_frames = wal_frames(&db_path)?;
        }
    }

    Ok(json!({
        "system": "backorders-component",
        "run": "profile",
        "create": create.json(),
        "wal_frames_per_create": frames as f64 / WAL_CREATES as f64,
        "rows_written_per_create": create_rows,
        "fulfill": fulfil.json(),
        "wal_frames_per_fulfill": fulfil_frames as f64 / WAL_FULFILS as f64,
        "rows_written_per_fulfill": fulfil_rows,
        "allocation_run": runs.json(),
        "backorders_per_allocation_run": (CREATES + ROW_SAMPLES) as f64 / SKUS as f64,
        "wal_frames_per_backorder_served": run_frames as f64 / (CREATES + ROW_SAMPLES) as f64,
        "summary": summary.json(),
        "sku_summary": sku_summary.json(),
        "list_50": list.json(),
        "sqlite_alone": sqlite_alone(&directory.join("sqlite-alone.db"))?,
    }))
}

/// Bare commits on the host's SQLite provider (same file settings), with
/// no component and no domain: the floor under any write of this design.
fn sqlite_alone(db_path: &Path) -> Result<Value> {
    let mut provider = SqliteConnection::open(db_path, true)?;
    // A table about the size of the profile's, so inserts land in a tree
    // of realistic depth.
    provider.begin(Access::Write)?;
    for k in 0..20_000u64 {
        provider.set(&scattered_key(k), &[0u8; 24])?;
    }
    provider.commit()?;

    let mut commit = |rows: usize, round: u64| -> Result<u128> {
        let started = Instant::now();
        provider.begin(Access::Write)?;
        for row in 0..rows as u64 {
            provider.set(&scattered_key(round * 7_919 + row * 1_223), &[1u8; 24])?;
        }
        provider.commit()?;
        Ok(started.elapsed().as_nanos())
    };
    let mut commit_mean_us = |rows: usize| -> Result<f64> {
        let mut total = 0u128;
        for round in 0..COMMITS as u64 {
            total += commit(rows, round)?;
        }
        Ok(mean_us(total, COMMITS))
    };
    Ok(json!({
        "commit_1_row_us": commit_mean_us(1)?,
        "commit_16_scattered_rows_us": commit_mean_us(SCATTERED_ROWS)?,
    }))
}

/// Keys spread evenly over the key space, as a create's index entries are.
fn scattered_key(k: u64) -> Vec<u8> {
    (k % 20_000)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .to_be_bytes()
        .to_vec()
}

/// Runs `call` `samples` times; the mean number of rows it wrote (inserted,
/// changed or deleted, in every table of the database), each call between
/// two snapshots of the whole database.
fn rows_written(
    database: &rusqlite::Connection,
    samples: usize,
    mut call: impl FnMut(usize) -> Result<()>,
) -> Result<f64> {
    let mut rows = 0;
    for k in 0..samples {
        let before = snapshot(database)?;
        call(k)?;
        let after = snapshot(database)?;
        let changed = after.iter().filter(|(key, row)| before.get(*key) != Some(*row)).count();
        let deleted = before.keys().filter(|key| !after.contains_key(*key)).count();
        rows += changed + deleted;
    }
    Ok(rows as f64 / samples.max(1) as f64)
}

/// Every row of every table, by table and primary key (the rowid where
/// there is none), as text.
fn snapshot(database: &rusqlite::Connection) -> Result<BTreeMap<(String, String), String>> {
    let tables: Vec<String> = database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = BTreeMap::new();
    for table in tables {
        let keys: Vec<String> = database
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"))?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let key = if keys.is_empty() { "rowid".to_owned() } else { keys.join(", ") };
        let mut statement = database.prepare(&format!("SELECT {key}, * FROM \"{table}\""))?;
        let key_columns = key.split(", ").count();
        let columns = statement.column_count();
        let mut query = statement.query([])?;
        while let Some(row) = query.next()? {
            let text = |range: std::ops::Range<usize>| -> rusqlite::Result<String> {
                range.map(|i| row.get_ref(i).map(|value| format!("{value:?}"))).collect::<rusqlite::Result<Vec<_>>>().map(|parts| parts.join("|"))
            };
            rows.insert((table.clone(), text(0..key_columns)?), text(key_columns..columns)?);
        }
    }
    Ok(rows)
}
