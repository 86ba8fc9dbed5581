//! Conversions between the provider traits' host types and the generated
//! WIT types, in one place. Every `match` is exhaustive with no `_` arm, so
//! a new case on either side breaks the build here.

use crate::bindings::{
    BackorderSummary, Entry, InventoryError, ListRequest, ReservationRequest, SkuSummary,
    StoreError, Timestamp,
};
use crate::provider::{KeyValueError, KeyValuePair, NewReservation, StockError};

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

/// The figures a SKU summary shares with the overall summary, so both are
/// shown by the same code.
pub fn sku_summary_figures(summary: &SkuSummary) -> BackorderSummary {
    let SkuSummary {
        sku: _,
        open_backorders,
        units_remaining,
        units_allocated,
        by_status,
        by_priority,
        overdue,
        oldest_open_created_at,
        earliest_expected_date: _,
        earliest_promised_date: _,
    } = summary.clone();
    BackorderSummary {
        open_backorders,
        units_remaining,
        units_allocated,
        by_status,
        by_priority,
        overdue,
        oldest_open_created_at,
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
