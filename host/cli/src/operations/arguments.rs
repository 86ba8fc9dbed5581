//! Arguments in: a JSON object checked against an operation's parameters,
//! then read by name. Every bad argument is refused naming it, in serde's
//! words (`missing field `sku``, `invalid type: string "five", expected
//! u64`), as the CLI names the flag; an unknown argument is refused, not
//! ignored, so a misspelt filter never silently widens a query.

use std::fmt;

use backorders_host::names::WireName;
use backorders_host::{dates, DateOrTime, HostError, Timestamp};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{Kind, Param};

/// A missing, unknown or mistyped argument, or an enum value that does not
/// exist. Nothing was called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgumentError {
    /// The argument's name (`quantity`), as in the parameters.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "invalid input: {}: {}", self.field, self.message)
    }
}

/// Arguments that passed `check`: each known, of its kind, the required
/// ones present. Absent and null optional ones read as `None`.
#[derive(Clone, Debug)]
pub struct Arguments {
    values: Map<String, Value>,
}

const CHECKED: &str = "arguments are checked against the operation's parameters";

impl Arguments {
    pub fn check(params: &[Param], values: Map<String, Value>) -> Result<Self, ArgumentError> {
        for (name, value) in &values {
            let Some(param) = params.iter().find(|param| param.name == name) else {
                return Err(ArgumentError {
                    field: name.clone(),
                    message: unknown_field(name, params),
                });
            };
            check_value(param, value).map_err(|message| ArgumentError {
                field: name.clone(),
                message,
            })?;
        }
        if let Some(missing) = params
            .iter()
            .find(|param| param.required && !values.contains_key(param.name))
        {
            return Err(ArgumentError {
                field: missing.name.into(),
                message: format!("missing field `{}`", missing.name),
            });
        }
        Ok(Self { values })
    }

    /// The value of `name`, if given and not null.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        match self.values.get(name) {
            None | Some(Value::Null) => None,
            Some(value) => Some(serde_json::from_value(value.clone()).expect(CHECKED)),
        }
    }

    /// The value of a required parameter.
    pub fn required<T: DeserializeOwned>(&self, name: &str) -> T {
        self.get(name).expect(CHECKED)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.get(name).unwrap_or(false)
    }

    pub fn choice<T: WireName>(&self, name: &str) -> Option<T> {
        self.get::<String>(name)
            .map(|value| T::from_wire_name(&value).expect(CHECKED))
    }

    /// A date or time argument, parsed as the CLI parses it.
    pub fn date(&self, name: &'static str) -> Result<Option<Timestamp>, HostError> {
        self.parsed(name, dates::parse_time)
    }

    pub fn required_date(&self, name: &'static str) -> Result<Timestamp, HostError> {
        dates::parse_time(name, &self.required::<String>(name))
    }

    /// A promised or expected date, kept as given: a day or an instant.
    pub fn given_date(&self, name: &'static str) -> Result<Option<DateOrTime>, HostError> {
        self.parsed(name, dates::parse_date)
    }

    pub fn required_given_date(&self, name: &'static str) -> Result<DateOrTime, HostError> {
        dates::parse_date(name, &self.required::<String>(name))
    }

    /// A text argument read by `parse`, which names `name` in its error.
    fn parsed<T>(
        &self,
        name: &'static str,
        parse: fn(&'static str, &str) -> Result<T, HostError>,
    ) -> Result<Option<T>, HostError> {
        self.get::<String>(name)
            .map(|input| parse(name, &input))
            .transpose()
    }
}

/// serde's own words for an unknown field.
fn unknown_field(name: &str, params: &[Param]) -> String {
    let names: Vec<String> = params
        .iter()
        .map(|param| format!("`{}`", param.name))
        .collect();
    match names.as_slice() {
        [] => format!("unknown field `{name}`, there are no fields"),
        [one] => format!("unknown field `{name}`, expected {one}"),
        [first, second] => format!("unknown field `{name}`, expected {first} or {second}"),
        all => format!("unknown field `{name}`, expected one of {}", all.join(", ")),
    }
}

fn check_value(param: &Param, value: &Value) -> Result<(), String> {
    fn read<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
        serde_json::from_value(value.clone()).map_err(|error| error.to_string())
    }
    // An optional argument may be null, as if absent; a flag may not.
    if value.is_null() && !param.required && !matches!(param.kind, Kind::Flag) {
        return Ok(());
    }
    match param.kind {
        Kind::Text | Kind::Date => read::<String>(value).map(drop),
        Kind::Quantity { .. } => read::<u64>(value).map(drop),
        Kind::Count { .. } => read::<u32>(value).map(drop),
        Kind::Delta { .. } => read::<i64>(value).map(drop),
        Kind::Flag | Kind::Bool => read::<bool>(value).map(drop),
        Kind::Choice(choice) => {
            let name = read::<String>(value)?;
            let names = (choice.names)();
            if names.contains(&name.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "unknown {} `{name}`; expected one of: {}",
                    choice.what,
                    names.join(", ")
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::choice;
    use backorders_host::{Priority, SourceKind};
    use serde_json::json;

    const SAMPLE: &[Param] = &[
        Param::new("sku", Kind::Text, "s").required(),
        Param::new("quantity", Kind::Quantity { min: 1, max: None }, "q").required(),
        Param::new("priority", choice::<Priority>(), "p"),
        Param::new("source", choice::<SourceKind>(), "s"),
    ];

    fn error_of(arguments: Value) -> ArgumentError {
        let Value::Object(arguments) = arguments else {
            panic!("arguments are an object")
        };
        Arguments::check(SAMPLE, arguments).expect_err("the arguments are bad")
    }

    #[test]
    fn an_unknown_enum_value_is_refused_naming_the_field() {
        let error = error_of(json!({"sku": "S", "quantity": 1, "priority": "urgent"}));
        assert_eq!(error.field, "priority");
        assert!(
            error.message.contains("unknown priority `urgent`"),
            "{error}"
        );
        assert!(
            error.message.contains("low, normal, high, critical"),
            "{error}"
        );
    }

    #[test]
    fn a_wrong_type_is_refused_naming_the_field() {
        let error = error_of(json!({"sku": "S", "quantity": "ten"}));
        assert_eq!(error.field, "quantity");
        assert_eq!(error.message, "invalid type: string \"ten\", expected u64");
        let error = error_of(json!({"sku": "S", "quantity": -1}));
        assert_eq!(error.field, "quantity");
    }

    #[test]
    fn missing_and_unknown_fields_are_named() {
        let error = error_of(json!({"quantity": 1}));
        assert_eq!(
            (error.field.as_str(), error.message.as_str()),
            ("sku", "missing field `sku`")
        );
        let error = error_of(json!({"sku": "S", "quantity": 1, "customer": "C-1"}));
        assert_eq!(error.field, "customer");
        assert!(
            error
                .message
                .starts_with("unknown field `customer`, expected one of `sku`"),
            "{error}"
        );
    }

    #[test]
    fn kebab_case_enum_values_are_refused() {
        let error = error_of(json!({"sku": "S", "quantity": 1, "source": "purchase-order"}));
        assert_eq!(error.field, "source");
    }

    #[test]
    fn checked_arguments_read_typed() {
        let Value::Object(values) =
            json!({"sku": "S", "quantity": 3, "priority": "high", "source": null})
        else {
            unreachable!()
        };
        let arguments = Arguments::check(SAMPLE, values).unwrap();
        assert_eq!(arguments.required::<String>("sku"), "S");
        assert_eq!(arguments.required::<u64>("quantity"), 3);
        assert_eq!(
            arguments.choice::<Priority>("priority"),
            Some(Priority::High)
        );
        assert_eq!(arguments.choice::<SourceKind>("source"), None);
    }
}
