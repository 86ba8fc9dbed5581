//! One typed method per export of the component's `backorders` interface.

use super::{Backorders, Mode, Outcome};
use crate::bindings::{
    AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, AllocationRun,
    AllocationRunRequest, Backorder, BackorderDetail, BackorderPage, BackorderSummary,
    BackorderUpdate, CancelRequest, CancelResult, ExpectedSupply, ExpiryRequest, ExpiryResult,
    FulfillmentRequest, FulfillmentResult, IntegrityReport, ListRequest, NewBackorder, PromisePlan,
    SkuSummary, SupplyExpectation,
};
use crate::error::{CallError, HostError};
use crate::provider::Access;

impl Backorders {
    pub fn create_backorder(
        &self,
        request: &NewBackorder,
        mode: Mode,
    ) -> Result<Outcome<Backorder>, CallError> {
        self.call("create-backorder", Access::Write, mode, |guest, store| {
            guest.call_create_backorder(store, request)
        })
    }

    pub fn get_backorder(&self, backorder_id: &str) -> Result<BackorderDetail, CallError> {
        self.read("get-backorder", |guest, store| {
            guest.call_get_backorder(store, backorder_id)
        })
    }

    pub fn list_backorders(&self, request: &ListRequest) -> Result<BackorderPage, CallError> {
        self.read("list-backorders", |guest, store| {
            guest.call_list_backorders(store, request)
        })
    }

    pub fn update_backorder(
        &self,
        request: &BackorderUpdate,
        mode: Mode,
    ) -> Result<Outcome<Backorder>, CallError> {
        self.call("update-backorder", Access::Write, mode, |guest, store| {
            guest.call_update_backorder(store, request)
        })
    }

    pub fn allocate_backorder(
        &self,
        request: &AllocationRequest,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("allocate-backorder", Access::Write, mode, |guest, store| {
            guest.call_allocate_backorder(store, request)
        })
    }

    pub fn confirm_allocation(
        &self,
        request: &AllocationChange,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("confirm-allocation", Access::Write, mode, |guest, store| {
            guest.call_confirm_allocation(store, request)
        })
    }

    pub fn release_allocation(
        &self,
        request: &AllocationChange,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("release-allocation", Access::Write, mode, |guest, store| {
            guest.call_release_allocation(store, request)
        })
    }

    pub fn extend_allocation(
        &self,
        request: &AllocationExtension,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("extend-allocation", Access::Write, mode, |guest, store| {
            guest.call_extend_allocation(store, request)
        })
    }

    pub fn fulfill_backorder(
        &self,
        request: &FulfillmentRequest,
        mode: Mode,
    ) -> Result<Outcome<FulfillmentResult>, CallError> {
        self.call("fulfill-backorder", Access::Write, mode, |guest, store| {
            guest.call_fulfill_backorder(store, request)
        })
    }

    pub fn cancel_backorder(
        &self,
        request: &CancelRequest,
        mode: Mode,
    ) -> Result<Outcome<CancelResult>, CallError> {
        self.call("cancel-backorder", Access::Write, mode, |guest, store| {
            guest.call_cancel_backorder(store, request)
        })
    }

    pub fn backorder_summary(&self) -> Result<BackorderSummary, CallError> {
        self.read("get-backorder-summary", |guest, store| {
            guest.call_get_backorder_summary(store)
        })
    }

    pub fn sku_summary(&self, sku: &str) -> Result<SkuSummary, CallError> {
        self.read("get-sku-backorder-summary", |guest, store| {
            guest.call_get_sku_backorder_summary(store, sku)
        })
    }
}

impl Backorders {
    /// Allocates the stock available now to the backorders that lack it,
    /// in the policy's order.
    pub fn allocate_available(
        &self,
        request: &AllocationRunRequest,
        mode: Mode,
    ) -> Result<Outcome<AllocationRun>, CallError> {
        self.call("allocate-available", Access::Write, mode, |guest, store| {
            guest.call_allocate_available(store, request)
        })
    }

    /// Receives units: adds `quantity` to the stock of `request.sku` at
    /// `request.location` and allocates what is available, in one
    /// transaction. `request.received` should name the same units so the
    /// document's expected supply is consumed.
    pub fn receive(
        &self,
        quantity: u64,
        request: &AllocationRunRequest,
        mode: Mode,
    ) -> Result<Outcome<AllocationRun>, CallError> {
        super::stock::check_stock_input(&request.sku, request.location.as_deref(), quantity)?;
        if quantity == 0 {
            let message = "must be at least 1".to_owned();
            return Err(HostError::InvalidInput {
                field: "quantity",
                message,
            }
            .into());
        }
        self.call_after(
            "allocate-available",
            mode,
            |connection| {
                super::stock::add_on_hand(connection, &request.sku, request.location.as_deref(), quantity)
                    .map(drop)
            },
            |guest, store| guest.call_allocate_available(store, request),
        )
    }

    /// Expires reserved allocations past their expiry; with `reallocate`,
    /// offers their units again.
    pub fn expire_allocations(
        &self,
        request: &ExpiryRequest,
        mode: Mode,
    ) -> Result<Outcome<ExpiryResult>, CallError> {
        self.call("expire-allocations", Access::Write, mode, |guest, store| {
            guest.call_expire_allocations(store, request)
        })
    }

    /// Recomputes every index and total from the records; reads only.
    pub fn check_integrity(&self) -> Result<IntegrityReport, CallError> {
        self.read("check-integrity", |guest, store| {
            guest.call_check_integrity(store)
        })
    }

    /// Records expected supply and the expected dates it sets.
    pub fn expect_supply(
        &self,
        request: &SupplyExpectation,
        mode: Mode,
    ) -> Result<Outcome<PromisePlan>, CallError> {
        self.call("expect-supply", Access::Write, mode, |guest, store| {
            guest.call_expect_supply(store, request)
        })
    }

    /// Expected supply not yet received, for one SKU or all.
    pub fn list_expected_supply(
        &self,
        sku: Option<&str>,
    ) -> Result<Vec<ExpectedSupply>, CallError> {
        self.read("list-expected-supply", |guest, store| {
            guest.call_list_expected_supply(store, sku)
        })
    }
}
