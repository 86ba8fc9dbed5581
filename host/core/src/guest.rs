//! The component's exports, called on a fresh instance without re-checking
//! their types at every instantiation.
//!
//! The generated `Guest` looks up and type-checks all its exports each
//! time it is built from an instance: about 7 µs, a third of a small call.
//! Here each export's index and type are checked once per loaded component
//! (on its first call), and a call looks up only the export it runs. The
//! signatures are the generated ones (`call_create_backorder`, …) under the
//! host's method names (`create_backorder`); a signature that disagreed
//! with the component's would fail that first check instead of running.
//!
//! The exports are listed once, in `for_each_export!`.

use std::sync::OnceLock;

use wasmtime::component::{ComponentExportIndex, Instance, TypedFunc};
use wasmtime::AsContextMut;

use crate::bindings::{
    AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, AllocationRun,
    AllocationRunRequest, Backorder, BackorderDetail, BackorderError, BackorderPage,
    BackorderSummary, BackorderUpdate, BulkCreate, BulkResult, CancelRequest, CancelResult, ExpectedSupply, ExpiryRequest,
    ExpiryResult, FulfillmentRequest, FulfillmentResult, IntegrityReport, ListRequest,
    NewBackorder, PromisePlan, SkuSummary, StockAdjustment, StockAdjustmentRequest, SupplyExpectation,
};
use crate::bindings::{Settings, SettingsUpdate};
use crate::compat::{WIT_PACKAGE, WIT_VERSION};

/// The exported interface, by the name the generated bindings look it up.
const INTERFACE: &str = "backorders";

/// Every export of the component's `backorders` interface, declared once:
/// the method name the host gives it, its WIT name, its parameters and the
/// value it returns (its error is always `backorder-error`), and whether it
/// writes. `$callback!` receives the rows; this module builds the checked
/// indices and the typed calls from them, `crate::backorders::exports` the
/// public methods of `Backorders`.
macro_rules! for_each_export {
    ($callback:ident) => {
        $callback! {
            write create_backorder = "create-backorder" (request: &NewBackorder) -> Backorder;
            /// Creates many backorders in one call: a result per item; a refused
            /// item changes nothing, or, with `all_or_nothing`, fails the call.
            write create_backorders = "create-backorders" (request: &BulkCreate) -> BulkResult;
            read get_backorder = "get-backorder" (backorder_id: &str) -> BackorderDetail;
            read list_backorders = "list-backorders" (request: &ListRequest) -> BackorderPage;
            write update_backorder = "update-backorder" (request: &BackorderUpdate) -> Backorder;
            write allocate_backorder = "allocate-backorder" (request: &AllocationRequest) -> AllocationResult;
            write confirm_allocation = "confirm-allocation" (request: &AllocationChange) -> AllocationResult;
            write release_allocation = "release-allocation" (request: &AllocationChange) -> AllocationResult;
            write extend_allocation = "extend-allocation" (request: &AllocationExtension) -> AllocationResult;
            write fulfill_backorder = "fulfill-backorder" (request: &FulfillmentRequest) -> FulfillmentResult;
            write cancel_backorder = "cancel-backorder" (request: &CancelRequest) -> CancelResult;
            /// Allocates the stock available now to the backorders that lack it,
            /// in the policy's order.
            write allocate_available = "allocate-available" (request: &AllocationRunRequest) -> AllocationRun;
            /// Adds units received to stock on hand and allocates what is
            /// available, once per request id (`Backorders::receive`, by hand).
            by_hand receive = "receive" (request: &AllocationRunRequest) -> AllocationRun;
            /// Expires reserved and claimed allocations past their expiry; with `reallocate`,
            /// offers their units again.
            write expire_allocations = "expire-allocations" (request: &ExpiryRequest) -> ExpiryResult;
            /// Records expected supply and the expected dates it sets.
            write expect_supply = "expect-supply" (request: &SupplyExpectation) -> PromisePlan;
            /// Expected supply not yet received, for one SKU or all.
            read list_expected_supply = "list-expected-supply" (sku: Option<&str>) -> Vec<ExpectedSupply>;
            /// Recomputes every index and total from the records; reads only.
            read check_integrity = "check-integrity" () -> IntegrityReport;
            read backorder_summary = "get-backorder-summary" () -> BackorderSummary;
            read sku_summary = "get-sku-backorder-summary" (sku: &str) -> SkuSummary;
            /// Sets or adjusts the units on hand at one place; a count below
            /// the reserved units releases the least urgent reservations.
            write adjust_stock = "adjust-stock" (request: &StockAdjustmentRequest) -> StockAdjustment;
            /// The settings after the request (an empty one only reads them).
            write update_settings = "update-settings" (request: &SettingsUpdate) -> Settings;
        }
    };
}

pub(crate) use for_each_export;

macro_rules! guest_exports {
    ($($(#[$doc:meta])* $access:ident $method:ident = $name:literal ($($arg:ident: $param:ty),*) -> $result:ty;)*) => {
        /// Where each export sits in the component.
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct ExportIndices {
            $($method: ComponentExportIndex,)*
        }

        impl ExportIndices {
            /// Finds every export in `instance` and checks its type against
            /// the host's.
            fn check(mut store: impl AsContextMut, instance: &Instance) -> wasmtime::Result<Self> {
                let interface = format!("{WIT_PACKAGE}/{INTERFACE}@{WIT_VERSION}");
                let interface = instance
                    .get_export_index(&mut store, None, &interface)
                    .ok_or_else(|| wasmtime::format_err!("the component does not export {interface}"))?;
                Ok(Self {
                    $($method: {
                        let index = instance
                            .get_export_index(&mut store, Some(&interface), $name)
                            .ok_or_else(|| wasmtime::format_err!("the component does not export {}", $name))?;
                        let func = instance
                            .get_func(&mut store, index)
                            .ok_or_else(|| wasmtime::format_err!("the export {} is not a function", $name))?;
                        func.typed::<($($param,)*), (Result<$result, BackorderError>,)>(&store)?;
                        index
                    },)*
                })
            }
        }

        impl Guest {
            $(
                pub(crate) fn $method<S: AsContextMut>(
                    &self,
                    mut store: S,
                    $($arg: $param),*
                ) -> wasmtime::Result<Result<$result, BackorderError>> {
                    let func = self
                        .instance
                        .get_func(&mut store, self.indices.$method)
                        .expect("every export was found when the component was first called");
                    // SAFETY: `ExportIndices::check` checked this export's type
                    // against exactly these types, for this component.
                    let typed = unsafe {
                        TypedFunc::<($($param,)*), (Result<$result, BackorderError>,)>::new_unchecked(func)
                    };
                    let (result,) = typed.call(&mut store, ($($arg,)*))?;
                    Ok(result)
                }
            )*
        }
    };
}

for_each_export!(guest_exports);

/// The exports of one fresh instance.
pub(crate) struct Guest {
    instance: Instance,
    indices: ExportIndices,
}

impl Guest {
    /// The exports of `instance`; `checked` keeps the indices checked on a
    /// loaded component's first call for the calls after it.
    pub(crate) fn new(
        store: impl AsContextMut,
        instance: Instance,
        checked: &OnceLock<ExportIndices>,
    ) -> wasmtime::Result<Self> {
        let indices = match checked.get() {
            Some(indices) => *indices,
            None => {
                let indices = ExportIndices::check(store, &instance)?;
                // A call on another thread may have checked them first; the
                // indices are the same.
                let _ = checked.set(indices);
                indices
            }
        };
        Ok(Self { instance, indices })
    }
}
