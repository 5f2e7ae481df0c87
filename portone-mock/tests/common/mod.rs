//! Shared helpers of the mock's integration tests: spec files, raw HTTP, sampled requests,
//! and an independent JSON-Schema check of response bodies (the `jsonschema` crate over a
//! conversion of the spec's OpenAPI 3.0 schemas, sharing no code with the mock).

#![allow(dead_code)]

use std::path::PathBuf;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use portone_mock::{MockConfig, MockServer};
use portone_openapi::refs::{Discriminator, component_of};
use portone_openapi::sample::{Fields, Sampler};
use portone_openapi::{Operation, Options, Spec};
use serde_json::{Map, Value, json};

/// Characters `encodeURIComponent` leaves alone.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent(text)`.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, URI_COMPONENT).to_string()
}

/// The materialized latest spec (`cargo xtask fetch`).
pub fn latest_spec_path() -> PathBuf {
    let path = portone_openapi::source::materialized_spec_path();
    assert!(
        path.exists(),
        "no spec at {}: run `cargo xtask fetch` first",
        path.display()
    );
    path
}

/// The history specs: `$PORTONE_OPENAPI_HISTORY`, else `<workspace>/../shared/openapi/history`.
pub fn history_spec_paths() -> Vec<PathBuf> {
    let dir = match std::env::var_os("PORTONE_OPENAPI_HISTORY") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi/history"),
    };
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("history specs at {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.canonicalize().unwrap_or(p))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no history specs in {}", dir.display());
    specs
}

pub fn load(path: &std::path::Path) -> Spec {
    Spec::from_path(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every operation of a spec, unstable ones included.
pub fn operations(spec: &Spec) -> Vec<Operation> {
    portone_openapi::normalize(spec, &Options::everything())
        .expect("spec normalizes")
        .model
        .operations
}

pub async fn start(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock starts")
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text))
    }

    /// The `type` of an error body.
    pub fn error_type(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_owned()
    }

    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A plain-HTTP client. In a workspace build without `--all-features`, `portone-client`'s
/// default `rustls` feature turns on reqwest's `rustls-no-provider`, and reqwest then needs a
/// process-wide crypto provider to build any client, even for `http://`: one is installed
/// (ring, as `portone-client` uses; a provider installed before is kept).
pub fn http_client() -> reqwest::Client {
    #[allow(
        deprecated,
        reason = "ring has no post-quantum key exchange; not used here"
    )]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Plain HTTP against a server.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    base: String,
    auth: Option<String>,
}

impl Http {
    /// A client that authenticates with `Authorization: PortOne test-secret`.
    pub fn new(server: &MockServer) -> Http {
        Http {
            client: http_client(),
            base: server.url(),
            auth: Some("PortOne test-secret".into()),
        }
    }

    pub fn with_auth(&self, auth: Option<&str>) -> Http {
        Http {
            auth: auth.map(str::to_owned),
            ..self.clone()
        }
    }

    /// Sends `method target` (target = path and query) with an optional JSON body.
    pub async fn send(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .client
            .request(method, format!("{}{target}", self.base));
        if let Some(auth) = &self.auth {
            request = request.header("authorization", auth);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("body read");
        Resp {
            status,
            content_type,
            text,
        }
    }

    pub async fn get(&self, target: &str) -> Resp {
        self.send("GET", target, &[], None).await
    }

    pub async fn post(&self, target: &str, body: Value) -> Resp {
        self.send("POST", target, &[], Some(&body.to_string()))
            .await
    }
}

/// The status documented for error `tag` of `union` (`x-portone-status-code`).
pub fn documented_status(spec: &Value, union: &str, tag: &str) -> Option<u16> {
    let member = Discriminator::of(&spec["components"]["schemas"][union])?.member(tag)?;
    spec["components"]["schemas"][member]["x-portone-status-code"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
}

/// A request built from the spec.
#[derive(Debug, Clone)]
pub struct SampledRequest {
    pub method: &'static str,
    /// Path and query, encoded.
    pub target: String,
    /// The JSON body to send in the HTTP body.
    pub body: Option<String>,
}

/// A valid request for `op`: path IDs `test-<name>`, every documented query parameter, and a
/// sampled body (placed in the `requestBody` query parameter when the operation says so).
pub fn sample_request(spec: &Spec, op: &Operation, seed: u64, fields: Fields) -> SampledRequest {
    sample_request_with(spec, op, seed, fields, |_| {})
}

/// [`sample_request`], with a chance to adjust the sampled body.
pub fn sample_request_with(
    spec: &Spec,
    op: &Operation,
    seed: u64,
    fields: Fields,
    adjust: impl FnOnce(&mut Value),
) -> SampledRequest {
    let published = &spec.json["paths"][&op.path][op.method.as_str().to_ascii_lowercase()];
    let mut sampler = Sampler::new(&spec.json, seed, fields);
    let params: Vec<&Value> = published["parameters"]
        .as_array()
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    let param_schema = |name: &str, place: &str| {
        params
            .iter()
            .find(|p| p["name"] == name && p["in"] == place)
            .and_then(|p| p.get("schema"))
            .cloned()
            .unwrap_or(json!({"type": "string"}))
    };
    let mut path = op.path.clone();
    for name in &op.path_params {
        let schema = param_schema(name, "path");
        let value = match sampler.schema(&schema) {
            // Both pay operations create the payment: give each its own.
            Value::String(_) if op.id == "payInstantly" => format!("test-{name}-instant"),
            Value::String(s) if s.starts_with("sample-") => format!("test-{name}"),
            Value::String(s) => s,
            other => other.to_string(),
        };
        path = path.replace(&format!("{{{name}}}"), &encode(&value));
    }
    let mut query = Vec::new();
    for q in &op.query_params {
        let schema = param_schema(&q.name, "query");
        let value = match sampler.schema(&schema) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        query.push(format!("{}={}", encode(&q.name), encode(&value)));
    }
    let mut body = None;
    if let Some(b) = &op.body {
        let mut value = sampler.component(&b.schema);
        if op.id == "confirmIdentityVerification"
            && let Some(obj) = value.as_object_mut()
        {
            obj.insert("otp".into(), json!(portone_mock::DEFAULT_OTP));
        }
        if op.id == "payWithBillingKey" || op.id == "payInstantly" {
            // Keep the parts within the total so that the payment goes through.
            value["amount"] = json!({"total": 1000, "taxFree": 100, "vat": 81});
        }
        adjust(&mut value);
        let text = value.to_string();
        if op.body_in_query() {
            query.push(format!("requestBody={}", encode(&text)));
        } else {
            body = Some(text);
        }
    }
    let target = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    SampledRequest {
        method: op.method.as_str(),
        target,
        body,
    }
}

/// Checks JSON values against the spec's component schemas with the `jsonschema` crate.
///
/// The OpenAPI 3.0 schemas are converted to JSON Schema 2020-12: `$ref`s point into `$defs`,
/// `nullable` becomes a `null` type, `int32`/`int64` become ranges, objects that declare
/// properties get `additionalProperties: false` (a response must not invent fields), and a
/// discriminated `oneOf` becomes "the tag is one of the mapping's keys, and the value is valid
/// against the member its tag names" (members are not mutually exclusive, so a plain `oneOf`
/// would reject valid values). Inside a union, the union's tag overrides the member's own
/// declaration of the tag property (PortOne's `PlatformSettlementAmountExceededError`
/// contradicts its union otherwise).
pub struct SchemaCheck {
    validator: jsonschema::Validator,
    names: std::collections::BTreeSet<String>,
}

impl SchemaCheck {
    pub fn new(spec: &Spec) -> SchemaCheck {
        let schemas = spec.json["components"]["schemas"]
            .as_object()
            .expect("components.schemas");
        let mut defs = Map::new();
        for (name, schema) in schemas {
            defs.insert(name.clone(), convert(schema));
        }
        // Members as seen through a union: the tag property is the union's.
        for schema in schemas.values() {
            let Some(discriminator) = Discriminator::of(schema) else {
                assert!(
                    schema.pointer("/discriminator/mapping").is_none(),
                    "a discriminator mapping without propertyName"
                );
                continue;
            };
            let property = discriminator.property;
            for (_, member) in discriminator.cases() {
                let member = member.expect("mapping target");
                let mut converted = convert(&schemas[member]);
                if let Some(props) = converted
                    .get_mut("properties")
                    .and_then(Value::as_object_mut)
                {
                    props.insert(property.to_owned(), json!({}));
                }
                defs.insert(format!("{member}@{property}"), converted);
            }
        }
        // One validator for all components (compiling one per component costs ~0.1 s each):
        // it checks `{"schema": NAME, "value": VALUE}`.
        let names: std::collections::BTreeSet<String> = schemas.keys().cloned().collect();
        let cases: Vec<Value> = names
            .iter()
            .map(|name| {
                json!({
                    "if": {"properties": {"schema": {"const": name}}},
                    "then": {"properties": {"value": {"$ref": format!("#/$defs/{name}")}}}
                })
            })
            .collect();
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": Value::Object(defs),
            "type": "object",
            "required": ["schema", "value"],
            "allOf": cases,
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the converted spec does not compile: {e}"));
        SchemaCheck { validator, names }
    }

    /// Every violation of component `name` by `value` (empty when valid).
    pub fn errors(&self, name: &str, value: &Value) -> Vec<String> {
        assert!(self.names.contains(name), "no schema {name}");
        let instance = json!({"schema": name, "value": value});
        self.validator
            .iter_errors(&instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    /// Panics with every violation unless `value` is a valid `name`.
    pub fn assert_valid(&self, name: &str, value: &Value, context: &str) {
        let errors = self.errors(name, value);
        assert!(
            errors.is_empty(),
            "{context}: body is not a valid {name}:\n{}\n{}",
            errors.join("\n"),
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
    }
}

/// A spec schema as JSON Schema (draft 2020-12): references into `$defs`, discriminated unions
/// as `if`/`then` on the tag, `nullable` as a `null` type, integer formats as bounds.
fn convert(schema: &Value) -> Value {
    let Some(obj) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
        let name = component_of(target).unwrap_or_else(|| panic!("unsupported $ref {target}"));
        return json!({ "$ref": format!("#/$defs/{name}") });
    }
    if let Some(members) = obj.get("oneOf").and_then(Value::as_array) {
        return convert_union(schema, members);
    }
    let mut out = Map::new();
    let ty = obj.get("type").and_then(Value::as_str);
    convert_value_keywords(obj, ty, &mut out);
    if ty == Some("array") {
        if let Some(items) = obj.get("items") {
            out.insert("items".into(), convert(items));
        }
        return Value::Object(out);
    }
    convert_object_keywords(obj, &mut out);
    Value::Object(out)
}

/// A `oneOf`: with a discriminator, one `if`/`then` per tag (each member's own tag property
/// narrowed by `#/$defs/{member}@{property}`).
fn convert_union(schema: &Value, members: &[Value]) -> Value {
    let Some(discriminator) = Discriminator::of(schema) else {
        assert!(
            schema.pointer("/discriminator/propertyName").is_none(),
            "discriminator mapping"
        );
        let converted: Vec<Value> = members.iter().map(convert).collect();
        return json!({ "oneOf": converted });
    };
    let property = discriminator.property;
    let tags: Vec<&str> = discriminator.cases().map(|(tag, _)| tag).collect();
    let cases: Vec<Value> = discriminator
        .cases()
        .map(|(tag, member)| {
            let member = member.expect("mapping target");
            json!({
                "if": {"properties": {property: {"const": tag}}, "required": [property]},
                "then": {"$ref": format!("#/$defs/{member}@{property}")}
            })
        })
        .collect();
    json!({
        "type": "object",
        "required": [property],
        "properties": {property: {"type": "string", "enum": tags}},
        "allOf": cases,
    })
}

/// `type` (with `nullable`), `format`, `enum` and the value limits.
fn convert_value_keywords(
    obj: &Map<String, Value>,
    ty: Option<&str>,
    out: &mut Map<String, Value>,
) {
    let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
    if let Some(ty) = ty {
        let ty = if nullable {
            json!([ty, "null"])
        } else {
            json!(ty)
        };
        out.insert("type".into(), ty);
    }
    match obj.get("format").and_then(Value::as_str) {
        Some("int32") => {
            out.insert("minimum".into(), json!(i32::MIN));
            out.insert("maximum".into(), json!(i32::MAX));
        }
        Some("int64") => {
            out.insert("minimum".into(), json!(i64::MIN));
            out.insert("maximum".into(), json!(i64::MAX));
        }
        Some(format) => {
            out.insert("format".into(), json!(format));
        }
        None => {}
    }
    if let Some(values) = obj.get("enum") {
        let mut values = values.as_array().cloned().unwrap_or_default();
        if nullable {
            values.push(Value::Null);
        }
        out.insert("enum".into(), Value::Array(values));
    }
    for key in [
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
    ] {
        if let Some(v) = obj.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
}

/// `properties` (closed unless the schema says otherwise), `required` (without repeats),
/// `additionalProperties`.
fn convert_object_keywords(obj: &Map<String, Value>, out: &mut Map<String, Value>) {
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        let converted: Map<String, Value> =
            props.iter().map(|(k, v)| (k.clone(), convert(v))).collect();
        let has_props = !converted.is_empty();
        out.insert("properties".into(), Value::Object(converted));
        if has_props && !obj.contains_key("additionalProperties") {
            out.insert("additionalProperties".into(), json!(false));
        }
    }
    if let Some(required) = obj.get("required").and_then(Value::as_array) {
        let mut unique: Vec<Value> = Vec::new();
        for r in required {
            if !unique.contains(r) {
                unique.push(r.clone());
            }
        }
        out.insert("required".into(), Value::Array(unique));
    }
    if let Some(additional) = obj.get("additionalProperties") {
        let additional = if additional.is_object() {
            convert(additional)
        } else {
            additional.clone()
        };
        out.insert("additionalProperties".into(), additional);
    }
}
