//! What the binary's tests share: a fresh database in a temporary
//! directory, and the `backorders` binary run against it with the clock
//! pinned.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NOW: &str = "2026-11-02T09:00:00Z";

pub struct Db {
    // Kept so the directory lives as long as the test.
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn fresh_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backorders.db");
    Db { _dir: dir, path }
}

/// The binary, with no database chosen by the environment.
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backorders"));
    command.env_remove("BACKORDERS_DB");
    command
}

/// `backorders --db DB --now NOW ARGS…`.
pub fn backorders(db: &Path, args: &[&str]) -> Output {
    binary()
        .arg("--db")
        .arg(db)
        .args(["--now", NOW])
        .args(args)
        .output()
        .expect("the backorders binary runs")
}

/// `backorders`, which must exit 0.
pub fn ok(db: &Path, args: &[&str]) {
    let output = backorders(db, args);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
}
