// `backorders mcp` in front of a misbehaving component (`tests/evil-component`):
// a trap or a blown limit is a tool error carrying the CLI's message, the
// server keeps serving, and a call stuck in the guest does not hold up the
// protocol.

mod common;

use std::time::{Duration, Instant};

use backorders_cli::database::ProviderKind;
use backorders_cli::mcp::BackordersServer;
use backorders_host::*;
use common::*;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};

const EVIL_COMPONENT: &str = env!("EVIL_COMPONENT");

/// A client connected through an in-memory pipe to a server running the
/// evil component with a short CPU deadline, on this binary's provider; and
/// the directory to keep while it runs.
async fn evil_server() -> (RunningService<RoleClient, ()>, tempfile::TempDir) {
    let (backorders, dir) = Harness::with(Setup {
        component: Some(EVIL_COMPONENT.into()),
        configure: Box::new(|engine| {
            engine
                .with_limits(Limits {
                    cpu_time: Duration::from_millis(1_000),
                    ..Limits::default()
                })
                .with_compile_cache(CompileCache::Disabled)
        }),
    })
    .into_engine();
    // The component reserves a unit of each SKU before it misbehaves.
    for sku in ["LOOP", "PANIC", "OK"] {
        backorders
            .stock_set(sku, None, 5, Mode::Apply)
            .expect("stock set");
    }
    let server = BackordersServer::new(backorders, Mode::Apply);
    let (client_end, server_end) = tokio::io::duplex(64 << 10);
    tokio::spawn(async move {
        let session = server.serve(server_end).await.expect("the server starts");
        let _ = session.waiting().await;
    });
    (().serve(client_end).await.expect("the client connects"), dir)
}

async fn create(client: &RunningService<RoleClient, ()>, sku: &str) -> CallToolResult {
    let arguments = json!({"order_id": "O-1", "customer_id": "C-1", "sku": sku, "quantity": 1});
    let Value::Object(arguments) = arguments else {
        unreachable!()
    };
    client
        .call_tool(CallToolRequestParams::new("create_backorder").with_arguments(arguments))
        .await
        .expect("a tool result, not a protocol error")
}

/// The `error` object and the `error: …` line of a failed call.
fn failure(result: &CallToolResult) -> (Value, String) {
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let text = |index: usize| result.content[index].as_text().expect("text").text.clone();
    let value: Value = serde_json::from_str(&text(0)).expect("JSON");
    (value["error"].clone(), text(1))
}

async fn succeeds(client: &RunningService<RoleClient, ()>) {
    let result = create(client, "OK").await;
    assert_eq!(
        result.is_error,
        Some(false),
        "the next call runs normally: {result:?}"
    );
}

#[tokio::test]
async fn a_guest_panic_is_a_tool_error_and_the_server_keeps_serving() {
    let (client, _dir) = evil_server().await;
    let (error, line) = failure(&create(&client, "PANIC").await);
    assert_eq!(error["kind"], json!("trap"), "{line}");
    assert_eq!(error["export"], json!("create-backorder"));
    assert!(
        line.starts_with("error: component trapped in create-backorder"),
        "{line}"
    );
    assert!(line.contains("panics on purpose"), "{line}");
    succeeds(&client).await;
}

/// Runs `beside` 50 ms into a create that loops until its 1 s CPU
/// deadline: the stuck call's result (checked to be that deadline), and
/// what `beside` gave with how long after the start it finished.
async fn beside_a_stuck_call<T>(
    client: &RunningService<RoleClient, ()>,
    beside: impl std::future::Future<Output = T>,
) -> (T, Duration) {
    let started = Instant::now();
    let (stuck, answered) = tokio::join!(create(client, "LOOP"), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let answer = beside.await;
        (answer, started.elapsed())
    });
    let (error, line) = failure(&stuck);
    assert_eq!(
        (error["kind"].clone(), error["limit"].clone()),
        (json!("limit_exceeded"), json!("cpu")),
        "{line}"
    );
    answered
}

#[tokio::test]
async fn a_call_stuck_in_the_guest_neither_holds_up_the_protocol_nor_the_next_call() {
    let (client, _dir) = evil_server().await;
    let (tools, listed_after) = beside_a_stuck_call(&client, async {
        client.list_all_tools().await.expect("tools/list answers").len()
    })
    .await;
    assert!(tools > 10);
    assert!(
        listed_after < Duration::from_millis(800),
        "tools/list waited {listed_after:?} for the stuck call"
    );
    succeeds(&client).await;
}

#[tokio::test]
async fn a_read_runs_beside_a_call_stuck_in_the_guest() {
    let (client, _dir) = evil_server().await;
    let (read, answered_after) = beside_a_stuck_call(&client, async {
        client
            .call_tool(CallToolRequestParams::new("get_backorder_summary"))
            .await
            .expect("a tool result, not a protocol error")
    })
    .await;
    // The evil component answers every read with a domain failure: that
    // answer shows the read ran the guest.
    let (error, line) = failure(&read);
    assert_eq!(error["kind"], json!("other"), "{line}");
    assert!(line.contains("not implemented"), "{line}");
    // On SQLite a reader does not wait for the writer (WAL), and the server
    // does not run one call at a time: the read answers long before the
    // stuck call's 1 s deadline. The memory provider runs one transaction
    // at a time, so there the read answers either before the stuck call
    // begins or after its deadline, and only its answer is checked.
    if PROVIDER == ProviderKind::Sqlite {
        assert!(
            answered_after < Duration::from_millis(800),
            "the read waited {answered_after:?} for the stuck call"
        );
    }
}
