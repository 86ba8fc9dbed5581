//! `events`: appends to the outbox in the call's transaction.

use crate::bindings::commerce::backorders::events::Host;
use crate::bindings::Event;
use crate::context::CallContext;

impl Host for CallContext {
    fn emit(&mut self, events: Vec<Event>) -> wasmtime::Result<()> {
        self.crossings += 1;
        for event in &events {
            self.check_text("events.emit backorder-id", &event.backorder_id)?;
            self.check_text("events.emit sku", &event.sku)?;
            self.check_text(
                "events.emit allocation-id",
                event.allocation_id.as_deref().unwrap_or_default(),
            )?;
        }
        let recorded_at = self.now();
        // `emit` has no error case: a lost event must not commit silently,
        // so a failed append traps and the call rolls back.
        events
            .iter()
            .try_for_each(|event| self.backend.append(event, recorded_at))
            .map_err(wasmtime::Error::new)
    }
}
