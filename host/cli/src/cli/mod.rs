//! The command line: global options, the table commands (generated from
//! the operations table, `commands`), a module per other command, and the
//! exit-code policy.

mod bulk;
mod check;
mod commands;
mod copy;
mod demo;
mod events;
mod list;
mod mcp;
mod operation;
mod output;
mod render;
mod run;
mod run_scenarios;
mod sandbox;
mod stock;
mod summary;
mod supply;
mod table;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;

use backorders_cli::database::Database;
use backorders_host::{dates, Backorders, CallError, HostError, Options};
use clap::{Parser, Subcommand};

use self::output::Output;

/// Where the database is when neither `--db` nor `BACKORDERS_DB` says.
const DEFAULT_DB: &str = "backorders.db";

/// Exit codes: 0 success; 2 bad input (usage, malformed values, invalid
/// input, unknown ids); 1 every other failure.
const EXIT_FAILURE: u8 = 1;
const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "backorders",
    version,
    about = "Backorder management on a sandboxed WebAssembly engine"
)]
struct Cli {
    /// The database: a SQLite file (PATH or sqlite:PATH), memory: for one
    /// that lives as long as the command, or a PostgreSQL database
    /// (postgres://USER:PASSWORD@HOST:PORT/DATABASE) [default: backorders.db]
    #[arg(long, global = true, env = "BACKORDERS_DB", value_name = "PATH|URL")]
    db: Option<String>,

    /// Run this component file instead of the embedded one
    #[arg(long, global = true, value_name = "PATH")]
    component: Option<PathBuf>,

    /// Print one JSON value on one line of stdout
    #[arg(long, global = true)]
    json: bool,

    /// Pin the clock: a date (2026-12-01) or an RFC 3339 time
    #[arg(long, global = true, value_name = "RFC3339")]
    now: Option<String>,

    #[command(flatten)]
    sandbox: sandbox::SandboxArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    // The commands of the operations table, listed in `commands::Top`.
    #[command(flatten)]
    Table(operation::Table<commands::Top>),
    /// Check every index, total and reservation against the records
    Check,
    /// Stock on hand (what the platform's inventory holds)
    Stock(stock::Args),
    /// The event outbox, newest last
    Events(events::Args),
    /// A guided run of the whole lifecycle on a fresh database
    Demo,
    /// Serve the database to an MCP client over stdio (writes are previews without --apply)
    Mcp(mcp::Args),
    /// Check the component against scenario files, each on a fresh temporary database
    Run(run_scenarios::Args),
    /// Deliver the event outbox to HTTP endpoints as signed CloudEvents
    Webhooks(webhooks::Args),
    /// Copy a whole database into an empty one, SQLite or PostgreSQL (a preview without --apply)
    Copy(copy::Args),
    /// Create backorders from a CSV or JSON lines file (a preview without --apply)
    Import(bulk::ImportArgs),
    /// Write the matching backorders as CSV or JSON lines, in the form import reads
    Export(bulk::ExportArgs),
}

/// Why a command failed.
pub enum Failure {
    Call(CallError),
    /// The demo met a result its story rules out: the component does not
    /// behave as DOMAIN.md says.
    Demo(String),
    /// `check` found this many problems (already printed).
    Problems(usize),
    /// `import` refused this many rows (already printed).
    Refused(usize),
}

impl From<CallError> for Failure {
    fn from(error: CallError) -> Self {
        Self::Call(error)
    }
}

impl From<HostError> for Failure {
    fn from(error: HostError) -> Self {
        Self::Call(error.into())
    }
}

/// What every command runs with.
pub struct Session {
    pub backorders: Backorders,
    pub out: Output,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            return output::usage_error(error, std::env::args_os().any(|arg| arg == "--json"))
        }
    };
    let out = Output { json: cli.json };
    match execute(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Call(error)) => {
            out.error(&error);
            ExitCode::from(if error.is_bad_input() {
                EXIT_BAD_INPUT
            } else {
                EXIT_FAILURE
            })
        }
        Err(Failure::Demo(message)) => {
            eprintln!("error: demo: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
        Err(Failure::Problems(count)) => {
            eprintln!("error: check: {count} problems found");
            ExitCode::from(EXIT_FAILURE)
        }
        Err(Failure::Refused(count)) => {
            eprintln!("error: import: {count} rows refused");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn execute(cli: Cli, out: &Output) -> Result<(), Failure> {
    let now = cli
        .now
        .as_deref()
        .map(|now| dates::parse_time("now", now))
        .transpose()?;
    let options = Options {
        component: cli.component.clone(),
        now,
    };
    let db = cli.db.as_deref().map(Database::parse);
    let database = db
        .clone()
        .unwrap_or_else(|| Database::Sqlite(PathBuf::from(DEFAULT_DB)));
    // Opening does no I/O, so each arm opens its own session.
    let (limits, compile_cache) = (cli.sandbox.limits(), cli.sandbox.compile_cache());
    let session = || Session {
        backorders: database
            .open(options.clone())
            .with_limits(limits)
            .with_compile_cache(compile_cache.clone()),
        out: *out,
    };
    let result = match cli.command {
        Command::Table(table) => table.run(&session()),
        Command::Check => return check::run(&mut session()),
        Command::Stock(args) => stock::run(&mut session(), args),
        Command::Events(args) => events::run(&mut session(), &database, options.clock(), args),
        Command::Import(args) => return bulk::import(&session(), args),
        Command::Export(args) => return bulk::export(&session(), args),
        Command::Webhooks(args) => webhooks::run(&database, options.clock(), out, args),
        // Both databases are named by its own flags: `--db` is never used.
        Command::Copy(args) => return copy::run(args, out),
        // The demo picks its own database: `--db` only if given explicitly.
        Command::Demo => return demo::run(db, cli.component, now, out),
        Command::Mcp(args) => return mcp::run(session().backorders, args),
        // Scenarios make their own databases: `--db` is never used.
        Command::Run(args) => {
            let component = options.component.clone();
            let provider = database.kind();
            return run_scenarios::run(
                args,
                component,
                limits,
                compile_cache.clone(),
                provider,
                out,
            );
        }
    };
    Ok(result?)
}
