//! Figures and checks over the whole database, and the reference host's
//! stock.

use backorders_host::names::WireName;
use backorders_host::{BackorderSummary, IntegrityReport, SkuSummary, StockLevel};
use serde_json::{json, Map, Value};

use super::params::{LOCATION, SKU};
use super::{family, read, Effect, Op, Param, Spec};
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

/// `stock_add` and `stock_set`: what `backorders stock add|set` takes.
pub struct StockChange {
    pub sku: String,
    pub location: Option<String>,
    pub quantity: u64,
}

const STOCK_PARAMS: &[Param] = &[
    SKU,
    LOCATION,
    Param::new(
        "quantity",
        super::Kind::Quantity { min: 0, max: None },
        "Units on hand (set) or received (add).",
    )
    .required(),
];

fn stock_change(arguments: &super::Arguments) -> Result<StockChange, backorders_host::CallError> {
    Ok(StockChange {
        sku: arguments.required("sku"),
        location: arguments.get("location"),
        quantity: arguments.required("quantity"),
    })
}

fn stock_json(level: &StockLevel) -> Value {
    Value::Object(json::stock_level(level))
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

/// `backorders.method(sku, location, quantity, mode)`.
macro_rules! by_change {
    ($method:ident) => {
        |backorders, change, mode| {
            backorders.$method(
                &change.sku,
                change.location.as_deref(),
                change.quantity,
                mode,
            )
        }
    };
}

family! {
    Op<StockChange, StockLevel> { tool: false, params: STOCK_PARAMS, build: stock_change,
        call: by_change!, json: stock_json, summary: |_, level| stock_summary(level) }
    STOCK_ADD = stock_add, "", Effect::Write { destructive: false, idempotent: false }, "Add received stock",
        "Adds received units to the stock on hand of a SKU at a location, as `backorders stock add` does; the reference host's stand-in for the platform's inventory.";
    STOCK_SET = stock_set, "", Effect::Write { destructive: true, idempotent: true }, "Set stock on hand",
        "Sets the units on hand of a SKU at a location (a stock count), as `backorders stock set` does; the reference host's stand-in for the platform's inventory.";
}
