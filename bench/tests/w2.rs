//! W2 end to end through the bench's binary on a small workload: both runs
//! make the same calls, the database checks clean and every backorder
//! ended fulfilled.

use std::process::Command;

use serde_json::Value;

#[test]
fn w2_runs_the_same_work_on_one_thread_and_on_many_and_leaves_a_clean_database() {
    let output = Command::new(env!("CARGO_BIN_EXE_backorders-bench"))
        .args(["w2", "--threads", "3", "--backorders", "50", "--skus", "2"])
        .output()
        .expect("run the bench");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    // 50 creates, 50 fulfilments and one receive per group of ten; the
    // three threads' 17, 17 and 16 make 2, 2 and 2 groups.
    assert_eq!(line["one_thread"]["calls"], 105);
    assert_eq!(line["threads"]["calls"], 106);
    assert_eq!(line["threads"]["threads"], 3);
    assert_eq!(line["check_problems"], 0);
    assert_eq!(line["open_backorders_after"], 0);
    assert!(line["ratio"].as_f64().is_some_and(|ratio| ratio > 0.0));
    // SQLite shares commits: one at most per call, and the one-thread run
    // commits each of its writes alone.
    assert_eq!(line["one_thread"]["commits"], 105, "{line}");
    let commits = line["threads"]["commits"].as_u64().expect("commits");
    assert!((1..=106).contains(&commits), "{line}");
}
