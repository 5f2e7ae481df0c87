//! Emits pagination for the list operations (runtime: `portone-client/src/paginate.rs`);
//! which operations are lists is decided by `portone_openapi::codegen::lists`.
//!
//! For each list operation: `ListResponse` for its response type (field access written for the
//! Rust types progenitor gave the fields, read from its output), a `<method>_stream` method in
//! the operation's group and `into_stream` on its request builder. The paging fields of the body
//! are set by the runtime, by wire name.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use portone_openapi::codegen::Generated;
use portone_openapi::codegen::lists::{ListOp, Style, list_operations};
use portone_openapi::moves::{Move, Moves};
use portone_openapi::{Normalized, rust_type_name};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::requests::{Kind, Request};

/// Extra items appended to the facade: `ListResponse` impls and stream methods.
pub(crate) fn emit(
    normalized: &Normalized,
    generated: &Generated,
    requests: &BTreeMap<String, Request>,
    moves: &Moves,
) -> Result<TokenStream, String> {
    let classified = list_operations(normalized)?;
    let types = Fields(generated.types());
    let mut items = Vec::new();
    let mut responses = BTreeSet::new();
    for list in &classified.lists {
        let op = list.op;
        let request = requests
            .get(&op.rust_name)
            .ok_or_else(|| format!("no request builder for {}", op.id))?;
        let body = request.body_ident().ok_or_else(|| {
            format!(
                "list operation {}: the generated method has no `body: &T` parameter",
                op.id
            )
        })?;
        if responses.insert(list.response.clone()) {
            items.push(list_response_impl(list, &types)?);
        }
        items.push(stream_method(list, request, body));
        for moved in moves.aliases_of(&op.rust_name, &op.group()) {
            items.push(stream_alias(list, request, moved));
        }
    }
    // A build without list operations (a category selection) uses none of the facade's
    // pagination runtime: `portone-client`'s build script reads this.
    println!("cargo::metadata=list_operations={}", classified.lists.len());
    for (id, reason) in &classified.unclassified {
        println!("cargo::warning=list-like operation {id} has no stream helper: {reason}");
    }
    Ok(quote!(#(#items)*))
}

/// The Rust field typify gives a property (its `sanitize` for snake case).
fn field(wire: &str) -> syn::Ident {
    let snake = wire.to_snake_case();
    syn::parse_str::<syn::Ident>(&snake).unwrap_or_else(|_| format_ident!("{snake}_"))
}

fn type_path(component: &str) -> TokenStream {
    let ident = format_ident!("{}", rust_type_name(component));
    quote!(::portone_gen::types::#ident)
}

/// The structs of progenitor's output, to know whether a field is an `Option`.
struct Fields<'g>(&'g [syn::Item]);

impl Fields<'_> {
    /// Whether `wire` of the schema `component` is an `Option` in Rust.
    fn optional(&self, component: &str, wire: &str) -> Result<bool, String> {
        let name = rust_type_name(component);
        let ident = field(wire);
        let strukt = self
            .0
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
            .ok_or_else(|| format!("list pagination: no struct `{name}` in the generated types"))?;
        let ty = strukt
            .fields
            .iter()
            .find(|f| f.ident.as_ref() == Some(&ident))
            .map(|f| &f.ty)
            .ok_or_else(|| format!("list pagination: `{name}` has no field `{ident}`"))?;
        Ok(matches!(ty, syn::Type::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "Option")))
    }
}

fn list_response_impl(list: &ListOp, types: &Fields) -> Result<TokenStream, String> {
    let response = type_path(&list.response);
    let item = type_path(&list.item);
    let items = field(&list.items);
    let (slice, vec) = if types.optional(&list.response, &list.items)? {
        (
            quote!(self.#items.as_deref().unwrap_or_default()),
            quote!(self.#items.get_or_insert_with(::std::vec::Vec::new)),
        )
    } else {
        (quote!(&self.#items), quote!(&mut self.#items))
    };
    let position = match &list.style {
        Style::NestedPage { .. } | Style::FlatPage => {
            let info = list.page_info.as_deref().ok_or_else(|| {
                format!(
                    "{}: a numbered listing without page information",
                    list.op.id
                )
            })?;
            let page = if types.optional(&list.response, "page")? {
                quote!(self.page.as_ref()?)
            } else {
                quote!(&self.page)
            };
            let mut values = Vec::new();
            for wire in ["number", "size", "totalCount"] {
                let ident = field(wire);
                values.push(if types.optional(info, wire)? {
                    quote!(page.#ident?)
                } else {
                    quote!(page.#ident)
                });
            }
            quote! {
                let page = #page;
                crate::paginate::Position::page(#(#values),*)
            }
        }
        Style::Cursor => {
            let cursor = if types.optional(&list.item, "cursor")? {
                quote!(and_then(|item| item.cursor.as_deref()))
            } else {
                quote!(map(|item| item.cursor.as_str()))
            };
            quote! {
                let last = crate::paginate::ListResponse::items(self).last().#cursor;
                ::std::option::Option::Some(crate::paginate::Position::Cursor { last })
            }
        }
    };
    Ok(quote! {
        impl crate::paginate::sealed::Sealed for #response {}

        impl crate::paginate::ListResponse for #response {
            type Item = #item;

            fn items(&self) -> &[#item] {
                #slice
            }

            fn items_mut(&mut self) -> &mut ::std::vec::Vec<#item> {
                #vec
            }

            fn position(&self) -> ::std::option::Option<crate::paginate::Position<'_>> {
                #position
            }
        }
    })
}

/// The `<method>_stream` method of the operation's group and `into_stream` on its request
/// builder.
fn stream_method(list: &ListOp, request: &Request, body: &syn::Ident) -> TokenStream {
    let op = list.op;
    let group = crate::facade::group_ident(&op.group());
    let method = format_ident!("{}", op.rust_name);
    let stream = format_ident!("{}_stream", op.rust_name);
    let request_ident = request.ident();
    let (ok, err) = (&request.ok, &request.err);
    let (_, how) = shape(&list.style);
    let mut doc = format!(
        "Every item of [`{method}`](Self::{method}) (`{}`), page after page, as a lazy \
         [`Paginated`](crate::paginate::Paginated) stream: nothing is sent until it is polled. \
         The body's filters and sort are kept on every request.\n\n{how}\n\nWith optional \
         parameters or per-call options: `.{method}(..).<setters>().into_stream()` \
         ([`{request_ident}::into_stream`]). See [`paginate`](crate::paginate) for when the \
         stream ends.",
        op.id
    );
    if op.unstable {
        doc.push_str("\n\n**Unstable** (`x-portone-unstable`): PortOne may change this operation.");
    }
    let decls = stream_parameters(list, request);
    let args = request.arguments().map(|p| {
        let ident = &p.ident;
        match &p.kind {
            Kind::Body(_) => quote!(&#ident),
            _ => quote!(#ident),
        }
    });
    let into_stream = into_stream(list, request, body);
    quote! {
        impl<'a> #group<'a> {
            #[doc = #doc]
            pub fn #stream(self, #(#decls),*) -> crate::paginate::Paginated<#ok, #err> {
                self.#method(#(#args),*).into_stream()
            }
        }

        #into_stream
    }
}

/// The runtime's `Shape` of a listing, and how its requests page (for the docs).
fn shape(style: &Style) -> (TokenStream, &'static str) {
    match style {
        Style::NestedPage { .. } => (
            quote!(NestedPage),
            "Pages are numbered: each request sets `page.number` (from the body's, else 0) and, \
             with [`page_size`](crate::paginate::Paginated::page_size), `page.size`.",
        ),
        Style::FlatPage => (
            quote!(FlatPage),
            "Pages are numbered: each request sets `pageNumber` (from the body's, else 0) and, \
             with [`page_size`](crate::paginate::Paginated::page_size), `pageSize`.",
        ),
        Style::Cursor => (
            quote!(Cursor),
            "Cursors: the first request uses the body's `cursor` (if any), each next one the \
             `cursor` of the last item received; [`page_size`](crate::paginate::Paginated::page_size) \
             sets `size`.",
        ),
    }
}

/// The parameters of a stream method: the operation's required arguments, the body by value.
fn stream_parameters<'r>(
    list: &ListOp,
    request: &'r Request,
) -> impl Iterator<Item = TokenStream> + 'r {
    let body_ty = type_path(&list.body);
    request.arguments().map(move |p| {
        let ident = &p.ident;
        match &p.kind {
            Kind::Required { ty, .. } => quote!(#ident: #ty),
            _ => quote!(#ident: #body_ty),
        }
    })
}

/// `into_stream` on the request builder: the stream keeps the (owned) builder and sends a copy
/// of it for every page, with the body's paging fields set.
fn into_stream(list: &ListOp, request: &Request, body: &syn::Ident) -> TokenStream {
    let request_ident = request.ident();
    let (ok, err) = (&request.ok, &request.err);
    let (shape, how) = shape(&list.style);
    let items = &list.items;
    let doc = format!(
        "Every item of this `{}` listing, page after page, as a lazy \
         [`Paginated`](crate::paginate::Paginated) stream: this request's body, optional \
         parameters and options are sent with every page.\n\n{how}",
        list.op.id
    );
    quote! {
        impl #request_ident {
            #[doc = #doc]
            pub fn into_stream(self) -> crate::paginate::Paginated<#ok, #err> {
                let shape = crate::paginate::Shape::#shape;
                crate::paginate::Paginated::new(self, shape, #items, |request| &mut request.#body)
            }
        }
    }
}

/// The deprecated stream method at an old group path (see `Request::alias_method`).
fn stream_alias(list: &ListOp, request: &Request, moved: &Move) -> TokenStream {
    let op = list.op;
    let target = op.group();
    let target_group = crate::facade::group_ident(&target);
    let old_group = crate::facade::group_ident(&moved.from_group());
    let stream = format_ident!("{}_stream", op.rust_name);
    let decls = stream_parameters(list, request);
    let args = request.arguments().map(|p| &p.ident);
    let new_path = crate::facade::accessor_path(&target);
    let note = format!("PortOne moved this operation: use `{new_path}.{stream}(..)`");
    let doc = format!(
        "Deprecated: the same as [`{new_path}.{stream}`]({target_group}::{stream}), where \
         PortOne moved it. Kept for compatibility."
    );
    let since = &moved.since;
    let (ok, err) = (&request.ok, &request.err);
    quote! {
        impl<'a> #old_group<'a> {
            #[doc = #doc]
            #[deprecated(since = #since, note = #note)]
            pub fn #stream(self, #(#decls),*) -> crate::paginate::Paginated<#ok, #err> {
                #target_group { portone: self.portone }.#stream(#(#args),*)
            }
        }
    }
}
