//! Parameters several operations share, and the words for dates.

use backorders_host::names::WireName;
use backorders_host::{AllocationPolicy, SourceKind};

use super::{choice, Kind, Param};

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
pub(crate) use time;

/// A description for a promised or expected date, kept as given.
macro_rules! day {
    ($what:literal) => {
        concat!(
            $what,
            ": a date `2026-12-01` (that whole day in the database's time zone, see `settings`) or an RFC 3339 time with an offset (`2026-12-01T09:30:00Z`, that instant); 1970-01-01 to 9999-12-31"
        )
    };
}
pub(crate) use day;

/// Units a backorder can count: 1 to 1,000,000,000.
pub const UNITS: Kind = Kind::Quantity {
    min: 1,
    max: Some(1_000_000_000),
};

pub const fn text(name: &'static str, doc: &'static str) -> Param {
    Param::new(name, Kind::Text, doc)
}

pub const fn date(name: &'static str, doc: &'static str) -> Param {
    Param::new(name, Kind::Date, doc)
}

pub const fn flag(name: &'static str, doc: &'static str) -> Param {
    Param::new(name, Kind::Flag, doc)
}

pub const fn choice_param<T: WireName>(name: &'static str, doc: &'static str) -> Param {
    Param::new(name, choice::<T>(), doc)
}

/// The units of a backorder operation, `--quantity <N>`.
pub const fn units(doc: &'static str) -> Param {
    Param::new("quantity", UNITS, doc).required()
}

pub const REQUEST_ID: Param = text("request_id", "Makes the write idempotent: a retry with the same id returns the first result and changes nothing; the same id with a different request is refused. 1-64 characters; remembered 7 days.").value_name("ID");
pub const EXPECTED_VERSION: Param = Param::new(
    "expected_version",
    Kind::Quantity { min: 0, max: None },
    "Optimistic concurrency: refuse with a `conflict` error (carrying the current version) unless the backorder's `version` is still this one.",
)
.value_name("V");
/// For the allocation operations, whose version is the backorder's.
pub const ALLOCATION_VERSION: Param = Param {
    doc: "Refuse with a `conflict` error unless the allocation's backorder is still at this `version`.",
    ..EXPECTED_VERSION
};
pub const BACKORDER_ID: Param = text(
    "backorder_id",
    "The backorder number, `BO-YYYY-NNNN` (e.g. `BO-2026-0001`).",
)
.required()
.positional("BACKORDER_ID");
pub const ALLOCATION_ID: Param = text(
    "allocation_id",
    "The allocation id, `AL-NNNNNN` (e.g. `AL-000001`).",
)
.required()
.positional("ALLOCATION_ID");
pub const SKU: Param = text("sku", "The SKU: 1-64 characters, no whitespace.")
    .required()
    .value_name("S");
pub const SOURCE: Param = choice_param::<SourceKind>(
    "source",
    "Where the units come from: `inventory` (stock on hand; the default), `purchase_order`, `transfer` or `production` (supply not yet received; needs `source_ref`).",
)
.value_name("SOURCE");
pub const SOURCE_REF: Param = text("source_ref", "The purchase order, transfer or production run (e.g. `PO-1042`); required when `source` is not `inventory`. 1-64 characters.").value_name("R");
pub const LOCATION: Param = text(
    "location",
    "The location (warehouse), 1-64 characters; omitted: the default location.",
)
.value_name("L");
pub const POLICY: Param = choice_param::<AllocationPolicy>(
    "policy",
    "The order in which backorders are served: `strict_priority` (the default: priority, then promised date, then age), `fifo` (age only) or `fair_share` (a short priority tier shares in proportion to need).",
)
.value_name("POLICY");
pub const OVERRIDE_PRIORITY: Param = flag("override_priority", "Go ahead from stock on hand even though a more urgent backorder of the same SKU lacks allocation (otherwise refused with `priority_conflict`); recorded in the history. Default false.");
pub const NOTES: Param = text("notes", "Free text, at most 2,000 characters.").value_name("T");
pub const RUN_EXPIRES_AT: Param = date(
    "expires_at",
    time!("Expiry of the new allocations, in the future; omitted: they do not expire"),
);

/// `inventory` unless the caller named another source.
pub fn source(arguments: &super::Arguments) -> SourceKind {
    arguments.choice("source").unwrap_or(SourceKind::Inventory)
}
