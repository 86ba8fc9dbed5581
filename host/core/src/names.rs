//! The snake_case names of the WIT enums, as JSON, the CLI, the event outbox
//! and a future MCP server spell them (`partially_fulfilled`,
//! `purchase_order`), declared once per enum in one table below. Each
//! becomes an exhaustive `match`: a new WIT case breaks the build here
//! instead of being printed or parsed wrongly.

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

/// A case by its name, for a serde derive: `#[serde(serialize_with =
/// "backorders_host::names::serialize_wire_name")]`.
pub fn serialize_wire_name<T: WireName, S: serde::Serializer>(
    case: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(case.wire_name())
}

/// The reverse of `serialize_wire_name`: an unknown name is an error
/// naming what was expected, never a default.
pub fn deserialize_wire_name<'de, T: WireName, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let name = <String as serde::Deserialize>::deserialize(deserializer)?;
    T::from_wire_name(&name).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "`{name}` is not a {}: expected one of {}",
            T::WHAT,
            T::wire_names().join(", ")
        ))
    })
}

/// Declares each enum's cases with their names, once: `ALL` and the
/// exhaustive `match` of `wire_name` both come from the one list, so a case
/// cannot be missing from either.
macro_rules! wire_names {
    ($($enum:ident ($what:literal) { $($case:ident = $name:literal),+ $(,)? })+) => {$(
        impl WireName for $enum {
            const ALL: &'static [Self] = &[$(Self::$case),+];
            const WHAT: &'static str = $what;

            fn wire_name(self) -> &'static str {
                match self {
                    $(Self::$case => $name,)+
                }
            }
        }
    )+};
}

wire_names! {
    Priority ("priority") { Low = "low", Normal = "normal", High = "high", Critical = "critical" }
    BackorderStatus ("status") {
        Pending = "pending", PartiallyFulfilled = "partially_fulfilled", Allocated = "allocated",
        ReadyToShip = "ready_to_ship", Fulfilled = "fulfilled", Cancelled = "cancelled",
    }
    SourceKind ("source") {
        Inventory = "inventory", PurchaseOrder = "purchase_order", Transfer = "transfer",
        Production = "production",
    }
    AllocationStatus ("allocation status") {
        Reserved = "reserved", Confirmed = "confirmed", Consumed = "consumed", Released = "released",
        Expired = "expired", Claimed = "claimed",
    }
    HistoryAction ("history action") {
        Created = "created", Updated = "updated", Allocated = "allocated",
        AllocationConfirmed = "allocation_confirmed", AllocationReleased = "allocation_released",
        AllocationExtended = "allocation_extended", AllocationExpired = "allocation_expired",
        AllocationReceived = "allocation_received", Fulfilled = "fulfilled", Cancelled = "cancelled",
    }
    EventKind ("event kind") {
        BackorderCreated = "backorder_created", BackorderUpdated = "backorder_updated",
        AllocationCreated = "allocation_created", AllocationConfirmed = "allocation_confirmed",
        AllocationReleased = "allocation_released", AllocationExtended = "allocation_extended",
        AllocationExpired = "allocation_expired", AllocationReceived = "allocation_received",
        BackorderFulfilled = "backorder_fulfilled", BackorderCancelled = "backorder_cancelled",
        BackorderExpectedDateChanged = "backorder_expected_date_changed",
        BackorderAtRiskSet = "backorder_at_risk_set", BackorderAtRiskCleared = "backorder_at_risk_cleared",
    }
    AllocationPolicy ("allocation policy") {
        StrictPriority = "strict_priority", Fifo = "fifo", FairShare = "fair_share",
    }
    ProblemKind ("problem kind") {
        InvariantBroken = "invariant_broken", MissingIndexEntry = "missing_index_entry",
        StaleIndexEntry = "stale_index_entry", TotalsMismatch = "totals_mismatch",
        ReservationMismatch = "reservation_mismatch", Unreadable = "unreadable",
    }
    Shortfall ("shortfall") {
        SupplyExhausted = "supply_exhausted", LocationMismatch = "location_mismatch",
        FairShare = "fair_share",
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
