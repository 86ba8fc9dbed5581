//! Scenario files in: JSON read into a `Scenario`, checked whole before
//! anything runs, so a misspelt operation, argument, enum value or
//! reference in step 12 is reported before step 1 changes anything.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::operations;
use crate::operations::Effect;
use super::references::{self, is_name};
use backorders_host::Timestamp;
use backorders_host::{dates, Mode};

/// A scenario, checked.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Where it came from (the file), for reports.
    pub origin: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The clock when it starts.
    pub now: Timestamp,
    pub stock: Vec<StockLine>,
    pub steps: Vec<Step>,
}

/// Units on hand before the first step.
#[derive(Clone, Debug)]
pub struct StockLine {
    pub sku: String,
    pub location: Option<String>,
    pub quantity: u64,
}

/// One operation with its arguments and what should come of it.
#[derive(Clone, Debug)]
pub struct Step {
    /// 1 for the first step.
    pub number: usize,
    pub name: Option<String>,
    pub op: &'static str,
    /// As written: `$name` references are resolved when the step runs.
    pub args: Map<String, Value>,
    /// The clock from this step on.
    pub now: Option<Timestamp>,
    pub mode: Mode,
    /// (name, path in the result), in name order.
    pub save: Vec<(String, String)>,
    pub expected: Expected,
    /// What must hold after the step, read through other operations.
    pub checks: Vec<Check>,
}

/// How the call itself should end.
#[derive(Clone, Debug)]
pub enum Expected {
    /// It succeeds; with `result`, the result matches it (only the fields
    /// given, or `exact`ly).
    Success { result: Option<Value>, exact: bool },
    /// It fails with an error matching these fields of `json::error`.
    Error(Value),
}

/// An expectation on the state after a step.
#[derive(Clone, Debug)]
pub struct Check {
    pub subject: Subject,
    pub expected: Value,
}

#[derive(Clone, Debug)]
pub enum Subject {
    /// A backorder, by id or `$reference`, as `get_backorder` shows it.
    Backorder(String),
    Summary,
    SkuSummary(String),
    /// A stock row, as `stock_add` shows it; zeros if there is none.
    Stock {
        sku: String,
        location: Option<String>,
    },
}

/// Why a scenario file is not a valid scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub origin: String,
    /// The step (1 for the first) and its name, when the error is in one.
    pub step: Option<(usize, Option<String>)>,
    /// Where in the file or step (`args.quantity`, `expect_stock[0]`).
    pub field: Option<String>,
    pub message: String,
}

impl std::error::Error for ScenarioError {}

impl fmt::Display for ScenarioError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.origin, self.placed())
    }
}

impl ScenarioError {
    /// The error without the file: `step 2 ("ship"): args.qty: unknown field …`.
    pub fn placed(&self) -> String {
        let mut text = String::new();
        if let Some((number, name)) = &self.step {
            text += &format!("step {number}");
            if let Some(name) = name {
                text += &format!(" ({name:?})");
            }
            text += ": ";
        }
        if let Some(field) = &self.field {
            text += &format!("{field}: ");
        }
        text + &self.message
    }

    pub(crate) fn file(origin: &str, message: String) -> Self {
        Self {
            origin: origin.to_owned(),
            step: None,
            field: None,
            message,
        }
    }
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    description: Option<String>,
    now: String,
    #[serde(default)]
    stock: Vec<FileStock>,
    steps: Vec<FileStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStock {
    sku: String,
    location: Option<String>,
    quantity: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStep {
    name: Option<String>,
    op: String,
    #[serde(default)]
    args: Map<String, Value>,
    now: Option<String>,
    #[serde(default)]
    preview: bool,
    #[serde(default)]
    save: BTreeMap<String, String>,
    expect: Option<Value>,
    expect_exact: Option<Value>,
    expect_error: Option<Value>,
    #[serde(default)]
    expect_backorders: Map<String, Value>,
    expect_summary: Option<Value>,
    #[serde(default)]
    expect_sku_summary: Map<String, Value>,
    #[serde(default)]
    expect_stock: Vec<Value>,
}

/// Reads and checks the scenario in `text`; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let raw: Value = serde_json::from_str(text)
        .map_err(|error| ScenarioError::file(origin, format!("not valid JSON: {error}")))?;
    let file: File = serde_path_to_error::deserialize(raw.clone())
        .map_err(|error| shape_error(origin, &raw, &error))?;
    let now = dates::parse_time("now", &file.now).map_err(|error| ScenarioError {
        field: Some("now".into()),
        ..ScenarioError::file(origin, message_of(error))
    })?;
    if file.steps.is_empty() {
        return Err(ScenarioError {
            field: Some("steps".into()),
            ..ScenarioError::file(origin, "a scenario needs at least one step".into())
        });
    }
    let stock = file
        .stock
        .into_iter()
        .map(|line| StockLine {
            sku: line.sku,
            location: line.location,
            quantity: line.quantity,
        })
        .collect();
    let mut saved = BTreeSet::new();
    let mut steps = Vec::new();
    for (index, step) in file.steps.into_iter().enumerate() {
        let context = StepContext {
            origin,
            number: index + 1,
            name: step.name.clone(),
        };
        steps.push(check_step(&context, step, &mut saved)?);
    }
    Ok(Scenario {
        origin: origin.to_owned(),
        name: file.name,
        description: file.description,
        now,
        stock,
        steps,
    })
}

/// A serde error on the file's shape, placed at its step and field.
fn shape_error(
    origin: &str,
    raw: &Value,
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> ScenarioError {
    use serde_path_to_error::Segment;
    let mut segments = error.path().iter().peekable();
    let mut step = None;
    if let (Some(Segment::Map { key }), Some(Segment::Seq { index })) =
        (segments.next(), segments.peek())
    {
        if key == "steps" {
            let name = raw["steps"][*index]["name"].as_str().map(str::to_owned);
            step = Some((index + 1, name));
            segments.next();
        }
    }
    let field: Vec<String> = if step.is_some() {
        segments.map(ToString::to_string).collect()
    } else {
        error.path().iter().map(ToString::to_string).collect()
    };
    ScenarioError {
        origin: origin.to_owned(),
        step,
        field: (!field.is_empty()).then(|| field.join(".")),
        message: error.inner().to_string(),
    }
}

/// A host error's message without the field its `Display` repeats.
fn message_of(error: backorders_host::HostError) -> String {
    match error {
        backorders_host::HostError::InvalidInput { message, .. } => message,
        other => other.to_string(),
    }
}

struct StepContext<'a> {
    origin: &'a str,
    number: usize,
    name: Option<String>,
}

impl StepContext<'_> {
    fn error(&self, field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            origin: self.origin.to_owned(),
            step: Some((self.number, self.name.clone())),
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

fn check_step(
    context: &StepContext<'_>,
    step: FileStep,
    saved: &mut BTreeSet<String>,
) -> Result<Step, ScenarioError> {
    let Some(operation) = operations::find(&step.op) else {
        return Err(context.error(
            "op",
            format!(
                "unknown operation `{}`; expected one of: {}",
                step.op,
                operations::names().join(", ")
            ),
        ));
    };
    let op = operation.spec().name;
    if step.preview && operation.spec().effect == Effect::Read {
        return Err(context.error(
            "preview",
            format!("{op} only reads; there is nothing to preview"),
        ));
    }
    let now = step
        .now
        .as_deref()
        .map(|now| dates::parse_time("now", now))
        .transpose()
        .map_err(|error| context.error("now", message_of(error)))?;

    // References in the arguments must be saved by an earlier step.
    let arguments = Value::Object(step.args.clone());
    check_references(context, &arguments, "args", saved)?;
    check_arguments(context, op, &step.args)?;

    for (name, path) in &step.save {
        if !is_name(name) {
            return Err(context.error(
                format!("save.{name}"),
                "a saved name is a letter or `_`, then letters, digits or `_`",
            ));
        }
        if path.is_empty() {
            return Err(context.error(
                format!("save.{name}"),
                "give the path of a field of the result",
            ));
        }
    }
    // Expectations are checked after the step's own values are saved.
    let mut visible = saved.clone();
    visible.extend(step.save.keys().cloned());

    let expected = expected_outcome(context, &step)?;
    match &expected {
        Expected::Success {
            result: Some(result),
            exact,
        } => {
            let field = if *exact { "expect_exact" } else { "expect" };
            check_references(context, result, field, &visible)?;
        }
        Expected::Success { result: None, .. } => {}
        Expected::Error(error) => check_references(context, error, "expect_error", &visible)?,
    }
    let checks = checks(context, &step, &visible)?;
    saved.extend(step.save.keys().cloned());
    Ok(Step {
        number: context.number,
        name: step.name,
        op,
        args: step.args,
        now,
        mode: if step.preview {
            Mode::Preview
        } else {
            Mode::Apply
        },
        save: step.save.into_iter().collect(),
        expected,
        checks,
    })
}

/// The arguments read as the operation reads them. A reference stands in
/// as its own text; an argument that holds one is checked when it runs.
fn check_arguments(
    context: &StepContext<'_>,
    op: &str,
    arguments: &Map<String, Value>,
) -> Result<(), ScenarioError> {
    let operation = operations::find(op).expect("the step's operation was found");
    match operations::prepare(operation, arguments.clone()) {
        Ok(_) => Ok(()),
        Err(error) => {
            let holds_reference = arguments.get(&error.field).is_some_and(|value| {
                references::references_in(value, "").is_ok_and(|found| !found.is_empty())
            });
            if holds_reference {
                Ok(())
            } else {
                Err(context.error(format!("args.{}", error.field), error.message))
            }
        }
    }
}

fn check_references(
    context: &StepContext<'_>,
    value: &Value,
    field: &str,
    visible: &BTreeSet<String>,
) -> Result<(), ScenarioError> {
    let found = references::references_in(value, field).map_err(|message| {
        let (field, message) = message.split_once(": ").unwrap_or((field, &message));
        context.error(field, message)
    })?;
    for (path, name) in found {
        if !visible.contains(&name) {
            let known = if visible.is_empty() {
                "nothing is saved yet".to_owned()
            } else {
                format!(
                    "saved so far: {}",
                    visible.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            };
            return Err(context.error(
                path,
                format!("`${name}` is not saved by an earlier step ({known})"),
            ));
        }
    }
    Ok(())
}

fn expected_outcome(context: &StepContext<'_>, step: &FileStep) -> Result<Expected, ScenarioError> {
    match (&step.expect, &step.expect_exact, &step.expect_error) {
        (Some(_), Some(_), _) => Err(context.error(
            "expect_exact",
            "give `expect` (the fields given) or `expect_exact` (the whole result), not both",
        )),
        (Some(_), _, Some(_)) | (_, Some(_), Some(_)) => Err(context.error(
            "expect_error",
            "a step expecting an error has no result to expect",
        )),
        (_, _, Some(_)) if !step.save.is_empty() => Err(context.error(
            "save",
            "a step expecting an error has no result to save from",
        )),
        (_, _, Some(error)) => error_fields(context, error).map(Expected::Error),
        (Some(result), None, None) => Ok(Expected::Success {
            result: Some(result.clone()),
            exact: false,
        }),
        (None, exact, None) => Ok(Expected::Success {
            result: exact.clone(),
            exact: true,
        }),
    }
}

/// `"priority_conflict"` or `{"kind": "priority_conflict", …}`.
fn error_fields(context: &StepContext<'_>, error: &Value) -> Result<Value, ScenarioError> {
    match error {
        Value::String(kind) => Ok(serde_json::json!({ "kind": kind })),
        Value::Object(fields) if fields.get("kind").is_some_and(Value::is_string) => {
            Ok(error.clone())
        }
        _ => Err(context.error(
            "expect_error",
            "give the error kind (`\"not_found\"`) or an object with `kind` and the fields to match",
        )),
    }
}

fn checks(
    context: &StepContext<'_>,
    step: &FileStep,
    visible: &BTreeSet<String>,
) -> Result<Vec<Check>, ScenarioError> {
    let mut checks = Vec::new();
    for (id, expected) in &step.expect_backorders {
        let field = format!("expect_backorders.{id}");
        check_references(context, &Value::String(id.clone()), &field, visible)?;
        check_references(context, expected, &field, visible)?;
        checks.push(Check {
            subject: Subject::Backorder(id.clone()),
            expected: expected.clone(),
        });
    }
    if let Some(expected) = &step.expect_summary {
        check_references(context, expected, "expect_summary", visible)?;
        checks.push(Check {
            subject: Subject::Summary,
            expected: expected.clone(),
        });
    }
    for (sku, expected) in &step.expect_sku_summary {
        let field = format!("expect_sku_summary.{sku}");
        check_references(context, expected, &field, visible)?;
        checks.push(Check {
            subject: Subject::SkuSummary(sku.clone()),
            expected: expected.clone(),
        });
    }
    for (index, row) in step.expect_stock.iter().enumerate() {
        let field = format!("expect_stock[{index}]");
        let mut expected = match row {
            Value::Object(fields) => fields.clone(),
            _ => {
                return Err(
                    context.error(field, "give an object with `sku` and the figures to match")
                )
            }
        };
        let sku = match expected.remove("sku") {
            Some(Value::String(sku)) => sku,
            _ => return Err(context.error(format!("{field}.sku"), "give the SKU as a text")),
        };
        let location = match expected.remove("location") {
            None | Some(Value::Null) => None,
            Some(Value::String(location)) => Some(location),
            Some(_) => {
                return Err(context.error(
                    format!("{field}.location"),
                    "give the location as a text, or null",
                ))
            }
        };
        let expected = Value::Object(expected);
        check_references(context, &expected, &field, visible)?;
        checks.push(Check {
            subject: Subject::Stock { sku, location },
            expected,
        });
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The message `scenario` is refused with, checked to say each of
    /// `says`.
    fn refused(scenario: Value, says: &[&str]) -> String {
        let message = parse(&scenario.to_string(), "test.json")
            .unwrap_err()
            .to_string();
        for said in says {
            assert!(message.contains(said), "{message:?} does not say {said:?}");
        }
        message
    }

    fn with_steps(steps: Value) -> Value {
        json!({"now": "2026-11-02", "steps": steps})
    }

    const CREATE: &str = r#"{"op": "create_backorder", "args": {"order_id": "O-1", "customer_id": "C-1", "sku": "W", "quantity": 5}, "save": {"bo1": "backorder_id"}}"#;

    fn create() -> Value {
        serde_json::from_str(CREATE).unwrap()
    }

    #[test]
    fn an_unknown_key_of_a_step_is_refused_naming_the_step() {
        let mut step = create();
        step["name"] = json!("make one");
        step["expect_eror"] = json!("not_found");
        let message = refused(with_steps(json!([step])), &["unknown field `expect_eror`"]);
        assert!(
            message.starts_with("test.json: step 1 (\"make one\"): "),
            "{message}"
        );
    }

    #[test]
    fn an_unknown_operation_lists_the_known_ones() {
        refused(
            with_steps(json!([create(), {"op": "allocate", "args": {}}])),
            &["step 2: op: unknown operation `allocate`", "allocate_backorder"],
        );
    }

    #[test]
    fn a_bad_argument_is_refused_naming_it() {
        let step = json!({"op": "allocate_backorder", "args": {"backorder_id": "$bo1", "qty": 1}});
        refused(
            with_steps(json!([create(), step])),
            &["step 2: args.qty: unknown field `qty`"],
        );
        let step = json!({"op": "list_backorders", "args": {"status": "open"}});
        refused(
            with_steps(json!([step])),
            &["step 1: args.status: unknown status `open`"],
        );
    }

    #[test]
    fn a_reference_must_be_saved_by_an_earlier_step() {
        let step = json!({"op": "get_backorder", "args": {"backorder_id": "$bo2"}});
        refused(
            with_steps(json!([create(), step])),
            &["step 2: args.backorder_id: `$bo2` is not saved by an earlier step (saved so far: bo1)"],
        );
    }

    #[test]
    fn a_step_may_expect_what_it_saves() {
        let mut step = create();
        step["expect_backorders"] = json!({"$bo1": {"status": "pending"}});
        let scenario = parse(&with_steps(json!([step])).to_string(), "test.json").unwrap();
        assert_eq!(scenario.steps[0].checks.len(), 1);
    }

    #[test]
    fn malformed_dates_and_missing_clock_are_refused() {
        refused(
            json!({"now": "tomorrow", "steps": [create()]}),
            &["now: `tomorrow`"],
        );
        refused(json!({"steps": [create()]}), &["missing field `now`"]);
    }
}
