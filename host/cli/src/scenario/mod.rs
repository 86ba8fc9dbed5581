//! The scenario runner: checks a build of the component against business
//! scenarios written as JSON files, and reports per step whether it did
//! what the scenario expects and what the call cost in the sandbox.
//!
//! # The file format (JSON)
//!
//! ```json
//! {
//!   "name": "the seed example ends partially fulfilled",
//!   "description": "optional prose",
//!   "now": "2026-11-02T09:00:00Z",
//!   "stock": [{"sku": "WIDGET-001", "quantity": 60}],
//!   "steps": [
//!     {"name": "record the shortage", "op": "create_backorder",
//!      "args": {"order_id": "O-1", "customer_id": "C-1", "sku": "WIDGET-001", "quantity": 100},
//!      "save": {"bo1": "backorder_id"},
//!      "expect": {"status": "pending", "quantity_remaining": 100}},
//!     {"name": "ship what is on hand", "op": "fulfill_backorder", "now": "2026-11-03",
//!      "args": {"backorder_id": "$bo1", "quantity": 60},
//!      "expect": {"status": "partially_fulfilled", "quantity_fulfilled": 60},
//!      "expect_summary": {"open_backorders": 1, "units_remaining": 40}}
//!   ]
//! }
//! ```
//!
//! - `now` (required): the clock when the scenario starts, a date (its start
//!   in UTC) or an RFC 3339 time. `stock`: units on hand per `sku` and
//!   optional `location`, set before the first step.
//! - A step: `op`, one of the MCP tools (`create_backorder`, …,
//!   `check_integrity`) or `stock_add` / `stock_set`; `args`, the tool's
//!   arguments by the same names; `now`, a new clock from this step on;
//!   `preview: true` runs a write and rolls it back; `save`, names for
//!   values of the result (`{"al1": "allocation.allocation_id"}`,
//!   `"lines.0.allocation_id"`) that later steps use as `"$al1"` anywhere in
//!   `args` or in expectations (`"$$x"` is the literal text `$x`).
//! - Expectations, compared with the JSON `backorders --json` prints:
//!   `expect` (the fields given, recursively; arrays element by element and
//!   of the same length), `expect_exact` (the whole result), `expect_error`
//!   (an error kind, or `{"kind": …, "field": …}`; the call must fail so),
//!   `expect_backorders` (`{"$bo1": {"status": "allocated"}}`: each
//!   backorder as `get_backorder` shows it afterwards), `expect_summary`,
//!   `expect_sku_summary` (`{"WIDGET-001": {…}}`), `expect_stock`
//!   (`[{"sku": …, "location": …, "available": 5}]`). Times compare as
//!   times: `"2026-12-01"` equals `"2026-12-01T00:00:00Z"`.
//!
//! The whole file is checked before anything runs: an unknown key,
//! operation, argument or enum value, a malformed date, or a `$name` no
//! earlier step saves is an error naming the step and the field. Each
//! scenario runs on a fresh temporary database; a step that fails stops its
//! scenario.

mod compare;
mod execute;
mod operations;
mod parse;
mod references;
mod report;

use std::path::{Path, PathBuf};

pub use compare::Difference;
pub use execute::run;
pub use parse::{parse, Check, Expected, Scenario, ScenarioError, Step, StockLine, Subject};
pub use report::{human_report, json_report, ScenarioReport, SetupFailure, StepReport, StepStatus};

use backorders_host::cache::CompileCache;
use backorders_host::HostError;
use backorders_host::limits::Limits;
use crate::database::{Database, ProviderKind};
use backorders_host::{Backorders, Options};
use backorders_postgres::PostgresProvider;
use std::sync::Arc;

/// Fuel a step's call may burn when the limits meter none: scenarios always
/// meter fuel, so every step reports its cost in instructions (about one
/// unit each). Far above any operation's needs; a runaway loop still ends.
pub const FUEL_PER_STEP: u64 = 50_000_000_000;

/// What scenarios run against: a component build, its limits, and where its
/// compiled form is cached. Never a database: each scenario makes its own.
/// The default: the embedded component, default limits, the default cache.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// A component file; none: the component this host embeds.
    pub component: Option<PathBuf>,
    /// Per-call limits; fuel none: `FUEL_PER_STEP`.
    pub limits: Limits,
    pub compile_cache: CompileCache,
    /// What each scenario's fresh database is.
    pub provider: ProviderKind,
}

impl RunOptions {
    /// The library handle for a scenario's database.
    fn open(&self, db_path: PathBuf, now: backorders_host::Timestamp) -> Backorders {
        let provider = match &self.provider {
            ProviderKind::Sqlite => Database::Sqlite(db_path).provider(),
            ProviderKind::Memory => Database::Memory.provider(),
            ProviderKind::Postgres(server) => Arc::new(PostgresProvider::scratch(server)),
        };
        let options = Options {
            component: self.component.clone(),
            now: Some(now),
        };
        Backorders::with_provider(provider, options)
        .with_limits(Limits {
            fuel: self.limits.fuel.or(Some(FUEL_PER_STEP)),
            ..self.limits
        })
        .with_compile_cache(self.compile_cache.clone())
    }
}

/// Loads the component once, so that a build that does not load (or is
/// incompatible) is reported once rather than by every scenario.
pub fn check_component(options: &RunOptions) -> Result<(), HostError> {
    // Loading reads no database; the path only has to be somewhere.
    options
        .open(std::env::temp_dir().join("backorders-unused.db"), 0)
        .load_component()
}

/// Reads, checks and runs one scenario file. A file that cannot be read or
/// is not a valid scenario gives a report saying why, with no steps run.
pub fn run_file(path: &Path, options: &RunOptions) -> ScenarioReport {
    let origin = path.display().to_string();
    let scenario = std::fs::read_to_string(path)
        .map_err(|error| ScenarioError::file(&origin, format!("cannot read it: {error}")))
        .and_then(|text| parse(&text, &origin));
    match scenario {
        Ok(scenario) => run(&scenario, options),
        Err(error) => ScenarioReport::invalid(origin, error),
    }
}

/// The scenario files `paths` name: files as given, directories by their
/// `*.json` files in name order.
pub fn scenario_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            for entry in std::fs::read_dir(path)? {
                let entry = entry?.path();
                if entry
                    .extension()
                    .is_some_and(|extension| extension == "json")
                {
                    found.push(entry);
                }
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}
