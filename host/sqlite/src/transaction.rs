//! The transaction around one call.

use super::SqliteConnection;
use backorders_host::HostError;

use super::database;
use backorders_host::provider::{Access, Transactional};

/// Tries a statement that needs a lock at most this many times when the
/// database stays locked past the busy timeout, pausing between tries.
const LOCK_ATTEMPTS: u32 = 6;
const FIRST_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
const MAX_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Runs `attempt` (`operation`, for its error) until it does not find the
/// database locked: the busy timeout already waits for the lock, but SQLite
/// skips it where waiting could deadlock (taking the write lock, switching
/// the journal mode), so a few more tries with growing pauses ride out a
/// burst of other connections before a "database is locked" reaches anyone.
pub(crate) fn while_locked<T>(
    operation: &'static str,
    mut attempt: impl FnMut() -> rusqlite::Result<T>,
) -> Result<T, HostError> {
    let mut pause = FIRST_PAUSE;
    for _ in 1..LOCK_ATTEMPTS {
        match attempt() {
            Err(error) if is_busy(&error) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(MAX_PAUSE);
            }
            other => return other.map_err(database(operation)),
        }
    }
    attempt().map_err(database(operation))
}

impl Transactional for SqliteConnection {
    fn begin(&mut self, access: Access) -> Result<(), HostError> {
        // A write takes the write lock up front (IMMEDIATE), so it waits for
        // other writers under the busy timeout instead of failing when a
        // read transaction tries to upgrade. A read takes a snapshot and no
        // lock that would block writers.
        let statement = match access {
            Access::Read => "BEGIN DEFERRED",
            Access::Write => "BEGIN IMMEDIATE",
        };
        while_locked("begin transaction", || self.connection.execute_batch(statement))
    }

    fn commit(&mut self) -> Result<(), HostError> {
        self.connection
            .execute_batch("COMMIT")
            .map_err(database("commit"))
    }

    fn mark(&mut self) -> Result<(), HostError> {
        self.savepoint("set a savepoint", "SAVEPOINT call")
    }

    fn release_mark(&mut self) -> Result<(), HostError> {
        self.savepoint("release a savepoint", "RELEASE call")
    }

    fn rollback_to_mark(&mut self) -> Result<(), HostError> {
        self.savepoint("roll back to a savepoint", "ROLLBACK TO call; RELEASE call")
    }

    fn rollback(&mut self) -> Result<(), HostError> {
        // After a failed COMMIT SQLite may already have rolled back; there
        // is then nothing left to undo.
        if self.connection.is_autocommit() {
            return Ok(());
        }
        self.connection
            .execute_batch("ROLLBACK")
            .map_err(database("roll back"))
    }
}

impl SqliteConnection {
    /// Runs a savepoint statement of the open transaction. Fails when the
    /// transaction is gone: SQLite rolls a whole transaction back on some
    /// errors (a full disk, an I/O error), and a savepoint outside one
    /// would begin a new transaction instead.
    fn savepoint(&mut self, operation: &'static str, statement: &str) -> Result<(), HostError> {
        if self.connection.is_autocommit() {
            return Err(HostError::storage(operation)(std::io::Error::other(
                "the transaction was rolled back under the call",
            )));
        }
        self.connection
            .execute_batch(statement)
            .map_err(database(operation))
    }
}
