// The scenario runner: every file in `tests/scenarios/` passes against the
// component; failures read as diffs naming the step and the field; bad
// files are refused before anything runs; the user's database is never
// touched; compatible builds run and incompatible ones are refused.

use std::path::{Path, PathBuf};

mod common;

use backorders_cli::scenario::{
    self, human_report, json_report, RunOptions, ScenarioReport, SetupFailure, StepStatus,
};
use backorders_host::*;
use common::*;

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn every_scenario() -> Vec<PathBuf> {
    scenario::scenario_files(&[scenario_dir()]).expect("tests/scenarios lists")
}

fn run_all(options: &RunOptions) -> Vec<ScenarioReport> {
    every_scenario()
        .iter()
        .map(|file| scenario::run_file(file, options))
        .collect()
}

fn assert_all_pass(reports: &[ScenarioReport]) {
    let failed: Vec<&str> = reports
        .iter()
        .filter(|report| !report.passed())
        .map(|report| report.origin.as_str())
        .collect();
    assert!(failed.is_empty(), "{failed:?} failed:\n{}", human_report(reports));
}

/// Runs a scenario written inline.
fn run_text(text: &str) -> ScenarioReport {
    let parsed = scenario::parse(text, "inline.json").expect("the scenario is valid");
    scenario::run(&parsed, &run_options())
}

/// The message a scenario is refused with, checked to say each of `says`.
fn refused(text: &str, says: &[&str]) -> String {
    let message = scenario::parse(text, "inline.json")
        .expect_err("the scenario is refused")
        .to_string();
    for said in says {
        assert!(message.contains(said), "{message:?} does not say {said:?}");
    }
    message
}

/// Scenario runs on the embedded component with every
/// `commerce:backorders` version renamed to `version` (same length, so
/// the binary stays valid), written as a file in `dir`.
fn run_options_versioned(dir: &Path, version: &str) -> RunOptions {
    let (from, to) = (b"@0.2.0".as_slice(), format!("@{version}"));
    assert_eq!(to.len(), from.len());
    let mut bytes = EMBEDDED_COMPONENT.to_vec();
    let mut replaced = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].windows(from.len()).position(|window| window == from) {
        let start = at + found;
        bytes[start..start + from.len()].copy_from_slice(to.as_bytes());
        at = start + from.len();
        replaced += 1;
    }
    assert!(replaced > 0, "the component names its package version");
    let path = dir.join(format!("backorders-{version}.wasm"));
    std::fs::write(&path, bytes).unwrap();
    RunOptions { component: Some(path), ..run_options() }
}

#[test]
fn every_scenario_in_tests_scenarios_passes_through_the_runner() {
    let reports = run_all(&run_options());
    assert!(reports.len() >= 15, "{} scenarios", reports.len());
    assert_all_pass(&reports);
    for report in &reports {
        assert!(!report.steps.is_empty(), "{} ran no step", report.origin);
    }
}

#[test]
fn each_step_reports_what_its_call_cost_in_the_sandbox() {
    let report = run_text(
        r#"{"now": "2026-11-02", "steps": [
            {"op": "stock_add", "args": {"sku": "S", "quantity": 5}},
            {"op": "create_backorder", "args": {"order_id": "O", "customer_id": "C", "sku": "S", "quantity": 5}}
        ]}"#,
    );
    assert!(report.passed(), "{}", human_report(std::slice::from_ref(&report)));
    assert_eq!(report.steps[0].cost, None, "stock is the host's own: no component call");
    let cost = report.steps[1].cost.expect("the create ran the component");
    assert!(cost.fuel_consumed.is_some_and(|fuel| fuel > 0), "{cost:?}");
    assert!(cost.peak_memory_bytes >= 64 << 10, "{cost:?}");
    let text = human_report(std::slice::from_ref(&report));
    assert!(text.contains("no component call"), "{text}");
    assert!(text.contains("fuel ") && text.contains(" MiB") && text.contains(" ms"), "{text}");
    let json = json_report(std::slice::from_ref(&report));
    assert!(json["scenarios"][0]["steps"][1]["cost"]["fuel_consumed"].as_u64().unwrap() > 0);
}

#[test]
fn a_failing_expectation_prints_a_diff_naming_the_step_and_the_field() {
    let report = run_text(
        r#"{"now": "2026-11-02", "stock": [{"sku": "W", "quantity": 60}], "steps": [
            {"op": "create_backorder", "args": {"order_id": "O", "customer_id": "C", "sku": "W", "quantity": 100},
             "save": {"bo": "backorder_id"}},
            {"name": "ship 60", "op": "fulfill_backorder", "args": {"backorder_id": "$bo", "quantity": 60},
             "expect": {"status": "fulfilled", "quantity_fulfilled": 60},
             "expect_backorders": {"$bo": {"quantity_remaining": 0}}},
            {"name": "never reached", "op": "get_backorder_summary"}
        ]}"#,
    );
    assert!(!report.passed());
    assert_eq!(report.steps[1].status, StepStatus::Failed);
    assert_eq!(report.steps[2].status, StepStatus::NotRun, "a failed step stops its scenario");
    let text = human_report(std::slice::from_ref(&report));
    assert!(text.contains("FAIL  inline.json"), "{text}");
    let step_row = text.lines().find(|line| line.contains("ship 60")).expect("the step's row");
    assert!(step_row.contains("FAIL") && step_row.contains("fulfill_backorder"), "{step_row}");
    assert!(
        text.contains(r#"in result, status: expected "fulfilled", got "partially_fulfilled""#),
        "{text}"
    );
    assert!(
        text.contains("in backorder $bo = BO-2026-0001, quantity_remaining: expected 0, got 40"),
        "{text}"
    );
    assert!(!text.contains("quantity_fulfilled:"), "a field that matched is not shown:\n{text}");
    let json = json_report(std::slice::from_ref(&report));
    let difference = &json["scenarios"][0]["steps"][1]["differences"][0];
    assert_eq!(difference["path"], "status");
    assert_eq!(difference["expected"], "fulfilled");
    assert_eq!(difference["actual"], "partially_fulfilled");
    assert_eq!(json["passed"], false);
}

#[test]
fn an_unexpected_error_or_success_fails_the_step_saying_what_happened() {
    let report = run_text(
        r#"{"now": "2026-11-02", "steps": [
            {"op": "fulfill_backorder", "args": {"backorder_id": "BO-2026-0404", "quantity": 1}}
        ]}"#,
    );
    let problem = report.steps[0].problem.as_deref().unwrap();
    assert!(problem.contains("expected the call to succeed") && problem.contains("not_found"), "{problem}");
    let report = run_text(
        r#"{"now": "2026-11-02", "steps": [
            {"op": "get_backorder_summary", "expect_error": "not_found"}
        ]}"#,
    );
    let problem = report.steps[0].problem.as_deref().unwrap();
    assert!(problem.contains(r#"expected the call to fail with {"kind":"not_found"}"#), "{problem}");
}

#[test]
fn an_unknown_operation_is_refused_naming_the_step() {
    // The known operations are listed.
    let message = refused(
        r#"{"now": "2026-11-02", "steps": [
            {"op": "get_backorder_summary"},
            {"name": "ship", "op": "ship_backorder", "args": {}}
        ]}"#,
        &["fulfill_backorder"],
    );
    assert!(
        message.starts_with(r#"inline.json: step 2 ("ship"): op: unknown operation `ship_backorder`"#),
        "{message}"
    );
}

#[test]
fn an_unknown_argument_is_refused_naming_the_step_and_the_argument() {
    // The accepted names are listed.
    refused(
        r#"{"now": "2026-11-02", "steps": [
            {"op": "create_backorder", "args": {"order_id": "O", "customer": "C", "sku": "W", "quantity": 1}}
        ]}"#,
        &["step 1: args.customer: unknown field `customer`", "customer_id"],
    );
}

#[test]
fn an_unknown_enum_value_is_refused_naming_the_field() {
    refused(
        r#"{"now": "2026-11-02", "steps": [
            {"op": "create_backorder", "args": {"order_id": "O", "customer_id": "C", "sku": "W", "quantity": 1, "priority": "urgent"}}
        ]}"#,
        &["step 1: args.priority: unknown priority `urgent`", "low, normal, high, critical"],
    );
}

#[test]
fn an_unknown_key_or_reference_is_refused_before_anything_runs() {
    // The accepted keys are listed.
    refused(
        r#"{"now": "2026-11-02", "steps": [{"op": "get_backorder_summary", "expect_sumary": {}}]}"#,
        &["step 1: expect_sumary: unknown field `expect_sumary`", "expect_summary"],
    );
    refused(
        r#"{"now": "2026-11-02", "steps": [{"op": "get_backorder", "args": {"backorder_id": "$bo1"}}]}"#,
        &["step 1: args.backorder_id: `$bo1` is not saved by an earlier step"],
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    let text = r#"{"now": "2026-11-02", "steps": [
        {"op": "create_backorder", "args": {"order_id": "O", "customer_id": "C", "sku": "W", "quantity": 1}},
        {"op": "create_backorder", "args": {"order_id": "O", "customer_id": "C", "sku": "W", "quantity": "one"}}
    ]}"#;
    std::fs::write(&file, text).unwrap();
    let report = scenario::run_file(&file, &run_options());
    assert!(report.is_invalid());
    assert!(report.steps.is_empty(), "step 1 did not run either");
    let Some(SetupFailure::Invalid(error)) = &report.setup else { panic!("invalid") };
    assert_eq!(error.step.as_ref().map(|(number, _)| *number), Some(2));
    assert_eq!(error.field.as_deref(), Some("args.quantity"));
}

#[test]
fn running_scenarios_never_touches_the_users_database() {
    // The user's BO-2026-0001, numbered as every scenario's first backorder.
    let mut user = Harness::new();
    let request = NewBackorder { order_id: "USER-ORDER".into(), ..new_backorder() };
    assert_eq!(user.create_with(request).backorder_id, "BO-2026-0001");
    let before = user.db_files();
    assert_all_pass(&run_all(&run_options()));
    assert_eq!(user.db_files(), before, "the user's database changed");
    assert_eq!(user.backorder("BO-2026-0001").order_id, "USER-ORDER");
    assert_eq!(user.engine.backorder_summary().unwrap().open_backorders, 1);
}

#[test]
fn a_newer_compatible_component_passes_the_same_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let options = run_options_versioned(dir.path(), "0.2.9");
    scenario::check_component(&options).expect("0.2.9 is compatible with 0.2.0");
    assert_all_pass(&run_all(&options));
}

#[test]
fn an_incompatible_component_is_refused_naming_the_package_versions() {
    let dir = tempfile::tempdir().unwrap();
    let options = run_options_versioned(dir.path(), "0.3.0");
    let error = scenario::check_component(&options).expect_err("0.3.0 is not compatible");
    let message = error.to_string();
    assert!(message.contains("commerce:backorders/backorders@0.3.0"), "{message}");
    assert!(message.contains("commerce:backorders@0.2.0"), "{message}");
    assert!(message.contains("0.2.x"), "{message}");
    assert!(matches!(error, HostError::IncompatibleComponent { .. }), "{error:?}");
    let report = scenario::run_file(&every_scenario()[0], &options);
    let Some(SetupFailure::Setup(reason)) = &report.setup else { panic!("{report:?}") };
    assert!(reason.contains("@0.3.0"), "{reason}");
    assert!(report.steps.iter().all(|step| step.status == StepStatus::NotRun));
}
