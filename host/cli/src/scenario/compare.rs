//! Expected against actual JSON, as a list of differences a person can act
//! on: where (`lines[1].allocated`), what was expected, what came.

use serde::Serialize;
use serde_json::{Map, Value};

use super::references::join;
use backorders_host::dates;

/// One place where the actual JSON is not what was expected; its JSON in
/// the run report is its fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// What was compared: `result`, `error`, `backorder BO-2026-0001`,
    /// `summary`, `sku summary WIDGET-001`, `stock WIDGET-001`.
    pub subject: String,
    /// Where in it (`status`, `lines[0].allocated`); empty for the whole.
    pub path: String,
    /// None: the actual has something not expected (`expect_exact`).
    pub expected: Option<Value>,
    /// None: the actual lacks it.
    pub actual: Option<Value>,
    /// What else helps: the fields it does have, the lengths that differ.
    pub note: Option<String>,
}

/// Compares `actual` with `expected`: objects by the keys expected (all of
/// them and no others when `exact`), arrays element by element and of the
/// same length, times as times, everything else as equal JSON.
pub(crate) fn compare(
    subject: &str,
    expected: &Value,
    actual: &Value,
    exact: bool,
) -> Vec<Difference> {
    let mut differences = Vec::new();
    let mut found =
        |path: &str, expected: Option<&Value>, actual: Option<&Value>, note: Option<String>| {
            differences.push(Difference {
                subject: subject.to_owned(),
                path: path.to_owned(),
                expected: expected.cloned(),
                actual: actual.cloned(),
                note,
            })
        };
    walk("", expected, actual, exact, &mut found);
    differences
}

type Found<'a> = dyn FnMut(&str, Option<&Value>, Option<&Value>, Option<String>) + 'a;

fn walk(path: &str, expected: &Value, actual: &Value, exact: bool, found: &mut Found<'_>) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, expected) in expected {
                match actual.get(key) {
                    Some(actual) => walk(&join(path, key), expected, actual, exact, found),
                    None => found(
                        &join(path, key),
                        Some(expected),
                        None,
                        Some(no_such_field(key, actual)),
                    ),
                }
            }
            if exact {
                for (key, actual) in actual
                    .iter()
                    .filter(|(key, _)| !expected.contains_key(*key))
                {
                    found(
                        &join(path, key),
                        None,
                        Some(actual),
                        Some("not expected".into()),
                    );
                }
            }
        }
        (Value::Array(expected_items), Value::Array(actual_items)) => {
            for (index, (expected, actual)) in expected_items.iter().zip(actual_items).enumerate() {
                walk(&format!("{path}[{index}]"), expected, actual, exact, found);
            }
            // Past the shorter one, each element missing or not expected.
            let note = format!(
                "expected {} elements, got {}",
                expected_items.len(),
                actual_items.len()
            );
            let common = expected_items.len().min(actual_items.len());
            for index in common..expected_items.len().max(actual_items.len()) {
                let element = format!("{path}[{index}]");
                found(
                    &element,
                    expected_items.get(index),
                    actual_items.get(index),
                    Some(note.clone()),
                );
            }
        }
        (Value::String(expected_text), Value::String(actual_text))
            if same_time(expected_text, actual_text) => {}
        _ if expected == actual => {}
        _ => found(path, Some(expected), Some(actual), None),
    }
}

/// Both are times, and the same one: `2026-12-01` is
/// `2026-12-01T00:00:00Z`.
fn same_time(expected: &str, actual: &str) -> bool {
    match (
        dates::parse_time("expected", expected),
        dates::parse_time("actual", actual),
    ) {
        (Ok(expected), Ok(actual)) => expected == actual,
        _ => false,
    }
}

/// What to say of a field the actual object lacks: the field meant, when
/// one is a typo away, else the fields there are.
fn no_such_field(key: &str, actual: &Map<String, Value>) -> String {
    let nearest = actual
        .keys()
        .map(|candidate| (edit_distance(key, candidate), candidate))
        .min();
    match nearest {
        Some((distance, candidate)) if distance <= 2 => {
            format!("no such field; did you mean `{candidate}`?")
        }
        _ => {
            let keys: Vec<&str> = actual.keys().map(String::as_str).collect();
            format!("no such field; there are: {}", keys.join(", "))
        }
    }
}

/// Levenshtein distance, for spotting typos in expected field names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_fields_given_are_compared() {
        let actual = json!({"status": "allocated", "quantity_allocated": 10, "notes": null});
        assert!(compare("result", &json!({"status": "allocated"}), &actual, false).is_empty());
        let differences = compare("result", &json!({"status": "pending"}), &actual, false);
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].path, "status");
        assert_eq!(differences[0].actual, Some(json!("allocated")));
    }

    #[test]
    fn a_missing_field_names_the_one_meant_or_lists_the_fields_there_are() {
        let actual = json!({"status": "y", "quantity_remaining": 4});
        let differences = compare("result", &json!({"statsu": "x"}), &actual, false);
        assert_eq!(differences[0].actual, None);
        assert_eq!(
            differences[0].note.as_deref(),
            Some("no such field; did you mean `status`?")
        );
        let differences = compare("result", &json!({"owed": 4}), &actual, false);
        assert_eq!(
            differences[0].note.as_deref(),
            Some("no such field; there are: status, quantity_remaining")
        );
    }

    #[test]
    fn arrays_compare_by_element_and_length() {
        let actual = json!({"lines": [{"allocated": 10}, {"allocated": 5}]});
        let differences = compare(
            "result",
            &json!({"lines": [{"allocated": 10}, {"allocated": 4}]}),
            &actual,
            false,
        );
        assert_eq!(differences[0].path, "lines[1].allocated");
        let differences = compare(
            "result",
            &json!({"lines": [{"allocated": 10}]}),
            &actual,
            false,
        );
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].path, "lines[1]");
        assert_eq!(
            (&differences[0].expected, &differences[0].actual),
            (&None, &Some(json!({"allocated": 5})))
        );
        assert_eq!(
            differences[0].note.as_deref(),
            Some("expected 1 elements, got 2")
        );
    }

    #[test]
    fn exact_comparison_reports_what_was_not_expected() {
        let differences = compare("result", &json!({"a": 1}), &json!({"a": 1, "b": 2}), true);
        assert_eq!(differences[0].path, "b");
        assert_eq!(differences[0].expected, None);
    }

    #[test]
    fn dates_compare_as_times() {
        let actual = json!({"promised_date": "2026-12-01T00:00:00Z"});
        assert!(compare(
            "result",
            &json!({"promised_date": "2026-12-01"}),
            &actual,
            false
        )
        .is_empty());
        assert_eq!(
            compare(
                "result",
                &json!({"promised_date": "2026-12-02"}),
                &actual,
                false
            )
            .len(),
            1
        );
    }
}
