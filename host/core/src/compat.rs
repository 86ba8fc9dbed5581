//! Which builds of the component this host runs: those of a compatible
//! version of the WIT package it was generated from.
//!
//! A component names the package's interfaces it exports and imports with a
//! version (`commerce:backorders/backorders@0.2.0`). Compatible versions
//! follow semver as the component model reads it (and as wasmtime links
//! them): the same major version from 1.0 on; within 0.x the same minor
//! version (0.1.0 and 0.1.7 are compatible, 0.2.0 is not); a pre-release
//! only with itself. A scenario written against one build keeps working
//! against a newer compatible one; an incompatible one is refused at load
//! with the versions found and expected, before any call.

use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::HostError;

/// The WIT package this host's bindings were generated from.
pub const WIT_PACKAGE: &str = "commerce:backorders";

/// Its version (`package` line of `wit/world.wit`).
pub const WIT_VERSION: &str = "0.2.0";

/// The interface every component must export.
const EXPORTED_INTERFACE: &str = "backorders";

/// Refuses a component that does not export a compatible
/// `commerce:backorders/backorders`, or that names any interface of the
/// package with an incompatible version.
pub(crate) fn check(engine: &Engine, component: &Component) -> Result<(), HostError> {
    let component_type = component.component_type();
    let exports: Vec<&str> = component_type
        .exports(engine)
        .map(|(name, _)| name)
        .collect();
    let imports: Vec<&str> = component_type
        .imports(engine)
        .map(|(name, _)| name)
        .collect();
    check_names(&exports, &imports)
}

fn check_names(exports: &[&str], imports: &[&str]) -> Result<(), HostError> {
    let ours = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|name| interface_of(name).is_some())
            .map(|name| name.to_string())
            .collect()
    };
    let all_compatible = exports
        .iter()
        .chain(imports)
        .filter_map(|name| interface_of(name))
        .all(|(_, version)| version.is_some_and(|version| compatible(version, WIT_VERSION)));
    let exports_ours =
        exports
            .iter()
            .filter_map(|name| interface_of(name))
            .any(|(interface, version)| {
                interface == EXPORTED_INTERFACE
                    && version.is_some_and(|version| compatible(version, WIT_VERSION))
            });
    if all_compatible && exports_ours {
        return Ok(());
    }
    Err(HostError::IncompatibleComponent {
        exports: ours(exports),
        imports: ours(imports),
        expected: format!("{WIT_PACKAGE}@{WIT_VERSION}"),
        accepted: accepted_range(WIT_VERSION),
    })
}

/// `commerce:backorders/store@0.1.0` -> (`store`, Some(`0.1.0`)); none for
/// names of other packages.
fn interface_of(name: &str) -> Option<(&str, Option<&str>)> {
    let rest = name.strip_prefix(WIT_PACKAGE)?.strip_prefix('/')?;
    Some(match rest.split_once('@') {
        Some((interface, version)) => (interface, Some(version)),
        None => (rest, None),
    })
}

/// Major, minor, patch and the pre-release of a version (build metadata is
/// ignored); none if it is not one.
fn parse(version: &str) -> Option<(u64, u64, u64, &str)> {
    let version = version
        .split_once('+')
        .map_or(version, |(core, _build)| core);
    let (core, pre) = version.split_once('-').unwrap_or((version, ""));
    let mut numbers = core.split('.').map(|part| part.parse::<u64>().ok());
    let parsed = (numbers.next()??, numbers.next()??, numbers.next()??, pre);
    numbers.next().is_none().then_some(parsed)
}

/// Whether a component naming `found` can run where `expected` is needed.
fn compatible(found: &str, expected: &str) -> bool {
    let (Some(found), Some(expected)) = (parse(found), parse(expected)) else {
        return false;
    };
    if !found.3.is_empty() || !expected.3.is_empty() {
        return found == expected;
    }
    match (expected.0, expected.1) {
        (0, 0) => found.0 == 0 && found.1 == 0 && found.2 == expected.2,
        (0, minor) => found.0 == 0 && found.1 == minor,
        (major, _) => found.0 == major,
    }
}

/// `0.1.x`, `2.x`, or the version itself when nothing else is compatible.
fn accepted_range(version: &str) -> String {
    match parse(version) {
        Some((0, 0, _, _)) | None => version.to_owned(),
        Some((_, _, _, pre)) if !pre.is_empty() => version.to_owned(),
        Some((0, minor, _, _)) => format!("0.{minor}.x"),
        Some((major, _, _, _)) => format!("{major}.x"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = "commerce:backorders/backorders@0.2.0";
    const IMPORTS: &[&str] = &[
        "wasi:cli/environment@0.2.6",
        "commerce:backorders/types@0.2.0",
        "commerce:backorders/store@0.2.0",
    ];

    #[test]
    fn the_version_is_the_one_in_the_wit() {
        let world = include_str!("../../../wit/world.wit");
        let line = format!("package {WIT_PACKAGE}@{WIT_VERSION};");
        assert!(
            world.lines().any(|l| l.trim() == line),
            "wit/world.wit lacks `{line}`"
        );
    }

    #[test]
    fn the_same_minor_version_is_compatible_within_0_x() {
        assert!(compatible("0.1.0", "0.1.0"));
        assert!(compatible("0.1.7", "0.1.0"));
        assert!(compatible("0.1.0", "0.1.3"));
        assert!(compatible("0.1.2+build.5", "0.1.0"));
        assert!(!compatible("0.2.0", "0.1.0"));
        assert!(!compatible("1.1.0", "0.1.0"));
        assert!(!compatible("0.1.0-rc1", "0.1.0"));
        assert!(!compatible("0.1", "0.1.0"));
        assert!(!compatible("0.1.0.0", "0.1.0"));
        assert!(compatible("2.9.1", "2.0.0"));
        assert!(!compatible("0.0.2", "0.0.1"));
    }

    #[test]
    fn a_component_of_a_compatible_version_is_accepted() {
        check_names(&[EXPORT], IMPORTS).unwrap();
        let newer = ["commerce:backorders/backorders@0.2.4"];
        check_names(&newer, &["commerce:backorders/store@0.2.4"]).unwrap();
    }

    /// `check_names` refuses these names with a message that contains
    /// every one of `mentions`.
    fn refused_mentioning(exports: &[&str], imports: &[&str], mentions: &[&str]) {
        let message = check_names(exports, imports).unwrap_err().to_string();
        for mention in mentions {
            assert!(message.contains(mention), "{message} lacks {mention}");
        }
    }

    #[test]
    fn an_incompatible_component_is_refused_naming_both_versions() {
        refused_mentioning(
            &["commerce:backorders/backorders@0.1.0"],
            &["commerce:backorders/store@0.1.0"],
            &[
                "commerce:backorders/backorders@0.1.0",
                "commerce:backorders/store@0.1.0",
                "commerce:backorders@0.2.0",
                "0.2.x",
            ],
        );
    }

    #[test]
    fn an_incompatible_import_alone_is_refused() {
        refused_mentioning(
            &[EXPORT],
            &["commerce:backorders/store@0.3.1"],
            &["store@0.3.1"],
        );
    }

    #[test]
    fn a_component_without_the_export_is_refused() {
        refused_mentioning(
            &["other:thing/api@1.0.0"],
            &[],
            &["exports nothing of commerce:backorders"],
        );
        refused_mentioning(
            &["commerce:backorders/backorders"],
            &[],
            &["commerce:backorders/backorders"],
        );
    }
}
