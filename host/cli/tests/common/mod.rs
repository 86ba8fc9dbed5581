//! What the binary's tests share: a fresh database in a temporary
//! directory, and the `backorders` binary run against it with the clock
//! pinned.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

use serde_json::Value;

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

/// `backorders --db DB --now NOW mcp EXTRA…` spoken to line by line, as a
/// client does over stdio.
pub struct Mcp {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Mcp {
    pub fn spawn(db: &Path, extra: &[&str]) -> Self {
        let mut child = binary()
            .arg("--db")
            .arg(db)
            .args(["--now", NOW, "mcp"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the backorders binary runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self { child, stdin, stdout }
    }

    /// Sends `messages`, one per line, and reads the one response line.
    pub fn exchange(&mut self, messages: &[Value]) -> Value {
        for message in messages {
            writeln!(self.stdin, "{message}").unwrap();
        }
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let response: Value =
            serde_json::from_str(&line).unwrap_or_else(|error| panic!("{error}: {line:?}"));
        assert_eq!(response["jsonrpc"], serde_json::json!("2.0"), "{line}");
        response
    }

    /// Closes stdin, as a client ending the session, and waits for the
    /// server to exit.
    pub fn finish(self) -> Output {
        drop(self.stdin);
        let mut child = self.child;
        child.stdout = Some(self.stdout.into_inner());
        child.wait_with_output().unwrap()
    }
}
