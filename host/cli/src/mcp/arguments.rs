//! Tool arguments in: the extractor that hands a tool its parameters or the
//! reason they are bad, and the snake_case enum values of the WIT.
//!
//! rmcp's own `Parameters` answers a bad argument with a protocol error (or
//! a bare serde message) that names no field. Here every bad argument
//! reaches the tool and becomes a tool error naming the field, as the CLI
//! names the flag: `invalid input: priority: unknown priority `urgent``.

use std::borrow::Cow;
use std::fmt;

use rmcp::handler::server::common::FromContextPart;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::JsonObject;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use backorders_host::names::WireName;

/// A tool's parameters, or why they could not be read.
///
/// Named like rmcp's extractor on purpose: `#[tool]` derives a tool's input
/// schema from the `T` of an argument whose type is called `Parameters`.
pub struct Parameters<T>(pub Result<T, ArgumentError>);

impl<T: JsonSchema> JsonSchema for Parameters<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

impl<S, T: DeserializeOwned> FromContextPart<ToolCallContext<'_, S>> for Parameters<T> {
    fn from_context_part(context: &mut ToolCallContext<'_, S>) -> Result<Self, rmcp::ErrorData> {
        // A call without `arguments` is a call with none of them.
        let arguments = context.arguments.take().unwrap_or_default();
        Ok(Self(parse(arguments)))
    }
}

/// Reads `arguments` as `T`, naming the field of the first bad one.
pub fn parse<T: DeserializeOwned>(arguments: JsonObject) -> Result<T, ArgumentError> {
    serde_path_to_error::deserialize(Value::Object(arguments)).map_err(|error| {
        let message = error.inner().to_string();
        let path = error.path().to_string();
        // A missing or unknown field fails at the object itself; serde
        // quotes its name in the message.
        let field = if path == "." {
            quoted_name(&message).unwrap_or("arguments").to_owned()
        } else {
            path
        };
        ArgumentError { field, message }
    })
}

/// The first name serde quotes in backticks: `missing field `sku``.
fn quoted_name(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once('`')?;
    let (name, _) = rest.split_once('`')?;
    Some(name)
}

/// A tool argument of the wrong type, a missing one, an unknown one, or
/// an enum value that does not exist. Nothing was called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgumentError {
    /// The argument's name (`quantity`), as in the tool's input schema.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "invalid input: {}: {}", self.field, self.message)
    }
}

/// A WIT enum spelled by its snake_case name (`purchase_order`); the input
/// schema lists the names, and any other value is refused, never defaulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wire<T>(pub T);

impl<'de, T: WireName> Deserialize<'de> for Wire<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Cow::<str>::deserialize(deserializer)?;
        T::from_wire_name(&name).map(Wire).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown {} `{name}`; expected one of: {}",
                T::WHAT,
                T::wire_names().join(", ")
            ))
        })
    }
}

impl<T: WireName> JsonSchema for Wire<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        T::WHAT.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": T::wire_names() })
    }
}

/// The value behind an optional enum argument.
pub fn wire<T: Copy>(value: Option<Wire<T>>) -> Option<T> {
    value.map(|Wire(value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use backorders_host::{Priority, SourceKind};
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        sku: String,
        quantity: u64,
        priority: Option<Wire<Priority>>,
        #[serde(default)]
        source: Option<Wire<SourceKind>>,
    }

    fn error_of(arguments: Value) -> ArgumentError {
        let Value::Object(arguments) = arguments else {
            panic!("arguments are an object")
        };
        parse::<Sample>(arguments).expect_err("the arguments are bad")
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
    }

    #[test]
    fn kebab_case_enum_values_are_refused() {
        let error = error_of(json!({"sku": "S", "quantity": 1, "source": "purchase-order"}));
        assert_eq!(error.field, "source");
    }
}
