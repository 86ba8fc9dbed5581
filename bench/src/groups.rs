//! The work one `contend` process or one W2 thread does: W1's groups of ten
//! consecutive backorders, each group on one SKU of the worker's own. For
//! each group it creates the ten, receives exactly their units for that SKU
//! (one call: the units are added and allocated by priority), and fulfils
//! each from what it was allocated. A call the host gave up on after
//! `backorders_host::MAX_CALL_ATTEMPTS` conflicting attempts changed
//! nothing; the worker issues it again, as a client would, and counts it.

use anyhow::{bail, ensure, Result};
use backorders_host::{AllocationPolicy, AllocationRunRequest, Backorders, CallError, Mode};
use serde_json::{json, Value};

use crate::systems;
use crate::workload::{order, sku_name, Order};

/// Backorders per group: W1's ten consecutive backorders of one SKU.
const GROUP: usize = 10;
/// SKU numbers of one worker: worker w uses w * SKU_BLOCK onwards.
pub const SKU_BLOCK: usize = 10_000;
/// The operations a worker calls, as its line names them.
pub const OPERATIONS: [&str; 3] = ["create", "receive", "fulfill"];
const CREATE: usize = 0;
const RECEIVE: usize = 1;
const FULFILL: usize = 2;

/// Times a worker issues one operation the host gave up on before the run
/// fails.
const MAX_ISSUES: u32 = 10;

/// Calls of one operation and their attempts that conflicted.
#[derive(Clone, Copy, Default)]
pub struct Tally {
    pub calls: u64,
    pub retries: u64,
}

/// What a worker did.
#[derive(Default)]
pub struct Work {
    pub tally: [Tally; OPERATIONS.len()],
    /// Calls the host gave up on (issued again).
    pub given_up: u64,
    pub fulfilled: u64,
}

impl Work {
    pub fn calls(&self) -> u64 {
        self.tally.iter().map(|tally| tally.calls).sum()
    }

    pub fn retries(&self) -> u64 {
        self.tally.iter().map(|tally| tally.retries).sum()
    }

    /// Calls and conflicting attempts per operation, by name.
    pub fn by_operation(&self) -> Value {
        let by_operation: serde_json::Map<String, Value> = OPERATIONS
            .iter()
            .zip(self.tally)
            .map(|(name, tally)| (name.to_string(), json!({"calls": tally.calls, "retries": tally.retries})))
            .collect();
        Value::Object(by_operation)
    }
}

/// Whether the host gave up on a call after `backorders_host::MAX_CALL_ATTEMPTS` attempts
/// that each conflicted with a concurrent call (so it changed nothing).
fn gave_up(error: &anyhow::Error) -> bool {
    matches!(error.downcast_ref::<CallError>(), Some(CallError::Host(host)) if host.is_retryable())
}

/// Worker `worker`'s `backorders`, over `skus` SKUs of its own, through
/// `handle`. Conflicting attempts are counted from the handle's counter, so
/// they are the worker's own only where it has the handle to itself.
pub fn run(handle: &Backorders, worker: usize, backorders: usize, skus: usize) -> Result<Work> {
    let mut work = Work::default();
    // Runs one operation to success, issuing it again while the host gives
    // up on it for conflicts; counts it and its conflicting attempts.
    let mut call = |kind: usize, operation: &mut dyn FnMut() -> Result<()>| {
        let before = handle.conflict_retries();
        work.tally[kind].calls += 1;
        for _ in 0..MAX_ISSUES {
            match operation() {
                // Its last attempt conflicted too.
                Err(error) if gave_up(&error) => {
                    work.given_up += 1;
                    work.tally[kind].retries += 1;
                }
                done => {
                    work.tally[kind].retries += handle.conflict_retries() - before;
                    return done;
                }
            }
        }
        bail!("worker {worker}: the host gave up on one call {MAX_ISSUES} times")
    };
    let mut fulfilled = 0;
    for first in (0..backorders).step_by(GROUP) {
        let indexes = first..backorders.min(first + GROUP);
        let sku = sku_name(worker * SKU_BLOCK + (first / GROUP) % skus);
        let mut units = 0;
        for i in indexes {
            let order = Order {
                order_id: format!("O-{worker}-{i}"),
                sku: sku.clone(),
                ..order(i, skus)
            };
            units += order.quantity;
            call(CREATE, &mut || systems::create(handle, &order).map(drop))?;
        }
        let request = AllocationRunRequest {
            policy: Some(AllocationPolicy::StrictPriority),
            ..AllocationRunRequest::from_stock(&sku)
        };
        let mut lines = Vec::new();
        call(RECEIVE, &mut || {
            lines = handle.receive(units, &request, Mode::Apply)?.value.lines;
            Ok(())
        })?;
        for line in lines.into_iter().filter(|line| line.allocated > 0) {
            call(FULFILL, &mut || systems::fulfill(handle, &line.backorder_id, line.allocated))?;
            fulfilled += 1;
        }
    }
    work.fulfilled = fulfilled;
    ensure!(
        fulfilled == backorders as u64,
        "worker {worker} fulfilled {fulfilled} of its {backorders} backorders"
    );
    Ok(work)
}
