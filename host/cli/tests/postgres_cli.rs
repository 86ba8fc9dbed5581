//! The `backorders` binary on PostgreSQL: `--db postgres://…` selects the
//! provider for the CLI and `mcp`; a server that cannot be reached is one
//! line and exit 1. Each test makes its own database on the test server
//! (`BACKORDERS_TEST_POSTGRES`) and drops it.

use std::path::Path;

use backorders_host::Options;
use backorders_postgres::{closed_local_port, TestDatabase};
use serde_json::{json, Value};

mod common;
use common::{backorders, binary, Mcp};


#[test]
fn a_closed_port_is_one_storage_unavailable_line_and_exit_1() {
    let port = closed_local_port();
    let url = format!("postgres://backorders:secret@127.0.0.1:{port}/backorders");
    for args in [&["summary"][..], &["stock", "add", "--sku", "W", "--quantity", "1", "--apply"], &["check"]] {
        let output = backorders(Path::new(&url), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{output:?}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        let expected = format!("error: storage unavailable: postgres://backorders@127.0.0.1:{port}/backorders: ");
        assert!(stderr.starts_with(&expected), "{stderr}");
        assert!(!stderr.contains("secret"), "no password: {stderr}");
    }
}

#[test]
fn the_cli_writes_and_reads_a_postgres_database_named_by_backorders_db() {
    let database = TestDatabase::create();
    let run = |args: &[&str]| {
        let output = binary()
            .args(args)
            .env("BACKORDERS_DB", &database.url)
            .output()
            .expect("the backorders binary runs");
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8(output.stdout).expect("utf-8")
    };
    run(&["stock", "add", "--sku", "W", "--quantity", "4", "--apply"]);
    let created: Value = serde_json::from_str(&run(&[
        "--json", "create", "--order", "O-1", "--customer", "C-1", "--sku", "W", "--quantity", "3", "--apply",
    ]))
    .expect("json");
    assert_eq!(created["applied"], json!(true), "{created}");
    let summary: Value = serde_json::from_str(&run(&["--json", "sku-summary", "W"])).expect("json");
    assert_eq!(summary["open_backorders"], json!(1), "{summary}");
    assert!(run(&["check"]).contains("clean"));
}

#[test]
fn mcp_serves_a_postgres_database_from_its_blocking_threads() {
    let database = TestDatabase::create();
    let mut server = Mcp::spawn(Path::new(&database.url), &["--apply"]);
    let mut exchange = |messages: &[Value]| server.exchange(messages);
    exchange(&[json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"},
    }})]);
    let created = exchange(&[
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "create_backorder", "arguments": {
            "order_id": "O-1", "customer_id": "C-1", "sku": "WIDGET-001", "quantity": 3,
        }}}),
    ]);
    assert_eq!(created["result"]["isError"], json!(false), "{created}");
    let text = created["result"]["content"][0]["text"].as_str().unwrap();
    let reply: Value = serde_json::from_str(text).unwrap();
    assert_eq!(reply["applied"], json!(true), "{reply}");
    let read = exchange(&[json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "get_sku_backorder_summary", "arguments": {"sku": "WIDGET-001"},
    }})]);
    assert_eq!(read["result"]["isError"], json!(false), "{read}");
    let output = server.finish();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{output:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The write is in the database, for any other host to read.
    let engine = backorders_postgres::open(&database.url, Options::default());
    let summary = engine.sku_summary("WIDGET-001").expect("summary").summary;
    assert_eq!(summary.open_backorders, 1, "created through mcp");
}
