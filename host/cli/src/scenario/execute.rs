//! Runs a checked scenario on a fresh temporary database: the starting
//! clock and stock, then each step — its call, what it saves, what it
//! expects — until one fails.

use std::time::Instant;

use serde_json::Value;

use super::compare::{compare, Difference};
use super::operations;
use super::parse::{Check, Expected, Scenario, Step, Subject};
use super::references::Saved;
use super::report::{ScenarioReport, SetupFailure, StepReport, StepStatus};
use super::RunOptions;
use backorders_host::StockLevel;
use crate::json;
use backorders_host::{Backorders, CallError, Mode};

/// Runs `scenario` against the component `options` name.
pub fn run(scenario: &Scenario, options: &RunOptions) -> ScenarioReport {
    let started = Instant::now();
    let mut report = ScenarioReport::new(scenario);
    // The scenario's own database, removed with the directory: the user's
    // database is never named, let alone opened.
    let directory = match tempfile::Builder::new()
        .prefix("backorders-scenario-")
        .tempdir()
    {
        Ok(directory) => directory,
        Err(error) => {
            report.setup = Some(SetupFailure::Setup(format!(
                "cannot create a temporary database: {error}"
            )));
            return report;
        }
    };
    let mut backorders = options.open(directory.path().join("scenario.db"), scenario.now);
    if let Err(failure) = set_up(&mut backorders, scenario) {
        report.setup = Some(SetupFailure::Setup(failure));
        report.steps = scenario.steps.iter().map(StepReport::not_run).collect();
        return report;
    }
    let mut saved = Saved::default();
    let mut stopped = false;
    for step in &scenario.steps {
        let step_report = if stopped {
            StepReport::not_run(step)
        } else {
            run_step(&mut backorders, step, &mut saved)
        };
        stopped |= step_report.status == StepStatus::Failed;
        report.steps.push(step_report);
    }
    report.wall_time_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    report
}

/// The component loaded and the starting stock set.
fn set_up(backorders: &mut Backorders, scenario: &Scenario) -> Result<(), String> {
    backorders
        .load_component()
        .map_err(|error| error.to_string())?;
    for line in &scenario.stock {
        backorders
            .stock_set(
                &line.sku,
                line.location.as_deref(),
                line.quantity,
                Mode::Apply,
            )
            .map_err(|error| format!("stock of {}: {error}", line.sku))?;
    }
    Ok(())
}

fn run_step(backorders: &mut Backorders, step: &Step, saved: &mut Saved) -> StepReport {
    let mut report = StepReport::new(step);
    if let Some(now) = step.now {
        backorders.pin_clock(now);
    }
    let call = saved
        .resolve(&Value::Object(step.args.clone()))
        .map_err(|error| format!("args.{error}"))
        .and_then(|arguments| match arguments {
            Value::Object(arguments) => operations::prepare(
                operations::find(step.op).expect("the step's operation was checked"),
                arguments,
            )
                .map_err(|error| format!("args.{}: {}", error.field, error.message)),
            other => unreachable!("the arguments object resolved to {other}"),
        });
    let call = match call {
        Ok(call) => call,
        Err(problem) => return report.failed(problem),
    };
    // Taken before so that a call that never reached the component (a host
    // operation, a host-side refusal) shows no cost of an earlier one.
    backorders.take_last_call_stats();
    let result = call(backorders, step.mode);
    report.cost = backorders.take_last_call_stats();

    match (&step.expected, result) {
        (
            Expected::Success {
                result: expected,
                exact,
            },
            Ok(actual),
        ) => {
            for (name, path) in &step.save {
                match lookup(&actual, path) {
                    Some(value) if !value.is_null() => saved.insert(name, value.clone()),
                    found => {
                        let what = if found.is_some() {
                            "is null"
                        } else {
                            "does not exist"
                        };
                        let problem =
                            format!("save {name}: `{path}` {what} in the result: {actual}");
                        return report.failed(problem);
                    }
                }
            }
            if let Some(expected) = expected {
                match saved.resolve(expected) {
                    Ok(expected) => report
                        .differences
                        .extend(compare("result", &expected, &actual, *exact)),
                    Err(problem) => return report.failed(problem),
                }
            }
        }
        (Expected::Success { .. }, Err(error)) => {
            let problem = format!(
                "expected the call to succeed; it failed: {error}: {}",
                json::error(&error)["error"]
            );
            return report.failed(problem);
        }
        (Expected::Error(expected), Err(error)) => match saved.resolve(expected) {
            Ok(expected) => {
                let actual = &json::error(&error)["error"];
                report
                    .differences
                    .extend(compare("error", &expected, actual, false));
            }
            Err(problem) => return report.failed(problem),
        },
        (Expected::Error(expected), Ok(actual)) => {
            let problem =
                format!("expected the call to fail with {expected}; it succeeded: {actual}");
            return report.failed(problem);
        }
    }
    for check in &step.checks {
        match observe(backorders, check, saved) {
            Ok(differences) => report.differences.extend(differences),
            Err(problem) => return report.failed(problem),
        }
    }
    report.finish()
}

/// Reads what `check` is about and compares it.
fn observe(
    backorders: &mut Backorders,
    check: &Check,
    saved: &Saved,
) -> Result<Vec<Difference>, String> {
    let expected = saved.resolve(&check.expected)?;
    let (subject, actual) = match &check.subject {
        Subject::Backorder(id) => {
            let resolved = saved.resolve_text(id)?;
            let subject = if resolved == *id {
                format!("backorder {id}")
            } else {
                format!("backorder {id} = {resolved}")
            };
            (
                subject.clone(),
                read(
                    &subject,
                    backorders
                        .get_backorder(&resolved)
                        .map(|detail| json::detail(&detail)),
                )?,
            )
        }
        Subject::Summary => {
            let subject = "summary".to_owned();
            (
                subject.clone(),
                read(
                    &subject,
                    backorders
                        .backorder_summary()
                        .map(|summary| json::summary(&summary)),
                )?,
            )
        }
        Subject::SkuSummary(sku) => {
            let sku = saved.resolve_text(sku)?;
            let subject = format!("sku summary {sku}");
            let summary = backorders
                .sku_summary(&sku)
                .map(|summary| json::sku_summary(&summary));
            (subject.clone(), read(&subject, summary)?)
        }
        Subject::Stock { sku, location } => {
            let subject = match location {
                Some(location) => format!("stock {sku} at {location}"),
                None => format!("stock {sku}"),
            };
            let levels = read(&subject, backorders.stock_show(Some(sku)))?;
            let level = levels
                .into_iter()
                .find(|level| level.location == *location)
                .unwrap_or_else(|| StockLevel {
                    sku: sku.clone(),
                    location: location.clone(),
                    on_hand: 0,
                    reserved: 0,
                });
            (subject, Value::Object(json::stock_level(&level)))
        }
    };
    Ok(compare(&subject, &expected, &actual, false))
}

fn read<T>(subject: &str, result: Result<T, CallError>) -> Result<T, String> {
    result.map_err(|error| format!("{subject}: could not be read: {error}"))
}

/// The value at `path` (`allocation.allocation_id`, `lines.0.allocation_id`).
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |value, segment| match value {
            Value::Object(fields) => fields.get(segment),
            Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_walks_objects_and_arrays() {
        let value =
            json!({"lines": [{"allocation_id": "AL-000001"}], "backorder_id": "BO-2026-0001"});
        assert_eq!(lookup(&value, "backorder_id"), Some(&json!("BO-2026-0001")));
        assert_eq!(
            lookup(&value, "lines.0.allocation_id"),
            Some(&json!("AL-000001"))
        );
        assert_eq!(lookup(&value, "lines.1.allocation_id"), None);
        assert_eq!(lookup(&value, "lines.x"), None);
    }
}
