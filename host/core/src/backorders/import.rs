//! Bulk import: many creates in one transaction, for loading a platform's
//! existing backorders (and the benchmark's scale run), and many
//! `create-backorders` calls in one transaction (`backorders import
//! --all-or-nothing` past one call's 1,000 items).

use super::{Backorders, CallStore, Mode, Outcome};
use crate::guest::Guest;
use crate::bindings::{Backorder, BackorderError, BulkCreate, BulkResult, NewBackorder};
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
        let outcome = self.each_in_one("create-backorder", requests, Mode::Apply, |guest, store, request| {
            guest.create_backorder(store, request)
        })?;
        Ok(outcome.value)
    }

    /// Runs `create-backorders` on each of `requests`, in order, in one
    /// transaction that `mode` commits or rolls back: at the first call
    /// that fails (with `all_or_nothing`, at the first refused item), none
    /// of them changes anything.
    pub fn create_backorders_in_one(
        &self,
        requests: &[BulkCreate],
        mode: Mode,
    ) -> Result<Outcome<Vec<BulkResult>>, CallError> {
        self.each_in_one("create-backorders", requests, mode, |guest, store, request| {
            guest.create_backorders(store, request)
        })
    }

    /// Calls `export` once per request, each in a fresh instance, all in
    /// one transaction.
    fn each_in_one<R: Sync, T: Send>(
        &self,
        export: &'static str,
        requests: &[R],
        mode: Mode,
        call: impl Fn(&Guest, &mut CallStore, &R) -> wasmtime::Result<Result<T, BackorderError>> + Sync,
    ) -> Result<Outcome<Vec<T>>, CallError> {
        self.with_component(Access::Write, mode, |caller, mut connection| {
            let mut results = Vec::with_capacity(requests.len());
            for request in requests {
                let (returned, result) = caller.run(export, connection, |guest, store| call(guest, store, request));
                connection = returned;
                match result {
                    Ok(value) => results.push(value),
                    Err(error) => return (connection, Err(error)),
                }
            }
            (connection, Ok(results))
        })
    }
}
