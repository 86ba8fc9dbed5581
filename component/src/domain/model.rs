//! The domain's values: plain Rust, no reference to the WIT bindings, so the
//! rules compile and run natively.

use serde::{Deserialize, Serialize};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Timestamp = i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Critical];

    /// Position in allocation order: 0 is served first.
    pub fn rank(self) -> u8 {
        match self {
            Priority::Critical => 0,
            Priority::High => 1,
            Priority::Normal => 2,
            Priority::Low => 3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    PartiallyFulfilled,
    Allocated,
    ReadyToShip,
    Fulfilled,
    Cancelled,
}

impl Status {
    /// The statuses an open backorder can have, in the order summaries count them.
    pub const OPEN: [Status; 4] = [Status::Pending, Status::PartiallyFulfilled, Status::Allocated, Status::ReadyToShip];

    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::PartiallyFulfilled => "partially_fulfilled",
            Status::Allocated => "allocated",
            Status::ReadyToShip => "ready_to_ship",
            Status::Fulfilled => "fulfilled",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Status::Fulfilled | Status::Cancelled)
    }

    /// Index into `Status::OPEN`, for open statuses.
    pub fn open_index(self) -> Option<usize> {
        Status::OPEN.iter().position(|s| *s == self)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Stock on hand: the source of a request that names no other.
    #[default]
    Inventory,
    PurchaseOrder,
    Transfer,
    Production,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Inventory => "inventory",
            SourceKind::PurchaseOrder => "purchase_order",
            SourceKind::Transfer => "transfer",
            SourceKind::Production => "production",
        }
    }

    /// Sources other than stock on hand are claims on supply not yet received.
    pub fn is_claim(self) -> bool {
        !matches!(self, SourceKind::Inventory)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationStatus {
    Reserved,
    Confirmed,
    Consumed,
    Released,
    Expired,
    /// Live, on supply not yet received: nothing reserved (`reservation_id`
    /// is none) until the receipt makes it `Reserved`.
    Claimed,
}

impl AllocationStatus {
    pub fn name(self) -> &'static str {
        match self {
            AllocationStatus::Reserved => "reserved",
            AllocationStatus::Confirmed => "confirmed",
            AllocationStatus::Consumed => "consumed",
            AllocationStatus::Released => "released",
            AllocationStatus::Expired => "expired",
            AllocationStatus::Claimed => "claimed",
        }
    }

    pub fn is_live(self) -> bool {
        matches!(self, AllocationStatus::Reserved | AllocationStatus::Confirmed | AllocationStatus::Claimed)
    }
}

/// The status of a record an operation refused, tagged with its kind, so
/// the caller knows which enum the status belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordStatus {
    Backorder(Status),
    Allocation(AllocationStatus),
}

impl RecordStatus {
    pub fn name(self) -> &'static str {
        match self {
            RecordStatus::Backorder(status) => status.name(),
            RecordStatus::Allocation(status) => status.name(),
        }
    }
}

impl From<Status> for RecordStatus {
    fn from(status: Status) -> Self {
        RecordStatus::Backorder(status)
    }
}

impl From<AllocationStatus> for RecordStatus {
    fn from(status: AllocationStatus) -> Self {
        RecordStatus::Allocation(status)
    }
}

/// Which operation closed a backorder: status rule 1 of DOMAIN.md needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedBy {
    Fulfilment,
    Cancel,
}

/// A backorder as the domain returns it (status and remaining derived).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backorder {
    pub backorder_id: String,
    pub order_id: String,
    pub order_line_id: Option<String>,
    pub customer_id: String,
    pub sku: String,
    pub priority: Priority,
    pub status: Status,
    pub quantity_ordered: u64,
    pub quantity_allocated: u64,
    pub quantity_confirmed: u64,
    pub quantity_fulfilled: u64,
    pub quantity_cancelled: u64,
    pub quantity_remaining: u64,
    pub expected_date: Option<DateOrTime>,
    pub promised_date: Option<DateOrTime>,
    pub location: Option<String>,
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
    /// The promised date falls before the expected date.
    pub at_risk: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub allocation_id: String,
    pub backorder_id: String,
    pub sku: String,
    pub source: SourceKind,
    pub source_ref: Option<String>,
    pub quantity: u64,
    pub quantity_consumed: u64,
    pub quantity_released: u64,
    pub location: Option<String>,
    pub lot: Option<String>,
    pub status: AllocationStatus,
    pub reservation_id: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Allocation {
    /// An allocation stored before `Claimed` existed, its status as this
    /// build says it: `reserved` with no reservation behind it was a claim.
    pub fn claimed_if_unreceived(self) -> Self {
        let claimed = self.status == AllocationStatus::Reserved && self.reservation_id.is_none();
        Allocation { status: if claimed { AllocationStatus::Claimed } else { self.status }, ..self }
    }

    /// Units this allocation still holds for its backorder.
    pub fn held(&self) -> u64 {
        if self.status.is_live() {
            self.quantity - self.quantity_consumed - self.quantity_released
        } else {
            0
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfillment {
    pub sequence: u32,
    pub quantity: u64,
    pub quantity_from_allocations: u64,
    pub source: SourceKind,
    pub source_ref: Option<String>,
    pub fulfilled_by: Option<String>,
    pub notes: Option<String>,
    pub priority_override: bool,
    pub fulfilled_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Created,
    Updated,
    Allocated,
    AllocationConfirmed,
    AllocationReleased,
    AllocationExtended,
    AllocationExpired,
    AllocationReceived,
    Fulfilled,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: Timestamp,
    pub action: HistoryAction,
    pub status: Status,
    pub quantity: Option<u64>,
    pub allocation_id: Option<String>,
    pub priority_override: bool,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackorderDetail {
    pub backorder: Backorder,
    pub allocations: Vec<Allocation>,
    pub fulfillments: Vec<Fulfillment>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    BackorderCreated,
    BackorderUpdated,
    AllocationCreated,
    AllocationConfirmed,
    AllocationReleased,
    AllocationExtended,
    AllocationExpired,
    AllocationReceived,
    BackorderFulfilled,
    BackorderCancelled,
    BackorderExpectedDateChanged,
    BackorderAtRiskSet,
    BackorderAtRiskCleared,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub at: Timestamp,
    pub backorder_id: String,
    pub sku: String,
    pub allocation_id: Option<String>,
    pub quantity: Option<u64>,
    pub status: Status,
    /// The backorder after the change.
    pub backorder: Backorder,
}

// ---- requests ----

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBackorder {
    pub order_id: String,
    pub order_line_id: Option<String>,
    pub customer_id: String,
    pub sku: String,
    pub quantity: u64,
    pub priority: Option<Priority>,
    pub expected_date: Option<DateOrTime>,
    pub promised_date: Option<DateOrTime>,
    pub location: Option<String>,
    pub notes: Option<String>,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
}

/// Set a field, or clear it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change<T> {
    Set(T),
    Clear,
}

impl<T> Change<T> {
    pub fn into_option(self) -> Option<T> {
        match self {
            Change::Set(value) => Some(value),
            Change::Clear => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackorderUpdate {
    pub backorder_id: String,
    pub priority: Option<Priority>,
    pub expected_date: Option<Change<DateOrTime>>,
    pub promised_date: Option<Change<DateOrTime>>,
    pub location: Option<Change<String>>,
    pub notes: Option<Change<String>>,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
    /// Refuse with `Conflict` unless the backorder is at this version.
    pub expected_version: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRequest {
    pub sku: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
    pub open_only: bool,
    pub overdue_only: bool,
    pub expected_before: Option<Timestamp>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackorderPage {
    pub backorders: Vec<Backorder>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationRequest {
    pub backorder_id: String,
    pub quantity: u64,
    pub source: SourceKind,
    pub source_ref: Option<String>,
    pub location: Option<String>,
    pub lot: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub override_priority: bool,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
    /// Refuse with `Conflict` unless the backorder is at this version.
    pub expected_version: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentRequest {
    pub backorder_id: String,
    pub quantity: u64,
    pub source: SourceKind,
    pub source_ref: Option<String>,
    pub fulfilled_by: Option<String>,
    pub notes: Option<String>,
    pub override_priority: bool,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
    /// Refuse with `Conflict` unless the backorder is at this version.
    pub expected_version: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelRequest {
    pub backorder_id: String,
    pub quantity: Option<u64>,
    pub reason: Option<String>,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
    /// Refuse with `Conflict` unless the backorder is at this version.
    pub expected_version: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationResult {
    pub backorder: Backorder,
    pub allocation: Allocation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentResult {
    pub backorder: Backorder,
    pub fulfillment: Fulfillment,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelResult {
    pub backorder: Backorder,
    pub released: Vec<Allocation>,
}

/// Counters over open backorders, kept as running aggregates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub open_backorders: u64,
    pub units_remaining: u64,
    pub units_allocated: u64,
    /// Indexed like `Status::OPEN`.
    pub by_status: [u64; 4],
    /// Indexed by `Priority::index`.
    pub by_priority: [u64; 4],
}

impl Totals {
    pub fn is_zero(&self) -> bool {
        *self == Totals::default()
    }

    /// Adds `more` field by field.
    pub fn add(&mut self, more: &Totals) {
        self.open_backorders += more.open_backorders;
        self.units_remaining += more.units_remaining;
        self.units_allocated += more.units_allocated;
        for i in 0..4 {
            self.by_status[i] += more.by_status[i];
            self.by_priority[i] += more.by_priority[i];
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub totals: Totals,
    pub overdue: u64,
    pub oldest_open_created_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkuSummary {
    pub sku: String,
    pub summary: Summary,
    pub earliest_expected_date: Option<DateOrTime>,
    pub earliest_promised_date: Option<DateOrTime>,
}

// ---- supply: allocation runs, expiry, expected supply ----

/// How an allocation run orders the backorders it serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationPolicy {
    /// Priority, then promised date (none last), then created_at, then number.
    #[default]
    StrictPriority,
    /// created_at only (then number).
    Fifo,
    /// Tiers in priority order; the first tier that cannot be served in full
    /// shares the units in proportion to need, remainder to the oldest.
    FairShare,
}

impl AllocationPolicy {
    pub fn name(self) -> &'static str {
        match self {
            AllocationPolicy::StrictPriority => "strict_priority",
            AllocationPolicy::Fifo => "fifo",
            AllocationPolicy::FairShare => "fair_share",
        }
    }
}

/// Why a backorder got fewer units than it lacked in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shortfall {
    /// The units ran out before or while serving it.
    SupplyExhausted,
    /// It is to be served from another location than the run's.
    LocationMismatch,
    /// Fair share gave it its proportional part of a short tier.
    FairShare,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    pub sku: String,
    /// none: the default location.
    pub location: Option<String>,
    pub policy: Option<AllocationPolicy>,
    pub source: SourceKind,
    pub source_ref: Option<String>,
    pub expires_at: Option<Timestamp>,
    /// Units that just arrived on `source_ref`: that much of its expected
    /// supply is consumed.
    pub received: Option<u64>,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
}

/// One backorder considered by a run, in the order considered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunLine {
    pub backorder_id: String,
    pub priority: Priority,
    pub promised_date: Option<DateOrTime>,
    pub created_at: Timestamp,
    /// Units it lacked (for a claim: units the claim held).
    pub needed: u64,
    pub allocated: u64,
    pub allocation_id: Option<String>,
    /// Served by receiving its earlier claim on the run's source reference.
    pub from_claim: bool,
    pub shortfall: Option<Shortfall>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationRun {
    pub sku: String,
    pub location: Option<String>,
    pub policy: AllocationPolicy,
    pub source: SourceKind,
    pub source_ref: Option<String>,
    /// Units available when the run started.
    pub available: u64,
    pub allocated: u64,
    pub lines: Vec<RunLine>,
    /// Who still waits; not remembered with an idempotent request's result
    /// (so the remembered layout stays as it was): none on a repeat.
    #[serde(skip)]
    pub unserved: Option<Unserved>,
}

/// The open backorders a run left lacking units at its location.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unserved {
    /// Counted over at most `MAX_UNSERVED_SCAN` entries of the run's order.
    pub count: u64,
    /// The count stopped at that bound.
    pub at_least: bool,
    /// (backorder id, units lacking), the next in line first.
    pub next_in_line: Vec<(String, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryResult {
    pub expired: Vec<Allocation>,
    /// The re-offer runs, one per SKU and location that got units back.
    pub runs: Vec<AllocationRun>,
    /// More allocations are past their expiry than one call handles.
    pub more: bool,
}

/// Supply not yet received, by source document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedSupply {
    pub sku: String,
    pub source: SourceKind,
    pub source_ref: String,
    pub quantity: u64,
    pub expected_at: DateOrTime,
    pub location: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyExpectation {
    pub sku: String,
    pub quantity: u64,
    pub expected_at: DateOrTime,
    pub source: SourceKind,
    pub source_ref: String,
    pub location: Option<String>,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
}

/// A backorder whose expected date the expected supply sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseLine {
    pub backorder_id: String,
    pub priority: Priority,
    pub quantity: u64,
    /// The supply that completes it.
    pub source_ref: String,
    pub expected_date: DateOrTime,
    pub promised_date: Option<DateOrTime>,
    /// The promise falls before the expected date.
    pub at_risk: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromisePlan {
    pub supply: ExpectedSupply,
    pub lines: Vec<PromiseLine>,
}

/// Confirm or release one allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationChange {
    pub allocation_id: String,
    pub request_id: Option<String>,
    /// Refuse with `Conflict` unless the allocation's backorder is at this version.
    pub expected_version: Option<u64>,
}

/// Move the expiry of one reserved allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationExtension {
    pub allocation_id: String,
    pub expires_at: Timestamp,
    pub request_id: Option<String>,
    pub expected_version: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryRequest {
    pub reallocate: bool,
    pub request_id: Option<String>,
}

// ---- integrity ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    InvariantBroken,
    MissingIndexEntry,
    StaleIndexEntry,
    TotalsMismatch,
    ReservationMismatch,
    Unreadable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrityProblem {
    pub kind: ProblemKind,
    pub subject: String,
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntegrityReport {
    pub backorders_checked: u64,
    pub allocations_checked: u64,
    pub index_entries_checked: u64,
    pub problems: Vec<IntegrityProblem>,
}

/// What a stock count or correction does to the units on hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockChange {
    /// The units counted: on hand becomes this.
    Set(u64),
    /// Units found (positive) or lost (negative).
    Adjust(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAdjustmentRequest {
    pub sku: String,
    /// none: the default location.
    pub location: Option<String>,
    pub quantity: StockChange,
    /// Why; written on every backorder that loses units.
    pub reason: Option<String>,
    /// Makes the call idempotent (see `ops::idempotency`).
    pub request_id: Option<String>,
}

/// Units a backorder lost to a stock count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLoss {
    pub backorder_id: String,
    pub priority: Priority,
    pub allocation_id: String,
    pub quantity: u64,
    /// The backorder's status afterwards.
    pub status: Status,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAdjustment {
    pub sku: String,
    pub location: Option<String>,
    pub on_hand_before: u64,
    pub on_hand: u64,
    /// Units still reserved afterwards.
    pub reserved: u64,
    /// Who lost what, in the order they lost it.
    pub released: Vec<StockLoss>,
}

// ---- dates and settings ----

/// A promised or expected date, as it was given: a whole calendar day
/// (days since 1970-01-01), which means that day in the database's time
/// zone, or an exact instant. Both lie in 1970..=9999 (`validate::date`).
/// Stored as one integer (see `stored`): an instant as itself, a day `d`
/// as `-1 - d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrTime {
    Date(i32),
    Time(Timestamp),
}

impl DateOrTime {
    /// Where it sorts among times (index keys, due-day counters, the rank
    /// key): a day at its start in UTC, an instant as it is.
    pub fn key(self) -> Timestamp {
        match self {
            DateOrTime::Date(day) => i64::from(day) * super::time::DAY_MS,
            DateOrTime::Time(t) => t,
        }
    }

    /// The instant a date was read as before dates were kept as given
    /// (the start of its day in UTC).
    pub fn as_instant(self) -> DateOrTime {
        DateOrTime::Time(self.key())
    }
}

impl Serialize for DateOrTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            DateOrTime::Date(day) => serializer.serialize_i64(-1 - i64::from(day)),
            DateOrTime::Time(t) => serializer.serialize_i64(t),
        }
    }
}

impl<'de> Deserialize<'de> for DateOrTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        if value >= 0 {
            return Ok(DateOrTime::Time(value));
        }
        i32::try_from(-1 - value).map(DateOrTime::Date).map_err(|_| serde::de::Error::custom("a day out of range"))
    }
}

impl NewBackorder {
    /// The request as a build before issue 16 read it: days as instants.
    pub fn dates_as_instants(&self) -> Self {
        NewBackorder {
            expected_date: self.expected_date.map(DateOrTime::as_instant),
            promised_date: self.promised_date.map(DateOrTime::as_instant),
            ..self.clone()
        }
    }
}

impl BackorderUpdate {
    /// The request as a build before issue 16 read it: days as instants.
    pub fn dates_as_instants(&self) -> Self {
        let instant = |change: &Option<Change<DateOrTime>>| match change {
            Some(Change::Set(d)) => Some(Change::Set(d.as_instant())),
            other => other.clone(),
        };
        BackorderUpdate {
            expected_date: instant(&self.expected_date),
            promised_date: instant(&self.promised_date),
            ..self.clone()
        }
    }
}

impl SupplyExpectation {
    /// The request as a build before issue 16 read it: days as instants.
    pub fn dates_as_instants(&self) -> Self {
        SupplyExpectation { expected_at: self.expected_at.as_instant(), ..self.clone() }
    }
}

/// The database's settings, stored once (`keys::settings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The IANA time zone in which a date means a whole day.
    pub timezone: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { timezone: super::time::UTC.to_string() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsUpdate {
    pub timezone: Option<String>,
}
