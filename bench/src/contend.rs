//! `contend`: host processes side by side on one PostgreSQL database, as a
//! platform runs several app servers. Each process is this binary in its
//! worker mode, with a handle of its own over its own connections; each
//! creates and fulfils backorders on SKUs no other process touches, so any
//! conflict between them is one the engine makes, not the workload. Prints
//! one JSON line: calls, conflict re-runs and their share, per process and
//! in total, and calls per second.
//!
//! A process does the work of `crate::groups` (W1's groups of ten, each
//! created, received and fulfilled). The processes start together, once
//! every one has loaded the component and connected.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};

use crate::groups::{self, OPERATIONS, SKU_BLOCK};
use crate::postgres::FreshDatabase;
use crate::systems::{ComponentSystem, Storage, System};

/// Where a worker finds the database: the environment, so its URL (and
/// password) is not on a command line for every user to read.
const DATABASE_VARIABLE: &str = "BACKORDERS_BENCH_DB";
/// What a worker says once it can start, and hears when it should.
const READY: &str = "ready";
const GO: &str = "go";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The PostgreSQL server (postgres://USER:PASSWORD@HOST:PORT/DATABASE):
    /// the run makes a fresh database on it and drops it afterwards (the
    /// role needs CREATEDB)
    #[arg(long, value_name = "URL")]
    db: String,
    /// Host processes running at once
    #[arg(long, default_value_t = 4)]
    processes: usize,
    /// Backorders each process creates and fulfils
    #[arg(long, default_value_t = 500)]
    backorders: usize,
    /// SKUs of each process's own, its groups spread over them in turn
    #[arg(long, default_value_t = 10)]
    skus: usize,
}

/// One process of the run; started by `contend`, not by hand.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    #[arg(long, env = DATABASE_VARIABLE, hide_env_values = true)]
    db: String,
    #[arg(long)]
    process: usize,
    #[arg(long)]
    backorders: usize,
    #[arg(long)]
    skus: usize,
}

pub fn run(args: &Args) -> Result<Value> {
    ensure!(
        backorders_postgres::is_url(&args.db),
        "contend runs on PostgreSQL: give --db postgres://…"
    );
    ensure!(
        (1..=64).contains(&args.processes),
        "--processes must be 1 to 64"
    );
    ensure!(args.backorders > 0, "--backorders must be at least 1");
    ensure!(
        (1..SKU_BLOCK).contains(&args.skus),
        "--skus must be 1 to {}",
        SKU_BLOCK - 1
    );
    let database = FreshDatabase::create(&args.db)?;
    // The schema is laid out once, before the workers race to it.
    let storage = Storage::postgres(&database.url);
    let system = ComponentSystem::open(&storage, None)?;
    system.backorders().backorder_summary()?;

    let mut workers = (0..args.processes)
        .map(|process| Worker::spawn(args, process, &database.url))
        .collect::<Result<Vec<_>>>()?;
    for worker in &mut workers {
        worker.expect(READY)?;
    }
    let started = Instant::now();
    for worker in &mut workers {
        writeln!(worker.stdin, "{GO}").context("start a worker")?;
    }
    // Every worker is waited for, whatever another did: the database
    // outlives them all.
    let results: Vec<Result<Value>> = workers.iter_mut().map(Worker::result).collect();
    let wall_s = started.elapsed().as_secs_f64();
    let ended: Vec<Result<()>> = workers.into_iter().map(Worker::finish).collect();
    let mut per_process = Vec::with_capacity(results.len());
    for (result, ended) in results.into_iter().zip(ended) {
        per_process.push(result?);
        ended?;
    }

    let total = |key: &str| {
        per_process
            .iter()
            .filter_map(|line| line[key].as_u64())
            .sum::<u64>()
    };
    let (calls, retries) = (total("calls"), total("retries"));
    let by_operation: serde_json::Map<String, Value> = OPERATIONS
        .iter()
        .map(|name| {
            let sum = |key: &str| -> u64 {
                per_process.iter().filter_map(|line| line["by_operation"][name][key].as_u64()).sum()
            };
            let (calls, retries) = (sum("calls"), sum("retries"));
            let figures = json!({"calls": calls, "retries": retries, "retry_percent": percent(retries, calls)});
            (name.to_string(), figures)
        })
        .collect();
    let backorders = system.backorders();
    let summary = backorders.backorder_summary()?;
    let problems = backorders.check_integrity()?.problems.len() + backorders.check_stock()?.len();
    let mut line = json!({
        "run": "contend",
        "system": system.name(),
        "processes": args.processes,
        "backorders_per_process": args.backorders,
        "skus_per_process": args.skus,
        "calls": calls,
        "retries": retries,
        "retry_percent": percent(retries, calls),
        "calls_given_up": total("calls_given_up"),
        "by_operation": by_operation,
        "wall_s": wall_s,
        "calls_per_s": calls as f64 / wall_s,
        "backorders_fulfilled_per_s": total("fulfilled") as f64 / wall_s,
        "open_backorders_after": summary.open_backorders,
        "check_problems": problems,
        "per_process": per_process,
    });
    drop(system);
    for (key, value) in database.figures()? {
        line[key] = value;
    }
    Ok(line)
}

/// `part` of `whole`, in percent to two decimals.
fn percent(part: u64, whole: u64) -> f64 {
    (part as f64 * 10_000.0 / whole.max(1) as f64).round() / 100.0
}

/// A worker process and its pipes.
struct Worker {
    process: usize,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn spawn(args: &Args, process: usize, url: &str) -> Result<Self> {
        let program = std::env::current_exe().context("find this program to run its workers")?;
        let mut child = Command::new(program)
            .arg("contend-worker")
            .args(["--process", &process.to_string()])
            .args(["--backorders", &args.backorders.to_string()])
            .args(["--skus", &args.skus.to_string()])
            .env(DATABASE_VARIABLE, url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("start worker {process}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("worker {process} has no pipes");
        };
        Ok(Self {
            process,
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    fn line(&mut self) -> Result<String> {
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .with_context(|| format!("read worker {}", self.process))?;
        ensure!(
            read > 0,
            "worker {} ended early (its error is above)",
            self.process
        );
        Ok(line.trim_end().to_owned())
    }

    fn expect(&mut self, word: &str) -> Result<()> {
        let line = self.line()?;
        ensure!(
            line == word,
            "worker {} said {line:?}, not {word:?}",
            self.process
        );
        Ok(())
    }

    fn result(&mut self) -> Result<Value> {
        let line = self.line()?;
        serde_json::from_str(&line)
            .with_context(|| format!("worker {}'s result {line:?}", self.process))
    }

    fn finish(mut self) -> Result<()> {
        drop(self.stdin);
        let status = self.child.wait()?;
        ensure!(
            status.success(),
            "worker {} ended with {status}",
            self.process
        );
        Ok(())
    }
}

/// The worker mode: get ready, wait for the word, run, print one JSON line.
pub fn work(args: &WorkerArgs) -> Result<()> {
    let storage = Storage::postgres(&args.db);
    let system = ComponentSystem::open(&storage, None)?;
    // A connection opened and the component instantiated before the start.
    system.backorders().backorder_summary()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{READY}")?;
    stdout.flush()?;
    let mut word = String::new();
    std::io::stdin().lock().read_line(&mut word)?;
    ensure!(
        word.trim_end() == GO,
        "the bench went away before the start"
    );

    let started = Instant::now();
    let work = groups::run(system.backorders(), args.process, args.backorders, args.skus)?;
    let seconds = started.elapsed().as_secs_f64();
    let (calls, retries) = (work.calls(), work.retries());
    let line = json!({
        "process": args.process,
        "calls": calls,
        "retries": retries,
        "retry_percent": percent(retries, calls),
        "calls_given_up": work.given_up,
        "by_operation": work.by_operation(),
        "seconds": seconds,
        "calls_per_s": calls as f64 / seconds,
        "fulfilled": work.fulfilled,
    });
    writeln!(stdout, "{line}")?;
    Ok(())
}
