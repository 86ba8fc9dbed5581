//! The faces of the backorders host that an embedder does not need: the
//! JSON shapes of `--json`, the MCP server and the scenario runner. The
//! `backorders` binary is built on them.

pub mod database;
pub mod json;
pub mod mcp;
pub mod operations;
pub mod scenario;
