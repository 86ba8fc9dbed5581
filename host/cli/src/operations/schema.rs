//! An operation's parameters as the JSON Schema of an MCP tool's input.

use serde_json::{json, Map, Value};

use super::{Kind, Param};

pub fn input_schema(params: &[Param]) -> Map<String, Value> {
    let properties: Map<String, Value> = params
        .iter()
        .map(|param| (param.name.to_owned(), Value::Object(property(param))))
        .collect();
    let required: Vec<&str> = params
        .iter()
        .filter(|param| param.required)
        .map(|param| param.name)
        .collect();
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("additionalProperties".into(), false.into());
    schema
}

fn property(param: &Param) -> Map<String, Value> {
    // An optional argument may also be null, except a flag.
    let nullable = !param.required && !matches!(param.kind, Kind::Flag);
    let type_of = |name: &str| {
        if nullable {
            json!([name, "null"])
        } else {
            json!(name)
        }
    };
    let mut property = Map::new();
    property.insert("description".into(), param.doc.into());
    match param.kind {
        Kind::Text | Kind::Date => {
            property.insert("type".into(), type_of("string"));
        }
        Kind::Quantity { min, max } => {
            property.insert("type".into(), type_of("integer"));
            property.insert("format".into(), "uint64".into());
            property.insert("minimum".into(), min.into());
            if let Some(max) = max {
                property.insert("maximum".into(), max.into());
            }
        }
        Kind::Count { min, max } => {
            property.insert("type".into(), type_of("integer"));
            property.insert("format".into(), "uint32".into());
            property.insert("minimum".into(), min.into());
            property.insert("maximum".into(), max.into());
        }
        Kind::Delta { max } => {
            property.insert("type".into(), type_of("integer"));
            property.insert("format".into(), "int64".into());
            property.insert("minimum".into(), (-(max as i128) as i64).into());
            property.insert("maximum".into(), max.into());
        }
        Kind::Flag => {
            property.insert("type".into(), "boolean".into());
            property.insert("default".into(), false.into());
        }
        Kind::Bool => {
            property.insert("type".into(), type_of("boolean"));
        }
        Kind::Choice(choice) => {
            let mut names: Vec<Value> = (choice.names)().into_iter().map(Value::from).collect();
            if nullable {
                names.push(Value::Null);
            }
            property.insert("type".into(), type_of("string"));
            property.insert("enum".into(), Value::Array(names));
        }
    }
    property
}
