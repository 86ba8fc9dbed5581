//! What one call of the component cost in the sandbox: fuel, peak linear
//! memory and wall time. Platforms compare builds of the component by these
//! figures (`backorders run` prints them per step), so they are measured
//! the same way for every call.

use std::time::Instant;

use wasmtime::Store;

/// The cost of one call of the component: its instantiation from the
/// pre-linked component and the export it ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallStats {
    /// Fuel burnt, about one unit per wasm instruction; none when the engine
    /// does not meter fuel.
    pub fuel_consumed: Option<u64>,
    /// The most linear memory the call's instance held at once.
    pub peak_memory_bytes: u64,
    /// Instantiation and call, in microseconds of wall time.
    pub wall_time_us: u64,
}

/// Started once the store has its fuel, finished when the call returned.
pub(crate) struct CallMeter {
    started: Instant,
    fuel_before: Option<u64>,
}

impl CallMeter {
    pub(crate) fn start<T>(store: &Store<T>) -> Self {
        Self {
            started: Instant::now(),
            // An error means the engine does not meter fuel.
            fuel_before: store.get_fuel().ok(),
        }
    }

    pub(crate) fn finish<T>(self, store: &Store<T>, peak_memory_bytes: usize) -> CallStats {
        let fuel_consumed = match (self.fuel_before, store.get_fuel().ok()) {
            (Some(before), Some(after)) => Some(before.saturating_sub(after)),
            _ => None,
        };
        CallStats {
            fuel_consumed,
            peak_memory_bytes: u64::try_from(peak_memory_bytes).unwrap_or(u64::MAX),
            wall_time_us: u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX),
        }
    }
}
