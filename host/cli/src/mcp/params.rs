//! The parameters of each tool: snake_case names as in the JSON output
//! (DOMAIN.md), a description an agent can act on, the limits the
//! component enforces. Unknown arguments are refused, not ignored, so a
//! misspelt filter never silently widens a query.

use schemars::JsonSchema;
use serde::Deserialize;

use super::arguments::Wire;
use backorders_host::{AllocationPolicy, BackorderStatus, Priority, SourceKind};

/// A description for a date or time argument: what it means, then the
/// accepted forms.
macro_rules! time {
    ($what:literal) => {
        concat!(
            $what,
            ": a date `2026-12-01` (the start of that day in UTC) or an RFC 3339 time with an offset (`2026-12-01T09:30:00Z`); 1970-01-01 to 9999-12-31"
        )
    };
}

const REQUEST_ID: &str = "Makes the write idempotent: a retry with the same id returns the first result and changes nothing; the same id with a different request is refused. 1-64 characters; remembered 7 days.";
const EXPECTED_VERSION: &str = "Optimistic concurrency: refuse with a `conflict` error (carrying the current version) unless the backorder's `version` is still this one.";
const BACKORDER_ID: &str = "The backorder number, `BO-YYYY-NNNN` (e.g. `BO-2026-0001`).";
const ALLOCATION_ID: &str = "The allocation id, `AL-NNNNNN` (e.g. `AL-000001`).";
const SKU: &str = "The SKU: 1-64 characters, no whitespace.";
const SOURCE: &str = "Where the units come from: `inventory` (stock on hand; the default), `purchase_order`, `transfer` or `production` (supply not yet received; needs `source_ref`).";
const SOURCE_REF: &str = "The purchase order, transfer or production run (e.g. `PO-1042`); required when `source` is not `inventory`. 1-64 characters.";
const LOCATION: &str = "The location (warehouse), 1-64 characters; omitted: the default location.";
const POLICY: &str = "The order in which backorders are served: `strict_priority` (the default: priority, then promised date, then age), `fifo` (age only) or `fair_share` (a short priority tier shares in proportion to need).";
const OVERRIDE_PRIORITY: &str = "Go ahead from stock on hand even though a more urgent backorder of the same SKU lacks allocation (otherwise refused with `priority_conflict`); recorded in the history. Default false.";

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListBackorders {
    /// Only backorders of this SKU.
    pub sku: Option<String>,
    /// Only backorders in this status.
    pub status: Option<Wire<BackorderStatus>>,
    /// Only backorders of this priority.
    pub priority: Option<Wire<Priority>>,
    /// Only backorders of this customer (the platform's customer id).
    pub customer_id: Option<String>,
    /// Only backorders of this order (the platform's order id).
    pub order_id: Option<String>,
    /// Only open backorders (status not `fulfilled` or `cancelled`). Default false.
    #[serde(default)]
    pub open_only: bool,
    /// Only open backorders whose promised date (or, without one, expected date) has passed; ordered by that date. Default false.
    #[serde(default)]
    pub overdue_only: bool,
    #[schemars(description = time!("Only backorders expected before this time; ordered by expected date"))]
    pub expected_before: Option<String>,
    /// Page size: 1 to 500; default 50. A page may hold fewer and still have a `next_cursor`.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page, with the same filters.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetBackorder {
    #[schemars(description = BACKORDER_ID)]
    pub backorder_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBackorder {
    /// The platform's order id, 1-64 characters.
    pub order_id: String,
    /// The platform's order line id, 1-64 characters.
    pub order_line_id: Option<String>,
    /// The platform's customer id, 1-64 characters.
    pub customer_id: String,
    #[schemars(description = SKU)]
    pub sku: String,
    /// Units owed: a whole number from 1 to 1,000,000,000.
    #[schemars(range(min = 1, max = 1_000_000_000))]
    pub quantity: u64,
    /// How urgent: supply goes to `critical` first, then `high`, `normal`, `low`. Default `normal`.
    pub priority: Option<Wire<Priority>>,
    #[schemars(description = time!("When supply is expected"))]
    pub expected_date: Option<String>,
    #[schemars(description = time!("What the customer was promised; past it the backorder is overdue"))]
    pub promised_date: Option<String>,
    #[schemars(description = LOCATION)]
    pub location: Option<String>,
    /// Free text, at most 2,000 characters.
    pub notes: Option<String>,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBackorder {
    #[schemars(description = BACKORDER_ID)]
    pub backorder_id: String,
    /// The new priority.
    pub priority: Option<Wire<Priority>>,
    #[schemars(description = time!("The new expected date"))]
    pub expected_date: Option<String>,
    /// Remove the expected date. Default false; not together with `expected_date`.
    #[serde(default)]
    pub clear_expected_date: bool,
    #[schemars(description = time!("The new promised date"))]
    pub promised_date: Option<String>,
    /// Remove the promised date. Default false; not together with `promised_date`.
    #[serde(default)]
    pub clear_promised_date: bool,
    /// The new location (warehouse), 1-64 characters.
    pub location: Option<String>,
    /// Back to the default location. Default false; not together with `location`.
    #[serde(default)]
    pub clear_location: bool,
    /// The new notes, at most 2,000 characters.
    pub notes: Option<String>,
    /// Remove the notes. Default false; not together with `notes`.
    #[serde(default)]
    pub clear_notes: bool,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
    #[schemars(description = EXPECTED_VERSION)]
    pub expected_version: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocateBackorder {
    #[schemars(description = BACKORDER_ID)]
    pub backorder_id: String,
    /// Units to allocate: at least 1, at most what the backorder still lacks (`quantity_remaining - quantity_allocated`).
    #[schemars(range(min = 1, max = 1_000_000_000))]
    pub quantity: u64,
    #[schemars(description = SOURCE)]
    pub source: Option<Wire<SourceKind>>,
    #[schemars(description = SOURCE_REF)]
    pub source_ref: Option<String>,
    /// The location to take the units from, 1-64 characters; omitted: the backorder's location.
    pub location: Option<String>,
    /// The lot, 1-64 characters.
    pub lot: Option<String>,
    #[schemars(description = time!("When the reservation lapses (must be in the future); omitted: it does not expire"))]
    pub expires_at: Option<String>,
    #[schemars(description = OVERRIDE_PRIORITY)]
    #[serde(default)]
    pub override_priority: bool,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
    #[schemars(description = EXPECTED_VERSION)]
    pub expected_version: Option<u64>,
}

/// Confirm or release: the allocation and the usual write guards.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeAllocation {
    #[schemars(description = ALLOCATION_ID)]
    pub allocation_id: String,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
    /// Refuse with a `conflict` error unless the allocation's backorder is still at this `version`.
    pub expected_version: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendAllocation {
    #[schemars(description = ALLOCATION_ID)]
    pub allocation_id: String,
    #[schemars(description = time!("The new expiry, in the future"))]
    pub expires_at: String,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
    /// Refuse with a `conflict` error unless the allocation's backorder is still at this `version`.
    pub expected_version: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfillBackorder {
    #[schemars(description = BACKORDER_ID)]
    pub backorder_id: String,
    /// Units shipped: at least 1, at most `quantity_remaining`.
    #[schemars(range(min = 1, max = 1_000_000_000))]
    pub quantity: u64,
    #[schemars(description = SOURCE)]
    pub source: Option<Wire<SourceKind>>,
    #[schemars(description = SOURCE_REF)]
    pub source_ref: Option<String>,
    /// Who shipped, 1-64 characters.
    pub fulfilled_by: Option<String>,
    /// Free text, at most 2,000 characters.
    pub notes: Option<String>,
    #[schemars(description = OVERRIDE_PRIORITY)]
    #[serde(default)]
    pub override_priority: bool,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
    #[schemars(description = EXPECTED_VERSION)]
    pub expected_version: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBackorder {
    #[schemars(description = BACKORDER_ID)]
    pub backorder_id: String,
    /// Units to cancel: at least 1, at most `quantity_remaining`; omitted: all remaining units.
    #[schemars(range(min = 1, max = 1_000_000_000))]
    pub quantity: Option<u64>,
    /// Why, at most 2,000 characters; recorded in the history.
    pub reason: Option<String>,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
    #[schemars(description = EXPECTED_VERSION)]
    pub expected_version: Option<u64>,
}

/// A tool without parameters: any argument is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParameters {}

/// Written out because the derived schema omits `properties` when there
/// are none, and some clients require the key.
impl JsonSchema for NoParameters {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NoParameters".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "object", "properties": {}, "additionalProperties": false})
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuSummary {
    /// The SKU; one with no open backorders (or unknown) gives zeros.
    pub sku: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocateAvailable {
    #[schemars(description = SKU)]
    pub sku: String,
    /// The location whose stock is allocated, 1-64 characters; omitted: the default location. Backorders of other locations are skipped and explained.
    pub location: Option<String>,
    #[schemars(description = POLICY)]
    pub policy: Option<Wire<AllocationPolicy>>,
    #[schemars(description = SOURCE)]
    pub source: Option<Wire<SourceKind>>,
    /// The document the units arrived on (e.g. `PO-1042`): claims on it are served first. Required when `source` is not `inventory`.
    pub source_ref: Option<String>,
    #[schemars(description = time!("Expiry of the new allocations, in the future; omitted: they do not expire"))]
    pub expires_at: Option<String>,
    /// Units that just arrived on `source_ref`: that much of its expected supply is consumed.
    pub received: Option<u64>,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receive {
    #[schemars(description = SKU)]
    pub sku: String,
    /// Units received: added to stock on hand, then allocated, in one transaction. At least 1.
    #[schemars(range(min = 1))]
    pub quantity: u64,
    /// Where they were received, 1-64 characters; omitted: the default location.
    pub location: Option<String>,
    #[schemars(description = POLICY)]
    pub policy: Option<Wire<AllocationPolicy>>,
    #[schemars(description = SOURCE)]
    pub source: Option<Wire<SourceKind>>,
    /// The document the units arrived on (e.g. `PO-1042`): claims on it are served first and its expected supply is consumed. Required when `source` is not `inventory`.
    pub source_ref: Option<String>,
    #[schemars(description = time!("Expiry of the new allocations, in the future; omitted: they do not expire"))]
    pub expires_at: Option<String>,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpireAllocations {
    /// Offer the units given back to waiting backorders again, by strict priority. Default true.
    pub reallocate: Option<bool>,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectSupply {
    #[schemars(description = SKU)]
    pub sku: String,
    /// Units expected: 1 to 1,000,000,000.
    #[schemars(range(min = 1, max = 1_000_000_000))]
    pub quantity: u64,
    #[schemars(description = time!("When the units arrive"))]
    pub expected_at: String,
    /// The kind of document: `purchase_order`, `transfer` or `production`.
    pub source: Wire<SourceKind>,
    /// The document (e.g. `PO-1042`), 1-64 characters. A second call for the same SKU, source and document replaces the first.
    pub source_ref: String,
    #[schemars(description = LOCATION)]
    pub location: Option<String>,
    #[schemars(description = REQUEST_ID)]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListExpectedSupply {
    /// Only this SKU; omitted: every SKU (at most 1,000 records).
    pub sku: Option<String>,
}
