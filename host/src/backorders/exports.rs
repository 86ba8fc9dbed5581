//! One typed method per export of the component's `backorders` interface.

use super::{Backorders, Mode, Outcome};
use crate::bindings::{
    AllocationRequest, AllocationResult, AllocationRun, AllocationRunRequest, Backorder,
    BackorderDetail, BackorderPage, BackorderSummary, BackorderUpdate, CancelRequest, CancelResult,
    ExpectedSupply, ExpiryResult, FulfillmentRequest, FulfillmentResult, ListRequest, NewBackorder,
    PromisePlan, SkuSummary, SupplyExpectation, Timestamp,
};
use crate::error::CallError;
use crate::provider::Access;

impl Backorders {
    pub fn create_backorder(
        &mut self,
        request: &NewBackorder,
        mode: Mode,
    ) -> Result<Outcome<Backorder>, CallError> {
        self.call("create-backorder", Access::Write, mode, |guest, store| {
            guest.call_create_backorder(store, request)
        })
    }

    pub fn get_backorder(&mut self, backorder_id: &str) -> Result<BackorderDetail, CallError> {
        self.read("get-backorder", |guest, store| {
            guest.call_get_backorder(store, backorder_id)
        })
    }

    pub fn list_backorders(&mut self, request: &ListRequest) -> Result<BackorderPage, CallError> {
        self.read("list-backorders", |guest, store| {
            guest.call_list_backorders(store, request)
        })
    }

    pub fn update_backorder(
        &mut self,
        request: &BackorderUpdate,
        mode: Mode,
    ) -> Result<Outcome<Backorder>, CallError> {
        self.call("update-backorder", Access::Write, mode, |guest, store| {
            guest.call_update_backorder(store, request)
        })
    }

    pub fn allocate_backorder(
        &mut self,
        request: &AllocationRequest,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("allocate-backorder", Access::Write, mode, |guest, store| {
            guest.call_allocate_backorder(store, request)
        })
    }

    pub fn confirm_allocation(
        &mut self,
        allocation_id: &str,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("confirm-allocation", Access::Write, mode, |guest, store| {
            guest.call_confirm_allocation(store, allocation_id)
        })
    }

    pub fn release_allocation(
        &mut self,
        allocation_id: &str,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("release-allocation", Access::Write, mode, |guest, store| {
            guest.call_release_allocation(store, allocation_id)
        })
    }

    pub fn extend_allocation(
        &mut self,
        allocation_id: &str,
        expires_at: Timestamp,
        mode: Mode,
    ) -> Result<Outcome<AllocationResult>, CallError> {
        self.call("extend-allocation", Access::Write, mode, |guest, store| {
            guest.call_extend_allocation(store, allocation_id, expires_at)
        })
    }

    pub fn fulfill_backorder(
        &mut self,
        request: &FulfillmentRequest,
        mode: Mode,
    ) -> Result<Outcome<FulfillmentResult>, CallError> {
        self.call("fulfill-backorder", Access::Write, mode, |guest, store| {
            guest.call_fulfill_backorder(store, request)
        })
    }

    pub fn cancel_backorder(
        &mut self,
        request: &CancelRequest,
        mode: Mode,
    ) -> Result<Outcome<CancelResult>, CallError> {
        self.call("cancel-backorder", Access::Write, mode, |guest, store| {
            guest.call_cancel_backorder(store, request)
        })
    }

    pub fn backorder_summary(&mut self) -> Result<BackorderSummary, CallError> {
        self.read("get-backorder-summary", |guest, store| {
            guest.call_get_backorder_summary(store)
        })
    }

    pub fn sku_summary(&mut self, sku: &str) -> Result<SkuSummary, CallError> {
        self.read("get-sku-backorder-summary", |guest, store| {
            guest.call_get_sku_backorder_summary(store, sku)
        })
    }
}

impl Backorders {
    /// Allocates the stock available now to the backorders that lack it,
    /// in the policy's order.
    pub fn allocate_available(
        &mut self,
        request: &AllocationRunRequest,
        mode: Mode,
    ) -> Result<Outcome<AllocationRun>, CallError> {
        self.call("allocate-available", Access::Write, mode, |guest, store| {
            guest.call_allocate_available(store, request)
        })
    }

    /// Expires reserved allocations past their expiry; with `reallocate`,
    /// offers their units again.
    pub fn expire_allocations(
        &mut self,
        reallocate: bool,
        mode: Mode,
    ) -> Result<Outcome<ExpiryResult>, CallError> {
        self.call("expire-allocations", Access::Write, mode, |guest, store| {
            guest.call_expire_allocations(store, reallocate)
        })
    }

    /// Records expected supply and the expected dates it sets.
    pub fn expect_supply(
        &mut self,
        request: &SupplyExpectation,
        mode: Mode,
    ) -> Result<Outcome<PromisePlan>, CallError> {
        self.call("expect-supply", Access::Write, mode, |guest, store| {
            guest.call_expect_supply(store, request)
        })
    }

    /// Expected supply not yet received, for one SKU or all.
    pub fn list_expected_supply(
        &mut self,
        sku: Option<&str>,
    ) -> Result<Vec<ExpectedSupply>, CallError> {
        self.read("list-expected-supply", |guest, store| {
            guest.call_list_expected_supply(store, sku)
        })
    }
}
