//! One typed method per export of the component's `backorders` interface;
//! `receive` is written by hand, to take its units beside the run.

use super::{Backorders, Mode, Outcome};
use crate::bindings::{
    AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, AllocationRun,
    AllocationRunRequest, Backorder, BackorderDetail, BackorderPage, BackorderSummary,
    BackorderUpdate, BulkCreate, BulkResult, CancelRequest, CancelResult, ExpectedSupply, ExpiryRequest, ExpiryResult,
    FulfillmentRequest, FulfillmentResult, IntegrityReport, ListRequest, NewBackorder, PromisePlan,
    SkuSummary, StockAdjustment, StockAdjustmentRequest, SupplyExpectation,
};
use crate::bindings::{Settings, SettingsUpdate};
use crate::error::CallError;
use crate::provider::Access;

/// One public method per export, from the rows of
/// `crate::guest::for_each_export!`: a write runs in a transaction that
/// `mode` commits or rolls back; a read always rolls back.
macro_rules! public_exports {
    ($($(#[$doc:meta])* $access:ident $method:ident = $name:literal ($($arg:ident: $param:ty),*) -> $result:ty;)*) => {
        impl Backorders {
            $(public_exports!(@method $access $(#[$doc])* $method $name ($($arg: $param),*) -> $result);)*
        }
    };
    (@method write $(#[$doc:meta])* $method:ident $name:literal ($($arg:ident: $param:ty),*) -> $result:ty) => {
        $(#[$doc])*
        pub fn $method(&self, $($arg: $param,)* mode: Mode) -> Result<Outcome<$result>, CallError> {
            self.call($name, Access::Write, mode, |guest, store| guest.$method(store, $($arg),*))
        }
    };
    (@method by_hand $(#[$doc:meta])* $method:ident $name:literal ($($arg:ident: $param:ty),*) -> $result:ty) => {};
    (@method read $(#[$doc:meta])* $method:ident $name:literal ($($arg:ident: $param:ty),*) -> $result:ty) => {
        $(#[$doc])*
        pub fn $method(&self, $($arg: $param),*) -> Result<$result, CallError> {
            self.read($name, |guest, store| guest.$method(store, $($arg),*))
        }
    };
}

crate::guest::for_each_export!(public_exports);

impl Backorders {
    /// Receives units: adds `quantity` to the stock of `request.sku` at
    /// `request.location` and allocates what is available, in one call of
    /// the component's `receive` (its `received` is `quantity`). A repeat
    /// with the same `request_id` returns the first run and adds nothing.
    pub fn receive(
        &self,
        quantity: u64,
        request: &AllocationRunRequest,
        mode: Mode,
    ) -> Result<Outcome<AllocationRun>, CallError> {
        super::stock::check_stock_input(&request.sku, request.location.as_deref(), quantity, 1)?;
        let request = AllocationRunRequest { received: Some(quantity), ..request.clone() };
        self.call("receive", Access::Write, mode, |guest, store| guest.receive(store, &request))
    }
}
