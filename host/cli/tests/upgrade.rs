//! Stored data outlives builds: a database written by the 0.1.0 build
//! (`tests/fixtures/backorders-0.1.0.db`, made by `make-0.1.0-db.sh`) opens
//! in this build, which upgrades it once, and reads back everything exactly
//! as the 0.1.0 build did (`backorders-0.1.0.readback.json`); remembered
//! request ids still replay; new writes work. A component built for the
//! 0.1.0 contract is refused by name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The clock the readback was taken at.
const NOW: &str = "2026-11-04T10:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn backorders(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backorders"))
        .env("BACKORDERS_CACHE_DIR", db.parent().unwrap().join("cache"))
        .args(["--db", db.to_str().unwrap(), "--now", NOW, "--json"])
        .args(args)
        .output()
        .expect("run backorders")
}

fn answer(db: &Path, args: &[&str]) -> Value {
    let output = backorders(db, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON value")
}

/// The fixture, copied: the test must not change the committed file.
fn copy_of_fixture(dir: &Path) -> PathBuf {
    let db = dir.join("old.db");
    std::fs::copy(fixtures().join("backorders-0.1.0.db"), &db).unwrap();
    db
}

fn schema_version(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

#[test]
fn a_database_of_the_0_1_0_build_reads_back_unchanged_and_replays_its_requests() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of_fixture(dir.path());
    assert_eq!(schema_version(&db), 1, "the fixture is a schema-1 database");
    let mut golden: serde_json::Map<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("backorders-0.1.0.readback.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(golden.len(), 22);
    // The one answer this build gives differently, on purpose: since issue
    // 16 an allocation on supply not yet received reads as `claimed`. 0.1.0
    // called AL-000004, a claim on PO-77 with no reservation, `reserved`.
    let claim = &mut golden["show BO-2026-0008"]["allocations"][0];
    assert_eq!((&claim["allocation_id"], &claim["reservation_id"]), (&Value::from("AL-000004"), &Value::Null));
    claim["status"] = Value::from("claimed");
    // And since issue 15 a stored event carries the backorder after its
    // change; one the 0.1.0 build recorded has none.
    let Value::Array(events) = &mut golden["events"] else { panic!("events is a list") };
    for event in events {
        event["backorder"] = Value::Null;
    }
    for (question, expected) in &golden {
        let words: Vec<&str> = question.split(' ').collect();
        let args: Vec<&str> = match words.as_slice() {
            ["replay", "create", "req-create-1"] => vec![
                "create", "--order", "O-1", "--customer", "C-1", "--sku", "WIDGET", "--quantity",
                "30", "--priority", "critical", "--promised-date", "2026-11-20", "--request-id",
                "req-create-1", "--apply",
            ],
            ["replay", "fulfill", "req-fulfil-1"] => vec![
                "fulfill", "BO-2026-0004", "--quantity", "4", "--by", "picker-1", "--request-id",
                "req-fulfil-1", "--apply",
            ],
            ["list"] => vec!["list", "--limit", "500"],
            ["events"] => vec!["events", "--limit", "1000"],
            ["stock", "show"] => vec!["stock", "show"],
            other => other.to_vec(),
        };
        assert_eq!(&answer(&db, &args), expected, "{question}");
    }
    assert_eq!(schema_version(&db), 6, "the first open upgraded the file");
    let index: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'reservations_by_stock'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(index, 1, "schema 4 indexes reservations by stock row");
    // The replays created nothing: still ten backorders, and new writes
    // take the next number.
    let created = answer(
        &db,
        &["create", "--order", "O-11", "--customer", "C-11", "--sku", "WIDGET", "--quantity", "1", "--apply"],
    );
    assert_eq!(created["backorder_id"], "BO-2026-0011");
    // The year's counter key went to the store's sequence with that create.
    let (next, counters): (i64, i64) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT (SELECT next FROM sequences WHERE name = 'bo-2026'),
                    (SELECT count(*) FROM kv WHERE substr(key, 1, 5) = X'5100626F00')",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!((next, counters), (12, 0), "numbers go on from the sequence; the counter key is gone");
    let newest = answer(&db, &["events", "--limit", "1"]);
    assert_eq!(newest[0]["backorder"], created.as_object().map(|fields| {
        let mut fields = fields.clone();
        fields.remove("applied");
        Value::Object(fields)
    }).unwrap(), "an event recorded after the upgrade carries its backorder");
    let fulfilled = answer(&db, &["fulfill", "BO-2026-0003", "--quantity", "5", "--apply"]);
    assert_eq!(fulfilled["status"], "fulfilled", "{fulfilled}");
    let check = answer(&db, &["check"]);
    assert_eq!(check["problems"], Value::Array(vec![]), "{check}");
    assert_eq!(check["backorders_checked"], 11);
}

#[test]
fn a_database_of_a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of_fixture(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let output = backorders(&db, &["summary"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("schema version 7; this host reads version 6"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_component_built_for_0_1_0_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let component = fixtures().join("backorders-component-0.1.0.wasm");
    let output = backorders(&db, &["--component", component.to_str().unwrap(), "summary"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("incompatible component"), "{stderr}");
    assert!(stderr.contains("commerce:backorders/backorders@0.1.0"), "{stderr}");
    assert!(stderr.contains("commerce:backorders@0.2.0"), "{stderr}");
}
