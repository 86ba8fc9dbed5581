//! `--profile` through the bench's binary: it reports what a create and a
//! fulfilment write (WAL pages, rows, key-value operations, crossings).

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
}
