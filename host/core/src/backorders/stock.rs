//! Host-only operations: stock levels and the event outbox. The component
//! never sets stock; a platform does, and `backorders stock` stands in for
//! it.

use super::{Backorders, Mode, Outcome};
use crate::error::{CallError, HostError};
use crate::provider::{Access, Connection, OutboxEvent, StockAudit, StockLevel};

/// Most events one read of the outbox returns.
pub const MAX_EVENTS_PER_READ: u32 = 10_000;

/// Most stock rows one `stock_show` returns.
pub const MAX_STOCK_ROWS: u32 = 10_000;

/// Largest quantity one stock command may set or add: a quadrillion units,
/// far past any warehouse, and far from the 2^63 a SQLite integer holds.
pub const MAX_STOCK_QUANTITY: u64 = 1_000_000_000_000_000;

/// Most units on hand at one place, so that every provider can store the
/// count in a signed 64-bit integer.
const MAX_STOCK_TOTAL: u64 = i64::MAX as u64;

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

/// A stock command's SKU, location and quantity: the quantity from
/// `minimum` (1 for units that arrive, 0 for a count) to
/// `MAX_STOCK_QUANTITY`.
pub(super) fn check_stock_input(
    sku: &str,
    location: Option<&str>,
    quantity: u64,
    minimum: u64,
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
    if quantity < minimum {
        return Err(invalid("quantity", format!("must be at least {minimum}")));
    }
    Ok(())
}

/// Adds received units at one place, refusing a count past what every
/// provider can store.
pub(crate) fn add_on_hand(
    connection: &mut dyn Connection,
    sku: &str,
    location: Option<&str>,
    quantity: u64,
) -> Result<StockLevel, HostError> {
    let mut level = connection.stock_level(sku, location)?;
    level.on_hand = level
        .on_hand
        .checked_add(quantity)
        .filter(|total| *total <= MAX_STOCK_TOTAL)
        .ok_or_else(|| HostError::StockOverflow {
            sku: sku.to_owned(),
            location: location.map(str::to_owned),
            on_hand: level.on_hand,
            quantity,
        })?;
    connection.write_on_hand(&level)?;
    Ok(level)
}

impl Backorders {
    /// Sets the units on hand of `sku` at `location` (none: the default
    /// location) as the platform's own inventory would, refusing a count
    /// below what is reserved. A count that may take reserved units, and
    /// decide who loses them, is the component's `adjust_stock`.
    pub fn stock_set(
        &self,
        sku: &str,
        location: Option<&str>,
        on_hand: u64,
        mode: Mode,
    ) -> Result<Outcome<StockLevel>, CallError> {
        check_stock_input(sku, location, on_hand, 0)?;
        self.host_operation(Access::Write, mode, |connection| {
            connection.set_on_hand(sku, location, on_hand)
        })
    }

    /// Adds received units of `sku` at `location`.
    pub fn stock_add(
        &self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
        mode: Mode,
    ) -> Result<Outcome<StockLevel>, CallError> {
        check_stock_input(sku, location, quantity, 1)?;
        self.host_operation(Access::Write, mode, |connection| {
            add_on_hand(connection, sku, location, quantity)
        })
    }

    /// The host's own inventory check: every stock row's reserved count
    /// equals what its reservations hold, and no reservation is for units
    /// not on hand. Returns (subject, detail) per problem.
    pub fn check_stock(&self) -> Result<Vec<(String, String)>, CallError> {
        self.host_operation(Access::Read, Mode::Preview, |connection| {
            let problems = connection.stock_audit()?.into_iter().flat_map(|audit| {
                let StockAudit { level, held_by_reservations: held } = audit;
                let place = format!("{} at {}", level.sku, level.location.as_deref().unwrap_or("default"));
                let mut problems = Vec::new();
                if level.reserved != held {
                    problems.push((
                        place.clone(),
                        format!("stock says {} reserved, reservations hold {held}", level.reserved),
                    ));
                }
                if held > level.on_hand {
                    problems.push((place, format!("reservations hold {held}, only {} on hand", level.on_hand)));
                }
                problems
            });
            Ok(problems.collect())
        })
        .map(|outcome| outcome.value)
    }

    /// Stock rows of one SKU, or of all.
    pub fn stock_show(&self, sku: Option<&str>) -> Result<Vec<StockLevel>, CallError> {
        if let Some(sku) = sku {
            check_text("sku", sku, false)?;
        }
        self.host_operation(Access::Read, Mode::Preview, |connection| {
            connection.stock_levels(sku, MAX_STOCK_ROWS)
        })
        .map(|outcome| outcome.value)
    }

    /// The newest `limit` events of the outbox, oldest first.
    pub fn events(&self, limit: u32) -> Result<Vec<OutboxEvent>, CallError> {
        if limit == 0 || limit > MAX_EVENTS_PER_READ {
            return Err(invalid("limit", format!("must be 1 to {MAX_EVENTS_PER_READ}")).into());
        }
        self.host_operation(Access::Read, Mode::Preview, |connection| {
            connection.recent_events(limit)
        })
        .map(|outcome| outcome.value)
    }
}

#[cfg(test)]
mod tests {
    use crate::provider::memory::MemoryProvider;
    use crate::provider::{Access, StockAdmin, StockLevel, Transactional};
    use crate::{AllocationRunRequest, Backorders, CallError, HostError, Mode, Options};

    #[test]
    fn adding_stock_past_a_storable_count_is_refused() {
        let provider = MemoryProvider::new();
        let mut connection = provider.connection();
        connection.begin(Access::Write).unwrap();
        let level = StockLevel {
            sku: "W".into(),
            location: None,
            on_hand: i64::MAX as u64,
            reserved: 0,
        };
        connection.write_on_hand(&level).unwrap();
        connection.commit().unwrap();
        let backorders = Backorders::new(provider, Options::default());
        match backorders.stock_add("W", None, 1, Mode::Apply) {
            Err(CallError::Host(HostError::StockOverflow { quantity: 1, .. })) => {}
            other => panic!("expected StockOverflow, got {other:?}"),
        }
        // A receipt adds its units inside the component's call: the
        // overflow is the host's error, and the call changes nothing.
        let before = backorders.stock_show(None).unwrap();
        let receipt = AllocationRunRequest {
            request_id: Some("rcv-1".into()),
            ..AllocationRunRequest::from_stock("W")
        };
        match backorders.receive(1, &receipt, Mode::Apply) {
            Err(CallError::Host(HostError::StockOverflow { quantity: 1, .. })) => {}
            other => panic!("expected StockOverflow, got {other:?}"),
        }
        assert_eq!(backorders.stock_show(None).unwrap(), before);
    }
}
