//! Moving a whole database to another provider (`backorders copy`): every
//! provider that keeps the data in tables exports and imports its raw rows
//! through [`Rows`], and [`copy`] streams them from one to the other.
//!
//! What a copy carries is everything the component's data is: the
//! key-value space (the idempotency records live in it), stock levels,
//! reservations with their ids (allocation records name them), the event
//! outbox with its sequence numbers, and the numbers each database has
//! handed out, so the target never hands out a reservation id or an event
//! `seq` the source already used. Rows a provider keeps beside that data
//! (SQLite's webhook delivery state) are not copied; [`Rows::not_copied`]
//! counts them, so a copy reports them instead of dropping them silently.
//!
//! The contract:
//! - **One snapshot.** The source is read in one read transaction, so a
//!   copy taken while hosts write is the state after some call.
//! - **One transaction.** The target is written in one write transaction:
//!   a failure anywhere leaves it as it was, empty.
//! - **Empty target.** A target holding any key-value row, stock row,
//!   reservation or event is refused, unchanged.
//! - **Constant memory.** Rows move in chunks of [`COPY_CHUNK_ROWS`], each
//!   read after the last key of the one before, in key order.

use crate::error::HostError;
use crate::provider::{Access, KeyValuePair, NewReservation, StockLevel, StoredEvent, Transactional};

/// Rows read and written per statement of a copy: the most it holds in
/// memory of any table at once.
pub const COPY_CHUNK_ROWS: u32 = 1_000;

/// Rows per table of the component's data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TableCounts {
    pub kv: u64,
    pub stock: u64,
    pub reservations: u64,
    pub events: u64,
}

impl TableCounts {
    pub fn total(&self) -> u64 {
        self.kv + self.stock + self.reservations + self.events
    }
}

/// The highest numbers a database has handed out (0: none yet), which it
/// never hands out again, even after the row is gone, and the next number
/// of each `next-number` sequence (backorder and allocation numbers).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Numbering {
    pub reservation_id: i64,
    pub event_seq: i64,
    pub sequences: std::collections::BTreeMap<String, i64>,
}

/// A reservation as a database stores it: its row key (`RS-<id>`) and
/// what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReservation {
    pub id: i64,
    pub reservation: NewReservation,
}

/// Rows of a provider's own that a copy does not carry, by name, with how
/// many there are (`webhook endpoints`, 2).
pub type NotCopied = Vec<(&'static str, u64)>;

/// A connection's raw rows, for a copy: read in key order after a cursor,
/// written as they were read. Every method runs inside the transaction
/// the caller began.
pub trait Rows: Transactional {
    fn counts(&mut self) -> Result<TableCounts, HostError>;
    fn numbering(&mut self) -> Result<Numbering, HostError>;
    fn not_copied(&mut self) -> Result<NotCopied, HostError>;

    /// Key-value rows after `after` (none: from the first), at most `limit`.
    fn read_kv(&mut self, after: Option<&[u8]>, limit: u32) -> Result<Vec<KeyValuePair>, HostError>;
    /// Stock rows after `after` by SKU then location (the default location
    /// first), at most `limit`.
    fn read_stock(&mut self, after: Option<&StockLevel>, limit: u32) -> Result<Vec<StockLevel>, HostError>;
    /// Reservations with an id above `after`, by id, at most `limit`.
    fn read_reservations(&mut self, after: i64, limit: u32) -> Result<Vec<StoredReservation>, HostError>;
    /// Events with a `seq` above `after`, by `seq`, at most `limit`.
    fn read_events(&mut self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, HostError>;

    fn insert_kv(&mut self, rows: &[KeyValuePair]) -> Result<(), HostError>;
    /// Stock rows with their reserved counts.
    fn insert_stock(&mut self, rows: &[StockLevel]) -> Result<(), HostError>;
    /// Reservations under their own ids.
    fn insert_reservations(&mut self, rows: &[StoredReservation]) -> Result<(), HostError>;
    /// Events under their own `seq`.
    fn insert_events(&mut self, rows: &[StoredEvent]) -> Result<(), HostError>;
    /// Makes the next reservation id and event `seq` come after `numbering`,
    /// and each sequence's next number at least its `sequences` entry (and
    /// after anything this database handed out itself).
    fn continue_numbering(&mut self, numbering: Numbering) -> Result<(), HostError>;
}

/// What a copy moved (or, as a preview, would move).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub copied: TableCounts,
    pub numbering: Numbering,
    pub not_copied: NotCopied,
    /// False for a preview: the target was not written.
    pub applied: bool,
}

/// Copies every row of `source` into `target`, which must be empty, in one
/// transaction on each; `apply` false only counts what would be copied.
/// A non-empty target is `InvalidInput` on `to`, and stays unchanged.
pub fn copy(source: &mut dyn Rows, target: &mut dyn Rows, apply: bool) -> Result<CopyReport, HostError> {
    source.begin(Access::Read)?;
    let result = copy_from_snapshot(source, target, apply);
    // The read transaction wrote nothing; ending it cannot lose anything.
    let ended = source.rollback();
    let report = result?;
    ended?;
    Ok(report)
}

fn copy_from_snapshot(source: &mut dyn Rows, target: &mut dyn Rows, apply: bool) -> Result<CopyReport, HostError> {
    let counts = source.counts()?;
    let numbering = source.numbering()?;
    let not_copied = source.not_copied()?;
    target.begin(Access::Write)?;
    let written = refuse_non_empty(target).and_then(|()| {
        if apply {
            write_everything(source, target, numbering.clone())
        } else {
            Ok(counts)
        }
    });
    let copied = match written {
        Ok(copied) if apply => target.commit().map(|()| copied)?,
        other => {
            target.rollback()?;
            other?
        }
    };
    Ok(CopyReport {
        copied,
        numbering,
        not_copied,
        applied: apply,
    })
}

fn refuse_non_empty(target: &mut dyn Rows) -> Result<(), HostError> {
    let found = target.counts()?;
    if found.total() == 0 {
        return Ok(());
    }
    Err(HostError::InvalidInput {
        field: "to",
        message: format!(
            "the target database is not empty ({} key-value rows, {} stock rows, {} reservations, \
             {} events); copy only into an empty database",
            found.kv, found.stock, found.reservations, found.events
        ),
    })
}

/// Streams every table, chunk by chunk: each chunk's last row is the
/// cursor of the next read.
fn write_everything(source: &mut dyn Rows, target: &mut dyn Rows, numbering: Numbering) -> Result<TableCounts, HostError> {
    let copied = TableCounts {
        kv: stream(
            |after: Option<&KeyValuePair>| source.read_kv(after.map(|(key, _)| key.as_slice()), COPY_CHUNK_ROWS),
            |rows| target.insert_kv(rows),
        )?,
        stock: stream(
            |after: Option<&StockLevel>| source.read_stock(after, COPY_CHUNK_ROWS),
            |rows| target.insert_stock(rows),
        )?,
        reservations: stream(
            |after: Option<&StoredReservation>| source.read_reservations(after.map_or(0, |row| row.id), COPY_CHUNK_ROWS),
            |rows| target.insert_reservations(rows),
        )?,
        events: stream(
            |after: Option<&StoredEvent>| source.read_events(after.map_or(0, |row| row.seq), COPY_CHUNK_ROWS),
            |rows| target.insert_events(rows),
        )?,
    };
    target.continue_numbering(numbering)?;
    Ok(copied)
}

/// Reads chunks with `read` (after the previous chunk's last row) and
/// hands each to `write` until a short one; the rows moved.
fn stream<T>(
    mut read: impl FnMut(Option<&T>) -> Result<Vec<T>, HostError>,
    mut write: impl FnMut(&[T]) -> Result<(), HostError>,
) -> Result<u64, HostError> {
    let mut moved = 0;
    let mut chunk = read(None)?;
    while !chunk.is_empty() {
        write(&chunk)?;
        moved += chunk.len() as u64;
        if chunk.len() < COPY_CHUNK_ROWS as usize {
            break;
        }
        let next = read(chunk.last())?;
        chunk = next;
    }
    Ok(moved)
}
