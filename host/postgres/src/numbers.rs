//! The store's number sequences (WIT `next-number`), leased to this
//! process in blocks so that creates on different hosts share no row: a
//! host takes a block of numbers from `sequences` in a short transaction
//! of its own (on a connection kept for that), then hands them out from
//! memory. The first block of a sequence is one number, and each next
//! block twice the last, up to `MAX_BLOCK`: a short-lived process (one CLI
//! command) takes just what it uses, a long-lived one leases rarely.
//!
//! What that does to numbers: unique in the database and increasing within
//! a process; a block's unused rest (its process ended) and the number of
//! a call that rolled back (a conflict re-run, a preview, an error) are
//! never handed out, so numbers skip; two processes' numbers need not
//! follow the order of their commits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use postgres::{Client, Config};

use backorders_host::provider::KeyValueError;

use super::{close, connect, describe};

/// The largest block of numbers a process leases at once.
pub const MAX_BLOCK: u64 = 64;

/// The numbers a process holds, per sequence, and its leasing connection.
pub(crate) struct Numbers {
    config: Config,
    lessor: Mutex<Option<Client>>,
    blocks: Mutex<HashMap<String, Block>>,
    round_trips: Arc<AtomicU64>,
}

/// Numbers `next..end` are this process's to hand out; `size` was the
/// last lease's.
#[derive(Default)]
struct Block {
    next: u64,
    end: u64,
    size: u64,
}

fn unavailable(reason: String) -> KeyValueError {
    KeyValueError::Unavailable { reason }
}

impl Numbers {
    pub(crate) fn new(config: Config, round_trips: Arc<AtomicU64>) -> Self {
        Self {
            config,
            lessor: Mutex::new(None),
            blocks: Mutex::new(HashMap::new()),
            round_trips,
        }
    }

    /// A number of `sequence` greater than `after`: from the block held,
    /// else from a new lease.
    pub(crate) fn next(&self, sequence: &str, after: u64) -> Result<u64, KeyValueError> {
        let mut blocks = self.blocks.lock().unwrap_or_else(PoisonError::into_inner);
        let block = blocks.entry(sequence.to_owned()).or_default();
        if block.next <= after {
            // Numbers at or below `after` are of no use: lease past it.
            block.next = block.end;
        }
        if block.next >= block.end {
            let size = (block.size * 2).clamp(1, MAX_BLOCK);
            let end = self.lease(sequence, after.saturating_add(1), size)?;
            *block = Block { next: end - size, end, size };
        }
        let number = block.next;
        block.next += 1;
        Ok(number)
    }

    /// Leases `size` numbers of `sequence`, none below `lowest`, in one
    /// committed statement; the end of the block leased.
    fn lease(&self, sequence: &str, lowest: u64, size: u64) -> Result<u64, KeyValueError> {
        let stored = |value: u64| i64::try_from(value).map_err(|_| unavailable(format!("sequence {sequence} is past the largest storable number")));
        let (lowest, size) = (stored(lowest)?, stored(size)?);
        let mut lessor = self.lessor.lock().unwrap_or_else(PoisonError::into_inner);
        if lessor.as_ref().is_none_or(Client::is_closed) {
            *lessor = Some(connect(&self.config).map_err(|error| unavailable(describe(&error)))?);
        }
        let client = lessor.as_mut().expect("connected above");
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        let leased = client.query_one(
            "INSERT INTO sequences (name, next) VALUES ($1, $2::bigint + $3::bigint)
             ON CONFLICT (name) DO UPDATE SET next = GREATEST(sequences.next, $2::bigint) + $3::bigint
             RETURNING next",
            &[&sequence, &lowest, &size],
        );
        match leased {
            Ok(row) => Ok(row.get::<_, i64>(0) as u64),
            Err(error) => {
                // A broken connection is made again by the next lease.
                *lessor = None;
                Err(unavailable(describe(&error)))
            }
        }
    }
}

impl Drop for Numbers {
    fn drop(&mut self) {
        if let Some(client) = self.lessor.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
            close(client);
        }
    }
}
