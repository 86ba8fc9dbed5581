//! The PostgreSQL server restarted under a running handle: calls in
//! flight fail with the clean `storage unavailable` error (no panic, no
//! hang), later calls succeed on new connections, and with request ids
//! every write ends up there exactly once.
//!
//! The restart must not disturb the shared test server, so this test runs
//! a private cluster of its own: `initdb` into a temporary directory and
//! `pg_ctl start` on a free port of 127.0.0.1, as the `postgres` user when
//! the test runs as root (PostgreSQL refuses root).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backorders_host::{CallError, HostError, Mode, NewBackorder, Options, Timestamp};
use backorders_postgres::closed_local_port;

/// 2026-11-26T00:00:00Z
const T0: Timestamp = 1_795_651_200_000;
const SKU: &str = "W";
const THREADS: usize = 4;
/// Successful calls each thread makes before the restart, and after it.
const CALLS_BEFORE: usize = 10;
const CALLS_AFTER: usize = 10;
/// A thread's pause after a failed call.
const BACK_OFF: Duration = Duration::from_millis(20);
/// How long the threads may take to get going again after the restart
/// before the test calls it a hang.
const RECONNECT_LIMIT: Duration = Duration::from_secs(120);

const FIX: &str = "fix: run `bash host/postgres/setup-test-server.sh` as root (it installs PostgreSQL from \
                   Debian's packages), so that /usr/lib/postgresql/*/bin holds initdb and pg_ctl";

/// A PostgreSQL cluster of this test's own, stopped when dropped.
struct PrivateServer {
    directory: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl PrivateServer {
    fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
            .max_by_key(|bin| bin.parent().and_then(Path::file_name).and_then(|v| v.to_str()?.parse::<u32>().ok()))
            .unwrap_or_else(|| panic!("this test runs a PostgreSQL cluster of its own and finds no initdb\n{FIX}"));
        let directory = tempfile::tempdir().expect("a temporary directory");
        if is_root() {
            let (uid, gid) = (id(&["-u", "postgres"]), id(&["-g", "postgres"]));
            std::os::unix::fs::chown(directory.path(), Some(uid), Some(gid)).expect("give the directory to postgres");
        }
        let server = Self { directory, bin, port: closed_local_port() };
        let data = server.data();
        server.run("initdb", &["-D", &data, "-U", "backorders", "-A", "trust", "--no-sync"]);
        server.pg_ctl(&["start"]);
        server
    }

    fn data(&self) -> String {
        self.directory.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://backorders@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl ARGS` on this cluster, waiting for it to finish.
    fn pg_ctl(&self, args: &[&str]) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.directory.path().display()
        );
        let log = self.directory.path().join("log").display().to_string();
        let data = self.data();
        let mut all = vec!["-D", &data, "-l", &log, "-o", &options, "-w"];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    /// A PostgreSQL program, as the postgres user when this is root, run
    /// from a directory that user may enter.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        command.current_dir(self.directory.path());
        command
    }

    /// Runs a PostgreSQL program, which must succeed.
    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|error| panic!("{program}: {error}\n{FIX}"));
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}\n{FIX}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let data = self.data();
        let stopped = self.command("pg_ctl").args(["-D", &data, "-m", "immediate", "-w", "stop"]).output();
        if !stopped.is_ok_and(|output| output.status.success()) {
            eprintln!("warning: could not stop the private cluster in {data}");
        }
    }
}

fn is_root() -> bool {
    id(&["-u"]) == 0
}

/// `id ARGS`: a user or group id.
fn id(args: &[&str]) -> u32 {
    let output = Command::new("id").args(args).output().expect("id runs");
    String::from_utf8_lossy(&output.stdout).trim().parse().unwrap_or_else(|_| panic!("id {args:?}: {output:?}\n{FIX}"))
}

/// What one thread saw: request numbers acknowledged with their backorder
/// id, and those that failed.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<(usize, String)>,
    unavailable: Vec<(usize, String)>,
    conflicted: Vec<usize>,
}

fn request(thread: usize, number: usize) -> NewBackorder {
    NewBackorder {
        request_id: Some(format!("t{thread}-{number}")),
        ..NewBackorder::new(&format!("O-{thread}-{number}"), "C-1", SKU, 1)
    }
}

#[test]
fn a_server_restart_fails_calls_in_flight_cleanly_and_later_calls_reconnect() {
    let server = PrivateServer::start();
    let engine = Arc::new(backorders_postgres::open(&server.url(), Options { component: None, now: Some(T0) }));
    engine.stock_add(SKU, None, 1, Mode::Apply).expect("the first call lays out the schema");

    let restarted = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let before = Arc::new(AtomicUsize::new(0));
    let after: Arc<Vec<AtomicUsize>> = Arc::new((0..THREADS).map(|_| AtomicUsize::new(0)).collect());
    let seen: Arc<Vec<Mutex<Seen>>> = Arc::new((0..THREADS).map(|_| Mutex::new(Seen::default())).collect());
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (engine, restarted, stop, before, after, seen) =
                (engine.clone(), restarted.clone(), stop.clone(), before.clone(), after.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut number = 0;
                while !stop.load(Ordering::SeqCst) {
                    let since_restart = restarted.load(Ordering::SeqCst);
                    let result = engine.create_backorder(&request(thread, number), Mode::Apply);
                    let mut seen = seen[thread].lock().unwrap();
                    match result {
                        Ok(created) => {
                            seen.acknowledged.push((number, created.value.backorder_id));
                            let counter = if since_restart { &after[thread] } else { &*before };
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(CallError::Host(error @ HostError::Unavailable { .. })) => {
                            seen.unavailable.push((number, error.to_string()));
                            drop(seen);
                            // As a client would, rather than spin while the
                            // server is down.
                            std::thread::sleep(BACK_OFF);
                        }
                        Err(CallError::Host(HostError::Conflict { .. })) => seen.conflicted.push(number),
                        Err(other) => panic!("thread {thread}, call {number}: not the clean unavailable error: {other}"),
                    }
                    number += 1;
                }
            })
        })
        .collect();

    wait_until(|| before.load(Ordering::SeqCst) >= THREADS * CALLS_BEFORE, "calls before the restart");
    server.pg_ctl(&["-m", "fast", "restart"]);
    restarted.store(true, Ordering::SeqCst);
    wait_until(
        || after.iter().all(|count| count.load(Ordering::SeqCst) >= CALLS_AFTER),
        "every thread's calls to succeed again after the restart",
    );
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().expect("no thread panicked");
    }

    let seen: Vec<Seen> = Arc::try_unwrap(seen).ok().expect("threads done").into_iter().map(|seen| seen.into_inner().unwrap()).collect();
    let unavailable: Vec<&String> = seen.iter().flat_map(|seen| seen.unavailable.iter().map(|(_, reason)| reason)).collect();
    assert!(!unavailable.is_empty(), "the restart failed some calls");
    assert!(
        unavailable.iter().any(|reason| reason.contains("the connection was lost")),
        "some call was in flight on a connection the restart ended: {unavailable:?}"
    );
    for reason in &unavailable {
        assert!(reason.starts_with(&format!("storage unavailable: postgres://backorders@127.0.0.1:{}/postgres: ", server.port)), "{reason}");
    }

    // Every request again, with its request id: an acknowledged one returns
    // its backorder, a failed one (which may or may not have committed)
    // is made now or returns the one it made.
    let mut ids = std::collections::BTreeSet::new();
    let mut requests = 0;
    for (thread, seen) in seen.iter().enumerate() {
        for (number, id) in &seen.acknowledged {
            let replayed = engine.create_backorder(&request(thread, *number), Mode::Apply).expect("replay");
            assert_eq!(&replayed.value.backorder_id, id, "t{thread}-{number}");
            ids.insert(replayed.value.backorder_id);
        }
        for number in seen.unavailable.iter().map(|(number, _)| *number).chain(seen.conflicted.iter().copied()) {
            let created = engine.create_backorder(&request(thread, number), Mode::Apply).expect("after the restart");
            ids.insert(created.value.backorder_id);
        }
        requests += seen.acknowledged.len() + seen.unavailable.len() + seen.conflicted.len();
    }
    assert_eq!(ids.len(), requests, "one backorder per request id");
    let summary = engine.sku_summary(SKU).expect("summary").summary;
    assert_eq!(summary.open_backorders as usize, requests, "nothing lost, nothing doubled");
    let report = engine.check_integrity().expect("check");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

/// Waits for `done`, looking every few milliseconds; past
/// `RECONNECT_LIMIT` the test fails as hung.
fn wait_until(done: impl Fn() -> bool, what: &str) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < RECONNECT_LIMIT, "hung waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}
