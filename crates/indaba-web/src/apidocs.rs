//! The API's documentation page (`/api`): the OpenAPI document of
//! [`crate::api::openapi_document`] rendered on the server into plain HTML —
//! operations, parameters, bodies, answers and schemas — so it needs no
//! script and no third-party viewer, and can never disagree with the
//! document (it is read from it on every request).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use crate::app::{AppState, PageContext};
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;

/// The API page.
#[derive(Template)]
#[template(path = "api_docs.html")]
pub struct ApiDocsPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The document's title and version.
    pub title: String,
    /// Its version.
    pub version: String,
    /// Its description.
    pub description: String,
    /// The site's address (examples).
    pub base: String,
    /// Every operation.
    pub operations: Vec<Operation>,
    /// The named schemas.
    pub schemas: Vec<SchemaView>,
}

/// One operation (a method on a path).
#[derive(Debug, Clone)]
pub struct Operation {
    /// Anchor id.
    pub anchor: String,
    /// `GET`, `POST`…
    pub method: String,
    /// The path.
    pub path: String,
    /// Its summary.
    pub summary: String,
    /// Whether it needs an API key.
    pub needs_key: bool,
    /// Parameters: name, where, type.
    pub parameters: Vec<(String, String, String)>,
    /// The request body's fields.
    pub body: Option<SchemaView>,
    /// Answers: status, description, schema (a link when named).
    pub responses: Vec<(String, String, Option<String>)>,
}

/// A schema as a table of its properties.
#[derive(Debug, Clone)]
pub struct SchemaView {
    /// Its name (anchor `schema-NAME`).
    pub name: String,
    /// Its description.
    pub description: String,
    /// Properties: name, type, required, description.
    pub properties: Vec<Property>,
}

/// One property of a schema.
#[derive(Debug, Clone)]
pub struct Property {
    /// Name.
    pub name: String,
    /// Type in words (`string`, `array of TestStatus`, `"web" | "mail"`).
    pub kind: String,
    /// The schema it refers to, when it is a named one (a link).
    pub link: Option<String>,
    /// Whether it is required.
    pub required: bool,
    /// Description.
    pub description: String,
}

/// The name a `$ref` points to (`#/components/schemas/TestStatus` →
/// `TestStatus`; references into `$defs` keep their last part).
fn ref_name(reference: &str) -> String {
    reference
        .rsplit('/')
        .next()
        .unwrap_or(reference)
        .to_string()
}

/// A schema's type in words, and the named schema it links to.
pub fn type_words(schema: &Value) -> (String, Option<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = ref_name(r);
        return (name.clone(), Some(name));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let words: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        return (words.join(" | "), None);
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            let words: Vec<String> = options.iter().map(|o| type_words(o).0).collect();
            let link = options.iter().find_map(|o| type_words(o).1);
            return (words.join(" | "), link);
        }
    }
    let kinds: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    if kinds.iter().any(|k| k == "array") {
        let (item, link) = schema
            .get("items")
            .map(type_words)
            .unwrap_or_else(|| ("?".into(), None));
        let rest: Vec<String> = kinds.into_iter().filter(|k| k != "array").collect();
        let mut text = format!("array of {item}");
        if !rest.is_empty() {
            text = format!("{text} | {}", rest.join(" | "));
        }
        return (text, link);
    }
    if kinds.is_empty() {
        ("any".into(), None)
    } else {
        (kinds.join(" | "), None)
    }
}

/// The properties of an object schema.
pub fn schema_view(name: &str, schema: &Value) -> SchemaView {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(prop, s)| {
                    let (kind, link) = type_words(s);
                    Property {
                        name: prop.clone(),
                        kind,
                        link,
                        required: required.contains(&prop.as_str()),
                        description: s
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    SchemaView {
        name: name.to_string(),
        description: schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        properties,
    }
}

/// The operations of an OpenAPI document, in its path order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            (
                                p.get("name").and_then(Value::as_str).unwrap_or("").into(),
                                p.get("in").and_then(Value::as_str).unwrap_or("").into(),
                                p.get("schema").map(|s| type_words(s).0).unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = op
                .pointer("/requestBody/content/application~1json/schema")
                .map(|s| schema_view("", s));
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    let mut list: Vec<(String, String, Option<String>)> = rs
                        .iter()
                        .map(|(code, r)| {
                            (
                                code.clone(),
                                r.get("description")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .into(),
                                r.pointer("/content/application~1json/schema")
                                    .and_then(|s| type_words(s).1),
                            )
                        })
                        .collect();
                    list.sort_by(|a, b| a.0.cmp(&b.0));
                    list
                })
                .unwrap_or_default();
            out.push(Operation {
                anchor: format!(
                    "op-{}-{}",
                    method,
                    path.trim_start_matches('/')
                        .replace(['/', '{', '}'], "-")
                        .trim_end_matches('-')
                ),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                needs_key: op.get("security").is_some(),
                parameters,
                body,
                responses,
            });
        }
    }
    out
}

/// The document's named schemas, and those the report schema defines
/// inside itself, each once; a property links only to a schema shown.
pub fn schemas(doc: &Value) -> Vec<SchemaView> {
    let mut all: Vec<SchemaView> = Vec::new();
    for pointer in ["/components/schemas", "/components/schemas/Report/$defs"] {
        for (name, schema) in doc
            .pointer(pointer)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !all.iter().any(|s| &s.name == name) {
                all.push(schema_view(name, schema));
            }
        }
    }
    let names: Vec<String> = all.iter().map(|s| s.name.clone()).collect();
    for schema in &mut all {
        for p in &mut schema.properties {
            if p.link.as_ref().is_some_and(|l| !names.contains(l)) {
                p.link = None;
            }
        }
    }
    all
}

/// `GET /api`.
pub async fn page(State(state): State<AppState>, ctx: PageContext) -> Response {
    let doc = crate::api::openapi_document();
    let schemas = schemas(&doc);
    let text = |p: &str| {
        doc.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let page = ApiDocsPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        title: text("/info/title"),
        version: text("/info/version"),
        description: text("/info/description"),
        base: state.config.base_url.trim_end_matches('/').to_string(),
        operations: operations(&doc),
        schemas,
    };
    ctx.finish(&state, render(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_and_schema_of_the_document_is_shown() {
        let doc = crate::api::openapi_document();
        let ops = operations(&doc);
        let paths = doc["paths"].as_object().unwrap();
        let count: usize = paths.values().map(|m| m.as_object().unwrap().len()).sum();
        assert_eq!(ops.len(), count);
        let submit = ops
            .iter()
            .find(|o| o.method == "POST" && o.path == "/api/v1/tests")
            .unwrap();
        let body = submit.body.as_ref().unwrap();
        assert!(
            body.properties
                .iter()
                .any(|p| p.name == "kind" && p.required && p.kind == "\"web\" | \"mail\"")
        );
        assert!(
            submit
                .responses
                .iter()
                .any(|r| r.0 == "202" && r.2.as_deref() == Some("TestStatus"))
        );
        let batches = ops.iter().find(|o| o.path == "/api/v1/batches").unwrap();
        assert!(batches.needs_key);
        let report = schema_view("Report", &doc["components"]["schemas"]["Report"]);
        assert!(
            report
                .properties
                .iter()
                .any(|p| p.name == "findings" && p.kind.starts_with("array of"))
        );
    }
}
