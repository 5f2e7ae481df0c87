//! What the normalizer learned about the API: the facts generators and tools need.

use serde::Serialize;

/// HTTP methods that can carry an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
}

impl HttpMethod {
    /// Parses an OpenAPI path-item key (`get`, `post`, ...).
    pub fn parse(key: &str) -> Option<HttpMethod> {
        Some(match key {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "patch" => HttpMethod::Patch,
            "head" => HttpMethod::Head,
            "options" => HttpMethod::Options,
            _ => return None,
        })
    }

    /// Upper-case name, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }
}

/// How an operation's request body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyPlacement {
    /// A JSON request body.
    Json,
    /// The JSON text goes in the `requestBody` query parameter (no HTTP body).
    Query,
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestBody {
    /// Component schema of the body.
    pub schema: String,
    /// Whether the spec requires a body.
    pub required: bool,
    /// Where it goes on the wire.
    pub placement: BodyPlacement,
    /// Whether the body schema has a `storeId` property.
    pub has_store_id: bool,
}

/// A query parameter (after normalization).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryParam {
    /// Wire name.
    pub name: String,
    /// Whether it is required.
    pub required: bool,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "schema")]
pub enum SuccessBody {
    /// JSON of a component schema.
    Json(String),
    /// A non-JSON body (e.g. `text/csv`), passed through as bytes.
    Bytes(String),
    /// No body.
    Empty,
}

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operation {
    /// `operationId` as in the spec (camelCase).
    pub id: String,
    /// The Rust method name progenitor gives it (snake_case).
    pub rust_name: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template, e.g. `/payments/{paymentId}`.
    pub path: String,
    /// Path parameters in template order.
    pub path_params: Vec<String>,
    /// Query parameters (the `requestBody` query form is not listed here).
    pub query_params: Vec<QueryParam>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// The success response.
    pub success: SuccessBody,
    /// The schema shared by the error responses (`x-portone-error`), if any.
    pub error_schema: Option<String>,
    /// `x-portone-category`, e.g. `payment.billingKey`.
    pub category: Option<String>,
    /// Whether the operation sends credentials.
    pub authenticated: bool,
    /// Whether it is marked `x-portone-unstable`.
    pub unstable: bool,
    /// One-line summary (spec text; never committed).
    #[serde(skip)]
    pub summary: Option<String>,
}

impl Operation {
    /// Whether the body goes in the `requestBody` query parameter.
    pub fn body_in_query(&self) -> bool {
        self.body
            .as_ref()
            .is_some_and(|b| b.placement == BodyPlacement::Query)
    }

    /// The group of the operation in the facade: its `x-portone-category` split at `.`
    /// (`payment.billingKey` -> `["payment", "billingKey"]`), or for operations without one the
    /// first segment of the path in camelCase (`/platform/setting` -> `["platform"]`).
    pub fn group(&self) -> Vec<String> {
        match &self.category {
            Some(category) => category.split('.').map(str::to_owned).collect(),
            None => vec![top_category(None, &self.path)],
        }
    }

    /// The top-level category, which selects the cargo feature the operation belongs to
    /// (see [`top_category`]).
    pub fn top_category(&self) -> String {
        top_category(self.category.as_deref(), &self.path)
    }

    /// The facade's accessor path to the group, `snake_case` segments joined by `.`
    /// (`payment.billingKey` -> `"payment.billing_key"`).
    pub fn group_path(&self) -> String {
        self.group()
            .iter()
            .map(|p| heck::ToSnakeCase::to_snake_case(p.as_str()))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Whether a `storeId` query parameter exists.
    pub fn has_store_id_query(&self) -> bool {
        self.query_params.iter().any(|q| q.name == "storeId")
    }
}

/// The top-level category of an operation: the first segment of its `x-portone-category`
/// (`payment.billingKey` -> `payment`), or for operations without one the first segment of the
/// path in camelCase (`/platform/setting` -> `platform`).
pub fn top_category(category: Option<&str>, path: &str) -> String {
    match category {
        Some(category) => category.split('.').next().unwrap_or_default().to_owned(),
        None => {
            let first = path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default();
            heck::ToLowerCamelCase::to_lower_camel_case(first)
        }
    }
}

/// One case of a discriminated union.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnionCase {
    /// The discriminator value.
    pub tag: String,
    /// Rust variant name.
    pub variant: String,
    /// Component schema of the member.
    pub member: String,
    /// Rust type name of the member.
    pub member_rust: String,
    /// Whether the member keeps the tag as its own field (it is also used outside unions).
    pub member_keeps_tag: bool,
    /// The member schema's title and description (spec text; never committed).
    #[serde(skip)]
    pub doc: Option<String>,
}

/// A `oneOf` with a discriminator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Union {
    /// Component name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Discriminator property (`type`, `status`).
    pub property: String,
    /// Cases in spec order.
    pub cases: Vec<UnionCase>,
    /// Title and description (spec text; never committed).
    #[serde(skip)]
    pub doc: Option<String>,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    /// Wire value.
    pub value: String,
    /// Rust variant name.
    pub variant: String,
    /// The value's title and description from `x-portone-enum` (spec text; never committed).
    #[serde(skip)]
    pub doc: Option<String>,
}

/// A string enum component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StringEnum {
    /// Component name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Known values in spec order.
    pub values: Vec<EnumValue>,
    /// Title and description (spec text; never committed).
    #[serde(skip)]
    pub doc: Option<String>,
}

/// Name of the variant that keeps values and union cases this SDK does not know yet.
pub const CATCH_ALL_VARIANT: &str = "Unrecognized";

/// Everything generators need to know beyond the schemas themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiModel {
    /// The spec's `info.version`.
    pub info_version: String,
    /// Generated operations, in spec order.
    pub operations: Vec<Operation>,
    /// `x-portone-unstable` operations left out (when unstable ones are not generated).
    pub omitted_unstable: Vec<String>,
    /// Operations left out because their category is not selected.
    pub omitted_by_category: Vec<String>,
    /// How many schemas were left out because only left-out operations reached them.
    pub omitted_schemas: usize,
    /// Discriminated unions.
    pub unions: Vec<Union>,
    /// String enums.
    pub enums: Vec<StringEnum>,
}

impl ApiModel {
    /// Looks up an operation by `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }
}
