//! Emits pagination helpers for the list operations (runtime: `src/paginate.rs`); which
//! operations are lists is decided by `portone_openapi::codegen::lists`.
//!
//! For each list operation this emits: a `<method>_stream` method in the operation's group,
//! `ListResponse` for its response type, a JSON adapter, and an entry of `LIST_OPERATIONS`.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use portone_openapi::codegen::lists::{ListOp, Style, list_operations};
use portone_openapi::moves::{Move, Moves};
use portone_openapi::{Normalized, rust_type_name};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::requests::{Kind, Request};

/// Extra items appended to the facade: stream methods, `ListResponse` impls, `LIST_OPERATIONS`
/// and `UNCLASSIFIED_LIST_OPERATIONS`.
pub(crate) fn emit(
    normalized: &Normalized,
    requests: &BTreeMap<String, Request>,
    moves: &Moves,
) -> Result<TokenStream, String> {
    let classified = list_operations(normalized)?;
    let mut items = Vec::new();
    let mut table = Vec::new();
    let mut responses = BTreeSet::new();
    let mut slots = BTreeSet::new();
    let mut slots_mut = BTreeSet::new();

    for list in &classified.lists {
        let op = list.op;
        let request = requests
            .get(&op.rust_name)
            .ok_or_else(|| format!("no request builder for {}", op.id))?;
        if request.body().is_none() {
            return Err(format!(
                "list operation {}: the generated method has no `body: &T` parameter",
                op.id
            ));
        }
        if responses.insert(list.response.clone()) {
            items.push(list_response_impl(list));
            if let Some(info) = &list.page_info {
                slots.insert(info.clone());
            }
        }
        if let Style::NestedPage { input } = &list.style {
            slots.insert(input.clone());
            slots_mut.insert(input.clone());
        }
        items.push(stream_method(list, request));
        for moved in moves.aliases_of(&op.rust_name, &op.group()) {
            items.push(stream_alias(list, request, moved));
        }
        items.push(json_adapter(list, request));
        table.push(table_entry(list));
    }

    for slot in &slots {
        let ty = type_path(slot);
        items.push(quote! {
            impl crate::paginate::fields::Slot for #ty {
                type Inner = Self;
                fn get(&self) -> ::std::option::Option<&Self> {
                    ::std::option::Option::Some(self)
                }
            }
        });
    }
    for slot in &slots_mut {
        let ty = type_path(slot);
        items.push(quote! {
            impl crate::paginate::fields::SlotMut for #ty {
                fn get_mut_or_default(&mut self) -> &mut Self {
                    self
                }
            }
        });
    }

    // A build without list operations (a category selection) uses none of the facade's
    // pagination runtime: `portone-client`'s build script reads this.
    println!("cargo::metadata=list_operations={}", table.len());
    for (id, reason) in &classified.unclassified {
        println!("cargo::warning=list-like operation {id} has no stream helper: {reason}");
    }
    let unclassified = classified
        .unclassified
        .iter()
        .map(|(id, reason)| quote!((#id, #reason)));
    Ok(quote! {
        #(#items)*

        /// Every list operation of the spec, with its `_stream` method (see
        /// [`paginate`](crate::paginate)).
        pub static LIST_OPERATIONS: &[crate::paginate::ListOperation] = &[#(#table),*];

        /// Operations that look like lists but fit no known paging shape, so have no stream
        /// helper: (`operationId`, reason). Empty for the specs this crate is tested with.
        pub static UNCLASSIFIED_LIST_OPERATIONS: &[(&str, &str)] = &[#(#unclassified),*];
    })
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

fn list_response_impl(list: &ListOp) -> TokenStream {
    let response = type_path(&list.response);
    let item = type_path(&list.item);
    let items = field(&list.items);
    let position = match &list.style {
        Style::NestedPage { .. } | Style::FlatPage => quote! {
            let page = crate::paginate::fields::Slot::get(&self.page)?;
            ::std::option::Option::Some(crate::paginate::Position::Page {
                number: crate::paginate::fields::IntField::get(&page.number)?,
                size: crate::paginate::fields::IntField::get(&page.size)?,
                total_count: crate::paginate::fields::IntField::get(&page.total_count)?,
            })
        },
        Style::Cursor => quote! {
            ::std::option::Option::Some(crate::paginate::Position::Cursor {
                last: crate::paginate::ListResponse::items(self)
                    .last()
                    .and_then(|item| crate::paginate::fields::StrField::get(&item.cursor)),
            })
        },
    };
    quote! {
        impl crate::paginate::sealed::Sealed for #response {}

        impl crate::paginate::ListResponse for #response {
            type Item = #item;

            fn items(&self) -> &[#item] {
                crate::paginate::fields::ListField::slice(&self.#items)
            }

            fn items_mut(&mut self) -> &mut ::std::vec::Vec<#item> {
                crate::paginate::fields::ListField::vec_mut(&mut self.#items)
            }

            fn position(&self) -> ::std::option::Option<crate::paginate::Position<'_>> {
                #position
            }
        }
    }
}

fn stream_method(list: &ListOp, request: &Request) -> TokenStream {
    let op = list.op;
    let group = crate::facade::group_ident(&op.group());
    let method = format_ident!("{}", op.rust_name);
    let stream = format_ident!("{}_stream", op.rust_name);
    let request_ident = request.ident();
    let body_ty = type_path(&list.body);
    let ok = &request.ok;
    let err = &request.err;
    let items = &list.items;

    let (read, apply, how) = match &list.style {
        Style::NestedPage { .. } => (
            quote! {
                let page = crate::paginate::fields::Slot::get(&body.page);
                crate::paginate::Request::Page {
                    number: page
                        .and_then(|p| crate::paginate::fields::IntField::get(&p.number))
                        .unwrap_or(0),
                    size: page.and_then(|p| crate::paginate::fields::IntField::get(&p.size)),
                }
            },
            quote! {
                if let crate::paginate::Request::Page { number, size } = request {
                    let page = crate::paginate::fields::SlotMut::get_mut_or_default(&mut body.page);
                    crate::paginate::fields::IntField::put(&mut page.number, *number)?;
                    if let ::std::option::Option::Some(size) = size {
                        crate::paginate::fields::IntField::put(&mut page.size, *size)?;
                    }
                }
            },
            "Pages are numbered: each request sets `page.number` (from the body's, else 0) and, \
             with [`page_size`](crate::paginate::Paginated::page_size), `page.size`.",
        ),
        Style::FlatPage => (
            quote! {
                crate::paginate::Request::Page {
                    number: crate::paginate::fields::IntField::get(&body.page_number).unwrap_or(0),
                    size: crate::paginate::fields::IntField::get(&body.page_size),
                }
            },
            quote! {
                if let crate::paginate::Request::Page { number, size } = request {
                    crate::paginate::fields::IntField::put(&mut body.page_number, *number)?;
                    if let ::std::option::Option::Some(size) = size {
                        crate::paginate::fields::IntField::put(&mut body.page_size, *size)?;
                    }
                }
            },
            "Pages are numbered: each request sets `pageNumber` (from the body's, else 0) and, \
             with [`page_size`](crate::paginate::Paginated::page_size), `pageSize`.",
        ),
        Style::Cursor => (
            quote! {
                crate::paginate::Request::Cursor {
                    cursor: crate::paginate::fields::StrField::get(&body.cursor)
                        .map(::std::borrow::ToOwned::to_owned),
                    size: crate::paginate::fields::IntField::get(&body.size),
                }
            },
            quote! {
                if let crate::paginate::Request::Cursor { cursor, size } = request {
                    if let ::std::option::Option::Some(cursor) = cursor {
                        crate::paginate::fields::StrField::put(&mut body.cursor, ::std::clone::Clone::clone(cursor));
                    }
                    if let ::std::option::Option::Some(size) = size {
                        crate::paginate::fields::IntField::put(&mut body.size, *size)?;
                    }
                }
            },
            "Cursors: the first request uses the body's `cursor` (if any), each next one the \
             `cursor` of the last item received; [`page_size`](crate::paginate::Paginated::page_size) \
             sets `size`.",
        ),
    };
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
    let decls = request.arguments().map(|p| {
        let ident = &p.ident;
        match &p.kind {
            Kind::Required { ty, .. } => quote!(#ident: #ty),
            _ => quote!(#ident: #body_ty),
        }
    });
    let args = request.arguments().map(|p| {
        let ident = &p.ident;
        match &p.kind {
            Kind::Required { .. } => quote!(#ident),
            _ => quote!(&#ident),
        }
    });
    // What the request keeps, owned, to send it again for every page.
    let mut keep = Vec::new();
    let mut again = Vec::new();
    let mut fields = Vec::new();
    for p in &request.params {
        let ident = &p.ident;
        match &p.kind {
            Kind::Required {
                owned: (value, ty),
                from_owned,
                ..
            } => {
                keep.push(quote!(let #ident: #ty = #value;));
                again.push(quote!(let #ident = ::std::clone::Clone::clone(&#ident);));
                fields.push(quote!(#ident: #from_owned));
            }
            Kind::Optional { .. } => {
                keep.push(quote!(let #ident = self.#ident;));
                again.push(quote!(let #ident = ::std::clone::Clone::clone(&#ident);));
                fields.push(quote!(#ident));
            }
            Kind::Body(_) => fields.push(quote!(#ident: &#ident)),
            Kind::StoreId => {}
        }
    }
    let into_doc = format!(
        "Every item of this `{}` listing, page after page, as a lazy \
         [`Paginated`](crate::paginate::Paginated) stream: this request's body, optional \
         parameters and options are sent with every page.\n\n{how}",
        op.id
    );
    quote! {
        impl<'a> #group<'a> {
            #[doc = #doc]
            pub fn #stream(self, #(#decls),*) -> crate::paginate::Paginated<#ok, #err> {
                self.#method(#(#args),*).into_stream()
            }
        }

        impl<'a> #request_ident<'a> {
            #[doc = #into_doc]
            #[allow(clippy::clone_on_copy, clippy::redundant_clone)]
            pub fn into_stream(self) -> crate::paginate::Paginated<#ok, #err> {
                let portone = ::std::clone::Clone::clone(self.portone);
                #(#keep)*
                let options = self.options;
                crate::paginate::Paginated::new(
                    ::std::clone::Clone::clone(self.body),
                    #items,
                    |body: &#body_ty| { #read },
                    |body: &mut #body_ty, request: &crate::paginate::Request| {
                        #apply
                        ::std::result::Result::Ok(())
                    },
                    move |body: #body_ty| {
                        let portone = ::std::clone::Clone::clone(&portone);
                        #(#again)*
                        let options = ::std::clone::Clone::clone(&options);
                        ::std::boxed::Box::pin(async move {
                            #request_ident { portone: &portone, #(#fields,)* options }.send().await
                        })
                    },
                )
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
    let body_ty = type_path(&list.body);
    let decls = request.arguments().map(|p| {
        let ident = &p.ident;
        match &p.kind {
            Kind::Required { ty, .. } => quote!(#ident: #ty),
            _ => quote!(#ident: #body_ty),
        }
    });
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

fn json_adapter(list: &ListOp, request: &Request) -> TokenStream {
    let op = list.op;
    let name = format_ident!("__json_stream_{}", op.rust_name);
    let group = crate::facade::group_ident(&op.group());
    let stream = format_ident!("{}_stream", op.rust_name);
    let body_ty = type_path(&list.body);
    let id = &op.id;
    if let Some(required) = request
        .arguments()
        .find(|p| matches!(p.kind, Kind::Required { .. }))
    {
        let message = format!(
            "{id}: the JSON adapter cannot fill the required parameter `{}`",
            required.ident
        );
        return quote! {
            fn #name(
                _: &crate::PortOne,
                _: ::serde_json::Value,
                _: ::std::option::Option<u32>,
            ) -> crate::paginate::JsonStream {
                crate::paginate::json_failure(::std::string::String::from(#message))
            }
        };
    }
    quote! {
        fn #name(
            portone: &crate::PortOne,
            body: ::serde_json::Value,
            page_size: ::std::option::Option<u32>,
        ) -> crate::paginate::JsonStream {
            let body: #body_ty = match ::serde_json::from_value(body) {
                ::std::result::Result::Ok(body) => body,
                ::std::result::Result::Err(e) => {
                    return crate::paginate::json_failure(::std::format!("{}: invalid body: {e}", #id));
                }
            };
            let mut stream = #group { portone }.#stream(body);
            if let ::std::option::Option::Some(size) = page_size {
                stream = stream.page_size(size);
            }
            crate::paginate::json_stream(stream)
        }
    }
}

fn table_entry(list: &ListOp) -> TokenStream {
    let op = list.op;
    let id = &op.id;
    let group = op.group_path();
    let method = &op.rust_name;
    let stream = format!("{}_stream", op.rust_name);
    let json = format_ident!("__json_stream_{}", op.rust_name);
    let items = &list.items;
    let item_type = rust_type_name(&list.item);
    let pagination = match &list.style {
        Style::NestedPage { .. } => quote! {
            crate::paginate::Pagination::Page { number: "page.number", size: "page.size" }
        },
        Style::FlatPage => quote! {
            crate::paginate::Pagination::Page { number: "pageNumber", size: "pageSize" }
        },
        Style::Cursor => quote! {
            crate::paginate::Pagination::Cursor { cursor: "cursor", size: "size", item_cursor: "cursor" }
        },
    };
    quote! {
        crate::paginate::ListOperation {
            operation_id: #id,
            group: #group,
            method: #method,
            stream_method: #stream,
            pagination: #pagination,
            items: #items,
            item_type: #item_type,
            json_stream: #json,
        }
    }
}
