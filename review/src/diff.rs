//! Semantic diff of two specs, classified for users of `portone-client`.
//!
//! Both specs are normalized (unstable operations included) and generated, and compared as
//! users see them: operations by Rust method name (an `operationId` that changes only in case
//! is the same method), their facade group, arguments, setters and stream; component schemas
//! by name, object fields by JSON name with their generated Rust types, enum values, union
//! cases by tag, union accessors. Spec prose (titles, descriptions, examples) is ignored.
//!
//! Every [`Change`] is [`Class::Breaking`] (code that compiles against the old `portone-client`
//! may not compile, or may silently mean something else, against the new one) or
//! [`Class::Additive`] (existing code keeps compiling and working). A change in a schema no
//! operation uses is marked [`Change::unused`] and counted apart. The rules:
//!
//! | change | class |
//! |---|---|
//! | operation added; union case / enum value added (open types, `#[non_exhaustive]`) | additive |
//! | operation removed or renamed; schema, field, enum value or union case removed | breaking |
//! | `operationId` changed only in case (same Rust method) | additive |
//! | facade group changed (`x-portone-category`): the method moves | breaking; additive when the move is recorded and the old path stays as a deprecated alias |
//! | stream method lost (no longer a recognized list) / gained | breaking / additive |
//! | union accessor removed or its type changed / added | breaking / additive |
//! | optional query/header parameter added (a new setter of the request builder) | additive |
//! | required parameter added; parameter removed; its Rust type or requiredness changed | breaking |
//! | request body / success / error type changed, added or removed | breaking |
//! | path template, HTTP method, body placement (`requestBody` query), auth changed | additive (wire only) |
//! | operation became `x-portone-unstable` (now behind the `unstable` feature) / became stable | breaking / additive |
//! | field or parameter type changed so that its Rust type changes | breaking |
//! | field or parameter spec type changed, same Rust type (`nullable`, `default`, constraints) | additive |
//! | field added: required in a request type | breaking |
//! | field added: optional, or in a response-only type | additive |
//! | field requiredness changed so that its Rust type changes (`Option<T>` <-> `T`) | breaking |
//! | request field became required (even an array that stays `Vec<T>`) | breaking |
//! | field requiredness changed otherwise (same Rust type) | additive |
//! | union member, discriminator property changed | breaking |
//! | object gained its first field or lost its last one (map newtype <-> struct) | breaking |

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::{self, Write as _};

use serde_json::{Map, Value};

use portone_openapi::codegen::generate;
use portone_openapi::moves::Moves;
use portone_openapi::{ApiModel, HttpMethod, Operation, SuccessBody};
use portone_openapi::{NormalizeError, Normalized, Options, Spec, normalize, rust_type_name};

use crate::facade::{Call, FacadeSurface};
use crate::surface::{Surface, TypeKind};

use portone_openapi::refs::component_of;

/// How a change affects Rust SDK users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code written against the old client may stop compiling or change meaning.
    Breaking,
    /// Existing code keeps compiling and working (new items, wire-only changes).
    Additive,
}

/// What happened to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It exists on both sides but differs.
    Changed,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// An operation (a method of `Client`).
    Operation {
        /// `operationId`.
        id: String,
        /// Rust method name.
        rust_name: String,
        /// HTTP method (of the new side when it exists, else the old).
        method: HttpMethod,
        /// Path template (same rule).
        path: String,
        /// Whether it is `x-portone-unstable` (same rule).
        unstable: bool,
    },
    /// A component schema (a type of `types`).
    Schema {
        /// Component name.
        name: String,
    },
    /// A property of an object schema; nested inline objects are `outer.inner`, array items
    /// `outer[].inner`.
    Field {
        /// Component name.
        schema: String,
        /// JSON property path.
        field: String,
    },
    /// A value of a string enum.
    EnumValue {
        /// Component name.
        schema: String,
        /// Wire value.
        value: String,
    },
    /// A case of a discriminated union.
    UnionCase {
        /// Component name.
        schema: String,
        /// Discriminator value.
        tag: String,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Operation {
                rust_name,
                method,
                path,
                unstable,
                ..
            } => {
                write!(f, "`{rust_name}` (`{} {path}`)", method.as_str())?;
                if *unstable {
                    f.write_str(" *unstable*")?;
                }
                Ok(())
            }
            Subject::Schema { name } => write!(f, "`{name}`"),
            Subject::Field { schema, field } => write!(f, "`{schema}.{field}`"),
            Subject::EnumValue { schema, value } => write!(f, "`{schema}::{value}`"),
            Subject::UnionCase { schema, tag } => write!(f, "`{schema}` case `{tag}`"),
        }
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// Breaking or additive.
    pub class: Class,
    /// What changed.
    pub subject: Subject,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What exactly (e.g. ``type `string` -> `integer(int64)` ``); empty for plain additions
    /// and removals.
    pub detail: String,
    /// The schema it concerns is used by no operation of either spec (a type nobody sends or
    /// receives); such changes are counted apart and never fail `--fail-on-breaking`.
    pub unused: bool,
}

impl Subject {
    /// The component schema the subject belongs to (none for operations).
    pub fn schema(&self) -> Option<&str> {
        match self {
            Subject::Operation { .. } => None,
            Subject::Schema { name } => Some(name),
            Subject::Field { schema, .. }
            | Subject::EnumValue { schema, .. }
            | Subject::UnionCase { schema, .. } => Some(schema),
        }
    }

    /// Whether the subject is an `x-portone-unstable` operation.
    pub fn is_unstable(&self) -> bool {
        matches!(self, Subject::Operation { unstable: true, .. })
    }
}

/// Which spec a side of the diff is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecInfo {
    /// `info.version`.
    pub version: String,
    /// Hex sha256 of the bytes.
    pub sha256: String,
}

/// The classified differences between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDiff {
    /// The old spec.
    pub old: SpecInfo,
    /// The new spec.
    pub new: SpecInfo,
    /// Every change, sorted by class (breaking first), then subject.
    pub changes: Vec<Change>,
    /// Operations whose facade method moved to another group: (method, old
    /// `x-portone-category`), whether or not an alias keeps the old path.
    pub moved: Vec<(String, String)>,
}

/// Why two specs could not be compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// The normalizer rejected one of the specs.
    #[error("cannot normalize the {side} spec {origin}: {source}")]
    Normalize {
        /// `old` or `new`.
        side: &'static str,
        /// Where the spec came from.
        origin: String,
        /// What the normalizer did not understand.
        source: NormalizeError,
    },
    /// The generator failed on one of the specs.
    #[error("cannot generate the client of the {side} spec {origin}: {message}")]
    Generate {
        /// `old` or `new`.
        side: &'static str,
        /// Where the spec came from.
        origin: String,
        /// What failed.
        message: String,
    },
    /// The moves file could not be read.
    #[error("{0}")]
    Moves(String),
}

/// Compares two specs (each normalized with unstable operations and generated, so that changes
/// are judged by the Rust types and the facade users see), with the deprecated aliases of the
/// committed moves file (`portone_openapi::moves`).
///
/// ```
/// use portone_openapi::Spec;
/// use portone_review::diff::{diff_specs, Class};
/// let doc = |values: &str| format!(r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}},
///     "paths": {{}}, "components": {{"schemas": {{"Status": {{"type": "string", "enum": [{values}]}}}}}}}}"#);
/// let old = Spec::from_bytes(doc(r#""PAID""#).as_bytes(), "old")?;
/// let new = Spec::from_bytes(doc(r#""PAID", "REFUNDED""#).as_bytes(), "new")?;
/// let diff = diff_specs(&old, &new)?;
/// assert_eq!(diff.changes.len(), 1);
/// assert_eq!(diff.changes[0].class, Class::Additive);
/// // No operation uses `Status` in these specs: the change is counted apart.
/// assert!(diff.changes[0].unused && diff.count_unused() == 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff_specs(old: &Spec, new: &Spec) -> Result<SpecDiff, DiffError> {
    let moves = Moves::load().map_err(DiffError::Moves)?;
    diff_specs_with(old, new, &moves)
}

/// [`diff_specs`] with the given moves instead of the committed ones.
pub fn diff_specs_with(old: &Spec, new: &Spec, moves: &Moves) -> Result<SpecDiff, DiffError> {
    let options = Options::everything();
    let build = |side: &'static str, spec: &Spec| -> Result<(Normalized, Surface), DiffError> {
        let normalized = normalize(spec, &options).map_err(|source| DiffError::Normalize {
            side,
            origin: spec.origin.clone(),
            source,
        })?;
        let generate_error = |message: String| DiffError::Generate {
            side,
            origin: spec.origin.clone(),
            message,
        };
        let generated = generate(&normalized).map_err(generate_error)?;
        let surface = Surface::from_generated(&normalized, &generated, &spec.sha256, moves)
            .map_err(|e| generate_error(e.to_string()))?;
        Ok((normalized, surface))
    };
    let (old_n, old_s) = build("old", old)?;
    let (new_n, new_s) = build("new", new)?;
    let mut cx = Differ {
        old: Side::new(&old_n, &old_s),
        new: Side::new(&new_n, &new_s),
        changes: Vec::new(),
        moved: Vec::new(),
    };
    cx.operations();
    cx.schemas();
    cx.accessors();
    let mut changes = cx.changes;
    for change in &mut changes {
        change.unused = change
            .subject
            .schema()
            .is_some_and(|name| !cx.old.used.contains(name) && !cx.new.used.contains(name));
    }
    changes.sort();
    changes.dedup();
    Ok(SpecDiff {
        old: SpecInfo {
            version: old_n.model.info_version.clone(),
            sha256: old.sha256.clone(),
        },
        new: SpecInfo {
            version: new_n.model.info_version.clone(),
            sha256: new.sha256.clone(),
        },
        changes,
        moved: cx.moved,
    })
}

impl SpecDiff {
    /// Number of changes of a class, not counting those in types no operation uses.
    pub fn count(&self, class: Class) -> usize {
        self.changes
            .iter()
            .filter(|c| c.class == class && !c.unused)
            .count()
    }

    /// Number of changes in types no operation uses (see [`Change::unused`]).
    pub fn count_unused(&self) -> usize {
        self.changes.iter().filter(|c| c.unused).count()
    }

    /// Whether any change breaks code written against `portone-client` (changes in types no
    /// operation uses do not count).
    pub fn is_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    /// The summary line, `N breaking, M additive` (and the changes in unused types, if any).
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} breaking, {} additive",
            self.count(Class::Breaking),
            self.count(Class::Additive)
        );
        let unused = self.count_unused();
        if unused > 0 {
            text.push_str(&format!(", {unused} in types no operation uses"));
        }
        text
    }

    /// The whole report, in Markdown (see [`crate::report`]).
    pub fn to_markdown(&self) -> String {
        crate::report::render(self)
    }

    /// The report cut to at most `max_chars` characters for a pull-request description: long
    /// lists are shortened, saying how many items the full report (named `full_report`) has.
    pub fn to_markdown_within(&self, max_chars: usize, full_report: &str) -> String {
        crate::report::render_within(self, max_chars, full_report)
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_markdown())
    }
}

/// What the diff knows about one property of an object schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// In the schema's `required` list.
    pub required: bool,
    /// Canonical description of the type (`string(date-time)`, `[Payment]`, `map<string>`,
    /// `{...}` for an inline object whose fields are listed separately).
    pub descriptor: String,
    /// Whether the generated Rust field is `Option<T>` (typify: optional and not an array,
    /// map or free-form object, which get an empty default instead).
    pub rust_option: bool,
}

/// The properties of an object schema, nested inline objects flattened to `a.b` and array
/// items to `a[].b`.
///
/// ```
/// let schema = serde_json::json!({"type": "object", "required": ["id"], "properties": {
///     "id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}});
/// let fields = portone_review::diff::object_fields(&schema);
/// assert!(!fields["id"].rust_option);
/// assert_eq!(fields["tags"].descriptor, "[string]");
/// assert!(!fields["tags"].rust_option && !fields["tags"].required);
/// ```
pub fn object_fields(schema: &Value) -> BTreeMap<String, FieldInfo> {
    let mut out = BTreeMap::new();
    collect_fields(schema, "", &mut out);
    out
}

fn collect_fields(schema: &Value, prefix: &str, out: &mut BTreeMap<String, FieldInfo>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: HashSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        let path = format!("{prefix}{name}");
        let required = required.contains(name.as_str());
        let descriptor = describe(prop);
        // typify gives arrays, maps and free-form objects an empty default instead of `Option`.
        let defaults_empty = descriptor.starts_with('[')
            || descriptor.starts_with("map<")
            || descriptor.starts_with("object");
        let nullable = prop.get("nullable").and_then(Value::as_bool) == Some(true);
        out.insert(
            path.clone(),
            FieldInfo {
                required,
                descriptor,
                rust_option: nullable || (!required && !defaults_empty),
            },
        );
        nested_fields(prop, &path, out);
    }
}

fn nested_fields(prop: &Value, path: &str, out: &mut BTreeMap<String, FieldInfo>) {
    if prop.get("$ref").is_some() {
        return;
    }
    match prop.get("type").and_then(Value::as_str) {
        Some("object") => collect_fields(prop, &format!("{path}."), out),
        Some("array") => {
            if let Some(items) = prop.get("items") {
                if items.get("properties").is_some() && items.get("$ref").is_none() {
                    collect_fields(items, &format!("{path}[]."), out);
                } else {
                    nested_fields(items, &format!("{path}[]"), out);
                }
            }
        }
        _ => {}
    }
}

/// Keywords that do not change the generated types.
const PROSE: &[&str] = &["title", "description", "example", "deprecated"];

/// Canonical type description of a schema (prose and `x-` extensions ignored).
fn describe(schema: &Value) -> String {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = component_of(target).unwrap_or(target);
        // The normalizer turns every inline date-time into a reference to one component.
        if name == portone_openapi::normalize::TIMESTAMP_COMPONENT {
            return "string(date-time)".to_owned();
        }
        return name.to_owned();
    }
    let Some(obj) = schema.as_object() else {
        return format!("{schema}");
    };
    let ty = obj.get("type").and_then(Value::as_str);
    let mut text = match ty {
        Some("array") => format!("[{}]", obj.get("items").map_or("any".into(), describe)),
        Some("object") => match obj.get("additionalProperties") {
            Some(Value::Object(inner)) => {
                format!("map<{}>", describe(&Value::Object(inner.clone())))
            }
            Some(Value::Bool(true)) => "map<any>".to_owned(),
            _ if obj
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty()) =>
            {
                "{...}".to_owned()
            }
            _ => "object".to_owned(),
        },
        Some(other) => match obj.get("format").and_then(Value::as_str) {
            Some(format) => format!("{other}({format})"),
            None => other.to_owned(),
        },
        None => "any".to_owned(),
    };
    let constraints: Vec<String> = obj
        .iter()
        .filter(|(k, _)| {
            !k.starts_with("x-")
                && !PROSE.contains(&k.as_str())
                && !matches!(
                    k.as_str(),
                    "type"
                        | "format"
                        | "items"
                        | "properties"
                        | "required"
                        | "additionalProperties"
                )
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !constraints.is_empty() {
        let _ = write!(text, "{{{}}}", constraints.join(", "));
    }
    text
}

fn refs_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(obj) => {
            for (k, v) in obj {
                if k == "$ref" {
                    if let Some(name) = v.as_str().and_then(component_of) {
                        out.insert(name.to_owned());
                    }
                } else if k == "mapping" {
                    // discriminator mappings repeat the oneOf members
                    for target in v.as_object().into_iter().flat_map(|m| m.values()) {
                        if let Some(name) = target.as_str().and_then(component_of) {
                            out.insert(name.to_owned());
                        }
                    }
                } else {
                    refs_in(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Parameters of an operation: `(in, name)` -> (required, descriptor).
type Params = BTreeMap<(String, String), (bool, String)>;

/// One side of the diff, with the lookups the comparison needs.
struct Side<'a> {
    model: &'a ApiModel,
    schemas: &'a Map<String, Value>,
    paths: &'a Map<String, Value>,
    /// Schemas reachable from request bodies and parameters (the others only come back in
    /// responses and errors).
    input: BTreeSet<String>,
    /// Schemas reachable from any operation.
    used: BTreeSet<String>,
    /// The generated Rust types and the facade.
    surface: &'a Surface,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Side<'a> {
    fn new(n: &'a Normalized, surface: &'a Surface) -> Side<'a> {
        let schemas = n
            .spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let paths = n
            .spec
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let mut input_roots = BTreeSet::new();
        let mut used_roots = BTreeSet::new();
        for item in paths.values().filter_map(Value::as_object) {
            for (key, op) in item {
                if HttpMethod::parse(key).is_none() {
                    if key == "parameters" {
                        refs_in(op, &mut input_roots);
                    }
                    continue;
                }
                refs_in(op, &mut used_roots);
                for part in ["requestBody", "parameters"] {
                    if let Some(v) = op.get(part) {
                        refs_in(v, &mut input_roots);
                    }
                }
            }
        }
        used_roots.extend(input_roots.iter().cloned());
        Side {
            model: &n.model,
            schemas,
            paths,
            input: closure(schemas, input_roots),
            used: closure(schemas, used_roots),
            surface,
        }
    }

    fn operation_json(&self, op: &Operation) -> Option<&'a Value> {
        self.paths
            .get(&op.path)?
            .get(op.method.as_str().to_ascii_lowercase())
    }

    /// Parameters of an operation: `(in, name)` -> (required, descriptor).
    fn params(&self, op: &Operation) -> Params {
        let mut out = BTreeMap::new();
        let shared = self
            .paths
            .get(&op.path)
            .and_then(|item| item.get("parameters"))
            .and_then(Value::as_array);
        let own = self
            .operation_json(op)
            .and_then(|o| o.get("parameters"))
            .and_then(Value::as_array);
        for param in shared.into_iter().chain(own).flatten() {
            let place = param.get("in").and_then(Value::as_str).unwrap_or_default();
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            let descriptor = param.get("schema").map_or("any".to_owned(), describe);
            out.insert((place.to_owned(), name.to_owned()), (required, descriptor));
        }
        out
    }

    fn kind(&self, name: &str) -> &'static str {
        let Some(schema) = self.schemas.get(name) else {
            return "missing";
        };
        if schema.get("oneOf").is_some() {
            "union"
        } else if schema.get("enum").is_some() {
            "enum"
        } else if schema.get("type").and_then(Value::as_str) == Some("object")
            && schema
                .get("additionalProperties")
                .is_none_or(|a| !a.is_object() && a != &Value::Bool(true))
        {
            "object"
        } else {
            "other"
        }
    }

    fn is_input(&self, name: &str) -> bool {
        self.input.contains(name)
    }

    fn facade(&self) -> &'a FacadeSurface {
        &self.surface.facade
    }

    /// The generated Rust type of a top-level field (`None` for nested paths or non-structs).
    fn rust_field(&self, schema: &str, path: &str) -> Option<&'a str> {
        if path.contains('.') || path.contains("[]") {
            return None;
        }
        match &self.surface.type_named(&rust_type_name(schema))?.kind {
            TypeKind::Struct { fields, .. } => fields
                .iter()
                .find(|f| f.wire == path)
                .map(|f| f.ty.as_str()),
            _ => None,
        }
    }

    /// The generated shape of a type, as its manifest line shows it.
    fn rust_kind(&self, schema: &str) -> Option<&'a TypeKind> {
        Some(&self.surface.type_named(&rust_type_name(schema))?.kind)
    }

    /// The Rust type of a facade argument or setter of `method` named `name`.
    fn rust_param(&self, method: &str, name: &str) -> Option<&'a str> {
        let call: &Call = self.facade().calls.get(method)?;
        call.arguments
            .iter()
            .chain(&call.setters)
            .find(|(n, _)| n == name)
            .map(|(_, ty)| ty.as_str())
    }
}

fn closure(schemas: &Map<String, Value>, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            let mut refs = BTreeSet::new();
            refs_in(schema, &mut refs);
            stack.extend(refs.into_iter().filter(|r| !seen.contains(r)));
        }
    }
    seen
}

fn success_text(s: &SuccessBody) -> String {
    match s {
        SuccessBody::Json(schema) => format!("`{schema}`"),
        SuccessBody::Bytes(media) => format!("bytes ({media})"),
        SuccessBody::Empty => "no body".to_owned(),
    }
}

fn opt_text(value: Option<&str>) -> String {
    value.map_or("none".to_owned(), |v| format!("`{v}`"))
}

struct Differ<'a> {
    old: Side<'a>,
    new: Side<'a>,
    changes: Vec<Change>,
    moved: Vec<(String, String)>,
}

impl Differ<'_> {
    fn push(
        &mut self,
        class: Class,
        subject: Subject,
        kind: ChangeKind,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            class,
            subject,
            kind,
            detail: detail.into(),
            unused: false,
        });
    }

    /// Operations are matched by their Rust method name, which is what users call: an
    /// `operationId` that changes only in case (`PayInstantly` -> `payInstantly`) is the same
    /// method, compared like any other.
    fn operations(&mut self) {
        let by_method = |model: &'_ ApiModel| -> BTreeMap<String, Operation> {
            model
                .operations
                .iter()
                .map(|o| (o.rust_name.clone(), o.clone()))
                .collect()
        };
        let old_ops = by_method(self.old.model);
        let new_ops = by_method(self.new.model);
        let subject = |op: &Operation| Subject::Operation {
            id: op.id.clone(),
            rust_name: op.rust_name.clone(),
            method: op.method,
            path: op.path.clone(),
            unstable: op.unstable,
        };
        for (name, op) in &old_ops {
            if !new_ops.contains_key(name) {
                let renamed = new_ops.values().find(|n| {
                    n.method == op.method
                        && n.path == op.path
                        && !old_ops.contains_key(&n.rust_name)
                });
                let detail = match renamed {
                    Some(n) => format!("renamed to `{}`", n.rust_name),
                    None => String::new(),
                };
                self.push(Class::Breaking, subject(op), ChangeKind::Removed, detail);
            }
        }
        for (name, op) in &new_ops {
            let Some(old) = old_ops.get(name) else {
                self.push(Class::Additive, subject(op), ChangeKind::Added, "");
                continue;
            };
            self.operation(old, op, subject(op));
            self.facade_call(name, subject(op));
        }
    }

    /// What the facade shows of an operation on both sides: its group and its stream.
    fn facade_call(&mut self, method: &str, subject: Subject) {
        let (Some(old), Some(new)) = (
            self.old.facade().calls.get(method),
            self.new.facade().calls.get(method),
        ) else {
            return;
        };
        let (old, new) = (old.clone(), new.clone());
        let accessors = |group: &[String]| -> String {
            let mut text = String::from("portone");
            for g in group {
                text.push_str(&format!(".{g}()"));
            }
            text
        };
        if old.group != new.group {
            self.moved.push((method.to_owned(), old.category.clone()));
            let (from, to) = (accessors(&old.group), accessors(&new.group));
            if self.new.facade().reachable_at(method, &old.group) {
                self.push(
                    Class::Additive,
                    subject.clone(),
                    ChangeKind::Changed,
                    format!(
                        "moved from `{from}` to `{to}` (category `{}` -> `{}`); the old path \
                         stays as a deprecated alias",
                        old.category, new.category
                    ),
                );
            } else {
                self.push(
                    Class::Breaking,
                    subject.clone(),
                    ChangeKind::Changed,
                    format!(
                        "moved from `{from}` to `{to}` (category `{}` -> `{}`): callers must \
                         change; `cargo xtask update-spec` records the move to keep a \
                         deprecated alias",
                        old.category, new.category
                    ),
                );
            }
        }
        match (&old.stream, &new.stream) {
            (Some(stream), None) => self.push(
                Class::Breaking,
                subject,
                ChangeKind::Changed,
                format!(
                    "stream method `{}` removed (no longer recognized as a list operation)",
                    stream.method
                ),
            ),
            (None, Some(stream)) => self.push(
                Class::Additive,
                subject,
                ChangeKind::Changed,
                format!("stream method `{}` added", stream.method),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                Class::Breaking,
                subject,
                ChangeKind::Changed,
                format!(
                    "stream `{}` of `{}` -> `{}` of `{}`",
                    a.method, a.item, b.method, b.item
                ),
            ),
            _ => {}
        }
    }

    /// Union accessors: one that disappears breaks its callers.
    fn accessors(&mut self) {
        let old = self.old.facade().accessors.clone();
        let new = self.new.facade().accessors.clone();
        for ((union, method), returns) in &old {
            let schema = self
                .old
                .model
                .unions
                .iter()
                .find(|u| &u.rust_name == union)
                .map_or_else(|| union.clone(), |u| u.name.clone());
            if !self.new.schemas.contains_key(&schema) {
                continue; // reported as the union's removal
            }
            let subject = Subject::Schema { name: schema };
            match new.get(&(union.clone(), method.clone())) {
                None => self.push(
                    Class::Breaking,
                    subject,
                    ChangeKind::Changed,
                    format!("accessor `{method}()` removed"),
                ),
                Some(now) if now != returns => self.push(
                    Class::Breaking,
                    subject,
                    ChangeKind::Changed,
                    format!("accessor `{method}()` returns `{returns}` -> `{now}`"),
                ),
                Some(_) => {}
            }
        }
        for (union, method) in new.keys() {
            if old.contains_key(&(union.clone(), method.clone())) {
                continue;
            }
            let Some(schema) = self
                .new
                .model
                .unions
                .iter()
                .find(|u| &u.rust_name == union)
                .map(|u| u.name.clone())
            else {
                continue;
            };
            if self.old.schemas.contains_key(&schema) {
                self.push(
                    Class::Additive,
                    Subject::Schema { name: schema },
                    ChangeKind::Changed,
                    format!("accessor `{method}()` added"),
                );
            }
        }
    }

    /// Compares an operation that exists on both sides, one aspect after the other.
    fn operation(&mut self, old: &Operation, new: &Operation, subject: Subject) {
        let mut op = OperationDiff {
            differ: self,
            old,
            new,
            subject,
        };
        op.identity();
        op.parameters();
        op.request_body();
        op.responses();
        op.category();
        op.credentials();
        op.stability();
    }

    fn schemas(&mut self) {
        let old_names: BTreeSet<&String> = self.old.schemas.keys().collect();
        let new_names: BTreeSet<&String> = self.new.schemas.keys().collect();
        for name in old_names.difference(&new_names) {
            self.push(
                Class::Breaking,
                Subject::Schema {
                    name: (*name).clone(),
                },
                ChangeKind::Removed,
                "",
            );
        }
        for name in new_names.difference(&old_names) {
            self.push(
                Class::Additive,
                Subject::Schema {
                    name: (*name).clone(),
                },
                ChangeKind::Added,
                "",
            );
        }
        for name in old_names.intersection(&new_names) {
            self.schema(name);
        }
    }

    fn schema(&mut self, name: &str) {
        let (old_kind, new_kind) = (self.old.kind(name), self.new.kind(name));
        let subject = Subject::Schema {
            name: name.to_owned(),
        };
        if old_kind != new_kind {
            self.push(
                Class::Breaking,
                subject,
                ChangeKind::Changed,
                format!("{old_kind} -> {new_kind}"),
            );
            return;
        }
        let (old, new) = (&self.old.schemas[name], &self.new.schemas[name]);
        match new_kind {
            "object" => self.object(name, old, new),
            "enum" => self.string_enum(name),
            "union" => self.union(name),
            _ => {
                let (a, b) = (describe(old), describe(new));
                if a != b {
                    let same_rust = matches!(
                        (self.old.rust_kind(name), self.new.rust_kind(name)),
                        (Some(x), Some(y)) if x == y
                    );
                    let (class, detail) = if same_rust {
                        (
                            Class::Additive,
                            format!("type `{a}` -> `{b}` (the same Rust type)"),
                        )
                    } else {
                        (Class::Breaking, format!("type `{a}` -> `{b}`"))
                    };
                    self.push(class, subject, ChangeKind::Changed, detail);
                }
            }
        }
    }

    /// Compares an object schema that exists on both sides: its shape, then field by field.
    fn object(&mut self, name: &str, old: &Value, new: &Value) {
        let old_fields = object_fields(old);
        let new_fields = object_fields(new);
        if old_fields.is_empty() != new_fields.is_empty() {
            self.push(
                Class::Breaking,
                Subject::Schema {
                    name: name.to_owned(),
                },
                ChangeKind::Changed,
                if old_fields.is_empty() {
                    "was an object without properties (a newtype over a JSON map), now a struct with fields"
                } else {
                    "lost all its properties: now a newtype over a JSON map instead of a struct"
                },
            );
            return;
        }
        let input = self.old.is_input(name) || self.new.is_input(name);
        let mut fields = ObjectDiff {
            differ: self,
            schema: name,
            input,
        };
        fields.removed_fields(&old_fields, &new_fields);
        fields.added_or_changed_fields(&old_fields, &new_fields);
    }

    fn string_enum(&mut self, name: &str) {
        let values = |model: &ApiModel| -> BTreeSet<String> {
            model
                .enums
                .iter()
                .find(|e| e.name == name)
                .map(|e| e.values.iter().map(|v| v.value.clone()).collect())
                .unwrap_or_default()
        };
        let (old, new) = (values(self.old.model), values(self.new.model));
        for value in old.difference(&new) {
            self.push(
                Class::Breaking,
                Subject::EnumValue {
                    schema: name.to_owned(),
                    value: value.clone(),
                },
                ChangeKind::Removed,
                "",
            );
        }
        for value in new.difference(&old) {
            self.push(
                Class::Additive,
                Subject::EnumValue {
                    schema: name.to_owned(),
                    value: value.clone(),
                },
                ChangeKind::Added,
                "",
            );
        }
    }

    fn union(&mut self, name: &str) {
        let find = |model: &ApiModel| model.unions.iter().find(|u| u.name == name).cloned();
        let (Some(old), Some(new)) = (find(self.old.model), find(self.new.model)) else {
            return;
        };
        if old.property != new.property {
            self.push(
                Class::Breaking,
                Subject::Schema {
                    name: name.to_owned(),
                },
                ChangeKind::Changed,
                format!(
                    "discriminator property `{}` -> `{}`",
                    old.property, new.property
                ),
            );
        }
        let cases = |u: &portone_openapi::Union| -> BTreeMap<String, String> {
            u.cases
                .iter()
                .map(|c| (c.tag.clone(), c.member.clone()))
                .collect()
        };
        let (old_cases, new_cases) = (cases(&old), cases(&new));
        let subject = |tag: &str| Subject::UnionCase {
            schema: name.to_owned(),
            tag: tag.to_owned(),
        };
        for (tag, member) in &old_cases {
            match new_cases.get(tag) {
                None => self.push(
                    Class::Breaking,
                    subject(tag),
                    ChangeKind::Removed,
                    format!("`{member}`"),
                ),
                Some(new_member) if new_member != member => self.push(
                    Class::Breaking,
                    subject(tag),
                    ChangeKind::Changed,
                    format!("member `{member}` -> `{new_member}`"),
                ),
                Some(_) => {}
            }
        }
        for (tag, member) in &new_cases {
            if !old_cases.contains_key(tag) {
                self.push(
                    Class::Additive,
                    subject(tag),
                    ChangeKind::Added,
                    format!("`{member}`"),
                );
            }
        }
    }
}

/// An operation that exists on both sides, compared aspect by aspect; every change it finds
/// is a [`ChangeKind::Changed`] of `subject`.
struct OperationDiff<'d, 'a> {
    differ: &'d mut Differ<'a>,
    old: &'d Operation,
    new: &'d Operation,
    subject: Subject,
}

impl OperationDiff<'_, '_> {
    /// Records a change of the operation.
    fn changed(&mut self, class: Class, detail: String) {
        self.differ
            .push(class, self.subject.clone(), ChangeKind::Changed, detail);
    }

    /// Wire identity: `operationId`, HTTP method and path template.
    fn identity(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.id != new.id {
            self.changed(
                Class::Additive,
                format!(
                    "operationId `{}` -> `{}` (the same Rust method)",
                    old.id, new.id
                ),
            );
        }
        if old.method != new.method {
            self.changed(
                Class::Additive,
                format!(
                    "HTTP method {} -> {}",
                    old.method.as_str(),
                    new.method.as_str()
                ),
            );
        }
        if old.path != new.path {
            self.changed(
                Class::Additive,
                format!("path `{}` -> `{}`", old.path, new.path),
            );
        }
    }

    /// Parameters: the number of path parameters, then each parameter removed, changed or
    /// added.
    fn parameters(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.path_params.len() != new.path_params.len() {
            self.changed(
                Class::Breaking,
                format!(
                    "path parameters {:?} -> {:?} (the facade arguments change)",
                    old.path_params, new.path_params
                ),
            );
        }
        let old_params = self.differ.old.params(old);
        let new_params = self.differ.new.params(new);
        let rust_types = self.same_rust_param_types(&old_params);
        self.removed_or_changed_params(&old_params, &new_params, &rust_types);
        self.added_params(&old_params, &new_params);
        self.path_param_types(&old_params, &new_params);
    }

    /// The Rust types of the old parameters whose facade argument or setter has the same type
    /// on both sides.
    fn same_rust_param_types(&self, old_params: &Params) -> BTreeMap<(String, String), String> {
        let method = &self.new.rust_name;
        let (old_side, new_side) = (&self.differ.old, &self.differ.new);
        let same_rust_param = |name: &str| -> Option<String> {
            let snake = heck::ToSnakeCase::to_snake_case(name);
            let a = old_side.rust_param(method, &snake)?;
            let b = new_side.rust_param(method, &snake)?;
            (a == b).then(|| a.to_owned())
        };
        let mut param_types = BTreeMap::new();
        for (place, name) in old_params.keys() {
            if let Some(ty) = same_rust_param(name) {
                param_types.insert((place.clone(), name.clone()), ty);
            }
        }
        param_types
    }

    /// Query and header parameters of the old side that are gone, or whose type or
    /// requiredness changed.
    fn removed_or_changed_params(
        &mut self,
        old_params: &Params,
        new_params: &Params,
        rust_types: &BTreeMap<(String, String), String>,
    ) {
        for ((place, name), (required, descriptor)) in old_params {
            if place == "path" {
                continue;
            }
            let key = (place.clone(), name.clone());
            let Some((new_required, new_descriptor)) = new_params.get(&key) else {
                self.changed(
                    Class::Breaking,
                    format!(
                        "{place} parameter `{name}` removed ({} removed)",
                        if *required {
                            "facade argument"
                        } else {
                            "request setter"
                        }
                    ),
                );
                continue;
            };
            if new_descriptor != descriptor {
                match rust_types.get(&key) {
                    Some(rust) if new_required == required => self.changed(
                        Class::Additive,
                        format!(
                            "{place} parameter `{name}` type `{descriptor}` -> \
                             `{new_descriptor}` (the same Rust type `{rust}`)"
                        ),
                    ),
                    _ => self.changed(
                        Class::Breaking,
                        format!(
                            "{place} parameter `{name}` type `{descriptor}` -> `{new_descriptor}`"
                        ),
                    ),
                }
            }
            if new_required != required {
                self.changed(
                    Class::Breaking,
                    format!(
                        "{place} parameter `{name}` became {}",
                        if *new_required {
                            "required (a new facade argument)"
                        } else {
                            "optional (a setter instead of a facade argument)"
                        }
                    ),
                );
            }
        }
    }

    /// Query and header parameters new on the new side: a required one is a new facade
    /// argument, an optional one a new setter.
    fn added_params(&mut self, old_params: &Params, new_params: &Params) {
        for ((place, name), (required, descriptor)) in new_params {
            if place != "path" && !old_params.contains_key(&(place.clone(), name.clone())) {
                if *required {
                    self.changed(
                        Class::Breaking,
                        format!(
                            "required {place} parameter `{name}: {descriptor}` added (a new facade argument)"
                        ),
                    );
                } else {
                    self.changed(
                        Class::Additive,
                        format!(
                            "optional {place} parameter `{name}: {descriptor}` added (a new request setter)"
                        ),
                    );
                }
            }
        }
    }

    /// Path parameters on both sides whose type changed.
    fn path_param_types(&mut self, old_params: &Params, new_params: &Params) {
        for ((place, name), (_, descriptor)) in old_params {
            if place == "path"
                && let Some((_, new_descriptor)) = new_params.get(&(place.clone(), name.clone()))
                && new_descriptor != descriptor
            {
                self.changed(
                    Class::Breaking,
                    format!("path parameter `{name}` type `{descriptor}` -> `{new_descriptor}`"),
                );
            }
        }
    }

    /// The request body: added, removed, its type, placement and requiredness.
    fn request_body(&mut self) {
        let (old, new) = (self.old, self.new);
        match (&old.body, &new.body) {
            (None, None) => {}
            (Some(_), None) => self.changed(Class::Breaking, "request body removed".into()),
            (None, Some(b)) => self.changed(
                Class::Breaking,
                format!("request body `{}` added (a new facade argument)", b.schema),
            ),
            (Some(a), Some(b)) => {
                if a.schema != b.schema {
                    self.changed(
                        Class::Breaking,
                        format!("request body `{}` -> `{}`", a.schema, b.schema),
                    );
                }
                if a.placement != b.placement {
                    self.changed(
                        Class::Additive,
                        format!(
                            "request body now sent {} (wire only)",
                            if new.body_in_query() {
                                "in the `requestBody` query parameter"
                            } else {
                                "as a JSON body"
                            }
                        ),
                    );
                }
                if a.required != b.required {
                    self.changed(
                        Class::Additive,
                        format!(
                            "request body became {} (the positional client always sends one)",
                            if b.required { "required" } else { "optional" }
                        ),
                    );
                }
            }
        }
    }

    /// The success response and the error type.
    fn responses(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.success != new.success {
            self.changed(
                Class::Breaking,
                format!(
                    "response {} -> {}",
                    success_text(&old.success),
                    success_text(&new.success)
                ),
            );
        }
        if old.error_schema != new.error_schema {
            self.changed(
                Class::Breaking,
                format!(
                    "error type {} -> {}",
                    opt_text(old.error_schema.as_deref()),
                    opt_text(new.error_schema.as_deref())
                ),
            );
        }
    }

    /// `x-portone-category` changed without moving the facade method (moves are
    /// [`Differ::facade_call`]'s).
    fn category(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.category != new.category && old.group() == new.group() {
            self.changed(
                Class::Additive,
                format!(
                    "category {} -> {} (the same facade group)",
                    opt_text(old.category.as_deref()),
                    opt_text(new.category.as_deref())
                ),
            );
        }
    }

    /// Whether the operation sends credentials.
    fn credentials(&mut self) {
        if self.old.authenticated != self.new.authenticated {
            self.changed(
                Class::Additive,
                format!(
                    "{} (wire only)",
                    if self.new.authenticated {
                        "now sends credentials"
                    } else {
                        "no longer sends credentials"
                    }
                ),
            );
        }
    }

    /// `x-portone-unstable` set or cleared (the `unstable` feature gates the method).
    fn stability(&mut self) {
        match (self.old.unstable, self.new.unstable) {
            (false, true) => self.changed(
                Class::Breaking,
                "became unstable (`x-portone-unstable`): now only with the `unstable` feature"
                    .into(),
            ),
            (true, false) => self.changed(
                Class::Additive,
                "became stable: no longer needs the `unstable` feature".into(),
            ),
            _ => {}
        }
    }
}

/// An object schema that exists on both sides, compared field by field.
struct ObjectDiff<'d, 'a> {
    differ: &'d mut Differ<'a>,
    /// Component name.
    schema: &'d str,
    /// Whether requests use it (on either side).
    input: bool,
}

impl<'a> ObjectDiff<'_, 'a> {
    /// Records a change of the field at `path`.
    fn push(&mut self, class: Class, path: &str, kind: ChangeKind, detail: String) {
        let subject = Subject::Field {
            schema: self.schema.to_owned(),
            field: path.to_owned(),
        };
        self.differ.push(class, subject, kind, detail);
    }

    /// Fields of the old side that are gone.
    fn removed_fields(
        &mut self,
        old_fields: &BTreeMap<String, FieldInfo>,
        new_fields: &BTreeMap<String, FieldInfo>,
    ) {
        for (path, info) in old_fields {
            if !new_fields.contains_key(path) && !parent_missing(path, new_fields) {
                self.push(
                    Class::Breaking,
                    path,
                    ChangeKind::Removed,
                    format!("`{}`", info.descriptor),
                );
            }
        }
    }

    /// Fields of the new side: added ones, and the type and requiredness of the others.
    fn added_or_changed_fields(
        &mut self,
        old_fields: &BTreeMap<String, FieldInfo>,
        new_fields: &BTreeMap<String, FieldInfo>,
    ) {
        for (path, info) in new_fields {
            match old_fields.get(path) {
                Some(before) => {
                    self.field_type(path, before, info);
                    self.field_requiredness(path, before, info);
                }
                None if parent_missing(path, old_fields) => {}
                None => self.added_field(path, info),
            }
        }
    }

    /// A new field: breaking only when it is required in a request type.
    fn added_field(&mut self, path: &str, info: &FieldInfo) {
        let (class, why) = match (info.required, self.input) {
            (true, true) => (Class::Breaking, "required, in a request type"),
            (true, false) => (Class::Additive, "required, in a response-only type"),
            (false, true) => (Class::Additive, "optional, in a request type"),
            (false, false) => (Class::Additive, "optional"),
        };
        self.push(
            class,
            path,
            ChangeKind::Added,
            format!("`{}`, {why}", info.descriptor),
        );
    }

    /// The generated Rust types of a field on both sides: they decide what breaks (top-level
    /// fields; nested inline objects fall back to the spec's descriptors).
    fn rust_types(&self, path: &str) -> (Option<&'a str>, Option<&'a str>) {
        (
            self.differ.old.rust_field(self.schema, path),
            self.differ.new.rust_field(self.schema, path),
        )
    }

    /// A field's type changed: additive when its Rust type stays the same.
    fn field_type(&mut self, path: &str, before: &FieldInfo, info: &FieldInfo) {
        if before.descriptor == info.descriptor {
            return;
        }
        match self.rust_types(path) {
            (Some(a), Some(ty)) if a == ty => self.push(
                Class::Additive,
                path,
                ChangeKind::Changed,
                format!(
                    "type `{}` -> `{}` (the same Rust type `{ty}`)",
                    before.descriptor, info.descriptor
                ),
            ),
            _ => self.push(
                Class::Breaking,
                path,
                ChangeKind::Changed,
                format!("type `{}` -> `{}`", before.descriptor, info.descriptor),
            ),
        }
    }

    /// A field became required or optional: breaking when its Rust type changes or requests
    /// must now set it.
    fn field_requiredness(&mut self, path: &str, before: &FieldInfo, info: &FieldInfo) {
        if before.required == info.required {
            return;
        }
        let direction = if info.required {
            "required"
        } else {
            "optional"
        };
        let rust = self.rust_types(path);
        let same_rust = match rust {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        };
        let option_changed = match same_rust {
            Some(same) => !same && before.descriptor == info.descriptor,
            None => before.rust_option != info.rust_option,
        };
        let (class, why) = if option_changed {
            let why = match rust {
                (Some(a), Some(b)) => format!("Rust type `{a}` -> `{b}`"),
                _ if info.rust_option => "Rust type `T` -> `Option<T>`".to_owned(),
                _ => "Rust type `Option<T>` -> `T`".to_owned(),
            };
            (Class::Breaking, why)
        } else if info.required && self.input {
            (Class::Breaking, "requests must now set it".to_owned())
        } else {
            (Class::Additive, "same Rust type".to_owned())
        };
        self.push(
            class,
            path,
            ChangeKind::Changed,
            format!("became {direction} ({why})"),
        );
    }
}

fn parent_path(path: &str) -> Option<&str> {
    let cut = path.rfind('.')?;
    Some(path[..cut].strip_suffix("[]").unwrap_or(&path[..cut]))
}

/// Whether the inline object holding `path` is missing from `other`: the children of an added
/// or removed inline object are reported with it.
fn parent_missing(path: &str, other: &BTreeMap<String, FieldInfo>) -> bool {
    parent_path(path).is_some_and(|p| !other.contains_key(p))
}
