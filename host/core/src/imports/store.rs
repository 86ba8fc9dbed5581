//! `store`: the component's ordered key-value space, with the call's size
//! limits (`crate::limits`) checked before the provider is asked. A key,
//! value or count over a limit is the WIT `limit-exceeded` error: the
//! component turns it into a storage error and the call rolls back.

use crate::bindings::commerce::backorders::store::Host;
use crate::bindings::{Entry, StoreError, StoreWrite};
use crate::context::CallContext;
use crate::convert;
use crate::provider::{KeyValueError, Write};

fn within(what: &'static str, actual: usize, limit: usize) -> Result<(), KeyValueError> {
    if actual <= limit {
        Ok(())
    } else {
        // usize fits in u64 on every supported target.
        Err(KeyValueError::LimitExceeded {
            what,
            actual: actual as u64,
            limit: limit as u64,
        })
    }
}

impl CallContext {
    fn check_key(&self, key: &[u8]) -> Result<(), KeyValueError> {
        within("key length", key.len(), self.limits.key_bytes)
    }
}

impl Host for CallContext {
    fn get(&mut self, key: Vec<u8>) -> wasmtime::Result<Result<Option<Vec<u8>>, StoreError>> {
        self.crossings += 1;
        self.store_operations += 1;
        let result = self.check_key(&key).and_then(|()| self.backend.get(&key));
        Ok(result.map_err(Into::into))
    }

    fn get_many(
        &mut self,
        keys: Vec<Vec<u8>>,
    ) -> wasmtime::Result<Result<Vec<Option<Vec<u8>>>, StoreError>> {
        self.crossings += 1;
        self.store_operations += keys.len() as u64;
        let result = within("get-many key count", keys.len(), self.limits.list_entries)
            .and_then(|()| keys.iter().try_for_each(|key| self.check_key(key)))
            .and_then(|()| self.backend.get_many(&keys));
        Ok(result.map_err(Into::into))
    }

    fn scan(
        &mut self,
        start: Vec<u8>,
        end: Vec<u8>,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<Entry>, StoreError>> {
        self.crossings += 1;
        self.store_operations += 1;
        let result = within("scan limit", limit as usize, self.limits.list_entries)
            .and_then(|()| self.check_key(&start))
            .and_then(|()| self.check_key(&end))
            .and_then(|()| self.backend.scan(&start, &end, limit));
        Ok(result
            .map(|entries| entries.into_iter().map(convert::entry).collect())
            .map_err(Into::into))
    }

    fn next_number(&mut self, sequence: String, after: u64) -> wasmtime::Result<Result<u64, StoreError>> {
        self.crossings += 1;
        self.store_operations += 1;
        let result = self.check_key(sequence.as_bytes()).and_then(|()| self.backend.next_number(&sequence, after));
        Ok(result.map_err(Into::into))
    }

    fn write_batch(
        &mut self,
        writes: Vec<StoreWrite>,
        scopes: Vec<String>,
    ) -> wasmtime::Result<Result<(), StoreError>> {
        self.crossings += 1;
        self.store_operations += writes.len() as u64;
        let checked = within("write-batch length", writes.len(), self.limits.list_entries)
            .and_then(|()| within("write-batch scopes", scopes.len(), self.limits.list_entries))
            .and_then(|()| scopes.iter().try_for_each(|scope| self.check_key(scope.as_bytes())))
            .and_then(|()| {
                writes.iter().try_for_each(|write| match write {
                    StoreWrite::Set(entry) => self
                        .check_key(&entry.key)
                        .and_then(|()| within("value length", entry.value.len(), self.limits.value_bytes)),
                    StoreWrite::Delete(key) => self.check_key(key),
                })
            });
        let result = checked.and_then(|()| {
            let writes: Vec<Write> = writes.into_iter().map(convert::write).collect();
            self.backend.touch(&scopes)?;
            self.backend.write_batch(&writes)
        });
        Ok(result.map_err(Into::into))
    }
}
