//! The component's exports, called on a fresh instance without re-checking
//! their types at every instantiation.
//!
//! The generated `Guest` looks up and type-checks all seventeen exports each
//! time it is built from an instance: about 7 µs, a third of a small call.
//! Here each export's index and type are checked once per loaded component
//! (on its first call), and a call looks up only the export it runs. The
//! signatures below are the generated ones (`call_create_backorder`, …); a
//! signature that disagreed with the component's would fail that first
//! check instead of running.

use std::sync::OnceLock;

use wasmtime::component::{ComponentExportIndex, Instance, TypedFunc};
use wasmtime::AsContextMut;

use crate::bindings::{
    AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, AllocationRun,
    AllocationRunRequest, Backorder, BackorderDetail, BackorderError, BackorderPage,
    BackorderSummary, BackorderUpdate, CancelRequest, CancelResult, ExpectedSupply, ExpiryRequest,
    ExpiryResult, FulfillmentRequest, FulfillmentResult, IntegrityReport, ListRequest,
    NewBackorder, PromisePlan, SkuSummary, SupplyExpectation,
};
use crate::compat::{WIT_PACKAGE, WIT_VERSION};

/// The exported interface, by the name the generated bindings look it up.
const INTERFACE: &str = "backorders";

macro_rules! exports {
    ($($method:ident = $name:literal ($($arg:ident: $param:ty),*) -> $result:ty;)*) => {
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
                        func.typed::<($($param,)*), ($result,)>(&store)?;
                        index
                    },)*
                })
            }
        }

        impl Guest {
            $(
                pub(crate) fn $method<S: AsContextMut>(&self, mut store: S, $($arg: $param),*) -> wasmtime::Result<$result> {
                    let func = self
                        .instance
                        .get_func(&mut store, self.indices.$method)
                        .expect("every export was found when the component was first called");
                    // SAFETY: `ExportIndices::check` checked this export's type
                    // against exactly these types, for this component.
                    let typed = unsafe { TypedFunc::<($($param,)*), ($result,)>::new_unchecked(func) };
                    let (result,) = typed.call(&mut store, ($($arg,)*))?;
                    Ok(result)
                }
            )*
        }
    };
}

exports! {
    call_create_backorder = "create-backorder" (request: &NewBackorder) -> Result<Backorder, BackorderError>;
    call_get_backorder = "get-backorder" (backorder_id: &str) -> Result<BackorderDetail, BackorderError>;
    call_list_backorders = "list-backorders" (request: &ListRequest) -> Result<BackorderPage, BackorderError>;
    call_update_backorder = "update-backorder" (request: &BackorderUpdate) -> Result<Backorder, BackorderError>;
    call_allocate_backorder = "allocate-backorder" (request: &AllocationRequest) -> Result<AllocationResult, BackorderError>;
    call_confirm_allocation = "confirm-allocation" (request: &AllocationChange) -> Result<AllocationResult, BackorderError>;
    call_release_allocation = "release-allocation" (request: &AllocationChange) -> Result<AllocationResult, BackorderError>;
    call_extend_allocation = "extend-allocation" (request: &AllocationExtension) -> Result<AllocationResult, BackorderError>;
    call_fulfill_backorder = "fulfill-backorder" (request: &FulfillmentRequest) -> Result<FulfillmentResult, BackorderError>;
    call_cancel_backorder = "cancel-backorder" (request: &CancelRequest) -> Result<CancelResult, BackorderError>;
    call_allocate_available = "allocate-available" (request: &AllocationRunRequest) -> Result<AllocationRun, BackorderError>;
    call_expire_allocations = "expire-allocations" (request: &ExpiryRequest) -> Result<ExpiryResult, BackorderError>;
    call_expect_supply = "expect-supply" (request: &SupplyExpectation) -> Result<PromisePlan, BackorderError>;
    call_list_expected_supply = "list-expected-supply" (sku: Option<&str>) -> Result<Vec<ExpectedSupply>, BackorderError>;
    call_check_integrity = "check-integrity" () -> Result<IntegrityReport, BackorderError>;
    call_get_backorder_summary = "get-backorder-summary" () -> Result<BackorderSummary, BackorderError>;
    call_get_sku_backorder_summary = "get-sku-backorder-summary" (sku: &str) -> Result<SkuSummary, BackorderError>;
}

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
