//! The MCP server: one tool per entry of the operations table that is
//! offered as a tool, each running the library's typed call on a blocking
//! thread.

use std::sync::Arc;

use rmcp::handler::server::router::tool::{ToolRoute, ToolRouter};
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolResult, Implementation, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::{tool_handler, ServerHandler};

use super::reply;
use crate::operations::{self, input_schema, Effect, Operation};
use backorders_host::HostError;
use backorders_host::{Backorders, Mode};

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
            tool_router,
        }
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
