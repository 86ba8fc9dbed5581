//! Why an operation was refused. Mirrors the WIT `backorder-error` variant,
//! in the same order of precedence.

use super::model::RecordStatus;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    /// A field of the request breaks a rule.
    InvalidInput { field: String, message: String },
    /// No backorder or allocation has this id.
    NotFound(String),
    /// The backorder is not at the expected version; carries the current one.
    Conflict(u64),
    /// The record's status does not allow the operation.
    InvalidState { id: String, status: RecordStatus, message: String },
    /// A more urgent backorder of the same SKU lacks allocation.
    PriorityConflict(String),
    /// Not enough available stock; carries the units available.
    InsufficientStock(u64),
    /// The store or the inventory failed, or a stored value cannot be read.
    Storage(StorageError),
    /// A broken invariant found in stored data.
    Other(String),
}

pub type DomainResult<T> = Result<T, DomainError>;

/// Why storage failed the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The host's store or inventory reported a failure.
    Failed(String),
    /// A stored value is in a format version this build does not read: a
    /// newer build wrote it (or a 0.1.0 store was not migrated).
    UnknownFormat { value: String, version: u8, newest: u8 },
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Failed(message) => write!(f, "{message}"),
            StorageError::UnknownFormat { value, version, newest } => {
                write!(f, "{value} stored in format version {version}; this build reads up to {newest}")
            }
        }
    }
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DomainError::InvalidInput { field: field.to_string(), message: message.into() }
    }

    /// `status` is the record's own status: a backorder's or an allocation's.
    pub fn state(id: &str, status: impl Into<RecordStatus>, message: impl Into<String>) -> Self {
        DomainError::InvalidState { id: id.to_string(), status: status.into(), message: message.into() }
    }

    /// Stored data that contradicts itself: a bug or a tampered store.
    pub fn corrupt(message: impl Into<String>) -> Self {
        DomainError::Other(format!("corrupt store: {}", message.into()))
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::InvalidInput { field, message } => write!(f, "invalid input: {field}: {message}"),
            DomainError::NotFound(id) => write!(f, "not found: {id}"),
            DomainError::Conflict(version) => write!(f, "conflict: the backorder is at version {version}"),
            DomainError::InvalidState { id, status, message } => write!(f, "invalid state: {id} is {}: {message}", status.name()),
            DomainError::PriorityConflict(id) => write!(f, "priority conflict: {id} is more urgent and lacks allocation"),
            DomainError::InsufficientStock(available) => write!(f, "insufficient stock: {available} available"),
            DomainError::Storage(error) => write!(f, "storage: {error}"),
            DomainError::Other(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for DomainError {}
