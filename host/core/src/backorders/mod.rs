//! The embedding API: a handle over a provider, running typed calls of the
//! component, each in one transaction that commits only when asked to.
//!
//! A [`Backorders`] is `Send + Sync`: a platform's web server shares one
//! handle between its threads, and each call gets its own fresh instance of
//! the component and its own transaction, on a connection from the
//! provider. Where the provider serializes writers anyway (SQLite),
//! concurrent applied writes share commits instead (`group`): each is still
//! atomic on its own and answers only once its commit is made.

mod exports;
mod group;
mod import;
pub(crate) mod stock;

pub use group::MAX_SHARED_CALLS;
pub use stock::{MAX_EVENTS_PER_READ, MAX_STOCK_QUANTITY, MAX_STOCK_ROWS, MAX_TEXT_CHARS};

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::path::PathBuf;
use std::time::Duration;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};

use wasmtime::Store;

use crate::bindings::{BackorderError, Timestamp};
use crate::cache::{CacheOutcome, CompileCache};
use crate::context::CallContext;
use crate::error::{CallError, HostError};
use crate::guest::Guest;
use crate::limits::Limits;
use crate::provider::{Access, Clock, Connection, PinnedClock, Provider, SystemClock};
use crate::runtime::{ComponentSource, Runtime, POOLED_INSTANCES};
use crate::stats::CallStats;

/// How to run the component, whatever the provider.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A component file to run instead of the embedded one.
    pub component: Option<PathBuf>,
    /// Pin the clock to this time; none: system time.
    pub now: Option<Timestamp>,
}

impl Options {
    /// The clock these options say: pinned to `now`, else system time.
    pub fn clock(&self) -> Arc<dyn Clock> {
        match self.now {
            Some(now) => Arc::new(PinnedClock(now)),
            None => Arc::new(SystemClock),
        }
    }
}

/// Whether a write is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Run the call and roll it back: the result shows what would happen.
    Preview,
    /// Run the call and commit it if it succeeds.
    Apply,
}

/// The result of a write, and whether it was committed.
#[derive(Clone, Debug)]
pub struct Outcome<T> {
    pub value: T,
    pub applied: bool,
}

/// A backorders database (any provider) with the component that manages it.
pub struct Backorders {
    provider: Arc<dyn Provider>,
    component: ComponentSource,
    /// Loaded on the first component call: stock and event commands do not
    /// pay for compiling the component.
    runtime: Mutex<Option<Arc<Runtime>>>,
    clock: RwLock<Arc<dyn Clock>>,
    /// What each call may use (see `crate::limits`).
    limits: Limits,
    /// Where the compiled component is kept between processes.
    compile_cache: CompileCache,
    /// What the latest call of the component cost.
    last_call_stats: Mutex<Option<CallStats>>,
    /// Key-value operations the component has made through this handle
    /// (each key of a batched read or write counts).
    store_operations: AtomicU64,
    /// Import calls the component has made through this handle.
    crossings: AtomicU64,
    /// Calls run again after a conflict with a concurrent call.
    retries: AtomicU64,
    /// Calls in flight, at most one per pooled instance slot: a call past
    /// that waits for a slot rather than failing to instantiate.
    in_flight: Slots,
    /// The applied writes' shared connection, where the provider shares
    /// commits.
    group: group::CommitGroup,
}

type CallStore = Store<CallContext>;

/// A counting semaphore over the pooled instance slots.
struct Slots {
    taken: Mutex<u32>,
    freed: Condvar,
}

impl Slots {
    fn acquire(&self) -> SlotGuard<'_> {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        while *taken >= POOLED_INSTANCES {
            taken = self.freed.wait(taken).unwrap_or_else(PoisonError::into_inner);
        }
        *taken += 1;
        SlotGuard(self)
    }
}

struct SlotGuard<'a>(&'a Slots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.taken.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        self.0.freed.notify_one();
    }
}

impl Backorders {
    /// A handle over `provider`. Nothing is read, created or compiled until
    /// the first call.
    pub fn new(provider: impl Provider, options: Options) -> Self {
        Self::with_provider(Arc::new(provider), options)
    }

    /// `new`, with a provider chosen at run time.
    pub fn with_provider(provider: Arc<dyn Provider>, options: Options) -> Self {
        let clock = options.clock();
        Self {
            provider,
            component: options
                .component
                .map_or(ComponentSource::Embedded, ComponentSource::File),
            runtime: Mutex::new(None),
            clock: RwLock::new(clock),
            limits: Limits::default(),
            compile_cache: CompileCache::default_location(),
            last_call_stats: Mutex::new(None),
            store_operations: AtomicU64::new(0),
            crossings: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            in_flight: Slots {
                taken: Mutex::new(0),
                freed: Condvar::new(),
            },
            group: group::CommitGroup::default(),
        }
    }

    /// Runs every call under `limits` instead of the defaults. Call it
    /// before the first call.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        *self.runtime.get_mut().unwrap_or_else(PoisonError::into_inner) = None;
        self
    }

    /// Keeps the compiled component in `cache` instead of the default
    /// location (`CompileCache::default_location`).
    pub fn with_compile_cache(mut self, cache: CompileCache) -> Self {
        self.compile_cache = cache;
        *self.runtime.get_mut().unwrap_or_else(PoisonError::into_inner) = None;
        self
    }

    /// The provider's description (`sqlite:backorders.db`, `memory`).
    pub fn describe_provider(&self) -> String {
        self.provider.describe()
    }

    /// Whether loading the component compiled it or took it from the cache;
    /// none before it is loaded.
    pub fn compile_cache_outcome(&self) -> Option<CacheOutcome> {
        self.loaded().map(|runtime| runtime.cache_outcome().clone())
    }

    /// What the latest call of the component cost in the sandbox (fuel,
    /// peak memory, wall time); none before the first. Host-only operations
    /// (stock, events) are not calls of the component and leave it as is.
    pub fn last_call_stats(&self) -> Option<CallStats> {
        *self.last_call_stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `last_call_stats`, forgetting them: taken before and after an
    /// operation, none afterwards means it ran no call of the component.
    pub fn take_last_call_stats(&self) -> Option<CallStats> {
        self.last_call_stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Key-value operations (reads, writes, scans; each key of a batched
    /// read or write counts) the component has made so far: a measure of
    /// what calls touch, for tests and profiles.
    pub fn store_operations(&self) -> u64 {
        self.store_operations.load(Ordering::Relaxed)
    }

    /// Calls the component has made to the host's imports so far (store,
    /// inventory, events, clock): each is a crossing of the sandbox's
    /// boundary, and a round trip where the store is a server.
    pub fn crossings(&self) -> u64 {
        self.crossings.load(Ordering::Relaxed)
    }

    /// Times a call through this handle was run again, whole, because its
    /// transaction conflicted with a concurrent one (a provider that
    /// serializes writers never conflicts): a measure of contention.
    pub fn conflict_retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    /// Commits that carried applied writes shared between concurrent calls
    /// (see `MAX_SHARED_CALLS`); zero where the provider does not share
    /// commits. Fewer than the applied writes when callers overlapped.
    pub fn shared_commits(&self) -> u64 {
        self.group.commits()
    }

    /// Pins the clock for the calls that follow (the demo moves it forward).
    pub fn pin_clock(&self, now: Timestamp) {
        *self.clock.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(PinnedClock(now));
    }

    fn loaded(&self) -> Option<Arc<Runtime>> {
        self.runtime
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads the component now rather than at the first call, to report a
    /// bad component early.
    pub fn load_component(&self) -> Result<(), HostError> {
        self.runtime().map(drop)
    }

    fn runtime(&self) -> Result<Arc<Runtime>, HostError> {
        let mut slot = self.runtime.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(runtime) = slot.as_ref() {
            return Ok(Arc::clone(runtime));
        }
        let runtime = Arc::new(Runtime::load(
            &self.component,
            self.limits,
            &self.compile_cache,
        )?);
        *slot = Some(Arc::clone(&runtime));
        Ok(runtime)
    }

    /// Runs `body` in one transaction with the component loaded; `body`
    /// runs exports through the `Caller` it is handed.
    fn with_component<T: Send>(
        &self,
        access: Access,
        mode: Mode,
        mut body: impl FnMut(&Caller, Box<dyn Connection>) -> (Box<dyn Connection>, Result<T, CallError>) + Send,
    ) -> Result<Outcome<T>, CallError> {
        let runtime = self.runtime()?;
        let _slot = self.in_flight.acquire();
        let caller = Caller {
            handle: self,
            runtime: &runtime,
            clock: Arc::clone(&self.clock.read().unwrap_or_else(PoisonError::into_inner)),
        };
        let (result, retries) = self.in_transaction(access, mode, |connection| body(&caller, connection));
        if retries > 0 {
            if let Some(stats) = self
                .last_call_stats
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_mut()
            {
                stats.retries = retries;
            }
        }
        result
    }

    /// Runs one export of the component in a transaction.
    fn call<T: Send>(
        &self,
        export: &'static str,
        access: Access,
        mode: Mode,
        mut call: impl FnMut(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>> + Send,
    ) -> Result<Outcome<T>, CallError> {
        self.with_component(access, mode, |caller, connection| {
            caller.run(export, connection, &mut call)
        })
    }

    /// Runs a read-only export; it always rolls back.
    fn read<T: Send>(
        &self,
        export: &'static str,
        call: impl FnMut(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>> + Send,
    ) -> Result<T, CallError> {
        self.call(export, Access::Read, Mode::Preview, call)
            .map(|outcome| outcome.value)
    }

    /// Runs a host-only operation on the database, under the same
    /// preview/apply rule as the component's writes.
    fn host_operation<T: Send>(
        &self,
        access: Access,
        mode: Mode,
        mut operation: impl FnMut(&mut dyn Connection) -> Result<T, HostError> + Send,
    ) -> Result<Outcome<T>, CallError> {
        self.in_transaction(access, mode, |mut connection| {
            let result = operation(connection.as_mut()).map_err(CallError::Host);
            (connection, result)
        })
        .0
    }

    /// Runs `body` in a transaction (`attempt`); when the transaction
    /// conflicted with a concurrent one, and so changed nothing, runs the
    /// whole of it again (in fresh instances of the component, which is
    /// deterministic: the same request makes the same writes) after a
    /// growing, jittered pause, at most `MAX_CALL_ATTEMPTS` times in all.
    /// Returns the last attempt's result and how many attempts came before.
    fn in_transaction<T: Send>(
        &self,
        access: Access,
        mode: Mode,
        mut body: impl FnMut(Box<dyn Connection>) -> (Box<dyn Connection>, Result<T, CallError>) + Send,
    ) -> (Result<Outcome<T>, CallError>, u32) {
        let mut retries = 0;
        loop {
            let result = self.attempt(access, mode, &mut body);
            let conflicted = matches!(&result, Err(CallError::Host(error)) if error.is_retryable());
            if !conflicted || retries + 1 >= MAX_CALL_ATTEMPTS {
                return (result, retries);
            }
            std::thread::sleep(retry_pause(retries));
            retries += 1;
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Begins a transaction on a connection of the provider, runs `body`,
    /// then commits only an applied write that succeeded; everything else
    /// rolls back. A transaction the provider found in conflict fails with
    /// that conflict, whatever `body` returned.
    fn attempt<T: Send>(
        &self,
        access: Access,
        mode: Mode,
        body: &mut (impl FnMut(Box<dyn Connection>) -> (Box<dyn Connection>, Result<T, CallError>) + Send),
    ) -> Result<Outcome<T>, CallError> {
        let commit = access == Access::Write && mode == Mode::Apply;
        if commit && self.provider.shares_commits() {
            return self
                .group
                .run(self.provider.as_ref(), body)
                .map(|value| Outcome { value, applied: true });
        }
        let mut connection = self.provider.connect(commit)?;
        let result = match connection.begin(access) {
            Ok(()) => {
                let (returned, result) = body(connection);
                connection = returned;
                if let Some(conflict) = connection.take_conflict() {
                    let _ = connection.rollback();
                    self.provider.release(connection);
                    return Err(conflict.into());
                }
                result.and_then(|value| {
                    let ended = if commit {
                        connection.commit()
                    } else {
                        connection.rollback()
                    };
                    ended.map(|()| value).map_err(CallError::Host)
                })
            }
            Err(error) => Err(error.into()),
        };
        if result.is_err() {
            // The call's own error is the one to report; a failed rollback
            // leaves nothing committed either.
            let _ = connection.rollback();
        }
        self.provider.release(connection);
        result.map(|value| Outcome {
            value,
            applied: commit,
        })
    }
}

/// What a transaction body needs to run exports of the loaded component.
struct Caller<'a> {
    handle: &'a Backorders,
    runtime: &'a Runtime,
    clock: Arc<dyn Clock>,
}

impl Caller<'_> {
    /// Runs one export on a fresh instance over `connection`, and keeps
    /// what it cost as the last call's stats.
    fn run<T>(
        &self,
        export: &'static str,
        connection: Box<dyn Connection>,
        call: impl FnOnce(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>>,
    ) -> (Box<dyn Connection>, Result<T, CallError>) {
        let (connection, result, stats) =
            self.runtime
                .call(export, connection, Arc::clone(&self.clock), call);
        let handle = self.handle;
        handle
            .store_operations
            .fetch_add(stats.store_operations, Ordering::Relaxed);
        handle.crossings.fetch_add(stats.crossings, Ordering::Relaxed);
        *handle
            .last_call_stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(stats);
        (connection, call_result(result))
    }
}

/// A call's result in the library's terms: the component's value, its
/// domain error, or the host's error.
fn call_result<T>(
    result: Result<Result<T, BackorderError>, HostError>,
) -> Result<T, CallError> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(domain)) => Err(CallError::Domain(domain)),
        Err(host) => Err(CallError::Host(host)),
    }
}

/// Most times one call runs, the first included, while its transaction
/// keeps conflicting with concurrent ones.
pub const MAX_CALL_ATTEMPTS: u32 = 16;

/// The first pause before a call runs again, doubling each time up to
/// `MAX_RETRY_PAUSE`; each pause is jittered to between half and all of
/// that, so calls that conflicted together do not meet again in step.
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(4);
const MAX_RETRY_PAUSE: Duration = Duration::from_millis(250);

/// The pause before the retry after `retries` earlier ones.
fn retry_pause(retries: u32) -> Duration {
    let ceiling = FIRST_RETRY_PAUSE
        .saturating_mul(1 << retries.min(16))
        .min(MAX_RETRY_PAUSE);
    // A hasher seeded at random per process (std's `RandomState`) over a
    // per-call counter: jitter without a random number crate.
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let draw = RandomState::new().hash_one(DRAWS.fetch_add(1, Ordering::Relaxed));
    let half = ceiling / 2;
    half + half.mul_f64((draw >> 11) as f64 / (1u64 << 53) as f64)
}

/// A platform's web server shares one handle between its threads.
const _: () = {
    const fn shared_between_threads<T: Send + Sync>() {}
    shared_between_threads::<Backorders>();
};
