//! `backorders import` and `backorders export` through the binary on real
//! files and a real SQLite database: a bad line is reported by its number
//! and the rest created; `--all-or-nothing` creates nothing then; a re-run
//! with a request id column creates nothing again; a preview creates
//! nothing; more than one call's 1,000 items; export → import round trips,
//! also at 100,000 backorders, where a bad line 50,001 is reported by its
//! number and, with `--all-or-nothing`, nothing is created.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{backorders, fresh_db, ok};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The test's temporary directory, beside its database.
fn dir_of(db: &common::Db) -> &Path {
    db.path.parent().unwrap()
}

/// A CSV text: `header`, then `row(i)` for each of `0..rows`.
fn csv(header: &str, rows: usize, row: impl Fn(usize) -> String) -> String {
    (0..rows).fold(format!("{header}\n"), |text, i| text + &row(i) + "\n")
}

fn open_backorders(db: &Path) -> u64 {
    let output = backorders(db, &["--json", "summary"]);
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    summary["open_backorders"].as_u64().unwrap()
}

fn summary(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(&output.stdout)))
}

/// The refused lines of an import's JSON summary, with each one's field.
fn refused(summary: &Value) -> Vec<(u64, String)> {
    summary["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["error"]["field"].as_str().unwrap().to_owned()))
        .collect()
}

const CSV: &str = "order_id,customer_id,sku,quantity,priority,promised_date,ref\n\
O-1,C-1,W-1,5,high,2026-12-20,r1\n\
O-2,C-1,W-1,x,normal,,r2\n\
O-3,C-2,W-2,7,urgent,,r3\n\
O-4,C-2,W-2,8,,2026-13-01,r4\n\
O-5,C-2,W-2,9,low,,r5\n\
O-6,C-2,W-2\n";

#[test]
fn a_csv_import_reports_bad_lines_and_creates_the_rest_once() {
    let db = fresh_db();
    let dir = dir_of(&db);
    let file = write(dir, "in.csv", CSV);
    let args = ["--json", "import", &file, "--request-id-column", "ref"];

    let preview = backorders(&db.path, &args);
    assert_eq!(preview.status.code(), Some(1));
    assert_eq!(summary(&preview)["applied"], false);
    assert_eq!(open_backorders(&db.path), 0, "a preview creates nothing");

    let applied = backorders(&db.path, &[&args[..], &["--apply"]].concat());
    assert_eq!(applied.status.code(), Some(1), "some rows were refused");
    let report = summary(&applied);
    assert_eq!(report["created"], 2);
    assert_eq!(
        refused(&report),
        [(3, "quantity".into()), (4, "priority".into()), (5, "promised_date".into()), (7, "line".into())]
    );
    assert_eq!(open_backorders(&db.path), 2);

    // The same file again: the request ids make it create nothing.
    let again = backorders(&db.path, &[&args[..], &["--apply"]].concat());
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(open_backorders(&db.path), 2);
}

#[test]
fn a_jsonl_import_reports_bad_lines_and_all_or_nothing_creates_nothing() {
    let db = fresh_db();
    let dir = dir_of(&db);
    let file = write(
        dir,
        "in.jsonl",
        "{\"order_id\":\"O-1\",\"customer_id\":\"C-1\",\"sku\":\"W-1\",\"quantity\":5}\n\
         \n\
         {\"order_id\":\"O-2\",\"customer_id\":\"C-1\",\"sku\":\"W 1\",\"quantity\":5}\n\
         not json\n\
         {\"order_id\":\"O-3\",\"customer_id\":\"C-1\",\"sku\":\"W-1\",\"quantity\":6,\"expected_date\":\"2026-12-01\"}\n",
    );
    let all = backorders(&db.path, &["--json", "import", &file, "--all-or-nothing", "--apply"]);
    assert_eq!(all.status.code(), Some(1));
    let report = summary(&all);
    assert_eq!(report["created"], 0);
    assert_eq!(refused(&report), [(3, "sku".into()), (4, "line".into())]);
    assert_eq!(open_backorders(&db.path), 0, "--all-or-nothing: nothing created");

    let each = backorders(&db.path, &["--json", "import", &file, "--apply"]);
    assert_eq!(each.status.code(), Some(1));
    assert_eq!(refused(&summary(&each)), [(3, "sku".into()), (4, "line".into())]);
    assert_eq!(open_backorders(&db.path), 2);
}

#[test]
fn all_or_nothing_refused_by_the_component_creates_nothing_across_calls() {
    let db = fresh_db();
    let dir = dir_of(&db);
    // 1,500 good rows, then one the component refuses (same request id,
    // another request): past one call's 1,000 items.
    let mut text = csv("order_id,customer_id,sku,quantity,request_id", 1500, |i| format!("O-{i},C-1,W-{},{},R-{i}", i % 7, 1 + i % 5));
    text += "O-X,C-1,W-1,99,R-0\n";
    let file = write(dir, "many.csv", &text);
    let all = backorders(&db.path, &["--json", "import", &file, "--all-or-nothing", "--apply"]);
    assert_eq!(all.status.code(), Some(1));
    assert_eq!(refused(&summary(&all)), [(1502, "request_id".into())]);
    assert_eq!(open_backorders(&db.path), 0);

    let each = backorders(&db.path, &["--json", "import", &file, "--apply"]);
    assert_eq!(each.status.code(), Some(1));
    assert_eq!(summary(&each)["created"], 1500);
    assert_eq!(open_backorders(&db.path), 1500, "two calls, each item created once");
}

#[test]
fn unusable_input_exits_2_and_changes_nothing() {
    let db = fresh_db();
    let dir = dir_of(&db);
    let missing = dir.join("missing.csv");
    let unknown = write(dir, "unknown.csv", "order_id,customer_id,sku,quantity,colour\nO-1,C-1,W-1,5,red\n");
    let empty = write(dir, "empty.csv", "");
    let no_extension = write(dir, "rows.txt", CSV);
    for file in [missing.to_str().unwrap(), &unknown, &empty, &no_extension] {
        let output = backorders(&db.path, &["import", file, "--apply"]);
        assert_eq!(output.status.code(), Some(2), "{file}: {}", String::from_utf8_lossy(&output.stderr));
    }
    assert_eq!(open_backorders(&db.path), 0);
}

/// Every create field, in the order export writes them.
const ALL_FIELDS: &str = "order_id,order_line_id,customer_id,sku,quantity,priority,expected_date,promised_date,location,notes";

/// Row `i` of a file of every create field, `priority` its priority
/// (`i` picks one when none is given), in the form export writes it.
fn full_row(i: usize, priority: Option<&str>) -> String {
    let priority = priority.unwrap_or(["low", "normal", "high", "critical"][i % 4]);
    let promised = if i % 3 == 0 { format!("2026-12-{:02}", 1 + i % 28) } else { String::new() };
    let expected = if i % 5 == 0 { "2026-12-03T10:00:00Z" } else { "" };
    format!("O-{i},L-{i},C-{},S-{},{},{priority},{expected},{promised},EAST,\"note, {i}\"", i % 13, i % 9, 1 + i)
}

#[test]
fn export_then_import_round_trips_the_create_fields() {
    let db = fresh_db();
    let dir = dir_of(&db);
    let text = csv(ALL_FIELDS, 1200, |i| full_row(i, None));
    let file = write(dir, "seed.csv", &text);
    ok(&db.path, &["import", &file, "--apply"]);
    assert_eq!(open_backorders(&db.path), 1200);

    for format in ["csv", "jsonl"] {
        let exported = dir.join(format!("out.{format}"));
        ok(&db.path, &["export", "--format", format, "--output", exported.to_str().unwrap()]);
        let copy = dir.join(format!("copy-{format}.db"));
        ok(&copy, &["import", exported.to_str().unwrap(), "--apply"]);
        let again = dir.join(format!("again.{format}"));
        ok(&copy, &["export", "--format", format, "--output", again.to_str().unwrap()]);
        assert_eq!(std::fs::read_to_string(&exported).unwrap(), std::fs::read_to_string(&again).unwrap());
        let lines = std::fs::read_to_string(&exported).unwrap().lines().count();
        assert_eq!(lines, if format == "csv" { 1201 } else { 1200 });
    }
    // The first export is the seed file itself, row for row.
    assert_eq!(std::fs::read_to_string(dir.join("out.csv")).unwrap(), text);

    // Filters: the list's.
    let filtered = dir.join("s0.jsonl");
    ok(&db.path, &["export", "--format", "jsonl", "--sku", "S-0", "--priority", "high", "--output", filtered.to_str().unwrap()]);
    let rows: Vec<Value> =
        std::fs::read_to_string(&filtered).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|row| row["sku"] == "S-0" && row["priority"] == "high"));
}

#[test]
fn a_hundred_thousand_backorders_round_trip_and_a_bad_line_is_found_by_its_number() {
    const ROWS: usize = 100_000;
    let db = fresh_db();
    let dir = dir_of(&db);
    let text = csv(ALL_FIELDS, ROWS, |i| full_row(i, None));
    let seed = write(dir, "seed.csv", &text);
    ok(&db.path, &["import", &seed, "--apply"]);
    assert_eq!(open_backorders(&db.path), ROWS as u64);
    // The integrity check reads the whole store within the default limits
    // (it kept every value it read, and ran out of its 64 MiB here).
    let check = backorders(&db.path, &["--json", "check"]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let report: Value = serde_json::from_slice(&check.stdout).expect("the check's JSON");
    assert_eq!(report["backorders_checked"], ROWS, "{report}");
    assert_eq!(report["clean"], true, "{report}");

    // The CSV export is the seed file, row for row: importing the seed into
    // a fresh database was importing the export, and its export is the same.
    let csv_export = dir.join("out.csv");
    ok(&db.path, &["export", "--format", "csv", "--output", csv_export.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&csv_export).unwrap() == text, "the CSV export is the seed file");

    // The JSON lines export, into a fresh database: both its exports are the
    // originals.
    let jsonl_export = dir.join("out.jsonl");
    ok(&db.path, &["export", "--format", "jsonl", "--output", jsonl_export.to_str().unwrap()]);
    let copy = dir.join("copy.db");
    ok(&copy, &["import", jsonl_export.to_str().unwrap(), "--apply"]);
    for (format, original) in [("jsonl", &jsonl_export), ("csv", &csv_export)] {
        let again = dir.join(format!("again.{format}"));
        ok(&copy, &["export", "--format", format, "--output", again.to_str().unwrap()]);
        let same = std::fs::read_to_string(original).unwrap() == std::fs::read_to_string(&again).unwrap();
        assert!(same, "the {format} export of the copy is the original's");
    }

    // Line 50,001 (the header is line 1) with a priority there is not.
    let bad = write(dir, "bad.csv", &csv(ALL_FIELDS, ROWS, |i| full_row(i, (i == 49_999).then_some("urgent"))));
    let none = dir.join("none.db");
    let all = backorders(&none, &["--json", "import", &bad, "--all-or-nothing", "--apply"]);
    assert_eq!(all.status.code(), Some(1));
    assert_eq!(summary(&all)["created"], 0);
    assert_eq!(refused(&summary(&all)), [(50_001, "priority".into())]);
    assert_eq!(open_backorders(&none), 0, "--all-or-nothing: nothing created");
    let each = backorders(&none, &["--json", "import", &bad, "--apply"]);
    assert_eq!(each.status.code(), Some(1));
    assert_eq!(summary(&each)["created"], ROWS - 1);
    assert_eq!(refused(&summary(&each)), [(50_001, "priority".into())]);
    assert_eq!(open_backorders(&none), ROWS as u64 - 1);
}
