//! What a run found, per scenario and step: pass or fail, the differences
//! between expected and actual, and what each call cost in the sandbox; as
//! text for people and as JSON for machines.

use serde::Serialize;
use serde_json::Value;

use super::compare::Difference;
use super::parse::{Scenario, ScenarioError, Step};
use backorders_host::CallStats;

/// How one scenario went.
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    /// The file.
    pub origin: String,
    pub name: Option<String>,
    /// Why no step ran, if none did.
    pub setup: Option<SetupFailure>,
    pub steps: Vec<StepReport>,
    pub wall_time_us: u64,
}

/// Why a scenario did not get to its steps.
#[derive(Clone, Debug)]
pub enum SetupFailure {
    /// The file could not be read or is not a valid scenario.
    Invalid(ScenarioError),
    /// The component did not load, or the starting stock could not be set.
    Setup(String),
}

/// How one step went; its JSON in the run report is its fields.
#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    #[serde(rename = "step")]
    pub number: usize,
    pub name: Option<String>,
    pub op: String,
    pub status: StepStatus,
    /// Why it failed other than by differences: the call failed or
    /// succeeded against expectation, a value to save was not there.
    pub problem: Option<String>,
    pub differences: Vec<Difference>,
    /// What its call cost; none when it ran no call of the component.
    #[serde(serialize_with = "cost_json")]
    pub cost: Option<CallStats>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Passed,
    Failed,
    /// An earlier step failed.
    NotRun,
}

impl ScenarioReport {
    pub(crate) fn new(scenario: &Scenario) -> Self {
        Self {
            origin: scenario.origin.clone(),
            name: scenario.name.clone(),
            setup: None,
            steps: Vec::new(),
            wall_time_us: 0,
        }
    }

    pub(crate) fn invalid(origin: String, error: ScenarioError) -> Self {
        Self {
            origin,
            name: None,
            setup: Some(SetupFailure::Invalid(error)),
            steps: Vec::new(),
            wall_time_us: 0,
        }
    }

    /// Every step ran and passed.
    pub fn passed(&self) -> bool {
        self.setup.is_none()
            && self
                .steps
                .iter()
                .all(|step| step.status == StepStatus::Passed)
    }

    /// The file was not a valid scenario.
    pub fn is_invalid(&self) -> bool {
        matches!(self.setup, Some(SetupFailure::Invalid(_)))
    }

    fn count(&self, status: StepStatus) -> usize {
        self.steps
            .iter()
            .filter(|step| step.status == status)
            .count()
    }
}

impl StepReport {
    pub(crate) fn new(step: &Step) -> Self {
        Self {
            number: step.number,
            name: step.name.clone(),
            op: step.op.to_owned(),
            status: StepStatus::Passed,
            problem: None,
            differences: Vec::new(),
            cost: None,
        }
    }

    pub(crate) fn not_run(step: &Step) -> Self {
        Self {
            status: StepStatus::NotRun,
            ..Self::new(step)
        }
    }

    pub(crate) fn failed(mut self, problem: String) -> Self {
        self.status = StepStatus::Failed;
        self.problem = Some(problem);
        self
    }

    /// Passed unless a difference was found.
    pub(crate) fn finish(mut self) -> Self {
        if !self.differences.is_empty() {
            self.status = StepStatus::Failed;
        }
        self
    }
}

/// Longest step name shown in a row; the rest is cut.
const NAME_COLUMN_CHARS: usize = 44;

/// The report for people: a heading per scenario, a row per step with its
/// cost, and under a failed step what to look at.
pub fn human_report(reports: &[ScenarioReport]) -> String {
    let mut text = String::new();
    for report in reports {
        text += &scenario_text(report);
    }
    text += &totals_line(reports);
    text
}

fn scenario_text(report: &ScenarioReport) -> String {
    let verdict = match (&report.setup, report.passed()) {
        (Some(SetupFailure::Invalid(_)), _) => "INVALID",
        (_, true) => "PASS",
        (_, false) => "FAIL",
    };
    let mut text = format!("{verdict}  {}", report.origin);
    if let Some(name) = &report.name {
        text += &format!(": {name}");
    }
    if report.setup.is_none() {
        text += &format!(
            " ({} steps, {})",
            report.steps.len(),
            milliseconds(report.wall_time_us)
        );
    }
    text += "\n";
    match &report.setup {
        Some(SetupFailure::Invalid(error)) => text += &format!("      {}\n", error.placed()),
        Some(SetupFailure::Setup(reason)) => text += &format!("      could not start: {reason}\n"),
        None => {}
    }
    let op_width = report
        .steps
        .iter()
        .map(|step| step.op.len())
        .max()
        .unwrap_or(0);
    let name_width = report
        .steps
        .iter()
        .map(|step| cut(step.name.as_deref().unwrap_or("")).chars().count())
        .max()
        .unwrap_or(0);
    for step in &report.steps {
        let status = match step.status {
            StepStatus::Passed => "ok",
            StepStatus::Failed => "FAIL",
            StepStatus::NotRun => "--",
        };
        let cost = match (step.status, &step.cost) {
            (StepStatus::NotRun, _) => "not run".to_owned(),
            (_, Some(cost)) => cost_text(cost),
            (_, None) => "no component call".to_owned(),
        };
        let name = cut(step.name.as_deref().unwrap_or(""));
        let row = format!(
            "  {:>3}  {status:<4}  {:<op_width$}  {name:<name_width$}  {cost}",
            step.number, step.op
        );
        text += row.trim_end();
        text += "\n";
        if let Some(problem) = &step.problem {
            text += &format!("        {problem}\n");
        }
        for difference in &step.differences {
            text += &format!("        {}\n", difference_text(difference));
        }
    }
    text
}

/// `in result, status: expected "fulfilled", got "partially_fulfilled"`.
pub(crate) fn difference_text(difference: &Difference) -> String {
    let place = if difference.path.is_empty() {
        format!("in {}", difference.subject)
    } else {
        format!("in {}, {}", difference.subject, difference.path)
    };
    let shown = |value: &Option<Value>| {
        value
            .as_ref()
            .map_or_else(|| "nothing".to_owned(), Value::to_string)
    };
    let note = difference
        .note
        .as_ref()
        .map_or_else(String::new, |note| format!(" ({note})"));
    format!(
        "{place}: expected {}, got {}{note}",
        shown(&difference.expected),
        shown(&difference.actual)
    )
}

fn cut(name: &str) -> String {
    if name.chars().count() <= NAME_COLUMN_CHARS {
        name.to_owned()
    } else {
        let kept: String = name.chars().take(NAME_COLUMN_CHARS - 1).collect();
        format!("{kept}…")
    }
}

/// `fuel 1,234,567  peak 1.1 MiB  0.52 ms`
fn cost_text(cost: &CallStats) -> String {
    let fuel = cost.fuel_consumed.map_or_else(
        || "fuel -".to_owned(),
        |fuel| format!("fuel {}", thousands(fuel)),
    );
    format!(
        "{fuel}  peak {}  {}",
        bytes(cost.peak_memory_bytes),
        milliseconds(cost.wall_time_us)
    )
}

fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

fn bytes(count: u64) -> String {
    const KIB: f64 = 1024.0;
    let count = count as f64;
    if count >= KIB * KIB {
        format!("{:.1} MiB", count / (KIB * KIB))
    } else {
        format!("{:.0} KiB", count / KIB)
    }
}

fn milliseconds(microseconds: u64) -> String {
    format!("{:.2} ms", microseconds as f64 / 1000.0)
}

fn totals_line(reports: &[ScenarioReport]) -> String {
    let passed = reports.iter().filter(|report| report.passed()).count();
    let invalid = reports.iter().filter(|report| report.is_invalid()).count();
    let failed = reports.len() - passed - invalid;
    let steps = |status| {
        reports
            .iter()
            .map(|report| report.count(status))
            .sum::<usize>()
    };
    let mut line = format!(
        "{} scenarios: {passed} passed, {failed} failed",
        reports.len()
    );
    if invalid > 0 {
        line += &format!(", {invalid} invalid");
    }
    line += &format!(
        "; steps: {} passed, {} failed, {} not run\n",
        steps(StepStatus::Passed),
        steps(StepStatus::Failed),
        steps(StepStatus::NotRun)
    );
    line
}

/// The report for machines: one JSON value.
pub fn json_report(reports: &[ScenarioReport]) -> Value {
    let passed = reports.iter().filter(|report| report.passed()).count();
    let invalid = reports.iter().filter(|report| report.is_invalid()).count();
    let run = RunJson {
        passed: passed == reports.len(),
        scenarios: reports.iter().map(ScenarioJson::of).collect(),
        totals: TotalsJson {
            scenarios: reports.len(),
            passed,
            failed: reports.len() - passed - invalid,
            invalid,
        },
    };
    serde_json::to_value(run).expect("a run report is plain JSON")
}

/// `json_report`'s shape: the verdict, each scenario, the counts.
#[derive(Serialize)]
struct RunJson<'a> {
    passed: bool,
    scenarios: Vec<ScenarioJson<'a>>,
    totals: TotalsJson,
}

#[derive(Serialize)]
struct TotalsJson {
    scenarios: usize,
    passed: usize,
    failed: usize,
    invalid: usize,
}

#[derive(Serialize)]
struct ScenarioJson<'a> {
    file: &'a str,
    name: &'a Option<String>,
    passed: bool,
    error: Option<SetupJson<'a>>,
    wall_time_us: u64,
    steps: &'a [StepReport],
}

/// Why a scenario did not get to its steps, by `kind`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SetupJson<'a> {
    Invalid {
        step: Option<usize>,
        field: &'a Option<String>,
        message: &'a str,
    },
    Setup {
        message: &'a str,
    },
}

impl<'a> ScenarioJson<'a> {
    fn of(report: &'a ScenarioReport) -> Self {
        let error = report.setup.as_ref().map(|setup| match setup {
            SetupFailure::Invalid(error) => SetupJson::Invalid {
                step: error.step.as_ref().map(|(number, _)| *number),
                field: &error.field,
                message: &error.message,
            },
            SetupFailure::Setup(reason) => SetupJson::Setup { message: reason },
        });
        Self {
            file: &report.origin,
            name: &report.name,
            passed: report.passed(),
            error,
            wall_time_us: report.wall_time_us,
            steps: &report.steps,
        }
    }
}

/// A call's cost as the JSON report shows it: the figures the text report
/// shows too.
fn cost_json<S: serde::Serializer>(
    cost: &Option<CallStats>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct CostJson {
        fuel_consumed: Option<u64>,
        peak_memory_bytes: u64,
        wall_time_us: u64,
    }
    let shown = cost.map(|cost| CostJson {
        fuel_consumed: cost.fuel_consumed,
        peak_memory_bytes: cost.peak_memory_bytes,
        wall_time_us: cost.wall_time_us,
    });
    shown.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn figures_read_easily() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(123), "123");
        assert_eq!(bytes(1_179_648), "1.1 MiB");
        assert_eq!(bytes(65_536), "64 KiB");
        assert_eq!(milliseconds(520), "0.52 ms");
    }

    #[test]
    fn a_difference_names_the_subject_the_field_and_both_values() {
        let difference = Difference {
            subject: "result".into(),
            path: "status".into(),
            expected: Some(json!("fulfilled")),
            actual: Some(json!("partially_fulfilled")),
            note: None,
        };
        assert_eq!(
            difference_text(&difference),
            r#"in result, status: expected "fulfilled", got "partially_fulfilled""#
        );
    }
}
