//! The `engine` world's imports, one file per interface: each fetches what
//! the call needs from its context, delegates to a provider trait, and
//! converts the answer.

mod clock;
mod events;
mod inventory;
mod store;

use crate::bindings::commerce::backorders::types;
use crate::context::CallContext;

// `types` declares no functions; the linker still asks for its `Host`.
impl types::Host for CallContext {}
