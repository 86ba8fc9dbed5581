//! Loads a component once and runs each call in a fresh instance of it.
//!
//! One `wasmtime::Engine` and one pre-linked `InstancePre` per loaded
//! component; every call gets a new `Store` and instance, taken from the
//! pooling allocator's warm slots with the component's memory image mapped
//! copy-on-write, so no state leaks from one call (or tenant) to the next
//! and instantiation costs microseconds. The compiled component comes from
//! the disk cache (`crate::cache`) when it can.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Enabled, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

use crate::bindings::{EnginePre, EngineWorld};
use crate::cache::{self, CacheOutcome, CompileCache};
use crate::context::CallContext;
use crate::error::HostError;
use crate::guest::{ExportIndices, Guest};
use crate::limits::{Limit, LimitExceeded, Limits};
use crate::provider::{Clock, Connection};
use crate::stats::{nanos, CallMeter, CallStats};
use crate::EMBEDDED_COMPONENT;

/// Instances of one loaded component that may be alive at once (calls on
/// several threads); the pooling allocator reserves a slot for each.
pub const POOLED_INSTANCES: u32 = 8;

/// Dirtied linear memory (and table) a pooled slot keeps resident between
/// calls, restored in place rather than handed back to the kernel: more
/// than a call dirties, so the next call takes no page faults.
const KEEP_RESIDENT_BYTES: usize = 4 << 20;

/// How often the engine's epoch advances: the resolution of the CPU
/// deadline.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Most characters of the component's stderr quoted in a trap report.
const TRAP_STDERR_CHARS: usize = 2_000;

/// Where the component's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentSource {
    /// The component this host was built with.
    Embedded,
    /// A component file, e.g. a newer build of the guest.
    File(PathBuf),
}

impl ComponentSource {
    fn bytes(&self) -> Result<Cow<'static, [u8]>, HostError> {
        match self {
            Self::Embedded => Ok(Cow::Borrowed(EMBEDDED_COMPONENT)),
            Self::File(path) => {
                std::fs::read(path)
                    .map(Cow::Owned)
                    .map_err(|source| HostError::ReadComponent {
                        path: path.clone(),
                        source,
                    })
            }
        }
    }
}

/// A loaded component, ready to run calls against any provider's
/// connections.
pub struct Runtime {
    pre: EnginePre<CallContext>,
    /// The exports' indices, type-checked on the first call.
    exports: OnceLock<ExportIndices>,
    limits: Limits,
    cache_outcome: CacheOutcome,
}

fn load_error(error: wasmtime::Error) -> HostError {
    HostError::LoadComponent {
        reason: format!("{error:#}"),
    }
}

/// The engine every call of a component runs on: an epoch deadline for
/// CPU (fuel too when `Limits::fuel` asks for it: it is deterministic but
/// makes guest code ~1.5x slower), the stack limit, no component-model
/// concurrency (a sync host has no use for it and it costs every call), and
/// a pooling allocator sized by the limits that keeps a slot's dirtied
/// pages resident and restores only those between calls (`PAGEMAP_SCAN`,
/// Linux 6.7+), so a call takes no page faults for memory the last one used.
fn engine(limits: &Limits) -> Result<wasmtime::Engine, HostError> {
    let mut pooling = PoolingAllocationConfig::new();
    pooling
        .total_component_instances(POOLED_INSTANCES)
        .total_core_instances(POOLED_INSTANCES * limits.instances)
        .total_memories(POOLED_INSTANCES * limits.memories)
        .total_tables(POOLED_INSTANCES * limits.tables)
        .max_core_instances_per_component(limits.instances)
        .max_memories_per_component(limits.memories)
        .max_tables_per_component(limits.tables)
        .max_memory_size(limits.memory_bytes)
        .table_elements(limits.table_elements)
        .pagemap_scan(Enabled::Auto)
        .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
        .table_keep_resident(KEEP_RESIDENT_BYTES);
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .consume_fuel(limits.fuel.is_some())
        .max_wasm_stack(limits.stack_bytes)
        .concurrency_support(false)
        .memory_init_cow(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    let engine = wasmtime::Engine::new(&config).map_err(load_error)?;
    start_epoch_ticker(&engine);
    Ok(engine)
}

/// Advances the engine's epoch every `EPOCH_TICK` until the engine is
/// dropped, so a call past its deadline traps within a tick.
fn start_epoch_ticker(engine: &wasmtime::Engine) {
    let engine = engine.weak();
    let ticker = std::thread::Builder::new()
        .name("backorders-epoch".into())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            match engine.upgrade() {
                Some(engine) => engine.increment_epoch(),
                None => return,
            }
        });
    // Without a ticker no call could be interrupted; a host that cannot
    // start a thread cannot run calls safely either.
    ticker.expect("start the epoch ticker thread");
}

/// Epoch ticks a call may run for: its CPU deadline, rounded up, plus the
/// tick already under way when it started.
fn deadline_ticks(limits: &Limits) -> u64 {
    let tick = EPOCH_TICK.as_nanos();
    let ticks = limits.cpu_time.as_nanos().div_ceil(tick) + 1;
    u64::try_from(ticks).unwrap_or(u64::MAX)
}

impl Runtime {
    /// Loads the component with `limits` on every call, compiling it or
    /// taking it from `cache`.
    pub fn load(
        source: &ComponentSource,
        limits: Limits,
        cache: &CompileCache,
    ) -> Result<Self, HostError> {
        let engine = engine(&limits)?;
        let loaded =
            cache::load(&engine, &source.bytes()?, cache).and_then(|(component, outcome)| {
                crate::compat::check(&engine, &component)?;
                Ok((link(&engine, &component)?, outcome))
            });
        // The pooling allocator refuses, at load, a component that needs
        // more instances, tables or memories than the limits allow.
        let (pre, cache_outcome) = loaded.map_err(|error| match &error {
            HostError::LoadComponent { reason } => match count_limit(reason) {
                Some(exceeded) => HostError::LimitExceeded {
                    export: "component load",
                    limit: exceeded.limit,
                    detail: exceeded.detail,
                },
                None => error,
            },
            _ => error,
        })?;
        Ok(Self {
            pre,
            exports: OnceLock::new(),
            limits,
            cache_outcome,
        })
    }

    /// Whether the compiled component came from the cache.
    pub fn cache_outcome(&self) -> &CacheOutcome {
        &self.cache_outcome
    }

    /// Runs `call` on a fresh instance over `backend`, and hands the backend
    /// back whatever happened so the caller can commit or roll back, with
    /// what the call cost.
    pub(crate) fn call<R>(
        &self,
        export: &'static str,
        backend: Box<dyn Connection>,
        clock: Arc<dyn Clock>,
        call: impl FnOnce(&Guest, &mut Store<CallContext>) -> wasmtime::Result<R>,
    ) -> (Box<dyn Connection>, Result<R, HostError>, CallStats) {
        let mut meter = CallMeter::start();
        let mut store = Store::new(
            self.pre.engine(),
            CallContext::new(backend, clock, self.limits),
        );
        store.limiter(|context| &mut context.limiter);
        store.epoch_deadline_trap();
        store.set_epoch_deadline(deadline_ticks(&self.limits));
        let fueled = match self.limits.fuel {
            Some(fuel) => store.set_fuel(fuel),
            None => Ok(()),
        };
        meter.fueled(&store);
        let result = fueled
            .and_then(|()| self.pre.instance_pre().instantiate(&mut store))
            .and_then(|instance| {
                meter.instantiated();
                Guest::new(&mut store, instance, &self.exports)
            })
            .and_then(|guest| call(&guest, &mut store));
        let context = store.data();
        let mut stats = meter.finish(&store, context.limiter.peak_memory_bytes);
        stats.crossings = context.crossings;
        stats.store_operations = context.store_operations;
        let result = result.map_err(|error| failure(export, error, store.data()));
        let teardown = Instant::now();
        let backend = store.into_data().into_backend();
        stats.teardown_ns = nanos(teardown, Instant::now());
        (backend, result, stats)
    }
}

/// Links the component against the `engine` world's imports and the WASI
/// its standard library imports (which reach nothing: see `crate::wasi`).
fn link(
    engine: &wasmtime::Engine,
    component: &Component,
) -> Result<EnginePre<CallContext>, HostError> {
    let mut linker = Linker::new(engine);
    crate::wasi::add_to_linker(&mut linker, component).map_err(load_error)?;
    EngineWorld::add_to_linker::<_, HasSelf<_>>(&mut linker, |context| context)
        .map_err(load_error)?;
    let instance_pre = linker.instantiate_pre(component).map_err(load_error)?;
    EnginePre::new(instance_pre).map_err(load_error)
}

/// Why a call failed, in the host's terms: a host error raised inside an
/// import comes back as itself; a blown limit names the limit; anything
/// else is a trap of the component, reported with what it wrote to stderr.
fn failure(export: &'static str, error: wasmtime::Error, context: &CallContext) -> HostError {
    let error = match error.downcast::<HostError>() {
        Ok(host_error) => return host_error,
        Err(error) => error,
    };
    if let Some(exceeded) = limit_exceeded(&error, context) {
        return HostError::LimitExceeded {
            export,
            limit: exceeded.limit,
            detail: exceeded.detail,
        };
    }
    let mut reason = match error.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => trap.to_string(),
        None => format!("{error:#}"),
    };
    let guest_stderr = context.guest_stderr();
    let guest_stderr = guest_stderr.trim();
    if !guest_stderr.is_empty() {
        let quoted: String = guest_stderr.chars().take(TRAP_STDERR_CHARS).collect();
        reason = format!("{reason}; the component wrote: {quoted}");
    }
    HostError::Trap { export, reason }
}

fn limit_exceeded(error: &wasmtime::Error, context: &CallContext) -> Option<LimitExceeded> {
    if let Some(exceeded) = error.downcast_ref::<LimitExceeded>() {
        return Some(exceeded.clone());
    }
    let limits = &context.limits;
    let trapped = match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::OutOfFuel) => Some((
            Limit::Cpu,
            format!(
                "the call burnt all its {} fuel (--max-fuel)",
                limits.fuel.unwrap_or_default()
            ),
        )),
        Some(wasmtime::Trap::Interrupt) => Some((
            Limit::Cpu,
            format!(
                "the call ran past its {} ms deadline (--max-cpu-ms)",
                limits.cpu_time.as_millis()
            ),
        )),
        Some(wasmtime::Trap::StackOverflow) => Some((
            Limit::Stack,
            format!(
                "the call overflowed its {} bytes of wasm stack (--max-stack)",
                limits.stack_bytes
            ),
        )),
        _ => None,
    };
    if let Some((limit, detail)) = trapped {
        return Some(LimitExceeded::new(limit, detail));
    }
    // A full output pipe refuses further writes; the guest's standard
    // library then panics and aborts.
    if context.output_full() {
        return Some(LimitExceeded::new(
            Limit::Output,
            format!(
                "the call wrote {} bytes or more to stdout or stderr (--max-output)",
                limits.output_bytes
            ),
        ));
    }
    count_limit(&format!("{error:#}"))
}

/// How wasmtime words a count over a limit (the pooling allocator at load,
/// the store's limiter at instantiation), and which limit it is.
const COUNT_LIMITS: [(&str, Limit, &str); 6] = [
    (
        "core module instances, which exceeds",
        Limit::Instances,
        "--max-instances",
    ),
    (
        "instance count too high",
        Limit::Instances,
        "--max-instances",
    ),
    ("tables, which exceeds", Limit::Tables, "--max-tables"),
    ("table count too high", Limit::Tables, "--max-tables"),
    ("memories, which exceeds", Limit::Memory, "Limits::memories"),
    ("memory count too high", Limit::Memory, "Limits::memories"),
];

fn count_limit(message: &str) -> Option<LimitExceeded> {
    COUNT_LIMITS
        .iter()
        .find_map(|(needle, limit, override_with)| {
            message
                .contains(needle)
                .then(|| LimitExceeded::new(*limit, format!("{message} ({override_with})")))
        })
}
