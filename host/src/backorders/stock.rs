//! Host-only operations: stock levels and the event outbox. The component
//! never sets stock; a platform does, and `backorders stock` stands in for
//! it.

use super::{Backorders, Mode, Outcome};
use crate::error::{CallError, HostError};
use crate::provider::Access;
use crate::sqlite::{OutboxEvent, StockLevel, MAX_EVENTS_PER_READ};

/// Largest quantity one stock command may set or add: a quadrillion units,
/// far past any warehouse, and far from the 2^63 a SQLite integer holds.
pub const MAX_STOCK_QUANTITY: u64 = 1_000_000_000_000_000;

/// Longest SKU or location, in characters (as the component's limit).
pub const MAX_TEXT_CHARS: usize = 64;

fn invalid(field: &'static str, message: impl Into<String>) -> HostError {
    HostError::InvalidInput {
        field,
        message: message.into(),
    }
}

fn check_text(field: &'static str, value: &str, allow_whitespace: bool) -> Result<(), HostError> {
    if value.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(field, "must not contain control characters"));
    }
    if !allow_whitespace && value.chars().any(char::is_whitespace) {
        return Err(invalid(field, "must not contain whitespace"));
    }
    Ok(())
}

pub(super) fn check_stock_input(
    sku: &str,
    location: Option<&str>,
    quantity: u64,
) -> Result<(), HostError> {
    check_text("sku", sku, false)?;
    if let Some(location) = location {
        check_text("location", location, true)?;
    }
    if quantity > MAX_STOCK_QUANTITY {
        return Err(invalid(
            "quantity",
            format!("must be at most {MAX_STOCK_QUANTITY}"),
        ));
    }
    Ok(())
}

impl Backorders {
    /// Sets the units on hand of `sku` at `location` (none: the default
    /// location), as after a stock count.
    pub fn stock_set(
        &mut self,
        sku: &str,
        location: Option<&str>,
        on_hand: u64,
        mode: Mode,
    ) -> Result<Outcome<StockLevel>, CallError> {
        check_stock_input(sku, location, on_hand)?;
        self.host_operation(Access::Write, mode, |provider| {
            provider.set_on_hand(sku, location, on_hand)
        })
    }

    /// Adds received units of `sku` at `location`.
    pub fn stock_add(
        &mut self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
        mode: Mode,
    ) -> Result<Outcome<StockLevel>, CallError> {
        check_stock_input(sku, location, quantity)?;
        if quantity == 0 {
            return Err(invalid("quantity", "must be at least 1").into());
        }
        self.host_operation(Access::Write, mode, |provider| {
            provider.add_on_hand(sku, location, quantity)
        })
    }

    /// The host's own inventory check: every stock row's reserved count
    /// equals what its reservations hold, and no reservation is for units
    /// not on hand. Returns (subject, detail) per problem.
    pub fn check_stock(&mut self) -> Result<Vec<(String, String)>, CallError> {
        self.host_operation(Access::Read, Mode::Preview, |provider| {
            provider.check_stock()
        })
        .map(|outcome| outcome.value)
    }

    /// Stock rows of one SKU, or of all.
    pub fn stock_show(&mut self, sku: Option<&str>) -> Result<Vec<StockLevel>, CallError> {
        if let Some(sku) = sku {
            check_text("sku", sku, false)?;
        }
        self.host_operation(Access::Read, Mode::Preview, |provider| {
            provider.stock_levels(sku)
        })
        .map(|outcome| outcome.value)
    }

    /// The newest `limit` events of the outbox, oldest first.
    pub fn events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, CallError> {
        if limit == 0 || limit > MAX_EVENTS_PER_READ {
            return Err(invalid("limit", format!("must be 1 to {MAX_EVENTS_PER_READ}")).into());
        }
        self.host_operation(Access::Read, Mode::Preview, |provider| {
            provider.recent_events(limit)
        })
        .map(|outcome| outcome.value)
    }
}
