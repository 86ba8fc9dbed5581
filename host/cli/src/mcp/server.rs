//! The MCP server: one tool per entry of the operations table that is
//! offered as a tool, each running the library's typed call on a blocking
//! thread.

use std::sync::Arc;
use std::time::Duration;

use rmcp::handler::server::router::tool::{ToolRoute, ToolRouter};
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolResult, Implementation, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::{tool_handler, ServerHandler};

use super::reply;
use crate::operations::{self, input_schema, Effect, Operation};
use backorders_host::HostError;
use backorders_host::{Backorders, ExpiryRequest, Mode};

/// How often a server in `Mode::Apply` runs the expiry sweep unless told
/// otherwise (`backorders mcp --sweep-seconds`).
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Serves the backorders of one database to an MCP client.
///
/// Writes commit only when the server was made with `Mode::Apply`; with
/// `Mode::Preview` each runs and rolls back, and its result says
/// `"applied": false`. Reads always run.
#[derive(Clone)]
pub struct BackordersServer {
    /// The shared handle: each call runs on a blocking thread, so the
    /// protocol loop never waits, and calls run side by side (each in its
    /// own instance and transaction; the provider serializes writers).
    backorders: Arc<Backorders>,
    mode: Mode,
    /// The expiry sweep's interval; `None`: no sweep.
    sweep_every: Option<Duration>,
    tool_router: ToolRouter<Self>,
}

impl BackordersServer {
    /// A server over `backorders`, opened and configured (limits, compile
    /// cache) as the caller wants it.
    pub fn new(backorders: Backorders, mode: Mode) -> Self {
        let mut tool_router = ToolRouter::new();
        for &operation in operations::ALL {
            if operation.spec().tool {
                tool_router.add_route(route(operation));
            }
        }
        Self {
            backorders: Arc::new(backorders),
            mode,
            sweep_every: Some(SWEEP_EVERY),
            tool_router,
        }
    }

    /// Sets the expiry sweep's interval (`None`: no sweep).
    pub fn with_sweep_every(self, sweep_every: Option<Duration>) -> Self {
        Self {
            sweep_every,
            ..self
        }
    }

    /// Starts the expiry sweep on the current tokio runtime, when the
    /// server applies writes and has an interval: every interval,
    /// `expire_allocations` (reallocating) until nothing more is due.
    /// Every operation already treats an allocation as expired from its
    /// instant; the sweep finalises expiries nobody's write touched, so
    /// reads stay cheap, reservations go back to the inventory and the
    /// events go out close to the instant. A failed sweep is noted on
    /// stderr and tried again at the next tick.
    pub fn start_sweep(&self) -> Option<tokio::task::JoinHandle<()>> {
        let every = self.sweep_every.filter(|_| self.mode == Mode::Apply)?;
        let shared = Arc::clone(&self.backorders);
        Some(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                let shared = Arc::clone(&shared);
                let swept = tokio::task::spawn_blocking(move || loop {
                    let request = ExpiryRequest {
                        reallocate: true,
                        request_id: None,
                    };
                    match shared.expire_allocations(&request, Mode::Apply) {
                        Ok(done) if done.value.more => continue,
                        Ok(_) => return Ok(()),
                        Err(error) => return Err(error),
                    }
                })
                .await;
                match swept {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => eprintln!("backorders mcp: the expiry sweep failed: {error}"),
                    Err(failed) => {
                        eprintln!("backorders mcp: the expiry sweep did not finish: {failed}")
                    }
                }
            }
        }))
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Compiles the component now, to report a bad one before serving and
    /// spare the first call the wait.
    pub fn load_component(&self) -> Result<(), HostError> {
        self.backorders.load_component()
    }

    /// Checks the arguments, runs the operation on a blocking thread and
    /// turns its outcome, or the reason it could not run, into a tool
    /// result.
    async fn run(
        &self,
        operation: &'static dyn Operation,
        arguments: rmcp::model::JsonObject,
    ) -> CallToolResult {
        let arguments = match operation.arguments(arguments) {
            Ok(arguments) => arguments,
            Err(error) => return reply::argument_error(&error),
        };
        let shared = Arc::clone(&self.backorders);
        let mode = self.mode;
        let outcome =
            tokio::task::spawn_blocking(move || operation.run(&shared, &arguments, mode))
                .await;
        match outcome {
            Ok(Ok(done)) => reply::success(done),
            Ok(Err(error)) => reply::call_error(&error),
            Err(failed) => reply::internal_error(&format!("the call did not finish: {failed}")),
        }
    }
}

/// The tool of `operation`: its name, description, input schema and hints.
fn route(operation: &'static dyn Operation) -> ToolRoute<BackordersServer> {
    let spec = operation.spec();
    let annotations = ToolAnnotations::with_title(spec.title).open_world(false);
    let annotations = match spec.effect {
        Effect::Read => annotations.read_only(true),
        Effect::Write {
            destructive,
            idempotent,
        } => annotations
            .read_only(false)
            .destructive(destructive)
            .idempotent(idempotent),
    };
    let tool = Tool::new(
        spec.name,
        spec.description,
        Arc::new(input_schema(spec.params)),
    )
    .annotate(annotations);
    ToolRoute::new_dyn(
        tool,
        move |context: ToolCallContext<'_, BackordersServer>| {
            Box::pin(async move {
                // A call without `arguments` is a call with none of them.
                let arguments = context.arguments.unwrap_or_default();
                Ok(context.service.run(operation, arguments).await.into())
            })
        },
    )
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
