//! Which database a call runs against. The file is opened on first use; if
//! it does not exist, only a call that will commit creates it, and previews
//! and reads run against an empty in-memory database instead, so they never
//! leave a file behind.

use std::path::{Path, PathBuf};

use crate::error::HostError;
use crate::sqlite::SqliteProvider;

pub(super) struct Database {
    path: PathBuf,
    file: Option<SqliteProvider>,
    /// Stands in for a file that does not exist yet. Every call on it rolls
    /// back, so it stays empty.
    memory: Option<SqliteProvider>,
}

/// Where a checked-out provider goes back to.
pub(super) enum Slot {
    File,
    Memory,
}

impl Database {
    pub(super) fn new(path: PathBuf) -> Self {
        Self {
            path,
            file: None,
            memory: None,
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The provider for one call. `will_commit` asks for the file even if it
    /// must be created.
    pub(super) fn check_out(
        &mut self,
        will_commit: bool,
    ) -> Result<(SqliteProvider, Slot), HostError> {
        if let Some(file) = self.file.take() {
            return Ok((file, Slot::File));
        }
        let exists = self
            .path
            .try_exists()
            .map_err(|source| HostError::OpenDatabase {
                path: self.path.clone(),
                reason: source.to_string(),
            })?;
        if exists || will_commit {
            // Once the file exists the stand-in is never used again.
            self.memory = None;
            return Ok((SqliteProvider::open(&self.path, will_commit)?, Slot::File));
        }
        let memory = match self.memory.take() {
            Some(memory) => memory,
            None => SqliteProvider::in_memory()?,
        };
        Ok((memory, Slot::Memory))
    }

    /// Key-value operations the database file has served since it was opened.
    pub(super) fn store_operations(&self) -> u64 {
        self.file.as_ref().map_or(0, SqliteProvider::store_operations)
    }

    pub(super) fn check_in(&mut self, provider: SqliteProvider, slot: Slot) {
        match slot {
            Slot::File => self.file = Some(provider),
            Slot::Memory => self.memory = Some(provider),
        }
    }
}
