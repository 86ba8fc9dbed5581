//! Running an entry of the operations table from a command: the command's
//! clap arguments, serialized under the parameters' names, are checked
//! and built into the request by the table, and `--json` prints the
//! table's JSON; the command keeps only its human text.

use backorders_cli::operations::{Arguments, Effect, Op};
use backorders_host::names::WireName;
use backorders_host::{CallError, Mode};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::Session;

/// Runs `op` with `args` (a command's clap arguments) and prints its
/// result: the table's JSON with `--json`, else `human`'s text. Reads
/// ignore `mode`.
pub fn run<Request, Result>(
    session: &Session,
    op: &Op<Request, Result>,
    args: &impl Serialize,
    mode: Mode,
    human: impl FnOnce(&Result) -> String,
) -> std::result::Result<(), CallError> {
    let request = (op.build)(&arguments(op, args))?;
    call(session, op, &request, mode, human)
}

/// Runs `op` with a request already built and prints its result.
pub fn call<Request, Result>(
    session: &Session,
    op: &Op<Request, Result>,
    request: &Request,
    mode: Mode,
    human: impl FnOnce(&Result) -> String,
) -> std::result::Result<(), CallError> {
    let outcome = (op.call)(&session.backorders, request, mode)?;
    let value = op.render(&outcome);
    match op.spec.effect {
        Effect::Read => session.out.read(|| value, || human(&outcome.value)),
        Effect::Write { .. } => session
            .out
            .write_value(outcome.applied, value, || human(&outcome.value)),
    }
    Ok(())
}

/// A command's arguments as the table's. Clap has already typed them, so
/// a mismatch is a bug in the command's declaration, not bad input.
fn arguments<Request, Result>(op: &Op<Request, Result>, args: &impl Serialize) -> Arguments {
    let values = match serde_json::to_value(args) {
        Ok(Value::Object(values)) => values,
        other => unreachable!("a command's arguments serialize to an object, not {other:?}"),
    };
    Arguments::check(op.spec.params, values).unwrap_or_else(|error| {
        unreachable!(
            "the arguments of `{}` match its parameters: {error}",
            op.spec.name
        )
    })
}

/// Serializes a WIT enum by its snake_case name, as the table reads it.
pub fn wire<T: WireName, S: Serializer>(
    value: &T,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(value.wire_name())
}

pub fn optional_wire<T: WireName, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    value.map(WireName::wire_name).serialize(serializer)
}

/// Serializes a `--no-…` flag as the parameter it negates.
pub fn negated<S: Serializer>(value: &bool, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_bool(!value)
}

#[cfg(test)]
mod tests {
    use backorders_cli::operations::*;
    use clap::Parser;

    use super::super::{Cli, Command};
    use super::arguments;

    fn parse(line: &str) -> Command {
        let words = std::iter::once("backorders").chain(line.split_whitespace());
        Cli::try_parse_from(words).unwrap().command
    }

    /// Every flag of a command given, so that each lands on a parameter;
    /// a mismatch panics in `arguments`.
    #[test]
    fn every_command_on_the_table_serializes_to_its_parameters() {
        let commands = [
            "create --order O --order-line L --customer C --sku S --quantity 1 --priority high --expected-date 2026-12-01 --promised-date 2026-12-02 --location W --notes n --request-id r --apply",
            "show BO-2026-0001",
            "list --sku S --status pending --priority low --customer C --order O --open --overdue --expected-before 2026-12-01 --limit 5 --cursor c",
            "update BO-2026-0001 --priority high --clear-expected-date --promised-date 2026-12-01 --clear-location --notes n --request-id r --expected-version 3",
            "allocate BO-2026-0001 --quantity 1 --source purchase_order --source-ref PO-1 --location W --lot L --expires-at 2026-12-01 --override-priority --request-id r --expected-version 1",
            "confirm AL-000001 --request-id r --expected-version 1",
            "release AL-000001",
            "extend AL-000001 --expires-at 2026-12-01 --request-id r --expected-version 1",
            "fulfill BO-2026-0001 --quantity 1 --source transfer --source-ref T-1 --by ann --notes n --override-priority --request-id r --expected-version 1",
            "cancel BO-2026-0001 --quantity 1 --reason r --request-id r --expected-version 1",
            "receive --sku S --quantity 3 --location W --policy fifo --source production --source-ref P-1 --expires-at 2026-12-01 --request-id r",
            "allocate-available --sku S --location W --policy fair_share --source-ref PO-1 --expires-at 2026-12-01 --received 2 --request-id r",
            "expire --no-reallocate --request-id r",
            "expect --sku S --quantity 3 --expected-at 2026-12-01 --source purchase_order --source-ref PO-1 --location W --request-id r",
            "expected --sku S",
        ];
        for line in commands {
            match parse(line) {
                Command::Create(args) => drop(arguments(&CREATE_BACKORDER, &args)),
                Command::Show(args) => drop(arguments(&GET_BACKORDER, &args)),
                Command::List(args) => drop(arguments(&LIST_BACKORDERS, &args)),
                Command::Update(args) => drop(arguments(&UPDATE_BACKORDER, &args)),
                Command::Allocate(args) => drop(arguments(&ALLOCATE_BACKORDER, &args)),
                Command::Confirm(args) => drop(arguments(&CONFIRM_ALLOCATION, &args)),
                Command::Release(args) => drop(arguments(&RELEASE_ALLOCATION, &args)),
                Command::Extend(args) => drop(arguments(&EXTEND_ALLOCATION, &args)),
                Command::Fulfill(args) => drop(arguments(&FULFILL_BACKORDER, &args)),
                Command::Cancel(args) => drop(arguments(&CANCEL_BACKORDER, &args)),
                Command::Receive(args) => drop(arguments(&RECEIVE, &args)),
                Command::AllocateAvailable(args) => drop(arguments(&ALLOCATE_AVAILABLE, &args)),
                Command::Expire(args) => {
                    let arguments = arguments(&EXPIRE_ALLOCATIONS, &args);
                    assert_eq!(arguments.get::<bool>("reallocate"), Some(false));
                }
                Command::Expect(args) => drop(arguments(&EXPECT_SUPPLY, &args)),
                Command::Expected(args) => drop(arguments(&LIST_EXPECTED_SUPPLY, &args)),
                other => panic!("{line}: not a table command: {other:?}"),
            }
        }
    }
}
