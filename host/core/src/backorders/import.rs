//! Bulk import: many creates in one transaction, for loading a platform's
//! existing backorders (and the benchmark's scale run).

use super::{Backorders, Mode};
use crate::bindings::{Backorder, NewBackorder};
use crate::error::CallError;
use crate::provider::Access;

impl Backorders {
    /// Creates every backorder of `requests`, in order, in one transaction:
    /// all of them or, at the first refusal, none. Each create still runs in
    /// a fresh instance under the per-call limits; only the commit is shared,
    /// which is what makes an import of many fast.
    pub fn import_backorders(
        &self,
        requests: &[NewBackorder],
    ) -> Result<Vec<Backorder>, CallError> {
        let outcome = self.with_component(Access::Write, Mode::Apply, |caller, mut connection| {
            let mut created = Vec::with_capacity(requests.len());
            for request in requests {
                let (returned, result) =
                    caller.run("create-backorder", connection, |guest, store| {
                        guest.create_backorder(store, request)
                    });
                connection = returned;
                match result {
                    Ok(backorder) => created.push(backorder),
                    Err(error) => return (connection, Err(error)),
                }
            }
            (connection, Ok(created))
        })?;
        Ok(outcome.value)
    }
}
