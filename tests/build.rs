//! Emits, from the same spec `portone-gen` is built from, a probe per union and enum type
//! so that tests can exercise every one of them by name.

use portone_openapi::{ApiModel, Operation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn main() {
    let (spec, normalized) = portone_openapi::load_in_build_script(&portone_openapi::Options {
        unstable: std::env::var_os("CARGO_FEATURE_UNSTABLE").is_some(),
        ..Default::default()
    })
    .unwrap_or_else(|e| portone_openapi::exit_build_script(e));
    let model = &normalized.model;
    let unions = model.unions.iter().map(|u| {
        let name = &u.name;
        let ty = format_ident!("{}", u.rust_name);
        quote!(crate::UnionProbe { name: #name, decode: crate::probe_union::<portone_gen::types::#ty> })
    });
    let enums = model.enums.iter().map(|e| {
        let name = &e.name;
        let ty = format_ident!("{}", e.rust_name);
        quote!(crate::EnumProbe { name: #name, decode: crate::probe_enum::<portone_gen::types::#ty> })
    });
    let raw_query_body_calls = query_body_calls(model, |_| quote!(client), true);
    let facade_query_body_calls = query_body_calls(
        model,
        |op| {
            let accessors = facade_accessors(op);
            quote!(portone #(.#accessors())*)
        },
        false,
    );
    let every_call = every_operation_calls(&normalized);
    let (lists, unclassified) = list_operations(&normalized);
    let spec = spec.origin.clone();
    let tokens = quote! {
        /// The spec the generated client was built from.
        pub const SPEC_PATH: &str = #spec;
        /// One probe per discriminated union of the spec.
        pub static UNIONS: &[crate::UnionProbe] = &[#(#unions),*];
        /// One probe per string enum of the spec.
        pub static ENUMS: &[crate::EnumProbe] = &[#(#enums),*];

        /// Every list operation of the spec, with its stream (see `list_operations`).
        pub static LIST_OPERATIONS: &[crate::list_operations::ListOperation] = &[#(#lists),*];

        /// Operations that look like lists but fit no paging shape, so have no stream:
        /// (`operationId`, reason).
        pub static UNCLASSIFIED_LIST_OPERATIONS: &[(&str, &str)] = &[#(#unclassified),*];

        /// Calls every operation whose body travels in the `requestBody` query, with a body
        /// made by `sample(schema name)`.
        pub async fn call_query_body_operations(
            client: &portone_gen::Client,
            sample: &dyn Fn(&str) -> serde_json::Value,
        ) -> Vec<crate::QueryBodyCall> {
            let mut calls = Vec::new();
            #raw_query_body_calls
            calls
        }

        /// Calls every operation through the facade, with path parameters from `ids(wire name)`,
        /// bodies from `sample(schema name)`, optional query parameters left out.
        pub async fn call_every_operation(
            portone: &portone_client::PortOne,
            ids: &dyn Fn(&str) -> String,
            sample: &dyn Fn(&str) -> serde_json::Value,
        ) -> Vec<crate::OperationCall> {
            let mut calls = Vec::new();
            #every_call
            calls
        }

        /// The same calls through the facade (`portone.<group>().<operation>(...)`).
        pub async fn call_query_body_operations_via_facade(
            portone: &portone_client::PortOne,
            sample: &dyn Fn(&str) -> serde_json::Value,
        ) -> Vec<crate::QueryBodyCall> {
            let mut calls = Vec::new();
            #facade_query_body_calls
            calls
        }
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("probes.rs");
    std::fs::write(out, tokens.to_string()).unwrap();
}

/// A `ListOperation` per list operation (whose JSON adapter calls the facade's stream, so a
/// stream missing from the facade fails to compile), and the unclassified ones.
fn list_operations(
    normalized: &portone_openapi::Normalized,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    use portone_openapi::codegen::lists::{Style, list_operations};
    let classified = list_operations(normalized).unwrap_or_else(|e| panic!("{e}"));
    let lists = classified.lists.iter().map(|list| {
        let op = list.op;
        let id = &op.id;
        let group = op.group_path();
        let method = &op.rust_name;
        let stream = format!("{method}_stream");
        let stream_ident = format_ident!("{stream}");
        let accessors = facade_accessors(op);
        let items = &list.items;
        let item_type = portone_openapi::rust_type_name(&list.item);
        let body_ty = format_ident!("{}", portone_openapi::rust_type_name(&list.body));
        let pagination = match &list.style {
            Style::NestedPage { .. } => quote! {
                crate::list_operations::Pagination::Page { number: "page.number", size: "page.size" }
            },
            Style::FlatPage => quote! {
                crate::list_operations::Pagination::Page { number: "pageNumber", size: "pageSize" }
            },
            Style::Cursor => quote! {
                crate::list_operations::Pagination::Cursor { cursor: "cursor", size: "size" }
            },
        };
        let required = op.path_params.first().cloned().or_else(|| {
            op.query_params.iter().find(|q| q.required).map(|q| q.name.clone())
        });
        let adapter = match required {
            Some(name) => {
                let message = format!("{id}: the JSON adapter cannot fill the required parameter `{name}`");
                quote!(|_, _, _| crate::list_operations::json_failure(String::from(#message)))
            }
            None => quote! {
                |portone, body, page_size| {
                    let body: portone_gen::types::#body_ty = match serde_json::from_value(body) {
                        Ok(body) => body,
                        Err(e) => {
                            return crate::list_operations::json_failure(format!("{}: invalid body: {e}", #id));
                        }
                    };
                    let mut stream = portone #(.#accessors())* .#stream_ident(body);
                    if let Some(size) = page_size {
                        stream = stream.page_size(size);
                    }
                    crate::list_operations::json_items(stream)
                }
            },
        };
        quote! {
            crate::list_operations::ListOperation {
                operation_id: #id,
                group: #group,
                method: #method,
                stream_method: #stream,
                pagination: #pagination,
                items: #items,
                item_type: #item_type,
                json_stream: #adapter,
            }
        }
    });
    let unclassified = classified
        .unclassified
        .iter()
        .map(|(id, reason)| quote!((#id, #reason)));
    (lists.collect(), unclassified.collect())
}

/// One block per operation calling it through the facade with arguments made from the facade
/// method's real signature (read from the facade `portone-gen` generated for this build).
fn every_operation_calls(normalized: &portone_openapi::Normalized) -> proc_macro2::TokenStream {
    let signatures = facade_signatures();
    let blocks = normalized.model.operations.iter().map(|op| {
        let id = &op.id;
        let group: String = op
            .group()
            .iter()
            .map(|g| heck::ToUpperCamelCase::to_upper_camel_case(g.as_str()))
            .collect();
        let arguments = signatures
            .get(&(format!("{group}Api"), op.rust_name.clone()))
            .unwrap_or_else(|| panic!("{id}: no facade method {group}Api::{}", op.rust_name));
        let method = format_ident!("{}", op.rust_name);
        let accessors = facade_accessors(op);
        let wire_names: Vec<&String> = op.path_params.iter().chain(op.query_params.iter().map(|q| &q.name)).collect();
        let args = arguments.iter().map(|(name, ty)| {
            let wire = wire_names
                .iter()
                .find(|w| heck::ToSnakeCase::to_snake_case(w.as_str()) == *name)
                .map(|w| w.to_string())
                .unwrap_or(name.clone());
            let sampled = |schema: &str, inner: &syn::Type| {
                quote! {
                    serde_json::from_value::<#inner>(sample(#schema))
                        .unwrap_or_else(|e| panic!("sample of {} does not decode: {e}", #schema))
                }
            };
            match ty {
                syn::Type::Path(p) if p.path.is_ident("i64") => quote!(1000),
                syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")) => {
                    quote!(&ids(#wire))
                }
                // The body, by reference.
                syn::Type::Reference(r) if name == "body" => {
                    let schema = &op.body.as_ref().expect("a body parameter").schema;
                    let value = sampled(schema, &r.elem);
                    quote!(&#value)
                }
                // A required parameter whose schema is a component (an enum), by value.
                syn::Type::Path(_) => {
                    let schema = parameter_component(normalized, op, &wire)
                        .unwrap_or_else(|| panic!("{id}: no component schema for parameter {wire}"));
                    sampled(&schema, ty)
                }
                other => {
                    let message = format!("{id}: unsupported parameter type {}", quote!(#other));
                    quote!(compile_error!(#message))
                }
            }
        });
        quote! {
            {
                // Boxed: 147 futures inlined in one would overflow a test thread's stack.
                let result = Box::pin(std::future::IntoFuture::into_future(portone #(.#accessors())* .#method(#(#args),*))).await;
                calls.push(crate::OperationCall::new(#id, result));
            }
        }
    });
    quote!(#(#blocks)*)
}

/// The arguments (name, type) of every method of the facade's groups, by (group struct,
/// method), from the facade `portone-gen` generated (`DEP_PORTONE_GEN_FACADE`).
fn facade_signatures() -> std::collections::BTreeMap<(String, String), Vec<(String, syn::Type)>> {
    let path =
        std::env::var("DEP_PORTONE_GEN_FACADE").expect("portone-gen says where its facade is");
    println!("cargo::rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = std::collections::BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(group) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        if !group.ends_with("Api") {
            continue;
        }
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let arguments = f
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(t) => match &*t.pat {
                        syn::Pat::Ident(i) => {
                            Some((i.ident.to_string(), without_lifetimes((*t.ty).clone())))
                        }
                        _ => None,
                    },
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            out.insert((group.clone(), f.sig.ident.to_string()), arguments);
        }
    }
    out
}

/// `&'a T` -> `&T`.
fn without_lifetimes(ty: syn::Type) -> syn::Type {
    match ty {
        syn::Type::Reference(mut r) => {
            r.lifetime = None;
            syn::Type::Reference(r)
        }
        other => other,
    }
}

/// The component a parameter's schema refers to.
fn parameter_component(
    normalized: &portone_openapi::Normalized,
    op: &portone_openapi::Operation,
    wire: &str,
) -> Option<String> {
    let method = op.method.as_str().to_ascii_lowercase();
    let params = normalized.spec["paths"][&op.path][&method]["parameters"].as_array()?;
    let param = params.iter().find(|p| p["name"] == wire)?;
    let target = param["schema"]["$ref"].as_str()?;
    Some(target.rsplit('/').next()?.to_owned())
}

/// `payment`, `billing_key`, ...: the accessors from `PortOne` to the operation's group.
fn facade_accessors(op: &Operation) -> Vec<proc_macro2::Ident> {
    op.group()
        .iter()
        .map(|g| format_ident!("{}", heck::ToSnakeCase::to_snake_case(g.as_str())))
        .collect()
}

/// One block per operation whose body travels in the `requestBody` query, calling it on
/// `receiver(op)` with a sampled body, placeholder path parameters and no optional query
/// parameters.
fn query_body_calls(
    model: &ApiModel,
    receiver: impl Fn(&Operation) -> TokenStream,
    positional: bool,
) -> TokenStream {
    let blocks = model.operations.iter().filter(|op| op.body_in_query()).map(|op| {
        let id = &op.id;
        let method = format_ident!("{}", op.rust_name);
        let receiver = receiver(op);
        let body = op.body.as_ref().expect("filtered");
        let body_schema = &body.schema;
        let body_ty = format_ident!("{}", portone_openapi::rust_type_name(&body.schema));
        let path_args = op.path_params.iter().map(|p| {
            let value = format!("path-{p}");
            quote!(#value)
        });
        // The raw client takes every query parameter (`None`); the facade only required ones
        // (none of these operations has one).
        assert!(
            positional || op.query_params.iter().all(|q| !q.required),
            "{id}: a required query parameter; give the facade call a value for it"
        );
        let query_args = op.query_params.iter().filter(|_| positional).map(|_| quote!(None));
        quote! {
            {
                let body: portone_gen::types::#body_ty = serde_json::from_value(sample(#body_schema))
                    .unwrap_or_else(|e| panic!("sample of {} does not decode: {e}", #body_schema));
                let result = #receiver.#method(#(#path_args,)* #(#query_args,)* &body).await;
                calls.push(crate::QueryBodyCall {
                    operation: #id,
                    body: serde_json::to_value(&body).unwrap(),
                    error: result.err().map(|e| e.to_string()),
                });
            }
        }
    });
    quote!(#(#blocks)*)
}
