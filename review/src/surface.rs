//! The API surface of the generated client: a compact, deterministic manifest.
//!
//! [`Surface::build`] normalizes a spec (unstable operations included, flagged), runs the
//! generator, and reads back what `portone-gen` exposes: the signature of every method of
//! `Client`, every type of the `types` module with its fields (Rust name, wire name, Rust
//! type), every enum value and every union case; and what users of `portone-client` call (the
//! [facade](crate::facade): group paths, methods, setters, streams, struct constructors and
//! setters, union accessors). [`Surface::text`] prints it one item a line, sorted, with no
//! prose from the spec, so that a spec update shows up in the committed snapshot as a small
//! line-oriented diff.
//!
//! Line formats (see `MAINTAINING.md`):
//!
//! ```text
//! call payment.billing_key.delete_billing_key(billing_key: &str) -> Result<types::DeleteBillingKeyResponse, Error<types::DeleteBillingKeyError>>
//! setter payment.billing_key.delete_billing_key.reason(String)
//! stream payment.get_payments_stream(body: types::GetPaymentsBody) -> Paginated<types::Payment, Error<types::GetPaymentsError>>
//! new GetPaymentsBody()
//! set GetPaymentsBody.page(types::PageInput)
//! accessor PaymentEvent.as_paid() -> Option<&types::PaidPayment>
//! spec 1.16.0 sha256:6fa978721dc6 operations=147 unstable=27 types=1004
//! client new(baseurl: &str, inner: crate::Inner) -> Self
//! op get_payment(payment_id: &str, store_id: Option<&str>) -> Result<ResponseValue<types::Payment>, Error<types::GetPaymentError>> | GET /payments/{paymentId} | category payment
//! struct PageInput: Default
//! field PageInput.number: Option<i32>
//! field PaidPayment.billing_key: Option<String> as "billingKey"
//! newtype MapStat(HashMap<String, types::B2bBulkTaxInvoiceStat>)
//! enum PgProvider
//! value PgProvider.Innopay = "INNOPAY"
//! union PaymentMethod tag "type"
//! case PaymentMethod.Card(types::PaymentMethodCard) = "PaymentMethodCard"
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use quote::ToTokens;
use syn::punctuated::Punctuated;

use portone_openapi::codegen::{Generated, generate};
use portone_openapi::moves::Moves;
use portone_openapi::{ApiModel, HttpMethod, Operation, SuccessBody};
use portone_openapi::{NormalizeError, Normalized, Options, Spec, normalize, rust_type_name};

/// Why a surface could not be derived.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SurfaceError {
    /// The normalizer rejected the spec.
    #[error("cannot normalize the spec: {0}")]
    Normalize(#[from] NormalizeError),
    /// The generator failed.
    #[error("cannot generate the client: {0}")]
    Generate(String),
    /// The generated code has a shape this module does not understand, or disagrees with the
    /// normalized model.
    #[error("{item}: {problem}")]
    Unexpected {
        /// The generated item, e.g. `types::Payment` or `Client::get_payment`.
        item: String,
        /// What is wrong.
        problem: String,
    },
}

fn unexpected<T>(item: impl Into<String>, problem: impl Into<String>) -> Result<T, SurfaceError> {
    Err(SurfaceError::Unexpected {
        item: item.into(),
        problem: problem.into(),
    })
}

/// A method signature, types printed compactly (see [`Surface`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Method name.
    pub name: String,
    /// Parameters (receiver excluded): name and type.
    pub params: Vec<(String, String)>,
    /// Return type (`()` when there is none).
    pub output: String,
}

impl Signature {
    fn render_params(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        format!("({}) -> {}", params.join(", "), self.output)
    }
}

/// The request body of an operation as the client exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySurface {
    /// Rust type of the body (in `types`).
    pub type_name: String,
    /// Whether the body travels in the `requestBody` query parameter.
    pub in_query: bool,
    /// Whether the spec requires a body.
    pub required: bool,
}

/// One operation: the generated method and what the model says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSurface {
    /// `operationId`.
    pub id: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template.
    pub path: String,
    /// The positional method of `Client`.
    pub signature: Signature,
    /// `x-portone-category`.
    pub category: Option<String>,
    /// The request body, if any.
    pub body: Option<BodySurface>,
    /// Rust type of the success value (`types::X`, `ByteStream` or `()`).
    pub success: String,
    /// Rust type of the documented error union, if any.
    pub error: Option<String>,
    /// Whether PortOne marks it `x-portone-unstable`.
    pub unstable: bool,
    /// Whether it sends credentials.
    pub authenticated: bool,
}

impl OperationSurface {
    /// Its manifest line: `op`, the signature, HTTP method and path, then what differs from
    /// the usual (category, body placement, no credentials, unstable).
    fn line(&self) -> String {
        let mut line = format!(
            "op {}{} | {} {}",
            self.signature.name,
            self.signature.render_params(),
            self.method.as_str(),
            self.path
        );
        if let Some(category) = &self.category {
            line.push_str(&format!(" | category {category}"));
        }
        if let Some(body) = &self.body {
            if body.in_query {
                line.push_str(" | body in requestBody query");
            }
            if !body.required {
                line.push_str(" | body optional");
            }
        }
        if !self.authenticated {
            line.push_str(" | unauthenticated");
        }
        if self.unstable {
            line.push_str(" | unstable");
        }
        line
    }
}

/// One field of a generated struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSurface {
    /// Rust field name.
    pub name: String,
    /// JSON property name.
    pub wire: String,
    /// Rust type, printed compactly.
    pub ty: String,
    /// Whether a missing property decodes to the type's default (`#[serde(default)]`).
    pub default: bool,
    /// Other serde field attributes that change the wire format (e.g. `flatten`).
    pub serde: Vec<String>,
}

impl FieldSurface {
    /// Its manifest line, as a field of the struct `owner`.
    fn line(&self, owner: &str) -> String {
        let mut line = format!("field {owner}.{}: {}", self.name, self.ty);
        if self.wire != self.name {
            line.push_str(&format!(" as {:?}", self.wire));
        }
        if self.default {
            line.push_str(" default");
        }
        if !self.serde.is_empty() {
            line.push_str(&format!(" serde({})", self.serde.join(", ")));
        }
        line
    }
}

/// One case of an open union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSurface {
    /// Discriminator value.
    pub tag: String,
    /// Rust variant.
    pub variant: String,
    /// Rust type of the payload (`types::X`).
    pub member: String,
    /// Whether the member struct keeps the tag as its own field.
    pub member_keeps_tag: bool,
}

/// What kind of type a generated type is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Whether it implements `Default`.
        default: bool,
        /// Container-level serde attributes (e.g. `deny_unknown_fields`).
        serde: Vec<String>,
        /// Fields, sorted by Rust name.
        fields: Vec<FieldSurface>,
    },
    /// A transparent wrapper (`pub struct X(pub T)`).
    Newtype {
        /// The wrapped type.
        inner: String,
    },
    /// An open string enum (known values plus `Unrecognized(String)`).
    Enum {
        /// Wire value and Rust variant, sorted by value.
        values: Vec<(String, String)>,
    },
    /// An open discriminated union (known cases plus `Unrecognized(serde_json::Value)`).
    Union {
        /// Discriminator property.
        property: String,
        /// Cases, sorted by tag.
        cases: Vec<CaseSurface>,
    },
    /// A struct whose fields are all private.
    Opaque,
    /// A type alias.
    Alias {
        /// The aliased type.
        target: String,
    },
    /// A closed enum emitted by the generator itself (not one of the open types).
    ClosedEnum {
        /// Variants as written.
        variants: Vec<String>,
    },
}

/// One public type of the `types` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSurface {
    /// Rust type name.
    pub name: String,
    /// Its shape.
    pub kind: TypeKind,
}

impl TypeSurface {
    /// Pushes its manifest lines: the type, then its fields, variants, values or cases.
    fn push_lines(&self, lines: &mut Vec<String>) {
        let name = &self.name;
        match &self.kind {
            TypeKind::Struct {
                default,
                serde,
                fields,
            } => {
                let mut line = format!("struct {name}");
                if *default {
                    line.push_str(": Default");
                }
                if !serde.is_empty() {
                    line.push_str(&format!(" serde({})", serde.join(", ")));
                }
                lines.push(line);
                lines.extend(fields.iter().map(|f| f.line(name)));
            }
            TypeKind::Opaque => lines.push(format!("opaque {name}")),
            TypeKind::Newtype { inner } => lines.push(format!("newtype {name}({inner})")),
            TypeKind::Alias { target } => lines.push(format!("alias {name} = {target}")),
            TypeKind::ClosedEnum { variants } => {
                lines.push(format!("closed enum {name}"));
                for v in variants {
                    lines.push(format!("variant {name}.{v}"));
                }
            }
            TypeKind::Enum { values } => {
                lines.push(format!("enum {name}"));
                for (value, variant) in values {
                    lines.push(format!("value {name}.{variant} = {value:?}"));
                }
            }
            TypeKind::Union { property, cases } => {
                lines.push(format!("union {name} tag {property:?}"));
                for c in cases {
                    let mut line = format!("case {name}.{}({}) = {:?}", c.variant, c.member, c.tag);
                    if c.member_keeps_tag {
                        line.push_str(" keeps tag");
                    }
                    lines.push(line);
                }
            }
        }
    }
}

/// The manifest of what the generated client exposes. See the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// `info.version` of the spec.
    pub spec_version: String,
    /// Hex sha256 of the spec bytes.
    pub spec_sha256: String,
    /// Public methods of `Client` that are not operations (constructors...).
    pub client_fns: Vec<Signature>,
    /// Operations, sorted by Rust method name.
    pub operations: Vec<OperationSurface>,
    /// Types of the `types` module, sorted by name.
    pub types: Vec<TypeSurface>,
    /// What `portone-client` offers for this spec.
    pub facade: crate::facade::FacadeSurface,
}

impl Surface {
    /// Normalizes `spec` with unstable operations, generates the client and reads its surface.
    ///
    /// ```no_run
    /// let spec = portone_openapi::Spec::from_path("portone-v2.openapi.json".as_ref())?;
    /// let surface = portone_review::surface::Surface::build(&spec)?;
    /// print!("{}", surface.text());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(spec: &Spec) -> Result<Surface, SurfaceError> {
        let normalized = normalize(spec, &Options::everything())?;
        let generated = generate(&normalized).map_err(SurfaceError::Generate)?;
        let moves = Moves::load().map_err(|problem| SurfaceError::Unexpected {
            item: "the moves file".into(),
            problem,
        })?;
        Surface::from_generated(&normalized, &generated, &spec.sha256, &moves)
    }

    /// Reads the surface of already generated code (`generated` must come from `normalized`),
    /// with the facade's deprecated aliases of `moves`.
    ///
    /// ```
    /// # let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
    /// #     "paths": {}, "components": {"schemas": {"A": {"type": "object", "properties": {}}}}});
    /// # let spec = portone_openapi::Spec::from_bytes(doc.to_string().as_bytes(), "inline")?;
    /// use portone_openapi::{codegen, normalize, Options};
    /// use portone_review::surface::Surface;
    /// let normalized = normalize(&spec, &Options::everything())?;
    /// let generated = codegen::generate(&normalized)?;
    /// let moves = portone_openapi::moves::Moves::default();
    /// let surface = Surface::from_generated(&normalized, &generated, &spec.sha256, &moves)?;
    /// assert!(surface.type_named("A").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_generated(
        normalized: &Normalized,
        generated: &Generated,
        spec_sha256: &str,
        moves: &Moves,
    ) -> Result<Surface, SurfaceError> {
        let model = &normalized.model;
        let open = open_types(model);
        let types_items = generated.types();
        if types_items.is_empty() {
            return unexpected("client.rs", "no `types` module");
        }
        let known = known_type_names(&open, types_items);
        let printer = TypePrinter { known: &known };
        let types = read_types(types_items, &printer, open)?;
        let (methods, client_fns) = read_client_methods(generated, &printer)?;
        let operations = read_operations(model, methods)?;
        let facade = crate::facade::FacadeSurface::from_generated(normalized, generated, moves)
            .or_else(|problem| unexpected("the portone-client facade", problem))?;
        Ok(Surface {
            facade,
            spec_version: model.info_version.clone(),
            spec_sha256: spec_sha256.to_owned(),
            client_fns,
            operations,
            types: types
                .into_iter()
                .map(|(name, kind)| TypeSurface { name, kind })
                .collect(),
        })
    }

    /// The manifest, one item a line, in a fixed order (header, client functions,
    /// operations by name, types by name with their fields, values or cases).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.header_line()];
        for f in &self.client_fns {
            lines.push(format!("client {}{}", f.name, f.render_params()));
        }
        lines.extend(self.operations.iter().map(OperationSurface::line));
        for ty in &self.types {
            ty.push_lines(&mut lines);
        }
        lines.extend(self.facade.lines());
        lines
    }

    /// The first line: spec version, start of its hash, and the counts.
    fn header_line(&self) -> String {
        let sha = self.spec_sha256.get(..12).unwrap_or(&self.spec_sha256);
        format!(
            "spec {} sha256:{sha} operations={} unstable={} types={}",
            self.spec_version,
            self.operations.len(),
            self.operations.iter().filter(|o| o.unstable).count(),
            self.types.len()
        )
    }

    /// The manifest as text (the lines of [`Surface::lines`], each ending with a newline).
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in self.lines() {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// Looks up a type by Rust name.
    pub fn type_named(&self, name: &str) -> Option<&TypeSurface> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.types[i])
    }

    /// Looks up an operation by Rust method name.
    pub fn operation(&self, rust_name: &str) -> Option<&OperationSurface> {
        self.operations
            .iter()
            .find(|o| o.signature.name == rust_name)
    }
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The open enums and unions of the model, which `portone-gen` writes itself (not progenitor).
fn open_types(model: &ApiModel) -> BTreeMap<String, TypeKind> {
    let mut open: BTreeMap<String, TypeKind> = BTreeMap::new();
    for e in &model.enums {
        let mut values: Vec<(String, String)> = e
            .values
            .iter()
            .map(|v| (v.value.clone(), v.variant.clone()))
            .collect();
        values.sort();
        open.insert(e.rust_name.clone(), TypeKind::Enum { values });
    }
    for u in &model.unions {
        let mut cases: Vec<CaseSurface> = u
            .cases
            .iter()
            .map(|c| CaseSurface {
                tag: c.tag.clone(),
                variant: c.variant.clone(),
                member: format!("types::{}", c.member_rust),
                member_keeps_tag: c.member_keeps_tag,
            })
            .collect();
        cases.sort_by(|a, b| a.tag.cmp(&b.tag));
        open.insert(
            u.rust_name.clone(),
            TypeKind::Union {
                property: u.property.clone(),
                cases,
            },
        );
    }
    open
}

/// The names of all generated types: the open ones and the items of the `types` module.
fn known_type_names(open: &BTreeMap<String, TypeKind>, items: &[syn::Item]) -> BTreeSet<String> {
    let mut known: BTreeSet<String> = open.keys().cloned().collect();
    for item in items {
        if let Some(name) = item_name(item) {
            known.insert(name);
        }
    }
    known
}

/// Every type of the `types` module, the `open` enums and unions included (progenitor must not
/// have generated them).
fn read_types(
    items: &[syn::Item],
    printer: &TypePrinter<'_>,
    open: BTreeMap<String, TypeKind>,
) -> Result<BTreeMap<String, TypeKind>, SurfaceError> {
    let mut types: BTreeMap<String, TypeKind> = BTreeMap::new();
    read_type_items(items, "", printer, &mut types)?;
    if let Some(name) = types.keys().find(|name| open.contains_key(*name)) {
        return unexpected(
            format!("types::{name}"),
            "generated by progenitor although it should be an open enum/union",
        );
    }
    for (name, kind) in open {
        types.insert(name, kind);
    }
    Ok(types)
}

/// The public methods of `Client`: the async ones (operations) by name, and the others
/// (constructors...) sorted by name.
fn read_client_methods(
    generated: &Generated,
    printer: &TypePrinter<'_>,
) -> Result<(BTreeMap<String, Signature>, Vec<Signature>), SurfaceError> {
    let mut methods: BTreeMap<String, Signature> = BTreeMap::new();
    let mut client_fns = Vec::new();
    for imp in generated.client_impls() {
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let sig = read_signature(&f.sig, printer)?;
            if f.sig.asyncness.is_some() {
                methods.insert(sig.name.clone(), sig);
            } else {
                client_fns.push(sig);
            }
        }
    }
    client_fns.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((methods, client_fns))
}

/// The operations of the model with their generated `methods` (each operation must have one,
/// and each method an operation), sorted by method name.
fn read_operations(
    model: &ApiModel,
    mut methods: BTreeMap<String, Signature>,
) -> Result<Vec<OperationSurface>, SurfaceError> {
    let mut operations = Vec::new();
    for op in &model.operations {
        let Some(signature) = methods.remove(&op.rust_name) else {
            return unexpected(
                format!("Client::{}", op.rust_name),
                "operation has no generated method",
            );
        };
        operations.push(operation_surface(op, signature)?);
    }
    if let Some(extra) = methods.keys().next() {
        return unexpected(
            format!("Client::{extra}"),
            "generated method matches no operation of the model",
        );
    }
    operations.sort_by(|a, b| a.signature.name.cmp(&b.signature.name));
    Ok(operations)
}

/// One operation and its generated method, checked against the model (return type, body
/// parameter).
fn operation_surface(
    op: &Operation,
    signature: Signature,
) -> Result<OperationSurface, SurfaceError> {
    let item = format!("Client::{}", op.rust_name);
    let success = match &op.success {
        SuccessBody::Json(schema) => format!("types::{}", rust_type_name(schema)),
        SuccessBody::Bytes(_) => "ByteStream".to_owned(),
        SuccessBody::Empty => "()".to_owned(),
    };
    let error = op
        .error_schema
        .as_deref()
        .map(|s| format!("types::{}", rust_type_name(s)));
    let expected_output = format!(
        "Result<ResponseValue<{success}>, Error<{}>>",
        error.as_deref().unwrap_or("()")
    );
    if signature.output != expected_output {
        return unexpected(
            item,
            format!(
                "returns {} but the model says {expected_output}",
                signature.output
            ),
        );
    }
    let body = op.body.as_ref().map(|b| BodySurface {
        type_name: format!("types::{}", rust_type_name(&b.schema)),
        in_query: op.body_in_query(),
        required: b.required,
    });
    if let Some(b) = &body {
        let expected = format!("&{}", b.type_name);
        if !signature
            .params
            .iter()
            .any(|(name, ty)| name == "body" && ty == &expected)
        {
            return unexpected(item, format!("has no parameter `body: {expected}`"));
        }
    }
    Ok(OperationSurface {
        id: op.id.clone(),
        method: op.method,
        path: op.path.clone(),
        signature,
        category: op.category.clone(),
        body,
        success,
        error,
        unstable: op.unstable,
        authenticated: op.authenticated,
    })
}

/// The items of `pub mod types` and the inherent `impl Client` blocks.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Reads the items of the `types` module (`prefix` is `""`) or of a public module inside it
/// (`prefix` is e.g. `"error::"`).
fn read_type_items(
    items: &[syn::Item],
    prefix: &str,
    printer: &TypePrinter<'_>,
    types: &mut BTreeMap<String, TypeKind>,
) -> Result<(), SurfaceError> {
    for item in items {
        if let syn::Item::Mod(m) = item
            && is_pub(&m.vis)
        {
            let Some((_, inner)) = &m.content else {
                return unexpected(
                    format!("types::{prefix}{}", m.ident),
                    "module without a body",
                );
            };
            read_type_items(inner, &format!("{prefix}{}::", m.ident), printer, types)?;
        } else if let Some((name, kind)) = read_type_item(item, printer)? {
            types.insert(format!("{prefix}{name}"), kind);
        }
    }
    Ok(())
}

/// Reads one item of the `types` module; `None` for items that add no surface of their own
/// (impls of std traits, private helpers).
fn read_type_item(
    item: &syn::Item,
    printer: &TypePrinter<'_>,
) -> Result<Option<(String, TypeKind)>, SurfaceError> {
    match item {
        syn::Item::Struct(s) if is_pub(&s.vis) => {
            Ok(Some((s.ident.to_string(), read_struct(s, printer)?)))
        }
        syn::Item::Enum(e) if is_pub(&e.vis) => {
            let variants = e
                .variants
                .iter()
                .map(|v| {
                    let mut v = v.clone();
                    v.attrs.retain(|a| !a.path().is_ident("doc"));
                    v.to_token_stream().to_string()
                })
                .collect();
            Ok(Some((
                e.ident.to_string(),
                TypeKind::ClosedEnum { variants },
            )))
        }
        syn::Item::Type(t) if is_pub(&t.vis) => {
            let name = t.ident.to_string();
            let target = printer.print(&t.ty, true, &format!("types::{name}"))?;
            Ok(Some((name, TypeKind::Alias { target })))
        }
        syn::Item::Impl(_) | syn::Item::Use(_) => Ok(None),
        syn::Item::Mod(m) if !is_pub(&m.vis) => Ok(None),
        syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_) | syn::Item::Fn(_) => {
            Ok(None)
        }
        other => unexpected(
            "types",
            format!(
                "unexpected item `{}`",
                other
                    .to_token_stream()
                    .to_string()
                    .chars()
                    .take(80)
                    .collect::<String>()
            ),
        ),
    }
}

/// Reads a public struct of the `types` module: one with named fields, an opaque or newtype
/// tuple struct, or a unit struct.
fn read_struct(s: &syn::ItemStruct, printer: &TypePrinter<'_>) -> Result<TypeKind, SurfaceError> {
    let location = format!("types::{}", s.ident);
    let default = derives(&s.attrs, &location)?.contains("Default");
    let serde = portone_openapi::codegen::serde_args(&s.attrs);
    match &s.fields {
        syn::Fields::Named(named) => {
            let mut fields = named
                .named
                .iter()
                .map(|field| read_field(field, &location, printer))
                .collect::<Result<Vec<_>, _>>()?;
            fields.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(TypeKind::Struct {
                default,
                serde,
                fields,
            })
        }
        syn::Fields::Unnamed(unnamed) if unnamed.unnamed.iter().all(|f| !is_pub(&f.vis)) => {
            Ok(TypeKind::Opaque)
        }
        syn::Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let field = &unnamed.unnamed[0];
            let inner = printer.print(&field.ty, true, &location)?;
            Ok(TypeKind::Newtype { inner })
        }
        syn::Fields::Unit if serde.is_empty() => Ok(TypeKind::Struct {
            default,
            serde,
            fields: vec![],
        }),
        _ => unexpected(location, "struct shape not understood"),
    }
}

/// Reads a named field of the struct at `location`: Rust and wire names, type, and the serde
/// attributes that change the wire format.
fn read_field(
    field: &syn::Field,
    location: &str,
    printer: &TypePrinter<'_>,
) -> Result<FieldSurface, SurfaceError> {
    let ident = field.ident.as_ref().expect("named field");
    let field_name = ident.to_string();
    let field_location = format!("{location}.{field_name}");
    if !is_pub(&field.vis) {
        return unexpected(field_location, "field is not public");
    }
    let ty = printer.print(&field.ty, true, &field_location)?;
    let mut wire = field_name.trim_start_matches("r#").to_owned();
    let mut default = false;
    let mut other = Vec::new();
    for entry in portone_openapi::codegen::serde_args(&field.attrs) {
        if let Some(rename) = entry.strip_prefix("rename = ") {
            wire = serde_json::from_str(rename).map_err(|_| SurfaceError::Unexpected {
                item: field_location.clone(),
                problem: format!("unreadable rename {rename}"),
            })?;
        } else if entry == "default" {
            default = true;
        } else if !entry.starts_with("skip_serializing_if") {
            other.push(entry);
        }
    }
    Ok(FieldSurface {
        name: field_name,
        wire,
        ty,
        default,
        serde: other,
    })
}

fn derives(attrs: &[syn::Attribute], location: &str) -> Result<BTreeSet<String>, SurfaceError> {
    let mut names = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .map_err(|e| SurfaceError::Unexpected {
                item: location.to_owned(),
                problem: format!("unreadable derive: {e}"),
            })?;
        for path in paths {
            if let Some(last) = path.segments.last() {
                names.insert(last.ident.to_string());
            }
        }
    }
    Ok(names)
}

fn read_signature(
    sig: &syn::Signature,
    printer: &TypePrinter<'_>,
) -> Result<Signature, SurfaceError> {
    let name = sig.ident.to_string();
    let location = format!("Client::{name}");
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(_) => {}
            syn::FnArg::Typed(pat) => {
                let syn::Pat::Ident(ident) = &*pat.pat else {
                    return unexpected(location, "parameter pattern is not an identifier");
                };
                let ty = printer.print(&pat.ty, false, &location)?;
                params.push((ident.ident.to_string(), ty));
            }
        }
    }
    let output = match &sig.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => printer.print(ty, false, &location)?,
    };
    Ok(Signature {
        name,
        params,
        output,
    })
}

const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
    "u128", "usize", "f32", "f64",
];

/// Prints Rust types compactly: std paths by their last segment (`Option<String>`), generated
/// types as `types::X`, other crates as `crate::X` (`chrono::DateTime<chrono::Utc>`), lifetimes
/// dropped (`&str`).
struct TypePrinter<'a> {
    /// Names of the generated types.
    known: &'a BTreeSet<String>,
}

impl TypePrinter<'_> {
    /// `in_types`: the type is written inside the `types` module, where a bare name is a
    /// generated type.
    fn print(
        &self,
        ty: &syn::Type,
        in_types: bool,
        location: &str,
    ) -> Result<String, SurfaceError> {
        let mut out = String::new();
        self.write(ty, in_types, location, &mut out)?;
        Ok(out)
    }

    fn write(
        &self,
        ty: &syn::Type,
        in_types: bool,
        location: &str,
        out: &mut String,
    ) -> Result<(), SurfaceError> {
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => {
                self.write_path(&p.path, in_types, location, out)
            }
            syn::Type::Reference(r) => {
                out.push('&');
                if r.mutability.is_some() {
                    out.push_str("mut ");
                }
                self.write(&r.elem, in_types, location, out)
            }
            syn::Type::Tuple(t) => {
                out.push('(');
                for (i, elem) in t.elems.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write(elem, in_types, location, out)?;
                }
                out.push(')');
                Ok(())
            }
            syn::Type::Slice(s) => {
                out.push('[');
                self.write(&s.elem, in_types, location, out)?;
                out.push(']');
                Ok(())
            }
            syn::Type::Paren(p) => self.write(&p.elem, in_types, location, out),
            syn::Type::Group(g) => self.write(&g.elem, in_types, location, out),
            other => unexpected(
                location,
                format!("type `{}` not understood", other.to_token_stream()),
            ),
        }
    }

    fn write_path(
        &self,
        path: &syn::Path,
        in_types: bool,
        location: &str,
        out: &mut String,
    ) -> Result<(), SurfaceError> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let last = segments.last().expect("a path has a segment").clone();
        let head: Vec<&str> = segments[..segments.len() - 1]
            .iter()
            .map(String::as_str)
            .collect();
        let printed = match head.as_slice() {
            [] if in_types && self.known.contains(&last) => format!("types::{last}"),
            [] if in_types
                && !PRIMITIVES.contains(&last.as_str())
                && !matches!(last.as_str(), "Self" | "Option" | "Vec" | "String" | "Box") =>
            {
                return unexpected(location, format!("unknown type `{last}`"));
            }
            [] => last.clone(),
            ["crate", "types"] | ["types"] | ["super"] | ["self"] => {
                if !self.known.contains(&last) {
                    return unexpected(location, format!("unknown generated type `{last}`"));
                }
                format!("types::{last}")
            }
            [first, ..] if matches!(*first, "std" | "core" | "alloc") => last.clone(),
            [first, ..] => format!("{first}::{last}"),
        };
        out.push_str(&printed);
        let last_segment = path.segments.last().expect("a path has a segment");
        match &last_segment.arguments {
            syn::PathArguments::None => {}
            syn::PathArguments::AngleBracketed(args) => {
                let mut first = true;
                for arg in &args.args {
                    let syn::GenericArgument::Type(ty) = arg else {
                        continue; // lifetimes
                    };
                    out.push_str(if first { "<" } else { ", " });
                    first = false;
                    self.write(ty, in_types, location, out)?;
                }
                if !first {
                    out.push('>');
                }
            }
            syn::PathArguments::Parenthesized(_) => {
                return unexpected(location, "function-like type arguments not understood");
            }
        }
        for segment in &path.segments {
            if !segment.arguments.is_none() && segment.ident != last_segment.ident {
                return unexpected(location, "generic arguments in the middle of a path");
            }
        }
        Ok(())
    }
}
