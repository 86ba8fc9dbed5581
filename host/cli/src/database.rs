//! Which provider a `--db` value (or `BACKORDERS_DB`) names: a path or
//! `sqlite:PATH` is a SQLite file, `memory:` an in-memory database that
//! lives as long as the process, `postgres://…` (or `postgresql://…`) a
//! PostgreSQL database that many processes may share.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use backorders_host::provider::copy::Rows;
use backorders_host::provider::deliveries::Deliveries;
use backorders_host::provider::memory::MemoryProvider;
use backorders_host::provider::Provider;
use backorders_host::{Backorders, HostError, Options};
use backorders_postgres::PostgresProvider;
use backorders_sqlite::SqliteProvider;

/// The `--db` value that names an in-memory database.
pub const MEMORY: &str = "memory:";

/// A database to run against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Memory,
    /// The database a PostgreSQL URL names.
    Postgres(String),
}

/// The kind of provider, without a place: what the scenario runner makes
/// a fresh database of for every scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ProviderKind {
    #[default]
    Sqlite,
    Memory,
    /// A fresh database on the server this URL names (its role needs
    /// CREATEDB), dropped when the handle over it is.
    Postgres(String),
}

impl Database {
    /// Reads a `--db` value; every text is a valid SQLite path, so this
    /// cannot fail.
    pub fn parse(text: &str) -> Self {
        if text == MEMORY {
            return Self::Memory;
        }
        if backorders_postgres::is_url(text) {
            return Self::Postgres(text.to_owned());
        }
        Self::Sqlite(PathBuf::from(text.strip_prefix("sqlite:").unwrap_or(text)))
    }

    pub fn kind(&self) -> ProviderKind {
        match self {
            Self::Sqlite(_) => ProviderKind::Sqlite,
            Self::Memory => ProviderKind::Memory,
            Self::Postgres(url) => ProviderKind::Postgres(url.clone()),
        }
    }

    pub fn provider(&self) -> Arc<dyn Provider> {
        match self {
            Self::Sqlite(path) => Arc::new(SqliteProvider::new(path)),
            Self::Memory => Arc::new(MemoryProvider::new()),
            Self::Postgres(url) => Arc::new(PostgresProvider::new(url)),
        }
    }

    /// A handle over this database.
    pub fn open(&self, options: Options) -> Backorders {
        Backorders::with_provider(self.provider(), options)
    }

    /// The raw rows of this database, for `backorders copy` (`field`:
    /// `from` or `to`, for errors). A missing SQLite file is created when
    /// `create` is set (an applied copy's target) and otherwise read as
    /// empty; `memory:`, which lasts one command, has nothing to copy.
    pub fn rows(&self, field: &'static str, create: bool) -> Result<Box<dyn Rows>, HostError> {
        match self {
            Self::Sqlite(path) => Ok(Box::new(backorders_sqlite::SqliteConnection::open_or_empty(path, create)?)),
            Self::Memory => Err(HostError::InvalidInput {
                field,
                message: "memory: lasts one command; copy needs a SQLite file or a PostgreSQL database".to_owned(),
            }),
            Self::Postgres(url) => Ok(Box::new(PostgresProvider::new(url).open_connection()?)),
        }
    }

    /// The webhook delivery store of this database; only a write
    /// (`create`) creates a missing file. A relay is a process of its own,
    /// so `memory:`, which lives as long as one command, has none.
    pub fn deliveries(&self, create: bool) -> Result<Box<dyn Deliveries>, HostError> {
        match self {
            Self::Sqlite(path) => Ok(Box::new(backorders_sqlite::deliveries(path, create)?)),
            Self::Memory => Err(HostError::InvalidInput {
                field: "db",
                message: "webhooks and following or pruning events need a database file; \
                          memory: lasts one command"
                    .to_owned(),
            }),
            Self::Postgres(_) => Err(HostError::InvalidInput {
                field: "db",
                message: "webhooks and following or pruning events are not available on \
                          PostgreSQL yet; they need a SQLite database file"
                    .to_owned(),
            }),
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(formatter, "{}", path.display()),
            Self::Memory => formatter.write_str(MEMORY),
            Self::Postgres(url) => formatter.write_str(&backorders_postgres::redact(url)),
        }
    }
}
