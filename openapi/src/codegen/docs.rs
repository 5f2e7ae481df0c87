//! The spec's documentation on progenitor's structs: each struct gets its schema's title and
//! description, each field its property's (or, where the property says nothing, the words of the
//! schema it refers to). typify keeps only descriptions and loses the words beside a `$ref`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use syn::visit_mut::VisitMut;

use crate::{Normalized, Operation, SuccessBody, Union, UnionCase};

/// What a type only unstable operations use says about itself.
const UNSTABLE_TYPE_NOTE: &str = "**Unstable**: only `x-portone-unstable` operations use this \
    type; PortOne may change or remove it without notice.";

/// Replaces the docs of every struct of the `types` module, and of its named fields, with the
/// spec's words. With `fill`, a field the spec says nothing about gets what is known from its
/// place (so that no public item is undocumented); without, it gets no doc (the setters and
/// accessors built from the fields repeat only the spec's words).
pub(crate) fn apply(client: &mut syn::File, normalized: &Normalized, fill: bool) {
    let Some(schemas) = normalized.spec["components"]["schemas"].as_object() else {
        return;
    };
    let by_rust_name: BTreeMap<String, &str> = schemas
        .keys()
        .map(|name| (crate::rust_type_name(name), name.as_str()))
        .collect();
    let mut visitor = Documenter {
        schemas,
        operations: &normalized.model.operations,
        users: users(schemas),
        by_rust_name,
        unstable: normalized.unstable_only_schemas(),
        fill,
    };
    for item in &mut client.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "types"
        {
            visitor.visit_item_mod_mut(module);
        }
    }
}

struct Documenter<'s> {
    schemas: &'s Map<String, Value>,
    operations: &'s [Operation],
    users: BTreeMap<String, BTreeSet<String>>,
    by_rust_name: BTreeMap<String, &'s str>,
    unstable: BTreeSet<String>,
    fill: bool,
}

impl Documenter<'_> {
    /// The doc of a type the spec has no words for: what is known from where it is used.
    fn undescribed_type(&self, name: &str, schema: &Value) -> String {
        if let Some(status) = schema.get("x-portone-status-code").and_then(Value::as_u64) {
            return format!("An error PortOne answers with HTTP status {status}.");
        }
        let operations = |uses: &dyn Fn(&Operation) -> bool| -> Vec<String> {
            self.operations
                .iter()
                .filter(|op| uses(op))
                .map(|op| format!("`{}` (`{} {}`)", op.rust_name, op.method.as_str(), op.path))
                .collect()
        };
        let bodies = operations(&|op| op.body.as_ref().is_some_and(|b| b.schema == name));
        if !bodies.is_empty() {
            return format!("The request body of {}.", bodies.join(", "));
        }
        let responses = operations(&|op| matches!(&op.success, SuccessBody::Json(s) if s == name));
        if !responses.is_empty() {
            return format!("The response of {}.", responses.join(", "));
        }
        let users: Vec<String> = self
            .users
            .get(name)
            .into_iter()
            .flatten()
            .map(|user| format!("[`{0}`](crate::types::{0})", crate::rust_type_name(user)))
            .collect();
        if users.is_empty() {
            format!("`{name}` (PortOne's spec does not describe it).")
        } else {
            format!(
                "Part of {} (PortOne's spec does not describe it further).",
                users.join(", ")
            )
        }
    }
}

/// For each schema, the schemas that refer to it.
fn users(schemas: &Map<String, Value>) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(value: &Value, user: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
        match value {
            Value::Object(map) => {
                if let Some(target) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(crate::refs::component_of)
                {
                    out.entry(target.to_owned())
                        .or_default()
                        .insert(user.to_owned());
                }
                map.values().for_each(|v| walk(v, user, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, user, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (name, schema) in schemas {
        walk(schema, name, &mut out);
    }
    out
}

impl VisitMut for Documenter<'_> {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let Some(&name) = self.by_rust_name.get(&item.ident.to_string()) else {
            return;
        };
        let schema = &self.schemas[name];
        let mut doc = crate::docs::schema_text(name, schema);
        if doc.is_none() && self.fill {
            doc = Some(self.undescribed_type(name, schema));
        }
        if self.unstable.contains(name) {
            doc = Some(match doc {
                Some(text) => format!("{UNSTABLE_TYPE_NOTE}\n\n{text}"),
                None => UNSTABLE_TYPE_NOTE.to_owned(),
            });
        }
        set_doc(&mut item.attrs, doc.as_deref());
        let syn::Fields::Named(named) = &mut item.fields else {
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        for field in &mut named.named {
            let wire = super::structs::wire_name(field);
            let doc = properties
                .and_then(|p| p.get(&wire))
                .and_then(|property| crate::docs::property(self.schemas, property));
            let doc = match (doc, self.fill) {
                (Some(doc), _) => Some(doc),
                (None, true) => Some(undescribed_field(schema, &wire)),
                (None, false) => None,
            };
            set_doc(&mut field.attrs, doc.as_deref());
        }
    }
}

/// The doc of a union: the spec's words (unless they only repeat the type's name); for the
/// error type of operations, which operations and a summary of its cases with their statuses.
pub(crate) fn union_doc(normalized: &Normalized, union: &Union) -> Option<String> {
    let words = union
        .doc
        .clone()
        .filter(|d| *d != union.name && *d != union.rust_name);
    let operations: Vec<&Operation> = normalized
        .model
        .operations
        .iter()
        .filter(|op| op.error_schema.as_deref() == Some(union.name.as_str()))
        .collect();
    if operations.is_empty() {
        return words;
    }
    let names: Vec<String> = operations
        .iter()
        .map(|op| format!("`{}` (`{} {}`)", op.rust_name, op.method.as_str(), op.path))
        .collect();
    let mut doc = format!(
        "The errors PortOne documents for {}: one variant per error, with its HTTP status. \
         A call answers with one as `portone_client::Error::Api`.",
        names.join(", ")
    );
    if let Some(words) = words {
        doc = format!("{words}\n\n{doc}");
    }
    Some(doc)
}

/// The doc of a union case: its member schema's words, and the HTTP status of an error.
pub(crate) fn case_doc(normalized: &Normalized, case: &UnionCase) -> Option<String> {
    let status = normalized.spec["components"]["schemas"][&case.member]
        .get("x-portone-status-code")
        .and_then(Value::as_u64)
        .map(|status| format!("HTTP status {status}."));
    match (case.doc.clone(), status) {
        (Some(words), Some(status)) => Some(format!("{words}\n\n{status}")),
        (words, status) => words.or(status),
    }
}

/// The doc of a field the spec has no words for: what is known from its place.
fn undescribed_field(schema: &Value, wire: &str) -> String {
    if wire == "message" && schema.get("x-portone-status-code").is_some() {
        "PortOne's message for this error, if it sent one.".to_owned()
    } else {
        format!("The `{wire}` field (PortOne's spec does not describe it).")
    }
}

/// Replaces the `#[doc]` attributes in `attrs` by `doc` (one attribute per line, as `///`).
fn set_doc(attrs: &mut Vec<syn::Attribute>, doc: Option<&str>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
    let Some(doc) = doc else { return };
    let lines: Vec<syn::Attribute> = doc
        .lines()
        .map(|line| {
            let line = format!(" {line}");
            syn::parse_quote!(#[doc = #line])
        })
        .collect();
    attrs.splice(0..0, lines);
}

/// The doc text of `attrs` (`#[doc = ".."]` lines joined), if any.
pub fn doc_of(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_owned())
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}
