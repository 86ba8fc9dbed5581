//! Builds the misbehaving test component (`tests/evil-component`) for
//! wasm32-wasip2, so the limit tests run against a real component of the
//! `engine` world; its path reaches the tests as `EVIL_COMPONENT`. The
//! nested build is in `build-support/wasm_guest.rs`, shared with the host's.

include!("../build-support/wasm_guest.rs");

const EVIL_PACKAGE: &str = "evil-component";
const EVIL_ARTIFACT: &str = "evil_component.wasm";

fn main() {
    let workspace = workspace_watching(&["tests/evil-component"]);
    // Its own target directory: the host's build script may be building the
    // real component into `target/wasm` at the same time.
    let artifact = build_wasm_guest(&workspace, EVIL_PACKAGE, EVIL_ARTIFACT, "wasm-evil");
    println!("cargo:rustc-env=EVIL_COMPONENT={}", artifact.display());
}
