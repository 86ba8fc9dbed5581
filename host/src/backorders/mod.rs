//! The embedding API: open a database, run typed calls of the component
//! against it, each in one transaction that commits only when asked to.

mod database;
mod exports;
mod stock;

pub use stock::{MAX_STOCK_QUANTITY, MAX_TEXT_CHARS};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::Store;

use self::database::Database;
use crate::bindings::Guest;
use crate::bindings::{BackorderError, Timestamp};
use crate::context::CallContext;
use crate::error::{CallError, HostError};
use crate::provider::{Access, Clock, PinnedClock, SystemClock, Transactional};
use crate::runtime::{ComponentSource, Runtime};
use crate::sqlite::SqliteProvider;

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
        }
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
            self.runtime = Some(Runtime::load(&self.component)?);
        }
        Ok(())
    }

    /// Runs one export of the component in a transaction.
    fn call<T>(
        &mut self,
        export: &'static str,
        access: Access,
        mode: Mode,
        call: impl FnOnce(&Guest, &mut CallStore) -> wasmtime::Result<Result<T, BackorderError>>,
    ) -> Result<Outcome<T>, CallError> {
        self.load_component()?;
        let clock = Arc::clone(&self.clock);
        let Self {
            runtime, database, ..
        } = self;
        let runtime = runtime
            .as_ref()
            .expect("load_component just loaded the runtime");
        in_transaction(database, access, mode, |provider| {
            let (provider, result) = runtime.call(export, provider, clock, call);
            let result = match result {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(domain)) => Err(CallError::Domain(domain)),
                Err(host) => Err(CallError::Host(host)),
            };
            (provider, result)
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
        self.load_component()?;
        let clock = Arc::clone(&self.clock);
        let Self {
            runtime, database, ..
        } = self;
        let runtime = runtime
            .as_ref()
            .expect("load_component just loaded the runtime");
        in_transaction(database, Access::Write, mode, |provider| {
            if let Err(error) = before(&provider) {
                return (provider, Err(CallError::Host(error)));
            }
            let (provider, result) = runtime.call(export, provider, clock, call);
            let result = match result {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(domain)) => Err(CallError::Domain(domain)),
                Err(host) => Err(CallError::Host(host)),
            };
            (provider, result)
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
