//! The snake_case names of the WIT enums, as JSON, the CLI, the event outbox
//! and a future MCP server spell them (`partially_fulfilled`,
//! `purchase_order`). One exhaustive `match` per enum: a new WIT case breaks
//! the build here instead of being printed or parsed wrongly.

use crate::bindings::{
    AllocationPolicy, AllocationStatus, BackorderStatus, EventKind, HistoryAction, Priority,
    ProblemKind, RecordStatus, Shortfall, SourceKind,
};

/// A generated enum with a fixed snake_case name per case.
pub trait WireName: Copy + Sized + 'static {
    /// Every case, in WIT order.
    const ALL: &'static [Self];
    /// What the value is, for error messages (`priority`).
    const WHAT: &'static str;

    fn wire_name(self) -> &'static str;

    /// The case with this exact name; unknown names are `None`, never a
    /// default.
    fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|case| case.wire_name() == name)
    }

    /// All names, for help texts and error messages.
    fn wire_names() -> Vec<&'static str> {
        Self::ALL.iter().map(|case| case.wire_name()).collect()
    }
}

impl WireName for Priority {
    const ALL: &'static [Self] = &[Self::Low, Self::Normal, Self::High, Self::Critical];
    const WHAT: &'static str = "priority";

    fn wire_name(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl WireName for BackorderStatus {
    const ALL: &'static [Self] = &[
        Self::Pending,
        Self::PartiallyFulfilled,
        Self::Allocated,
        Self::ReadyToShip,
        Self::Fulfilled,
        Self::Cancelled,
    ];
    const WHAT: &'static str = "status";

    fn wire_name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::PartiallyFulfilled => "partially_fulfilled",
            Self::Allocated => "allocated",
            Self::ReadyToShip => "ready_to_ship",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
        }
    }
}

impl WireName for SourceKind {
    const ALL: &'static [Self] = &[
        Self::Inventory,
        Self::PurchaseOrder,
        Self::Transfer,
        Self::Production,
    ];
    const WHAT: &'static str = "source";

    fn wire_name(self) -> &'static str {
        match self {
            Self::Inventory => "inventory",
            Self::PurchaseOrder => "purchase_order",
            Self::Transfer => "transfer",
            Self::Production => "production",
        }
    }
}

impl WireName for AllocationStatus {
    const ALL: &'static [Self] = &[
        Self::Reserved,
        Self::Confirmed,
        Self::Consumed,
        Self::Released,
        Self::Expired,
    ];
    const WHAT: &'static str = "allocation status";

    fn wire_name(self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Confirmed => "confirmed",
            Self::Consumed => "consumed",
            Self::Released => "released",
            Self::Expired => "expired",
        }
    }
}

impl WireName for HistoryAction {
    const ALL: &'static [Self] = &[
        Self::Created,
        Self::Updated,
        Self::Allocated,
        Self::AllocationConfirmed,
        Self::AllocationReleased,
        Self::AllocationExtended,
        Self::AllocationExpired,
        Self::AllocationReceived,
        Self::Fulfilled,
        Self::Cancelled,
    ];
    const WHAT: &'static str = "history action";

    fn wire_name(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Allocated => "allocated",
            Self::AllocationConfirmed => "allocation_confirmed",
            Self::AllocationReleased => "allocation_released",
            Self::AllocationExtended => "allocation_extended",
            Self::AllocationExpired => "allocation_expired",
            Self::AllocationReceived => "allocation_received",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
        }
    }
}

impl WireName for EventKind {
    const ALL: &'static [Self] = &[
        Self::BackorderCreated,
        Self::BackorderUpdated,
        Self::AllocationCreated,
        Self::AllocationConfirmed,
        Self::AllocationReleased,
        Self::AllocationExtended,
        Self::AllocationExpired,
        Self::AllocationReceived,
        Self::BackorderFulfilled,
        Self::BackorderCancelled,
    ];
    const WHAT: &'static str = "event kind";

    fn wire_name(self) -> &'static str {
        match self {
            Self::BackorderCreated => "backorder_created",
            Self::BackorderUpdated => "backorder_updated",
            Self::AllocationCreated => "allocation_created",
            Self::AllocationConfirmed => "allocation_confirmed",
            Self::AllocationReleased => "allocation_released",
            Self::AllocationExtended => "allocation_extended",
            Self::AllocationExpired => "allocation_expired",
            Self::AllocationReceived => "allocation_received",
            Self::BackorderFulfilled => "backorder_fulfilled",
            Self::BackorderCancelled => "backorder_cancelled",
        }
    }
}

impl WireName for AllocationPolicy {
    const ALL: &'static [Self] = &[Self::StrictPriority, Self::Fifo, Self::FairShare];
    const WHAT: &'static str = "allocation policy";

    fn wire_name(self) -> &'static str {
        match self {
            Self::StrictPriority => "strict_priority",
            Self::Fifo => "fifo",
            Self::FairShare => "fair_share",
        }
    }
}

impl WireName for ProblemKind {
    const ALL: &'static [Self] = &[
        Self::InvariantBroken,
        Self::MissingIndexEntry,
        Self::StaleIndexEntry,
        Self::TotalsMismatch,
        Self::ReservationMismatch,
        Self::Unreadable,
    ];
    const WHAT: &'static str = "problem kind";

    fn wire_name(self) -> &'static str {
        match self {
            Self::InvariantBroken => "invariant_broken",
            Self::MissingIndexEntry => "missing_index_entry",
            Self::StaleIndexEntry => "stale_index_entry",
            Self::TotalsMismatch => "totals_mismatch",
            Self::ReservationMismatch => "reservation_mismatch",
            Self::Unreadable => "unreadable",
        }
    }
}

impl WireName for Shortfall {
    const ALL: &'static [Self] = &[
        Self::SupplyExhausted,
        Self::LocationMismatch,
        Self::FairShare,
    ];
    const WHAT: &'static str = "shortfall";

    fn wire_name(self) -> &'static str {
        match self {
            Self::SupplyExhausted => "supply_exhausted",
            Self::LocationMismatch => "location_mismatch",
            Self::FairShare => "fair_share",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: WireName + PartialEq + std::fmt::Debug>() {
        for case in T::ALL {
            assert_eq!(T::from_wire_name(case.wire_name()), Some(*case));
        }
        let mut names = T::wire_names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), T::ALL.len(), "{} names are unique", T::WHAT);
    }

    #[test]
    fn every_name_parses_back_to_its_case() {
        round_trips::<Priority>();
        round_trips::<BackorderStatus>();
        round_trips::<SourceKind>();
        round_trips::<AllocationStatus>();
        round_trips::<HistoryAction>();
        round_trips::<EventKind>();
        round_trips::<AllocationPolicy>();
        round_trips::<Shortfall>();
        round_trips::<ProblemKind>();
    }

    #[test]
    fn unknown_and_kebab_case_names_are_refused() {
        assert_eq!(Priority::from_wire_name("urgent"), None);
        assert_eq!(BackorderStatus::from_wire_name("partially-fulfilled"), None);
        assert_eq!(SourceKind::from_wire_name("Inventory"), None);
    }
}

/// What kind of record a `state-error` is about (`backorder`,
/// `allocation`), and its status's name.
pub fn record_status(status: RecordStatus) -> (&'static str, &'static str) {
    match status {
        RecordStatus::Backorder(status) => ("backorder", status.wire_name()),
        RecordStatus::Allocation(status) => ("allocation", status.wire_name()),
    }
}
