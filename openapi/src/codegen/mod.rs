//! Runs progenitor over a normalized spec (feature `codegen`): the code `portone-gen`'s build
//! script writes, also available to `xtask` (e.g. to derive the API surface of any spec).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;
use syn::visit_mut::VisitMut;

use crate::{ApiModel, Normalized};

mod docs;
mod facade;
pub mod lists;
mod method_docs;
mod structs;
mod unions;

pub use docs::doc_of;
pub use facade::{Call, Param, Role};
pub use method_docs::{method_doc, request_ident, setter_doc};
pub use structs::{Field, StructApi, option_of, serde_args, wire_name};
pub use unions::Accessor;

/// The generated sources of `portone-gen`.
#[derive(Clone)]
pub struct Generated {
    /// progenitor's output: `types` module, `Client` and its methods.
    pub client: syn::File,
    /// Every string enum and discriminated union, as `open_enum!` / `open_union!` invocations.
    pub open_types: syn::File,
    /// The operation table (`OPERATIONS`, `OMITTED_UNSTABLE`, `index_of`).
    pub operations: syn::File,
    /// How every struct is built (`new`, `...Required`, setters).
    pub structs: Vec<StructApi>,
    /// The accessors of the unions.
    pub accessors: Vec<Accessor>,
}

impl Generated {
    /// Source text of one of the files, formatted.
    pub fn text(file: &syn::File) -> String {
        prettyplease::unparse(file)
    }
}

/// Generates the client for `normalized`.
pub fn generate(normalized: &Normalized) -> Result<Generated, String> {
    let model = &normalized.model;
    let openapi: openapiv3::OpenAPI = serde_json::from_value(normalized.spec.clone())
        .map_err(|e| format!("normalized spec is not valid OpenAPI 3.0: {e}"))?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(crate::Inner))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    for e in &model.enums {
        settings.with_replacement(
            &e.rust_name,
            format!("crate::types::{}", e.rust_name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    if normalized.spec["components"]["schemas"]
        .get(crate::normalize::TIMESTAMP_COMPONENT)
        .is_some()
    {
        settings.with_replacement(
            crate::rust_type_name(crate::normalize::TIMESTAMP_COMPONENT),
            "crate::Timestamp",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for u in &model.unions {
        settings.with_replacement(
            &u.rust_name,
            format!("crate::types::{}", u.rust_name),
            [].into_iter(),
        );
    }
    let mut generator = Generator::new(&settings);
    let client = generator
        .generate_tokens(&openapi)
        .map_err(|e| format!("progenitor failed: {e}"))?;
    let mut client = parse(client, "progenitor")?;
    check_methods(&client, model)?;
    docs::apply(&mut client, normalized, false);
    let fields = structs::fields(&client);
    docs::apply(&mut client, normalized, true);
    let (mut open_types, accessors) = unions::open_types(normalized, &fields);
    let (struct_api, structs) = structs::struct_api(&fields, normalized)?;
    open_types.extend(struct_api);
    let (sensitive, debug_impls) = structs::redacted_debug(&fields);
    open_types.extend(debug_impls);
    structs::mark_non_exhaustive(&mut client, &sensitive);
    Ok(Generated {
        client,
        open_types: parse(open_types, "open types")?,
        operations: parse(operation_table(model), "operation table")?,
        structs,
        accessors,
    })
}

/// The items of progenitor's `pub mod types` (empty if there is none).
fn client_types(client: &syn::File) -> &[syn::Item] {
    client
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The inherent `impl Client` blocks.
fn client_impls(client: &syn::File) -> impl Iterator<Item = &syn::ItemImpl> {
    client.items.iter().filter_map(|item| match item {
        syn::Item::Impl(imp)
            if imp.trait_.is_none()
                && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
        {
            Some(imp)
        }
        _ => None,
    })
}

/// The `async fn`s of the `impl Client` blocks: one per operation.
fn operation_methods(client: &syn::File) -> impl Iterator<Item = &syn::ImplItemFn> {
    client_impls(client)
        .flat_map(|imp| imp.items.iter())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f),
            _ => None,
        })
}

fn parse(tokens: TokenStream, what: &str) -> Result<syn::File, String> {
    syn::parse2(tokens).map_err(|e| format!("{what} produced unparsable code: {e}"))
}

/// The generated methods must be exactly the operations of the model (names included),
/// since the hooks look operations up by method name.
fn check_methods(file: &syn::File, model: &ApiModel) -> Result<(), String> {
    let generated: BTreeSet<String> = operation_methods(file)
        .map(|f| f.sig.ident.to_string())
        .collect();
    let expected: BTreeSet<String> = model
        .operations
        .iter()
        .map(|o| o.rust_name.clone())
        .collect();
    if generated != expected {
        let missing: Vec<_> = expected.difference(&generated).collect();
        let extra: Vec<_> = generated.difference(&expected).collect();
        return Err(format!(
            "generated methods differ from the spec's operations: missing {missing:?}, unexpected {extra:?}"
        ));
    }
    Ok(())
}

fn operation_table(model: &ApiModel) -> TokenStream {
    let entries = model.operations.iter().map(|op| {
        let id = &op.id;
        let method_name = &op.rust_name;
        let http_method = op.method.as_str();
        let path = &op.path;
        let category = option_str(op.category.as_deref());
        let body = match &op.body {
            Some(b) => {
                let type_name = crate::rust_type_name(&b.schema);
                let required = b.required;
                let in_query = op.body_in_query();
                let has_store_id = b.has_store_id;
                quote!(Some(BodyInfo { type_name: #type_name, required: #required, in_query: #in_query, has_store_id: #has_store_id }))
            }
            None => quote!(None),
        };
        let store_id_query = op.has_store_id_query();
        let authenticated = op.authenticated;
        let unstable = op.unstable;
        let error_type = option_str(op.error_schema.as_deref().map(crate::rust_type_name).as_deref());
        quote! {
            Operation {
                id: #id,
                method_name: #method_name,
                http_method: #http_method,
                path: #path,
                category: #category,
                body: #body,
                store_id_query: #store_id_query,
                authenticated: #authenticated,
                unstable: #unstable,
                error_type: #error_type,
            }
        }
    });
    let arms = model.operations.iter().enumerate().map(|(i, op)| {
        let name = &op.rust_name;
        quote!(#name => Some(#i),)
    });
    let omitted = &model.omitted_unstable;
    quote! {
        /// Every generated operation, in spec order.
        pub static OPERATIONS: &[Operation] = &[#(#entries),*];

        /// `operationId`s of the `x-portone-unstable` operations left out of this build
        /// (enable the `unstable` feature to get them).
        pub static OMITTED_UNSTABLE: &[&str] = &[#(#omitted),*];

        fn index_of(method_name: &str) -> Option<usize> {
            match method_name {
                #(#arms)*
                _ => None,
            }
        }
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// A generated method's parameters and result types, rewritten for use outside the
/// generated crate (absolute `::portone_gen::...` paths, no lifetimes).
pub struct MethodSignature {
    /// Parameter names and types (lifetimes removed, paths absolute).
    pub params: Vec<(syn::Ident, syn::Type)>,
    /// The success type.
    pub ok: syn::Type,
    /// The documented error type.
    pub err: syn::Type,
}

impl Generated {
    /// The items of progenitor's `types` module (the generated structs).
    pub fn types(&self) -> &[syn::Item] {
        client_types(&self.client)
    }

    /// The inherent `impl Client` blocks of progenitor's output.
    pub fn client_impls(&self) -> impl Iterator<Item = &syn::ItemImpl> {
        client_impls(&self.client)
    }

    /// The generated operation methods (the `async fn`s of `Client`).
    pub fn operation_methods(&self) -> impl Iterator<Item = &syn::ImplItemFn> {
        operation_methods(&self.client)
    }

    /// The signature of every generated `Client` method, by method name.
    pub fn method_signatures(&self) -> Result<BTreeMap<String, MethodSignature>, String> {
        let mut out = BTreeMap::new();
        for f in self.operation_methods() {
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
            out.insert(name, MethodSignature { params, ok, err });
        }
        Ok(out)
    }
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
