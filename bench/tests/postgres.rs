//! The bench on a real PostgreSQL server (the test server of
//! `backorders_postgres::server_for_tests`), end to end through its binary
//! on a tiny workload: W1 gives the same allocations and summary as on
//! SQLite and counts round trips, `contend` runs its processes to the end
//! with a clean check, and every database the bench made is dropped.

use std::process::{Command, Stdio};

use backorders_postgres::postgres::{Config, NoTls};
use backorders_postgres::server_for_tests;
use serde_json::Value;

const BENCH: &str = env!("CARGO_BIN_EXE_backorders-bench");

/// Runs the bench with `args`; its JSON line, after checking that the
/// databases it made on `server` (named after its process id) are gone.
fn bench(server: &str, args: &[&str]) -> Value {
    let child = Command::new(BENCH)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the bench");
    let process_id = child.id();
    let output = child.wait_with_output().expect("the bench's output");
    assert!(
        output.status.success(),
        "backorders-bench {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        databases_of(server, process_id),
        Vec::<String>::new(),
        "the bench dropped what it made"
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    serde_json::from_str(stdout.trim()).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

/// The databases on the server that the bench process `process_id` made.
fn databases_of(server: &str, process_id: u32) -> Vec<String> {
    let config: Config = server.parse().expect("the test server's URL");
    let mut client = config.connect(NoTls).expect("the test server");
    let pattern = format!("backorders\\_bench\\_{process_id}\\_%");
    client
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE $1",
            &[&pattern],
        )
        .expect("list databases")
        .into_iter()
        .map(|row| row.get(0))
        .collect()
}

/// What W1 decided, without the times and instants of the run.
fn outcome(line: &Value) -> Value {
    let mut summary = line["summary"].clone();
    summary["oldest_open_created_at"] = Value::Null;
    serde_json::json!([
        line["allocations"],
        line["allocated_quantity"],
        line["fulfilled"],
        line["priority_respected"],
        summary
    ])
}

#[test]
fn w1_on_postgres_decides_as_on_sqlite_counts_round_trips_and_drops_its_database() {
    let server = server_for_tests();
    let w1 = ["--backorders", "60", "--skus", "3"];
    let sqlite = bench(&server, &[&["--system", "component"], &w1[..]].concat());
    for system in ["component", "native"] {
        let line = bench(
            &server,
            &[&["--system", system, "--db", server.as_str()], &w1[..]].concat(),
        );
        assert_eq!(
            outcome(&line),
            outcome(&sqlite),
            "{system} on PostgreSQL: {line}"
        );
        assert_eq!(line["priority_respected"], true);
        for phase in [
            "create",
            "receive",
            "fulfill",
            "summary",
            "sku_summary",
            "list",
        ] {
            let figures = &line["pg_phases"][phase];
            let trips = figures["round_trips"]
                .as_f64()
                .unwrap_or_else(|| panic!("{phase} missing: {line}"));
            assert!(trips >= 3.0, "{system}: {phase} took {trips} round trips: at least BEGIN, a statement and COMMIT");
            assert!(
                figures["wall_us"].is_f64() && figures["client_cpu_us"].is_f64(),
                "{system}: {figures}"
            );
        }
        assert_eq!(
            line["pg_conflict_retries"], 0,
            "one process has nothing to conflict with"
        );
        assert!(
            line["db_bytes"].as_u64().is_some_and(|bytes| bytes > 0),
            "{line}"
        );
    }
    assert!(
        sqlite.get("pg_phases").is_none(),
        "SQLite's line keeps W1's keys: {sqlite}"
    );
}

#[test]
fn contend_runs_every_process_to_the_end_and_checks_clean() {
    let server = server_for_tests();
    let line = bench(
        &server,
        &[
            "contend",
            "--db",
            &server,
            "--processes",
            "3",
            "--backorders",
            "25",
            "--skus",
            "2",
        ],
    );
    // Each process: 25 creates, one receive per group of ten (3), 25 fulfilments.
    assert_eq!(line["calls"], 3 * (25 + 3 + 25), "{line}");
    for (operation, calls) in [("create", 3 * 25), ("receive", 3 * 3), ("fulfill", 3 * 25)] {
        assert_eq!(line["by_operation"][operation]["calls"], calls, "{line}");
    }
    assert_eq!(line["open_backorders_after"], 0, "{line}");
    assert_eq!(line["check_problems"], 0, "{line}");
    let processes = line["per_process"].as_array().expect("per_process");
    assert_eq!(processes.len(), 3);
    let retries: u64 = processes
        .iter()
        .map(|process| process["retries"].as_u64().expect("retries"))
        .sum();
    assert_eq!(line["retries"], retries, "the total is the processes' sum");
    for process in processes {
        assert_eq!(process["fulfilled"], 25, "{process}");
    }
}

#[test]
fn w2_on_postgres_runs_the_same_work_and_drops_its_database() {
    let server = server_for_tests();
    let line = bench(
        &server,
        &["w2", "--db", &server, "--threads", "3", "--backorders", "50", "--skus", "2"],
    );
    assert_eq!(line["storage"], "postgres", "{line}");
    // As on SQLite (bench/tests/w2.rs): 105 calls on one thread, 106 on three.
    assert_eq!(line["one_thread"]["calls"], 105, "{line}");
    assert_eq!(line["threads"]["calls"], 106, "{line}");
    assert_eq!(line["check_problems"], 0, "{line}");
    assert_eq!(line["open_backorders_after"], 0, "{line}");
    // PostgreSQL keeps one transaction per call: no commits are shared.
    assert!(line["threads"]["commits"].is_null(), "{line}");
}
