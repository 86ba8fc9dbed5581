//! Figures and checks over the whole database, and the reference host's
//! stock.

use backorders_host::names::WireName;
use backorders_host::{
    BackorderSummary, IntegrityReport, SkuSummary, StockAdjustment, StockAdjustmentRequest,
    StockChange as StockQuantity, StockLevel, MAX_STOCK_QUANTITY,
};
use serde_json::{json, Map, Value};

use super::params::{LOCATION, REQUEST_ID, SKU};
use super::{read, Effect, Op, Param, Spec};
use crate::json;

fn summary_line(summary: &BackorderSummary) -> String {
    format!(
        "{} open backorders: {} units remaining, {} allocated, {} overdue",
        summary.open_backorders, summary.units_remaining, summary.units_allocated, summary.overdue
    )
}

pub static GET_BACKORDER_SUMMARY: Op<(), BackorderSummary> = Op {
    spec: Spec {
        name: "get_backorder_summary",
        tool: true,
        title: "Backorder summary",
        description: "Figures over all open backorders: count, units remaining and allocated, counts by status and\nby priority, overdue count, oldest open `created_at`. Read-only.",
        effect: Effect::Read,
        params: &[],
    },
    build: |_| Ok(()),
    call: |backorders, (), _| read(backorders.backorder_summary()),
    json: json::summary,
    summary: summary_line,
};

pub static GET_SKU_BACKORDER_SUMMARY: Op<String, SkuSummary> = Op {
    spec: Spec {
        name: "get_sku_backorder_summary",
        tool: true,
        title: "SKU backorder summary",
        description: "The summary figures over one SKU's open backorders, with its earliest expected and promised\ndates. An unknown SKU gives zeros. Errors: `invalid_input` (malformed SKU). Read-only.",
        effect: Effect::Read,
        params: &[Param { doc: "The SKU; one with no open backorders (or unknown) gives zeros.", ..SKU }.positional("SKU")],
    },
    build: |arguments| Ok(arguments.required("sku")),
    call: |backorders, sku, _| read(backorders.sku_summary(sku)),
    json: json::sku_summary,
    summary: |summary| format!("{}: {}", summary.sku, summary_line(&summary.summary)),
};

/// The component's check and the host's stock check: (subject, detail)
/// for each stock mismatch.
pub type Integrity = (IntegrityReport, Vec<(String, String)>);

/// Every problem found, the component's then the stock's: (kind,
/// subject, detail).
pub fn problems(integrity: &Integrity) -> Vec<(&str, &str, &str)> {
    let (report, stock) = integrity;
    let component = report.problems.iter().map(|problem| {
        let kind = problem.kind.wire_name();
        (kind, problem.subject.as_str(), problem.detail.as_str())
    });
    let stock = stock
        .iter()
        .map(|(subject, detail)| ("stock_mismatch", subject.as_str(), detail.as_str()));
    component.chain(stock).collect()
}

pub static CHECK_INTEGRITY: Op<(), Integrity> = Op {
    spec: Spec {
        name: "check_integrity",
        tool: true,
        title: "Check integrity",
        description: "Recomputes every index and running total from the records and checks the invariants and the\ninventory's reservations; `clean` is false when `problems` lists any. Reads everything: an\noperator's tool, slow on a large database. Read-only.",
        effect: Effect::Read,
        params: &[],
    },
    build: |_| Ok(()),
    call: |backorders, (), _| read(Ok((backorders.check_integrity()?, backorders.check_stock()?))),
    json: |integrity| {
        let report = &integrity.0;
        let problems: Vec<Value> = problems(integrity)
            .into_iter()
            .map(|(kind, subject, detail)| json!({"kind": kind, "subject": subject, "detail": detail}))
            .collect();
        let mut fields = Map::new();
        fields.insert("clean".into(), problems.is_empty().into());
        fields.insert("backorders_checked".into(), report.backorders_checked.into());
        fields.insert("allocations_checked".into(), report.allocations_checked.into());
        fields.insert("index_entries_checked".into(), report.index_entries_checked.into());
        fields.insert("problems".into(), Value::Array(problems));
        Value::Object(fields)
    },
    summary: |integrity| {
        let report = &integrity.0;
        format!(
            "checked {} backorders, {} allocations, {} index entries: {}",
            report.backorders_checked,
            report.allocations_checked,
            report.index_entries_checked,
            match problems(integrity).len() {
                0 => "clean".to_owned(),
                count => format!("{count} problems"),
            },
        )
    },
};

/// `stock_add`: what `backorders stock add` takes.
pub struct StockChange {
    pub sku: String,
    pub location: Option<String>,
    pub quantity: u64,
}

fn stock_summary(level: &StockLevel) -> String {
    format!(
        "{} at {}: {} on hand, {} reserved",
        level.sku,
        level.location.as_deref().unwrap_or("the default location"),
        level.on_hand,
        level.reserved
    )
}

pub static STOCK_ADD: Op<StockChange, StockLevel> = Op {
    spec: Spec {
        name: "stock_add",
        tool: false,
        title: "Add received stock",
        description: "Adds received units to the stock on hand of a SKU at a location, as `backorders stock add` does; the reference host's stand-in for the platform's inventory.",
        effect: Effect::Write { destructive: false, idempotent: false },
        params: &[
            SKU,
            LOCATION,
            Param::new("quantity", super::Kind::Quantity { min: 1, max: Some(MAX_STOCK_QUANTITY) }, "Units received.")
                .required(),
        ],
    },
    build: |arguments| {
        Ok(StockChange {
            sku: arguments.required("sku"),
            location: arguments.get("location"),
            quantity: arguments.required("quantity"),
        })
    },
    call: |backorders, change, mode| {
        backorders.stock_add(&change.sku, change.location.as_deref(), change.quantity, mode)
    },
    json: |level| Value::Object(json::stock_level(level)),
    summary: stock_summary,
};

/// A count or a correction, `quantity` read as `change` makes it.
fn stock_adjustment(arguments: &super::Arguments, quantity: StockQuantity) -> StockAdjustmentRequest {
    StockAdjustmentRequest {
        sku: arguments.required("sku"),
        location: arguments.get("location"),
        quantity,
        reason: arguments.get("reason"),
        request_id: arguments.get("request_id"),
    }
}

fn stock_adjustment_summary(adjustment: &StockAdjustment) -> String {
    let lost: u64 = adjustment.released.iter().map(|loss| loss.quantity).sum();
    format!(
        "{} at {}: {} on hand (was {}), {} reserved; {lost} reserved units released from {} allocations",
        adjustment.sku,
        adjustment.location.as_deref().unwrap_or("the default location"),
        adjustment.on_hand,
        adjustment.on_hand_before,
        adjustment.reserved,
        adjustment.released.len(),
    )
}

const REASON: Param = Param::new(
    "reason",
    super::Kind::Text,
    "Why the count differs (a cycle count, damage, theft): written on every backorder that loses reserved units. At most 2,000 characters.",
)
.value_name("T");

pub static STOCK_SET: Op<StockAdjustmentRequest, StockAdjustment> = Op {
    spec: Spec {
        name: "stock_set",
        tool: true,
        title: "Set stock on hand (a count)",
        description: "Sets the units on hand of a SKU at a location, as a stock count found them. Below the units\nreserved there, reservations are released until they fit, least urgent backorder first\n(priority, then latest promise, then newest), each loss written on its backorder with the\nreason; `released` says who lost what. Errors: `invalid_input` (sku, location, quantity, reason).",
        effect: Effect::Write { destructive: true, idempotent: true },
        params: &[
            SKU,
            LOCATION,
            Param::new(
                "quantity",
                super::Kind::Quantity { min: 0, max: Some(MAX_STOCK_QUANTITY) },
                "Units counted on hand.",
            )
            .required(),
            REASON,
            REQUEST_ID,
        ],
    },
    build: |arguments| Ok(stock_adjustment(arguments, StockQuantity::Set(arguments.required("quantity")))),
    call: |backorders, request, mode| backorders.adjust_stock(request, mode),
    json: |adjustment| Value::Object(json::stock_adjustment(adjustment)),
    summary: stock_adjustment_summary,
};

pub static STOCK_ADJUST: Op<StockAdjustmentRequest, StockAdjustment> = Op {
    spec: Spec {
        name: "stock_adjust",
        tool: true,
        title: "Adjust stock on hand",
        description: "Adds units found (positive `quantity`) to, or takes units lost (negative) from, the stock on\nhand of a SKU at a location, with the reason. Taking on hand below the units reserved there\nreleases reservations until they fit, least urgent backorder first (priority, then latest\npromise, then newest); `released` says who lost what. Errors: `invalid_input` (sku, location,\nquantity 0 or taking on hand below 0, reason missing).",
        effect: Effect::Write { destructive: true, idempotent: false },
        params: &[
            SKU,
            LOCATION,
            Param::new(
                "quantity",
                super::Kind::Delta { max: MAX_STOCK_QUANTITY },
                "Units found (positive) or lost (negative); not 0.",
            )
            .required(),
            Param { doc: "Why units were found or lost (a cycle count, damage, theft): written on every backorder that loses reserved units. 1 to 2,000 characters.", ..REASON }.required(),
            REQUEST_ID,
        ],
    },
    build: |arguments| Ok(stock_adjustment(arguments, StockQuantity::Adjust(arguments.required("quantity")))),
    call: |backorders, request, mode| backorders.adjust_stock(request, mode),
    json: |adjustment| Value::Object(json::stock_adjustment(adjustment)),
    summary: stock_adjustment_summary,
};
