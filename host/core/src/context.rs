//! The state of one call: the backend it runs against, its clock, its
//! limits, and what the component wrote to stdout and stderr (the sandbox's
//! WASI, which reaches nothing, is `crate::wasi`). A fresh one is built for
//! every call and taken apart afterwards, so nothing carries over between
//! calls.

use std::sync::Arc;

use crate::bindings::Timestamp;
use crate::limits::{check_length, CallLimiter, Limits};
use crate::provider::{Clock, Connection};

pub struct CallContext {
    pub(crate) backend: Box<dyn Connection>,
    /// Import calls made so far, and the key-value operations among them
    /// (each key of a batch counts).
    pub(crate) crossings: u64,
    pub(crate) store_operations: u64,
    clock: Arc<dyn Clock>,
    /// The latest time this call has seen, so `now` never goes backwards
    /// within a call even if the system clock does.
    latest_now: Option<Timestamp>,
    /// What the component wrote to stdout and stderr, up to the output
    /// limit.
    pub(crate) output: [Vec<u8>; 2],
    pub(crate) limits: Limits,
    pub(crate) limiter: CallLimiter,
}

impl CallContext {
    pub(crate) fn new(backend: Box<dyn Connection>, clock: Arc<dyn Clock>, limits: Limits) -> Self {
        Self {
            backend,
            crossings: 0,
            store_operations: 0,
            clock,
            latest_now: None,
            output: [Vec::new(), Vec::new()],
            limits,
            limiter: CallLimiter::new(limits),
        }
    }

    /// The call's current time.
    pub(crate) fn now(&mut self) -> Timestamp {
        let now = self
            .clock
            .now()
            .max(self.latest_now.unwrap_or(Timestamp::MIN));
        self.latest_now = Some(now);
        now
    }

    /// Refuses a string the component handed an import that is longer than
    /// the limit; the call traps with `limit exceeded: value`.
    pub(crate) fn check_text(&self, what: &str, text: &str) -> wasmtime::Result<()> {
        check_length(what, text.len(), self.limits.text_bytes).map_err(wasmtime::Error::new)
    }

    /// What the component wrote to stderr during the call.
    pub(crate) fn guest_stderr(&self) -> String {
        String::from_utf8_lossy(&self.output[crate::wasi::STDERR as usize]).into_owned()
    }

    /// Whether stdout or stderr took all the output a call may write.
    pub(crate) fn output_full(&self) -> bool {
        self.output
            .iter()
            .any(|output| output.len() >= self.limits.output_bytes)
    }

    pub(crate) fn into_backend(self) -> Box<dyn Connection> {
        self.backend
    }
}
