//! `backorders check` through the binary: clean after real work, and each
//! kind of damage to the file is found and reported with exit code 1.

use std::path::Path;

mod common;
use common::{backorders as run, ok};

fn busy_database(db: &Path) {
    for sku in ["A", "A", "B"] {
        ok(db, &["create", "--order", "O", "--customer", "C", "--sku", sku, "--quantity", "10", "--promised-date", "2026-11-20", "--apply"]);
    }
    ok(db, &["stock", "add", "--sku", "A", "--quantity", "15", "--apply"]);
    ok(db, &["receive", "--sku", "B", "--quantity", "4", "--apply"]);
    ok(db, &["allocate-available", "--sku", "A", "--apply"]);
    ok(db, &["fulfill", "BO-2026-0001", "--quantity", "10", "--apply"]);
}

fn damage(db: &Path, sql: &str) {
    let connection = rusqlite::Connection::open(db).unwrap();
    connection.execute_batch(sql).unwrap();
}

#[test]
fn check_is_clean_after_real_work_and_finds_damage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("backorders.db");
    busy_database(&db);
    let clean = run(&db, &["--json", "check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
    let report: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(report["clean"], true);
    assert_eq!(report["backorders_checked"], 3);

    let cases = [
        // An index entry of the allocation order gone: "I\0need\0…".
        ("DELETE FROM kv WHERE substr(key, 1, 7) = X'49006E65656400'", "missing_index_entry"),
        // A stray index entry pointing at nothing.
        ("INSERT INTO kv VALUES (X'4900736B7500410032303236393939393939393939', X'')", "stale_index_entry"),
        // The overall running totals lost: every stripe "GT\0…".
        ("DELETE FROM kv WHERE substr(key, 1, 3) = X'475400'", "totals_mismatch"),
        // A record overwritten with bytes that are not a record.
        ("UPDATE kv SET value = X'FFFFFFFF' WHERE key = (SELECT key FROM kv WHERE substr(key, 1, 2) = X'4200' LIMIT 1)", "unreadable"),
        // A reservation nobody's allocation holds.
        ("INSERT INTO reservations (sku, location, quantity, holder, expires_at, created_at) VALUES ('A', '', 1, 'ghost', NULL, 0); UPDATE stock SET on_hand = on_hand + 1, reserved = reserved + 1 WHERE sku = 'A'", "reservation_mismatch"),
        // The stock row's reserved count off from its reservations.
        ("UPDATE stock SET on_hand = on_hand + 3, reserved = reserved + 3 WHERE sku = 'A'", "stock_mismatch"),
    ];
    for (sql, kind) in cases {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("backorders.db");
        busy_database(&db);
        damage(&db, sql);
        let output = run(&db, &["--json", "check"]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{kind}: {text}");
        assert!(text.contains(kind), "{kind} not reported: {text}");
    }
}
