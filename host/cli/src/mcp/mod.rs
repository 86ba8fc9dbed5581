//! `backorders mcp`: a Model Context Protocol server over stdio, built on
//! the official Rust SDK (`rmcp`), serving the same library calls as the
//! CLI. One tool per operation; writes are previews unless the server was
//! started in `Mode::Apply`; every failure is a tool error and the server
//! keeps serving. Stdout carries protocol messages only; notes go to
//! stderr.
//!
//! ```no_run
//! use backorders_cli::mcp::{serve_stdio, BackordersServer};
//! use backorders_host::{Mode, Options};
//!
//! let backorders = backorders_sqlite::open("backorders.db", Options::default());
//! serve_stdio(BackordersServer::new(backorders, Mode::Preview))?;
//! # Ok::<(), backorders_cli::mcp::ServeError>(())
//! ```

// The tools are the entries of `crate::operations`, as are the scenario
// runner's steps, so scenarios speak the tools' vocabulary.
mod reply;
mod server;

pub use crate::operations::ArgumentError;
pub use reply::PREVIEW_HINT;
pub use server::{BackordersServer, SWEEP_EVERY};

use rmcp::ServiceExt;

/// Why the server stopped other than by its client closing the session.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The client went away or spoke something else before the session
    /// was initialized.
    #[error("MCP session did not start: {reason}")]
    Initialize { reason: String },
    #[error("MCP session ended abnormally: {reason}")]
    Session { reason: String },
}

/// Serves `server` over stdin and stdout until the client closes the
/// session (or stdin).
pub fn serve_stdio(server: BackordersServer) -> Result<(), ServeError> {
    // One thread drives the protocol; library calls run on blocking
    // threads, so a slow call never stalls it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let sweep = server.start_sweep();
        let session = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|error| ServeError::Initialize {
                reason: error.to_string(),
            })?;
        let ended = session.waiting().await;
        if let Some(sweep) = sweep {
            sweep.abort();
        }
        ended.map(drop).map_err(|error| ServeError::Session {
            reason: error.to_string(),
        })
    })
}
