//! The embedding API: open a database, run typed calls of the component
//! against it, each in one transaction that commits only when asked to.

mod database;
mod exports;
mod import;
mod stock;

pub use stock::{MAX_STOCK_QUANTITY, MAX_TEXT_CHARS};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::Store;

use self::database::Database;
use crate::bindings::{BackorderError, Timestamp};
use crate::cache::{CacheOutcome, CompileCache};
use crate::context::CallContext;
use crate::error::{CallError, HostError};
use crate::guest::Guest;
use crate::limits::Limits;
use crate::provider::{Access, Clock, PinnedClock, SystemClock, Transactional};
use crate::runtime::{ComponentSource, Runtime};
use crate::sqlite::SqliteProvider;
use crate::stats::CallStats;

/// How to open a backorders database.
#[derive(Clone, Debug)]
pub struct Options {
    /// The SQLite file; created by the first call that commits.
    pub db_path: PathBuf,
    /// A component file to run instead of the embedded one.
    pub component: Option<PathBuf>,
    /// Pin the clock to this time; none: system time.
    pub now: Option<Timestamp>,
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

/// A backorders database with the component that manages it.
pub struct Backorders {
    database: Database,
    component: ComponentSource,
    /// Loaded on the first component call: stock and event commands do not
    /// pay for compiling the component.
    runtime: Option<Runtime<SqliteProvider>>,
    clock: Arc<dyn Clock>,
    /// What each call may use (see `crate::limits`).
    limits: Limits,
    /// Where the compiled component is kept between processes.
    compile_cache: CompileCache,
    /// What the latest call of the component cost.
    last_call_stats: Option<CallStats>,
}

type CallStore = Store<CallContext<SqliteProvider>>;

impl Backorders {
    /// Prepares to use the database at `options.db_path`. Nothing is read or
    /// created until the first call.
    pub fn open(options: Options) -> Self {
        let clock: Arc<dyn Clock> = match options.now {
            Some(now) => Arc::new(PinnedClock(now)),
            None => Arc::new(SystemClock),
        };
        Self {
            database: Database::new(options.db_path),
            component: options
                .component
                .map_or(ComponentSource::Embedded, ComponentSource::File),
            runtime: None,
            clock,
            limits: Limits::default(),
            compile_cache: CompileCache::default_location(),
            last_call_stats: None,
        }
    }

    /// Runs every call under `limits` instead of the defaults. Takes effect
    /// when the component loads, so call it before the first call.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self.runtime = None;
        self
    }

    /// Keeps the compiled component in `cache` instead of the default
    /// location (`CompileCache::default_location`).
    pub fn with_compile_cache(mut self, cache: CompileCache) -> Self {
        self.compile_cache = cache;
        self.runtime = None;
        self
    }

    /// Whether loading the component compiled it or took it from the cache;
    /// none before it is loaded.
    pub fn compile_cache_outcome(&self) -> Option<&CacheOutcome> {
        self.runtime.as_ref().map(Runtime::cache_outcome)
    }

    /// What the latest call of the component cost in the sandbox (fuel,
    /// peak memory, wall time); none before the first. Host-only operations
    /// (stock, events) are not calls of the component and leave it as is.
    pub fn last_call_stats(&self) -> Option<CallStats> {
        self.last_call_stats
    }

    /// `last_call_stats`, forgetting them: taken before and after an
    /// operation, none afterwards means it ran no call of the component.
    pub fn take_last_call_stats(&mut self) -> Option<CallStats> {
        self.last_call_stats.take()
    }

    pub fn db_path(&self) -> &Path {
        self.database.path()
    }

    /// Key-value operations (reads, writes, scans; each key of a batched
    /// read counts) the component has made on the database file so far: a
    /// measure of what calls touch, for tests and profiles.
    pub fn store_operations(&self) -> u64 {
        self.database.store_operations()
    }

    /// Pins the clock for the calls that follow (the demo moves it forward).
    pub fn pin_clock(&mut self, now: Timestamp) {
        self.clock = Arc::new(PinnedClock(now));
    }

    /// Loads the component now rather than at the first call, to report a
    /// bad component early.
    pub fn load_component(&mut self) -> Result<(), HostError> {
        if self.runtime.is_none() {
            self.runtime = Some(Runtime::load(
                &self.component,
                self.limits,
                &self.compile_cache,
            )?);
        }
        Ok(())
    }

    /// Runs `body` in one transaction with the component loaded; `body`
    /// runs exports through the `Caller` it is handed.
    fn with_component<T>(
        &mut self,
        access: Access,
        mode: Mode,
        body: impl FnOnce(&mut Caller, SqliteProvider) -> (SqliteProvider, Result<T, CallError>),
    ) -> Result<Outcome<T>, CallError> {
        self.load_component()?;
        let Self {
            runtime,
            database,
            last_call_stats,
            clock,
            ..
        } = self;
        let mut caller = Caller {
            runtime: runtime
                .as_ref()
                .expect("load_component just loaded the runtime"),
            clock: Arc::clone(clock),
            last_call_stats,
        };
        in_transaction(database, access, mode, |provider| body(&mut caller, provider))
    }

    /// Runs one export of the component in a transaction.
    fn call<T>(
        &mut self,
        export: &'static str,
        access: Access,
        mode: Mode,
        call: impl FnOnce(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>>,
    ) -> Result<Outcome<T>, CallError> {
        self.with_component(access, mode, |caller, provider| {
            caller.run(export, provider, call)
        })
    }

    /// Runs a host operation and then an export of the component in one
    /// transaction: both commit, or neither does.
    fn call_after<T>(
        &mut self,
        export: &'static str,
        mode: Mode,
        before: impl FnOnce(&SqliteProvider) -> Result<(), HostError>,
        call: impl FnOnce(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>>,
    ) -> Result<Outcome<T>, CallError> {
        self.with_component(Access::Write, mode, |caller, provider| {
            if let Err(error) = before(&provider) {
                return (provider, Err(CallError::Host(error)));
            }
            caller.run(export, provider, call)
        })
    }

    /// Runs a read-only export; it always rolls back.
    fn read<T>(
        &mut self,
        export: &'static str,
        call: impl FnOnce(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>>,
    ) -> Result<T, CallError> {
        self.call(export, Access::Read, Mode::Preview, call)
            .map(|outcome| outcome.value)
    }

    /// Runs a host-only operation on the database, under the same
    /// preview/apply rule as the component's writes.
    fn host_operation<T>(
        &mut self,
        access: Access,
        mode: Mode,
        operation: impl FnOnce(&SqliteProvider) -> Result<T, HostError>,
    ) -> Result<Outcome<T>, CallError> {
        in_transaction(&mut self.database, access, mode, |provider| {
            let result = operation(&provider).map_err(CallError::Host);
            (provider, result)
        })
    }
}

/// What a transaction body needs to run exports of the loaded component.
struct Caller<'a> {
    runtime: &'a Runtime<SqliteProvider>,
    clock: Arc<dyn Clock>,
    last_call_stats: &'a mut Option<CallStats>,
}

impl Caller<'_> {
    /// Runs one export on a fresh instance over `provider`, and keeps what
    /// it cost as the last call's stats.
    fn run<T>(
        &mut self,
        export: &'static str,
        provider: SqliteProvider,
        call: impl FnOnce(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>>,
    ) -> (SqliteProvider, Result<T, CallError>) {
        let (provider, result, stats) =
            self.runtime
                .call(export, provider, Arc::clone(&self.clock), call);
        *self.last_call_stats = Some(stats);
        (provider, call_result(result))
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

/// Begins a transaction, runs `body`, then commits only an applied write
/// that succeeded; everything else rolls back.
fn in_transaction<T>(
    database: &mut Database,
    access: Access,
    mode: Mode,
    body: impl FnOnce(SqliteProvider) -> (SqliteProvider, Result<T, CallError>),
) -> Result<Outcome<T>, CallError> {
    let commit = access == Access::Write && mode == Mode::Apply;
    let (mut provider, slot) = database.check_out(commit)?;
    let result = match provider.begin(access) {
        Ok(()) => {
            let (returned, result) = body(provider);
            provider = returned;
            result.and_then(|value| finish(&mut provider, commit).map(|()| value))
        }
        Err(error) => Err(error.into()),
    };
    if result.is_err() {
        // The call's own error is the one to report; a failed rollback
        // leaves nothing committed either.
        let _ = provider.rollback();
    }
    database.check_in(provider, slot);
    result.map(|value| Outcome {
        value,
        applied: commit,
    })
}

fn finish(provider: &mut SqliteProvider, commit: bool) -> Result<(), CallError> {
    let ended = if commit {
        provider.commit()
    } else {
        provider.rollback()
    };
    ended.map_err(CallError::Host)
}
