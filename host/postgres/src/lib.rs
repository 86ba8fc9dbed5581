//! The PostgreSQL provider of the backorders host: the component's
//! key-value space, stock, reservations and the event outbox in one
//! PostgreSQL database, which any number of host processes share. Each call
//! is one transaction at REPEATABLE READ, made serializable by the SKUs each
//! write names (`transaction.rs`); a call whose transaction conflicts with a
//! concurrent one fails with `HostError::Conflict`, changing nothing, and
//! the host runs it again.
//!
//! ```no_run
//! let backorders = backorders_postgres::open(
//!     "postgres://backorders:secret@db.internal:5432/backorders",
//!     backorders_host::Options::default(),
//! );
//! let summary = backorders.backorder_summary()?;
//! # Ok::<(), backorders_host::CallError>(())
//! ```
//!
//! The `postgres` client runs a tokio runtime of its own: call a handle
//! over this provider from plain threads (or a tokio runtime's blocking
//! threads, `spawn_blocking`), never from async code.

mod copy;
mod events;
mod inventory;
mod kv;
mod numbers;
mod schema;
mod stock;
mod testing;
mod transaction;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use postgres::error::{DbError, SqlState};
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Statement};

use backorders_host::provider::{Connection as ProviderConnection, Provider};
use backorders_host::{Backorders, HostError, Options};

pub use numbers::MAX_BLOCK;
pub use schema::SCHEMA_VERSION;
pub use postgres;
pub use testing::{closed_local_port, server_for_tests, TestDatabase, TEST_SERVER_VARIABLE};

/// Idle connections a provider keeps for later calls; more may be open
/// while more calls are in flight (at most one per pooled instance slot of
/// the handle), and are closed when their call ends.
pub const MAX_IDLE_CONNECTIONS: usize = 8;

/// A handle over the PostgreSQL database at `url`
/// (`postgres://user:password@host:port/database`).
pub fn open(url: &str, options: Options) -> Backorders {
    Backorders::new(PostgresProvider::new(url), options)
}

/// Whether a URL names a PostgreSQL database (`postgres://`,
/// `postgresql://`).
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// `url` without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
            format!("{scheme}://{user}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// Connections to one database, kept between calls.
pub struct PostgresProvider {
    /// The parsed URL, or why it does not parse (reported by the first
    /// call, as a connection failure).
    config: Result<Config, String>,
    shown: String,
    idle: Mutex<Vec<Box<dyn ProviderConnection>>>,
    round_trips: Arc<AtomicU64>,
    /// The numbers this process leased (made by the first connection).
    numbers: std::sync::OnceLock<Arc<numbers::Numbers>>,
    /// A database this provider made, and drops when it is dropped.
    scratch: Option<Scratch>,
}

/// A fresh database on a server, made by the first call and dropped with
/// its provider.
struct Scratch {
    server: Config,
    name: String,
    created: Mutex<bool>,
}

impl PostgresProvider {
    /// A provider over the database `url` names. Nothing connects until
    /// the first call.
    pub fn new(url: &str) -> Self {
        Self {
            config: url.parse::<Config>().map_err(|error| error.to_string()),
            shown: redact(url),
            idle: Mutex::new(Vec::new()),
            round_trips: Arc::new(AtomicU64::new(0)),
            numbers: std::sync::OnceLock::new(),
            scratch: None,
        }
    }

    /// A provider over a database of its own on the server `server_url`
    /// names: the first call creates it (the URL's role needs CREATEDB),
    /// and dropping the provider drops it. What a test or a scenario runs
    /// on.
    pub fn scratch(server_url: &str) -> Self {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos());
        let name = format!(
            "backorders_scratch_{}_{}_{nanos}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        );
        let mut provider = Self::new(server_url);
        if let Ok(server) = &provider.config {
            let mut database = server.clone();
            database.dbname(&name);
            provider.scratch = Some(Scratch {
                server: server.clone(),
                name: name.clone(),
                created: Mutex::new(false),
            });
            provider.config = Ok(database);
            provider.shown = format!("{} (scratch database {name})", provider.shown);
        }
        provider
    }

    /// Statements sent to the server so far (each a round trip), over every
    /// connection: what a call costs in latency where the server is far.
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    /// A shared reading of `round_trips`, for a caller that hands the
    /// provider to a handle.
    pub fn round_trip_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.round_trips)
    }

    fn unavailable(&self, reason: impl ToString) -> HostError {
        HostError::Unavailable {
            location: self.shown.clone(),
            reason: reason.to_string(),
        }
    }

    fn config(&self) -> Result<&Config, HostError> {
        self.config
            .as_ref()
            .map_err(|reason| self.unavailable(format!("not a PostgreSQL URL: {reason}")))
    }

    /// A new connection outside the pool, to a database checked to be
    /// ours (its schema laid out if it is empty): what `backorders copy`
    /// reads and writes raw rows through.
    pub fn open_connection(&self) -> Result<PostgresConnection, HostError> {
        let config = self.config()?;
        self.create_scratch()?;
        let mut client = connect(config).map_err(|error| self.unavailable(describe(&error)))?;
        // A server going away between the connection and the schema check
        // is unavailable, not a database it cannot open.
        schema::ensure(&mut client, &self.shown).map_err(|error| match client.is_closed() {
            true => self.unavailable(format!("the connection was lost: {error}")),
            false => error,
        })?;
        let numbers = self
            .numbers
            .get_or_init(|| Arc::new(numbers::Numbers::new(config.clone(), Arc::clone(&self.round_trips))));
        Ok(PostgresConnection {
            client: Some(client),
            numbers: Arc::clone(numbers),
            scopes: Vec::new(),
            statements: HashMap::new(),
            conflict: None,
            lost: None,
            shown: self.shown.clone(),
            in_transaction: false,
            round_trips: Arc::clone(&self.round_trips),
        })
    }

    fn create_scratch(&self) -> Result<(), HostError> {
        let Some(scratch) = &self.scratch else {
            return Ok(());
        };
        let mut created = scratch.created.lock().unwrap_or_else(PoisonError::into_inner);
        if !*created {
            let mut server = connect(&scratch.server).map_err(|error| self.unavailable(describe(&error)))?;
            server
                .batch_execute(&format!("CREATE DATABASE \"{}\"", scratch.name))
                .map_err(|error| self.unavailable(describe(&error)))?;
            close(server);
            *created = true;
        }
        Ok(())
    }
}

/// Opens a connection; none of it may run inside a tokio runtime.
fn connect(config: &Config) -> Result<Client, postgres::Error> {
    outside_runtime(|| config.connect(NoTls))
}

/// Runs `work` here, or on a thread of its own when this thread runs a
/// tokio runtime (the `postgres` client would panic starting its own).
fn outside_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    std::thread::scope(|scope| scope.spawn(work).join().expect("a PostgreSQL call panicked"))
}

/// Closes a connection, off any tokio runtime.
fn close(client: Client) {
    outside_runtime(move || drop(client));
}

/// An error's text with the server's detail: `postgres::Error` shows only
/// "db error" for an error the server reported.
pub(crate) fn describe(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => match std::error::Error::source(error) {
            Some(cause) => format!("{error}: {cause}"),
            None => error.to_string(),
        },
    }
}

/// Whether the server rolled the transaction back for conflicting with a
/// concurrent one: running it again may succeed.
fn is_conflict(error: &postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// Whether the connection is gone: closed, broken, or ended by the server
/// (shut down, restarted, or the backend terminated: SQLSTATE class 57).
fn is_lost(error: &postgres::Error) -> bool {
    error.is_closed()
        || error.code().is_some_and(|code| code.code().starts_with("57"))
        || (error.as_db_error().is_none()
            && std::error::Error::source(error).is_some_and(|cause| cause.is::<std::io::Error>()))
}

/// A database failure during `operation`: a conflict, which the host
/// retries, or a storage error.
pub(crate) fn database(operation: &'static str) -> impl Fn(postgres::Error) -> HostError {
    move |error| {
        let source: Box<dyn std::error::Error + Send + Sync> = Box::new(Failure(describe(&error)));
        if is_conflict(&error) {
            HostError::Conflict { operation, source }
        } else {
            HostError::Storage { operation, source }
        }
    }
}

/// A database failure's text, as an error source.
#[derive(Debug)]
struct Failure(String);

impl std::fmt::Display for Failure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

impl Provider for PostgresProvider {
    fn connect(&self, _will_commit: bool) -> Result<Box<dyn ProviderConnection>, HostError> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        if let Some(connection) = idle {
            return Ok(connection);
        }
        Ok(Box::new(self.open_connection()?))
    }

    /// A connection the server dropped (restarted, shut down, or the network
    /// failed) tells that the idle ones went with it: they are closed too,
    /// and the calls that follow open new ones.
    fn release(&self, connection: Box<dyn ProviderConnection>) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if !connection.reusable() {
            idle.clear();
        } else if idle.len() < MAX_IDLE_CONNECTIONS {
            idle.push(connection);
        }
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }
}

impl Drop for PostgresProvider {
    fn drop(&mut self) {
        self.idle.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
        self.numbers.take();
        let Some(scratch) = &self.scratch else {
            return;
        };
        if !*scratch.created.lock().unwrap_or_else(PoisonError::into_inner) {
            return;
        }
        // FORCE: a connection of this provider still out with a call
        // (a thread that panicked) must not keep the database alive.
        let dropped = outside_runtime(|| {
            let mut server = scratch.server.connect(NoTls)?;
            server.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", scratch.name))
        });
        if let Err(error) = dropped {
            eprintln!("warning: could not drop scratch database {}: {}", scratch.name, describe(&error));
        }
    }
}

/// One connection to the database, used by one call at a time.
pub struct PostgresConnection {
    /// Always some; taken only by `drop`.
    client: Option<Client>,
    /// Each statement is prepared once per connection (a round trip), then
    /// runs in one round trip.
    statements: HashMap<&'static str, Statement>,
    /// The conflict that doomed the transaction in progress, if any.
    conflict: Option<DbError>,
    /// Why the server or the network dropped this connection, if it did.
    lost: Option<String>,
    /// Where the database is, for messages (no password).
    shown: String,
    in_transaction: bool,
    round_trips: Arc<AtomicU64>,
    numbers: Arc<numbers::Numbers>,
    /// The SKUs the call in progress read or wrote data of, sent with its
    /// key-value writes (`kv.rs`).
    scopes: Vec<String>,
}

impl ProviderConnection for PostgresConnection {
    fn reusable(&self) -> bool {
        self.lost.is_none() && self.client.as_ref().is_some_and(|client| !client.is_closed())
    }
}

impl Drop for PostgresConnection {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            close(client);
        }
    }
}

/// Parameters of a statement.
pub(crate) type Params<'a> = [&'a (dyn ToSql + Sync)];

impl PostgresConnection {
    fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("a connection has its client until dropped")
    }

    /// Runs `work` as one round trip, noting a conflict it met.
    fn counted<T>(
        &mut self,
        work: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        let result = work(self.client());
        if let Err(error) = &result {
            if is_conflict(error) && self.conflict.is_none() {
                self.conflict = error.as_db_error().cloned();
            }
            if is_lost(error) && self.lost.is_none() {
                self.lost = Some(describe(error));
            }
        }
        result
    }

    /// The connection's loss as the caller sees it: the storage became
    /// unavailable during the call, which may or may not have committed if
    /// the loss met its COMMIT.
    pub(crate) fn unavailable(&self) -> Option<HostError> {
        self.lost.as_ref().map(|reason| HostError::Unavailable {
            location: self.shown.clone(),
            reason: format!("the connection was lost: {reason}"),
        })
    }

    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.counted(|client| client.prepare(sql))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    /// The rows `sql` returns.
    pub(crate) fn query(&mut self, sql: &'static str, params: &Params<'_>) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.counted(|client| client.query(&statement, params))
    }

    /// The row `sql` returns, if any.
    pub(crate) fn query_opt(&mut self, sql: &'static str, params: &Params<'_>) -> Result<Option<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.counted(|client| client.query_opt(&statement, params))
    }

    /// Runs `sql`; the rows it changed.
    pub(crate) fn execute(&mut self, sql: &'static str, params: &Params<'_>) -> Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        self.counted(|client| client.execute(&statement, params))
    }

    /// Runs statements without parameters (transaction control).
    pub(crate) fn batch(&mut self, sql: &'static str) -> Result<(), postgres::Error> {
        self.counted(|client| client.batch_execute(sql))
    }
}

/// A count as the database stores it (BIGINT); past `i64::MAX` is refused
/// rather than wrapped.
pub(crate) fn to_stored(what: &'static str, value: u64) -> Result<i64, String> {
    i64::try_from(value).map_err(|_| format!("{what} {value} is past the largest storable count"))
}

/// A stored count, which the table's CHECK keeps non-negative.
pub(crate) fn from_stored(table: &'static str, column: &'static str, value: i64) -> Result<u64, HostError> {
    u64::try_from(value).map_err(|_| HostError::CorruptRow {
        table,
        column,
        value: value.to_string(),
    })
}
