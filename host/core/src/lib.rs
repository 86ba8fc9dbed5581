//! Embed the backorders component: load it, run typed calls against a
//! provider of your choice, one transaction per call, from any number of
//! threads. The SQLite provider is the `backorders-sqlite` crate; an
//! in-memory one is [`provider::memory`]; a platform implements the
//! [`provider`] traits over its own database.
//!
//! ```no_run
//! use backorders_host::provider::memory::MemoryProvider;
//! use backorders_host::{Backorders, Mode, NewBackorder, Options};
//!
//! let backorders = Backorders::new(MemoryProvider::new(), Options::default());
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
pub mod json;
mod error;
mod guest;
mod imports;
pub mod limits;
pub mod names;
pub mod provider;
mod runtime;
mod stats;
mod wasi;

/// The guest component this host was built with (see `build.rs`).
pub const EMBEDDED_COMPONENT: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/backorders_component.wasm"));

pub use backorders::{
    Backorders, Mode, Options, Outcome, MAX_CALL_ATTEMPTS, MAX_EVENTS_PER_READ, MAX_SHARED_CALLS,
    MAX_STOCK_QUANTITY, MAX_STOCK_ROWS,
    MAX_TEXT_CHARS,
};
pub use bindings::*;
pub use cache::{CacheOutcome, CompileCache};
pub use error::{describe_domain, CallError, HostError};
pub use limits::{Limit, Limits};
pub use provider::{OutboxEvent, StockLevel, StockLevelReport};
pub use runtime::POOLED_INSTANCES;
pub use stats::CallStats;
