//! `clock`: the host's time, pinned or wall time.

use crate::bindings::commerce::backorders::clock::Host;
use crate::bindings::Timestamp;
use crate::context::CallContext;

impl Host for CallContext {
    fn now(&mut self) -> wasmtime::Result<Timestamp> {
        self.crossings += 1;
        Ok(CallContext::now(self))
    }

    fn utc_offset(&mut self, zone: String, at: Timestamp) -> wasmtime::Result<Option<i32>> {
        self.crossings += 1;
        Ok(crate::dates::utc_offset(&zone, at))
    }
}
