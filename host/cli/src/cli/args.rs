//! Argument pieces shared by several commands.

use backorders_host::names::WireName;
use backorders_host::{Mode, SourceKind};
use clap::builder::{PossibleValuesParser, TypedValueParser};

/// Parses a WIT enum by its snake_case name; clap lists the names in the
/// help and refuses any other value.
pub fn wire<T: WireName + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::wire_names())
        .map(|name| T::from_wire_name(&name).expect("clap only passes the listed names"))
}

/// `--apply`, on every command that writes.
#[derive(Debug, clap::Args)]
pub struct Apply {
    /// Apply the change; without it the command only shows what would happen
    #[arg(long)]
    pub apply: bool,
}

impl Apply {
    pub fn mode(&self) -> Mode {
        if self.apply {
            Mode::Apply
        } else {
            Mode::Preview
        }
    }
}

/// `--request-id`, on every command that writes through the component.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct RequestId {
    /// Make the write idempotent: repeating it with the same id returns the
    /// first result and changes nothing (ids are kept 7 days)
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
}

/// `--expected-version`, on the commands that change an existing backorder.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ExpectedVersion {
    /// Refuse with a conflict unless the backorder is at this version
    #[arg(long, value_name = "V")]
    pub expected_version: Option<u64>,
}

/// `--source` and `--source-ref`, for allocating and fulfilling.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Source {
    /// Where the units come from
    #[arg(long, value_name = "SOURCE", default_value = "inventory", value_parser = wire::<SourceKind>())]
    #[serde(serialize_with = "super::operation::wire")]
    pub source: SourceKind,
    /// The purchase order, transfer or production run (PO-1042); required
    /// for sources other than inventory
    #[arg(long, value_name = "R")]
    pub source_ref: Option<String>,
}

/// `--request-id` and `--apply`: the guards of a write that makes
/// something new (a backorder, a run, expected supply).
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Retryable {
    #[command(flatten)]
    #[serde(flatten)]
    pub request_id: RequestId,
    #[command(flatten)]
    #[serde(skip)]
    pub apply: Apply,
}

impl Retryable {
    pub fn mode(&self) -> Mode {
        self.apply.mode()
    }
}

/// `--request-id`, `--expected-version` and `--apply`: the guards of a
/// write to an existing backorder.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct Guarded {
    #[command(flatten)]
    #[serde(flatten)]
    pub request_id: RequestId,
    #[command(flatten)]
    #[serde(flatten)]
    pub version: ExpectedVersion,
    #[command(flatten)]
    #[serde(skip)]
    pub apply: Apply,
}

impl Guarded {
    pub fn mode(&self) -> Mode {
        self.apply.mode()
    }
}
