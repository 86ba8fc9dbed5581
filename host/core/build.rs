//! Builds the guest component so that `cargo run -- demo` works on a fresh
//! clone: the host embeds the component it was built with. The nested build
//! itself is in `build-support/wasm_guest.rs`, shared with `tests/build.rs`.

use std::path::PathBuf;

include!("../../build-support/wasm_guest.rs");

const GUEST_PACKAGE: &str = "backorders-component";
const GUEST_ARTIFACT: &str = "backorders_component.wasm";

fn main() {
    let workspace = workspace_watching(&["component"]);
    let out_dir = PathBuf::from(required_var("OUT_DIR"));
    let artifact = build_wasm_guest(&workspace, GUEST_PACKAGE, GUEST_ARTIFACT, "wasm");
    let embedded = out_dir.join(GUEST_ARTIFACT);
    std::fs::copy(&artifact, &embedded).unwrap_or_else(|error| {
        panic!(
            "could not copy {} to {}: {error}",
            artifact.display(),
            embedded.display()
        )
    });
}
