//! The operations table as commands. Each table command's flags are built
//! from its operation's parameters (`Param::cli` says how the command line
//! takes each), the matches are checked into the table's `Arguments` as
//! the MCP server's are, the table builds and runs the request, and
//! `--json` prints the table's JSON; the command keeps only its name and
//! its human text (`super::commands`).

use std::fmt;
use std::marker::PhantomData;

use backorders_cli::operations::{Arguments, Effect, Form, Kind, Op, Param, Spec};
use backorders_host::{CallError, Mode};
use clap::builder::PossibleValuesParser;
use clap::error::ErrorKind;
use clap::{value_parser, Arg, ArgAction, ArgMatches, FromArgMatches};
use serde_json::{Map, Value};

use super::Session;

/// The flag every writing command takes.
const APPLY: &str = "apply";

/// An operation of the table as a command: its name on the command line
/// and the human text of its result.
pub struct Entry<Request: 'static, Result: 'static> {
    pub name: &'static str,
    pub op: &'static Op<Request, Result>,
    pub human: fn(&Result) -> String,
}

impl<Request, Result> Entry<Request, Result> {
    pub const fn new(
        name: &'static str,
        op: &'static Op<Request, Result>,
        human: fn(&Result) -> String,
    ) -> Self {
        Self { name, op, human }
    }

    /// Runs the operation with a request already built and prints its
    /// result: the table's JSON with `--json`, else the human text. Reads
    /// ignore `mode`. Returns the result, for a caller that judges it.
    pub fn call(
        &self,
        session: &Session,
        request: &Request,
        mode: Mode,
    ) -> std::result::Result<Result, CallError> {
        let outcome = (self.op.call)(&session.backorders, request, mode)?;
        let value = self.op.render(&outcome);
        let human = || (self.human)(&outcome.value);
        match self.op.spec.effect {
            Effect::Read => session.out.read(|| value, human),
            Effect::Write { .. } => session.out.write(outcome.applied, value, human),
        }
        Ok(outcome.value)
    }
}

/// An entry with its types erased, for the lists of commands.
pub trait Command: Sync {
    fn name(&self) -> &'static str;
    fn spec(&self) -> &'static Spec;
    /// Builds the request from checked arguments, runs it and prints it.
    fn run(&self, session: &Session, arguments: &Arguments, mode: Mode) -> Result<(), CallError>;
}

impl<Request, Result> Command for Entry<Request, Result>
where
    Self: Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn spec(&self) -> &'static Spec {
        &self.op.spec
    }

    fn run(
        &self,
        session: &Session,
        arguments: &Arguments,
        mode: Mode,
    ) -> std::result::Result<(), CallError> {
        let request = (self.op.build)(arguments)?;
        self.call(session, &request, mode).map(drop)
    }
}

/// A list of table commands under one parent (`backorders`,
/// `backorders stock`).
pub trait Group: 'static {
    fn commands() -> &'static [&'static dyn Command];
}

/// The table command a command line named, with its checked arguments:
/// a clap subcommand of the group `G`, flattened into a derived one.
pub struct Table<G> {
    command: &'static dyn Command,
    arguments: Arguments,
    mode: Mode,
    group: PhantomData<G>,
}

impl<G> Table<G> {
    pub fn run(&self, session: &Session) -> Result<(), CallError> {
        self.command.run(session, &self.arguments, self.mode)
    }
}

impl<G> fmt::Debug for Table<G> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Table")
            .field("command", &self.command.name())
            .field("arguments", &self.arguments)
            .field("mode", &self.mode)
            .finish()
    }
}

fn find<G: Group>(name: &str) -> Option<&'static dyn Command> {
    G::commands()
        .iter()
        .copied()
        .find(|command| command.name() == name)
}

impl<G: Group> clap::Subcommand for Table<G> {
    fn augment_subcommands(parent: clap::Command) -> clap::Command {
        parent.subcommands(G::commands().iter().map(|command| subcommand(*command)))
    }

    fn augment_subcommands_for_update(parent: clap::Command) -> clap::Command {
        Self::augment_subcommands(parent)
    }

    fn has_subcommand(name: &str) -> bool {
        find::<G>(name).is_some()
    }
}

impl<G: Group> FromArgMatches for Table<G> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, matches)) = matches.subcommand() else {
            return Err(clap::Error::raw(
                ErrorKind::MissingSubcommand,
                "a subcommand is required but one was not provided",
            ));
        };
        let Some(command) = find::<G>(name) else {
            return Err(clap::Error::raw(
                ErrorKind::InvalidSubcommand,
                format!("the subcommand '{name}' wasn't recognized"),
            ));
        };
        let spec = command.spec();
        let values: Map<String, Value> = spec
            .params
            .iter()
            .filter_map(|param| Some((param.name.to_owned(), value(param, matches)?)))
            .collect();
        // Clap has typed every value, so a refusal here is a bug in the
        // declaration; it is still reported, not a panic.
        let arguments = Arguments::check(spec.params, values)
            .map_err(|error| clap::Error::raw(ErrorKind::ValueValidation, error))?;
        let mode = match spec.effect {
            Effect::Write { .. } if matches.get_flag(APPLY) => Mode::Apply,
            Effect::Write { .. } | Effect::Read => Mode::Preview,
        };
        Ok(Self {
            command,
            arguments,
            mode,
            group: PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// A command's flags: one per parameter, then `--apply` if it writes.
fn subcommand(command: &dyn Command) -> clap::Command {
    let spec = command.spec();
    let subcommand = clap::Command::new(command.name())
        .about(spec.title)
        .args(spec.params.iter().map(arg));
    match spec.effect {
        Effect::Read => subcommand,
        Effect::Write { .. } => subcommand.arg(
            Arg::new(APPLY)
                .long(APPLY)
                .action(ArgAction::SetTrue)
                .help("Apply the change; without it the command only shows what would happen"),
        ),
    }
}

/// A parameter as clap takes it, typed as the table reads it.
pub(super) fn arg(param: &Param) -> Arg {
    let cli = &param.cli;
    let arg = Arg::new(param.name)
        .help(param.doc)
        .required(param.required);
    let arg = match long(param) {
        Some(long) => arg.long(long),
        None => arg,
    };
    let valued = |arg: Arg| arg.value_name(cli.value_name).action(ArgAction::Set);
    let arg = match param.kind {
        Kind::Text | Kind::Date => valued(arg).value_parser(value_parser!(String)),
        Kind::Quantity { .. } => valued(arg).value_parser(value_parser!(u64)),
        Kind::Count { .. } => valued(arg).value_parser(value_parser!(u32)),
        Kind::Delta { .. } => valued(arg)
            .value_parser(value_parser!(i64))
            .allow_negative_numbers(true),
        Kind::Choice(choice) => {
            valued(arg).value_parser(PossibleValuesParser::new((choice.names)()))
        }
        Kind::Flag | Kind::Bool => arg.action(ArgAction::SetTrue),
    };
    let arg = match cli.alias {
        Some(alias) => arg.visible_alias(alias),
        None => arg,
    };
    match cli.conflicts_with {
        Some(other) => arg.conflicts_with(other),
        None => arg,
    }
}

/// The long flag of `param`; `None` for a positional one.
fn long(param: &Param) -> Option<String> {
    match param.cli.form {
        Form::Long(Some(long)) | Form::Negated(long) => Some(long.to_owned()),
        Form::Long(None) => Some(param.name.replace('_', "-")),
        Form::Positional => None,
    }
}

/// The value of `param` on the command line, as the table's JSON; `None`
/// when not given (a flag not given is its default).
pub(super) fn value(param: &Param, matches: &ArgMatches) -> Option<Value> {
    match param.kind {
        Kind::Text | Kind::Date | Kind::Choice(_) => matches
            .get_one::<String>(param.name)
            .map(|text| Value::from(text.as_str())),
        Kind::Quantity { .. } => matches.get_one::<u64>(param.name).map(|&n| n.into()),
        Kind::Count { .. } => matches.get_one::<u32>(param.name).map(|&n| n.into()),
        Kind::Delta { .. } => matches.get_one::<i64>(param.name).map(|&n| n.into()),
        Kind::Flag | Kind::Bool => matches
            .get_flag(param.name)
            .then(|| Value::Bool(!matches!(param.cli.form, Form::Negated(_)))),
    }
}

#[cfg(test)]
mod tests {
    use backorders_cli::operations::{self, Effect, Form, Kind, Param, CHECK_INTEGRITY};
    use backorders_host::Mode;
    use clap::{FromArgMatches, Parser, Subcommand};
    use serde_json::Value;

    use super::super::commands::{Stock, Top};
    use super::super::{Cli, Command};
    use super::{Group, Table};

    /// A value of `param`'s kind as the table holds it, and the words
    /// that give it on the command line.
    fn sample(param: &Param) -> (Value, Vec<String>) {
        let value: Value = match param.kind {
            Kind::Text | Kind::Date => format!("{}-1", param.name).into(),
            Kind::Quantity { .. } | Kind::Count { .. } => 7.into(),
            Kind::Delta { .. } => (-7).into(),
            Kind::Choice(choice) => (*(choice.names)().last().expect("an enum has names")).into(),
            Kind::Flag | Kind::Bool => (!matches!(param.cli.form, Form::Negated(_))).into(),
        };
        let typed = match &value {
            Value::Bool(_) => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        };
        let words = super::long(param)
            .map(|flag| format!("--{flag}"))
            .into_iter()
            .chain(typed)
            .collect();
        (value, words)
    }

    /// Each command of `G` with its required parameters and one more
    /// (and `--apply` if it writes): the table's arguments hold each
    /// value given.
    fn reach_every_parameter<G: Group>(reached: &mut Vec<&'static str>) {
        for command in G::commands() {
            let spec = command.spec();
            reached.push(spec.name);
            for param in spec.params {
                let takes_value = !matches!(param.kind, Kind::Flag | Kind::Bool);
                let named = !param.cli.value_name.is_empty();
                assert_eq!(
                    takes_value, named,
                    "{}.{}: a placeholder",
                    spec.name, param.name
                );
            }
            let write = matches!(spec.effect, Effect::Write { .. });
            let required = spec.params.iter().filter(|param| param.required);
            let required: Vec<String> = required.flat_map(|param| sample(param).1).collect();
            for param in spec.params {
                let mut line = vec!["backorders".to_owned(), command.name().to_owned()];
                line.extend(required.iter().cloned());
                if !param.required {
                    line.extend(sample(param).1);
                }
                if write {
                    line.push("--apply".into());
                }
                let parser = Table::<G>::augment_subcommands(clap::Command::new("backorders"));
                let matches = parser
                    .try_get_matches_from(&line)
                    .unwrap_or_else(|error| panic!("{line:?}: {error}"));
                let table = Table::<G>::from_arg_matches(&matches).expect("the line parsed");
                assert_eq!(table.command.name(), command.name());
                let given = table.arguments.get::<Value>(param.name);
                assert_eq!(given, Some(sample(param).0), "{line:?}: {}", param.name);
                let mode = if write { Mode::Apply } else { Mode::Preview };
                assert_eq!(table.mode, mode, "{line:?}");
            }
        }
    }

    /// Every operation is one command (`check_integrity` is `backorders
    /// check`, which also sets the exit code), reachable with every
    /// parameter.
    #[test]
    fn every_table_operation_is_reachable_from_the_cli_with_every_parameter() {
        let mut reached = vec![CHECK_INTEGRITY.spec.name];
        reach_every_parameter::<Top>(&mut reached);
        reach_every_parameter::<Stock>(&mut reached);
        reached.sort_unstable();
        let mut all: Vec<&str> = operations::ALL
            .iter()
            .map(|operation| operation.spec().name)
            .collect();
        all.sort_unstable();
        assert_eq!(reached, all);
    }

    /// The command lines the table commands have always taken still parse
    /// through the whole command line into them.
    #[test]
    fn the_table_commands_take_their_flags_as_before() {
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
            "expect --sku S --quantity 3 --date 2026-12-01 --source purchase_order --source-ref PO-1 --location W --request-id r",
            "expected --sku S",
            "summary",
            "sku-summary S",
        ];
        for line in commands {
            let words = std::iter::once("backorders").chain(line.split_whitespace());
            let cli = Cli::try_parse_from(words).unwrap_or_else(|error| panic!("{line}: {error}"));
            let Command::Table(table) = cli.command else {
                panic!("{line}: not a table command")
            };
            assert!(line.starts_with(table.command.name()), "{line}");
        }
        let expire = Cli::try_parse_from(["backorders", "expire", "--no-reallocate"]).unwrap();
        let Command::Table(table) = expire.command else {
            panic!("expire is a table command")
        };
        assert_eq!(table.arguments.get::<bool>("reallocate"), Some(false));
    }
}
