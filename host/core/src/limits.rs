//! What one call of the component may use. Every limit has a named default
//! here and an override: `Backorders::with_limits` for an embedder, global
//! flags (`--max-memory`, `--max-cpu-ms`, …) for the CLI. A call over a limit
//! ends with `HostError::LimitExceeded` naming it, its transaction is rolled
//! back, and the next call runs normally in a fresh instance.

use std::fmt;
use std::time::Duration;

use wasmtime::ResourceLimiter;

/// Linear memory one call may grow to.
pub const DEFAULT_MEMORY_BYTES: usize = 64 << 20;

/// Wall time one call may run for before it is interrupted (an epoch
/// deadline, checked every 10 ms). An allocation run serves a backorder in
/// about 115 µs on a 2-core machine (`backorders-bench --scale`), so one
/// serving 100,000 takes about 12 s; this leaves five times that before a
/// runaway loop ends.
pub const DEFAULT_CPU_TIME: Duration = Duration::from_secs(60);

/// Wasm stack one call may use. The component's deepest path (serde over a
/// backorder record) needs a few KiB.
pub const DEFAULT_STACK_BYTES: usize = 512 << 10;

/// Core instances, tables and linear memories one call's instance may
/// create. The component needs 3 core instances, 2 tables and 1 memory
/// (its canonical-ABI shims included); the slack is for a rebuilt one.
pub const DEFAULT_INSTANCES: u32 = 16;
pub const DEFAULT_TABLES: u32 = 16;
pub const DEFAULT_MEMORIES: u32 = 4;
/// Elements one table may grow to.
pub const DEFAULT_TABLE_ELEMENTS: usize = 100_000;

/// Longest store key, in bytes. The component's keys are short index paths.
pub const DEFAULT_KEY_BYTES: usize = 1024;
/// Longest store value, in bytes.
pub const DEFAULT_VALUE_BYTES: usize = 1 << 20;
/// Most entries one `scan`, `get-many` or write batch may carry.
pub const DEFAULT_LIST_ENTRIES: usize = 10_000;
/// Longest string the component hands the inventory or the outbox (SKU,
/// location, holder, ids), in bytes.
pub const DEFAULT_TEXT_BYTES: usize = 4096;

/// Bytes of the component's stdout and of its stderr kept per call. A panic
/// message lands in stderr and is quoted in the trap report; writing more is
/// a blown limit.
pub const DEFAULT_OUTPUT_BYTES: usize = 64 << 10;

/// The limits on one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub memory_bytes: usize,
    /// The CPU deadline (wall time, with a 10 ms resolution).
    pub cpu_time: Duration,
    /// Fuel one call may burn, about one unit per wasm instruction: a
    /// deterministic CPU limit on top of the deadline, and the fuel figure
    /// of `CallStats`. None: fuel is not metered (guest code runs ~1.5x
    /// faster without it).
    pub fuel: Option<u64>,
    pub stack_bytes: usize,
    pub instances: u32,
    pub tables: u32,
    pub memories: u32,
    pub table_elements: usize,
    pub key_bytes: usize,
    pub value_bytes: usize,
    pub list_entries: usize,
    pub text_bytes: usize,
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            cpu_time: DEFAULT_CPU_TIME,
            fuel: None,
            stack_bytes: DEFAULT_STACK_BYTES,
            instances: DEFAULT_INSTANCES,
            tables: DEFAULT_TABLES,
            memories: DEFAULT_MEMORIES,
            table_elements: DEFAULT_TABLE_ELEMENTS,
            key_bytes: DEFAULT_KEY_BYTES,
            value_bytes: DEFAULT_VALUE_BYTES,
            list_entries: DEFAULT_LIST_ENTRIES,
            text_bytes: DEFAULT_TEXT_BYTES,
            output_bytes: DEFAULT_OUTPUT_BYTES,
        }
    }
}

/// Which limit a call went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Memory,
    Cpu,
    Stack,
    Instances,
    Tables,
    /// A string or list the component handed the host.
    Value,
    /// What the component wrote to stdout or stderr.
    Output,
}

impl Limit {
    /// The snake_case name printed in messages and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Memory => "memory",
            Limit::Cpu => "cpu",
            Limit::Stack => "stack",
            Limit::Instances => "instances",
            Limit::Tables => "tables",
            Limit::Value => "value",
            Limit::Output => "output",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Raised inside a call (by the limiter, an import or an output pipe) and
/// carried out of wasmtime as the error of the trap, so the host reports
/// which limit it was rather than an opaque trap.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("limit exceeded: {limit}: {detail}")]
pub struct LimitExceeded {
    pub limit: Limit,
    pub detail: String,
}

impl LimitExceeded {
    pub(crate) fn new(limit: Limit, detail: impl Into<String>) -> Self {
        Self {
            limit,
            detail: detail.into(),
        }
    }
}

/// Checks a length the component chose against its limit.
pub(crate) fn check_length(what: &str, actual: usize, limit: usize) -> Result<(), LimitExceeded> {
    if actual <= limit {
        Ok(())
    } else {
        Err(LimitExceeded::new(
            Limit::Value,
            format!("{what} is {actual} bytes, the limit is {limit}"),
        ))
    }
}

/// The store's `ResourceLimiter`: refuses growth past the limits with a
/// typed error (a trap that names the limit), and records the peak memory.
#[derive(Debug)]
pub(crate) struct CallLimiter {
    limits: Limits,
    /// The most linear memory the call held at once, in bytes.
    pub(crate) peak_memory_bytes: usize,
}

impl CallLimiter {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            peak_memory_bytes: 0,
        }
    }
}

/// Refuses growing `what` from `current` to `desired` `units` past
/// `allowed`: the call traps with `limit` exceeded, saying what raises the
/// limit when a flag does (`raised_by`).
fn check_growth(
    limit: Limit,
    (what, units): (&str, &str),
    (current, desired): (usize, usize),
    allowed: usize,
    raised_by: &str,
) -> wasmtime::Result<()> {
    if desired > allowed {
        let detail = format!(
            "{what} would grow from {current} to {desired} {units}, the limit is {allowed}{raised_by}"
        );
        return Err(LimitExceeded::new(limit, detail).into());
    }
    Ok(())
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let what = ("linear memory", "bytes");
        let allowed = self.limits.memory_bytes;
        check_growth(
            Limit::Memory,
            what,
            (current, desired),
            allowed,
            " (--max-memory)",
        )?;
        self.peak_memory_bytes = self.peak_memory_bytes.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let what = ("a table", "elements");
        let allowed = self.limits.table_elements;
        check_growth(Limit::Tables, what, (current, desired), allowed, "")?;
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.limits.instances as usize
    }

    fn tables(&self) -> usize {
        self.limits.tables as usize
    }

    fn memories(&self) -> usize {
        self.limits.memories as usize
    }
}
