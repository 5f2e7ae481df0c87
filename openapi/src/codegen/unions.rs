//! Open enums and unions (`open_enum!` / `open_union!` of `portone-gen`), and the accessors of
//! the properties the cases of a union share (at least half of them, so that a case added later
//! never removes one).
//!
//! Accessor return types, by the property's Rust type `T` (optional in some case or not):
//!
//! | `T` | accessor returns |
//! |---|---|
//! | `String` | `Option<&str>` |
//! | `i32`, `i64`, `f64`, `bool`, `Timestamp` | `Option<T>` |
//! | anything else | `Option<Cow<'_, T>>` (borrowed from a known case) |
//!
//! A known case answers with its field (`None` where the field is optional and absent, or the
//! case has no such field); an
//! `Unrecognized` case reads the property from the JSON object it keeps, `None` when the property
//! is absent or does not decode as `T`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::structs::{Field, is_string};
use crate::{Normalized, StringEnum, Union};

/// Methods of every open union, which a shared property must not shadow.
const UNION_METHODS: &[&str] = &["tag", "is_unrecognized"];

/// Copy types returned by value.
const BY_VALUE: &[&str] = &["i32", "i64", "u32", "u64", "f64", "bool", "Timestamp"];

/// An accessor of a union (see the module docs).
#[derive(Clone)]
pub struct Accessor {
    /// Rust type name of the union.
    pub union: String,
    /// The method (the field's Rust name).
    pub method: syn::Ident,
    /// The property's JSON name.
    pub wire: String,
    /// The return type.
    pub returns: TokenStream,
}

pub(crate) fn open_types(
    normalized: &Normalized,
    fields: &BTreeMap<String, Vec<Field>>,
) -> (TokenStream, Vec<Accessor>) {
    let model = &normalized.model;
    let enums = model.enums.iter().map(open_enum);
    let mut unions = Vec::new();
    let mut all = Vec::new();
    for union in &model.unions {
        unions.push(open_union(normalized, union));
        let (tokens, accessors) = accessors(union, fields);
        unions.push(tokens);
        all.extend(accessors);
    }
    let tokens = quote! {
        #(#enums)*
        #(#unions)*
    };
    (tokens, all)
}

fn doc_attr(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(text) => quote!(#[doc = #text]),
        None => quote!(),
    }
}

fn open_enum(e: &StringEnum) -> TokenStream {
    let name = format_ident!("{}", e.rust_name);
    let doc = doc_attr(e.doc.as_deref());
    let variants = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.variant);
        let value = &v.value;
        let doc = doc_attr(v.doc.as_deref());
        quote!(#doc #variant = #value)
    });
    quote! {
        crate::open_enum! {
            #doc
            #name { #(#variants),* }
        }
    }
}

fn open_union(normalized: &Normalized, u: &Union) -> TokenStream {
    let name = format_ident!("{}", u.rust_name);
    let doc = doc_attr(super::docs::union_doc(normalized, u).as_deref());
    let property = &u.property;
    let cases = u.cases.iter().map(|c| {
        let variant = format_ident!("{}", c.variant);
        let member = format_ident!("{}", c.member_rust);
        let tag = &c.tag;
        let keep = format_ident!("{}", if c.member_keeps_tag { "keep" } else { "strip" });
        let doc = doc_attr(super::docs::case_doc(normalized, c).as_deref());
        quote!(#doc #variant(#member) = #tag, #keep)
    });
    quote! {
        crate::open_union! {
            #doc
            #name, tag = #property { #(#cases),* }
        }
    }
}

/// One accessor per property that at least half of the cases' members have, with the same
/// Rust type (ignoring `Option`) wherever it appears; cases without it answer `None`.
///
/// Half, not all: a union case PortOne adds later without the property must not remove an
/// accessor users call (an added case is an additive change). A property some member has with
/// another type gets no accessor.
fn accessors(u: &Union, fields: &BTreeMap<String, Vec<Field>>) -> (TokenStream, Vec<Accessor>) {
    // A member without properties is a map newtype (no named fields).
    let no_fields = Vec::new();
    let members: Vec<&Vec<Field>> = u
        .cases
        .iter()
        .map(|c| fields.get(&c.member_rust).unwrap_or(&no_fields))
        .collect();
    if members.is_empty() {
        return (quote!(), Vec::new());
    }
    // Candidates in the order they first appear.
    let mut candidates: Vec<&Field> = Vec::new();
    for field in members.iter().flat_map(|m| m.iter()) {
        if !candidates.iter().any(|c| c.ident == field.ident) {
            candidates.push(field);
        }
    }
    let mut methods = Vec::new();
    let mut found = Vec::new();
    for field in candidates {
        if field.wire == u.property || UNION_METHODS.contains(&field.ident.to_string().as_str()) {
            continue;
        }
        let base = field.base();
        let mut having = 0;
        let mut conflicting = false;
        for member in &members {
            match member.iter().find(|f| f.ident == field.ident) {
                Some(f) if f.wire == field.wire && same_type(f.base(), base) => having += 1,
                Some(_) => conflicting = true,
                None => {}
            }
        }
        if !conflicting && having * 2 >= members.len() {
            let (method, returns) = accessor(u, field, &members, having == members.len());
            methods.push(method);
            found.push(Accessor {
                union: u.rust_name.clone(),
                method: field.ident.clone(),
                wire: field.wire.clone(),
                returns,
            });
        }
    }
    if methods.is_empty() {
        return (quote!(), found);
    }
    let name = format_ident!("{}", u.rust_name);
    let tokens = quote! {
        #[allow(deprecated)]
        impl #name {
            #(#methods)*
        }
    };
    (tokens, found)
}

/// An accessor method and its return type.
fn accessor(
    u: &Union,
    field: &Field,
    members: &[&Vec<Field>],
    in_every_case: bool,
) -> (TokenStream, TokenStream) {
    let ident = &field.ident;
    let wire = &field.wire;
    let base = field.base();
    let kind = Kind::of(base);
    let ret = match kind {
        Kind::Str => quote!(::std::option::Option<&str>),
        Kind::Copy => quote!(::std::option::Option<#base>),
        Kind::Cow => quote!(::std::option::Option<::std::borrow::Cow<'_, #base>>),
    };
    let arms = u.cases.iter().zip(members).map(|(case, member)| {
        let variant = format_ident!("{}", case.variant);
        let Some(own) = member.iter().find(|f| f.ident == field.ident) else {
            return quote!(Self::#variant(_) => ::std::option::Option::None,);
        };
        let optional = own.option_of.is_some();
        let value = match (kind, optional) {
            (Kind::Str, false) => quote!(::std::option::Option::Some(case.#ident.as_str())),
            (Kind::Str, true) => quote!(case.#ident.as_deref()),
            (Kind::Copy, false) => quote!(::std::option::Option::Some(case.#ident)),
            (Kind::Copy, true) => quote!(case.#ident),
            (Kind::Cow, false) => {
                quote!(::std::option::Option::Some(::std::borrow::Cow::Borrowed(&case.#ident)))
            }
            (Kind::Cow, true) => quote!(case.#ident.as_ref().map(::std::borrow::Cow::Borrowed)),
        };
        quote!(Self::#variant(case) => #value,)
    });
    let unknown = match kind {
        Kind::Str => quote!(unknown.as_json().get(#wire)?.as_str()),
        Kind::Copy => {
            quote!(<#base as ::serde::Deserialize>::deserialize(unknown.as_json().get(#wire)?).ok())
        }
        Kind::Cow => quote! {
            <#base as ::serde::Deserialize>::deserialize(unknown.as_json().get(#wire)?)
                .ok()
                .map(::std::borrow::Cow::Owned)
        },
    };
    let which = if in_every_case {
        "which every case has"
    } else {
        "which most cases have (`None` for the others)"
    };
    let mut doc = format!(
        "`{wire}`, {which} (for a case this SDK does not know, read from its JSON when present \
         and decodable)."
    );
    // The spec's words for the field, from the first case that has any.
    let words = members
        .iter()
        .filter_map(|m| m.iter().find(|f| f.ident == field.ident))
        .find_map(|f| f.doc.as_deref());
    if let Some(words) = words {
        doc = format!("{words}\n\n{doc}");
    }
    let method = quote! {
        #[doc = #doc]
        pub fn #ident(&self) -> #ret {
            match self {
                #(#arms)*
                Self::Unrecognized(unknown) => #unknown,
            }
        }
    };
    (method, ret)
}

fn same_type(a: &syn::Type, b: &syn::Type) -> bool {
    quote!(#a).to_string() == quote!(#b).to_string()
}

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Copy,
    Cow,
}

impl Kind {
    fn of(ty: &syn::Type) -> Kind {
        if is_string(ty) {
            return Kind::Str;
        }
        let by_value = matches!(ty, syn::Type::Path(p)
            if p.path.segments.last().is_some_and(|s| BY_VALUE.contains(&s.ident.to_string().as_str())));
        if by_value { Kind::Copy } else { Kind::Cow }
    }
}
