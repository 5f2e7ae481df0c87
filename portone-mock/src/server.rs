//! The HTTP side: routing, authentication, validation, error injection, responses.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, header};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::ERROR_HEADER;
use crate::api::{Body as BodySpec, Op, Param, Route};
use crate::context::{Call, Inner, Reply, ReplyBody};
use crate::respond::plain_error;
use crate::validate::{MAX_VIOLATIONS, Violation, describe, list_values};

/// Request bodies larger than this are refused.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    inner: Arc<Inner>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let app = axum::Router::new().fallback(handle).with_state(inner);
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await;
}

async fn handle(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    request: Request<Body>,
) -> Reply {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return Reply::json(
                400,
                plain_error(
                    "INVALID_REQUEST",
                    &format!("body: cannot be read (at most {BODY_LIMIT} bytes): {e}"),
                ),
            );
        }
    };
    let reply = inner.dispatch(parts.method.as_str(), &parts.uri, &parts.headers, &bytes);
    if inner.config.log_requests {
        let kind = match &reply.body {
            ReplyBody::Json(body) if reply.status >= 400 => {
                body["type"].as_str().unwrap_or_default().to_owned()
            }
            _ => String::new(),
        };
        eprintln!("{} {} -> {} {kind}", parts.method, parts.uri, reply.status);
    }
    reply
}

impl Inner {
    fn invalid(&self, op: &Op, violations: &[Violation]) -> Reply {
        let text: Vec<String> = violations
            .iter()
            .take(MAX_VIOLATIONS)
            .map(Violation::to_string)
            .collect();
        let mut message = text.join("; ");
        if violations.len() > MAX_VIOLATIONS {
            message.push_str("; ... (more not shown)");
        }
        self.error(op, "INVALID_REQUEST", &message)
    }

    pub fn dispatch(
        &self,
        method: &str,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Reply {
        let (op, raw_params) = match self.api.route(method, uri.path()) {
            Route::Found(op, params) => (op, params),
            Route::WrongMethod(methods) => {
                return Reply::json(
                    404,
                    plain_error(
                        "NOT_FOUND",
                        &format!(
                            "no operation {method} {} in PortOne API {} (this path takes {})",
                            uri.path(),
                            self.api.info_version,
                            methods.join(", ")
                        ),
                    ),
                );
            }
            Route::NotFound => {
                return Reply::json(
                    404,
                    plain_error(
                        "NOT_FOUND",
                        &format!(
                            "no operation {method} {} in PortOne API {}",
                            uri.path(),
                            self.api.info_version
                        ),
                    ),
                );
            }
        };
        if op.authenticated
            && let Err(problem) = self.authenticate(headers)
        {
            return self.error(
                op,
                "UNAUTHORIZED",
                &format!("headers.authorization: {problem}"),
            );
        }
        let call = match self.parse(op, raw_params, uri.query(), headers, body) {
            Ok(call) => call,
            Err(violations) => return self.invalid(op, &violations),
        };
        if let Some(requested) = headers.get(ERROR_HEADER) {
            return self.injected(op, requested);
        }
        self.respond(&call)
    }

    /// The error asked for with [`ERROR_HEADER`].
    fn injected(&self, op: &Op, requested: &HeaderValue) -> Reply {
        let tag = requested.to_str().unwrap_or_default().trim();
        match op.error(tag) {
            Some(_) => self.error(
                op,
                tag,
                &format!("{tag} (asked for with the {ERROR_HEADER} header)"),
            ),
            None => {
                let documented: Vec<&str> = op.errors.iter().map(|e| e.tag.as_str()).collect();
                self.error(
                    op,
                    "INVALID_REQUEST",
                    &format!(
                        "headers.{ERROR_HEADER}: {} is not a documented error of {} ({}); documented: {}",
                        describe(&Value::String(tag.to_owned())),
                        op.id,
                        op.label(),
                        if documented.is_empty() {
                            "none".to_owned()
                        } else {
                            list_values(documented)
                        }
                    ),
                )
            }
        }
    }

    fn authenticate(&self, headers: &HeaderMap) -> Result<(), String> {
        let values: Vec<&HeaderValue> = headers.get_all(header::AUTHORIZATION).iter().collect();
        let value = match values.as_slice() {
            [] => {
                return Err(
                    "missing; send `Authorization: PortOne <API secret>` or `Authorization: Bearer <access token>`"
                        .into(),
                );
            }
            [one] => *one,
            many => return Err(format!("sent {} times, expected once", many.len())),
        };
        let Ok(value) = value.to_str() else {
            return Err("not visible ASCII".into());
        };
        let Some((scheme, credential)) = value.split_once(' ') else {
            return Err(format!(
                "malformed: expected `PortOne <API secret>` or `Bearer <access token>`, got a value without a space ({} characters)",
                value.len()
            ));
        };
        if credential.is_empty() || credential.contains(char::is_whitespace) {
            return Err(format!(
                "malformed {scheme} credentials: exactly one space after the scheme, then a value without spaces"
            ));
        }
        if scheme.eq_ignore_ascii_case("PortOne") {
            if self.config.api_secrets.is_empty()
                || self.config.api_secrets.iter().any(|s| s == credential)
            {
                Ok(())
            } else {
                Err("the API secret is not one this mock accepts".into())
            }
        } else if scheme.eq_ignore_ascii_case("Bearer") {
            self.state().check_access_token(credential)
        } else {
            Err(format!(
                "unsupported scheme {scheme:?}: expected `PortOne` or `Bearer`"
            ))
        }
    }

    /// Decodes and validates everything the request carries.
    fn parse<'a>(
        &self,
        op: &'a Op,
        raw_params: Vec<(String, String)>,
        raw_query: Option<&str>,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<Call<'a>, Vec<Violation>> {
        let mut violations = Vec::new();
        let path = self.parse_path_params(op, raw_params, &mut violations);
        let query = self.parse_query(op, raw_query, &mut violations);
        self.check_header_params(op, headers, &mut violations);
        let json_body = self.parse_body(op, query.body.as_deref(), headers, body, &mut violations);
        if !violations.is_empty() {
            return Err(violations);
        }
        let store_id = self.store_id(&query.params, json_body.as_ref());
        Ok(Call {
            op,
            path,
            body: json_body,
            store_id,
        })
    }

    /// Percent-decodes the path parameters and checks them against their schemas.
    fn parse_path_params(
        &self,
        op: &Op,
        raw_params: Vec<(String, String)>,
        violations: &mut Vec<Violation>,
    ) -> Vec<(String, String)> {
        let mut path = Vec::new();
        for (name, raw) in raw_params {
            let location = format!("path.{name}");
            let decoded = match percent_decode_str(&raw).decode_utf8() {
                Ok(d) => d.into_owned(),
                Err(_) => {
                    violations.push(Violation::new(location, "not UTF-8 after percent-decoding"));
                    continue;
                }
            };
            if decoded == "." || decoded == ".." {
                violations.push(Violation::new(
                    location.clone(),
                    format!("{decoded:?} is not a usable ID"),
                ));
            }
            if let Some(param) = op.path_params.iter().find(|p| p.name == name) {
                self.check_param_text(&param.schema, &decoded, &location, violations);
            }
            path.push((name, decoded));
        }
        path
    }

    /// Decodes the query string and checks every parameter in it against the operation.
    fn parse_query(
        &self,
        op: &Op,
        raw_query: Option<&str>,
        violations: &mut Vec<Violation>,
    ) -> Query {
        let pairs = query_pairs(raw_query);
        let mut query = Query {
            params: Vec::new(),
            body: None,
        };
        let mut seen: Vec<&str> = Vec::new();
        for (name, first) in &pairs {
            if seen.contains(&name.as_str()) {
                continue;
            }
            seen.push(name);
            let location = format!("query.{name}");
            let values: Vec<&str> = pairs
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect();
            if name == "requestBody" && op.body.as_ref().is_some_and(|b| b.in_query) {
                if values.len() > 1 {
                    violations.push(Violation::new(location, "given more than once"));
                }
                query.body = Some(first.clone());
                continue;
            }
            let Some(param) = op.query_params.iter().find(|p| &p.name == name) else {
                violations.push(unknown_query_param(op, name, location));
                continue;
            };
            self.check_query_param(param, &values, &location, violations);
            query.params.push((name.clone(), first.clone()));
        }
        missing_query_params(op, &pairs, violations);
        query
    }

    /// Checks the values of one documented query parameter (several only for arrays).
    fn check_query_param(
        &self,
        param: &Param,
        values: &[&str],
        location: &str,
        violations: &mut Vec<Violation>,
    ) {
        let resolved = self.api.resolve(&param.schema);
        if resolved.get("type").and_then(Value::as_str) == Some("array") {
            let item_schema = resolved.get("items").cloned().unwrap_or(Value::Null);
            let items: Vec<Value> = values
                .iter()
                .filter_map(|v| self.typed(&item_schema, v, location, violations))
                .collect();
            let violated = self
                .validator()
                .check(&param.schema, &Value::Array(items), location);
            violations.extend(violated);
        } else if values.len() > 1 {
            violations.push(Violation::new(
                location,
                format!("given {} times, expected once", values.len()),
            ));
        } else if let Some(first) = values.first() {
            self.check_param_text(&param.schema, first, location, violations);
        }
    }

    /// Checks the documented header parameters.
    fn check_header_params(&self, op: &Op, headers: &HeaderMap, violations: &mut Vec<Violation>) {
        for param in &op.header_params {
            let location = format!("headers.{}", param.name.to_ascii_lowercase());
            match headers.get(param.name.as_str()).map(|v| v.to_str()) {
                None if param.required => {
                    violations.push(Violation::new(location, "required header is missing"))
                }
                None => {}
                Some(Err(_)) => violations.push(Violation::new(location, "not visible ASCII")),
                Some(Ok(text)) => self.check_param_text(&param.schema, text, &location, violations),
            }
        }
    }

    /// Checks a parameter's text against its schema: first its type, then the schema itself.
    fn check_param_text(
        &self,
        schema: &Value,
        text: &str,
        location: &str,
        violations: &mut Vec<Violation>,
    ) {
        if let Some(value) = self.typed(schema, text, location, violations) {
            violations.extend(self.validator().check(schema, &value, location));
        }
    }

    /// Decodes and checks the request body, wherever the operation takes it from.
    fn parse_body(
        &self,
        op: &Op,
        query_body: Option<&str>,
        headers: &HeaderMap,
        body: &Bytes,
        violations: &mut Vec<Violation>,
    ) -> Option<Value> {
        match &op.body {
            Some(spec_body) if spec_body.in_query => {
                if !body.is_empty() {
                    violations.push(Violation::new(
                        "body",
                        format!(
                            "{} takes its body as JSON text in the `requestBody` query parameter, not in the HTTP body ({} bytes sent)",
                            op.label(),
                            body.len()
                        ),
                    ));
                }
                self.parse_query_body(spec_body, query_body, violations)
            }
            Some(spec_body) => self.parse_http_body(spec_body, headers, body, violations),
            None => {
                if !body.is_empty() {
                    violations.push(Violation::new(
                        "body",
                        format!(
                            "{} takes no request body ({} bytes sent)",
                            op.label(),
                            body.len()
                        ),
                    ));
                }
                None
            }
        }
    }

    /// Decodes and checks a body sent as JSON text in the `requestBody` query parameter.
    fn parse_query_body(
        &self,
        spec_body: &BodySpec,
        text: Option<&str>,
        violations: &mut Vec<Violation>,
    ) -> Option<Value> {
        match text {
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(value) => {
                    violations.extend(self.validator().check(&spec_body.schema, &value, "body"));
                    Some(value)
                }
                Err(e) => {
                    violations.push(Violation::new(
                        "query.requestBody",
                        format!("not valid JSON after percent-decoding: {e}"),
                    ));
                    None
                }
            },
            None if spec_body.required => {
                violations.push(Violation::new(
                    "query.requestBody",
                    "required: the JSON body goes in this query parameter",
                ));
                None
            }
            None => None,
        }
    }

    /// Decodes and checks a JSON body sent in the HTTP body.
    fn parse_http_body(
        &self,
        spec_body: &BodySpec,
        headers: &HeaderMap,
        body: &Bytes,
        violations: &mut Vec<Violation>,
    ) -> Option<Value> {
        if body.is_empty() {
            if spec_body.required {
                violations.push(Violation::new("body", "required JSON body is missing"));
            }
            return None;
        }
        check_json_content_type(headers, violations);
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => {
                violations.extend(self.validator().check(&spec_body.schema, &value, "body"));
                Some(value)
            }
            Err(e) => {
                violations.push(Violation::new("body", format!("not valid JSON: {e}")));
                None
            }
        }
    }

    /// The store a request names (`storeId` in the query, else in the body), else the default.
    fn store_id(&self, query: &[(String, String)], body: Option<&Value>) -> String {
        query
            .iter()
            .find(|(n, _)| n == "storeId")
            .map(|(_, v)| v.clone())
            .or_else(|| {
                body.and_then(|b| b.get("storeId"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| self.config.default_store_id.clone())
    }

    /// Turns a parameter's text into the JSON value its schema describes.
    fn typed(
        &self,
        schema: &Value,
        text: &str,
        location: &str,
        violations: &mut Vec<Violation>,
    ) -> Option<Value> {
        let resolved = self.api.resolve(schema);
        let value = match resolved.get("type").and_then(Value::as_str) {
            Some("boolean") => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    violations.push(Violation::new(
                        location,
                        format!("{text:?} is not a boolean (true or false)"),
                    ));
                    return None;
                }
            },
            Some("integer") => match text.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    violations.push(Violation::new(
                        location,
                        format!("{text:?} is not an integer"),
                    ));
                    return None;
                }
            },
            Some("number") => match text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) => Value::Number(n),
                None => {
                    violations.push(Violation::new(
                        location,
                        format!("{text:?} is not a number"),
                    ));
                    return None;
                }
            },
            Some("string") | None => Value::String(text.to_owned()),
            Some(other) => {
                violations.push(Violation::new(
                    location,
                    format!("parameters of type {other} are not supported by the mock"),
                ));
                return None;
            }
        };
        Some(value)
    }

    /// The answer to a valid request: a stateful flow, or a sampled response.
    fn respond(&self, call: &Call<'_>) -> Reply {
        if let Some(reply) = crate::flows::handle(self, call) {
            return reply;
        }
        self.sampled(call)
    }
}

/// The query string once checked: the documented parameters given (first values), and the
/// JSON text of a body that travels in the `requestBody` query parameter.
struct Query {
    params: Vec<(String, String)>,
    body: Option<String>,
}

/// The percent-decoded name-value pairs of a query string, in order.
fn query_pairs(raw_query: Option<&str>) -> Vec<(String, String)> {
    raw_query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The violation for a query parameter the operation does not document.
fn unknown_query_param(op: &Op, name: &str, location: String) -> Violation {
    let documented: Vec<&str> = op
        .query_params
        .iter()
        .map(|p| p.name.as_str())
        .chain(
            op.body
                .as_ref()
                .filter(|b| b.in_query)
                .map(|_| "requestBody"),
        )
        .collect();
    let hint = if name == "requestBody" {
        format!(" ({} takes no body in the query string)", op.label())
    } else {
        String::new()
    };
    Violation::new(
        location,
        format!(
            "unknown query parameter{hint}; documented: {}",
            if documented.is_empty() {
                "none".to_owned()
            } else {
                list_values(documented)
            }
        ),
    )
}

/// Reports the required query parameters the request does not give.
fn missing_query_params(op: &Op, pairs: &[(String, String)], violations: &mut Vec<Violation>) {
    for param in &op.query_params {
        if param.required && !pairs.iter().any(|(n, _)| n == &param.name) {
            violations.push(Violation::new(
                format!("query.{}", param.name),
                "required query parameter is missing",
            ));
        }
    }
}

/// Reports a `Content-Type` other than `application/json` for a JSON body.
fn check_json_content_type(headers: &HeaderMap, violations: &mut Vec<Violation>) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/json") {
        violations.push(Violation::new(
            "headers.content-type",
            format!(
                "expected application/json for a JSON body, got {}",
                if content_type.is_empty() {
                    "none".to_owned()
                } else {
                    format!("{content_type:?}")
                }
            ),
        ));
    }
}
