//! The construction convention of every generated struct, so that code written against one spec
//! keeps compiling when PortOne adds optional fields:
//!
//! - every struct is `#[non_exhaustive]`: no struct literal, no exhaustive destructuring outside
//!   `portone-gen` (fields stay public to read and assign);
//! - `X::new(...)` takes the required fields: none -> `new()`; one -> `new(value)`; two or more ->
//!   `new(XRequired { a: .., b: .. })`, a plain struct that names each of them at the call site
//!   (a swap cannot compile silently, and their order in the spec does not matter);
//! - a chainable setter per field (`.amount(1000)`), taking `impl Into<T>` (an `Option<T>` field
//!   takes `T`), on the structs requests use (bodies, parameters and everything in them); a
//!   response is read by field, and a setter there could shadow a trait method (`items()` of
//!   a listing).
//!
//! Optional fields start empty (`None`, empty lists and maps).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::Normalized;

/// A named field of a generated struct.
#[derive(Clone)]
pub struct Field {
    /// Rust name.
    pub ident: syn::Ident,
    /// JSON name.
    pub wire: String,
    /// Rust type as generated.
    pub ty: syn::Type,
    /// `T` of an `Option<T>` field.
    pub option_of: Option<syn::Type>,
    /// Whether serde fills it when absent (`Option<_>` or `#[serde(default)]`).
    pub optional: bool,
    /// Its documentation (the spec's words), if any.
    pub doc: Option<String>,
}

impl Field {
    /// The type without its `Option`.
    pub fn base(&self) -> &syn::Type {
        self.option_of.as_ref().unwrap_or(&self.ty)
    }
}

/// The named fields of every struct of progenitor's `types` module, by Rust type name.
pub(crate) fn fields(client: &syn::File) -> BTreeMap<String, Vec<Field>> {
    let mut out = BTreeMap::new();
    for item in super::client_types(client) {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &s.fields else {
            continue;
        };
        let fields = named
            .named
            .iter()
            .map(|field| {
                let ident = field.ident.clone().expect("named");
                let args = serde_args(&field.attrs);
                let option_of = option_of(&field.ty).cloned();
                Field {
                    wire: wire_name(field),
                    optional: option_of.is_some() || args.iter().any(|a| a == "default"),
                    doc: super::docs::doc_of(&field.attrs),
                    ident,
                    ty: field.ty.clone(),
                    option_of,
                }
            })
            .collect();
        out.insert(s.ident.to_string(), fields);
    }
    out
}

/// The JSON name of a named field: its `#[serde(rename)]`, or its Rust name.
pub fn wire_name(field: &syn::Field) -> String {
    serde_rename(&serde_args(&field.attrs)).unwrap_or_else(|| {
        field
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    })
}

/// Properties whose values are secrets or sensitive personal data: credentials, one-time
/// codes, card data, resident registration numbers. The `Debug` of a struct with one shows
/// `[redacted]` instead, so that logging a request or a response never prints them.
const SENSITIVE_PROPERTIES: &[&str] = &[
    "apiSecret",
    "accessToken",
    "refreshToken",
    "billingIssueToken",
    "paymentToken",
    "otp",
    "passwordTwoDigits",
    "birthOrBusinessRegistrationNumber",
    "identityNumber",
    "customerIdentityNumber",
];

/// Properties sensitive only in some structs: (struct name fragment, property).
const SENSITIVE_IN: &[(&str, &str)] = &[("Credential", "number")];

/// Whether the `Debug` of `struct_name` hides `field`.
pub(crate) fn is_sensitive(struct_name: &str, field: &Field) -> bool {
    SENSITIVE_PROPERTIES.contains(&field.wire.as_str())
        || SENSITIVE_IN
            .iter()
            .any(|(fragment, property)| struct_name.contains(fragment) && field.wire == *property)
}

/// Marks every struct with named fields of the `types` module `#[non_exhaustive]`, and removes
/// the derived `Debug` of those in `sensitive` (they get one that hides the sensitive fields).
pub(crate) fn mark_non_exhaustive(client: &mut syn::File, sensitive: &BTreeSet<String>) {
    struct Mark<'a>(&'a BTreeSet<String>);
    impl VisitMut for Mark<'_> {
        fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
            if matches!(s.fields, syn::Fields::Named(_)) {
                s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            }
            if self.0.contains(&s.ident.to_string()) {
                for attr in &mut s.attrs {
                    if attr.path().is_ident("derive")
                        && let Ok(list) = attr.parse_args_with(
                            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                        )
                    {
                        let kept = list.iter().filter(|p| !p.is_ident("Debug"));
                        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                    }
                }
            }
        }
    }
    for item in &mut client.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &mut m.content
        {
            for item in items {
                Mark(sensitive).visit_item_mut(item);
            }
        }
    }
}

/// How a generated struct is built (see the module docs).
#[derive(Clone)]
pub struct StructApi {
    /// Rust type name.
    pub name: String,
    /// The required fields, in the order `new` takes them; with two or more, `new` takes them
    /// named in a `{name}Required`.
    pub required: Vec<Field>,
    /// The fields with a setter: every field of a struct requests use, none otherwise.
    pub setters: Vec<Field>,
}

impl StructApi {
    /// The `...Required` struct `new` takes, if it takes one.
    pub fn required_struct(&self) -> Option<String> {
        (self.required.len() >= 2).then(|| format!("{}Required", self.name))
    }
}

/// The `.field(..)` calls of a `Debug` impl for `fields` of `struct_name`, sensitive ones shown
/// as `[redacted]`.
fn debug_fields<'f>(
    struct_name: &'f str,
    fields: impl Iterator<Item = &'f Field> + 'f,
) -> impl Iterator<Item = TokenStream> + 'f {
    fields.map(move |f| {
        let field = &f.ident;
        let label = field.to_string();
        if is_sensitive(struct_name, f) {
            quote!(.field(#label, &"[redacted]"))
        } else {
            quote!(.field(#label, &self.#field))
        }
    })
}

/// The structs with a sensitive field, and their `Debug` impls that show `[redacted]` for it.
pub(crate) fn redacted_debug(
    fields: &BTreeMap<String, Vec<Field>>,
) -> (BTreeSet<String>, TokenStream) {
    let mut names = BTreeSet::new();
    let mut impls = Vec::new();
    for (name, fields) in fields {
        if !fields.iter().any(|f| is_sensitive(name, f)) {
            continue;
        }
        names.insert(name.clone());
        let ident = format_ident!("{name}");
        let entries = debug_fields(name, fields.iter());
        impls.push(quote! {
            /// Sensitive fields (credentials, card data, identity numbers) show as `[redacted]`.
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#name) #(#entries)* .finish()
                }
            }
        });
    }
    (names, quote!(#(#impls)*))
}

/// `new`, the `...Required` structs and the setters of every struct (see the module docs).
pub(crate) fn struct_api(
    fields: &BTreeMap<String, Vec<Field>>,
    normalized: &Normalized,
) -> Result<(TokenStream, Vec<StructApi>), String> {
    check_names(fields)?;
    let required_order = required_order(normalized);
    let request_structs = request_structs(fields, normalized);
    let mut items = Vec::new();
    let mut apis = Vec::new();
    for (name, fields) in fields {
        let ident = format_ident!("{name}");
        let mut required: Vec<&Field> = fields.iter().filter(|f| !f.optional).collect();
        if let Some(order) = required_order.get(name) {
            required.sort_by_key(|f| {
                order
                    .iter()
                    .position(|r| *r == f.wire)
                    .unwrap_or(usize::MAX)
            });
        }
        let (constructor, required_struct) = constructor(name, &required, fields)?;
        let with_setters: Vec<Field> = if request_structs.contains(name.as_str()) {
            fields.clone()
        } else {
            Vec::new()
        };
        let setters = with_setters.iter().map(setter);
        items.push(quote! {
            #required_struct

            impl #ident {
                #constructor
                #(#setters)*
            }
        });
        apis.push(StructApi {
            name: name.clone(),
            required: required.into_iter().cloned().collect(),
            setters: with_setters,
        });
    }
    Ok((quote!(#(#items)*), apis))
}

/// `new` for `name`, and the `...Required` struct it takes when there are two or more required
/// fields.
fn constructor(
    name: &str,
    required: &[&Field],
    fields: &[Field],
) -> Result<(TokenStream, TokenStream), String> {
    let inits_optional: Vec<TokenStream> = fields
        .iter()
        .filter(|f| f.optional)
        .map(|f| {
            let ident = &f.ident;
            quote!(#ident: ::std::default::Default::default())
        })
        .collect();
    match required {
        [] => Ok((empty_constructor(name, &inits_optional), quote!())),
        [field] => Ok((
            single_field_constructor(name, field, &inits_optional),
            quote!(),
        )),
        several => Ok((
            required_struct_constructor(name, several, &inits_optional),
            required_fields_struct(name, several),
        )),
    }
}

/// `new()` for a struct whose fields are all optional.
fn empty_constructor(name: &str, inits_optional: &[TokenStream]) -> TokenStream {
    let doc = format!(
        "An empty `{name}`: every field is optional and starts empty; set them with the \
         setters."
    );
    quote! {
        #[doc = #doc]
        pub fn new() -> Self {
            Self { #(#inits_optional,)* }
        }
    }
}

/// `new(field)` for a struct with one required field (a string one taking `impl Into<String>`).
fn single_field_constructor(
    name: &str,
    field: &Field,
    inits_optional: &[TokenStream],
) -> TokenStream {
    let ident = &field.ident;
    let (param, init) = if is_string(&field.ty) {
        (
            quote!(#ident: impl ::std::convert::Into<::std::string::String>),
            quote!(#ident.into()),
        )
    } else {
        let ty = &field.ty;
        (quote!(#ident: #ty), quote!(#ident))
    };
    let doc = format!(
        "A `{name}` from its required field `{}`; the optional fields start empty and \
         are set with the setters.",
        field.wire
    );
    quote! {
        #[doc = #doc]
        pub fn new(#param) -> Self {
            Self { #ident: #init, #(#inits_optional,)* }
        }
    }
}

/// Whether the `...Required` struct of these fields borrows strings (and so has a lifetime).
fn borrows_str(required: &[&Field]) -> bool {
    required.iter().any(|f| is_string(&f.ty))
}

/// `new(required)` for a struct with several required fields, taken in its `...Required` struct.
fn required_struct_constructor(
    name: &str,
    several: &[&Field],
    inits_optional: &[TokenStream],
) -> TokenStream {
    let required_ident = format_ident!("{name}Required");
    let inits = several.iter().map(|f| {
        let ident = &f.ident;
        if is_string(&f.ty) {
            quote!(#ident: ::std::borrow::ToOwned::to_owned(required.#ident))
        } else {
            quote!(#ident: required.#ident)
        }
    });
    let names: Vec<String> = several.iter().map(|f| format!("`{}`", f.wire)).collect();
    let doc = format!(
        "A `{name}` from its required fields ({}); the optional fields start empty and \
         are set with the setters.",
        names.join(", ")
    );
    let lifetime = if borrows_str(several) {
        quote!(<'_>)
    } else {
        quote!()
    };
    quote! {
        #[doc = #doc]
        pub fn new(required: #required_ident #lifetime) -> Self {
            Self { #(#inits,)* #(#inits_optional,)* }
        }
    }
}

/// The `...Required` struct (strings borrowed as `&'a str`) and its `Debug`.
fn required_fields_struct(name: &str, several: &[&Field]) -> TokenStream {
    let required_ident = format_ident!("{name}Required");
    let generics = if borrows_str(several) {
        quote!(<'a>)
    } else {
        quote!()
    };
    let decls = several.iter().map(|f| {
        let ident = &f.ident;
        let doc = with_field_doc(format!("`{}`.", f.wire), f);
        let ty = if is_string(&f.ty) {
            quote!(&'a str)
        } else {
            let ty = &f.ty;
            quote!(#ty)
        };
        quote!(#[doc = #doc] pub #ident: #ty)
    });
    let struct_doc = format!(
        "The required fields of [`{name}`], named at the call site: \
         `{name}::new({name}Required {{ .. }})`."
    );
    let debug_entries = debug_fields(name, several.iter().copied());
    let required_name = required_ident.to_string();
    quote! {
        #[doc = #struct_doc]
        #[derive(Clone)]
        pub struct #required_ident #generics {
            #(#decls,)*
        }

        impl #generics ::std::fmt::Debug for #required_ident #generics {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#required_name) #(#debug_entries)* .finish()
            }
        }
    }
}

/// `first` followed by the field's own documentation.
fn with_field_doc(first: String, field: &Field) -> String {
    match &field.doc {
        Some(doc) => format!("{first}\n\n{doc}"),
        None => first,
    }
}

/// The chainable setter of a field.
fn setter(field: &Field) -> TokenStream {
    let ident = &field.ident;
    let doc = with_field_doc(format!("Sets `{}`.", field.wire), field);
    match &field.option_of {
        Some(inner) => quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                self.#ident = ::std::option::Option::Some(value.into());
                self
            }
        },
        None => {
            let ty = &field.ty;
            quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.#ident = value.into();
                    self
                }
            }
        }
    }
}

/// The structs requests use: those of the request schemas and every struct their fields name
/// (typify's inline types included).
fn request_structs<'f>(
    fields: &'f BTreeMap<String, Vec<Field>>,
    normalized: &Normalized,
) -> BTreeSet<&'f str> {
    let mut pending: Vec<&str> = normalized
        .request_schemas()
        .iter()
        .filter_map(|schema| fields.get_key_value(&crate::rust_type_name(schema)))
        .map(|(name, _)| name.as_str())
        .collect();
    let mut found = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !found.insert(name) {
            continue;
        }
        for field in &fields[name] {
            let ty = &field.ty;
            let text = quote!(#ty).to_string();
            for word in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
                if let Some((name, _)) = fields.get_key_value(word) {
                    pending.push(name);
                }
            }
        }
    }
    found
}

/// The spec's `required` order of each schema, by Rust type name.
fn required_order(normalized: &Normalized) -> BTreeMap<String, Vec<String>> {
    normalized.spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| {
            let required = schema.get("required")?.as_array()?;
            Some((
                crate::rust_type_name(name),
                required
                    .iter()
                    .filter_map(|r| r.as_str().map(str::to_owned))
                    .collect(),
            ))
        })
        .collect()
}

/// Names the generated API needs must be free: no field called `new`, no type called like a
/// `...Required` struct.
fn check_names(fields: &BTreeMap<String, Vec<Field>>) -> Result<(), String> {
    for (name, struct_fields) in fields {
        if let Some(field) = struct_fields.iter().find(|f| f.ident == "new") {
            return Err(format!(
                "types::{name}: field `{}` would clash with the generated `{name}::new`",
                field.wire
            ));
        }
        let required = struct_fields.iter().filter(|f| !f.optional).count();
        let required_name = format!("{name}Required");
        if required >= 2 && fields.contains_key(&required_name) {
            return Err(format!(
                "types::{required_name} exists, so `{name}::new` cannot take a `{required_name}`"
            ));
        }
    }
    Ok(())
}

/// `T` of `Option<T>`.
pub fn option_of(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

pub(crate) fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"))
}

/// The `rename = "..."` among a field's serde arguments.
fn serde_rename(args: &[String]) -> Option<String> {
    args.iter().find_map(|arg| {
        let value = arg
            .strip_prefix("rename")?
            .trim_start()
            .strip_prefix('=')?
            .trim();
        Some(value.trim_matches('"').to_owned())
    })
}

/// The comma-separated arguments of `#[serde(...)]` attributes, as text (`rename = "x"`,
/// `default`).
pub fn serde_args(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let Ok(list) = attr.meta.require_list() else {
            continue;
        };
        let parsed = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        );
        for meta in parsed.into_iter().flatten() {
            out.push(quote!(#meta).to_string());
        }
    }
    out
}
