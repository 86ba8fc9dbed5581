//! The component's ordered key-value space: one table with a bytea primary
//! key, which PostgreSQL compares as unsigned bytes, shorter first on a
//! common prefix: exactly the order the WIT `store` promises.

use std::collections::BTreeMap;

use super::PostgresConnection;
use backorders_host::provider::{KeyValue, KeyValueError, KeyValuePair, Write};

fn unavailable(error: postgres::Error) -> KeyValueError {
    KeyValueError::Unavailable {
        reason: super::describe(&error),
    }
}

impl KeyValue for PostgresConnection {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, KeyValueError> {
        self.query_opt("SELECT value FROM kv WHERE key = $1", &[&key])
            .map(|row| row.map(|row| row.get(0)))
            .map_err(unavailable)
    }

    /// One round trip for the whole batch.
    fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, KeyValueError> {
        let rows = self
            .query("SELECT key, value FROM kv WHERE key = ANY($1)", &[&keys])
            .map_err(unavailable)?;
        let found: BTreeMap<Vec<u8>, Vec<u8>> =
            rows.into_iter().map(|row| (row.get(0), row.get(1))).collect();
        Ok(keys.iter().map(|key| found.get(key).cloned()).collect())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KeyValueError> {
        self.write_batch(&[Write::Set(key.to_vec(), value.to_vec())])
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), KeyValueError> {
        self.write_batch(&[Write::Delete(key.to_vec())])
    }

    /// Kept for the next `write_batch`, which sends them in its upsert.
    fn touch(&mut self, scopes: &[String]) -> Result<(), KeyValueError> {
        self.scopes.extend_from_slice(scopes);
        Ok(())
    }

    /// At most two round trips whatever the batch's length: one upsert of
    /// every key set (which also updates the row of every scope the call
    /// touched, see `transaction.rs`), one delete of every key removed. A
    /// later write of a key wins, so each key's last write is the one sent.
    fn write_batch(&mut self, writes: &[Write]) -> Result<(), KeyValueError> {
        let mut last: BTreeMap<&[u8], Option<&[u8]>> = BTreeMap::new();
        for write in writes {
            match write {
                Write::Set(key, value) => last.insert(key, Some(value)),
                Write::Delete(key) => last.insert(key, None),
            };
        }
        let (mut set_keys, mut set_values, mut deleted) = (Vec::new(), Vec::new(), Vec::new());
        for (key, value) in last {
            match value {
                Some(value) => {
                    set_keys.push(key);
                    set_values.push(value);
                }
                None => deleted.push(key),
            }
        }
        let mut scopes = std::mem::take(&mut self.scopes);
        scopes.sort_unstable();
        scopes.dedup();
        if !set_keys.is_empty() || !scopes.is_empty() {
            self.execute(
                "WITH touched AS (
                     INSERT INTO scopes (name, version)
                     SELECT name, 1 FROM unnest($3::text[]) AS name ORDER BY name
                     ON CONFLICT (name) DO UPDATE SET version = scopes.version + 1
                 )
                 INSERT INTO kv (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[])
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&set_keys, &set_values, &scopes],
            )
            .map_err(unavailable)?;
        }
        if !deleted.is_empty() {
            self.execute("DELETE FROM kv WHERE key = ANY($1)", &[&deleted])
                .map_err(unavailable)?;
        }
        Ok(())
    }

    /// From the block of numbers this process leased (see `numbers.rs`).
    /// A lease that fails because the server went away makes the call's
    /// storage unavailable, as a lost connection of its own would.
    fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, KeyValueError> {
        self.numbers.next(sequence, after).map_err(|failure| {
            if failure.lost && self.lost.is_none() {
                self.lost = Some(failure.reason.clone());
            }
            KeyValueError::Unavailable { reason: failure.reason }
        })
    }

    fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<KeyValuePair>, KeyValueError> {
        let rows = self
            .query(
                "SELECT key, value FROM kv WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3",
                &[&start, &end, &i64::from(limit)],
            )
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
    }
}
