//! The one `bindgen!` of the host: everything else names the generated types
//! through this module, so host and guest share the WIT's types and nothing
//! is written twice by hand.

mod generated {
    wasmtime::component::bindgen!({
        world: "engine",
        path: "../../wit",
        // Every import may trap: a host failure that the WIT gives no case
        // for (an outbox write that failed, a broken invariant) must abort
        // the call, and the trap rolls its transaction back.
        imports: { default: trappable },
        // Tests and front ends compare results.
        additional_derives: [PartialEq, Eq],
    });
}

// For the host's own modules: the world and its imports' `Host` traits. The
// export is called through `crate::guest`.
pub(crate) use generated::commerce;
pub(crate) use generated::{Engine as EngineWorld, EnginePre};

// The public types: requests, results, errors, summaries.
pub use generated::commerce::backorders::inventory::{
    InventoryError, ReservationRequest, ReservedUnits,
};
pub use generated::commerce::backorders::inventory::Holding as WitHolding;
pub use generated::commerce::backorders::store::{Entry, StoreError, Write as StoreWrite};
pub use generated::commerce::backorders::types::{
    Allocation, AllocationStatus, Backorder, BackorderDetail, BackorderError, BackorderStatus,
    Event, EventKind, FieldError, Fulfillment, HistoryAction, HistoryEntry, Priority, SourceKind,
    RecordStatus, StateError, Timestamp,
};
pub use generated::exports::commerce::backorders::backorders::{
    AllocationChange, AllocationExtension, AllocationPolicy, AllocationRequest, AllocationResult,
    AllocationRun, AllocationRunRequest, BackorderPage, BackorderSummary, BackorderUpdate,
    BulkCreate, BulkResult, CancelRequest, CancelResult, DateChange, ExpectedSupply, ExpiryRequest, ExpiryResult,
    FulfillmentRequest, FulfillmentResult, IntegrityProblem, IntegrityReport, ListRequest,
    NewBackorder, PriorityCounts, ProblemKind, PromiseLine, PromisePlan, RunLine, Shortfall,
    SkuSummary, StatusCounts, SupplyExpectation, TextChange,
};
pub use generated::exports::commerce::backorders::backorders::{
    StockAdjustment, StockAdjustmentRequest, StockChange, StockLoss, Unserved, WaitingBackorder,
};
pub use generated::commerce::backorders::types::DateOrTime;
pub use generated::exports::commerce::backorders::backorders::{Settings, SettingsUpdate};
