//! What the build script learned about each generated operation.

/// How the request body of an operation is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyInfo {
    /// Rust type of the body in [`crate::types`].
    pub type_name: &'static str,
    /// Whether the spec requires a body.
    pub required: bool,
    /// Whether the body travels as JSON text in the `requestBody` query parameter.
    pub in_query: bool,
    /// Whether the body has a `storeId` field.
    pub has_store_id: bool,
}

/// One generated operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `operationId` as in the spec (camelCase).
    pub id: &'static str,
    /// Name of the generated method (and `OperationInfo::operation_id`).
    pub method_name: &'static str,
    /// HTTP method, upper case.
    pub http_method: &'static str,
    /// Path template, e.g. `/payments/{paymentId}`.
    pub path: &'static str,
    /// `x-portone-category`, e.g. `payment.billingKey`.
    pub category: Option<&'static str>,
    /// The request body, if any.
    pub body: Option<BodyInfo>,
    /// Whether the operation has a `storeId` query parameter.
    pub store_id_query: bool,
    /// Whether the operation sends credentials.
    pub authenticated: bool,
    /// Whether PortOne marks it `x-portone-unstable`.
    pub unstable: bool,
    /// Rust type of the documented error in [`crate::types`], if any.
    pub error_type: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// Looks up an operation by its generated method name.
pub fn find(method_name: &str) -> Option<&'static Operation> {
    OPERATIONS.get(index_of(method_name)?)
}
