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
    /// Where the call's time went, in nanoseconds: creating the store and
    /// instantiating the component, running the export (host imports
    /// included), and dropping the instance (its pooled memory slot is
    /// reset then). `wall_time_us` is the first two.
    pub instantiate_ns: u64,
    pub export_ns: u64,
    pub teardown_ns: u64,
    /// Calls the component made to the host's imports: each crosses the
    /// sandbox's boundary (and is a round trip where the store is a server).
    pub crossings: u64,
    /// Key-value operations among them, each key of a batch counted.
    pub store_operations: u64,
    /// Times the call was run again, whole, after its transaction conflicted
    /// with a concurrent one (`HostError::Conflict`); these stats are the
    /// last attempt's.
    pub retries: u32,
}

/// Started when the call's store is created, told when the instance is
/// ready, finished when the call returned.
pub(crate) struct CallMeter {
    started: Instant,
    instantiated: Option<Instant>,
    fuel_before: Option<u64>,
}

/// Nanoseconds from `from` to `to`, saturating.
pub(crate) fn nanos(from: Instant, to: Instant) -> u64 {
    u64::try_from(to.duration_since(from).as_nanos()).unwrap_or(u64::MAX)
}

impl CallMeter {
    pub(crate) fn start() -> Self {
        Self {
            started: Instant::now(),
            instantiated: None,
            fuel_before: None,
        }
    }

    /// The store has its fuel; the instance is about to be created.
    pub(crate) fn fueled<T>(&mut self, store: &Store<T>) {
        // An error means the engine does not meter fuel.
        self.fuel_before = store.get_fuel().ok();
    }

    /// The instance is ready; the export runs next.
    pub(crate) fn instantiated(&mut self) {
        self.instantiated = Some(Instant::now());
    }

    pub(crate) fn finish<T>(self, store: &Store<T>, peak_memory_bytes: usize) -> CallStats {
        let fuel_consumed = match (self.fuel_before, store.get_fuel().ok()) {
            (Some(before), Some(after)) => Some(before.saturating_sub(after)),
            _ => None,
        };
        let now = Instant::now();
        let instantiated = self.instantiated.unwrap_or(now);
        CallStats {
            fuel_consumed,
            peak_memory_bytes: u64::try_from(peak_memory_bytes).unwrap_or(u64::MAX),
            wall_time_us: u64::try_from(now.duration_since(self.started).as_micros())
                .unwrap_or(u64::MAX),
            instantiate_ns: nanos(self.started, instantiated),
            export_ns: nanos(instantiated, now),
            teardown_ns: 0,
            crossings: 0,
            store_operations: 0,
            retries: 0,
        }
    }
}
