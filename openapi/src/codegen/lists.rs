//! Which operations are lists, and how they page (the facade's `_stream` methods).
//!
//! List operations are recognized from the normalized schemas, not from a hand-made list:
//!
//! - numbered pages: the body has `page` (an object with integer `number` and `size`) or
//!   integer `pageNumber` and `pageSize`; the response has `page` (an object with integer
//!   `number`, `size`, `totalCount`) and exactly one array property (the items);
//! - cursors: the body has a string `cursor` and an integer `size`; the response has exactly
//!   one array property whose items (a component) have a string `cursor`.
//!
//! An operation that looks like a list (a body with `page`/`pageNumber`/`pageSize`/`cursor`,
//! or a response with `page`/`cursor`/`nextCursor`/`totalCount`) but fits neither shape, or
//! whose stream method could not exist, is *unclassified*, with the reason.
//!
//! Shared by `portone-client`'s build script (which emits the streams) and the review tooling
//! (which shows them in the API surface and reports one that disappears).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::{Normalized, Operation, SuccessBody};

/// Body properties that make an operation look like a list.
const BODY_HINTS: &[&str] = &["page", "pageNumber", "pageSize", "cursor"];
/// Response properties that make an operation look like a list.
const RESPONSE_HINTS: &[&str] = &["page", "cursor", "nextCursor", "totalCount"];

/// How a list operation's body selects a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    /// `page: {number, size}`; the component of the page input.
    NestedPage {
        /// The component of the page input.
        input: String,
    },
    /// `pageNumber`, `pageSize`.
    FlatPage,
    /// `cursor`, `size`; items carry `cursor`.
    Cursor,
}

/// A recognized list operation.
#[derive(Debug, Clone)]
pub struct ListOp<'a> {
    /// The operation.
    pub op: &'a Operation,
    /// Component of the request body.
    pub body: String,
    /// Component of the success response.
    pub response: String,
    /// Wire name of the items property.
    pub items: String,
    /// Component of the items.
    pub item: String,
    /// For numbered pages: the component of the response's `page`.
    pub page_info: Option<String>,
    /// How it pages.
    pub style: Style,
}

enum Classified<'a> {
    NotList,
    List(ListOp<'a>),
    Unclassified(String),
}

/// The list operations of a spec, and the list-like ones that have no stream.
#[derive(Debug, Clone, Default)]
pub struct Lists<'a> {
    /// Recognized list operations, in operation order.
    pub lists: Vec<ListOp<'a>>,
    /// List-like operations without a stream: (`operationId`, reason).
    pub unclassified: Vec<(String, String)>,
}

impl ListOp<'_> {
    /// The stream method, e.g. `get_payments_stream`.
    pub fn stream_method(&self) -> String {
        format!("{}_stream", self.op.rust_name)
    }

    /// Whether this operation shares its response type's shape description with `other`.
    fn shape(&self) -> String {
        format!("{}/{}/{}", self.items, self.item, self.page_info.is_some())
    }
}

/// Classifies every operation of `normalized`.
pub fn list_operations(normalized: &Normalized) -> Result<Lists<'_>, String> {
    let schemas = normalized.spec["components"]["schemas"]
        .as_object()
        .ok_or("the normalized spec has no components.schemas")?;
    let method_names: BTreeSet<&str> = normalized
        .model
        .operations
        .iter()
        .map(|op| op.rust_name.as_str())
        .collect();
    let mut out = Lists::default();
    // Response types shared by several operations get one description, which must then
    // describe them all alike.
    let mut shapes: BTreeMap<String, String> = BTreeMap::new();
    for op in &normalized.model.operations {
        let list = match classify(schemas, op) {
            Classified::NotList => continue,
            Classified::Unclassified(reason) => {
                out.unclassified.push((op.id.clone(), reason));
                continue;
            }
            Classified::List(list) => list,
        };
        let stream = list.stream_method();
        if method_names.contains(stream.as_str()) {
            out.unclassified.push((
                op.id.clone(),
                format!("`{stream}` is already the name of an operation"),
            ));
            continue;
        }
        let shape = list.shape();
        match shapes.get(&list.response) {
            Some(existing) if *existing != shape => {
                out.unclassified.push((
                    op.id.clone(),
                    format!(
                        "response {} is shared with a list operation of another shape",
                        list.response
                    ),
                ));
                continue;
            }
            Some(_) => {}
            None => {
                shapes.insert(list.response.clone(), shape);
            }
        }
        out.lists.push(list);
    }
    Ok(out)
}

fn classify<'a>(schemas: &Map<String, Value>, op: &'a Operation) -> Classified<'a> {
    let body_schema = op.body.as_ref().map(|b| b.schema.as_str());
    let response_schema = match &op.success {
        SuccessBody::Json(name) => Some(name.as_str()),
        _ => None,
    };
    let body = body_schema.and_then(|name| properties(schemas, name));
    let response = response_schema.and_then(|name| properties(schemas, name));
    let hinted = |props: Option<&Map<String, Value>>, hints: &[&str]| {
        props.is_some_and(|p| hints.iter().any(|h| p.contains_key(*h)))
    };
    if !hinted(body, BODY_HINTS) && !hinted(response, RESPONSE_HINTS) {
        return Classified::NotList;
    }
    let (Some(body_name), Some(body)) = (body_schema, body) else {
        return Classified::Unclassified("no JSON object request body".into());
    };
    let (Some(response_name), Some(response)) = (response_schema, response) else {
        return Classified::Unclassified("no JSON object success response".into());
    };
    Candidate {
        schemas,
        op,
        body_name,
        body,
        response_name,
        response,
    }
    .classify()
}

/// A list-like operation with JSON object request and response, to match against the paging
/// styles.
struct Candidate<'s, 'a> {
    /// `components.schemas`.
    schemas: &'s Map<String, Value>,
    op: &'a Operation,
    /// Component of the request body.
    body_name: &'a str,
    /// Properties of the request body.
    body: &'s Map<String, Value>,
    /// Component of the success response.
    response_name: &'a str,
    /// Properties of the success response.
    response: &'s Map<String, Value>,
}

impl<'a> Candidate<'_, 'a> {
    /// Numbered pages, cursor or neither, from the request body's paging properties.
    fn classify(&self) -> Classified<'a> {
        let nested = self.nested_page_input();
        let flat = has_integer_props(self.body, &["pageNumber", "pageSize"]);
        let cursor = self
            .body
            .get("cursor")
            .is_some_and(|s| s["type"] == "string")
            && has_integer_props(self.body, &["size"]);
        if nested.is_some() || flat {
            return self.numbered_pages(nested);
        }
        if cursor {
            return self.cursor_pages();
        }
        Classified::Unclassified(
            "neither `page: {number, size}`, `pageNumber`/`pageSize` nor `cursor`/`size` in the body"
                .into(),
        )
    }

    /// The component of the body's `page`, if it has optional integer `number` and `size`.
    fn nested_page_input(&self) -> Option<String> {
        self.body
            .get("page")
            .and_then(crate::refs::ref_name)
            .filter(|input| {
                self.schemas.get(*input).is_some_and(|schema| {
                    has_integers(schema, &["number", "size"])
                        && !requires(schema, &["number", "size"])
                })
            })
            .map(str::to_owned)
    }

    /// The array properties of the response.
    fn arrays(&self) -> Vec<(&String, &Value)> {
        self.response
            .iter()
            .filter(|(_, schema)| schema["type"] == "array")
            .collect()
    }

    /// A numbered-page list (`nested`: the component of the body's `page`, if any), if the
    /// response has a page info and one array of component items.
    fn numbered_pages(&self, nested: Option<String>) -> Classified<'a> {
        let Some(info) = self
            .response
            .get("page")
            .and_then(crate::refs::ref_name)
            .filter(|info| {
                self.schemas
                    .get(*info)
                    .is_some_and(|s| has_integers(s, &["number", "size", "totalCount"]))
            })
        else {
            return Classified::Unclassified(
                "numbered-page request, but the response has no `page: {number, size, totalCount}`"
                    .into(),
            );
        };
        let arrays = self.arrays();
        let [(items, schema)] = arrays.as_slice() else {
            return Classified::Unclassified(format!(
                "numbered pages, but the response has {} array properties instead of one",
                arrays.len()
            ));
        };
        let Some(item) = item_component(schema) else {
            return Classified::Unclassified(format!("the items of `{items}` are not a component"));
        };
        let style = match nested {
            Some(input) => Style::NestedPage { input },
            None => Style::FlatPage,
        };
        Classified::List(self.list(items, item, Some(info.to_owned()), style))
    }

    /// A cursor list, if the response has one array of component items with a string `cursor`.
    fn cursor_pages(&self) -> Classified<'a> {
        let with_cursor: Vec<(&String, String)> = self
            .arrays()
            .into_iter()
            .filter_map(|(name, schema)| Some((name, item_component(schema)?)))
            .filter(|(_, item)| {
                properties(self.schemas, item)
                    .and_then(|p| p.get("cursor"))
                    .is_some_and(|c| c["type"] == "string")
            })
            .collect();
        let [(items, item)] = with_cursor.as_slice() else {
            return Classified::Unclassified(format!(
                "cursor request, but the response has {} arrays of items with a `cursor` \
                 instead of one",
                with_cursor.len()
            ));
        };
        Classified::List(self.list(items, item.clone(), None, Style::Cursor))
    }

    /// The list operation, with these items and paging.
    fn list(
        &self,
        items: &str,
        item: String,
        page_info: Option<String>,
        style: Style,
    ) -> ListOp<'a> {
        ListOp {
            op: self.op,
            body: self.body_name.to_owned(),
            response: self.response_name.to_owned(),
            items: items.to_owned(),
            item,
            page_info,
            style,
        }
    }
}

/// The component of an array schema's items.
fn item_component(schema: &Value) -> Option<String> {
    crate::refs::ref_name(&schema["items"]).map(str::to_owned)
}

fn properties<'s>(schemas: &'s Map<String, Value>, name: &str) -> Option<&'s Map<String, Value>> {
    schemas.get(name)?.get("properties")?.as_object()
}

fn has_integer_props(props: &Map<String, Value>, names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| props.get(*n).is_some_and(|p| p["type"] == "integer"))
}

fn has_integers(schema: &Value, names: &[&str]) -> bool {
    schema["properties"]
        .as_object()
        .is_some_and(|props| has_integer_props(props, names))
}

fn requires(schema: &Value, names: &[&str]) -> bool {
    schema["required"]
        .as_array()
        .is_some_and(|r| r.iter().any(|v| names.iter().any(|n| v == *n)))
}
