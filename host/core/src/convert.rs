//! Conversions between the provider traits' host types and the generated
//! WIT types, in one place. Every `match` is exhaustive with no `_` arm, so
//! a new case on either side breaks the build here.

use crate::bindings::{
    AllocationRequest, AllocationRunRequest, BackorderUpdate, Entry, FulfillmentRequest, InventoryError,
    ListRequest, NewBackorder, ReservationRequest, SourceKind, StoreError, StoreWrite, Timestamp,
    WitHolding,
};
use crate::provider::{Holding, KeyValueError, KeyValuePair, NewReservation, StockError, Write};

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

/// A request with the fields it is given and every optional one after
/// `none:` empty: each constructor below names only what it sets.
macro_rules! given {
    ($request:ident { $($field:ident $(: $value:expr)?),* $(,)? } none: $($none:ident),*) => {
        $request { $($field $(: $value)?,)* $($none: None,)* }
    };
}

impl NewBackorder {
    /// `quantity` units of `sku` owed on `order_id` to `customer_id`, every
    /// optional field empty; set others with `..NewBackorder::new(…)`.
    pub fn new(order_id: &str, customer_id: &str, sku: &str, quantity: u64) -> Self {
        given! { Self {
            order_id: order_id.into(),
            customer_id: customer_id.into(),
            sku: sku.into(),
            quantity,
        } none: order_line_id, priority, expected_date, promised_date, location, notes, request_id }
    }
}

/// The requests that move `quantity` units of stock on hand for one
/// backorder, with what they share (from inventory, no reference, the
/// priority order kept, no idempotency key or version check) said once and
/// each one's own optional fields empty.
macro_rules! from_stock {
    ($($(#[$doc:meta])* $request:ident { $($field:ident),* })*) => {$(
        impl $request {
            $(#[$doc])*
            pub fn from_stock(backorder_id: &str, quantity: u64) -> Self {
                Self {
                    backorder_id: backorder_id.into(),
                    quantity,
                    source: SourceKind::Inventory,
                    source_ref: None,
                    override_priority: false,
                    request_id: None,
                    expected_version: None,
                    $($field: None,)*
                }
            }
        }
    )*};
}

from_stock! {
    /// Reserve `quantity` units of stock on hand for `backorder_id`.
    AllocationRequest { location, lot, expires_at }
    /// Ship `quantity` units of `backorder_id` from stock on hand.
    FulfillmentRequest { fulfilled_by, notes }
}

impl AllocationRunRequest {
    /// Allocate the stock of `sku` available now at the default location,
    /// in the default policy's order, not on behalf of any document; set
    /// others with `..AllocationRunRequest::from_stock(…)`.
    pub fn from_stock(sku: &str) -> Self {
        Self {
            sku: sku.into(),
            location: None,
            policy: None,
            source: SourceKind::Inventory,
            source_ref: None,
            expires_at: None,
            received: None,
            request_id: None,
        }
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

impl BackorderUpdate {
    /// An update of `backorder_id` that changes nothing yet; set what it
    /// changes with `..BackorderUpdate::new(…)`.
    pub fn new(backorder_id: &str) -> Self {
        given! { Self { backorder_id: backorder_id.into() }
            none: priority, expected_date, promised_date, location, notes, request_id, expected_version }
    }
}

/// A reservation the provider lists, as the component sees it.
pub fn holding(holding: Holding) -> WitHolding {
    let Holding { reservation_id, holder, quantity } = holding;
    WitHolding { reservation_id, holder, quantity }
}
