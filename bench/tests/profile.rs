//! `--profile` through the bench's binary: it reports what a create, a
//! fulfilment and an allocation run write (WAL pages, rows, key-value
//! operations, crossings); and `--component` runs another component file.

use std::process::Command;

use serde_json::Value;

#[test]
fn the_profile_counts_pages_and_rows_for_creates_and_fulfilments() {
    let output = Command::new(env!("CARGO_BIN_EXE_backorders-bench"))
        .args(["--system", "component", "--profile"])
        .output()
        .expect("run the bench");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    for call in ["create", "fulfill"] {
        for figure in [format!("wal_frames_per_{call}"), format!("rows_written_per_{call}")] {
            let value = line[&figure].as_f64().unwrap_or_else(|| panic!("{figure} in {line}"));
            assert!(value >= 1.0, "{figure} = {value}: a committed write writes a page and a row at least");
        }
        assert_eq!(line[call]["calls"], 2000);
        assert!(line[call]["store_operations"].as_f64().is_some_and(|n| n >= 1.0));
    }
    // One run per SKU serves every backorder: 2,010 over 20 SKUs.
    assert_eq!(line["allocation_run"]["calls"], 20, "{line}");
    assert_eq!(line["backorders_per_allocation_run"], 100.5);
    let served = line["wal_frames_per_backorder_served"].as_f64().expect("pages per backorder served");
    assert!(served > 0.0 && served < 16.0, "a run shares its commit: {served} pages per backorder served");
}

fn bench(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_backorders-bench")).args(args).output().expect("run the bench")
}

#[test]
fn another_component_file_runs_in_place_of_the_embedded_one() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.wasm");
    std::fs::write(&copy, backorders_host::EMBEDDED_COMPONENT).unwrap();
    let copy = copy.to_str().unwrap();
    let output = bench(&["--system", "component", "--backorders", "200", "--skus", "10", "--component", copy]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!((&line["system"], &line["fulfilled"]), (&Value::from("backorders-component"), &line["allocations"]), "{line}");
    let size = format!("component {} bytes", backorders_host::EMBEDDED_COMPONENT.len());
    assert!(String::from_utf8_lossy(&output.stderr).contains(&size), "the file's size is reported");

    // The file is what runs: a component built for 0.1.0 is refused by name.
    let old = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/backorders-component-0.1.0.wasm");
    let output = bench(&["--system", "component", "--backorders", "10", "--component", old]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("0.1.0"), "{error}");
    let output = bench(&["--system", "native", "--component", old]);
    assert!(!output.status.success(), "--component is for the component");
}
