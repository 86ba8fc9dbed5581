//! The MCP server: one tool per operation, each running the library's
//! typed call on a blocking thread, one call at a time.

use std::sync::{Arc, Mutex, MutexGuard};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{CallToolResult, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ServerHandler};

use super::arguments::{ArgumentError, Parameters};
use super::convert::{CheckIntegrity, Confirm, Operation, OverallSummary, Release};
use super::params::{
    AllocateAvailable, AllocateBackorder, CancelBackorder, ChangeAllocation, CreateBackorder,
    ExpectSupply, ExpireAllocations, ExtendAllocation, FulfillBackorder, GetBackorder,
    ListBackorders, ListExpectedSupply, NoParameters, Receive, SkuSummary, UpdateBackorder,
};
use super::reply;
use backorders_host::HostError;
use backorders_host::{Backorders, Mode};

/// Serves the backorders of one database to an MCP client.
///
/// Writes commit only when the server was made with `Mode::Apply`; with
/// `Mode::Preview` each runs and rolls back, and its result says
/// `"applied": false`. Reads always run.
#[derive(Clone)]
pub struct BackordersServer {
    /// The library is synchronous and runs one call at a time: calls take
    /// turns on it from blocking threads, so the protocol loop never waits.
    backorders: Arc<Mutex<Backorders>>,
    mode: Mode,
    tool_router: ToolRouter<Self>,
}

impl BackordersServer {
    /// A server over `backorders`, opened and configured (limits, compile
    /// cache) as the caller wants it.
    pub fn new(backorders: Backorders, mode: Mode) -> Self {
        Self {
            backorders: Arc::new(Mutex::new(backorders)),
            mode,
            tool_router: Self::tool_router(),
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Compiles the component now, to report a bad one before serving and
    /// spare the first call the wait.
    pub fn load_component(&self) -> Result<(), HostError> {
        lock(&self.backorders).load_component()
    }

    /// Runs one operation on a blocking thread and turns its outcome, or
    /// the reason it could not run, into a tool result.
    async fn run<O: Operation>(&self, arguments: Result<O, ArgumentError>) -> CallToolResult {
        let operation = match arguments {
            Ok(operation) => operation,
            Err(error) => return reply::argument_error(&error),
        };
        let shared = Arc::clone(&self.backorders);
        let mode = self.mode;
        let outcome =
            tokio::task::spawn_blocking(move || operation.run(&mut lock(&shared), mode)).await;
        match outcome {
            Ok(Ok(reply)) => reply.into_result(),
            Ok(Err(error)) => reply::call_error(&error),
            Err(failed) => reply::internal_error(&format!("the call did not finish: {failed}")),
        }
    }
}

/// The library handle, also after a call panicked while holding it: that
/// call's database connection was dropped with its transaction uncommitted,
/// and the next call opens the file afresh.
fn lock(shared: &Mutex<Backorders>) -> MutexGuard<'_, Backorders> {
    shared.lock().unwrap_or_else(|poisoned| {
        shared.clear_poison();
        poisoned.into_inner()
    })
}

#[tool_router]
impl BackordersServer {
    /// A page of backorders matching every filter given, in backorder-number order (by due date with
    /// `overdue_only`, by expected date with `expected_before`). Returns `{"backorders": [...], "next_cursor"}`;
    /// pass `next_cursor` back as `cursor` for the next page. Read-only.
    #[tool(annotations(
        title = "List backorders",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn list_backorders(
        &self,
        Parameters(arguments): Parameters<ListBackorders>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// One backorder with its allocations, fulfilments and history (the first 1,000 entries). Errors:
    /// `invalid_input` for a malformed id, `not_found`. Read-only.
    #[tool(annotations(
        title = "Show a backorder",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn get_backorder(
        &self,
        Parameters(arguments): Parameters<GetBackorder>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Records unmet demand for one order line: a new `BO-YYYY-NNNN` backorder in status `pending`.
    /// Errors: `invalid_input`. A write: a preview (`"applied": false`) unless the server runs with --apply.
    #[tool(annotations(
        title = "Create a backorder",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn create_backorder(
        &self,
        Parameters(arguments): Parameters<CreateBackorder>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Changes the planning fields of an open backorder: priority, expected and promised dates,
    /// location, notes (set one, or clear it with the `clear_*` flag). Values equal to the current
    /// ones change nothing; a call with no change at all is `invalid_input`. Errors: `invalid_input`,
    /// `not_found`, `conflict`, `invalid_state` (closed). A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Update a backorder",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn update_backorder(
        &self,
        Parameters(arguments): Parameters<UpdateBackorder>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Holds units for one backorder. From `inventory` it reserves stock on hand; from
    /// `purchase_order`, `transfer` or `production` (with `source_ref`) it records a claim on supply
    /// not yet received. Returns the backorder with the `allocation`. Errors: `invalid_input`,
    /// `not_found`, `conflict`, `invalid_state` (closed), `priority_conflict` (a more urgent backorder
    /// of the SKU lacks allocation; see `override_priority`), `insufficient_stock`.
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Allocate to a backorder",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn allocate_backorder(
        &self,
        Parameters(arguments): Parameters<AllocateBackorder>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Marks a reserved allocation picked and ready to ship; it no longer expires, and when confirmed
    /// allocations cover what is owed the backorder becomes `ready_to_ship`. Errors: `invalid_input`,
    /// `not_found`, `conflict`, `invalid_state` (not reserved, past its expiry, or a claim not yet received).
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Confirm an allocation",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn confirm_allocation(
        &self,
        Parameters(arguments): Parameters<ChangeAllocation>,
    ) -> CallToolResult {
        self.run(arguments.map(Confirm)).await
    }

    /// Gives a live (reserved or confirmed) allocation's unshipped units back to available stock.
    /// Errors: `invalid_input`, `not_found`, `conflict`, `invalid_state` (not live).
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Release an allocation",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn release_allocation(
        &self,
        Parameters(arguments): Parameters<ChangeAllocation>,
    ) -> CallToolResult {
        self.run(arguments.map(Release)).await
    }

    /// Moves the expiry of a reserved allocation to a later time. Errors: `invalid_input` (expiry not
    /// in the future), `not_found`, `conflict`, `invalid_state` (not reserved, or already past its expiry).
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Extend an allocation",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn extend_allocation(
        &self,
        Parameters(arguments): Parameters<ExtendAllocation>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Ships units of a backorder: from its own allocations of that source first (confirmed before
    /// reserved, oldest first), then unreserved stock (`inventory`) or straight from the source
    /// (others). Shipping the last units closes it as `fulfilled`. Returns the backorder with the
    /// `fulfillment`. Errors: `invalid_input` (0 or above remaining), `not_found`, `conflict`,
    /// `invalid_state` (closed), `priority_conflict`, `insufficient_stock`.
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Fulfil a backorder",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn fulfill_backorder(
        &self,
        Parameters(arguments): Parameters<FulfillBackorder>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Cancels all remaining units of a backorder, or `quantity` of them, releasing the allocations
    /// no longer needed (newest first; listed under `released`). Cancelling the last units closes it
    /// as `cancelled`. Errors: `invalid_input`, `not_found`, `conflict`, `invalid_state` (closed).
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Cancel a backorder",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn cancel_backorder(
        &self,
        Parameters(arguments): Parameters<CancelBackorder>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Figures over all open backorders: count, units remaining and allocated, counts by status and
    /// by priority, overdue count, oldest open `created_at`. Read-only.
    #[tool(annotations(
        title = "Backorder summary",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn get_backorder_summary(
        &self,
        Parameters(arguments): Parameters<NoParameters>,
    ) -> CallToolResult {
        self.run(arguments.map(OverallSummary)).await
    }

    /// The summary figures over one SKU's open backorders, with its earliest expected and promised
    /// dates. An unknown SKU gives zeros. Errors: `invalid_input` (malformed SKU). Read-only.
    #[tool(annotations(
        title = "SKU backorder summary",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn get_sku_backorder_summary(
        &self,
        Parameters(arguments): Parameters<SkuSummary>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Allocates a SKU's stock available now at a location: claims on `source_ref` first, then the
    /// backorders lacking allocation in the policy's order. Returns the run, one line per backorder
    /// considered with what it needed, got, and why it got less (`shortfall`). Errors: `invalid_input`.
    /// A write: a preview (the plan) unless the server runs with --apply.
    #[tool(annotations(
        title = "Allocate available stock",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn allocate_available(
        &self,
        Parameters(arguments): Parameters<AllocateAvailable>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Receives units: adds `quantity` to stock on hand of the SKU at the location and allocates what
    /// is available, as `allocate_available` does, in one transaction. Returns the run. Errors:
    /// `invalid_input`. A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Receive stock",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn receive(&self, Parameters(arguments): Parameters<Receive>) -> CallToolResult {
        self.run(arguments).await
    }

    /// Expires reserved allocations whose expiry has passed (at most 1,000 a call; `more` says to call
    /// again), giving their units back and, unless `reallocate` is false, offering them to waiting
    /// backorders by strict priority. A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Expire allocations",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn expire_allocations(
        &self,
        Parameters(arguments): Parameters<ExpireAllocations>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Records supply expected on a document (replacing an earlier record of the same SKU, source and
    /// document) and sets the expected dates of the backorders it will cover, in priority order,
    /// flagging `at_risk` promises it will miss. Errors: `invalid_input`.
    /// A write: a preview unless the server runs with --apply.
    #[tool(annotations(
        title = "Expect supply",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn expect_supply(
        &self,
        Parameters(arguments): Parameters<ExpectSupply>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Expected supply not yet received, for one SKU or all (at most 1,000), as a JSON array.
    /// Errors: `invalid_input` (malformed SKU). Read-only.
    #[tool(annotations(
        title = "List expected supply",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn list_expected_supply(
        &self,
        Parameters(arguments): Parameters<ListExpectedSupply>,
    ) -> CallToolResult {
        self.run(arguments).await
    }

    /// Recomputes every index and running total from the records and checks the invariants and the
    /// inventory's reservations; `clean` is false when `problems` lists any. Reads everything: an
    /// operator's tool, slow on a large database. Read-only.
    #[tool(annotations(
        title = "Check integrity",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn check_integrity(
        &self,
        Parameters(arguments): Parameters<NoParameters>,
    ) -> CallToolResult {
        self.run(arguments.map(CheckIntegrity)).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for BackordersServer {
    fn get_info(&self) -> ServerConfig {
        let writes = match self.mode {
            Mode::Apply => "Writes are applied: each write tool commits its change.",
            Mode::Preview => "Writes are previews: each write tool runs and rolls back, and its result says \"applied\": false; restart the server as `backorders mcp --apply` to apply them.",
        };
        let instructions = format!(
            "Backorders: unmet demand for out-of-stock order lines, allocation of supply by priority, fulfilment and cancellation. {writes} Reads always run. Results are JSON (snake_case keys and values, times in RFC 3339 UTC) followed by a one-line summary; errors are tool errors with `{{\"error\": {{\"kind\", \"field\", \"message\", …}}}}`."
        );
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("backorders", env!("CARGO_PKG_VERSION")))
            .with_instructions(instructions)
    }
}
