//! Emits the facade's operation groups (`api.rs`): one struct per PortOne category
//! (`x-portone-category`, e.g. `payment.billingKey` -> `portone.payment().billing_key()`), each
//! with a thin method per operation that calls the generated client through `PortOne::run`.
//!
//! Signatures are read from progenitor's output for the same spec (the same generation
//! `portone-gen` runs), so they match exactly; a compile-time check ties both crates to the
//! same spec hash.

use std::collections::BTreeMap;
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use portone_openapi::codegen::{Generated, generate};
use portone_openapi::{Operation, Options, source};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

#[path = "build/paginate.rs"]
mod paginate;

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let (spec_path, locked) = portone_openapi::build_spec_path();
    println!("cargo::rerun-if-env-changed={}", source::SPEC_OVERRIDE_ENV);
    println!("cargo::rerun-if-changed={}", spec_path.display());
    if locked {
        println!("cargo::rerun-if-changed={}", source::lock_path().display());
    }
    let options = Options {
        unstable: std::env::var_os("CARGO_FEATURE_UNSTABLE").is_some(),
    };
    let (spec, normalized) =
        portone_openapi::load_for_build(&options).map_err(|e| e.to_string())?;
    let generated = generate(&normalized).map_err(|e| format!("{}: {e}", spec.origin))?;
    let signatures = raw_signatures(&generated)?;
    let titles = category_titles(&normalized.spec);

    let mut groups: BTreeMap<Vec<String>, Group> = BTreeMap::new();
    for op in &normalized.model.operations {
        let path = op.group();
        for depth in 1..=path.len() {
            groups.entry(path[..depth].to_vec()).or_default();
        }
        let signature = signatures
            .get(&op.rust_name)
            .ok_or_else(|| format!("no generated method for {}", op.id))?;
        let doc = operation_doc(&normalized.spec, op);
        groups
            .get_mut(&path)
            .expect("inserted")
            .methods
            .push(facade_method(op, signature, &doc));
    }
    let mut tokens = emit(&groups, &titles, &normalized.model.operations, &spec.sha256);
    tokens.extend(paginate::emit(&normalized, &signatures)?);
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("facade: {e}"))?;
    let out = Path::new(&std::env::var("OUT_DIR").map_err(|e| e.to_string())?).join("api.rs");
    std::fs::write(&out, Generated::text(&file))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))
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

fn operation_doc(spec: &Value, op: &Operation) -> String {
    let method = op.method.as_str().to_ascii_lowercase();
    let raw = &spec["paths"][&op.path][&method];
    let mut doc = String::new();
    if let Some(summary) = raw["summary"].as_str() {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(description) = raw["description"].as_str() {
        // PortOne repeats the summary as the first line of the description.
        let description = raw["summary"]
            .as_str()
            .and_then(|s| description.strip_prefix(s))
            .unwrap_or(description)
            .trim_start();
        if !description.is_empty() {
            doc.push_str(description);
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&format!("`{} {}`", op.method.as_str(), op.path));
    if op.body_in_query() {
        doc.push_str(" (the body is sent as the `requestBody` query parameter)");
    }
    doc
}

/// A generated method's parameters and result types, rewritten for use outside the
/// generated crate.
pub(crate) struct Signature {
    /// Parameter names and types (lifetimes removed, paths absolute).
    pub params: Vec<(syn::Ident, syn::Type)>,
    /// The success type.
    pub ok: syn::Type,
    /// The documented error type.
    pub err: syn::Type,
}

fn raw_signatures(generated: &Generated) -> Result<BTreeMap<String, Signature>, String> {
    let mut out = BTreeMap::new();
    for item in &generated.client.items {
        let syn::Item::Impl(imp) = item else { continue };
        let is_client = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || imp.trait_.is_some() {
            continue;
        }
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.asyncness.is_none() {
                continue;
            }
            let name = f.sig.ident.to_string();
            let mut params = Vec::new();
            for input in &f.sig.inputs {
                let syn::FnArg::Typed(arg) = input else {
                    continue;
                };
                let syn::Pat::Ident(ident) = &*arg.pat else {
                    return Err(format!("{name}: unexpected parameter pattern"));
                };
                let mut ty = (*arg.ty).clone();
                Rewrite.visit_type_mut(&mut ty);
                params.push((ident.ident.clone(), ty));
            }
            let (ok, err) = result_types(&f.sig.output)
                .ok_or_else(|| format!("{name}: unexpected return type"))?;
            out.insert(name, Signature { params, ok, err });
        }
    }
    Ok(out)
}

/// `Result<ResponseValue<T>, Error<E>>` -> (T, E), with paths made absolute.
fn result_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let args = generic_args(ty, "Result")?;
    let mut ok = generic_args(&args[0], "ResponseValue")?.remove(0);
    let mut err = generic_args(&args[1], "Error")?.remove(0);
    Rewrite.visit_type_mut(&mut ok);
    Rewrite.visit_type_mut(&mut err);
    Some((ok, err))
}

fn generic_args(ty: &syn::Type, name: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// Makes generated type paths absolute (`types::X`, `crate::types::X` -> `::portone_gen::types::X`,
/// `ByteStream` -> `::portone_gen::ByteStream`) and drops the `'a` lifetimes of parameters.
struct Rewrite;

impl VisitMut for Rewrite {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        r.lifetime = None;
        syn::visit_mut::visit_type_reference_mut(self, r);
    }

    fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
        let idents: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let rest = match idents
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["crate", "types", ..] => Some(2),
            ["types", ..] => Some(1),
            ["ByteStream"] => Some(0),
            _ => None,
        };
        if let Some(skip) = rest {
            let tail: Vec<syn::PathSegment> = p.path.segments.iter().skip(skip).cloned().collect();
            let prefix: syn::Path = if idents[0] == "ByteStream" {
                syn::parse_quote!(::portone_gen)
            } else {
                syn::parse_quote!(::portone_gen::types)
            };
            let mut path = prefix;
            path.segments.extend(tail);
            p.path = path;
        }
        syn::visit_mut::visit_type_path_mut(self, p);
    }
}

fn facade_method(op: &Operation, signature: &Signature, doc: &str) -> TokenStream {
    let name = format_ident!("{}", op.rust_name);
    let params = signature
        .params
        .iter()
        .map(|(ident, ty)| quote!(#ident: #ty));
    let args = signature.params.iter().map(|(ident, _)| ident);
    let ok = &signature.ok;
    let err = &signature.err;
    // Bodies that are not JSON (bytes, nothing) have no decode diagnosis.
    let runner = match op.success {
        portone_openapi::SuccessBody::Json(_) => quote!(run),
        _ => quote!(run_raw),
    };
    quote! {
        #[doc = #doc]
        pub async fn #name(&self, #(#params),*) -> crate::Result<#ok, #err> {
            crate::call::#runner(self.portone.raw().#name(#(#args),*)).await
        }
    }
}

pub(crate) fn group_ident(path: &[String]) -> syn::Ident {
    let name: String = path.iter().map(|p| p.to_upper_camel_case()).collect();
    format_ident!("{name}Api")
}

fn accessor_ident(id: &str) -> syn::Ident {
    format_ident!("{}", id.to_snake_case())
}

fn emit(
    groups: &BTreeMap<Vec<String>, Group>,
    titles: &BTreeMap<String, String>,
    operations: &[Operation],
    sha256: &str,
) -> TokenStream {
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
    let reachable = operations.iter().map(|op| {
        let id = &op.id;
        let group = op
            .group()
            .iter()
            .map(|p| p.to_snake_case())
            .collect::<Vec<_>>()
            .join(".");
        let method = &op.rust_name;
        quote!((#id, #group, #method))
    });
    quote! {
        #(#items)*

        impl crate::PortOne {
            #(#top_accessors)*
        }

        /// Every operation of the facade: (`operationId`, group accessor path, method).
        pub static OPERATIONS: &[(&str, &str, &str)] = &[#(#reachable),*];

        // `portone-gen` must have been generated from the same spec as this facade.
        const _: () = assert!(
            crate::same_str(::portone_gen::SPEC_SHA256, #sha256),
            "portone-gen and portone-client were generated from different specs: rebuild both"
        );
    }
}
