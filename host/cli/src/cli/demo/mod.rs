//! `backorders demo`: a narrated run of the whole lifecycle on a fresh
//! database, with the clock pinned so every run prints the same story.

mod script;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use backorders_cli::database::Database;
use backorders_host::{dates, CallError, HostError, Options, Timestamp};

use super::output::Output;
use super::Failure;

/// Where the story starts when `--now` does not say.
const DEFAULT_START: &str = "2026-11-02T09:00:00Z";

/// Runs the demo on `db` if given (it must not exist yet, and is kept for
/// exploring), else on a temporary database removed afterwards.
pub fn run(
    db: Option<Database>,
    component: Option<PathBuf>,
    now: Option<Timestamp>,
    out: &Output,
) -> Result<(), Failure> {
    if out.json {
        return Err(HostError::InvalidInput {
            field: "json",
            message: "the demo prints a narrated walk-through; run it without --json".into(),
        }
        .into());
    }
    let start = match now {
        Some(now) => now,
        None => dates::parse_time("now", DEFAULT_START)?,
    };
    let (database, scratch) = match db {
        Some(Database::Sqlite(path)) => (Database::Sqlite(fresh(path)?), None),
        Some(Database::Memory) => (Database::Memory, None),
        Some(Database::Postgres(_)) => {
            return Err(HostError::InvalidInput {
                field: "db",
                message: "the demo writes only into a database it creates: a new SQLite file or memory:".into(),
            }
            .into())
        }
        None => {
            let scratch = ScratchDir::create()?;
            (Database::Sqlite(scratch.0.join("demo.db")), Some(scratch))
        }
    };
    println!("demo database: {database}");
    let backorders = database.open(Options {
        component,
        now: Some(start),
    });
    let result = script::Script::new(backorders, start).run();
    match scratch {
        Some(_) => {
            println!("\nTo keep the database and explore it: backorders demo --db demo.db");
        }
        None => {
            println!("\nExplore it: backorders --db {database} list   (or show, summary, events)")
        }
    }
    result
}

/// The demo only writes into a database it creates.
fn fresh(path: PathBuf) -> Result<PathBuf, CallError> {
    let exists = path
        .try_exists()
        .map_err(|error| open_error(&path, error))?;
    if exists {
        return Err(HostError::InvalidInput {
            field: "db",
            message: format!(
                "{} exists; the demo needs a path with no database yet",
                path.display()
            ),
        }
        .into());
    }
    Ok(path)
}

/// A directory for the demo's database, removed when dropped, also when
/// the demo stops early.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn create() -> Result<Self, CallError> {
        // The pid keeps concurrent demos apart; the nanoseconds keep a
        // reused pid from meeting a directory left by a killed run.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos());
        let name = format!("backorders-demo-{}-{nanos}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir).map_err(|error| open_error(&dir, error))?;
        Ok(Self(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // A stray directory in the temp dir is not worth failing the demo.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open_error(path: &Path, error: std::io::Error) -> CallError {
    HostError::OpenDatabase {
        path: path.to_path_buf(),
        reason: error.to_string(),
    }
    .into()
}
