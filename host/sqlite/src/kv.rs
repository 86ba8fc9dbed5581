//! The component's ordered key-value space: one `WITHOUT ROWID` table whose
//! BLOB primary key SQLite compares with memcmp, shorter first on a common
//! prefix, which is exactly the order the WIT `store` promises.

use rusqlite::OptionalExtension;

use super::SqliteConnection;
use backorders_host::provider::{KeyValue, KeyValueError, KeyValuePair};

fn unavailable(source: rusqlite::Error) -> KeyValueError {
    KeyValueError::Unavailable {
        reason: source.to_string(),
    }
}

impl KeyValue for SqliteConnection {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, KeyValueError> {
        self.connection
            .prepare_cached("SELECT value FROM kv WHERE key = ?1")
            .and_then(|mut statement| statement.query_row([key], |row| row.get(0)).optional())
            .map_err(unavailable)
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KeyValueError> {
        self.connection
            .prepare_cached(
                "INSERT INTO kv (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .and_then(|mut statement| statement.execute((key, value)))
            .map(drop)
            .map_err(unavailable)
    }

    /// Taken in the call's transaction: numbers follow commits without
    /// gaps, and a rollback gives the number back.
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, KeyValueError> {
        let lowest = i64::try_from(after.saturating_add(1)).map_err(|_| KeyValueError::LimitExceeded {
            what: "sequence number",
            actual: after,
            limit: i64::MAX as u64 - 1,
        })?;
        let number: i64 = self
            .connection
            .prepare_cached(
                "INSERT INTO sequences (name, next) VALUES (?1, ?2 + 1)
                 ON CONFLICT (name) DO UPDATE SET next = max(next, ?2) + 1
                 RETURNING next - 1",
            )
            .and_then(|mut statement| statement.query_row((sequence, lowest), |row| row.get(0)))
            .map_err(unavailable)?;
        // The CHECK keeps `next` positive, so `next - 1` is not negative.
        Ok(number as u64)
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), KeyValueError> {
        self.connection
            .prepare_cached("DELETE FROM kv WHERE key = ?1")
            .and_then(|mut statement| statement.execute([key]))
            .map(drop)
            .map_err(unavailable)
    }

    fn scan(
        &mut self,
        start: &[u8],
        end: &[u8],
        limit: u32,
    ) -> Result<Vec<KeyValuePair>, KeyValueError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3",
            )
            .map_err(unavailable)?;
        let rows = statement
            .query_map((start, end, limit), |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(unavailable)?;
        rows.collect::<Result<_, _>>().map_err(unavailable)
    }
}
