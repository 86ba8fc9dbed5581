//! The retry schedule: exponential backoff with jitter, about a day in all.
//!
//! After failed attempt `n` (1-based) the next one waits
//! `min(1 min · 3^(n-1), 8 h)` plus up to a fifth of that at random: 1, 3,
//! 9, 27 and 81 minutes, about 4 h, then 8 h twice. The ninth failed
//! attempt moves the event to the dead letter: 22 h 4 min of waiting
//! without jitter, at most 26 h 29 min with it.

use std::time::Duration;

use backorders_host::HostError;

/// Attempts at one event before it goes to the dead letter.
pub const MAX_ATTEMPTS: u32 = 9;

const FIRST_DELAY: Duration = Duration::from_secs(60);
const GROWTH: u32 = 3;
const LONGEST_DELAY: Duration = Duration::from_secs(8 * 60 * 60);
/// The jitter adds up to `1 / JITTER_DIVISOR` of the delay.
const JITTER_DIVISOR: u64 = 5;

/// The delay without jitter after `failed` failed attempts.
fn base_delay(failed: u32) -> Duration {
    let factor = GROWTH.saturating_pow(failed.saturating_sub(1));
    FIRST_DELAY.saturating_mul(factor).min(LONGEST_DELAY)
}

/// How long to wait after `failed` failed attempts (1 or more); `None`
/// once the event has had all its attempts.
pub fn retry_delay(failed: u32) -> Result<Option<Duration>, HostError> {
    if failed >= MAX_ATTEMPTS {
        return Ok(None);
    }
    let base = base_delay(failed);
    let random = getrandom::u64().map_err(HostError::storage("draw the retry jitter"))?;
    let most = base.as_millis() as u64 / JITTER_DIVISOR;
    let jitter = Duration::from_millis(random % (most + 1));
    Ok(Some(base + jitter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_grows_by_three_to_eight_hours_and_lasts_about_a_day() {
        let minutes: Vec<u64> = (1..MAX_ATTEMPTS).map(|n| base_delay(n).as_secs() / 60).collect();
        assert_eq!(minutes, [1, 3, 9, 27, 81, 243, 480, 480]);
        let total: u64 = minutes.iter().sum();
        assert_eq!(total, 22 * 60 + 4);
        for failed in 1..MAX_ATTEMPTS {
            let delay = retry_delay(failed).unwrap().unwrap();
            let base = base_delay(failed);
            assert!(delay >= base && delay <= base + base / 5, "{failed}: {delay:?}");
        }
        assert_eq!(retry_delay(MAX_ATTEMPTS).unwrap(), None);
    }
}
