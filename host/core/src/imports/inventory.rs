//! `inventory`: stock and reservations through the provider.

use crate::bindings::commerce::backorders::inventory::{Holding, Host, ReservationId, ReservedUnits};
use crate::bindings::{InventoryError, ReservationRequest, Timestamp};
use crate::context::CallContext;
use crate::convert;
use crate::error::HostError;
use crate::provider::{Connection, NewReservation, StockError};

impl CallContext {
    /// The SKU and location the component names, against the text limit.
    fn check_place(&self, sku: &str, location: Option<&str>) -> wasmtime::Result<()> {
        self.check_text("inventory sku", sku)?;
        self.check_text("inventory location", location.unwrap_or_default())
    }

    /// A reservation the component asks for: its place and holder against
    /// the text limit, and at least one unit (an empty reservation holds
    /// nothing and could never end by being consumed; asking for one is a
    /// bug in the component).
    fn check_reservation(&self, reservation: &NewReservation) -> wasmtime::Result<()> {
        self.check_place(&reservation.sku, reservation.location.as_deref())?;
        self.check_text("inventory.reserve holder", &reservation.holder)?;
        if reservation.quantity == 0 {
            return Err(wasmtime::Error::new(HostError::ContractViolation {
                import: "inventory.reserve",
                rule: "quantity must be at least 1",
            }));
        }
        Ok(())
    }

    /// Runs one inventory import on the provider: counted as a crossing,
    /// after `check` (which traps), its refusal in the WIT's terms.
    fn inventory<T>(
        &mut self,
        check: impl FnOnce(&Self) -> wasmtime::Result<()>,
        operation: impl FnOnce(&mut dyn Connection) -> Result<T, StockError>,
    ) -> wasmtime::Result<Result<T, InventoryError>> {
        self.crossings += 1;
        check(self)?;
        Ok(operation(self.backend.as_mut()).map_err(Into::into))
    }
}

/// The imports that act on one reservation by its id (checked against the
/// text limit as `inventory.<import> id`), each with one argument.
macro_rules! reservation_imports {
    ($($import:ident($argument:ident: $type:ty);)*) => {$(
        fn $import(
            &mut self,
            id: ReservationId,
            $argument: $type,
        ) -> wasmtime::Result<Result<(), InventoryError>> {
            self.inventory(
                |context| context.check_text(concat!("inventory.", stringify!($import), " id"), &id),
                |backend| backend.$import(&id, $argument),
            )
        }
    )*};
}

impl Host for CallContext {
    fn available(
        &mut self,
        sku: String,
        location: Option<String>,
    ) -> wasmtime::Result<Result<u64, InventoryError>> {
        self.inventory(
            |context| context.check_place(&sku, location.as_deref()),
            |backend| backend.available(&sku, location.as_deref()),
        )
    }

    fn reserve(
        &mut self,
        request: ReservationRequest,
    ) -> wasmtime::Result<Result<ReservationId, InventoryError>> {
        let reservation = convert::new_reservation(request, self.now());
        self.inventory(
            |context| context.check_reservation(&reservation),
            |backend| backend.reserve(&reservation),
        )
    }

    reservation_imports! {
        release(quantity: Option<u64>);
        extend(expires_at: Option<Timestamp>);
        consume(quantity: u64);
    }

    fn issue(
        &mut self,
        sku: String,
        location: Option<String>,
        quantity: u64,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.inventory(
            |context| context.check_place(&sku, location.as_deref()),
            |backend| backend.issue(&sku, location.as_deref(), quantity),
        )
    }

    fn reserved_totals(&mut self) -> wasmtime::Result<Result<Vec<ReservedUnits>, InventoryError>> {
        let totals = self.inventory(|_| Ok(()), |backend| backend.reserved_totals())?;
        Ok(totals.map(|totals| {
            totals
                .into_iter()
                .map(|(sku, location, quantity)| ReservedUnits {
                    sku,
                    location,
                    quantity,
                })
                .collect()
        }))
    }

    fn reservations(
        &mut self,
        sku: String,
        location: Option<String>,
    ) -> wasmtime::Result<Result<Vec<Holding>, InventoryError>> {
        let holdings = self.inventory(
            |context| context.check_place(&sku, location.as_deref()),
            |backend| backend.reservations(&sku, location.as_deref()),
        )?;
        Ok(holdings.map(|holdings| holdings.into_iter().map(convert::holding).collect()))
    }

    /// A count below the reserved units is the component breaking the
    /// contract (it releases first): a trap. A count the store cannot hold,
    /// or a failing store, is `unavailable`.
    fn set_on_hand(
        &mut self,
        sku: String,
        location: Option<String>,
        quantity: u64,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.crossings += 1;
        self.check_place(&sku, location.as_deref())?;
        match self.backend.set_on_hand(&sku, location.as_deref(), quantity) {
            Ok(_) => Ok(Ok(())),
            Err(HostError::StockBelowReserved { .. }) => Err(wasmtime::Error::new(HostError::ContractViolation {
                import: "inventory.set-on-hand",
                rule: "quantity must not be below the units reserved",
            })),
            Err(other) => Ok(Err(InventoryError::Unavailable(other.to_string()))),
        }
    }

    /// Units received (`receive`). A count past what every provider can
    /// store traps with the host's `StockOverflow`, which the call reports
    /// as itself, changing nothing.
    fn add_on_hand(
        &mut self,
        sku: String,
        location: Option<String>,
        quantity: u64,
    ) -> wasmtime::Result<Result<(), InventoryError>> {
        self.crossings += 1;
        self.check_place(&sku, location.as_deref())?;
        match crate::backorders::stock::add_on_hand(self.backend.as_mut(), &sku, location.as_deref(), quantity) {
            Ok(_) => Ok(Ok(())),
            Err(overflow @ HostError::StockOverflow { .. }) => Err(wasmtime::Error::new(overflow)),
            Err(other) => Ok(Err(InventoryError::Unavailable(other.to_string()))),
        }
    }
}
