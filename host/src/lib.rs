//! The reference host of the backorders component: loads the component,
//! runs typed calls against SQLite-backed providers, one transaction per
//! call, and offers what the CLI, an MCP server or a benchmark need.
//!
//! ```no_run
//! use backorders_host::{Backorders, Mode, NewBackorder, Options};
//!
//! let mut backorders = Backorders::open(Options {
//!     db_path: "backorders.db".into(),
//!     component: None,
//!     now: None,
//! });
//! let request = NewBackorder {
//!     order_id: "O-1".into(),
//!     order_line_id: None,
//!     customer_id: "C-1".into(),
//!     sku: "WIDGET-001".into(),
//!     quantity: 100,
//!     priority: None,
//!     expected_date: None,
//!     promised_date: None,
//!     location: None,
//!     notes: None,
//!     request_id: None,
//! };
//! let created = backorders.create_backorder(&request, Mode::Apply)?;
//! println!("{} applied={}", created.value.backorder_id, created.applied);
//! # Ok::<(), backorders_host::CallError>(())
//! ```

mod backorders;
mod bindings;
pub mod cache;
pub mod compat;
mod context;
mod convert;
pub mod dates;
mod error;
mod guest;
mod imports;
pub mod json;
pub mod mcp;
pub mod limits;
pub mod names;
pub mod provider;
mod runtime;
pub mod scenario;
pub mod sqlite;
mod stats;

/// The guest component this host was built with (see `build.rs`).
pub const EMBEDDED_COMPONENT: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/backorders_component.wasm"));

pub use backorders::{Backorders, Mode, Options, Outcome, MAX_STOCK_QUANTITY, MAX_TEXT_CHARS};
pub use bindings::*;
pub use convert::sku_summary_figures;
pub use error::{describe_domain, CallError, HostError};
pub use cache::{CacheOutcome, CompileCache};
pub use limits::{Limit, Limits};
pub use runtime::POOLED_INSTANCES;
pub use sqlite::{OutboxEvent, SqliteProvider, StockLevel};
pub use stats::CallStats;
