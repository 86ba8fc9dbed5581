//! The operations table: one declaration per exported operation, holding
//! its name (the MCP tool and the scenario `op`), whether it writes, its
//! parameters (with how the command line takes each), how its request is
//! built from them, and how its result reads as JSON and as a one-line
//! summary. The MCP tools and their input schemas, the scenario runner's
//! ops and the CLI's table commands (flags, help, checks, `--json`) are all
//! driven from it, so a new operation is one entry here, listed in `ALL`,
//! plus its command's name and human text in the CLI's `commands.rs`.

mod allocation;
mod arguments;
mod backorder;
mod params;
mod reports;
mod runs;
mod schema;
mod settings;

pub use allocation::{
    ALLOCATE_BACKORDER, CONFIRM_ALLOCATION, EXTEND_ALLOCATION, FULFILL_BACKORDER,
    RELEASE_ALLOCATION,
};
pub use arguments::{ArgumentError, Arguments};
pub use backorder::{
    CANCEL_BACKORDER, CREATE_BACKORDER, GET_BACKORDER, LIST_BACKORDERS, UPDATE_BACKORDER,
};
pub use reports::{
    problems, Integrity, StockChange, CHECK_INTEGRITY, GET_BACKORDER_SUMMARY,
    GET_SKU_BACKORDER_SUMMARY, STOCK_ADD, STOCK_ADJUST, STOCK_SET,
};
pub use runs::{
    ALLOCATE_AVAILABLE, EXPECT_SUPPLY, EXPIRE_ALLOCATIONS, LIST_EXPECTED_SUPPLY, RECEIVE,
};
pub use schema::input_schema;
pub use settings::UPDATE_SETTINGS;

use backorders_host::names::WireName;
use backorders_host::{Backorders, CallError, Mode, Outcome};
use serde_json::{Map, Value};

use crate::json;

/// Every operation, in the order errors list them.
pub static ALL: &[&dyn Operation] = &[
    &CREATE_BACKORDER,
    &GET_BACKORDER,
    &LIST_BACKORDERS,
    &UPDATE_BACKORDER,
    &ALLOCATE_BACKORDER,
    &CONFIRM_ALLOCATION,
    &RELEASE_ALLOCATION,
    &EXTEND_ALLOCATION,
    &FULFILL_BACKORDER,
    &CANCEL_BACKORDER,
    &RECEIVE,
    &ALLOCATE_AVAILABLE,
    &EXPIRE_ALLOCATIONS,
    &EXPECT_SUPPLY,
    &LIST_EXPECTED_SUPPLY,
    &GET_BACKORDER_SUMMARY,
    &GET_SKU_BACKORDER_SUMMARY,
    &CHECK_INTEGRITY,
    &STOCK_ADD,
    &STOCK_SET,
    &STOCK_ADJUST,
    &UPDATE_SETTINGS,
];

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static dyn Operation> {
    ALL.iter()
        .copied()
        .find(|operation| operation.spec().name == name)
}

/// What an operation does to the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Only reads; `Mode` is ignored.
    Read,
    /// May change the database, so may be previewed. `destructive`: it
    /// may undo or overwrite (MCP's hint); `idempotent`: repeating it
    /// changes nothing more.
    Write { destructive: bool, idempotent: bool },
}

/// A parameter: its snake_case name (the MCP argument, the scenario arg),
/// what it holds, what it means and its limits (`doc`, also the CLI's
/// help), whether it must be given, and how the command line takes it.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
    pub required: bool,
    pub cli: Cli,
}

/// How `backorders` takes a parameter: `--name-in-kebab-case <VALUE>`
/// unless declared otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Cli {
    pub form: Form,
    /// The placeholder of its value in help and errors (`N` in `--quantity <N>`).
    pub value_name: &'static str,
    /// A second, visible long name (`--date` beside `--expected-at`).
    pub alias: Option<&'static str>,
    /// The parameter it may not be given with (`notes` and `clear_notes`).
    pub conflicts_with: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// A flag: the given long name (`order` for `order_id`), or `None`
    /// for the parameter's name in kebab case.
    Long(Option<&'static str>),
    /// The command's next positional argument (`show BO-2026-0001`).
    Positional,
    /// A `Kind::Bool` as a flag that gives `false` (`no-reallocate`);
    /// without it the operation picks the default.
    Negated(&'static str),
}

impl Param {
    /// An optional parameter taken as `--name <VALUE>`: a count or a
    /// quantity reads `<N>`, a date `<D>`; others name their value with
    /// `value_name`.
    pub const fn new(name: &'static str, kind: Kind, doc: &'static str) -> Self {
        let value_name = match kind {
            Kind::Quantity { .. } | Kind::Count { .. } | Kind::Delta { .. } => "N",
            Kind::Date => "D",
            Kind::Text | Kind::Flag | Kind::Bool | Kind::Choice(_) => "",
        };
        Self {
            name,
            kind,
            doc,
            required: false,
            cli: Cli {
                form: Form::Long(None),
                value_name,
                alias: None,
                conflicts_with: None,
            },
        }
    }

    pub const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    pub const fn value_name(self, value_name: &'static str) -> Self {
        self.cli(Cli {
            value_name,
            ..self.cli
        })
    }

    /// Taken as `--long` rather than the name in kebab case.
    pub const fn long(self, long: &'static str) -> Self {
        self.cli(Cli {
            form: Form::Long(Some(long)),
            ..self.cli
        })
    }

    /// Taken as the next positional argument, shown as `<VALUE_NAME>`.
    pub const fn positional(self, value_name: &'static str) -> Self {
        self.cli(Cli {
            form: Form::Positional,
            value_name,
            ..self.cli
        })
    }

    /// A bool taken as the flag `--long` that turns it off.
    pub const fn negated(self, long: &'static str) -> Self {
        self.cli(Cli {
            form: Form::Negated(long),
            ..self.cli
        })
    }

    pub const fn alias(self, alias: &'static str) -> Self {
        self.cli(Cli {
            alias: Some(alias),
            ..self.cli
        })
    }

    pub const fn conflicts_with(self, other: &'static str) -> Self {
        self.cli(Cli {
            conflicts_with: Some(other),
            ..self.cli
        })
    }

    const fn cli(self, cli: Cli) -> Self {
        Self { cli, ..self }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    /// A date or time, parsed when the request is built.
    Date,
    /// A whole number (u64) within `min..=max`.
    Quantity {
        min: u64,
        max: Option<u64>,
    },
    /// A page size (u32) within `min..=max`.
    Count {
        min: u32,
        max: u32,
    },
    /// A signed whole number (i64) within `-max..=max`: units found or lost.
    Delta {
        max: u64,
    },
    /// A bool defaulting to false; null is refused.
    Flag,
    /// A bool that may be absent or null (the operation picks the default).
    Bool,
    /// A WIT enum by its snake_case name.
    Choice(Choice),
}

/// The names of a WIT enum, taken from its `WireName`.
#[derive(Clone, Copy, Debug)]
pub struct Choice {
    pub what: &'static str,
    pub names: fn() -> Vec<&'static str>,
}

/// The `Kind` of a parameter holding the WIT enum `T`.
pub const fn choice<T: WireName>() -> Kind {
    Kind::Choice(Choice {
        what: T::WHAT,
        names: T::wire_names,
    })
}

/// What every operation declares beside its typed functions.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    /// Offered as an MCP tool. `stock_add` is not: received stock is the
    /// platform's, the reference host's command only stands in for it (a
    /// receipt that allocates is `receive`). A count or correction is, since
    /// deciding who loses reserved units is the component's rule.
    pub tool: bool,
    pub title: &'static str,
    /// What it does, its errors in order, and whether it writes.
    pub description: &'static str,
    pub effect: Effect,
    pub params: &'static [Param],
}

/// One operation, typed: `build` reads the request from checked
/// arguments (dates are parsed here, so a bad one is the call's
/// `invalid_input`), `call` makes the library call, `json` shapes the
/// result (a write's is an object, to which `applied` is added) and
/// `summary` says it in one line.
pub struct Op<Request, Result> {
    pub spec: Spec,
    pub build: fn(&Arguments) -> std::result::Result<Request, CallError>,
    pub call: fn(&Backorders, &Request, Mode) -> std::result::Result<Outcome<Result>, CallError>,
    pub json: fn(&Result) -> Value,
    pub summary: fn(&Result) -> String,
}

/// Operations alike but for their library method (which also names
/// them), their words and their effect: the rest of their entries is said
/// once for the family. `call` names a macro that turns a method into the
/// call; `summary` takes a row's words and the result.
macro_rules! family {
    (
        Op<$request:ty, $result:ty> { tool: $tool:literal, params: $params:expr,
            build: $build:expr, call: $call:ident!, json: $json:expr, summary: $summary:expr }
        $($static:ident = $method:ident, $words:literal, $effect:expr, $title:literal,
            $description:literal;)*
    ) => {$(
        pub static $static: Op<$request, $result> = Op {
            spec: Spec {
                name: stringify!($method),
                tool: $tool,
                title: $title,
                description: $description,
                effect: $effect,
                params: $params,
            },
            build: $build,
            call: $call!($method),
            json: $json,
            summary: |result| ($summary)($words, result),
        };
    )*};
}
use family;

/// A read's outcome, so that reads and writes share one signature.
pub(crate) fn read<T>(value: Result<T, CallError>) -> Result<Outcome<T>, CallError> {
    value.map(|value| Outcome {
        value,
        applied: false,
    })
}

/// A call's result: the JSON of `backorders --json` and a summary line.
#[derive(Debug)]
pub struct Reply {
    pub value: Value,
    pub summary: String,
    /// Whether a write committed; reads are `None`.
    pub applied: Option<bool>,
}

impl<Request, Result> Op<Request, Result> {
    /// The JSON of a result: a write's fields plus `applied`, a read's
    /// value.
    pub fn render(&self, outcome: &Outcome<Result>) -> Value {
        let value = (self.json)(&outcome.value);
        match self.spec.effect {
            Effect::Write { .. } => json::write_result(json::object(value), outcome.applied),
            Effect::Read => value,
        }
    }
}

/// An operation with its types erased, for the table.
pub trait Operation: Sync {
    fn spec(&self) -> &Spec;
    /// Builds the request from `arguments` (checked against `spec().params`),
    /// runs it and shapes the reply. Reads ignore `mode`.
    fn run(
        &self,
        backorders: &Backorders,
        arguments: &Arguments,
        mode: Mode,
    ) -> Result<Reply, CallError>;

    /// Checks `values` against the parameters.
    fn arguments(&self, values: Map<String, Value>) -> Result<Arguments, ArgumentError> {
        Arguments::check(self.spec().params, values)
    }
}

impl<Request, Result> Operation for Op<Request, Result>
where
    Self: Sync,
{
    fn spec(&self) -> &Spec {
        &self.spec
    }

    fn run(
        &self,
        backorders: &Backorders,
        arguments: &Arguments,
        mode: Mode,
    ) -> std::result::Result<Reply, CallError> {
        let request = (self.build)(arguments)?;
        let outcome = (self.call)(backorders, &request, mode)?;
        Ok(Reply {
            value: self.render(&outcome),
            summary: (self.summary)(&outcome.value),
            applied: match self.spec.effect {
                Effect::Read => None,
                Effect::Write { .. } => Some(outcome.applied),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_parameter_is_documented() {
        let mut names: Vec<&str> = ALL.iter().map(|operation| operation.spec().name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for operation in ALL {
            let spec = operation.spec();
            assert!(spec.description.len() > 40, "{}", spec.name);
            for param in spec.params {
                assert!(!param.doc.is_empty(), "{}.{}", spec.name, param.name);
            }
        }
    }
}
