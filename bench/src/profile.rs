//! `--profile`: where one call's time goes, for the component through the
//! real host on a fresh SQLite file, next to what SQLite alone costs for
//! the same commits. The figures behind the README's "why" for each target.
//!
//! A call's wall time (measured here around the library call) splits into
//! the host's `CallStats` parts: instantiating the component on a fresh
//! store, running the export (its store, inventory and event imports
//! included), dropping the instance (the pooled memory slot is reset), and
//! the rest, outside the sandbox: beginning and committing or rolling back
//! the transaction and the host's conversions.

use std::path::Path;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use backorders_host::provider::{Access, KeyValue, Transactional};
use backorders_sqlite::SqliteConnection;
use backorders_host::{Backorders, CallStats, Mode, NewBackorder, Options};
use serde_json::{json, Value};

use crate::workload::{order, sku_name};

/// Creates profiled, over `SKUS` SKUs: 100 backorders each, as in W1.
const CREATES: usize = 2_000;
const SKUS: usize = 20;
/// Creates after which the WAL is measured: few enough that no checkpoint
/// has run, so its size tells how many pages their commits wrote.
const WAL_CREATES: usize = 500;
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
}

impl Parts {
    fn add(&mut self, total_ns: u128, stats: CallStats) {
        self.calls += 1;
        self.total_ns += total_ns;
        self.instantiate_ns += u128::from(stats.instantiate_ns);
        self.export_ns += u128::from(stats.export_ns);
        self.teardown_ns += u128::from(stats.teardown_ns);
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

fn wal_frames(db_path: &Path, page_size: u64) -> u64 {
    let wal = db_path.with_extension("db-wal");
    let bytes = std::fs::metadata(wal).map_or(0, |metadata| metadata.len());
    // A 32-byte header, then frames of a 24-byte header and one page.
    bytes.saturating_sub(32) / (page_size + 24)
}

pub fn run(directory: &Path) -> Result<Value> {
    let db_path = directory.join("profile.db");
    let mut backorders = backorders_sqlite::open(db_path.clone(), Options {
        
        component: None,
        now: None,
    });
    backorders.load_component()?;

    let mut create = Parts::default();
    let mut frames = 0;
    for i in 0..CREATES {
        timed(&mut backorders, &mut create, |b| {
            Ok(b.create_backorder(&new_backorder(i), Mode::Apply)?)
        })?;
        if i + 1 == WAL_CREATES {
            frames = wal_frames(&db_path, 4096);
        }
    }
    ensure!(
        frames > 0,
        "the WAL was checkpointed early in the profile; no page count"
    );

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

    Ok(json!({
        "system": "backorders-component",
        "run": "profile",
        "create": create.json(),
        "wal_frames_per_create": frames as f64 / WAL_CREATES as f64,
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
