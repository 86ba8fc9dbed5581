//! `mcp_sandbox.rs` again, on the in-memory provider: the harness
//! (`common/mod.rs`) picks the provider by this binary's name.

include!("mcp_sandbox.rs");
