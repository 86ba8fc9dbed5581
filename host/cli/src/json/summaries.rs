//! Summaries over open backorders.

use serde_json::{json, Map, Value};

use super::{object, optional_date, optional_time};
use backorders_host::{BackorderSummary, PriorityCounts, SkuSummary, StatusCounts};

fn status_counts(counts: &StatusCounts) -> Value {
    json!({
        "pending": counts.pending,
        "partially_fulfilled": counts.partially_fulfilled,
        "allocated": counts.allocated,
        "ready_to_ship": counts.ready_to_ship,
    })
}

fn priority_counts(counts: &PriorityCounts) -> Value {
    json!({
        "low": counts.low,
        "normal": counts.normal,
        "high": counts.high,
        "critical": counts.critical,
    })
}

pub fn summary(summary: &BackorderSummary) -> Value {
    Value::Object(summary_fields(summary))
}

fn summary_fields(summary: &BackorderSummary) -> Map<String, Value> {
    object(json!({
        "open_backorders": summary.open_backorders,
        "units_remaining": summary.units_remaining,
        "units_allocated": summary.units_allocated,
        "by_status": status_counts(&summary.by_status),
        "by_priority": priority_counts(&summary.by_priority),
        "overdue": summary.overdue,
        "oldest_open_created_at": optional_time(summary.oldest_open_created_at),
    }))
}

/// The overall summary's fields for one SKU, with its earliest dates.
pub fn sku_summary(summary: &SkuSummary) -> Value {
    let mut fields = Map::new();
    fields.insert("sku".into(), summary.sku.clone().into());
    fields.extend(summary_fields(&summary.summary));
    fields.insert(
        "earliest_expected_date".into(),
        optional_date(summary.earliest_expected_date),
    );
    fields.insert(
        "earliest_promised_date".into(),
        optional_date(summary.earliest_promised_date),
    );
    Value::Object(fields)
}
