//! The generated part of `portone-client`'s facade (`facade.rs`), written here in the one
//! generator run of a build (`portone-client`'s build script finds the file through this
//! package's `links` metadata): one struct per PortOne category (`x-portone-category`, e.g.
//! `payment.billingKey` -> `portone.payment().billing_key()`), each with a method per operation
//! that returns the operation's request builder (`requests.rs`), and the stream methods of the
//! list operations (`paginate.rs`). Paths in it (`crate::...`) are `portone-client`'s.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use portone_openapi::Normalized;
use portone_openapi::codegen::Generated;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::{paginate, requests};

/// The facade's source for `normalized` (`generated` is progenitor's output for it).
pub fn emit_facade(normalized: &Normalized, generated: &Generated) -> Result<syn::File, String> {
    let calls = generated.calls(&normalized.model)?;
    let titles = category_titles(&normalized.spec);
    let moves = portone_openapi::moves::Moves::load()?;
    println!(
        "cargo::rerun-if-env-changed={}",
        portone_openapi::moves::MOVES_ENV
    );
    println!(
        "cargo::rerun-if-changed={}",
        portone_openapi::moves::moves_path().display()
    );

    let mut groups: BTreeMap<Vec<String>, Group> = BTreeMap::new();
    let mut requests = BTreeMap::new();
    let mut builders = Vec::new();
    for call in &calls {
        let op = &call.operation;
        let path = op.group();
        for depth in 1..=path.len() {
            groups.entry(path[..depth].to_vec()).or_default();
        }
        let request = requests::Request::new(call)?;
        let doc = portone_openapi::codegen::method_doc(normalized, call);
        groups
            .get_mut(&path)
            .expect("inserted")
            .methods
            .push(request.group_method(&doc));
        for moved in moves.aliases_of(&op.rust_name, &path) {
            let old = moved.from_group();
            for depth in 1..=old.len() {
                groups.entry(old[..depth].to_vec()).or_default();
            }
            groups
                .get_mut(&old)
                .expect("inserted")
                .methods
                .push(request.alias_method(&path, moved));
        }
        builders.push(
            request.builder(|wire| portone_openapi::codegen::setter_doc(normalized, call, wire)),
        );
        requests.insert(op.rust_name.clone(), request);
    }
    let mut tokens = emit(&groups, &titles);
    tokens.extend(builders);
    tokens.extend(paginate::emit(normalized, generated, &requests, &moves)?);
    syn::parse2(tokens).map_err(|e| format!("facade: {e}"))
}

#[derive(Default)]
struct Group {
    methods: Vec<TokenStream>,
}

fn category_titles(spec: &Value) -> BTreeMap<String, String> {
    fn walk(nodes: &Value, out: &mut BTreeMap<String, String>) {
        for node in nodes.as_array().into_iter().flatten() {
            if let (Some(id), Some(title)) = (node["id"].as_str(), node["title"].as_str()) {
                out.insert(id.to_owned(), title.to_owned());
            }
            walk(&node["children"], out);
        }
    }
    let mut out = BTreeMap::new();
    walk(&spec["x-portone-categories"], &mut out);
    out
}

pub(crate) fn group_ident(path: &[String]) -> syn::Ident {
    let name: String = path.iter().map(|p| p.to_upper_camel_case()).collect();
    format_ident!("{name}Api")
}

/// How users reach a group: `portone.payment().billing_key()`.
pub(crate) fn accessor_path(path: &[String]) -> String {
    let mut text = String::from("portone");
    for segment in path {
        text.push_str(&format!(".{}()", segment.to_snake_case()));
    }
    text
}

fn accessor_ident(id: &str) -> syn::Ident {
    format_ident!("{}", id.to_snake_case())
}

fn emit(groups: &BTreeMap<Vec<String>, Group>, titles: &BTreeMap<String, String>) -> TokenStream {
    let mut items = Vec::new();
    let mut top_accessors = Vec::new();
    for (path, group) in groups {
        let ident = group_ident(path);
        let id = path.join(".");
        let title = titles
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("`{id}` operations"));
        let doc = format!("{title} (`{id}`).");
        let children = groups
            .keys()
            .filter(|k| k.len() == path.len() + 1 && k.starts_with(path))
            .map(|child| {
                let child_ident = group_ident(child);
                let accessor = accessor_ident(child.last().expect("non-empty"));
                let child_id = child.join(".");
                let child_title = titles
                    .get(&child_id)
                    .cloned()
                    .unwrap_or_else(|| format!("`{child_id}` operations"));
                quote! {
                    #[doc = #child_title]
                    pub fn #accessor(&self) -> #child_ident<'a> {
                        #child_ident { portone: self.portone }
                    }
                }
            });
        let methods = &group.methods;
        items.push(quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ident<'a> {
                portone: &'a crate::PortOne,
            }

            impl<'a> #ident<'a> {
                #(#children)*
                #(#methods)*
            }
        });
        if path.len() == 1 {
            let accessor = accessor_ident(&path[0]);
            top_accessors.push(quote! {
                #[doc = #doc]
                pub fn #accessor(&self) -> #ident<'_> {
                    #ident { portone: self }
                }
            });
        }
    }
    quote! {
        #(#items)*

        impl crate::PortOne {
            #(#top_accessors)*
        }
    }
}
