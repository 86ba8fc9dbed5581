//! Group commit: concurrent writes through one handle share commits.
//!
//! A provider that serializes writers anyway (SQLite's one write lock)
//! gains nothing from each call taking the lock, writing its pages to the
//! log and giving the lock back on its own: the calls run one after another
//! either way, and the commits, not the calls, set the pace. So when such a
//! provider says so (`Provider::shares_commits`), the applied writes of a
//! handle queue for its one writer connection, and one thread at a time,
//! the leader, runs the queued calls in one transaction:
//!
//! - each call after the first runs inside a mark (a savepoint); a call
//!   that fails is rolled back to its mark and undoes only itself (the
//!   first, when it fails, rolls back the transaction, which holds nothing
//!   else, and the next call begins a new one);
//! - when the queue is empty (or `MAX_SHARED_CALLS` calls ran), the leader
//!   commits, and every call of that batch, failed ones too, answers only
//!   then; if the commit fails, every call of the batch fails with it (its
//!   result rested on writes that were not kept);
//! - the leader is a caller whose call found no leader: it runs other
//!   callers' calls on its own thread (flat combining), so the calls and
//!   the connection stay on one core while the others sleep, and it hands
//!   the lead on once its own call has answered.
//!
//! One caller alone leads every time: each call commits at its end, as
//! without group commit. The calls of a batch run one at a time, in the
//! order they queued, so they are serializable in that order.

use std::any::Any;
use std::collections::VecDeque;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::error::{CallError, HostError};
use crate::provider::{Access, Connection, Provider};

/// Most calls one commit carries: a bound on how long the first of them
/// waits for its answer.
pub const MAX_SHARED_CALLS: usize = 64;

/// What a transaction body does with the connection it is lent.
pub(super) type Body<'a, T> = dyn FnMut(Box<dyn Connection>) -> (Box<dyn Connection>, Result<T, CallError>)
    + Send
    + 'a;

/// A queued call, its result type erased: runs on the connection and says
/// whether the call succeeded (its result goes to the caller's stack).
type Erased<'a> = dyn FnMut(Box<dyn Connection>) -> (Box<dyn Connection>, bool) + Send + 'a;

/// The applied writes' shared connection of one handle.
#[derive(Default)]
pub(super) struct CommitGroup {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The writer's connection, between batches.
    connection: Option<Box<dyn Connection>>,
    /// A caller is leading.
    led: bool,
    /// Calls waiting for a leader to run them.
    queue: VecDeque<Arc<Job>>,
    /// Commits made, each of one batch.
    commits: u64,
}

/// One queued call.
struct Job {
    /// The caller's call, taken by the leader that runs it.
    body: Mutex<Option<BodyPointer>>,
    /// How its batch ended; set once, after the body ran.
    outcome: OnceLock<JobOutcome>,
    /// Wakes its caller alone (a thundering herd of every waiting caller
    /// at each commit would cost more than the commit saves): its outcome
    /// was set, or it is first in the queue and the lead is free.
    wake: Condvar,
}

/// A pointer to a call living on its caller's stack.
struct BodyPointer(*mut Erased<'static>);

// SAFETY: the pointee is `Send` (`Erased` requires it); the pointer only
// moves it to the leader's thread, which calls it while its caller waits.
unsafe impl Send for BodyPointer {}

enum JobOutcome {
    /// Its batch committed: the call's own result stands.
    Committed,
    /// Its batch did not commit, for this reason.
    Failed(String),
    /// The call panicked on the leader's thread; the caller panics with it.
    Panicked(Mutex<Option<Box<dyn Any + Send>>>),
}

impl CommitGroup {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Commits made so far, each carrying one or more calls.
    pub(super) fn commits(&self) -> u64 {
        self.lock().commits
    }

    /// Runs `body` as one applied write: queued for the shared connection,
    /// run by the leader (this thread, if none leads) inside a mark of a
    /// shared transaction, answering once that transaction has ended.
    pub(super) fn run<T: Send>(
        &self,
        provider: &dyn Provider,
        body: &mut Body<'_, T>,
    ) -> Result<T, CallError> {
        let mut result = None;
        let mut erased = |connection| {
            let (mut connection, mut outcome) = body(connection);
            if let Some(conflict) = connection.take_conflict() {
                outcome = Err(conflict.into());
            }
            let succeeded = outcome.is_ok();
            result = Some(outcome);
            (connection, succeeded)
        };
        let erased: &mut Erased<'_> = &mut erased;
        // SAFETY: the pointer outlives its pointee's borrow only in type:
        // this function returns (or unwinds) only once `outcome` is set,
        // and the pointer is called only before that, then never again
        // (the leader takes it out of the job to call it).
        let pointer: *mut Erased<'static> = unsafe { std::mem::transmute(erased as *mut Erased<'_>) };
        let job = Arc::new(Job {
            body: Mutex::new(Some(BodyPointer(pointer))),
            outcome: OnceLock::new(),
            wake: Condvar::new(),
        });
        let mut state = self.lock();
        state.queue.push_back(Arc::clone(&job));
        while job.outcome.get().is_none() {
            if state.led {
                state = job.wake.wait(state).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state.led = true;
            drop(state);
            let led = self.lead(provider, &job);
            state = self.lock();
            state.led = false;
            if led.is_err() {
                // Nothing of this call ran: it fails with what stopped the
                // batch from starting; another caller takes the lead.
                state.queue.retain(|queued| !Arc::ptr_eq(queued, &job));
            }
            if let Some(next) = state.queue.front() {
                next.wake.notify_one();
            }
            led?;
        }
        drop(state);
        match job.outcome.get().expect("waited for above") {
            JobOutcome::Committed => result.expect("a committed call ran"),
            JobOutcome::Failed(reason) => Err(HostError::Storage {
                operation: "commit the calls that shared a transaction",
                source: reason.clone().into(),
            }
            .into()),
            JobOutcome::Panicked(payload) => {
                let payload = payload.lock().unwrap_or_else(PoisonError::into_inner).take();
                resume_unwind(payload.unwrap_or_else(|| Box::new("a call panicked")))
            }
        }
    }

    /// Runs batches of queued calls until `own` has answered. Fails, with
    /// `own` still queued and nothing run, when no transaction could begin.
    fn lead(&self, provider: &dyn Provider, own: &Job) -> Result<(), HostError> {
        while own.outcome.get().is_none() {
            let taken = self.lock().connection.take();
            let mut connection = match taken {
                Some(connection) => connection,
                None => provider.connect(true)?,
            };
            if let Err(error) = connection.begin(Access::Write) {
                self.lock().connection = Some(connection);
                return Err(error);
            }
            let connection = self.run_batch(connection);
            self.lock().connection = connection;
        }
        Ok(())
    }

    /// Runs queued calls, each in its mark, in the transaction open on
    /// `connection`, then commits them; sets every one's outcome. Returns
    /// the connection, unless a panic took it.
    fn run_batch(&self, mut connection: Box<dyn Connection>) -> Option<Box<dyn Connection>> {
        let mut members: Vec<Arc<Job>> = Vec::new();
        let mut kept = false;
        let broken = loop {
            if members.len() == MAX_SHARED_CALLS {
                break None;
            }
            let Some(job) = self.lock().queue.pop_front() else {
                break None;
            };
            // The first call needs no mark: if it fails, the transaction
            // holds nothing else, and rolls back whole.
            let first = members.is_empty();
            if !first {
                if let Err(error) = connection.mark() {
                    members.push(job);
                    break Some(error.to_string());
                }
            }
            let pointer = job.body.lock().unwrap_or_else(PoisonError::into_inner).take();
            let BodyPointer(body) = pointer.expect("a queued call runs once");
            // SAFETY: see `run`: the caller waits until `outcome` is set.
            let ran = catch_unwind(AssertUnwindSafe(|| unsafe { (*body)(connection) }));
            let (returned, succeeded) = match ran {
                Ok(ran) => ran,
                Err(payload) => {
                    // The connection went with the panic, and its open
                    // transaction with it (dropping rolls back).
                    let _ = job.outcome.set(JobOutcome::Panicked(Mutex::new(Some(payload))));
                    self.end(&[job], Ok(()));
                    self.end(&members, Err("a call sharing the transaction panicked".to_owned()));
                    return None;
                }
            };
            connection = returned;
            members.push(job);
            if first {
                if !succeeded {
                    // Its own answer stands (a failed rollback leaves
                    // nothing committed either); the next call begins afresh.
                    let _ = connection.rollback();
                    self.end(&members, Ok(()));
                    return Some(connection);
                }
                kept = true;
                continue;
            }
            let ended = if succeeded { connection.release_mark() } else { connection.rollback_to_mark() };
            if let Err(error) = ended {
                break Some(error.to_string());
            }
        };
        let outcome = match broken {
            // Nothing ran (the queue was empty): nothing to keep.
            None if !kept => connection.rollback().map_err(|error| error.to_string()),
            None => connection.commit().map_err(|error| error.to_string()),
            Some(reason) => Err(reason),
        };
        if outcome.is_err() {
            // SQLite may have rolled back already; make sure nothing stays open.
            let _ = connection.rollback();
        } else if kept {
            self.lock().commits += 1;
        }
        self.end(&members, outcome);
        Some(connection)
    }

    /// Sets the outcome of a batch's calls and wakes their callers.
    fn end(&self, members: &[Arc<Job>], outcome: Result<(), String>) {
        for job in members {
            let _ = job.outcome.set(match &outcome {
                Ok(()) => JobOutcome::Committed,
                Err(reason) => JobOutcome::Failed(reason.clone()),
            });
        }
        let _state = self.lock();
        for job in members {
            job.wake.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::{BackorderError, FieldError};
    use crate::provider::memory::MemoryProvider;
    use crate::provider::{KeyValue, Transactional};
    use std::time::Duration;

    type Answer = Result<(), CallError>;

    /// A call that sets `key`, then fails if `fails`, or panics if `panics`.
    fn setting(key: &'static str, fails: bool, panics: bool) -> impl FnMut(Box<dyn Connection>) -> (Box<dyn Connection>, Answer) + Send {
        move |mut connection| {
            connection.set(key.as_bytes(), b"x").expect("set");
            assert!(!panics, "the call {key} panics");
            let answer = if fails {
                Err(CallError::Domain(BackorderError::InvalidInput(FieldError {
                    field: key.into(),
                    message: "refused".into(),
                })))
            } else {
                Ok(())
            };
            (connection, answer)
        }
    }

    fn committed(provider: &MemoryProvider, key: &str) -> bool {
        let mut connection = provider.connection();
        connection.begin(Access::Read).expect("begin");
        connection.get(key.as_bytes()).expect("get").is_some()
    }

    /// Runs a leader whose own call waits until `others` are queued, then
    /// those others, all as one batch; returns each one's answer (a panic
    /// as `None`), the leader's first.
    fn batch(
        provider: &MemoryProvider,
        others: Vec<(&'static str, bool, bool)>,
    ) -> (CommitGroup, Vec<Option<Answer>>) {
        let group = CommitGroup::default();
        let queued = others.len();
        let answers = std::thread::scope(|scope| {
            let (group, provider) = (&group, provider);
            let leader = scope.spawn(move || {
                let mut body = move |connection: Box<dyn Connection>| {
                    while group.lock().queue.len() < queued {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    setting("leader", false, false)(connection)
                };
                group.run(provider, &mut body)
            });
            while !group.lock().led {
                std::thread::sleep(Duration::from_millis(1));
            }
            let mut handles = vec![leader];
            for (key, fails, panics) in others {
                let before = group.lock().queue.len();
                handles.push(scope.spawn(move || group.run(provider, &mut setting(key, fails, panics))));
                // Queued in this order.
                while group.lock().queue.len() == before {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            handles.into_iter().map(|handle| handle.join().ok()).collect()
        });
        (group, answers)
    }

    #[test]
    fn a_failing_call_undoes_only_itself_and_every_call_answers_after_the_shared_commit() {
        let provider = MemoryProvider::new();
        let (group, answers) = batch(&provider, vec![("one", false, false), ("two", true, false), ("three", false, false)]);
        assert_eq!(group.commits(), 1, "one commit carried the four calls");
        assert!(matches!(answers[0], Some(Ok(()))));
        assert!(matches!(answers[1], Some(Ok(()))));
        assert!(matches!(&answers[2], Some(Err(CallError::Domain(BackorderError::InvalidInput(input)))) if input.field == "two"));
        assert!(matches!(answers[3], Some(Ok(()))));
        for key in ["leader", "one", "three"] {
            assert!(committed(&provider, key), "{key} was answered, so committed");
        }
        assert!(!committed(&provider, "two"), "the refused call's write was undone");
    }

    #[test]
    fn a_panicking_call_panics_its_caller_and_fails_the_calls_before_it_in_its_batch() {
        let provider = MemoryProvider::new();
        let (group, answers) = batch(&provider, vec![("one", false, false), ("two", false, true), ("three", false, false)]);
        for (answer, who) in answers[..2].iter().zip(["leader", "one"]) {
            let failed = matches!(answer, Some(Err(CallError::Host(HostError::Storage { .. }))));
            assert!(failed, "{who}: {:?}", answer.as_ref().map(|answer| answer.as_ref().map_err(ToString::to_string)));
            assert!(!committed(&provider, who), "{who} failed, so nothing of it stays");
        }
        assert!(answers[2].is_none(), "the panic reached the caller of the call that panicked");
        assert!(!committed(&provider, "two"));
        assert!(matches!(answers[3], Some(Ok(()))), "the call after the panic ran in a new batch");
        assert!(committed(&provider, "three"));
        assert_eq!(group.commits(), 1);
    }
}
