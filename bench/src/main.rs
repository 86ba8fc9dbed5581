//! `backorders-bench`: workload W1 (`shared/bench/WORKLOAD.md`) and the
//! scale run, against the component through the real host or the same
//! domain code compiled natively, each on a fresh SQLite file or a fresh
//! database on a PostgreSQL server; `contend`, host processes side by side
//! on one PostgreSQL database; and `w2`, threads sharing one handle on a
//! SQLite file. Prints one JSON line on stdout.
//!
//! ```sh
//! cargo run --release -p backorders-bench -- --system component --backorders 10000 --skus 100
//! cargo run --release -p backorders-bench -- --system native --backorders 10000 --skus 100
//! cargo run --release -p backorders-bench -- --system component --db postgres://USER:PASSWORD@localhost/postgres
//! cargo run --release -p backorders-bench -- --system component --scale --backorders 1000000 --skus 1000
//! cargo run --release -p backorders-bench -- --system component --profile
//! cargo run --release -p backorders-bench -- contend --db postgres://USER:PASSWORD@localhost/postgres
//! cargo run --release -p backorders-bench -- w2 --threads 8 --backorders 8000
//! ```

mod contend;
mod groups;
mod postgres;
mod profile;
mod scale;
mod systems;
mod w2;
mod workload;

use anyhow::{ensure, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use systems::{ComponentSystem, NativeSystem, Storage, System};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SystemKind {
    /// The component through the real host (`backorders-component`).
    Component,
    /// The same domain code compiled natively (`backorders-native`).
    Native,
}

#[derive(Debug, Parser)]
#[command(
    name = "backorders-bench",
    about = "Workload W1 and the scale run",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Mode>,
    #[command(flatten)]
    args: Option<Args>,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Host processes side by side on one PostgreSQL database, each
    /// creating and fulfilling backorders on SKUs of its own: conflict
    /// re-runs per call, and calls per second
    Contend(contend::Args),
    #[command(hide = true)]
    ContendWorker(contend::WorkerArgs),
    /// W2: threads sharing one handle on a SQLite file, each creating and
    /// fulfilling backorders on SKUs of its own: calls per second on one
    /// thread and on many
    W2(w2::Args),
}

#[derive(Debug, clap::Args)]
struct Args {
    #[arg(long, value_enum)]
    system: SystemKind,
    /// Backorders to create (N)
    #[arg(long, default_value_t = 10_000)]
    backorders: usize,
    /// SKUs they spread over (S)
    #[arg(long, default_value_t = 100)]
    skus: usize,
    /// Run the scale run (bulk import, then each operation's latency)
    /// instead of W1
    #[arg(long)]
    scale: bool,
    /// Show where a call's time goes (component only): instantiation,
    /// export, teardown and transaction per kind of call, pages per create's
    /// commit, and bare SQLite commits for comparison
    #[arg(long, conflicts_with_all = ["scale", "db"])]
    profile: bool,
    /// Run this component file instead of the one the bench embeds (W1,
    /// the scale run and --profile; --system component): two builds of the
    /// component measured by one host in one sitting
    #[arg(long, value_name = "PATH")]
    component: Option<std::path::PathBuf>,
    /// Backorders per import transaction in the scale run
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Keep the database at this path (it must not exist); or a PostgreSQL
    /// server (postgres://USER:PASSWORD@HOST:PORT/DATABASE), on which the
    /// run makes a fresh database and drops it afterwards (the role needs
    /// CREATEDB); default: a temporary file, deleted at exit
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
}

fn main() -> Result<()> {
    let args = match Cli::parse() {
        Cli { command: Some(Mode::Contend(args)), .. } => {
            println!("{}", contend::run(&args)?);
            return Ok(());
        }
        Cli { command: Some(Mode::ContendWorker(args)), .. } => return contend::work(&args),
        Cli { command: Some(Mode::W2(args)), .. } => {
            println!("{}", w2::run(&args)?);
            return Ok(());
        }
        Cli { command: None, args: Some(args) } => args,
        Cli { command: None, args: None } => unreachable!("clap requires --system without a subcommand"),
    };
    ensure!(args.backorders > 0, "--backorders must be at least 1");
    ensure!(
        (1..=10_000).contains(&args.skus),
        "--skus must be 1 to 10000"
    );
    let directory = tempfile::tempdir().context("create a temporary directory")?;
    // `server` is declared before the systems, so dropped after them: the
    // database outlives every connection to it.
    let (storage, server) = Storage::from_db_arg(args.db.as_deref(), &directory.path().join("bench.db"))?;
    if args.profile {
        ensure!(
            matches!(args.system, SystemKind::Component),
            "--profile measures the component's calls: use --system component"
        );
        println!("{}", profile::run(directory.path(), args.component.clone())?);
        return Ok(());
    }
    let mut system: Box<dyn System> = match args.system {
        SystemKind::Component => Box::new(ComponentSystem::open(&storage, args.component.clone())?),
        SystemKind::Native => {
            ensure!(args.component.is_none(), "--component names a component to run: use --system component");
            Box::new(NativeSystem::open(&storage)?)
        }
    };
    let mut line = if args.scale {
        scale::run(system.as_mut(), args.backorders, args.skus, args.batch)?
    } else {
        workload::run(system.as_mut(), args.backorders, args.skus)?
    };
    drop(system);
    drop(storage);
    if let Some(database) = &server {
        for (key, value) in database.figures()? {
            line[key] = value;
        }
    }
    println!("{line}");
    eprintln!(
        "peak resident memory {} bytes; component {} bytes",
        peak_rss_bytes(),
        match &args.component {
            Some(path) => std::fs::metadata(path)?.len(),
            None => backorders_host::EMBEDDED_COMPONENT.len() as u64,
        }
    );
    Ok(())
}

/// The process's peak resident set (`VmHWM`), in bytes; 0 where /proc is missing.
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map_or(0, |kib| kib * 1024)
}
