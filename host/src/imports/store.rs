//! `store`: the component's ordered key-value space, with the host's size
//! limits checked before the provider is asked.

use crate::bindings::commerce::backorders::store::Host;
use crate::bindings::{Entry, StoreError};
use crate::context::CallContext;
use crate::convert;
use crate::provider::{Backend, KeyValueError};

/// Longest key, in bytes. The component's keys are short index paths.
pub const MAX_KEY_BYTES: usize = 1024;
/// Longest value, in bytes.
pub const MAX_VALUE_BYTES: usize = 1 << 20;
/// Most entries one scan may ask for.
pub const MAX_SCAN_ENTRIES: u32 = 10_000;
/// Most keys one `get-many` may ask for.
pub const MAX_GET_MANY_KEYS: usize = 10_000;

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

fn check_key(key: &[u8]) -> Result<(), KeyValueError> {
    within("key length", key.len(), MAX_KEY_BYTES)
}

impl<B: Backend> Host for CallContext<B> {
    fn get(&mut self, key: Vec<u8>) -> wasmtime::Result<Result<Option<Vec<u8>>, StoreError>> {
        let result = check_key(&key).and_then(|()| self.backend.get(&key));
        Ok(result.map_err(Into::into))
    }

    fn get_many(
        &mut self,
        keys: Vec<Vec<u8>>,
    ) -> wasmtime::Result<Result<Vec<Option<Vec<u8>>>, StoreError>> {
        let result = within("get-many key count", keys.len(), MAX_GET_MANY_KEYS)
            .and_then(|()| keys.iter().try_for_each(|key| check_key(key)))
            .and_then(|()| self.backend.get_many(&keys));
        Ok(result.map_err(Into::into))
    }

    fn set(&mut self, key: Vec<u8>, value: Vec<u8>) -> wasmtime::Result<Result<(), StoreError>> {
        let result = check_key(&key)
            .and_then(|()| within("value length", value.len(), MAX_VALUE_BYTES))
            .and_then(|()| self.backend.set(&key, &value));
        Ok(result.map_err(Into::into))
    }

    fn delete(&mut self, key: Vec<u8>) -> wasmtime::Result<Result<(), StoreError>> {
        let result = check_key(&key).and_then(|()| self.backend.delete(&key));
        Ok(result.map_err(Into::into))
    }

    fn scan(
        &mut self,
        start: Vec<u8>,
        end: Vec<u8>,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<Entry>, StoreError>> {
        let result = within("scan limit", limit as usize, MAX_SCAN_ENTRIES as usize)
            .and_then(|()| self.backend.scan(&start, &end, limit));
        Ok(result
            .map(|entries| entries.into_iter().map(convert::entry).collect())
            .map_err(Into::into))
    }
}
