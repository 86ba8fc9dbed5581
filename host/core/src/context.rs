//! The state of one call: the backend it runs against, its clock, its
//! limits, and a WASI context that reaches nothing. A fresh one is built for
//! every call and taken apart afterwards, so nothing carries over between
//! calls.

use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{
    Deterministic, HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView,
};

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
    wasi: WasiCtx,
    guest_stdout: MemoryOutputPipe,
    guest_stderr: MemoryOutputPipe,
    table: ResourceTable,
    pub(crate) limits: Limits,
    pub(crate) limiter: CallLimiter,
}

/// The only time WASI's clocks tell: the Unix epoch, standing still. The
/// component reads time through the `clock` import; WASI clocks are there
/// because its standard library links them.
struct StoppedClock;

impl HostWallClock for StoppedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for StoppedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }

    fn now(&self) -> u64 {
        0
    }
}

/// What WASI's random interfaces return: a fixed sequence the host chose,
/// so a call is a function of its inputs (hash maps seeded from it
/// included) and no entropy reaches the component.
const RANDOM_BYTES: [u8; 8] = [0x42, 0x4b, 0x4f, 0x52, 0x5a, 0x11, 0x93, 0xc7];
const RANDOM_SEED: u128 = 0x424b_4f52;

impl CallContext {
    pub(crate) fn new(backend: Box<dyn Connection>, clock: Arc<dyn Clock>, limits: Limits) -> Self {
        let guest_stdout = MemoryOutputPipe::new(limits.output_bytes);
        let guest_stderr = MemoryOutputPipe::new(limits.output_bytes);
        Self {
            backend,
            crossings: 0,
            store_operations: 0,
            clock,
            latest_now: None,
            // No preopened directories, environment, arguments, network,
            // inherited stdio, wall time or entropy: the component reaches
            // the world only through the `engine` world's imports. The
            // builder's defaults already deny sockets; saying so keeps that
            // true if defaults change. Its output is kept in memory, up to
            // the limit, to explain a trap.
            wasi: WasiCtx::builder()
                .allow_tcp(false)
                .allow_udp(false)
                .allow_ip_name_lookup(false)
                .wall_clock(StoppedClock)
                .monotonic_clock(StoppedClock)
                .secure_random(Deterministic::new(RANDOM_BYTES.to_vec()))
                .insecure_random(Deterministic::new(RANDOM_BYTES.to_vec()))
                .insecure_random_seed(RANDOM_SEED)
                .max_random_size(limits.value_bytes as u64)
                .stdout(guest_stdout.clone())
                .stderr(guest_stderr.clone())
                .build(),
            guest_stdout,
            guest_stderr,
            table: ResourceTable::new(),
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
        String::from_utf8_lossy(&self.guest_stderr.contents()).into_owned()
    }

    /// Whether stdout or stderr took all the output a call may write.
    pub(crate) fn output_full(&self) -> bool {
        [&self.guest_stdout, &self.guest_stderr]
            .iter()
            .any(|pipe| pipe.contents().len() >= self.limits.output_bytes)
    }

    pub(crate) fn into_backend(self) -> Box<dyn Connection> {
        self.backend
    }
}

impl WasiView for CallContext {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
