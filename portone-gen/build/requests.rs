//! The request builder of every operation (`GetPaymentRequest`, ...) and the group method that
//! starts it.
//!
//! The method takes what the operation requires (path parameters, required query parameters,
//! the body); every optional parameter is a setter, so an optional parameter PortOne adds later
//! is one more setter, never a changed signature. `storeId` is not a parameter of its own: the
//! builder's `store_id(..)` sets the call's store, which the pipeline fills in wherever the
//! operation has a `storeId` (query or body) the caller left unset. Every builder also has
//! `timeout`, `attempt_timeout` and `retry`, is awaited directly (`IntoFuture`) and has `send()`.

use portone_openapi::codegen::{Call, Role, option_of};
use portone_openapi::moves::Move;
use portone_openapi::{Operation, SuccessBody};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// What one parameter of the generated method becomes in the builder. The builder owns its
/// fields (no lifetime): it can be stored, spawned, and sent again page after page by a stream.
pub(crate) enum Kind {
    /// A path parameter or a required query parameter: an argument of the group method.
    Required {
        /// Type of the argument (`&str`, `T`, `i64`).
        ty: TokenStream,
        /// Type of the builder field (`String`, `T`, `i64`).
        field: TokenStream,
        /// The field from the argument (`None`: the argument itself).
        init: Option<TokenStream>,
        /// How the field is passed to the generated method.
        pass: TokenStream,
    },
    /// The request body: the argument `&T`, cloned into the builder.
    Body(syn::Type),
    /// The optional `storeId` query parameter: set through `store_id(..)`.
    StoreId,
    /// An optional parameter: a setter and an `Option` field.
    Optional {
        /// Type of the field inside the `Option`.
        inner: TokenStream,
        /// How the field is passed.
        pass: TokenStream,
    },
}

/// One parameter of an operation's generated method.
pub(crate) struct Param {
    pub ident: syn::Ident,
    /// Wire name (`paymentId`), or `body`.
    pub wire: String,
    pub kind: Kind,
}

/// An operation as the facade offers it.
pub(crate) struct Request<'a> {
    pub op: &'a Operation,
    pub params: Vec<Param>,
    pub ok: syn::Type,
    pub err: syn::Type,
    /// Whether `store_id(..)` applies (a `storeId` query parameter or body field).
    pub has_store_id: bool,
}

impl<'a> Request<'a> {
    /// The builder of `call` (see `portone_openapi::codegen::Call` for what is required).
    pub fn new(call: &'a Call) -> Result<Request<'a>, String> {
        let op = &call.operation;
        let params = call
            .params
            .iter()
            .map(|p| {
                let ty = &p.ty;
                let kind = kind(&p.ident, p.role, ty).ok_or_else(|| {
                    format!(
                        "{}: parameter `{}` has a type the facade does not know: {}",
                        op.id,
                        p.ident,
                        quote!(#ty)
                    )
                })?;
                Ok(Param {
                    ident: p.ident.clone(),
                    wire: p.wire.clone(),
                    kind,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Request {
            op,
            params,
            ok: call.ok.clone(),
            err: call.err.clone(),
            has_store_id: call.has_store_id,
        })
    }

    pub fn ident(&self) -> syn::Ident {
        format_ident!("{}", portone_openapi::codegen::request_ident(self.op))
    }

    /// The arguments of the group method (required parameters, then the body).
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, Kind::Required { .. } | Kind::Body(_)))
    }

    /// `name: Type` of each argument of the group method.
    fn argument_decls(&self) -> impl Iterator<Item = TokenStream> + '_ {
        self.arguments().map(|p| {
            let ident = &p.ident;
            match &p.kind {
                Kind::Required { ty, .. } => quote!(#ident: #ty),
                Kind::Body(ty) => quote!(#ident: &#ty),
                _ => unreachable!("arguments are required parameters and the body"),
            }
        })
    }

    /// The builder field of the request body, if the operation has one.
    pub fn body_ident(&self) -> Option<&syn::Ident> {
        self.params
            .iter()
            .find_map(|p| matches!(p.kind, Kind::Body(_)).then_some(&p.ident))
    }

    /// The group method: `portone.payment().get_payment("id")`.
    pub fn group_method(&self, doc: &str) -> TokenStream {
        let name = format_ident!("{}", self.op.rust_name);
        let request = self.ident();
        let decls = self.argument_decls();
        let inits = self.params.iter().filter_map(|p| {
            let ident = &p.ident;
            match &p.kind {
                Kind::Required { init: None, .. } => Some(quote!(#ident)),
                Kind::Required {
                    init: Some(init), ..
                } => Some(quote!(#ident: #init)),
                Kind::Body(_) => Some(quote!(#ident: ::std::clone::Clone::clone(#ident))),
                Kind::Optional { .. } => Some(quote!(#ident: ::std::option::Option::None)),
                Kind::StoreId => None,
            }
        });
        quote! {
            #[doc = #doc]
            pub fn #name(self, #(#decls),*) -> #request {
                #request {
                    portone: ::std::clone::Clone::clone(self.portone),
                    #(#inits,)*
                    options: ::std::default::Default::default(),
                }
            }
        }
    }

    /// A deprecated method at an old group path (`moved.from`) that forwards to the method in
    /// the operation's group `target`, so a category move is additive for users.
    pub fn alias_method(&self, target: &[String], moved: &Move) -> TokenStream {
        let name = format_ident!("{}", self.op.rust_name);
        let request = self.ident();
        let target_group = crate::facade::group_ident(target);
        let decls = self.argument_decls();
        let args = self.arguments().map(|p| &p.ident);
        let new_path = crate::facade::accessor_path(target);
        let note = format!("PortOne moved this operation: use `{new_path}.{name}(..)`");
        let doc = format!(
            "Deprecated: the same as [`{new_path}.{name}`]({target_group}::{name}), where \
             PortOne moved it (`x-portone-category` `{}` -> `{}`). Kept for compatibility.",
            moved.from,
            target.join(".")
        );
        let since = &moved.since;
        quote! {
            #[doc = #doc]
            #[deprecated(since = #since, note = #note)]
            pub fn #name(self, #(#decls),*) -> #request {
                #target_group { portone: self.portone }.#name(#(#args),*)
            }
        }
    }

    /// The builder: struct, setters, `send`, `IntoFuture`.
    pub fn builder(&self, setter_doc: impl Fn(&str) -> String) -> TokenStream {
        let op = self.op;
        let request = self.ident();
        let ok = &self.ok;
        let err = &self.err;
        let method = format_ident!("{}", op.rust_name);
        let fields = self.params.iter().filter_map(|p| {
            let ident = &p.ident;
            match &p.kind {
                Kind::Required { field, .. } => Some(quote!(#ident: #field)),
                Kind::Body(ty) => Some(quote!(#ident: #ty)),
                Kind::Optional { inner, .. } => Some(quote!(#ident: ::std::option::Option<#inner>)),
                Kind::StoreId => None,
            }
        });
        let setters = self.setters(setter_doc);
        let options = call_option_setters();
        let store_id = self.store_id_setter();
        let args = self.params.iter().map(|p| match &p.kind {
            Kind::Required { pass, .. } | Kind::Optional { pass, .. } => pass.clone(),
            Kind::Body(_) => {
                let ident = &p.ident;
                quote!(&self.#ident)
            }
            Kind::StoreId => quote!(::std::option::Option::None),
        });
        let runner = match op.success {
            SuccessBody::Json(_) => quote!(run),
            _ => quote!(run_without_json),
        };
        let group = op.group();
        let doc = format!(
            "A `{}` call (`{} {}`): set what is optional, then `.await` it (or [`send`](Self::send)). \
             Made by [`{}.{method}`]({}::{method}), whose docs describe the arguments and errors.",
            op.id,
            op.method.as_str(),
            op.path,
            crate::facade::accessor_path(&group),
            crate::facade::group_ident(&group),
        );
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug)]
            #[must_use = "a request does nothing until it is awaited"]
            pub struct #request {
                portone: crate::PortOne,
                #(#fields,)*
                options: crate::call::CallOptions,
            }

            impl #request {
                #(#setters)*
                #store_id

                #options

                /// Sends the request (what `.await` on the builder does).
                pub async fn send(self) -> crate::Result<#ok, #err> {
                    let prepared = self.portone.prepare(&self.options).await?;
                    crate::call::#runner(prepared.timeout, prepared.raw.#method(#(#args),*)).await
                }
            }

            impl ::std::future::IntoFuture for #request {
                type Output = crate::Result<#ok, #err>;
                type IntoFuture = crate::call::CallFuture<'static, #ok, #err>;

                fn into_future(self) -> Self::IntoFuture {
                    ::std::boxed::Box::pin(self.send())
                }
            }
        }
    }

    /// A setter per optional parameter.
    fn setters<'s>(
        &'s self,
        setter_doc: impl Fn(&str) -> String + 's,
    ) -> impl Iterator<Item = TokenStream> + 's {
        self.params.iter().filter_map(move |p| {
            let Kind::Optional { inner, .. } = &p.kind else {
                return None;
            };
            let ident = &p.ident;
            let doc = setter_doc(&p.wire);
            Some(quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                    self.#ident = ::std::option::Option::Some(value.into());
                    self
                }
            })
        })
    }

    /// `store_id(..)`, for an operation with a `storeId` query parameter or body field.
    fn store_id_setter(&self) -> Option<TokenStream> {
        self.has_store_id.then(|| {
            let body = self.op.body.as_ref().is_some_and(|b| b.has_store_id);
            let doc = format!(
                "The `storeId` of this call (the {}), instead of the client's default \
                 ([`Builder::store_id`](crate::Builder::store_id)){}. Without either, PortOne \
                 uses the store of the credentials.",
                if body { "body's `storeId` field" } else { "`storeId` query parameter" },
                if body { "; a `storeId` the body sets itself wins" } else { "" }
            );
            quote! {
                #[doc = #doc]
                pub fn store_id(mut self, store_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.options.store_id = ::std::option::Option::Some(store_id.into());
                    self
                }
            }
        })
    }
}

/// The setters of the per-call options every request builder has.
fn call_option_setters() -> TokenStream {
    quote! {
                /// The longest this call may take, retries and their waits included (default:
                /// the client's, [`Builder::timeout`](crate::Builder::timeout)).
                pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.options.timeout = ::std::option::Option::Some(timeout);
                    self
                }

                /// The longest one attempt may take, response body included (default: the
                /// client's, [`Builder::attempt_timeout`](crate::Builder::attempt_timeout)).
                pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.options.attempt_timeout = ::std::option::Option::Some(timeout);
                    self
                }

                /// The retry policy of this call (default: the client's,
                /// [`Builder::retry`](crate::Builder::retry)).
                pub fn retry(mut self, retry: crate::RetryConfig) -> Self {
                    self.options.retry = ::std::option::Option::Some(retry);
                    self
                }
    }
}

/// The builder field and argument of a parameter, from its role and (absolute-path) type.
fn kind(ident: &syn::Ident, role: Role, ty: &syn::Type) -> Option<Kind> {
    match role {
        Role::Body => match ty {
            syn::Type::Reference(r) => Some(Kind::Body((*r.elem).clone())),
            _ => None,
        },
        Role::StoreId => Some(Kind::StoreId),
        Role::Optional => Some(match option_of(ty)? {
            syn::Type::Reference(r) if is_str(&r.elem) => Kind::Optional {
                inner: quote!(::std::string::String),
                pass: quote!(self.#ident.as_deref()),
            },
            syn::Type::Reference(r) => {
                let elem = &r.elem;
                Kind::Optional {
                    inner: quote!(#elem),
                    pass: quote!(self.#ident.as_ref()),
                }
            }
            value => Kind::Optional {
                inner: quote!(#value),
                pass: quote!(self.#ident),
            },
        }),
        Role::Required => Some(match ty {
            syn::Type::Reference(r) if is_str(&r.elem) => Kind::Required {
                ty: quote!(&str),
                field: quote!(::std::string::String),
                init: Some(quote!(::std::borrow::ToOwned::to_owned(#ident))),
                pass: quote!(&self.#ident),
            },
            syn::Type::Reference(r) => {
                let elem = &r.elem;
                Kind::Required {
                    ty: quote!(#elem),
                    field: quote!(#elem),
                    init: None,
                    pass: quote!(&self.#ident),
                }
            }
            value => Kind::Required {
                ty: quote!(#value),
                field: quote!(#value),
                init: None,
                pass: quote!(self.#ident),
            },
        }),
    }
}

fn is_str(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("str"))
}
