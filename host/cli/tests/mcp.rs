//! `backorders mcp`: the server in process behind an rmcp client, and the
//! binary behind the official Python SDK's client.

use std::path::Path;
use std::process::Command;

use backorders_cli::mcp::BackordersServer;
use backorders_host::limits::DEFAULT_MEMORY_BYTES;
use backorders_host::{dates, Mode, Options};
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};

const NOW: &str = "2026-11-02T09:00:00Z";

/// Every tool the server offers, in name order.
const TOOLS: [&str; 21] = [
    "allocate_available",
    "allocate_backorder",
    "cancel_backorder",
    "check_integrity",
    "confirm_allocation",
    "create_backorder",
    "expect_supply",
    "expire_allocations",
    "extend_allocation",
    "fulfill_backorder",
    "get_backorder",
    "get_backorder_summary",
    "get_sku_backorder_summary",
    "list_backorders",
    "list_expected_supply",
    "receive",
    "release_allocation",
    "stock_adjust",
    "stock_set",
    "update_backorder",
    "update_settings",
];

mod common;
use common::{fresh_db, Mcp};

const READ_ONLY: [&str; 6] = [
    "check_integrity",
    "get_backorder",
    "get_backorder_summary",
    "get_sku_backorder_summary",
    "list_backorders",
    "list_expected_supply",
];

/// An rmcp client connected, through an in-memory pipe, to a server over
/// `db` with the clock at `now`.
async fn connect(db: &Path, now: &str, mode: Mode) -> RunningService<RoleClient, ()> {
    let options = Options {
        component: None,
        now: Some(dates::parse_time("now", now).unwrap()),
    };
    let server = BackordersServer::new(backorders_sqlite::open(db, options), mode);
    let (client_end, server_end) = tokio::io::duplex(64 << 10);
    let (read, write) = tokio::io::split(server_end);
    // No line limit: one test sends an argument larger than the guest's
    // memory, which stdio's default limit would drop before the server.
    let transport = AsyncRwTransport::new_server(read, write).with_max_line_length(usize::MAX);
    tokio::spawn(async move {
        let session = server.serve(transport).await.expect("the server starts");
        let _ = session.waiting().await;
    });
    ().serve(client_end).await.expect("the client connects")
}

/// Tool calls through a connected client, each checked for a protocol
/// error.
trait Calls {
    async fn call(&self, tool: &str, arguments: Value) -> CallToolResult;

    /// A successful call's JSON and summary line.
    async fn ok(&self, tool: &str, arguments: Value) -> (Value, String) {
        let result = self.call(tool, arguments).await;
        let (value, line) = parts(&result);
        assert_eq!(result.is_error, Some(false), "{tool}: {line} {value}");
        (value, line)
    }

    /// A failed call's `error` object and `error: …` line.
    async fn fails(&self, tool: &str, arguments: Value) -> (Value, String) {
        let result = self.call(tool, arguments).await;
        let (value, line) = parts(&result);
        assert_eq!(
            result.is_error,
            Some(true),
            "{tool} should fail: {line} {value}"
        );
        assert!(line.starts_with("error: "), "{line}");
        (value["error"].clone(), line)
    }
}

impl Calls for RunningService<RoleClient, ()> {
    async fn call(&self, tool: &str, arguments: Value) -> CallToolResult {
        let Value::Object(arguments) = arguments else {
            panic!("arguments are an object")
        };
        self.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
            .await
            .unwrap_or_else(|error| panic!("{tool}: protocol error {error}"))
    }
}

/// The JSON block and the summary line of a result.
fn parts(result: &CallToolResult) -> (Value, String) {
    let texts: Vec<&str> = result
        .content
        .iter()
        .map(|block| block.as_text().expect("text content").text.as_str())
        .collect();
    let [value, line] = texts[..] else {
        panic!("a JSON block and a summary line, got {texts:?}")
    };
    let value = serde_json::from_str(value).unwrap_or_else(|error| panic!("{error}: {value}"));
    (value, line.to_owned())
}

fn widget(quantity: u64, extra: Value) -> Value {
    let mut arguments = json!({
        "order_id": "O-1", "customer_id": "C-1", "sku": "WIDGET-001", "quantity": quantity,
    });
    arguments
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    arguments
}

/// The arguments of a tool that takes one backorder.
fn one_backorder(id: &impl serde::Serialize) -> Value {
    json!({ "backorder_id": id })
}

/// Calls `tool` on allocation `id`, which must leave it `status`.
async fn moves_allocation(
    client: &RunningService<RoleClient, ()>,
    tool: &str,
    id: &str,
    status: &str,
) {
    let (result, _) = client.ok(tool, json!({ "allocation_id": id })).await;
    assert_eq!(result["allocation"]["status"], json!(status), "{tool}");
}

/// The allocation a run made on its first line.
fn first_allocation(run: &Value) -> String {
    let id = run["lines"][0]["allocation_id"].as_str();
    id.expect("the first line allocated").to_owned()
}

fn tool<'a>(tools: &'a [Tool], name: &str) -> &'a Tool {
    tools.iter().find(|tool| tool.name == name).unwrap()
}

#[tokio::test]
async fn every_tool_is_listed_with_described_parameters_and_annotations() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Preview).await;
    let info = client.peer_info().expect("the server introduced itself");
    assert_eq!(info.server_info.as_ref().unwrap().name, "backorders");
    assert!(info.instructions.as_deref().unwrap().contains("--apply"));

    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    names.sort_unstable();
    assert_eq!(names, TOOLS);
    for tool in &tools {
        let name = &tool.name;
        assert!(
            tool.description.as_deref().is_some_and(|d| d.len() > 40),
            "{name}"
        );
        let properties = tool.input_schema["properties"]
            .as_object()
            .expect("properties, even none");
        for (parameter, schema) in properties {
            let description = schema["description"].as_str().unwrap_or_default();
            assert!(
                !description.is_empty(),
                "{name}.{parameter} has a description"
            );
        }
        assert_eq!(
            tool.input_schema["additionalProperties"],
            json!(false),
            "{name}"
        );
        let annotations = tool.annotations.as_ref().unwrap();
        let read_only = READ_ONLY.contains(&name.as_ref());
        assert_eq!(annotations.read_only_hint, Some(read_only), "{name}");
        assert_eq!(annotations.open_world_hint, Some(false), "{name}");
    }
    for destructive in [
        "cancel_backorder",
        "fulfill_backorder",
        "release_allocation",
    ] {
        let annotations = tool(&tools, destructive).annotations.clone().unwrap();
        assert_eq!(annotations.destructive_hint, Some(true), "{destructive}");
    }
    let create = tool(&tools, "create_backorder");
    assert_eq!(
        create.annotations.clone().unwrap().destructive_hint,
        Some(false)
    );
    let required = create.input_schema["required"].as_array().unwrap();
    for field in ["order_id", "customer_id", "sku", "quantity"] {
        assert!(required.contains(&json!(field)), "{field} is required");
    }
    let priority = &create.input_schema["properties"]["priority"];
    let values = priority["enum"]
        .as_array()
        .expect("priority lists its values");
    for value in ["low", "normal", "high", "critical"] {
        assert!(values.contains(&json!(value)), "{priority}");
    }
}

#[tokio::test]
async fn a_preview_shows_the_result_changes_nothing_and_says_how_to_apply() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Preview).await;
    let (created, line) = client
        .ok("create_backorder", widget(100, json!({"priority": "high"})))
        .await;
    assert_eq!(created["applied"], json!(false));
    assert_eq!(created["status"], json!("pending"));
    assert_eq!(created["priority"], json!("high"));
    assert_eq!(created["quantity_remaining"], json!(100));
    assert!(line.contains("backorders mcp --apply"), "{line}");

    let (page, _) = client.ok("list_backorders", json!({})).await;
    assert_eq!(page["backorders"], json!([]));
    let (error, _) = client
        .fails("get_backorder", one_backorder(&created["backorder_id"]))
        .await;
    assert_eq!(error["kind"], json!("not_found"));
    assert!(!db.path.exists(), "a preview leaves no database behind");
}

#[tokio::test]
async fn with_apply_every_write_commits_and_every_tool_answers() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Apply).await;
    let (first, line) = client
        .ok(
            "create_backorder",
            widget(100, json!({"promised_date": "2026-12-01"})),
        )
        .await;
    assert_eq!(first["applied"], json!(true));
    assert!(!line.contains("preview"), "{line}");
    // A date given as a day reads back as that day (issue 16).
    assert_eq!(first["promised_date"], json!("2026-12-01"));
    let first_id = first["backorder_id"].as_str().unwrap().to_owned();
    let (second, _) = client
        .ok("create_backorder", widget(10, json!({"request_id": "R-2"})))
        .await;
    let second_id = second["backorder_id"].as_str().unwrap().to_owned();

    let version = first["version"].as_u64().unwrap();
    let (updated, _) = client.ok("update_backorder", json!({ "backorder_id": first_id, "priority": "critical", "notes": "rush", "expected_version": version, })).await;
    assert_eq!(updated["priority"], json!("critical"));
    assert_eq!(updated["version"], json!(version + 1));
    let (updated, _) = client
        .ok(
            "update_backorder",
            json!({"backorder_id": first_id, "clear_notes": true}),
        )
        .await;
    assert_eq!(updated["notes"], Value::Null);

    // 30 units arrive: the critical backorder gets them all, picks and ships them.
    let (run, _) = client
        .ok("receive", json!({"sku": "WIDGET-001", "quantity": 30}))
        .await;
    assert_eq!(run["allocated"], json!(30));
    assert_eq!(run["lines"][0]["backorder_id"], json!(first_id));
    let picked = first_allocation(&run);
    moves_allocation(&client, "confirm_allocation", &picked, "confirmed").await;
    let (shipped, line) = client
        .ok(
            "fulfill_backorder",
            json!({"backorder_id": first_id, "quantity": 30, "fulfilled_by": "ann"}),
        )
        .await;
    assert_eq!(shipped["status"], json!("partially_fulfilled"));
    assert_eq!(
        shipped["fulfillment"]["quantity_from_allocations"],
        json!(30)
    );
    assert!(line.contains("shipped 30 units"), "{line}");

    // 5 more, reserved until the 20th: extended, released, allocated again.
    let (run, _) = client
        .ok(
            "receive",
            json!({"sku": "WIDGET-001", "quantity": 5, "expires_at": "2026-11-20"}),
        )
        .await;
    let reserved = first_allocation(&run);
    let (extended, _) = client
        .ok(
            "extend_allocation",
            json!({"allocation_id": reserved, "expires_at": "2026-11-25T12:00:00Z"}),
        )
        .await;
    assert_eq!(
        extended["allocation"]["expires_at"],
        json!("2026-11-25T12:00:00Z")
    );
    moves_allocation(&client, "release_allocation", &reserved, "released").await;
    let (run, _) = client
        .ok(
            "allocate_available",
            json!({"sku": "WIDGET-001", "policy": "strict_priority"}),
        )
        .await;
    assert_eq!(
        (run["available"].clone(), run["allocated"].clone()),
        (json!(5), json!(5))
    );

    // A claim on a purchase order for the other one.
    let (claimed, _) = client.ok("allocate_backorder", json!({ "backorder_id": second_id, "quantity": 5, "source": "purchase_order", "source_ref": "PO-7", })).await;
    assert_eq!(claimed["allocation"]["source"], json!("purchase_order"));
    assert_eq!(claimed["allocation"]["reservation_id"], Value::Null);

    let (plan, _) = client.ok("expect_supply", json!({ "sku": "WIDGET-001", "quantity": 80, "expected_at": "2026-11-15", "source": "purchase_order", "source_ref": "PO-9", })).await;
    assert_eq!(plan["supply"]["source_ref"], json!("PO-9"));
    let (supplies, _) = client
        .ok("list_expected_supply", json!({"sku": "WIDGET-001"}))
        .await;
    assert_eq!(supplies.as_array().unwrap().len(), 1);

    let (cancelled, _) = client
        .ok(
            "cancel_backorder",
            json!({"backorder_id": second_id, "reason": "customer gave up"}),
        )
        .await;
    assert_eq!(cancelled["status"], json!("cancelled"));
    assert_eq!(cancelled["released"].as_array().unwrap().len(), 1);

    let (expired, _) = client.ok("expire_allocations", json!({})).await;
    assert_eq!(expired["expired"], json!([]));

    let (summary, line) = client.ok("get_backorder_summary", json!({})).await;
    assert_eq!(summary["open_backorders"], json!(1));
    assert_eq!(summary["units_allocated"], json!(5));
    assert!(line.starts_with("1 open backorders"), "{line}");
    let (sku, _) = client
        .ok("get_sku_backorder_summary", json!({"sku": "WIDGET-001"}))
        .await;
    assert_eq!(sku["units_remaining"], json!(70));
    let (check, line) = client.ok("check_integrity", json!({})).await;
    assert_eq!(check["clean"], json!(true), "{line}");

    let (page, _) = client
        .ok(
            "list_backorders",
            json!({"open_only": true, "priority": "critical", "limit": 10}),
        )
        .await;
    let ids: Vec<&Value> = page["backorders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["backorder_id"])
        .collect();
    assert_eq!(ids, [&json!(first_id)]);
    let (detail, _) = client.ok("get_backorder", one_backorder(&first_id)).await;
    assert_eq!(detail["quantity_fulfilled"], json!(30));
    assert_eq!(detail["fulfillments"][0]["fulfilled_by"], json!("ann"));
    assert!(detail["history"].as_array().unwrap().len() >= 4);
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_naming_the_field() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Apply).await;
    let cases = [
        (
            "create_backorder",
            widget(5, json!({"priority": "urgent"})),
            "priority",
            "unknown priority `urgent`",
        ),
        (
            "create_backorder",
            widget(5, json!({"promised_date": "12/01/2026"})),
            "promised_date",
            "`12/01/2026`",
        ),
        (
            "create_backorder",
            widget(5, json!({"quantity": "five"})),
            "quantity",
            "invalid type",
        ),
        (
            "create_backorder",
            widget(5, json!({"quantity": -5})),
            "quantity",
            "-5",
        ),
        (
            "create_backorder",
            json!({"order_id": "O-1", "customer_id": "C-1", "quantity": 5}),
            "sku",
            "missing field `sku`",
        ),
        (
            "create_backorder",
            widget(5, json!({"customer": "C-2"})),
            "customer",
            "unknown field `customer`",
        ),
        (
            "list_backorders",
            json!({"status": "partially-fulfilled"}),
            "status",
            "unknown status",
        ),
        (
            "allocate_backorder",
            json!({"backorder_id": "BO-2026-0001", "quantity": 1, "source": "warehouse"}),
            "source",
            "unknown source",
        ),
        (
            "extend_allocation",
            json!({"allocation_id": "AL-000001", "expires_at": "tomorrow"}),
            "expires_at",
            "`tomorrow`",
        ),
        (
            "update_backorder",
            json!({"backorder_id": "BO-2026-0001", "notes": "x", "clear_notes": true}),
            "notes",
            "not both",
        ),
        (
            "expire_allocations",
            json!({"reallocate": "yes"}),
            "reallocate",
            "invalid type",
        ),
        (
            "get_backorder_summary",
            json!({"sku": "WIDGET-001"}),
            "sku",
            "unknown field `sku`",
        ),
    ];
    for (name, arguments, field, message) in cases {
        let (error, line) = client.fails(name, arguments).await;
        assert_eq!(error["kind"], json!("invalid_input"), "{name}: {line}");
        assert_eq!(error["field"], json!(field), "{name}: {line}");
        assert!(
            line.starts_with(&format!("error: invalid input: {field}: ")),
            "{line}"
        );
        assert!(line.contains(message), "{name}: {line}");
    }
    // Nothing was created by any of them.
    let (page, _) = client.ok("list_backorders", json!({})).await;
    assert_eq!(page["backorders"], json!([]));
}

#[tokio::test]
async fn refusals_carry_the_cli_message_and_error_object() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Apply).await;
    let (error, line) = client.fails("create_backorder", widget(0, json!({}))).await;
    assert_eq!(
        (error["kind"].clone(), error["field"].clone()),
        (json!("invalid_input"), json!("quantity"))
    );
    assert!(
        line.starts_with("error: invalid input: quantity: "),
        "{line}"
    );

    let (error, line) = client
        .fails("get_backorder", one_backorder(&"BO-2026-0042"))
        .await;
    assert_eq!(
        error,
        json!({"kind": "not_found", "id": "BO-2026-0042", "message": "not found: BO-2026-0042"})
    );
    assert_eq!(line, "error: not found: BO-2026-0042");

    // A low backorder asks for stock a critical one is waiting for.
    let (critical, _) = client
        .ok(
            "create_backorder",
            widget(5, json!({"priority": "critical"})),
        )
        .await;
    let (low, _) = client
        .ok("create_backorder", widget(5, json!({"priority": "low"})))
        .await;
    let (error, line) = client
        .fails(
            "allocate_backorder",
            json!({"backorder_id": low["backorder_id"], "quantity": 5}),
        )
        .await;
    assert_eq!(error["kind"], json!("priority_conflict"), "{line}");
    assert_eq!(error["blocking_backorder_id"], critical["backorder_id"]);
    assert!(
        line.ends_with("; set override_priority to go ahead"),
        "{line}"
    );

    let (error, _) = client
        .fails(
            "update_backorder",
            json!({"backorder_id": critical["backorder_id"], "notes": "n", "expected_version": 7}),
        )
        .await;
    assert_eq!(error["kind"], json!("conflict"));
}

/// The real component stopped by the sandbox mid-call (a guest panic is
/// `tests/tests/mcp_sandbox.rs`'s, with a component built to misbehave).
#[tokio::test]
async fn a_call_the_sandbox_stops_is_a_tool_error_and_the_next_call_works() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Apply).await;
    // An order id larger than the guest's whole memory: copying it into
    // the guest blows the memory limit.
    let huge = "x".repeat(DEFAULT_MEMORY_BYTES + (1 << 20));
    let (error, line) = client
        .fails("create_backorder", widget(5, json!({"order_id": huge})))
        .await;
    assert_eq!(error["kind"], json!("limit_exceeded"), "{line}");
    assert_eq!(error["limit"], json!("memory"), "{line}");
    assert_eq!(error["export"], json!("create-backorder"));
    assert!(
        line.starts_with("error: limit exceeded: memory in create-backorder"),
        "{line}"
    );

    let (created, _) = client.ok("create_backorder", widget(5, json!({}))).await;
    let (detail, _) = client
        .ok("get_backorder", one_backorder(&created["backorder_id"]))
        .await;
    assert_eq!(detail["quantity_ordered"], json!(5));
}

#[tokio::test]
async fn allocations_past_their_expiry_are_expired_by_a_later_clock() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Apply).await;
    let (created, _) = client.ok("create_backorder", widget(5, json!({}))).await;
    client
        .ok(
            "receive",
            json!({"sku": "WIDGET-001", "quantity": 5, "expires_at": "2026-11-03"}),
        )
        .await;

    let later = connect(&db.path, "2026-11-04T00:00:00Z", Mode::Apply).await;
    let (expired, line) = later
        .ok("expire_allocations", json!({"reallocate": false}))
        .await;
    assert_eq!(
        expired["expired"][0]["backorder_id"], created["backorder_id"],
        "{line}"
    );
    assert!(line.starts_with("1 allocations expired"), "{line}");
    let (detail, _) = later
        .ok("get_backorder", one_backorder(&created["backorder_id"]))
        .await;
    assert_eq!(detail["status"], json!("pending"));
}

/// The binary over raw JSON-RPC lines: every line on stdout is a protocol
/// message, notes go to stderr, and without --apply a write is a preview.
#[test]
fn the_binary_speaks_only_protocol_on_stdout() {
    let db = fresh_db();
    let mut server = Mcp::spawn(&db.path, &[]);
    let mut exchange = |messages: &[Value]| server.exchange(messages);
    let initialized = exchange(&[
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"},
        }}),
    ]);
    assert_eq!(
        initialized["result"]["serverInfo"]["name"],
        json!("backorders")
    );
    let created = exchange(&[
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "create_backorder", "arguments": widget(3, json!({}))}}),
    ]);
    assert_eq!(created["id"], json!(2));
    assert_eq!(created["result"]["isError"], json!(false));
    let text = created["result"]["content"][0]["text"].as_str().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap()["applied"],
        json!(false)
    );
    let refused = exchange(&[
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "get_backorder", "arguments": {"backorder_id": 7},
        }}),
    ]);
    assert_eq!(refused["result"]["isError"], json!(true), "{refused}");

    let output = server.finish();
    assert!(output.status.success(), "{output:?}");
    assert!(
        output.stdout.is_empty(),
        "nothing after the responses: {output:?}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("backorders mcp: serving"), "{stderr}");
    assert!(!db.path.exists(), "a preview leaves no database behind");
}

/// The official Python SDK (`pip install mcp`) drives the real binary:
/// initialize, list tools, create with --apply, read back.
#[test]
fn the_python_sdk_creates_and_reads_back_a_backorder() {
    let probe = Command::new("python3")
        .args(["-c", "import mcp"])
        .output()
        .expect("python3 runs: this test needs Python 3 with the MCP SDK (pip install mcp)");
    assert!(
        probe.status.success(),
        "the official MCP Python SDK is missing: run `python3 -m pip install mcp` ({})",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    let db = fresh_db();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_client.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_backorders"))
        .arg(&db.path)
        .env_remove("BACKORDERS_DB")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("read back BO-"), "stdout:\n{stdout}");
    assert!(db.path.exists(), "--apply committed to the database file");
}

/// A server started with `Mode::Apply` runs the expiry sweep on its
/// interval: a hold past its expiry is finalised (its event written) and,
/// the sweep reallocating, the units go to the backorder still waiting,
/// with no call from the client. A preview server runs none.
#[tokio::test]
async fn an_applying_server_sweeps_expired_holds_on_its_interval() {
    let db = fresh_db();
    let client = connect(&db.path, NOW, Mode::Apply).await;
    client.ok("create_backorder", widget(5, json!({}))).await;
    client
        .ok(
            "receive",
            json!({"sku": "WIDGET-001", "quantity": 5, "expires_at": "2026-11-03"}),
        )
        .await;

    let later = || {
        let options = Options {
            component: None,
            now: Some(dates::parse_time("now", "2026-11-04T00:00:00Z").unwrap()),
        };
        backorders_sqlite::open(&db.path, options)
    };
    let expired = || {
        let events = later().events(50).unwrap();
        let kinds = events.into_iter().map(|e| e.event.kind);
        kinds
            .filter(|kind| *kind == backorders_host::EventKind::AllocationExpired)
            .count()
    };
    assert_eq!(expired(), 0, "nothing has finalised the expiry yet");
    let every = Some(std::time::Duration::from_millis(50));
    let preview = BackordersServer::new(later(), Mode::Preview).with_sweep_every(every);
    assert!(
        preview.start_sweep().is_none(),
        "a preview server sweeps nothing"
    );

    let server = BackordersServer::new(later(), Mode::Apply).with_sweep_every(every);
    let sweep = server.start_sweep().expect("an applying server sweeps");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while expired() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the sweep did not run"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Later ticks find nothing more to expire: the one hold is finalised once.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    sweep.abort();
    assert_eq!(expired(), 1);
    let stock = later().stock_show(Some("WIDGET-001")).unwrap();
    assert_eq!(stock[0].reserved, 5, "the units were offered again");
}
