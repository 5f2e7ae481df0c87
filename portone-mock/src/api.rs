//! The operations of one published spec, compiled for routing, validation and responses.
//!
//! Routing and schemas come from the spec as PortOne publishes it (so any version works);
//! `portone_openapi::normalize` only contributes facts: where a body travels, whether an
//! operation is authenticated, which union documents its errors.

use portone_openapi::refs::{component_of, ref_name, reference_to};
use std::collections::HashMap;

use portone_openapi::{HttpMethod, Options, Spec, SuccessBody, normalize};
use serde_json::{Map, Value};

use crate::MockError;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// Must match exactly.
    Literal(String),
    /// Matches one non-empty segment; the value is the parameter name.
    Param(String),
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: String,
    pub required: bool,
    pub schema: Value,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// `{"$ref": ...}` to it.
    pub schema: Value,
    pub required: bool,
    /// The JSON text travels in the `requestBody` query parameter.
    pub in_query: bool,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Success {
    Json(String),
    Bytes(String),
    Empty,
}

/// One documented error of an operation.
#[derive(Debug, Clone)]
pub(crate) struct ErrorCase {
    pub tag: String,
    pub member: String,
    pub status: u16,
}

/// One operation.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub id: String,
    pub method: HttpMethod,
    pub path: String,
    pub segments: Vec<Segment>,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    pub header_params: Vec<Param>,
    pub body: Option<Body>,
    pub success_status: u16,
    pub success: Success,
    pub error_union: Option<String>,
    pub errors: Vec<ErrorCase>,
    pub authenticated: bool,
}

impl Op {
    /// The documented error with this tag.
    pub fn error(&self, tag: &str) -> Option<&ErrorCase> {
        self.errors.iter().find(|e| e.tag == tag)
    }

    /// `GET /payments/{paymentId}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

/// Result of routing a request.
#[derive(Debug)]
pub(crate) enum Route<'a> {
    /// An operation, with the raw (still percent-encoded) path parameter values.
    Found(&'a Op, Vec<(String, String)>),
    /// The path exists, but not for this method.
    WrongMethod(Vec<&'static str>),
    /// No template matches.
    NotFound,
}

/// The compiled spec.
#[derive(Debug)]
pub(crate) struct Api {
    /// The published document.
    pub spec: Value,
    pub info_version: String,
    pub ops: Vec<Op>,
    /// Union members that carry a fixed tag when used on their own: member -> (property, tag).
    pub member_tags: HashMap<String, (String, String)>,
    /// Compiled `pattern` keywords, by pattern text.
    pub patterns: HashMap<String, regex::Regex>,
}

fn unsupported(location: impl std::fmt::Display, problem: impl std::fmt::Display) -> MockError {
    MockError::UnsupportedSpec(format!("{location}: {problem}"))
}

impl Api {
    /// Compiles `spec`.
    pub fn compile(spec: &Spec) -> Result<Api, MockError> {
        let normalized = normalize(spec, &Options::everything())?;
        let doc = &spec.json;
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .ok_or_else(|| unsupported("components.schemas", "missing"))?;
        let ops = normalized
            .model
            .operations
            .iter()
            .map(|model| compile_op(model, doc, schemas))
            .collect::<Result<Vec<_>, _>>()?;
        let member_tags = standalone_member_tags(&normalized.model.unions);
        let patterns = compile_patterns(doc)?;
        Ok(Api {
            spec: doc.clone(),
            info_version: spec.info_version().to_owned(),
            ops,
            member_tags,
            patterns,
        })
    }

    /// The component schemas.
    pub fn schemas(&self) -> &Map<String, Value> {
        self.spec["components"]["schemas"]
            .as_object()
            .expect("checked at compile time")
    }

    /// A component schema by name.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.schemas().get(name)
    }

    /// Resolves `$ref`s until a schema that is not a reference.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match ref_name(schema).and_then(|n| self.schema(n)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// Finds the operation for a request path (raw, percent-encoded) and method.
    pub fn route(&self, method: &str, raw_path: &str) -> Route<'_> {
        let Some(rest) = raw_path.strip_prefix('/') else {
            return Route::NotFound;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let mut methods: Vec<&'static str> = Vec::new();
        let mut best: Option<(usize, &Op)> = None;
        for op in &self.ops {
            if op.segments.len() != parts.len() {
                continue;
            }
            let mut literals = 0;
            let matches = op.segments.iter().zip(&parts).all(|(seg, part)| match seg {
                Segment::Literal(l) => {
                    literals += 1;
                    l == part
                }
                Segment::Param(_) => !part.is_empty(),
            });
            if !matches {
                continue;
            }
            methods.push(op.method.as_str());
            // The most specific template wins (`/partners/batch` over `/partners/{id}`).
            if op.method.as_str() == method && best.is_none_or(|(n, _)| literals > n) {
                best = Some((literals, op));
            }
        }
        match best {
            Some((_, op)) => {
                let values = op
                    .segments
                    .iter()
                    .zip(&parts)
                    .filter_map(|(seg, part)| match seg {
                        Segment::Param(name) => Some((name.clone(), (*part).to_owned())),
                        Segment::Literal(_) => None,
                    })
                    .collect();
                Route::Found(op, values)
            }
            None if methods.is_empty() => Route::NotFound,
            None => {
                methods.sort_unstable();
                methods.dedup();
                Route::WrongMethod(methods)
            }
        }
    }
}

/// The parameters of an operation, by where they travel.
struct Params {
    path: Vec<Param>,
    query: Vec<Param>,
    header: Vec<Param>,
}

/// Compiles one operation of the normalized model, reading the rest from the published spec.
fn compile_op(
    model: &portone_openapi::Operation,
    doc: &Value,
    schemas: &Map<String, Value>,
) -> Result<Op, MockError> {
    let method_key = model.method.as_str().to_ascii_lowercase();
    let item = &doc["paths"][&model.path];
    let published = &item[&method_key];
    let label = format!("{} {}", model.method.as_str(), model.path);
    let params = sort_params(effective_params(item, published), &label)?;
    let body = model.body.as_ref().map(|b| Body {
        schema: serde_json::json!({ "$ref": reference_to(&b.schema) }),
        required: b.required,
        in_query: b.placement == portone_openapi::BodyPlacement::Query,
    });
    let success_status = published["responses"]
        .as_object()
        .and_then(|r| r.keys().find(|k| k.starts_with('2')))
        .and_then(|k| k.parse::<u16>().ok())
        .ok_or_else(|| unsupported(&label, "no numeric 2xx response"))?;
    let success = match &model.success {
        SuccessBody::Json(name) => Success::Json(name.clone()),
        SuccessBody::Bytes(media) => Success::Bytes(media.clone()),
        SuccessBody::Empty => Success::Empty,
    };
    let errors = match &model.error_schema {
        Some(union) => error_cases(union, schemas, published, &label)?,
        None => Vec::new(),
    };
    Ok(Op {
        id: model.id.clone(),
        method: model.method,
        path: model.path.clone(),
        segments: path_segments(&model.path),
        path_params: params.path,
        query_params: params.query,
        header_params: params.header,
        body,
        success_status,
        success,
        error_union: model.error_schema.clone(),
        errors,
        authenticated: model.authenticated,
    })
}

/// Path-level parameters, overridden by operation-level ones of the same name.
fn effective_params<'d>(item: &'d Value, published: &'d Value) -> Vec<&'d Value> {
    let mut params: Vec<&Value> = Vec::new();
    for p in item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            published
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
    {
        params.retain(|q| !(q.get("name") == p.get("name") && q.get("in") == p.get("in")));
        params.push(p);
    }
    params
}

/// Sorts published parameters into path, query and header ones (in the order given).
fn sort_params(published: Vec<&Value>, label: &str) -> Result<Params, MockError> {
    let mut params = Params {
        path: Vec::new(),
        query: Vec::new(),
        header: Vec::new(),
    };
    for p in published {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        let Some(schema) = p.get("schema") else {
            // The `content` form is the `requestBody` query parameter (checked by normalize).
            continue;
        };
        let param = Param {
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
            name,
            schema: schema.clone(),
        };
        match p["in"].as_str() {
            Some("path") => params.path.push(param),
            Some("query") => params.query.push(param),
            Some("header") => params.header.push(param),
            other => {
                return Err(unsupported(
                    label,
                    format!("parameter {} in {other:?}", param.name),
                ));
            }
        }
    }
    Ok(params)
}

/// The segments of a path template, in template order.
fn path_segments(path: &str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

/// The documented errors of an operation: every tag of its error union, with its status.
fn error_cases(
    union: &str,
    schemas: &Map<String, Value>,
    published: &Value,
    label: &str,
) -> Result<Vec<ErrorCase>, MockError> {
    let mapping = schemas[union]
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
        .ok_or_else(|| unsupported(union, "error union without a mapping"))?;
    let mut errors = Vec::new();
    for (tag, target) in mapping {
        let member = target
            .as_str()
            .and_then(component_of)
            .ok_or_else(|| unsupported(union, format!("tag {tag} maps to no component")))?;
        let status = error_status(&schemas[member], member, published).ok_or_else(|| {
            unsupported(
                label,
                format!(
                    "no status code for error {member} (no x-portone-status-code, no response naming it)"
                ),
            )
        })?;
        errors.push(ErrorCase {
            tag: tag.clone(),
            member: member.to_owned(),
            status,
        });
    }
    Ok(errors)
}

/// Compiles every `pattern` keyword of the document, once per pattern text.
fn compile_patterns(doc: &Value) -> Result<HashMap<String, regex::Regex>, MockError> {
    let mut patterns = HashMap::new();
    let mut bad_pattern = None;
    collect_patterns(doc, &mut |pattern| {
        if patterns.contains_key(pattern) || bad_pattern.is_some() {
            return;
        }
        match regex::Regex::new(pattern) {
            Ok(re) => {
                patterns.insert(pattern.to_owned(), re);
            }
            Err(e) => bad_pattern = Some(format!("pattern {pattern:?}: {e}")),
        }
    });
    match bad_pattern {
        Some(problem) => Err(unsupported("schema", problem)),
        None => Ok(patterns),
    }
}

/// The status of an error member: `x-portone-status-code`, else the response that names it.
fn error_status(member_schema: &Value, member: &str, op: &Value) -> Option<u16> {
    if let Some(code) = member_schema
        .get("x-portone-status-code")
        .and_then(Value::as_u64)
    {
        return u16::try_from(code).ok();
    }
    let needle = format!("`{member}`");
    op["responses"].as_object()?.iter().find_map(|(code, r)| {
        r.get("description")
            .and_then(Value::as_str)
            .filter(|d| d.contains(&needle))
            .and_then(|_| code.parse().ok())
    })
}

/// Members whose tag is the same in every union that lists them.
fn standalone_member_tags(unions: &[portone_openapi::Union]) -> HashMap<String, (String, String)> {
    let mut seen: HashMap<String, Option<(String, String)>> = HashMap::new();
    for union in unions {
        for case in &union.cases {
            let entry = (union.property.clone(), case.tag.clone());
            seen.entry(case.member.clone())
                .and_modify(|e| {
                    if e.as_ref() != Some(&entry) {
                        *e = None;
                    }
                })
                .or_insert(Some(entry));
        }
    }
    seen.into_iter()
        .filter_map(|(member, tag)| Some((member, tag?)))
        .collect()
}

fn collect_patterns(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::Object(obj) => {
            if let Some(Value::String(p)) = obj.get("pattern") {
                f(p);
            }
            obj.values().for_each(|v| collect_patterns(v, f));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(member_extra: Value, error_response_description: &str) -> Spec {
        let mut not_found = json!({"type": "object", "required": ["type"],
            "properties": {"type": {"type": "string"}, "message": {"type": "string"}}});
        if let (Some(obj), Some(extra)) = (not_found.as_object_mut(), member_extra.as_object()) {
            obj.extend(extra.clone());
        }
        let error = json!({"$ref": "#/components/schemas/GetThingError"});
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "9.9.9"},
            "paths": {
                "/things/{thingId}": {"get": {
                    "operationId": "getThing",
                    "security": [{"portOne": []}],
                    "parameters": [
                        {"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "x-trace", "in": "header", "required": true, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "404": {"description": error_response_description, "content": {"application/json": {"schema": error}}}
                    },
                    "x-portone-error": error
                }},
                "/things/special": {"get": {
                    "operationId": "getSpecialThing",
                    "responses": {"204": {"description": "none"}}
                }}
            },
            "components": {"schemas": {
                "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "GetThingError": {"oneOf": [{"$ref": "#/components/schemas/ThingNotFoundError"}],
                    "discriminator": {"propertyName": "type", "mapping": {"THING_NOT_FOUND": "#/components/schemas/ThingNotFoundError"}}},
                "ThingNotFoundError": not_found
            }}
        });
        Spec::from_bytes(doc.to_string().as_bytes(), "inline").expect("valid spec")
    }

    #[test]
    fn compiles_operations_params_and_error_statuses() {
        let api = Api::compile(&spec(json!({"x-portone-status-code": 404}), "")).unwrap();
        assert_eq!(api.info_version, "9.9.9");
        let op = match api.route("GET", "/things/t-1") {
            Route::Found(op, params) => {
                assert_eq!(params, vec![("thingId".to_owned(), "t-1".to_owned())]);
                op
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(op.id, "getThing");
        assert!(op.authenticated);
        assert_eq!(op.header_params[0].name, "x-trace");
        assert_eq!(op.error("THING_NOT_FOUND").map(|e| e.status), Some(404));
        assert_eq!(op.success, Success::Json("Thing".into()));
        match api.route("GET", "/things/special") {
            Route::Found(op, params) => {
                assert_eq!(op.id, "getSpecialThing");
                assert!(params.is_empty());
                assert_eq!((op.success_status, &op.success), (204, &Success::Empty));
                assert!(!op.authenticated);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(api.route("DELETE", "/things/t-1"), Route::WrongMethod(m) if m == ["GET"])
        );
        assert!(matches!(api.route("GET", "/things"), Route::NotFound));
        assert!(matches!(api.route("GET", "things/t-1"), Route::NotFound));
    }

    #[test]
    fn error_status_falls_back_to_the_response_naming_the_member() {
        let api = Api::compile(&spec(json!({}), "* `ThingNotFoundError`: no such thing")).unwrap();
        let Route::Found(op, _) = api.route("GET", "/things/t") else {
            panic!("routed")
        };
        assert_eq!(op.error("THING_NOT_FOUND").map(|e| e.status), Some(404));
    }

    #[test]
    fn an_error_without_a_status_is_reported() {
        let error = Api::compile(&spec(json!({}), "nothing")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("GET /things/{thingId}: no status code for error ThingNotFoundError"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_pattern_is_reported() {
        let error = Api::compile(&spec(
            json!({"x-portone-status-code": 404,
                "properties": {"type": {"type": "string"}, "code": {"type": "string", "pattern": "(["}}}),
            "",
        ))
        .unwrap_err();
        assert!(error.to_string().contains("pattern \"([\""), "{error}");
    }
}
