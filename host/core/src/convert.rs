//! Conversions between the provider traits' host types and the generated
//! WIT types, in one place. Every `match` is exhaustive with no `_` arm, so
//! a new case on either side breaks the build here.

use crate::bindings::{
    Entry, InventoryError, ListRequest, ReservationRequest, StoreError, StoreWrite, Timestamp,
};
use crate::provider::{KeyValueError, KeyValuePair, NewReservation, StockError, Write};

impl From<KeyValueError> for StoreError {
    fn from(error: KeyValueError) -> Self {
        match error {
            KeyValueError::Unavailable { reason } => StoreError::Unavailable(reason),
            limit @ KeyValueError::LimitExceeded { .. } => {
                StoreError::LimitExceeded(limit.to_string())
            }
        }
    }
}

impl From<StockError> for InventoryError {
    fn from(error: StockError) -> Self {
        match error {
            StockError::InsufficientStock { available } => {
                InventoryError::InsufficientStock(available)
            }
            StockError::UnknownReservation { id } => InventoryError::UnknownReservation(id),
            StockError::ExceedsReservation { held } => InventoryError::ExceedsReservation(held),
            StockError::Unavailable { reason } => InventoryError::Unavailable(reason),
        }
    }
}

/// A write of the component's batch in the provider's terms.
pub fn write(write: StoreWrite) -> Write {
    match write {
        StoreWrite::Set(Entry { key, value }) => Write::Set(key, value),
        StoreWrite::Delete(key) => Write::Delete(key),
    }
}

/// A scanned key and value as the WIT `entry`.
pub fn entry((key, value): KeyValuePair) -> Entry {
    Entry { key, value }
}

/// The component's reservation request, stamped with the call's time.
pub fn new_reservation(request: ReservationRequest, created_at: Timestamp) -> NewReservation {
    let ReservationRequest {
        sku,
        location,
        quantity,
        holder,
        expires_at,
    } = request;
    NewReservation {
        sku,
        location,
        quantity,
        holder,
        expires_at,
        created_at,
    }
}

impl ListRequest {
    /// No filters and the default page size: every backorder, oldest
    /// first. Set the fields a query needs with `..ListRequest::all()`.
    pub fn all() -> Self {
        Self {
            sku: None,
            status: None,
            priority: None,
            customer_id: None,
            order_id: None,
            open_only: false,
            overdue_only: false,
            expected_before: None,
            limit: None,
            cursor: None,
        }
    }
}
