//! Printing results and errors, human or `--json`. In `--json` mode stdout
//! carries exactly one compact JSON value on one line; notes go to stderr.

use std::process::ExitCode;

use backorders_cli::json;
use backorders_host::{BackorderError, CallError};
use serde_json::Value;

pub const PREVIEW_NOTE: &str = "preview: nothing was changed; add --apply to apply it";

#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// The result of a write: its JSON (with `applied`) or a human text,
    /// and the preview note when nothing was committed.
    pub fn write(&self, applied: bool, value: Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
            if !applied {
                eprintln!("{PREVIEW_NOTE}");
            }
        } else {
            print!("{}", human());
            if !applied {
                println!("{PREVIEW_NOTE}");
            }
        }
    }

    /// The result of a read.
    pub fn read(&self, value: impl FnOnce() -> Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{}", value());
        } else {
            print!("{}", human());
        }
    }

    /// One line on stderr naming the case, the field and the rule; with
    /// `--json` also the error object on stdout.
    pub fn error(&self, error: &CallError) {
        let hint = if let CallError::Domain(BackorderError::PriorityConflict(_)) = error {
            "; add --override-priority to go ahead"
        } else {
            ""
        };
        // Messages from wasmtime or the component may span lines; the
        // error line stays one line.
        let message = format!("{error}{hint}");
        let message: Vec<&str> = message.split_whitespace().collect();
        eprintln!("error: {}", message.join(" "));
        if self.json {
            println!("{}", json::error(error));
        }
    }
}

/// A command line clap refused. Help and version requests are not errors.
pub fn usage_error(error: clap::Error, json: bool) -> ExitCode {
    let is_error = error.use_stderr();
    if json && is_error {
        let rendered = error.render().to_string();
        let message = rendered.lines().next().unwrap_or_default();
        let message = message.strip_prefix("error: ").unwrap_or(message);
        println!("{}", json::error_reply(json::ErrorKind::Usage, message));
    }
    // Prints to stderr for errors, to stdout for --help and --version.
    // Nothing sensible is left to do when the terminal is gone.
    let _ = error.print();
    if is_error {
        ExitCode::from(super::EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}
