//! The API of `portone-client` (the facade) that a spec produces: per operation its group path,
//! method, required arguments, builder setters and stream method; per request struct how `new`
//! takes its required fields and which setters it has; per union its accessors. Types are
//! written as a user writes them (`portone_client::types::X`), so two specs' facades compare
//! item by item; [`FacadeSurface::lines`] is its part of the API-surface snapshot.

use std::collections::BTreeMap;

use portone_openapi::codegen::lists::{Lists, list_operations};
use portone_openapi::codegen::{Generated, Role, generate};
use portone_openapi::moves::Moves;
use portone_openapi::{Normalized, Options, Spec, normalize};
use quote::ToTokens;

/// A facade method and its request builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `operationId`.
    pub operation_id: String,
    /// The group accessors from `PortOne` (`["payment", "billing_key"]`).
    pub group: Vec<String>,
    /// The group as PortOne names it, its `x-portone-category` (`payment.billingKey`).
    pub category: String,
    /// The method's arguments: name and type (`&str` for path parameters, `&T` for the body).
    pub arguments: Vec<(String, String)>,
    /// The builder's setters for optional parameters: name and the type they take.
    pub setters: Vec<(String, String)>,
    /// Whether the builder has `store_id(..)`.
    pub store_id: bool,
    /// `Ok` and error types of the call.
    pub output: (String, String),
    /// Whether PortOne marks it `x-portone-unstable`.
    pub unstable: bool,
    /// For a list operation: its stream method and the type of the items.
    pub stream: Option<Stream>,
}

/// The `<method>_stream` method of a list operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    /// `get_payments_stream`.
    pub method: String,
    /// The type of the items (`portone_client::types::Payment`).
    pub item: String,
}

impl Call {
    /// `payment.billing_key.delete_billing_key`.
    pub fn path(&self, method: &str) -> String {
        let mut path = self.group.join(".");
        path.push('.');
        path.push_str(method);
        path
    }
}

/// How a struct is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Struct {
    /// The required fields `new` takes (named in `...Required` when two or more): name, type.
    pub required: Vec<(String, String)>,
    /// Setters (structs requests use): name and the type they take.
    pub setters: Vec<(String, String)>,
}

/// A deprecated method at an old group path that forwards to the moved operation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Alias {
    /// The old group accessors (`["billing_key"]`).
    pub group: Vec<String>,
    /// The `portone-client` version that has it first.
    pub since: String,
}

/// The facade of one spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacadeSurface {
    /// Deprecated aliases of moved calls (and their streams), by method name.
    pub aliases: BTreeMap<String, Vec<Alias>>,
    /// Calls by method name.
    pub calls: BTreeMap<String, Call>,
    /// Structs by Rust name.
    pub structs: BTreeMap<String, Struct>,
    /// Union accessors: (union, method) -> return type.
    pub accessors: BTreeMap<(String, String), String>,
}

impl FacadeSurface {
    /// The facade of `spec` with every operation (unstable ones included) and the aliases of
    /// `moves`.
    pub fn build(spec: &Spec, moves: &Moves) -> Result<FacadeSurface, String> {
        let normalized = normalize(spec, &Options::everything()).map_err(|e| e.to_string())?;
        let generated = generate(&normalized)?;
        FacadeSurface::from_generated(&normalized, &generated, moves)
    }

    /// The facade of an already generated spec, with the aliases of `moves`.
    pub fn from_generated(
        normalized: &Normalized,
        generated: &Generated,
        moves: &Moves,
    ) -> Result<FacadeSurface, String> {
        let mut surface = FacadeSurface::default();
        let lists = list_operations(normalized)?;
        for call in generated.calls(&normalized.model)? {
            let op = &call.operation;
            let aliases: Vec<Alias> = moves
                .aliases_of(&op.rust_name, &op.group())
                .map(|m| Alias {
                    group: snake_group(&m.from_group()),
                    since: m.since.clone(),
                })
                .collect();
            if !aliases.is_empty() {
                surface.aliases.insert(op.rust_name.clone(), aliases);
            }
            surface
                .calls
                .insert(op.rust_name.clone(), facade_call(&call, &lists));
        }
        for s in &generated.structs {
            let field =
                |f: &portone_openapi::codegen::Field| (f.ident.to_string(), user_type(f.base()));
            surface.structs.insert(
                s.name.clone(),
                Struct {
                    required: s.required.iter().map(field).collect(),
                    setters: s.setters.iter().map(field).collect(),
                },
            );
        }
        for a in &generated.accessors {
            let returns = syn::parse2::<syn::Type>(a.returns.clone())
                .map(|ty| user_type(&ty))
                .unwrap_or_else(|_| a.returns.to_string());
            surface
                .accessors
                .insert((a.union.clone(), a.method.to_string()), returns);
        }
        Ok(surface)
    }
}

impl FacadeSurface {
    /// Whether `method` can be called at `group`: its own group, or a deprecated alias there.
    pub fn reachable_at(&self, method: &str, group: &[String]) -> bool {
        self.calls.get(method).is_some_and(|c| c.group == group)
            || self
                .aliases
                .get(method)
                .is_some_and(|aliases| aliases.iter().any(|a| a.group == group))
    }

    /// The calls of `old` that are in another group here: (method, old `x-portone-category`).
    pub fn moves_since(&self, old: &FacadeSurface) -> Vec<(String, String)> {
        old.calls
            .iter()
            .filter(|(method, call)| {
                self.calls
                    .get(*method)
                    .is_some_and(|now| now.group != call.group)
            })
            .map(|(method, call)| (method.clone(), call.category.clone()))
            .collect()
    }

    /// The facade part of the API-surface manifest, one item a line: every call (group path,
    /// method, arguments, result), its setters and stream, then every struct's `new` and setters,
    /// then every union accessor. `portone_client::types::` is written `types::`.
    pub fn lines(&self) -> Vec<String> {
        let short = |ty: &str| ty.replace("portone_client::types::", "types::");
        let list = |items: &[(String, String)]| {
            items
                .iter()
                .map(|(name, ty)| format!("{name}: {}", short(ty)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut lines = Vec::new();
        for (method, call) in &self.calls {
            let path = call.path(method);
            let unstable = if call.unstable { " | unstable" } else { "" };
            let (ok, err) = (short(&call.output.0), short(&call.output.1));
            lines.push(format!(
                "call {path}({}) -> Result<{ok}, Error<{err}>>{unstable}",
                list(&call.arguments)
            ));
            if call.store_id {
                lines.push(format!("setter {path}.store_id(String)"));
            }
            for (name, ty) in &call.setters {
                lines.push(format!("setter {path}.{name}({})", short(ty)));
            }
            for alias in self.aliases.get(method).into_iter().flatten() {
                lines.push(format!(
                    "alias {}.{method} -> {path} | deprecated since {}",
                    alias.group.join("."),
                    alias.since
                ));
            }
            if let Some(stream) = &call.stream {
                // The stream takes the body by value.
                let arguments: Vec<(String, String)> = call
                    .arguments
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.trim_start_matches('&').to_owned()))
                    .map(|(name, ty)| match ty.as_str() {
                        "str" => (name, "&str".to_owned()),
                        _ => (name, ty),
                    })
                    .collect();
                lines.push(format!(
                    "stream {}.{}({}) -> Paginated<{}, Error<{err}>>{unstable}",
                    call.group.join("."),
                    stream.method,
                    list(&arguments),
                    short(&stream.item)
                ));
            }
        }
        for (name, s) in &self.structs {
            // With two or more required fields `new` takes them named, in `{name}Required`.
            match s.required.len() {
                0 | 1 => lines.push(format!("new {name}({})", list(&s.required))),
                _ => lines.push(format!(
                    "new {name}({name}Required {{ {} }})",
                    list(&s.required)
                )),
            }
            for (setter, ty) in &s.setters {
                lines.push(format!("set {name}.{setter}({})", short(ty)));
            }
        }
        for ((union, method), returns) in &self.accessors {
            lines.push(format!("accessor {union}.{method}() -> {}", short(returns)));
        }
        lines
    }
}

/// A generated call as the facade offers it, with its stream if `lists` has the operation.
fn facade_call(call: &portone_openapi::codegen::Call, lists: &Lists<'_>) -> Call {
    let op = &call.operation;
    Call {
        operation_id: op.id.clone(),
        group: snake_group(&op.group()),
        category: op.group().join("."),
        arguments: call.arguments().map(facade_param).collect(),
        setters: call.setters().map(facade_param).collect(),
        store_id: call.has_store_id,
        output: (user_type(&call.ok), user_type(&call.err)),
        unstable: op.unstable,
        stream: lists
            .lists
            .iter()
            .find(|list| list.op.id == op.id)
            .map(|list| Stream {
                method: list.stream_method(),
                item: format!(
                    "portone_client::types::{}",
                    portone_openapi::rust_type_name(&list.item)
                ),
            }),
    }
}

/// A facade argument or setter: its name and the type a user passes.
fn facade_param(p: &portone_openapi::codegen::Param) -> (String, String) {
    let ty = &p.ty;
    let text = match p.role {
        // The facade takes a required `&T` (an enum) by value.
        Role::Required => match ty {
            syn::Type::Reference(r) if !is_str(&r.elem) => user_type(&r.elem),
            _ => user_type(ty),
        },
        Role::Optional => user_type(&option_inner(ty)),
        _ => user_type(ty),
    };
    (p.ident.to_string(), text)
}

/// Group segments as facade accessors (`billingKey` -> `billing_key`).
fn snake_group(segments: &[String]) -> Vec<String> {
    segments
        .iter()
        .map(|g| heck::ToSnakeCase::to_snake_case(g.as_str()))
        .collect()
}

fn is_str(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("str"))
}

/// `T` of `Option<T>` (of `Option<&T>`: `T`; of `Option<&str>`: `String`).
fn option_inner(ty: &syn::Type) -> syn::Type {
    let inner = match ty {
        syn::Type::Path(p) => p.path.segments.last().and_then(|s| match &s.arguments {
            syn::PathArguments::AngleBracketed(args) => match args.args.first() {
                Some(syn::GenericArgument::Type(t)) => Some(t.clone()),
                _ => None,
            },
            _ => None,
        }),
        _ => None,
    };
    match inner {
        Some(syn::Type::Reference(r)) if is_str(&r.elem) => syn::parse_quote!(String),
        Some(syn::Type::Reference(r)) => (*r.elem).clone(),
        Some(t) => t,
        None => ty.clone(),
    }
}

/// A type as a user of `portone-client` writes it: `::portone_gen::types::X`, `crate::types::X`
/// and a bare generated `X` become `portone_client::types::X`; `crate::Timestamp` becomes
/// `portone_client::Timestamp`; `::std::...` paths lose their prefix; no spaces.
pub fn user_type(ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    let text = text
        .replace("::portone_gen::types::", "portone_client::types::")
        .replace("crate::types::", "portone_client::types::")
        .replace("::portone_gen::", "portone_client::")
        .replace("crate::Timestamp", "portone_client::Timestamp");
    let mut out = String::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !c.is_alphanumeric() && c != '_' && c != ':')
            .unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end.max(1).min(rest.len()));
        out.push_str(&shorten(word));
        rest = tail;
    }
    out
}

/// `::std::string::String` -> `String`; a bare generated type name -> its full path.
fn shorten(word: &str) -> String {
    let std_paths = [
        "::std::string::",
        "::std::vec::",
        "::std::option::",
        "::std::collections::",
        "::std::boxed::",
        "::std::borrow::",
    ];
    for prefix in std_paths {
        if let Some(rest) = word.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    let is_bare_type = word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && !word.contains("::")
        && !matches!(
            word,
            "String" | "Vec" | "Option" | "HashMap" | "Box" | "Cow" | "Map" | "Value"
        );
    if is_bare_type {
        format!("portone_client::types::{word}")
    } else {
        word.replace("::serde_json::", "serde_json::")
            .replace("::chrono::", "portone_client::chrono::")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_as_users_write_them() {
        let ty: syn::Type = syn::parse_quote!(
            ::std::option::Option<::std::borrow::Cow<'_, crate::types::PaymentAmount>>
        );
        assert_eq!(
            user_type(&ty),
            "Option<Cow<'_,portone_client::types::PaymentAmount>>"
        );
        let ty: syn::Type = syn::parse_quote!(::std::vec::Vec<PaymentMethod>);
        assert_eq!(user_type(&ty), "Vec<portone_client::types::PaymentMethod>");
        let ty: syn::Type = syn::parse_quote!(::portone_gen::types::GetPaymentsBody);
        assert_eq!(user_type(&ty), "portone_client::types::GetPaymentsBody");
        let ty: syn::Type = syn::parse_quote!(&str);
        assert_eq!(user_type(&ty), "&str");
        let ty: syn::Type = syn::parse_quote!(::std::collections::HashMap<::std::string::String, ::serde_json::Value>);
        assert_eq!(user_type(&ty), "HashMap<String,serde_json::Value>");
        let ty: syn::Type = syn::parse_quote!(crate::Timestamp);
        assert_eq!(user_type(&ty), "portone_client::Timestamp");
    }
}
