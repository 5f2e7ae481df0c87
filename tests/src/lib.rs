//! Support for the workspace tests: probes that decode JSON as a generated type chosen by
//! name (emitted by the build script for every union and enum of the spec), the spec the
//! client was generated from, and a raw HTTP server that records requests byte for byte.

#![forbid(unsafe_code)]

pub mod list_operations;
pub mod scripted_server;
pub mod token_server;
pub mod trace_capture;

use portone_gen::open::{OpenEnum, OpenUnion};
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/probes.rs"));

/// How a JSON value decoded as a union type.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The tag (union) or value (enum) of the decoded variant.
    pub tag: String,
    /// Whether it landed in the catch-all variant.
    pub unrecognized: bool,
    /// The value serialized back.
    pub reserialized: Value,
}

/// One call made by `call_query_body_operations`.
#[derive(Debug, Clone)]
pub struct QueryBodyCall {
    /// `operationId`.
    pub operation: &'static str,
    /// The body given, as JSON.
    pub body: Value,
    /// The client's error, if any (the test server's answers need not decode).
    pub error: Option<String>,
}

/// How one call of `call_every_operation` ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A typed success response.
    Ok,
    /// A documented, typed API error (`type` tag and HTTP status).
    Api {
        /// The error's `type`.
        tag: String,
        /// The HTTP status.
        status: u16,
    },
    /// Anything else (undocumented status, undecodable body, transport...): the error text.
    Failed(String),
}

/// One call of `call_every_operation`.
#[derive(Debug, Clone)]
pub struct OperationCall {
    /// `operationId`.
    pub operation: &'static str,
    /// How it ended.
    pub outcome: Outcome,
}

impl OperationCall {
    /// Classifies a facade result.
    pub fn new<T, E: OpenUnion>(
        operation: &'static str,
        result: Result<T, portone_client::Error<E>>,
    ) -> Self {
        let outcome = match result {
            Ok(_) => Outcome::Ok,
            Err(portone_client::Error::Api(api)) => Outcome::Api {
                tag: api.error().tag().to_owned(),
                status: api.status().as_u16(),
            },
            Err(other) => Outcome::Failed(other.to_string()),
        };
        OperationCall { operation, outcome }
    }
}

/// Decodes JSON as one generated type.
pub type Probe = fn(&str) -> Result<Decoded, String>;

/// A union type and its probe.
pub struct UnionProbe {
    /// Component name.
    pub name: &'static str,
    /// Decodes JSON as this union.
    pub decode: Probe,
}

/// An enum type and its probe.
pub struct EnumProbe {
    /// Component name.
    pub name: &'static str,
    /// Decodes JSON as this enum.
    pub decode: Probe,
}

/// Decodes `json` as `U`.
pub fn probe_union<U: OpenUnion>(json: &str) -> Result<Decoded, String> {
    let value: U = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(Decoded {
        tag: value.tag().to_owned(),
        unrecognized: value.is_unrecognized(),
        reserialized: serde_json::to_value(&value).map_err(|e| e.to_string())?,
    })
}

/// Decodes `json` as `E`.
pub fn probe_enum<E: OpenEnum>(json: &str) -> Result<Decoded, String> {
    let value: E = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(Decoded {
        tag: value.as_str().to_owned(),
        unrecognized: value.is_unrecognized(),
        reserialized: serde_json::to_value(&value).map_err(|e| e.to_string())?,
    })
}

/// The published spec the client was generated from.
pub fn spec() -> portone_openapi::Spec {
    portone_openapi::Spec::from_path(SPEC_PATH.as_ref()).expect("the spec the build used")
}

/// A valid `Payment` JSON for `id` (a sampled PAID payment).
pub fn paid_payment_json(id: &str) -> String {
    let spec = spec();
    let mut payment = portone_openapi::sample::Sampler::new(
        &spec.json,
        1,
        portone_openapi::sample::Fields::Required,
    )
    .union_case("Payment", "PAID")
    .expect("the spec has a PAID payment");
    payment["id"] = Value::from(id);
    payment.to_string()
}

/// The normalized spec, with unstable operations when the `unstable` feature is on.
pub fn normalized() -> portone_openapi::Normalized {
    let options = portone_openapi::Options {
        unstable: cfg!(feature = "unstable"),
        ..Default::default()
    };
    portone_openapi::normalize(&spec(), &options).expect("the build normalized it")
}
