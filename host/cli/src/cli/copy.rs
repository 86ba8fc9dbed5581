//! `backorders copy --from SRC --to DST`: a whole database into an empty
//! one, SQLite or PostgreSQL either way (`backorders_host::provider::copy`).
//! A write like any other: without `--apply` it counts what it would copy
//! and writes nothing.

use backorders_cli::database::Database;
use backorders_cli::json;
use backorders_host::provider::copy::{self, CopyReport};

use super::output::Output;
use super::Failure;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to copy: a SQLite file (PATH or sqlite:PATH) or a
    /// PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DATABASE)
    #[arg(long, value_name = "PATH|URL")]
    from: String,
    /// The empty database to copy into, in the same forms; a missing
    /// SQLite file is created
    #[arg(long, value_name = "PATH|URL")]
    to: String,
    /// Copy; without it, show what would be copied and write nothing
    #[arg(long)]
    apply: bool,
}

pub fn run(args: Args, out: &Output) -> Result<(), Failure> {
    let (from, to) = (Database::parse(&args.from), Database::parse(&args.to));
    if let Database::Sqlite(path) = &from {
        // An empty stand-in would copy nothing and say it succeeded.
        if !path.exists() {
            return Err(backorders_host::HostError::InvalidInput {
                field: "from",
                message: format!("there is no database file at {}", path.display()),
            }
            .into());
        }
    }
    let mut source = from.rows("from", false)?;
    let mut target = to.rows("to", args.apply)?;
    let report = copy::copy(&mut *source, &mut *target, args.apply)?;
    let (from, to) = (from.to_string(), to.to_string());
    out.write(report.applied, json::copy_report(&from, &to, &report), || {
        text(&from, &to, &report)
    });
    Ok(())
}

/// Rows per table, the numbering the target continues after, and what
/// stayed behind.
fn text(from: &str, to: &str, report: &CopyReport) -> String {
    let verb = if report.applied { "copied" } else { "would copy" };
    let copied = &report.copied;
    let mut text = format!(
        "{verb} {from} to {to}\n  key-value rows  {}\n  stock rows      {}\n  reservations    {}\n  events          {}\n\
         next reservation after RS-{}, next event after seq {}\n",
        copied.kv, copied.stock, copied.reservations, copied.events,
        report.numbering.reservation_id, report.numbering.event_seq,
    );
    if !report.numbering.sequences.is_empty() {
        let next: Vec<String> = report.numbering.sequences.iter().map(|(name, next)| format!("{name} {next}")).collect();
        text += &format!("next numbers: {}\n", next.join(", "));
    }
    let left: Vec<String> = report
        .not_copied
        .iter()
        .filter(|(_, rows)| *rows > 0)
        .map(|(table, rows)| format!("{rows} {table}"))
        .collect();
    if !left.is_empty() {
        text += &format!(
            "not copied: {} (webhook delivery stays with the source; add the endpoints on the target \
             with `webhooks add --from SEQ`)\n",
            left.join(", ")
        );
    }
    text
}
