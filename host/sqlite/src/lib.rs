//! The embedded default provider of the backorders host: one SQLite
//! database holds the component's key-value space, the stock and
//! reservations, and the event outbox, so one SQLite transaction covers
//! everything a call does.
//!
//! ```no_run
//! let backorders = backorders_sqlite::open("backorders.db", backorders_host::Options::default());
//! let summary = backorders.backorder_summary()?;
//! # Ok::<(), backorders_host::CallError>(())
//! ```

mod copy;
mod deliveries;
mod events;
mod inventory;
mod kv;
mod schema;
mod stock;
mod transaction;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use backorders_host::provider::{Connection as ProviderConnection, Provider};
use backorders_host::{Backorders, HostError, Options};

pub use deliveries::deliveries;

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

/// A handle over the SQLite database at `path`, created by the first call
/// that commits.
pub fn open(path: impl Into<PathBuf>, options: Options) -> Backorders {
    Backorders::new(SqliteProvider::new(path), options)
}

/// Maps a SQLite failure during `operation`.
pub(crate) fn database(operation: &'static str) -> impl Fn(rusqlite::Error) -> HostError {
    HostError::storage(operation)
}

/// Connections to one database file, one per call in flight, kept for the
/// calls that follow. If the file does not exist, only a call that will
/// commit creates it; previews and reads run against an empty in-memory
/// database instead, so they never leave a file behind.
pub struct SqliteProvider {
    path: PathBuf,
    idle: Mutex<Vec<Box<dyn ProviderConnection>>>,
}

impl SqliteProvider {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Provider for SqliteProvider {
    fn connect(&self, will_commit: bool) -> Result<Box<dyn ProviderConnection>, HostError> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        if let Some(connection) = idle {
            return Ok(connection);
        }
        Ok(Box::new(SqliteConnection::open_or_empty(&self.path, will_commit)?))
    }

    fn release(&self, connection: Box<dyn ProviderConnection>) {
        // A stand-in is dropped: once the file exists it is never used
        // again, and until then each preview starts from an empty database.
        if connection.reusable() {
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(connection);
        }
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    /// SQLite has one writer at a time, and savepoints.
    fn shares_commits(&self) -> bool {
        true
    }
}

/// A connection to a backorders database.
pub struct SqliteConnection {
    connection: Connection,
    /// An in-memory stand-in for a file that does not exist yet.
    stand_in: bool,
}

impl ProviderConnection for SqliteConnection {
    fn reusable(&self) -> bool {
        !self.stand_in
    }
}

impl SqliteConnection {
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

    /// The database at `path`; when there is no file there, a new one if
    /// `create` is set, else an empty stand-in that leaves no file behind
    /// (what a preview or a read of a missing database sees).
    pub fn open_or_empty(path: &Path, create: bool) -> Result<Self, HostError> {
        let exists = path.try_exists().map_err(|source| HostError::OpenDatabase {
            path: path.to_path_buf(),
            reason: source.to_string(),
        })?;
        if exists || create {
            Self::open(path, create)
        } else {
            Self::in_memory()
        }
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
            .map_err(database("set busy timeout"))?;
        schema::ensure(&connection, path)?;
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(database("set synchronous"))?;
        // A call writes a few dozen pages (its record, history and index
        // entries sit in different parts of the key space), so SQLite's
        // default checkpoint every 1,000 WAL pages would fsync the file every
        // few dozen calls; the fsyncs, not the work, would set the pace.
        connection
            .pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
            .map_err(database("set wal_autocheckpoint"))?;
        connection
            .pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(database("set cache_size"))?;
        // Calls that share a commit each run in a savepoint, whose journal
        // (the pages' contents before it) is a temporary file by default:
        // keeping it in memory makes a shared call ~10% cheaper (W2).
        connection
            .pragma_update(None, "temp_store", "MEMORY")
            .map_err(database("set temp_store"))?;
        // The bundled SQLite has STAT4, which marks a range scan's bound
        // keys as able to change its plan: every `scan` with new bounds was
        // prepared again (~10 µs). The kv table has one plan for a range
        // scan, its primary key, so the planner's stability guarantee costs
        // nothing and keeps the prepared statement.
        connection
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(database("enable the query planner stability guarantee"))?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        Ok(Self {
            connection,
            stand_in: path.is_none(),
        })
    }
}

#[cfg(test)]
mod tests;
