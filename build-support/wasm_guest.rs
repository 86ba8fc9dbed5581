// Shared by the build scripts that build a workspace crate for wasm32-wasip2
// (`host/core/build.rs`: the component; `tests/build.rs`: the misbehaving test
// component). Each includes this file with `include!`.
//
// A guest is built by a nested `cargo build` with the workspace's `wasm`
// profile, into its own target directory so the nested cargo never waits on
// the lock of the outer build's target directory.

const GUEST_TARGET: &str = "wasm32-wasip2";
const GUEST_PROFILE: &str = "wasm";

/// The workspace root (the nearest ancestor of the crate holding `wit/`),
/// after telling cargo to rerun the script when anything under `watched`
/// (paths relative to the root) changes.
fn workspace_watching(watched: &[&str]) -> std::path::PathBuf {
    let manifest_dir = std::path::PathBuf::from(required_var("CARGO_MANIFEST_DIR"));
    // The workspace root is the nearest ancestor holding the contract.
    let workspace = manifest_dir
        .ancestors()
        .find(|dir| dir.join("wit").is_dir() && dir.join("Cargo.toml").is_file())
        .expect("the crate lives below the workspace root, beside wit/")
        .to_path_buf();
    // Directories make cargo rerun the script when any file under them
    // changes; the workspace manifest holds the `wasm` profile.
    for path in ["wit", "Cargo.toml", "Cargo.lock", "build-support"].iter().chain(watched) {
        println!("cargo:rerun-if-changed={}", workspace.join(path).display());
    }
    workspace
}

/// Builds `package` of the workspace at `workspace` into
/// `target/<target_subdir>` and returns the path of its `artifact`.
fn build_wasm_guest(
    workspace: &std::path::Path,
    package: &str,
    artifact: &str,
    target_subdir: &str,
) -> std::path::PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| std::ffi::OsString::from("cargo"));
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| std::ffi::OsString::from("rustc"));
    ensure_target_installed(&rustc);

    let target_dir = workspace.join("target").join(target_subdir);
    let mut command = std::process::Command::new(&cargo);
    command
        .current_dir(workspace)
        .args(["build", "--package", package, "--target", GUEST_TARGET])
        .args(["--profile", GUEST_PROFILE])
        .arg("--target-dir")
        .arg(&target_dir);
    scrub_build_script_environment(&mut command);

    let status = command
        .status()
        .unwrap_or_else(|error| panic!("could not run `{}`: {error}", cargo.to_string_lossy()));
    if !status.success() {
        panic!("building the guest component `{package}` failed ({status}); its errors are above");
    }
    target_dir.join(GUEST_TARGET).join(GUEST_PROFILE).join(artifact)
}

fn required_var(name: &str) -> std::ffi::OsString {
    std::env::var_os(name).unwrap_or_else(|| panic!("cargo did not set {name} for the build script"))
}

/// Fails early with the fix spelled out, instead of a wall of "can't find
/// crate for `core`" errors from the nested build.
fn ensure_target_installed(rustc: &std::ffi::OsString) {
    let output = std::process::Command::new(rustc)
        .args(["--print", "target-libdir", "--target", GUEST_TARGET])
        .output()
        .unwrap_or_else(|error| panic!("could not run `{}`: {error}", rustc.to_string_lossy()));
    let libdir = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !std::path::Path::new(libdir.trim()).is_dir() {
        panic!(
            "the Rust target `{GUEST_TARGET}` is not installed, and the host embeds a component \
             built for it: run `rustup target add {GUEST_TARGET}`"
        );
    }
}

/// Cargo hands a build script variables that describe the *outer* build
/// (its target, profile, flags, jobserver). A nested cargo would read some of
/// them as its own configuration and build the guest for the wrong target or
/// with host-only flags, so they are removed. User configuration such as
/// `CARGO_HOME` or `CARGO_NET_OFFLINE` is kept.
fn scrub_build_script_environment(command: &mut std::process::Command) {
    const EXACT: &[&str] = &[
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_RUSTC_CURRENT_DIR",
        "RUSTC_WORKSPACE_WRAPPER",
        "DEBUG",
        "OPT_LEVEL",
        "PROFILE",
        "TARGET",
        "HOST",
        "OUT_DIR",
        "NUM_JOBS",
    ];
    const PREFIXES: &[&str] = &[
        "CARGO_PKG_",
        "CARGO_FEATURE_",
        "CARGO_CFG_",
        "CARGO_PROFILE_",
    ];
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if EXACT.contains(&name) || PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
            command.env_remove(name);
        }
    }
}
