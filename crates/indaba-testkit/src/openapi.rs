//! Answers checked against the component schemas of an OpenAPI 3.0
//! document written in YAML (internet.nl's batch API specification), with
//! the `jsonschema` crate.
//!
//! An OpenAPI 3.0 schema is JSON Schema but for `nullable`; the document is
//! read with `yaml-rust2` and `nullable: true` becomes a `null` in `type`.
//! A schema is checked as `{"$ref": "#/components/schemas/NAME"}` at the
//! root of the document, so its references resolve inside it.

use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    other => format!("{other:?}"),
                };
                m.insert(key, to_json(v));
            }
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema's `null` type.
fn nullable_to_type(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.remove("nullable") == Some(Value::Bool(true))
                && let Some(Value::String(t)) = m.get("type").cloned()
            {
                m.insert("type".into(), serde_json::json!([t, "null"]));
            }
            m.values_mut().for_each(nullable_to_type);
        }
        Value::Array(a) => a.iter_mut().for_each(nullable_to_type),
        _ => {}
    }
}

/// An OpenAPI document, ready to check answers.
pub struct Document {
    /// The document as JSON (`nullable` already turned into types).
    pub json: Value,
}

impl Document {
    /// Reads a YAML OpenAPI 3.0 document; panics when it is not one.
    pub fn from_yaml(text: &str) -> Document {
        let docs = YamlLoader::load_from_str(text).expect("the OpenAPI document is YAML");
        let mut json = to_json(docs.first().expect("one YAML document"));
        assert!(
            json["components"]["schemas"].is_object(),
            "the document has component schemas"
        );
        nullable_to_type(&mut json);
        Document { json }
    }

    /// The problems of `value` against component schema `name` (none: it
    /// is valid).
    pub fn problems(&self, name: &str, value: &Value) -> Vec<String> {
        assert!(
            self.json["components"]["schemas"][name].is_object(),
            "no schema {name}"
        );
        let mut root = self.json.clone();
        root["$ref"] = Value::String(format!("#/components/schemas/{name}"));
        let validator = jsonschema::validator_for(&root).expect("the schemas compile");
        validator
            .iter_errors(value)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect()
    }

    /// Asserts that `value` matches component schema `name`.
    pub fn assert_valid(&self, name: &str, value: &Value) {
        let problems = self.problems(name, value);
        assert!(
            problems.is_empty(),
            "not a valid {name}: {problems:?}\n{value:#}"
        );
    }
}
