//! The transaction around one call: REPEATABLE READ (one snapshot per
//! call), made serializable by the scopes every write names: a write
//! updates the `scopes` row of each SKU it read or wrote data of (with its
//! key-value upsert, `kv.rs`), so two concurrent writes that touched a
//! common SKU conflict on that row, and the later one fails, changing
//! nothing, for the host to run again. The README's "Isolation" has the
//! argument.

use backorders_host::provider::{Access, Connection, Transactional};
use backorders_host::HostError;

use super::{database, PostgresConnection};

impl Transactional for PostgresConnection {
    fn begin(&mut self, access: Access) -> Result<(), HostError> {
        self.conflict = None;
        self.scopes.clear();
        let statement = match access {
            Access::Read => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            Access::Write => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        };
        self.batch(statement).map_err(|error| self.failed("begin transaction", error))?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), HostError> {
        // A failed COMMIT has ended the transaction too (rolled back).
        self.in_transaction = false;
        self.batch("COMMIT").map_err(|error| self.failed("commit", error))
    }

    fn rollback(&mut self) -> Result<(), HostError> {
        if !std::mem::take(&mut self.in_transaction) || !self.reusable() {
            return Ok(());
        }
        self.batch("ROLLBACK").map_err(database("roll back"))
    }

    /// A conflict, which the host retries; or the connection lost during
    /// the call, which fails it as `HostError::Unavailable` rather than as
    /// whatever the component made of its store failing.
    fn take_conflict(&mut self) -> Option<HostError> {
        if let Some(lost) = self.unavailable() {
            return Some(lost);
        }
        self.conflict.take().map(|conflict| HostError::Conflict {
            operation: "run the call",
            source: Box::new(conflict),
        })
    }
}

impl PostgresConnection {
    /// `error` from a transaction statement: the storage unavailable when
    /// it lost the connection, else a conflict or a storage error.
    fn failed(&self, operation: &'static str, error: postgres::Error) -> HostError {
        self.unavailable().unwrap_or_else(|| database(operation)(error))
    }
}
