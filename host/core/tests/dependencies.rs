//! What an embedder compiles: `backorders-host` and `backorders-sqlite`
//! bring no command line, MCP, JSON schema or async runtime, and no
//! wasmtime-wasi (the sandbox answers WASI itself). Read from the real
//! dependency graph with `cargo tree`.

use std::process::Command;

const NOT_FOR_EMBEDDERS: [&str; 5] = ["clap", "rmcp", "schemars", "tokio", "wasmtime-wasi"];

fn normal_dependencies(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["tree", "--offline", "-e", "normal", "--prefix", "none", "--format", "{p}", "-p", package])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn an_embedder_compiles_no_cli_mcp_or_async_runtime() {
    for package in ["backorders-host", "backorders-sqlite"] {
        let dependencies = normal_dependencies(package);
        assert!(
            dependencies.iter().any(|name| name == "wasmtime"),
            "{package}: the graph was read: {dependencies:?}"
        );
        for unwanted in NOT_FOR_EMBEDDERS {
            assert!(
                !dependencies.iter().any(|name| name == unwanted),
                "{package} depends on {unwanted}"
            );
        }
    }
}
