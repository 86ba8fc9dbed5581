//! The human text of `backorders summary` and `backorders sku-summary`.

use backorders_host::dates::format_time;
use backorders_host::{BackorderSummary, PriorityCounts, SkuSummary, StatusCounts};

use super::render::date_or_none;
use super::table::Table;

fn by_status(counts: &StatusCounts) -> String {
    format!(
        "pending {}, partially_fulfilled {}, allocated {}, ready_to_ship {}",
        counts.pending, counts.partially_fulfilled, counts.allocated, counts.ready_to_ship
    )
}

fn by_priority(counts: &PriorityCounts) -> String {
    format!(
        "critical {}, high {}, normal {}, low {}",
        counts.critical, counts.high, counts.normal, counts.low
    )
}

/// A two-column table: `before`, the shared figures, then `after`.
fn figures_table(
    before: Vec<(&str, String)>,
    summary: &BackorderSummary,
    after: Vec<(&str, String)>,
) -> String {
    let figures = [
        ("open backorders", summary.open_backorders.to_string()),
        ("units remaining", summary.units_remaining.to_string()),
        ("units allocated", summary.units_allocated.to_string()),
        ("overdue", summary.overdue.to_string()),
        (
            "oldest open",
            summary
                .oldest_open_created_at
                .map_or_else(|| "-".into(), format_time),
        ),
        ("by status", by_status(&summary.by_status)),
        ("by priority", by_priority(&summary.by_priority)),
    ];
    let mut table = Table::new(&["FIGURE", "VALUE"]);
    for (name, value) in before.into_iter().chain(figures).chain(after) {
        table.row(vec![name.to_owned(), value]);
    }
    table.render()
}

/// The figures over all open backorders.
pub fn overall(summary: &BackorderSummary) -> String {
    figures_table(vec![], summary, vec![])
}

/// The figures over one SKU's open backorders, with its earliest dates.
pub fn sku(summary: &SkuSummary) -> String {
    figures_table(
        vec![("sku", summary.sku.clone())],
        &summary.summary,
        vec![
            (
                "earliest expected",
                date_or_none(summary.earliest_expected_date),
            ),
            (
                "earliest promised",
                date_or_none(summary.earliest_promised_date),
            ),
        ],
    )
}
