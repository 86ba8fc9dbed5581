//! The transaction around one call.

use super::SqliteProvider;
use crate::error::HostError;
use crate::provider::{Access, Transactional};

impl Transactional for SqliteProvider {
    fn begin(&mut self, access: Access) -> Result<(), HostError> {
        // A write takes the write lock up front (IMMEDIATE), so it waits for
        // other writers under the busy timeout instead of failing when a
        // read transaction tries to upgrade. A read takes a snapshot and no
        // lock that would block writers.
        let statement = match access {
            Access::Read => "BEGIN DEFERRED",
            Access::Write => "BEGIN IMMEDIATE",
        };
        self.connection
            .execute_batch(statement)
            .map_err(HostError::database("begin transaction"))
    }

    fn commit(&mut self) -> Result<(), HostError> {
        self.connection
            .execute_batch("COMMIT")
            .map_err(HostError::database("commit"))
    }

    fn rollback(&mut self) -> Result<(), HostError> {
        // After a failed COMMIT SQLite may already have rolled back; there
        // is then nothing left to undo.
        if self.connection.is_autocommit() {
            return Ok(());
        }
        self.connection
            .execute_batch("ROLLBACK")
            .map_err(HostError::database("roll back"))
    }
}
