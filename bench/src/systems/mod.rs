//! The systems a workload runs against: the component through the real
//! host, or the same domain code compiled natively. Both keep their data in
//! a SQLite file through the host's `SqliteConnection`, one transaction per
//! operation.

mod component;
mod native;

pub use component::{new_backorder, open_page, ComponentSystem};
pub use native::NativeSystem;

use anyhow::Result;
use serde_json::Value;

use crate::workload::Order;

pub trait System {
    /// The `system` of the JSON line.
    fn name(&self) -> &'static str;
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
