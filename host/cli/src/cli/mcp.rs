//! `backorders mcp`: serve the database to an MCP client over stdio.

use backorders_cli::mcp::{self, BackordersServer};
use backorders_host::{Backorders, Mode};

use super::{Failure, EXIT_FAILURE};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Commit what write tools do; without it every write is a preview
    /// that runs and rolls back
    #[arg(long)]
    apply: bool,
    /// With --apply, run the expiry sweep (`expire` with reallocation)
    /// every this many seconds; 0 turns it off
    #[arg(long, value_name = "SECONDS", default_value_t = mcp::SWEEP_EVERY.as_secs())]
    sweep_seconds: u64,
}

/// Serves `backorders`, configured by the global options, until the client
/// closes the session.
pub fn run(backorders: Backorders, args: Args) -> Result<(), Failure> {
    let mode = if args.apply {
        Mode::Apply
    } else {
        Mode::Preview
    };
    let db_path = backorders.describe_provider();
    let sweep_every =
        Some(std::time::Duration::from_secs(args.sweep_seconds)).filter(|every| !every.is_zero());
    let server = BackordersServer::new(backorders, mode).with_sweep_every(sweep_every);
    // A component that does not load is reported now, as any command
    // would, rather than as an error of every tool call.
    server.load_component()?;
    // Stdout belongs to the protocol: every note goes to stderr.
    eprintln!(
        "backorders mcp: serving {db_path} over stdio; writes are {}",
        match mode {
            Mode::Apply => "applied",
            Mode::Preview => "previews (start with --apply to commit them)",
        }
    );
    if let Err(error) = mcp::serve_stdio(server) {
        eprintln!("error: {error}");
        std::process::exit(EXIT_FAILURE.into());
    }
    Ok(())
}
