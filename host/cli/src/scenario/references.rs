//! `$name` references: values a step saved from its result (ids, mostly),
//! used by later steps in their arguments and expectations.

use std::collections::BTreeMap;

use serde_json::Value;

/// The reference a string makes: `"$bo1"` names `bo1`; `"$$x"` is the
/// literal `$x`, and any other string is itself.
pub(crate) enum Text<'a> {
    Reference(&'a str),
    Literal(&'a str),
}

pub(crate) fn text(string: &str) -> Result<Text<'_>, String> {
    if string.starts_with("$$") {
        // The first `$` escapes the second.
        return Ok(Text::Literal(&string[1..]));
    }
    match string.strip_prefix('$') {
        None => Ok(Text::Literal(string)),
        Some(name) if is_name(name) => Ok(Text::Reference(name)),
        Some(_) => Err(format!(
            "`{string}` is not a reference: write `$` and a name of letters, digits and `_`, or `$$` for a literal `$`"
        )),
    }
}

/// A name `save` may give: a letter or `_`, then letters, digits or `_`.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every reference in `value`, with where it stands (`quantity`,
/// `lines[0].backorder_id`).
pub(crate) fn references_in(value: &Value, path: &str) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    walk(value, path, &mut found)?;
    Ok(found)
}

fn walk(value: &Value, path: &str, found: &mut Vec<(String, String)>) -> Result<(), String> {
    match value {
        Value::String(string) => match text(string).map_err(|error| at(path, &error))? {
            Text::Reference(name) => found.push((path.to_owned(), name.to_owned())),
            Text::Literal(_) => {}
        },
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{index}]"), found)?;
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                walk(item, &join(path, key), found)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// `path.key`, or `key` at the top.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn at(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    }
}

/// The values saved so far in a scenario run.
#[derive(Default)]
pub(crate) struct Saved {
    values: BTreeMap<String, Value>,
}

impl Saved {
    pub(crate) fn insert(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_owned(), value);
    }

    /// `value` with every reference replaced by what it names.
    pub(crate) fn resolve(&self, value: &Value) -> Result<Value, String> {
        self.resolve_at(value, "")
    }

    fn resolve_at(&self, value: &Value, path: &str) -> Result<Value, String> {
        Ok(match value {
            Value::String(string) => match text(string).map_err(|error| at(path, &error))? {
                Text::Reference(name) => self.get(name).map_err(|error| at(path, &error))?.clone(),
                Text::Literal(literal) => Value::String(literal.to_owned()),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| self.resolve_at(item, &format!("{path}[{index}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, item)| Ok((key.clone(), self.resolve_at(item, &join(path, key))?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    /// The text a reference or a literal stands for (a backorder id, a SKU).
    pub(crate) fn resolve_text(&self, string: &str) -> Result<String, String> {
        match text(string)? {
            Text::Literal(literal) => Ok(literal.to_owned()),
            Text::Reference(name) => match self.get(name)? {
                Value::String(saved) => Ok(saved.clone()),
                other => Err(format!("`${name}` holds {other}, not a text")),
            },
        }
    }

    fn get(&self, name: &str) -> Result<&Value, String> {
        self.values
            .get(name)
            .ok_or_else(|| format!("`${name}` was not saved"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_replaced_and_escapes_kept_literal() {
        let mut saved = Saved::default();
        saved.insert("bo1", json!("BO-2026-0001"));
        saved.insert("version", json!(3));
        let resolved = saved
            .resolve(
                &json!({"id": "$bo1", "v": "$version", "note": "$$bo1", "list": ["$bo1", "x"]}),
            )
            .unwrap();
        assert_eq!(
            resolved,
            json!({"id": "BO-2026-0001", "v": 3, "note": "$bo1", "list": ["BO-2026-0001", "x"]})
        );
    }

    #[test]
    fn an_unsaved_or_malformed_reference_names_where_it_stands() {
        let saved = Saved::default();
        let error = saved.resolve(&json!({"a": {"b": "$nope"}})).unwrap_err();
        assert_eq!(error, "a.b: `$nope` was not saved");
        let error = references_in(&json!({"x": "$ 5"}), "args").unwrap_err();
        assert!(
            error.starts_with("args.x: `$ 5` is not a reference"),
            "{error}"
        );
    }
}
