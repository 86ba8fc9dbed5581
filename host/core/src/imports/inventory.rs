//! `inventory`: stock and reservations through the provider.

use crate::bindings::commerce::backorders::inventory::{Host, ReservationId, ReservedUnits};
use crate::bindings::{InventoryError, ReservationRequest, Timestamp};
use crate::context::CallContext;
use crate::convert;
use crate::error::HostError;

impl CallContext {
    /// The SKU and location the component names, against the text limit.
    fn check_place(&self, sku: &str, location: Option<&str>) -> wasmtime::Result<()> {
        self.check_text("inventory sku", sku)?;
        self.check_text("inventory location", location.unwrap_or_default())
    }
}

impl Host for CallContext {
    fn available(
        &mut self,
        sku: String,
        location: Option<String>,
    ) -> wasmtime::Result<Result<u64, InventoryError>> {
        self.crossings += 1;
        self.check_place(&sku, location.as_deref())?;
        Ok(self
            .backend
            .available(&sku, location.as_deref())
            .map_err(Into::into))
    }

    fn reserve(
        &mut self,
        request: ReservationRequest,
    ) -> wasmtime::Result<Result<ReservationId, InventoryError>> {
        self.crossings += 1;
        self.check_place(&request.sku, request.location.as_deref())?;
        self.check_text("inventory.reserve holder", &request.holder)?;
        // An empty reservation holds nothing and could never end by being
        // consumed; asking for one is a bug in the component.
        if request.quantity == 0 {
            return Err(wasmtime::Error::new(HostError::ContractViolation {
                import: "inventory.reserve",
                rule: "quantity must be at least 1",
            }));
        }
        let reservation = convert::new_reservation(request, self.now());
        Ok(self.backend.reserve(&reservation).map_err(Into::into))
    }

    fn release(
        &mut self,
        id: ReservationId,
        quantity: Option<u64>,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.crossings += 1;
        self.check_text("inventory.release id", &id)?;
        Ok(self.backend.release(&id, quantity).map_err(Into::into))
    }

    fn extend(
        &mut self,
        id: ReservationId,
        expires_at: Option<Timestamp>,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.crossings += 1;
        self.check_text("inventory.extend id", &id)?;
        Ok(self.backend.extend(&id, expires_at).map_err(Into::into))
    }

    fn consume(
        &mut self,
        id: ReservationId,
        quantity: u64,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.crossings += 1;
        self.check_text("inventory.consume id", &id)?;
        Ok(self.backend.consume(&id, quantity).map_err(Into::into))
    }

    fn issue(
        &mut self,
        sku: String,
        location: Option<String>,
        quantity: u64,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.crossings += 1;
        self.check_place(&sku, location.as_deref())?;
        Ok(self
            .backend
            .issue(&sku, location.as_deref(), quantity)
            .map_err(Into::into))
    }

    fn reserved_totals(&mut self) -> wasmtime::Result<Result<Vec<ReservedUnits>, InventoryError>> {
        self.crossings += 1;
        Ok(self
            .backend
            .reserved_totals()
            .map(|totals| {
                totals
                    .into_iter()
                    .map(|(sku, location, quantity)| ReservedUnits {
                        sku,
                        location,
                        quantity,
                    })
                    .collect()
            })
            .map_err(Into::into))
    }
}
