//! The stored form of a backorder, and the one function that derives its
//! status from its quantities.

use super::ids::BackorderId;
use super::model::{Backorder, ClosedBy, DateOrTime, Priority, Status, Timestamp, Totals};
use serde::{Deserialize, Serialize};

/// A backorder as stored. Status and remaining are not stored: they are
/// derived on every read, so they cannot disagree with the quantities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackorderRecord {
    pub year: u16,
    pub sequence: u32,
    pub order_id: String,
    pub order_line_id: Option<String>,
    pub customer_id: String,
    pub sku: String,
    pub priority: Priority,
    pub quantity_ordered: u64,
    pub quantity_allocated: u64,
    pub quantity_confirmed: u64,
    pub quantity_fulfilled: u64,
    pub quantity_cancelled: u64,
    /// As given: a day or an instant (format version 2; a version 1 date
    /// is an instant, see `stored`).
    pub expected_date: Option<DateOrTime>,
    pub promised_date: Option<DateOrTime>,
    pub location: Option<String>,
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
    /// Set by the operation that brought `remaining` to zero.
    pub closed_by: Option<ClosedBy>,
    /// Fulfilments and history lines written so far (their last sequence).
    pub fulfillment_count: u32,
    pub history_count: u32,
}

impl BackorderRecord {
    pub fn id(&self) -> BackorderId {
        BackorderId { year: self.year, sequence: self.sequence }
    }

    pub fn remaining(&self) -> u64 {
        self.quantity_ordered - self.quantity_fulfilled - self.quantity_cancelled
    }

    /// Units still lacking an allocation.
    pub fn need(&self) -> u64 {
        self.remaining().saturating_sub(self.quantity_allocated)
    }

    /// Status, in DOMAIN.md's order: closed, ready to ship, allocated,
    /// partially fulfilled, pending.
    pub fn status(&self) -> Status {
        let remaining = self.remaining();
        if remaining == 0 {
            return match self.closed_by {
                Some(ClosedBy::Cancel) => Status::Cancelled,
                // A backorder with nothing left and no record of who closed
                // it can only have been shipped.
                Some(ClosedBy::Fulfilment) | None => Status::Fulfilled,
            };
        }
        if self.quantity_confirmed >= remaining {
            Status::ReadyToShip
        } else if self.quantity_allocated >= remaining {
            Status::Allocated
        } else if self.quantity_fulfilled > 0 {
            Status::PartiallyFulfilled
        } else {
            Status::Pending
        }
    }

    pub fn is_open(&self) -> bool {
        self.status().is_open()
    }

    /// When it falls overdue: the promised date, or with none the expected
    /// date (see `ports::Today::is_past`).
    pub fn due(&self) -> Option<DateOrTime> {
        self.promised_date.or(self.expected_date)
    }

    /// Where it sits in the due index and the due-day counters.
    pub fn due_key(&self) -> Option<Timestamp> {
        self.due().map(DateOrTime::key)
    }

    /// What it adds to the running totals (nothing once closed).
    pub fn contribution(&self) -> Totals {
        let mut totals = Totals::default();
        let status = self.status();
        if let Some(index) = status.open_index() {
            totals.open_backorders = 1;
            totals.units_remaining = self.remaining();
            totals.units_allocated = self.quantity_allocated;
            totals.by_status[index] = 1;
            totals.by_priority[self.priority.index()] = 1;
        }
        totals
    }

    /// As the domain returns it; `at_risk` is judged in the database's time
    /// zone (`Ports::at_risk`).
    pub fn to_backorder(&self, at_risk: bool) -> Backorder {
        Backorder {
            backorder_id: self.id().to_string(),
            order_id: self.order_id.clone(),
            order_line_id: self.order_line_id.clone(),
            customer_id: self.customer_id.clone(),
            sku: self.sku.clone(),
            priority: self.priority,
            status: self.status(),
            quantity_ordered: self.quantity_ordered,
            quantity_allocated: self.quantity_allocated,
            quantity_confirmed: self.quantity_confirmed,
            quantity_fulfilled: self.quantity_fulfilled,
            quantity_cancelled: self.quantity_cancelled,
            quantity_remaining: self.remaining(),
            expected_date: self.expected_date,
            promised_date: self.promised_date,
            location: self.location.clone(),
            notes: self.notes.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
            at_risk,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn record(ordered: u64) -> BackorderRecord {
        BackorderRecord {
            year: 2026,
            sequence: 1,
            order_id: "O-1".into(),
            order_line_id: None,
            customer_id: "C-1".into(),
            sku: "SKU-1".into(),
            priority: Priority::Normal,
            quantity_ordered: ordered,
            quantity_allocated: 0,
            quantity_confirmed: 0,
            quantity_fulfilled: 0,
            quantity_cancelled: 0,
            expected_date: None,
            promised_date: None,
            location: None,
            notes: None,
            created_at: 0,
            updated_at: 0,
            version: 1,
            closed_by: None,
            fulfillment_count: 0,
            history_count: 0,
        }
    }

    #[test]
    fn status_follows_the_quantities_in_order() {
        let mut r = record(100);
        assert_eq!(r.status(), Status::Pending);
        r.quantity_fulfilled = 60;
        assert_eq!(r.status(), Status::PartiallyFulfilled);
        r.quantity_allocated = 40;
        assert_eq!(r.status(), Status::Allocated);
        r.quantity_confirmed = 40;
        assert_eq!(r.status(), Status::ReadyToShip);
        r.quantity_allocated = 0;
        r.quantity_confirmed = 0;
        r.quantity_cancelled = 40;
        r.closed_by = Some(ClosedBy::Cancel);
        assert_eq!(r.status(), Status::Cancelled);
        assert_eq!(r.quantity_fulfilled, 60, "a cancel keeps what was shipped");
        r.closed_by = Some(ClosedBy::Fulfilment);
        assert_eq!(r.status(), Status::Fulfilled);
    }

    #[test]
    fn closed_backorders_contribute_nothing() {
        let mut r = record(10);
        assert_eq!(r.contribution().open_backorders, 1);
        r.quantity_cancelled = 10;
        r.closed_by = Some(ClosedBy::Cancel);
        assert!(r.contribution().is_zero());
    }
}
