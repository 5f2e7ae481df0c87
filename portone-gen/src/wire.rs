//! Wire rules PortOne documents that progenitor does not know.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};

use crate::operations::Operation;
use crate::path::{InvalidPathParam, check_path, encode_uri_component};

/// Name of the query parameter that carries a GET body.
pub const REQUEST_BODY_PARAM: &str = "requestBody";

/// Why a request could not be brought into PortOne's wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// A path parameter is empty, `.` or `..`.
    PathParam(InvalidPathParam),
    /// The body of a `requestBody`-query operation is not UTF-8 JSON text (cannot happen
    /// with generated code, which always serializes JSON).
    BodyNotText,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::PathParam(e) => e.fmt(f),
            WireError::BodyNotText => f.write_str("the request body is not JSON text"),
        }
    }
}

impl std::error::Error for WireError {}

/// Applies the wire rules to a request the generated code built for `operation`:
/// [`check`], then [`finish`].
pub fn apply(request: &mut reqwest::Request, operation: &Operation) -> Result<(), WireError> {
    check(request, operation)?;
    finish(request, operation)
}

/// Rejects unsendable path parameters (empty, `.`, `..`) before anything is sent.
pub fn check(request: &reqwest::Request, operation: &Operation) -> Result<(), WireError> {
    check_path(operation.path, request.url().path()).map_err(WireError::PathParam)
}

/// For operations whose body travels in the query, moves the JSON body into
/// `?requestBody=<encodeURIComponent(json)>` (no body, no `content-type`).
pub fn finish(request: &mut reqwest::Request, operation: &Operation) -> Result<(), WireError> {
    if operation.body.is_some_and(|b| b.in_query) {
        move_body_to_query(request)?;
    }
    Ok(())
}

/// Moves a JSON body into the `requestBody` query parameter, keeping other query parameters.
pub fn move_body_to_query(request: &mut reqwest::Request) -> Result<(), WireError> {
    let Some(body) = request.body_mut().take() else {
        return Ok(());
    };
    let bytes = body.as_bytes().ok_or(WireError::BodyNotText)?;
    let json = std::str::from_utf8(bytes).map_err(|_| WireError::BodyNotText)?;
    let param = format!("{REQUEST_BODY_PARAM}={}", encode_uri_component(json));
    let query = match request.url().query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{param}"),
        _ => param,
    };
    request.url_mut().set_query(Some(&query));
    request.headers_mut().remove(CONTENT_TYPE);
    request.headers_mut().remove(CONTENT_LENGTH);
    Ok(())
}
