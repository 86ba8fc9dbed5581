//! W2: threads writing through one shared handle, as a platform's web
//! server shares one `Backorders` between its request threads. Each thread
//! does the work of `crate::groups` (W1's groups of ten, each created,
//! received and fulfilled) on SKUs of its own. The same work runs first on
//! one thread, then split over `--threads` threads, on one SQLite file in
//! one sitting; prints one JSON line with the calls per second of each and
//! their ratio, after checking that the database is consistent and every
//! backorder it created ended fulfilled.

use std::sync::{Arc, Barrier};
use std::time::Instant;

use anyhow::{anyhow, ensure, Result};
use backorders_host::{Backorders, Options};
use serde_json::{json, Value};

use crate::groups::{self, SKU_BLOCK};
use crate::systems::Storage;
use crate::workload::process_cpu_time;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Threads writing at once through the one handle
    #[arg(long, default_value_t = 8)]
    threads: usize,
    /// Backorders each run creates and fulfils (the threads split them)
    #[arg(long, default_value_t = 8_000)]
    backorders: usize,
    /// SKUs of each thread's own, its groups spread over them in turn
    #[arg(long, default_value_t = 10)]
    skus: usize,
    /// Keep the database at this path (it must not exist); or a PostgreSQL
    /// server (postgres://USER:PASSWORD@HOST:PORT/DATABASE), on which the
    /// run makes a fresh database and drops it afterwards; default: a
    /// temporary SQLite file, deleted at exit
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
}

/// What one run did and how long it took.
struct Run {
    threads: usize,
    calls: u64,
    seconds: f64,
    /// CPU time of the whole process (every thread) during the run.
    cpu_seconds: f64,
    /// Commits the run's writes made (group commit shares one between
    /// calls that queued together).
    commits: u64,
}

impl Run {
    fn calls_per_s(&self) -> f64 {
        self.calls as f64 / self.seconds
    }

    fn json(&self) -> Value {
        json!({
            "threads": self.threads,
            "calls": self.calls,
            "seconds": self.seconds,
            "calls_per_s": self.calls_per_s(),
            "cpu_seconds": self.cpu_seconds,
            "cores_busy": self.cpu_seconds / self.seconds,
            "cpu_us_per_call": self.cpu_seconds * 1e6 / self.calls as f64,
            // None where the provider keeps one transaction per call.
            "commits": (self.commits > 0).then_some(self.commits),
            "calls_per_commit": (self.commits > 0).then(|| self.calls as f64 / self.commits as f64),
        })
    }
}

pub fn run(args: &Args) -> Result<Value> {
    ensure!(
        (1..=64).contains(&args.threads),
        "--threads must be 1 to 64"
    );
    ensure!(
        args.backorders >= args.threads,
        "--backorders must be at least --threads"
    );
    ensure!(
        (1..SKU_BLOCK).contains(&args.skus),
        "--skus must be 1 to {}",
        SKU_BLOCK - 1
    );
    let directory = tempfile::tempdir()?;
    // `server` is declared before the handle, so dropped after it: the
    // database outlives every connection to it.
    let (storage, server) = Storage::from_db_arg(args.db.as_deref(), &directory.path().join("w2.db"))?;
    let kind = if server.is_some() { "postgres" } else { "sqlite" };
    let handle = Arc::new(Backorders::with_provider(storage.provider(), Options::default()));
    handle.load_component()?;

    // Worker 0 runs alone; workers 1..=threads then share the same work.
    let one = run_threads(&handle, 0, 1, args)?;
    let many = run_threads(&handle, 1, args.threads, args)?;

    let summary = handle.backorder_summary()?;
    let problems = handle.check_integrity()?.problems.len() + handle.check_stock()?.len();
    ensure!(problems == 0, "check found {problems} problems after W2");
    ensure!(
        summary.open_backorders == 0,
        "{} backorders were left open after W2",
        summary.open_backorders
    );
    Ok(json!({
        "run": "w2",
        "system": "backorders-component",
        "storage": kind,
        "backorders": args.backorders,
        "skus_per_thread": args.skus,
        "one_thread": one.json(),
        "threads": many.json(),
        "ratio": many.calls_per_s() / one.calls_per_s(),
        "conflict_retries": handle.conflict_retries(),
        "open_backorders_after": summary.open_backorders,
        "check_problems": problems,
    }))
}

/// Splits `args.backorders` over `threads` threads (workers `first`
/// onwards), all sharing `handle`, started together; their calls and the
/// wall time from the start until the last one ends.
fn run_threads(handle: &Arc<Backorders>, first: usize, threads: usize, args: &Args) -> Result<Run> {
    let start = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (handle, start) = (Arc::clone(handle), Arc::clone(&start));
            let backorders = args.backorders / threads + usize::from(t < args.backorders % threads);
            let skus = args.skus;
            std::thread::spawn(move || {
                start.wait();
                groups::run(&handle, first + t, backorders, skus)
            })
        })
        .collect();
    start.wait();
    let started = Instant::now();
    let (cpu, commits) = (process_cpu_time(), handle.shared_commits());
    let mut calls = 0;
    for worker in workers {
        let work = worker.join().map_err(|_| anyhow!("a W2 thread panicked"))??;
        calls += work.calls();
    }
    Ok(Run {
        threads,
        calls,
        seconds: started.elapsed().as_secs_f64(),
        cpu_seconds: (process_cpu_time() - cpu).as_secs_f64(),
        commits: handle.shared_commits() - commits,
    })
}
