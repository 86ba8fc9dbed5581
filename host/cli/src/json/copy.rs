//! `backorders copy`: what was copied (or would be), per table.

use serde_json::{json, Map, Value};

use backorders_host::provider::copy::CopyReport;

use super::{derived, object, write_result};

/// `from`, `to` (without passwords), `copied` (rows per table: `kv`,
/// `stock`, `reservations`, `events`), `numbering` (the highest
/// `reservation_id` and `event_seq` the source handed out, which the target
/// continues after), `not_copied` (rows of the source's own that a copy
/// does not carry, by table) and `applied`.
pub fn copy_report(from: &str, to: &str, report: &CopyReport) -> Value {
    let not_copied: Map<String, Value> = report
        .not_copied
        .iter()
        .map(|(table, rows)| ((*table).to_owned(), (*rows).into()))
        .collect();
    let fields = json!({
        "from": from,
        "to": to,
        "copied": derived(&report.copied),
        "numbering": derived(&report.numbering),
        "not_copied": not_copied,
    });
    write_result(object(fields), report.applied)
}
