//! `backorders check`: the integrity check. Exit 0 when clean; 1 with the
//! list of problems otherwise.

use backorders_host::names::WireName;
use backorders_host::IntegrityProblem;
use serde_json::{json, Value};

use super::{Failure, Session};

pub fn run(session: &mut Session) -> Result<(), Failure> {
    let report = session.backorders.check_integrity()?;
    let stock = session.backorders.check_stock()?;
    let mut problems: Vec<(String, String, String)> = report
        .problems
        .iter()
        .map(
            |IntegrityProblem {
                 kind,
                 subject,
                 detail,
             }| (kind.wire_name().to_owned(), subject.clone(), detail.clone()),
        )
        .collect();
    problems.extend(
        stock
            .into_iter()
            .map(|(subject, detail)| ("stock_mismatch".to_owned(), subject, detail)),
    );
    let count = problems.len();
    session.out.read(
        || {
            json!({
                "clean": problems.is_empty(),
                "backorders_checked": report.backorders_checked,
                "allocations_checked": report.allocations_checked,
                "index_entries_checked": report.index_entries_checked,
                "problems": problems.iter().map(|(kind, subject, detail)| json!({"kind": kind, "subject": subject, "detail": detail})).collect::<Vec<Value>>(),
            })
        },
        || {
            let mut text = format!(
                "checked {} backorders, {} allocations, {} index entries: {}\n",
                report.backorders_checked,
                report.allocations_checked,
                report.index_entries_checked,
                if count == 0 { "clean".to_owned() } else { format!("{count} problems") }
            );
            for (kind, subject, detail) in &problems {
                text += &format!("  {kind}  {subject}  {detail}\n");
            }
            text
        },
    );
    if count == 0 {
        Ok(())
    } else {
        Err(Failure::Problems(count))
    }
}
