//! The state of one call: the backend it runs against, its clock, and an
//! empty WASI context. A fresh one is built for every call and taken apart
//! afterwards, so nothing carries over between calls.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime::{StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::bindings::Timestamp;
use crate::provider::Clock;

/// Most linear memory one call may use.
pub const MEMORY_LIMIT_BYTES: usize = 64 << 20;

/// Most bytes of the component's stderr kept for a trap report: a guest
/// panic writes its message there before it aborts.
pub const GUEST_STDERR_BYTES: usize = 64 << 10;

pub struct CallContext<B> {
    pub(crate) backend: B,
    clock: Arc<dyn Clock>,
    /// The latest time this call has seen, so `now` never goes backwards
    /// within a call even if the system clock does.
    latest_now: Option<Timestamp>,
    wasi: WasiCtx,
    guest_stderr: MemoryOutputPipe,
    table: ResourceTable,
    pub(crate) limits: StoreLimits,
}

impl<B> CallContext<B> {
    pub(crate) fn new(backend: B, clock: Arc<dyn Clock>) -> Self {
        let guest_stderr = MemoryOutputPipe::new(GUEST_STDERR_BYTES);
        Self {
            backend,
            clock,
            latest_now: None,
            // No preopened directories, environment, arguments, network or
            // inherited stdio: the component reaches the world only through
            // the `engine` world's imports. The builder's defaults already
            // deny sockets; saying so keeps that true if defaults change.
            // Its stderr is kept in memory to explain a trap.
            wasi: WasiCtx::builder()
                .allow_tcp(false)
                .allow_udp(false)
                .allow_ip_name_lookup(false)
                .stderr(guest_stderr.clone())
                .build(),
            guest_stderr,
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new()
                .memory_size(MEMORY_LIMIT_BYTES)
                // A trap names the limit; a failed `memory.grow` would
                // surface as an opaque allocation abort in the guest.
                .trap_on_grow_failure(true)
                .build(),
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

    /// What the component wrote to stderr during the call.
    pub(crate) fn guest_stderr(&self) -> String {
        String::from_utf8_lossy(&self.guest_stderr.contents()).into_owned()
    }

    pub(crate) fn into_backend(self) -> B {
        self.backend
    }
}

impl<B: Send> WasiView for CallContext<B> {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
