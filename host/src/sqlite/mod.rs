//! The reference provider: one SQLite database holds the component's
//! key-value space, the stock and reservations, and the event outbox, so one
//! SQLite transaction covers everything a call does.

mod events;
mod inventory;
mod kv;
mod schema;
mod stock;
mod transaction;

pub use events::{OutboxEvent, MAX_EVENTS_PER_READ};
pub use stock::{StockLevel, MAX_STOCK_ROWS};

use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::error::HostError;

/// How long a call waits for another process's write transaction before it
/// fails with "database is locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// WAL pages after which a commit checkpoints the WAL into the database
/// file (SQLite's default is 1,000): 64 MiB of WAL at 4 KiB pages.
pub const WAL_CHECKPOINT_PAGES: i64 = 16_384;

/// Page cache per connection, in KiB (SQLite's default is 2,000): the index
/// pages a call walks stay in memory at a million backorders.
pub const CACHE_KIB: i64 = 32 << 10;

/// Distinct statements the provider prepares; all stay cached.
const STATEMENT_CACHE_CAPACITY: usize = 64;

/// A connection to a backorders database.
pub struct SqliteProvider {
    connection: Connection,
    /// Key-value operations served so far (each key of a `get-many` counts),
    /// so tests can bound what a call touches without timing it.
    store_operations: u64,
}

impl SqliteProvider {
    /// Opens the database at `path`, creating the file and its schema when
    /// `create` is set and it does not exist yet. A file that is not a
    /// backorders database is refused and left untouched.
    pub fn open(path: &Path, create: bool) -> Result<Self, HostError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let connection =
            Connection::open_with_flags(path, flags).map_err(|source| HostError::OpenDatabase {
                path: path.to_path_buf(),
                reason: source.to_string(),
            })?;
        Self::prepare(connection, Some(path))
    }

    /// A private database that vanishes when dropped: what a preview runs
    /// against when the database file does not exist, so that a preview
    /// creates no file.
    pub fn in_memory() -> Result<Self, HostError> {
        let connection =
            Connection::open_in_memory().map_err(|source| HostError::OpenDatabase {
                path: ":memory:".into(),
                reason: source.to_string(),
            })?;
        Self::prepare(connection, None)
    }

    fn prepare(connection: Connection, path: Option<&Path>) -> Result<Self, HostError> {
        // Connection settings only: none of these writes to the file. The
        // schema check comes before `synchronous` so that a file which is
        // not SQLite is reported as such.
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(HostError::database("set busy timeout"))?;
        schema::ensure(&connection, path)?;
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(HostError::database("set synchronous"))?;
        // A call writes a few dozen pages (its record, history and index
        // entries sit in different parts of the key space), so SQLite's
        // default checkpoint every 1,000 WAL pages would fsync the file every
        // few dozen calls; the fsyncs, not the work, would set the pace.
        connection
            .pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
            .map_err(HostError::database("set wal_autocheckpoint"))?;
        connection
            .pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(HostError::database("set cache_size"))?;
        // The bundled SQLite has STAT4, which marks a range scan's bound
        // keys as able to change its plan: every `scan` with new bounds was
        // prepared again (~10 µs). The kv table has one plan for a range
        // scan, its primary key, so the planner's stability guarantee costs
        // nothing and keeps the prepared statement.
        connection
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(HostError::database("enable the query planner stability guarantee"))?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        Ok(Self { connection, store_operations: 0 })
    }
}

#[cfg(test)]
mod tests;
