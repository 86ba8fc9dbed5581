//! `clock`: the host's time, pinned or wall time.

use crate::bindings::commerce::backorders::clock::Host;
use crate::bindings::Timestamp;
use crate::context::CallContext;
use crate::provider::Backend;

impl<B: Backend> Host for CallContext<B> {
    fn now(&mut self) -> wasmtime::Result<Timestamp> {
        Ok(CallContext::now(self))
    }
}
