//! The spec's documentation on progenitor's structs: each struct gets its schema's title and
//! description, each field its property's (or, where the property says nothing, the words of the
//! schema it refers to). typify keeps only descriptions and loses the words beside a `$ref`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use syn::visit_mut::VisitMut;

use crate::Normalized;

/// What a type only unstable operations use says about itself.
const UNSTABLE_TYPE_NOTE: &str = "**Unstable**: only `x-portone-unstable` operations use this \
    type; PortOne may change or remove it without notice.";

/// Replaces the docs of every struct of the `types` module, and of its named fields, with the
/// spec's words.
pub(crate) fn apply(client: &mut syn::File, normalized: &Normalized) {
    let Some(schemas) = normalized.spec["components"]["schemas"].as_object() else {
        return;
    };
    let by_rust_name: BTreeMap<String, &str> = schemas
        .keys()
        .map(|name| (crate::rust_type_name(name), name.as_str()))
        .collect();
    let mut visitor = Documenter {
        schemas,
        by_rust_name,
        unstable: normalized.unstable_only_schemas(),
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
    by_rust_name: BTreeMap<String, &'s str>,
    unstable: BTreeSet<String>,
}

impl VisitMut for Documenter<'_> {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let Some(&name) = self.by_rust_name.get(&item.ident.to_string()) else {
            return;
        };
        let schema = &self.schemas[name];
        let mut doc = crate::docs::text(schema);
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
                .and_then(|property| crate::docs::property(self.schemas, property))
                .unwrap_or_else(|| undescribed_field(schema, &wire));
            set_doc(&mut field.attrs, Some(&doc));
        }
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
