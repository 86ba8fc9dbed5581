//! The transaction around one call.

use super::SqliteConnection;
use backorders_host::HostError;

use super::database;
use backorders_host::provider::{Access, Transactional};

/// Tries to begin a transaction at most this many times when the database
/// stays locked past the busy timeout, pausing between tries.
const BEGIN_ATTEMPTS: u32 = 6;
const BEGIN_FIRST_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
const BEGIN_MAX_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
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
        // The busy timeout already waits for the lock; past it, a few more
        // tries with growing pauses ride out a burst of writers before a
        // "database is locked" reaches anyone.
        let mut pause = BEGIN_FIRST_PAUSE;
        for _ in 1..BEGIN_ATTEMPTS {
            match self.connection.execute_batch(statement) {
                Err(error) if is_busy(&error) => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(BEGIN_MAX_PAUSE);
                }
                other => return other.map_err(database("begin transaction")),
            }
        }
        self.connection
            .execute_batch(statement)
            .map_err(database("begin transaction"))
    }

    fn commit(&mut self) -> Result<(), HostError> {
        self.connection
            .execute_batch("COMMIT")
            .map_err(database("commit"))
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
