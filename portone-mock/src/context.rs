//! What a request is to the mock once routed ([`Call`]), what it answers ([`Reply`]), and the
//! mock's shared context ([`Inner`]: the compiled spec, the configuration, the flows' state) with
//! the answers every part builds from it: documented errors, sampled successes.

use std::sync::{Mutex, MutexGuard};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::MockConfig;
use crate::api::{Api, Op};
use crate::respond::{Echo, csv_body, plain_error, seed_of};
use crate::state::State;
use crate::validate::Validator;

/// Everything the handler needs.
#[derive(Debug)]
pub(crate) struct Inner {
    pub api: Api,
    pub config: MockConfig,
    state: Mutex<State>,
}

/// A response before it is encoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: ReplyBody,
}

/// The body of a [`Reply`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ReplyBody {
    Json(Value),
    Text { media_type: String, text: String },
    Empty,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: ReplyBody::Json(body),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (media_type, bytes) = match self.body {
            ReplyBody::Json(value) => (
                Some("application/json".to_owned()),
                serde_json::to_vec(&value).unwrap_or_default(),
            ),
            ReplyBody::Text { media_type, text } => (Some(media_type), text.into_bytes()),
            ReplyBody::Empty => (None, Vec::new()),
        };
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = status;
        if let Some(media_type) = media_type
            && let Ok(value) = HeaderValue::from_str(&media_type)
        {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    }
}

/// A request that passed routing, authentication and validation.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub op: &'a Op,
    /// Decoded path parameters, in template order.
    pub path: Vec<(String, String)>,
    /// The JSON body (from the HTTP body or the `requestBody` query parameter).
    pub body: Option<Value>,
    /// The store the request is about (query, body, or the configured default).
    pub store_id: String,
}

impl Call<'_> {
    /// A path parameter.
    pub fn path_param(&self, name: &str) -> &str {
        self.path
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A top-level property of the body.
    pub fn body_field(&self, name: &str) -> Option<&Value> {
        self.body.as_ref()?.get(name)
    }

    /// What the response should echo.
    pub fn echo(&self) -> Echo {
        Echo::from_request(&self.path, Some(&self.store_id), self.body.as_ref())
    }
}

impl Inner {
    pub fn new(api: Api, config: MockConfig) -> Inner {
        Inner {
            api,
            config,
            state: Mutex::new(State::default()),
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-written in a way that
        // matters more than failing every later request, so keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn validator(&self) -> Validator<'_> {
        Validator::new(
            self.api.schemas(),
            &self.api.patterns,
            self.config.reject_unknown_fields,
        )
    }

    /// The reply for an error of `op`: the documented member if there is one, else
    /// PortOne's plain `{type, message}` with the usual status for the tag.
    pub fn error(&self, op: &Op, tag: &str, message: &str) -> Reply {
        match op.error(tag) {
            Some(case) => {
                let seed = seed_of(self.config.seed, &[&op.id, tag]);
                Reply::json(case.status, self.api.error_body(op, case, message, seed))
            }
            None => {
                let status = match tag {
                    "INVALID_REQUEST" => 400,
                    "UNAUTHORIZED" => 401,
                    "FORBIDDEN" => 403,
                    t if t.ends_with("NOT_FOUND") => 404,
                    _ => 409,
                };
                Reply::json(status, plain_error(tag, message))
            }
        }
    }

    /// The sampled success response of `call`.
    pub fn sampled(&self, call: &Call<'_>) -> Reply {
        let op = call.op;
        let path_values: Vec<&str> = call.path.iter().map(|(_, v)| v.as_str()).collect();
        let mut parts = vec![op.id.as_str()];
        parts.extend(path_values);
        let seed = seed_of(self.config.seed, &parts);
        match &op.success {
            crate::api::Success::Json(component) => Reply::json(
                op.success_status,
                self.api.success_body(component, seed, &call.echo()),
            ),
            crate::api::Success::Bytes(media_type) => Reply {
                status: op.success_status,
                body: ReplyBody::Text {
                    media_type: media_type.clone(),
                    text: csv_body(op, seed),
                },
            },
            crate::api::Success::Empty => Reply {
                status: op.success_status,
                body: ReplyBody::Empty,
            },
        }
    }
}
