//! `backorders run SCENARIO...`: checks a build of the component against
//! scenario files (`backorders_cli::scenario`), each on its own temporary
//! database. `--db` and `--now` do not apply: the user's database is never
//! opened (a PostgreSQL URL names the server each scenario's fresh database
//! is made on), and every scenario sets its own clock.
//!
//! Exit codes: 0 every scenario passed; 1 a step failed or the component
//! did not load; 2 a file could not be read or is not a valid scenario.

use std::path::PathBuf;

use backorders_cli::database::ProviderKind;
use backorders_cli::scenario::{self, RunOptions};
use backorders_host::{CompileCache, HostError, Limits};

use super::output::Output;
use super::{Failure, EXIT_BAD_INPUT, EXIT_FAILURE};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files (JSON), or directories whose *.json files are run in
    /// name order. Each runs on its own fresh database and clock: --db only
    /// picks the kind (a SQLite file, memory:, or a PostgreSQL server URL,
    /// whose role makes and drops a database per scenario) and --now is
    /// not used
    #[arg(value_name = "SCENARIO", required = true)]
    scenarios: Vec<PathBuf>,
}

pub fn run(
    args: Args,
    component: Option<PathBuf>,
    limits: Limits,
    compile_cache: CompileCache,
    provider: ProviderKind,
    out: &Output,
) -> Result<(), Failure> {
    let options = RunOptions {
        component,
        limits,
        compile_cache,
        provider,
    };
    let files =
        scenario::scenario_files(&args.scenarios).map_err(|error| HostError::InvalidInput {
            field: "scenario",
            message: format!("cannot list the scenarios: {error}"),
        })?;
    if files.is_empty() {
        return Err(HostError::InvalidInput {
            field: "scenario",
            message: "no scenario files (*.json) found".into(),
        }
        .into());
    }
    // A component that does not load, or is incompatible, is reported once.
    scenario::check_component(&options)?;
    let reports: Vec<_> = files
        .iter()
        .map(|file| scenario::run_file(file, &options))
        .collect();
    if out.json {
        println!("{}", scenario::json_report(&reports));
    } else {
        print!("{}", scenario::human_report(&reports));
    }
    let code = if reports.iter().any(|report| report.is_invalid()) {
        EXIT_BAD_INPUT
    } else if reports.iter().all(|report| report.passed()) {
        return Ok(());
    } else {
        EXIT_FAILURE
    };
    // The report is the output; `Failure` would add an `error:` line.
    std::process::exit(code.into())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use clap::Parser;

    use super::super::{execute, Cli};
    use super::*;

    const SCENARIO: &str = r#"{
        "now": "2026-11-02",
        "steps": [{"op": "create_backorder",
                   "args": {"order_id": "O-9", "customer_id": "C-9", "sku": "S", "quantity": 3},
                   "expect": {"backorder_id": "BO-2026-0001"}}]
    }"#;

    /// A directory with the scenario file, and where the user's database
    /// would be.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let scenario = dir.path().join("one.json");
        std::fs::write(&scenario, SCENARIO).unwrap();
        let db = dir.path().join("user.db");
        (dir, scenario, db)
    }

    fn backorders(arguments: &[&std::ffi::OsStr]) {
        let cli = Cli::try_parse_from(arguments).expect("the command line parses");
        assert!(
            execute(cli, &Output { json: false }).is_ok(),
            "the command succeeds"
        );
    }

    fn run_with_db(db: &Path, scenario: &Path) {
        backorders(&[
            "backorders".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
            "run".as_ref(),
            scenario.as_os_str(),
        ]);
    }

    fn files(db: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
        let wal = db.with_extension("db-wal");
        (std::fs::read(db).unwrap(), std::fs::read(wal).ok())
    }

    #[test]
    fn run_never_creates_the_database_named_by_db() {
        let (_dir, scenario, db) = setup();
        run_with_db(&db, &scenario);
        assert!(!db.exists(), "the user's database was created");
    }

    #[test]
    fn run_leaves_an_existing_database_named_by_db_byte_for_byte_unchanged() {
        let (_dir, scenario, db) = setup();
        // The user's BO-2026-0001; had the scenario run on this database, its
        // own first backorder would have been BO-2026-0002 and failed.
        let create =
            "create --order USER-1 --customer C --sku S --quantity 1 --apply --now 2026-11-02";
        let mut arguments: Vec<&std::ffi::OsStr> =
            vec!["backorders".as_ref(), "--db".as_ref(), db.as_os_str()];
        arguments.extend(create.split(' ').map(std::ffi::OsStr::new));
        backorders(&arguments);
        let before = files(&db);
        run_with_db(&db, &scenario);
        assert_eq!(files(&db), before);
    }
}
