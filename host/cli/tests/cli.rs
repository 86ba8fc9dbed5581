//! The `backorders` binary end to end: the real component on a temporary
//! SQLite file, with the clock pinned.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{backorders, binary, fresh_db, NOW};

/// `create` for order O-1 of customer C-1, SKU `sku`, plus `extra`.
fn create_for(db: &Path, sku: &str, quantity: &str, extra: &[&str]) -> Output {
    let mut args = vec!["create", "--order", "O-1", "--customer", "C-1"];
    args.extend(["--sku", sku, "--quantity", quantity]);
    args.extend_from_slice(extra);
    backorders(db, &args)
}

/// `create` of WIDGET-001.
fn create(db: &Path, quantity: &str, extra: &[&str]) -> Output {
    create_for(db, "WIDGET-001", quantity, extra)
}

/// `stock set|add` of WIDGET-001, plus `extra`.
fn stock(db: &Path, verb: &str, quantity: &str, extra: &[&str]) -> Output {
    let mut args = vec!["stock", verb, "--sku", "WIDGET-001", "--quantity", quantity];
    args.extend_from_slice(extra);
    backorders(db, &args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `--json` output: exactly one line holding one JSON value.
fn json(output: &Output) -> Value {
    let text = stdout(output);
    assert_eq!(text.lines().count(), 1, "one line of JSON, got: {text}");
    serde_json::from_str(text.trim_end()).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// `backorders ARGS…` on `db`, which must exit 0 with `--json` output.
fn json_of(db: &Path, args: &[&str]) -> Value {
    json(&succeeds(backorders(db, args)))
}

fn succeeds(output: Output) -> Output {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    output
}

/// Asserts the exit code and that stderr says `message`.
fn fails(output: &Output, code: i32, message: &str) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr: {}",
        stderr(output)
    );
    assert!(
        stderr(output).contains(message),
        "stderr lacks {message:?}: {}",
        stderr(output)
    );
}

fn create_widget_backorder(db: &Path) -> String {
    let created = json(&succeeds(create(db, "100", &["--json", "--apply"])));
    assert_eq!(created["applied"], true);
    assert_eq!(created["status"], "pending");
    created["backorder_id"].as_str().unwrap().to_owned()
}

#[test]
fn fulfilling_part_of_a_backorder_from_stock_makes_it_partially_fulfilled() {
    let db = fresh_db();
    let id = create_widget_backorder(&db.path);
    succeeds(stock(&db.path, "add", "60", &["--apply"]));
    let fulfill = ["--json", "fulfill", &id, "--quantity", "60", "--apply"];
    let fulfilled = succeeds(backorders(&db.path, &fulfill));
    let text = stdout(&fulfilled);
    assert!(text.contains(r#""status":"partially_fulfilled""#), "{text}");
    assert!(text.contains(r#""quantity_fulfilled":60"#), "{text}");
    assert!(text.contains(r#""quantity_remaining":40"#), "{text}");
    let fulfilled = json(&fulfilled);
    assert_eq!(fulfilled["backorder_id"], id.as_str());
    assert_eq!(fulfilled["applied"], true);
    assert_eq!(fulfilled["fulfillment"]["quantity"], 60);
}

#[test]
fn a_write_without_apply_leaves_the_database_file_byte_for_byte_unchanged() {
    let db = fresh_db();
    let id = create_widget_backorder(&db.path);
    let before = std::fs::read(&db.path).unwrap();
    let previews = [
        create(&db.path, "5", &["--json"]),
        stock(&db.path, "add", "60", &["--json"]),
        backorders(&db.path, &["--json", "cancel", &id, "--quantity", "10"]),
        backorders(
            &db.path,
            &["--json", "update", &id, "--priority", "critical"],
        ),
    ];
    for preview in previews {
        let preview = succeeds(preview);
        assert_eq!(json(&preview)["applied"], false);
        assert!(stderr(&preview).contains("preview: nothing was changed; add --apply to apply it"));
    }
    assert_eq!(std::fs::read(&db.path).unwrap(), before);
    let shown = json_of(&db.path, &["--json", "show", &id]);
    assert_eq!(shown["priority"], "normal");
    assert_eq!(shown["quantity_cancelled"], 0);
}

#[test]
fn a_preview_on_a_missing_database_creates_no_file() {
    let db = fresh_db();
    let preview = succeeds(create(&db.path, "5", &[]));
    assert!(stdout(&preview).contains("preview: nothing was changed; add --apply to apply it"));
    succeeds(backorders(&db.path, &["list"]));
    succeeds(backorders(&db.path, &["summary"]));
    assert!(!db.path.exists());
    assert!(std::fs::read_dir(db.path.parent().unwrap())
        .unwrap()
        .next()
        .is_none());
}

#[test]
fn bad_input_exits_2_with_the_field_and_the_rule() {
    let db = fresh_db();
    fails(
        &create(&db.path, "0", &[]),
        2,
        "error: invalid input: quantity:",
    );
    fails(
        &create(&db.path, "5", &["--expected-date", "2026-13-01"]),
        2,
        "expected_date",
    );
    fails(
        &create(&db.path, "5", &["--priority", "urgent"]),
        2,
        "urgent",
    );
    fails(&create(&db.path, "-5", &[]), 2, "--quantity");
    fails(
        &backorders(&db.path, &["show", "BO-2026-0099"]),
        2,
        "error: not found: BO-2026-0099",
    );
}

#[test]
fn refusals_of_the_current_state_exit_1() {
    let db = fresh_db();
    let id = create_widget_backorder(&db.path);
    let allocate = ["allocate", &id, "--quantity", "40", "--apply"];
    fails(
        &backorders(&db.path, &allocate),
        1,
        "error: insufficient stock: 0 available",
    );
    succeeds(backorders(&db.path, &["cancel", &id, "--apply"]));
    fails(
        &backorders(&db.path, &["cancel", &id, "--apply"]),
        1,
        "error: invalid state:",
    );
}

#[test]
fn a_priority_conflict_names_the_blocking_backorder_and_the_override() {
    let db = fresh_db();
    succeeds(stock(&db.path, "set", "50", &["--apply"]));
    let low = json(&succeeds(create(
        &db.path,
        "10",
        &["--json", "--priority", "low", "--apply"],
    )));
    let critical = json(&succeeds(create(
        &db.path,
        "10",
        &["--json", "--priority", "critical", "--apply"],
    )));
    let low_id = low["backorder_id"].as_str().unwrap();

    let allocate = ["--json", "allocate", low_id, "--quantity", "10", "--apply"];
    let conflict = backorders(&db.path, &allocate);
    fails(
        &conflict,
        1,
        "lacks allocation and is more urgent; add --override-priority to go ahead",
    );
    let error = json(&conflict);
    assert_eq!(error["error"]["kind"], "priority_conflict");
    assert_eq!(
        error["error"]["blocking_backorder_id"],
        critical["backorder_id"]
    );

    let overridden = [&allocate[..], &["--override-priority"]].concat();
    let allowed = json_of(&db.path, &overridden);
    assert_eq!(allowed["status"], "allocated");
    assert_eq!(allowed["allocation"]["source"], "inventory");
}

#[test]
fn json_errors_are_one_object_on_stdout_and_one_line_on_stderr() {
    let db = fresh_db();
    let output = create_for(&db.path, "WIDGET 001", "5", &["--json"]);
    assert_eq!(output.status.code(), Some(2));
    let error = json(&output);
    assert_eq!(error["error"]["kind"], "invalid_input");
    assert_eq!(error["error"]["field"], "sku");
    assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
}

#[test]
fn every_json_result_is_one_line_of_json() {
    let db = fresh_db();
    let id = create_widget_backorder(&db.path);
    let reads: [&[&str]; 6] = [
        &["--json", "show", &id],
        &["--json", "list", "--sku", "WIDGET-001", "--open"],
        &["--json", "summary"],
        &["--json", "sku-summary", "WIDGET-001"],
        &["--json", "stock", "show"],
        &["--json", "events", "--limit", "5"],
    ];
    for args in reads {
        json_of(&db.path, args);
    }
    let page = json_of(&db.path, &["--json", "list"]);
    assert_eq!(page["backorders"][0]["backorder_id"], id.as_str());
    assert!(page["next_cursor"].is_null());
    let events = json_of(&db.path, &["--json", "events"]);
    assert_eq!(events[0]["kind"], "backorder_created");
    assert_eq!(events[0]["at"], NOW);
}

#[test]
fn a_foreign_file_is_refused_and_left_alone() {
    let db = fresh_db();
    let text = "not a database: a text file that happens to be here\n";
    std::fs::write(&db.path, text).unwrap();
    fails(
        &create(&db.path, "5", &["--apply"]),
        1,
        "cannot open database",
    );
    assert_eq!(std::fs::read_to_string(&db.path).unwrap(), text);
}

#[test]
fn the_demo_runs_end_to_end_and_keeps_a_database_given_with_db() {
    let db = fresh_db();
    let output = succeeds(
        binary()
            .args(["demo", "--db"])
            .arg(&db.path)
            .output()
            .unwrap(),
    );
    let text = stdout(&output);
    let steps = [
        "priority conflict",
        "ready_to_ship",
        "partially_fulfilled",
        "purchase_order PO-1042",
        "cancelled",
    ];
    for step in steps {
        assert!(text.contains(step), "demo output lacks {step}:\n{text}");
    }
    assert!(db.path.exists());
    fails(
        &backorders(&db.path, &["demo"]),
        2,
        "the demo needs a path with no database yet",
    );
}

#[test]
fn the_demo_without_a_database_cleans_up_after_itself() {
    let scratch = tempfile::tempdir().unwrap();
    succeeds(
        binary()
            .arg("demo")
            .env("TMPDIR", scratch.path())
            .output()
            .unwrap(),
    );
    assert!(std::fs::read_dir(scratch.path()).unwrap().next().is_none());
}

#[test]
fn an_allocation_is_confirmed_extended_and_released_through_the_cli() {
    let db = fresh_db();
    let id = create_widget_backorder(&db.path);
    succeeds(stock(&db.path, "set", "100", &["--apply"]));
    let hold = ["--json", "allocate", &id, "--quantity", "30", "--expires-at", "2026-11-05", "--apply"];
    let first = json_of(&db.path, &hold);
    assert_eq!(first["allocation"]["status"], "reserved");
    assert_eq!(first["allocation"]["expires_at"], "2026-11-05T00:00:00Z");
    let first_id = first["allocation"]["allocation_id"].as_str().unwrap();

    let confirmed = json_of(&db.path, &["--json", "confirm", first_id, "--apply"]);
    assert_eq!(confirmed["allocation"]["status"], "confirmed");
    assert_eq!(confirmed["quantity_confirmed"], 30);

    let second = json_of(&db.path, &hold);
    let second_id = second["allocation"]["allocation_id"].as_str().unwrap();
    let extend = [
        "--json",
        "extend",
        second_id,
        "--expires-at",
        "2026-11-09T12:00:00Z",
        "--apply",
    ];
    let extended = json_of(&db.path, &extend);
    assert_eq!(extended["allocation"]["expires_at"], "2026-11-09T12:00:00Z");

    let released = json_of(&db.path, &["--json", "release", second_id, "--apply"]);
    assert_eq!(released["allocation"]["status"], "released");
    assert_eq!(released["quantity_allocated"], 30);
    let levels = json_of(&db.path, &["--json", "stock", "show"]);
    assert_eq!(levels[0]["reserved"], 30);
    assert_eq!(levels[0]["available"], 70);
}

/// Without `--now` the host reads the system clock: the one path every
/// other test pins.
#[test]
fn without_now_a_backorder_is_stamped_with_the_system_time() {
    let db = fresh_db();
    let before = chrono::Utc::now();
    let output = binary()
        .arg("--db")
        .arg(&db.path)
        .args(["--json", "create", "--order", "O-1", "--customer", "C-1"])
        .args(["--sku", "WIDGET-001", "--quantity", "3", "--apply"])
        .output()
        .expect("the backorders binary runs");
    let after = chrono::Utc::now();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let created: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let created_at = created["created_at"].as_str().expect("created_at");
    let created_at = chrono::DateTime::parse_from_rfc3339(created_at).expect("RFC 3339");
    // Stored to the millisecond.
    let tolerance = chrono::Duration::milliseconds(1);
    assert!(created_at >= before - tolerance && created_at <= after, "{created_at} not in {before}..{after}");
    let year = before.format("%Y").to_string();
    let id = created["backorder_id"].as_str().expect("backorder_id");
    assert!(id.starts_with(&format!("BO-{year}-")) || id.starts_with(&format!("BO-{}-", after.format("%Y"))), "{id}");
}

#[test]
fn a_stock_count_below_the_reserved_units_names_who_lost_them() {
    let db = fresh_db();
    succeeds(stock(&db.path, "add", "10", &["--apply"]));
    let low = json(&succeeds(create(&db.path, "6", &["--json", "--priority", "low", "--apply"])));
    let high = json(&succeeds(create(&db.path, "4", &["--json", "--priority", "high", "--apply"])));
    succeeds(backorders(&db.path, &["allocate-available", "--sku", "WIDGET-001", "--apply"]));

    // The preview names the losers and changes nothing.
    let preview = succeeds(stock(&db.path, "adjust", "-7", &["--reason", "cycle count"]));
    let text = stdout(&preview);
    assert!(text.contains(&format!("{} (low) lost 6 reserved units", low["backorder_id"].as_str().unwrap())), "{text}");
    assert!(text.contains(&format!("{} (high) lost 1 reserved units", high["backorder_id"].as_str().unwrap())), "{text}");

    let applied = json_of(&db.path, &["--json", "stock", "adjust", "--sku", "WIDGET-001", "--quantity", "-7", "--reason", "cycle count", "--apply"]);
    assert_eq!((applied["on_hand_before"].as_u64(), applied["on_hand"].as_u64(), applied["reserved"].as_u64()), (Some(10), Some(3), Some(3)));
    assert_eq!(applied["released"][0]["backorder_id"], low["backorder_id"]);
    assert_eq!(applied["released"][0]["quantity"], 6);
    assert_eq!(applied["released"][1]["backorder_id"], high["backorder_id"]);
    assert_eq!(applied["released"][1]["status"], "pending");

    // A count of 0 takes the rest; `check` stays clean.
    let zero = json_of(&db.path, &["--json", "stock", "set", "--sku", "WIDGET-001", "--quantity", "0", "--reason", "recount", "--apply"]);
    assert_eq!(zero["released"][0]["quantity"], 3);
    succeeds(backorders(&db.path, &["check"]));
    let shown = stdout(&succeeds(backorders(&db.path, &["show", high["backorder_id"].as_str().unwrap()])));
    assert!(shown.contains("recount"), "{shown}");
}
