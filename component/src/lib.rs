//! The backorders component. `domain` holds every rule and compiles
//! natively; on wasm, `adapter` exports it through the WIT world `engine`.

pub mod domain;

#[cfg(target_family = "wasm")]
mod adapter;
