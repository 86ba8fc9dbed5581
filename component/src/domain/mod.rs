//! All backorder rules, as plain Rust against small port traits. Nothing
//! here names the WIT bindings, so the domain compiles and is tested
//! natively; `lib.rs` adapts it to the component model.

pub mod buffer;
pub mod error;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod memory;
pub mod model;
pub mod ops;
pub mod ports;
pub mod record;
pub mod repo;
pub mod stored;
pub mod time;
pub mod validate;

pub use error::{DomainError, DomainResult};
pub use ops::*;
pub use ports::{call, Ports};

#[cfg(test)]
mod tests;
