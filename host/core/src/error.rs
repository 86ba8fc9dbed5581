//! Library errors. A call fails either in the domain (the component's
//! `backorder-error`, returned as is) or in the host (the database, the
//! component file, a trap), each with the fields a caller needs to act on it.

use std::path::PathBuf;

use crate::bindings::BackorderError;

/// Why a call did not produce its result. Nothing was changed either way.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The component refused the request.
    #[error("{}", describe_domain(.0))]
    Domain(BackorderError),
    /// The host could not run the call.
    #[error(transparent)]
    Host(#[from] HostError),
}

impl From<BackorderError> for CallError {
    fn from(error: BackorderError) -> Self {
        Self::Domain(error)
    }
}

impl CallError {
    /// The request itself was wrong, as opposed to the state it met or the
    /// host: a field breaks a rule, or an id names nothing.
    pub fn is_bad_input(&self) -> bool {
        match self {
            CallError::Domain(error) => match error {
                BackorderError::InvalidInput(_) | BackorderError::NotFound(_) => true,
                BackorderError::Conflict(_)
                | BackorderError::InvalidState(_)
                | BackorderError::PriorityConflict(_)
                | BackorderError::InsufficientStock(_)
                | BackorderError::Storage(_)
                | BackorderError::Other(_) => false,
            },
            CallError::Host(error) => matches!(error, HostError::InvalidInput { .. }),
        }
    }
}

/// `error: …` text for a domain error: the case, then its fields.
pub fn describe_domain(error: &BackorderError) -> String {
    match error {
        BackorderError::InvalidInput(field) => {
            format!("invalid input: {}: {}", field.field, field.message)
        }
        BackorderError::NotFound(id) => format!("not found: {id}"),
        BackorderError::Conflict(version) => {
            format!("conflict: the backorder changed meanwhile; it is now at version {version}")
        }
        BackorderError::InvalidState(state) => {
            format!(
                "invalid state: {} is {}: {}",
                state.id,
                crate::names::record_status(state.status).1,
                state.message
            )
        }
        BackorderError::PriorityConflict(blocking) => {
            format!("priority conflict: {blocking} lacks allocation and is more urgent")
        }
        BackorderError::InsufficientStock(available) => {
            format!("insufficient stock: {available} available")
        }
        BackorderError::Storage(reason) => format!("storage failed: {reason}"),
        BackorderError::Other(reason) => format!("component error: {reason}"),
    }
}

/// A failure of the host around a call, or of a host-only operation.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// A host-side input (stock, dates, limits) breaks a rule.
    #[error("invalid input: {field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },

    #[error("cannot open database {}: {reason}", path.display())]
    OpenDatabase { path: PathBuf, reason: String },

    /// The file is SQLite but not a backorders database; it was not touched.
    #[error(
        "{} is not a backorders database (application_id {application_id:#x}); refusing to use it",
        path.display()
    )]
    ForeignDatabase { path: PathBuf, application_id: i32 },

    #[error(
        "{} has backorders schema version {found}; this host reads version {supported}",
        path.display()
    )]
    UnsupportedSchema {
        path: PathBuf,
        found: i32,
        supported: i32,
    },

    /// The provider failed (a database error, a lost connection); its own
    /// error is the source.
    #[error("storage error while trying to {operation}: {source}")]
    Storage {
        operation: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The storage cannot be reached: a database server that refuses the
    /// connection, is down, or rejects the credentials. `location` is where
    /// the data is (`Provider::describe`, without a password).
    #[error("storage unavailable: {location}: {reason}")]
    Unavailable { location: String, reason: String },

    /// The call's transaction conflicted with a concurrent one (a
    /// serialization failure or a deadlock) and was rolled back, changing
    /// nothing. The host re-runs such a call in a fresh instance a bounded
    /// number of times (`is_retryable`); this is what is left when every
    /// attempt conflicted.
    #[error("storage conflict while trying to {operation}: {source}")]
    Conflict {
        operation: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A stored value that is not what this host writes.
    #[error("corrupt database: {table}.{column} holds {value:?}")]
    CorruptRow {
        table: &'static str,
        column: &'static str,
        value: String,
    },

    #[error("cannot read component {}: {source}", path.display())]
    ReadComponent {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The bytes are not a component of the `engine` world this host runs.
    #[error("cannot load component: {reason}")]
    LoadComponent { reason: String },

    /// The component was built for an incompatible version of the WIT
    /// package (see `crate::compat`); `exports` and `imports` are the
    /// package's interfaces it names, with their versions.
    #[error(
        "incompatible component: {}; this host runs {expected} and accepts {accepted}",
        package_interfaces(exports, imports)
    )]
    IncompatibleComponent {
        exports: Vec<String>,
        imports: Vec<String>,
        expected: String,
        accepted: String,
    },

    /// The component trapped or hit a limit during `export`.
    #[error("component trapped in {export}: {reason}")]
    Trap {
        export: &'static str,
        reason: String,
    },

    /// The call went over one of its limits (`crate::limits`): memory, CPU,
    /// stack, instances, tables, a value it handed the host, or its output.
    #[error("limit exceeded: {limit} in {export}: {detail}")]
    LimitExceeded {
        export: &'static str,
        limit: crate::limits::Limit,
        detail: String,
    },

    /// The component called an import in a way its contract rules out.
    #[error("component broke the contract of {import}: {rule}")]
    ContractViolation {
        import: &'static str,
        rule: &'static str,
    },

    #[error(
        "stock of {sku} at {}: {on_hand} on hand would be below the {reserved} reserved",
        location_name(location)
    )]
    StockBelowReserved {
        sku: String,
        location: Option<String>,
        on_hand: u64,
        reserved: u64,
    },

    #[error(
        "stock of {sku} at {}: adding {quantity} to {on_hand} on hand is past the largest storable count",
        location_name(location)
    )]
    StockOverflow {
        sku: String,
        location: Option<String>,
        on_hand: u64,
        quantity: u64,
    },
}

impl HostError {
    /// Whether re-running the whole call may succeed where this attempt
    /// failed: it conflicted with a concurrent call and changed nothing.
    pub fn is_retryable(&self) -> bool {
        matches!(self, HostError::Conflict { .. })
    }

    /// Maps a provider's own failure during `operation`.
    pub fn storage<E: std::error::Error + Send + Sync + 'static>(
        operation: &'static str,
    ) -> impl Fn(E) -> HostError {
        move |source| HostError::Storage {
            operation,
            source: Box::new(source),
        }
    }
}

/// `it exports a@0.2.0 and imports b@0.2.0, c@0.2.0`, for a refused component.
fn package_interfaces(exports: &[String], imports: &[String]) -> String {
    let exported = if exports.is_empty() {
        format!("it exports nothing of {}", crate::compat::WIT_PACKAGE)
    } else {
        format!("it exports {}", exports.join(", "))
    };
    if imports.is_empty() {
        exported
    } else {
        format!("{exported} and imports {}", imports.join(", "))
    }
}

/// How a stock location reads in messages and tables.
pub(crate) fn location_name(location: &Option<String>) -> &str {
    location.as_deref().unwrap_or("the default location")
}
