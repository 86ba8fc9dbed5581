//! `backorders-bench`: workload W1 (`shared/bench/WORKLOAD.md`) and the
//! scale run, against the component through the real host or the same
//! domain code compiled natively, each on a fresh SQLite file. Prints one
//! JSON line on stdout.
//!
//! ```sh
//! cargo run --release -p backorders-bench -- --system component --backorders 10000 --skus 100
//! cargo run --release -p backorders-bench -- --system native --backorders 10000 --skus 100
//! cargo run --release -p backorders-bench -- --system component --scale --backorders 1000000 --skus 1000
//! cargo run --release -p backorders-bench -- --system component --profile
//! ```

mod profile;
mod scale;
mod systems;
mod workload;

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use clap::{Parser, ValueEnum};

use systems::{ComponentSystem, NativeSystem, System};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SystemKind {
    /// The component through the real host (`backorders-component`).
    Component,
    /// The same domain code compiled natively (`backorders-native`).
    Native,
}

#[derive(Debug, Parser)]
#[command(name = "backorders-bench", about = "Workload W1 and the scale run")]
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
    /// Backorders per import transaction in the scale run
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Keep the database at this path (it must not exist); default: a
    /// temporary file, deleted at exit
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.backorders > 0, "--backorders must be at least 1");
    ensure!(
        (1..=10_000).contains(&args.skus),
        "--skus must be 1 to 10000"
    );
    let directory = tempfile::tempdir().context("create a temporary directory")?;
    let db_path = match args.db {
        Some(path) => {
            ensure!(
                !path.exists(),
                "--db {} already exists; give a fresh path",
                path.display()
            );
            path
        }
        None => directory.path().join("bench.db"),
    };
    if args.profile {
        ensure!(
            matches!(args.system, SystemKind::Component),
            "--profile measures the component's calls: use --system component"
        );
        println!("{}", profile::run(directory.path())?);
        return Ok(());
    }
    let mut system: Box<dyn System> = match args.system {
        SystemKind::Component => Box::new(ComponentSystem::open(&db_path)?),
        SystemKind::Native => Box::new(NativeSystem::open(&db_path)?),
    };
    let line = if args.scale {
        scale::run(system.as_mut(), args.backorders, args.skus, args.batch)?
    } else {
        workload::run(system.as_mut(), args.backorders, args.skus)?
    };
    println!("{line}");
    eprintln!(
        "peak resident memory {} bytes; component {} bytes",
        peak_rss_bytes(),
        backorders_host::EMBEDDED_COMPONENT.len()
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
