//! `backorders copy` through the binary, on real SQLite files and real
//! PostgreSQL databases (each test makes its own on the test server,
//! `BACKORDERS_TEST_POSTGRES`, and drops it): a database with allocations,
//! partial fulfilments, cancels, request ids and events goes SQLite →
//! PostgreSQL → PostgreSQL → SQLite → SQLite and every view of it stays the
//! same; idempotency and numbering survive; a non-empty target, a preview,
//! a failure half-way and a foreign source change nothing.

use std::path::Path;
use std::process::Output;

use backorders_host::{dates, Mode, NewBackorder, Options};
use backorders_postgres::TestDatabase;
use serde_json::Value;

mod common;
use common::{backorders, binary, fresh_db, NOW};

/// Backorders created in-process beside the demo's, so the key-value space
/// and the outbox run past one chunk of a copy (`COPY_CHUNK_ROWS`).
const BULK_BACKORDERS: usize = 260;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `backorders --db DB --now NOW ARGS…`, which must succeed.
fn ok(db: &str, args: &[&str]) -> String {
    let output = backorders(Path::new(db), args);
    assert_eq!(output.status.code(), Some(0), "{db} {args:?}: {}", stderr(&output));
    stdout(&output)
}

fn json(db: &str, args: &[&str]) -> Value {
    let mut with_json = vec!["--json"];
    with_json.extend_from_slice(args);
    let text = ok(db, &with_json);
    serde_json::from_str(text.trim_end()).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// `backorders copy --from FROM --to TO [--apply] --json`.
fn copy(from: &str, to: &str, apply: bool) -> Output {
    let mut command = binary();
    command.args(["--json", "copy", "--from", from, "--to", to]);
    if apply {
        command.arg("--apply");
    }
    command.output().expect("the backorders binary runs")
}

/// A copy that must succeed: its JSON report.
fn copied(from: &str, to: &str, apply: bool) -> Value {
    let output = copy(from, to, apply);
    assert_eq!(output.status.code(), Some(0), "copy {from} -> {to}: {}", stderr(&output));
    serde_json::from_str(stdout(&output).trim_end()).expect("one JSON value")
}

/// A SQLite database with the demo's story (allocations, a partial
/// fulfilment, a cancel, events), a second SKU at a location of its own
/// written with request ids, and enough backorders for several chunks.
/// Returns the `create` output whose request id a copy must remember.
fn source_database(path: &str) -> String {
    let demo = binary().args(["--db", path, "demo"]).output().expect("the demo runs");
    assert!(demo.status.success(), "demo: {}", stderr(&demo));
    ok(path, &["stock", "add", "--sku", "GADGET-7", "--location", "EAST", "--quantity", "30", "--apply"]);
    let create = [
        "--json", "create", "--order", "O-77", "--customer", "C-9", "--sku", "GADGET-7", "--location", "EAST",
        "--quantity", "12", "--priority", "high", "--request-id", "create-o-77", "--apply",
    ];
    let created = ok(path, &create);
    let id = serde_json::from_str::<Value>(created.trim_end()).unwrap()["backorder_id"].as_str().unwrap().to_owned();
    ok(path, &["allocate", &id, "--quantity", "10", "--request-id", "allocate-o-77", "--apply"]);
    ok(path, &["fulfill", &id, "--quantity", "4", "--request-id", "fulfil-o-77", "--apply"]);
    let cancelled = json(path, &["create", "--order", "O-78", "--customer", "C-9", "--sku", "GADGET-7", "--quantity", "2", "--apply"]);
    let cancelled = cancelled["backorder_id"].as_str().unwrap();
    ok(path, &["cancel", cancelled, "--reason", "customer_request", "--apply"]);
    let options = Options {
        now: Some(dates::parse_time("now", NOW).expect("NOW parses")),
        ..Options::default()
    };
    let engine = backorders_sqlite::open(path, options);
    for n in 0..BULK_BACKORDERS {
        let request = NewBackorder::new(&format!("BULK-{n}"), "C-BULK", &format!("BULK-SKU-{}", n % 7), 3);
        engine.create_backorder(&request, Mode::Apply).expect("bulk create");
    }
    created
}

/// Every way a user reads the database, as JSON, labelled: `check`,
/// `summary`, every SKU's `sku-summary`, every `list` page, the outbox and
/// `stock show`.
fn views(db: &str) -> Vec<(String, Value)> {
    let integrity = json(db, &["check"]);
    let mut views = vec![("check".to_owned(), integrity), ("summary".to_owned(), json(db, &["summary"]))];
    let mut skus = std::collections::BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = vec!["list", "--limit", "37"];
        if let Some(cursor) = &cursor {
            args.extend(["--cursor", cursor]);
        }
        let page = json(db, &args);
        for backorder in page["backorders"].as_array().expect("a page lists backorders") {
            skus.insert(backorder["sku"].as_str().expect("a SKU").to_owned());
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        views.push((format!("list page after {cursor:?}"), page));
        if cursor.is_none() {
            break;
        }
    }
    for sku in &skus {
        views.push((format!("sku-summary {sku}"), json(db, &["sku-summary", sku])));
    }
    views.push(("events".to_owned(), json(db, &["events", "--limit", "10000"])));
    views.push(("stock show".to_owned(), json(db, &["stock", "show"])));
    views
}

fn assert_same_views(source: &[(String, Value)], target: &str) {
    let copied = views(target);
    assert_eq!(copied.len(), source.len(), "{target}: as many views");
    for ((label, expected), (_, found)) in source.iter().zip(&copied) {
        assert_eq!(found, expected, "{target}: {label} differs from the source's");
    }
}

fn counts(report: &Value) -> &Value {
    &report["copied"]
}

/// A temporary directory with `source.db`: 5 units of `W` and a backorder
/// of 2 for each of `orders`.
fn small_source(orders: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.db").display().to_string();
    ok(&source, &["stock", "add", "--sku", "W", "--quantity", "5", "--apply"]);
    for order in orders {
        ok(&source, &["create", "--order", order, "--customer", "C-1", "--sku", "W", "--quantity", "2", "--apply"]);
    }
    (dir, source)
}

#[test]
fn a_database_moves_between_sqlite_and_postgres_with_every_view_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.db").display().to_string();
    let created = source_database(&source);
    let expected = views(&source);
    assert!(expected[0].1["problems"].as_array().is_some_and(Vec::is_empty), "the source is clean: {:?}", expected[0]);

    let (first, second) = (TestDatabase::create(), TestDatabase::create());
    let back = dir.path().join("back.db").display().to_string();
    let again = dir.path().join("again.db").display().to_string();
    // SQLite -> PostgreSQL -> PostgreSQL -> SQLite -> SQLite: every direction.
    let mut reports = Vec::new();
    for (from, to) in [(&source, &first.url), (&first.url, &second.url), (&second.url, &back), (&back, &again)] {
        let preview = copied(from, to, false);
        let report = copied(from, to, true);
        assert_eq!(report["applied"], Value::Bool(true), "{report}");
        assert_eq!(counts(&preview), counts(&report), "the preview counted what the copy copied");
        assert_same_views(&expected, to);
        reports.push(report);
    }
    let first_report = &reports[0];
    let kv = first_report["copied"]["kv"].as_u64().unwrap();
    let events = first_report["copied"]["events"].as_u64().unwrap();
    assert!(kv > 1_000 && events > BULK_BACKORDERS as u64, "several chunks: {first_report}");
    for report in &reports {
        assert_eq!(counts(report), counts(first_report), "every hop copies every row: {report}");
        assert_eq!(report["numbering"], first_report["numbering"], "{report}");
    }
    assert_eq!(first_report["not_copied"]["webhook_endpoints"], Value::from(0), "{first_report}");
    let sequences = first_report["numbering"]["sequences"].as_object().expect("the sequences' next numbers");
    assert!(sequences.keys().any(|name| name.starts_with("bo-")) && sequences.contains_key("al"), "{first_report}");

    let create = [
        "--json", "create", "--order", "O-77", "--customer", "C-9", "--sku", "GADGET-7", "--location", "EAST",
        "--quantity", "12", "--priority", "high", "--request-id", "create-o-77", "--apply",
    ];
    let highest_reservation = first_report["numbering"]["reservation_id"].as_i64().unwrap();
    let highest_seq = first_report["numbering"]["event_seq"].as_i64().unwrap();
    for target in [&first.url, &back] {
        // The request id was remembered: the replay returns the first result.
        assert_eq!(ok(target, &create), created, "{target}: a replayed request id");
        // New rows get fresh numbers, after everything the source handed out.
        let fresh = json(target, &["create", "--order", "O-99", "--customer", "C-1", "--sku", "GADGET-7", "--location", "EAST", "--quantity", "1", "--priority", "critical", "--apply"]);
        let fresh_id = fresh["backorder_id"].as_str().unwrap();
        assert!(!expected.iter().any(|(_, view)| view.to_string().contains(&format!("\"{fresh_id}\""))), "{target}: {fresh_id} is new");
        ok(target, &["allocate", fresh_id, "--quantity", "1", "--apply"]);
        let allocated = json(target, &["show", fresh_id]);
        assert_eq!(
            allocated["allocations"][0]["reservation_id"],
            Value::from(format!("RS-{}", highest_reservation + 1)),
            "{target}: {allocated}"
        );
        let newest = json(target, &["events", "--limit", "1"]);
        assert_eq!(newest[0]["seq"], Value::from(highest_seq + 2), "{target}: create and allocate after the copied events: {newest}");
        assert!(ok(target, &["check"]).contains("clean"), "{target}");
    }
}

#[test]
fn a_target_that_is_not_empty_is_refused_and_left_unchanged() {
    let (dir, source) = small_source(&["O-1"]);
    let sqlite_target = dir.path().join("target.db").display().to_string();
    let postgres_target = TestDatabase::create();
    for target in [&sqlite_target, &postgres_target.url] {
        // One stock row is enough to make a database not empty.
        ok(target, &["stock", "add", "--sku", "OTHER", "--quantity", "1", "--apply"]);
        let before = views(target);
        for apply in [false, true] {
            let output = copy(&source, target, apply);
            assert_eq!(output.status.code(), Some(2), "{target}: {}", stderr(&output));
            let error: Value = serde_json::from_str(stdout(&output).trim_end()).expect("the error as JSON");
            assert_eq!(error["error"]["field"], Value::from("to"), "{error}");
            assert!(
                stderr(&output).starts_with(
                    "error: invalid input: to: the target database is not empty (0 key-value rows, 1 stock rows, \
                     0 reservations, 0 events); copy only into an empty database"
                ),
                "{}",
                stderr(&output)
            );
        }
        assert_same_views(&before, target);
    }
}

#[test]
fn a_preview_counts_what_it_would_copy_and_writes_nothing() {
    let (dir, source) = small_source(&["O-1"]);
    let missing = dir.path().join("missing.db");
    let output = binary()
        .args(["copy", "--from", &source, "--to"])
        .arg(&missing)
        .output()
        .expect("the backorders binary runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with(&format!("would copy {source} to {}\n", missing.display())), "{text}");
    assert!(text.contains("\n  stock rows      1\n") && text.contains("\n  reservations    0\n"), "{text}");
    assert!(text.ends_with("preview: nothing was changed; add --apply to apply it\n"), "{text}");
    assert!(!missing.exists(), "a preview creates no file");

    let postgres = TestDatabase::create();
    let report = copied(&source, &postgres.url, false);
    assert_eq!(report["applied"], Value::Bool(false), "{report}");
    assert_eq!(report["copied"]["stock"], Value::from(1), "{report}");
    let mut client = postgres.client();
    let row = client
        .query_one("SELECT (SELECT count(*) FROM kv) + (SELECT count(*) FROM stock) + (SELECT count(*) FROM events)", &[])
        .expect("count rows");
    assert_eq!(row.get::<_, i64>(0), 0, "the preview wrote no row");
}

#[test]
fn a_copy_that_fails_half_way_leaves_the_target_empty() {
    let (dir, source) = small_source(&["O-1", "O-2"]);
    // The events go in last: a trigger refusing them fails the copy after
    // every other table was written.
    let sqlite_target = dir.path().join("target.db");
    drop(backorders_sqlite::SqliteConnection::open(&sqlite_target, true).expect("lay out the target"));
    let raw = rusqlite::Connection::open(&sqlite_target).unwrap();
    raw.execute_batch("CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;")
        .unwrap();
    let postgres_target = TestDatabase::create();
    backorders_postgres::open(&postgres_target.url, Options::default()).backorder_summary().expect("lay out the schema");
    postgres_target
        .client()
        .batch_execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
             CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION refuse();",
        )
        .unwrap();
    let sqlite_target = sqlite_target.display().to_string();
    for target in [&sqlite_target, &postgres_target.url] {
        let output = copy(&source, target, true);
        assert_eq!(output.status.code(), Some(1), "{target}: {}", stderr(&output));
        assert!(stderr(&output).contains("refused by the test"), "{}", stderr(&output));
        // A preview is refused when any row is there: none stayed behind.
        let report = copied(&source, target, false);
        assert_eq!(report["applied"], Value::Bool(false), "{report}");
    }
}

#[test]
fn a_source_that_is_missing_or_not_a_backorders_database_is_refused() {
    let target = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db").display().to_string();
    let output = copy(&missing, &target.path.display().to_string(), true);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).starts_with(&format!("error: invalid input: from: there is no database file at {missing}")), "{}", stderr(&output));

    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE mine (x);").unwrap();
    let output = copy(&foreign.display().to_string(), &target.path.display().to_string(), true);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("is not a backorders database"), "{}", stderr(&output));
    let output = copy("memory:", &target.path.display().to_string(), true);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!target.path.exists(), "nothing was written");
}
