//! The transaction around one call: SERIALIZABLE, so that the guest's
//! read-decide-write over key ranges behaves as if calls ran one after
//! another; a conflict fails the call, changing nothing, for the host to
//! run again.

use backorders_host::provider::{Access, Transactional};
use backorders_host::HostError;

use super::{database, PostgresConnection};

impl Transactional for PostgresConnection {
    fn begin(&mut self, access: Access) -> Result<(), HostError> {
        self.conflict = None;
        let statement = match access {
            Access::Read => "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY",
            Access::Write => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        };
        self.batch(statement).map_err(database("begin transaction"))?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), HostError> {
        // A failed COMMIT has ended the transaction too (rolled back).
        self.in_transaction = false;
        self.batch("COMMIT").map_err(database("commit"))
    }

    fn rollback(&mut self) -> Result<(), HostError> {
        if !std::mem::take(&mut self.in_transaction) || !self.reusable_client() {
            return Ok(());
        }
        self.batch("ROLLBACK").map_err(database("roll back"))
    }

    fn take_conflict(&mut self) -> Option<HostError> {
        self.conflict.take().map(|conflict| HostError::Conflict {
            operation: "run the call",
            source: Box::new(conflict),
        })
    }
}

impl PostgresConnection {
    fn reusable_client(&self) -> bool {
        self.client.as_ref().is_some_and(|client| !client.is_closed())
    }
}
