//! The systems a workload runs against: the component through the real
//! host, or the same domain code compiled natively. Both keep their data
//! through a host provider (a SQLite file, or a PostgreSQL database), one
//! transaction per operation.

mod component;
mod native;

pub use component::{create, fulfill, new_backorder, open_page, ComponentSystem};
pub use native::NativeSystem;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{ensure, Result};
use backorders_host::provider::Provider;
use backorders_postgres::PostgresProvider;
use backorders_sqlite::SqliteProvider;
use serde_json::Value;

use crate::workload::Order;

/// Where a system keeps its data: a provider, and the statements it has
/// sent to its server where it has one (each a round trip).
#[derive(Clone)]
pub struct Storage {
    provider: Arc<dyn Provider>,
    round_trips: Option<Arc<AtomicU64>>,
}

impl Storage {
    /// A SQLite file, created by the first write.
    pub fn sqlite(path: &Path) -> Self {
        Self {
            provider: Arc::new(SqliteProvider::new(path)),
            round_trips: None,
        }
    }

    /// The PostgreSQL database `url` names (it must exist; the first
    /// connection lays out the schema).
    pub fn postgres(url: &str) -> Self {
        let provider = PostgresProvider::new(url);
        Self {
            round_trips: Some(provider.round_trip_counter()),
            provider: Arc::new(provider),
        }
    }

    /// Where `--db` says: a fresh database on the PostgreSQL server its
    /// URL names (returned too, to be dropped after every connection to
    /// it), a fresh SQLite file at its path, or without it `default_file`.
    pub fn from_db_arg(
        db: Option<&str>,
        default_file: &Path,
    ) -> Result<(Self, Option<crate::postgres::FreshDatabase>)> {
        Ok(match db {
            Some(url) if backorders_postgres::is_url(url) => {
                let database = crate::postgres::FreshDatabase::create(url)?;
                (Self::postgres(&database.url), Some(database))
            }
            Some(path) => {
                let path = Path::new(path);
                ensure!(!path.exists(), "--db {} already exists; give a fresh path", path.display());
                (Self::sqlite(path), None)
            }
            None => (Self::sqlite(default_file), None),
        })
    }

    pub fn provider(&self) -> Arc<dyn Provider> {
        Arc::clone(&self.provider)
    }

    /// Statements sent to the server so far; none for SQLite.
    pub fn round_trips(&self) -> Option<u64> {
        self.round_trips
            .as_ref()
            .map(|counter| counter.load(Ordering::Relaxed))
    }
}

/// What a system has cost so far beyond time: round trips to its server
/// (none for SQLite) and calls run again after a conflict.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    pub round_trips: Option<u64>,
    pub conflict_retries: u64,
}

pub trait System {
    /// The `system` of the JSON line.
    fn name(&self) -> &'static str;
    /// Round trips and conflict re-runs so far.
    fn counters(&self) -> Counters;
    /// Creates one backorder; returns its id.
    fn create(&mut self, order: &Order) -> Result<String>;
    /// Creates many backorders in one transaction (the scale run's bulk
    /// import); returns their ids in order.
    fn import(&mut self, orders: &[Order]) -> Result<Vec<String>>;
    /// Sets the units on hand of a SKU at the default location.
    fn set_stock(&mut self, sku: &str, on_hand: u64) -> Result<()>;
    /// Allocates the SKU's available stock by strict priority; returns
    /// (backorder id, units allocated) for every line of the run.
    fn allocate_available(&mut self, sku: &str) -> Result<Vec<(String, u64)>>;
    /// Ships `quantity` units of a backorder from inventory.
    fn fulfill(&mut self, backorder_id: &str, quantity: u64) -> Result<()>;
    /// The overall summary, as the CLI's `--json` prints it.
    fn summary(&mut self) -> Result<Value>;
    fn sku_summary(&mut self, sku: &str) -> Result<()>;
    /// One page of a SKU's open backorders; returns how many it holds.
    fn list_open(&mut self, sku: &str, limit: u32) -> Result<usize>;
}
