//! Where the host's `clock.now` comes from.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::bindings::Timestamp;

/// A source of the current time, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// Wall time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the system clock is set before 1970");
        // i64 milliseconds last until the year 292 million.
        i64::try_from(since_epoch.as_millis())
            .expect("the system clock is set past the year 292 million")
    }
}

/// A fixed time, for tests, scripts and the demo: every call sees it.
#[derive(Clone, Copy, Debug)]
pub struct PinnedClock(pub Timestamp);

impl Clock for PinnedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}
