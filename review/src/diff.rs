//! Semantic diff of two specs, classified for Rust SDK users.
//!
//! Both specs are normalized (unstable operations included) and compared as the generated
//! client sees them: operations by `operationId` (the Rust method name), component schemas by
//! name, object fields by JSON name, enum values, union cases by tag. Spec prose (titles,
//! descriptions, examples) is ignored.
//!
//! Every [`Change`] is [`Class::Breaking`] (code that compiles against the old client may
//! not compile, or may silently mean something else, against the new one) or
//! [`Class::Additive`] (existing code keeps compiling and working: new items, and wire-only
//! changes the client absorbs). The rules, for users of `portone-client` (request builders,
//! `#[non_exhaustive]` types built with `new` and setters):
//!
//! | change | class |
//! |---|---|
//! | operation added; union case / enum value added (open types, `#[non_exhaustive]`) | additive |
//! | operation removed or renamed; schema, field, enum value or union case removed | breaking |
//! | optional query/header parameter added (a new setter of the facade's request builder) | additive |
//! | required parameter added; parameter removed; its type or requiredness changed (a facade argument or setter changes) | breaking |
//! | request body / success / error type changed, added or removed | breaking |
//! | path template, HTTP method, body placement (`requestBody` query), category, auth changed | additive (wire only) |
//! | operation became `x-portone-unstable` (now behind the `unstable` feature) / became stable | breaking / additive |
//! | field type changed (including format: `string` -> `string(date-time)`), schema kind changed | breaking |
//! | field added: required in a request type | breaking |
//! | field added: optional, or in a response-only type | additive (build request structs with `..Default::default()` where available, never destructure exhaustively) |
//! | field requiredness changed so that its Rust type changes (`Option<T>` <-> `T`) | breaking |
//! | request field became required (even an array that stays `Vec<T>`) | breaking |
//! | array/map field requiredness changed otherwise (stays `Vec<T>` / map) | additive |
//! | union member, discriminator property changed | breaking |
//! | object gained its first field or lost its last one (map newtype <-> struct) | breaking |

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::{self, Write as _};

use serde_json::{Map, Value};

use portone_openapi::{ApiModel, HttpMethod, Operation, SuccessBody};
use portone_openapi::{NormalizeError, Normalized, Options, Spec, normalize};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

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
                ..
            } => write!(f, "`{rust_name}` (`{} {path}`)", method.as_str()),
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
}

/// Why two specs could not be compared.
#[derive(Debug, thiserror::Error)]
#[error("cannot normalize the {side} spec {origin}: {source}")]
pub struct DiffError {
    /// `old` or `new`.
    pub side: &'static str,
    /// Where the spec came from.
    pub origin: String,
    /// What the normalizer did not understand.
    pub source: NormalizeError,
}

/// Compares two specs (each normalized with unstable operations).
///
/// ```
/// use portone_openapi::Spec;
/// use portone_review::diff::{diff_specs, Class};
/// let doc = |values: &str| format!(r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}},
///     "paths": {{}}, "components": {{"schemas": {{"Status": {{"type": "string", "enum": [{values}]}}}}}}}}"#);
/// let old = Spec::from_bytes(doc(r#""PAID""#).as_bytes(), "old")?;
/// let new = Spec::from_bytes(doc(r#""PAID", "REFUNDED""#).as_bytes(), "new")?;
/// let diff = diff_specs(&old, &new)?;
/// assert_eq!(diff.count(Class::Additive), 1);
/// assert!(diff.to_markdown().contains("0 breaking, 1 additive"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff_specs(old: &Spec, new: &Spec) -> Result<SpecDiff, DiffError> {
    let options = Options::everything();
    let normalize_side = |side: &'static str, spec: &Spec| {
        normalize(spec, &options).map_err(|source| DiffError {
            side,
            origin: spec.origin.clone(),
            source,
        })
    };
    let old_n = normalize_side("old", old)?;
    let new_n = normalize_side("new", new)?;
    let mut diff = diff_normalized(&old_n, &new_n);
    diff.old.sha256 = old.sha256.clone();
    diff.new.sha256 = new.sha256.clone();
    Ok(diff)
}

/// Compares two normalized specs (normalize both with `unstable: true` to compare unstable
/// operations too). The `sha256` fields of the result are empty.
pub fn diff_normalized(old: &Normalized, new: &Normalized) -> SpecDiff {
    let mut cx = Differ {
        old: Side::new(old),
        new: Side::new(new),
        changes: Vec::new(),
    };
    cx.operations();
    cx.schemas();
    let mut changes = cx.changes;
    changes.sort();
    changes.dedup();
    SpecDiff {
        old: SpecInfo {
            version: old.model.info_version.clone(),
            sha256: String::new(),
        },
        new: SpecInfo {
            version: new.model.info_version.clone(),
            sha256: String::new(),
        },
        changes,
    }
}

impl SpecDiff {
    /// Number of changes of a class.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    /// The summary line, `N breaking, M additive`.
    pub fn summary(&self) -> String {
        format!(
            "{} breaking, {} additive",
            self.count(Class::Breaking),
            self.count(Class::Additive)
        )
    }

    /// The report for a pull-request description.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let side = |s: &SpecInfo| {
            if s.sha256.is_empty() {
                format!("`{}`", s.version)
            } else {
                format!(
                    "`{}` (sha256 `{}`)",
                    s.version,
                    &s.sha256[..s.sha256.len().min(12)]
                )
            }
        };
        let _ = writeln!(
            md,
            "## PortOne API changes: {} -> {}\n",
            side(&self.old),
            side(&self.new)
        );
        let _ = writeln!(md, "**{}**\n", self.summary());
        if self.changes.is_empty() {
            md.push_str("No change to the generated API.\n");
            return md;
        }
        type Filter = fn(&Subject) -> bool;
        let sections: [(&str, Filter); 5] = [
            ("Operations", |s| matches!(s, Subject::Operation { .. })),
            ("Schemas", |s| matches!(s, Subject::Schema { .. })),
            ("Fields", |s| matches!(s, Subject::Field { .. })),
            ("Enum values", |s| matches!(s, Subject::EnumValue { .. })),
            ("Union cases", |s| matches!(s, Subject::UnionCase { .. })),
        ];
        for (title, filter) in sections {
            let changes: Vec<&Change> =
                self.changes.iter().filter(|c| filter(&c.subject)).collect();
            if changes.is_empty() {
                continue;
            }
            let breaking = changes
                .iter()
                .filter(|c| c.class == Class::Breaking)
                .count();
            let _ = writeln!(
                md,
                "### {title} ({breaking} breaking, {} additive)\n",
                changes.len() - breaking
            );
            for change in changes {
                let class = match change.class {
                    Class::Breaking => "**breaking**",
                    Class::Additive => "additive",
                };
                let kind = match change.kind {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Changed => "changed",
                };
                let _ = write!(md, "- {class}: {kind} {}", change.subject);
                if !change.detail.is_empty() {
                    let _ = write!(md, ": {}", change.detail);
                }
                md.push('\n');
            }
            md.push('\n');
        }
        md.push_str(
            "Breaking = code written against the old client may not compile or may change meaning; \
             additive = it keeps working. Rules: `MAINTAINING.md`.\n",
        );
        md
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
        let name = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
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
                    if let Some(name) = v.as_str().and_then(|t| t.strip_prefix(SCHEMA_PREFIX)) {
                        out.insert(name.to_owned());
                    }
                } else if k == "mapping" {
                    // discriminator mappings repeat the oneOf members
                    for target in v.as_object().into_iter().flat_map(|m| m.values()) {
                        if let Some(name) =
                            target.as_str().and_then(|t| t.strip_prefix(SCHEMA_PREFIX))
                        {
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

/// One side of the diff, with the lookups the comparison needs.
struct Side<'a> {
    model: &'a ApiModel,
    schemas: &'a Map<String, Value>,
    paths: &'a Map<String, Value>,
    /// Schemas reachable from request bodies and parameters (the others only come back in
    /// responses and errors).
    input: BTreeSet<String>,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Side<'a> {
    fn new(n: &'a Normalized) -> Side<'a> {
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
        for item in paths.values().filter_map(Value::as_object) {
            for (key, op) in item {
                if HttpMethod::parse(key).is_none() {
                    if key == "parameters" {
                        refs_in(op, &mut input_roots);
                    }
                    continue;
                }
                for part in ["requestBody", "parameters"] {
                    if let Some(v) = op.get(part) {
                        refs_in(v, &mut input_roots);
                    }
                }
            }
        }
        Side {
            model: &n.model,
            schemas,
            paths,
            input: closure(schemas, input_roots),
        }
    }

    fn operation_json(&self, op: &Operation) -> Option<&'a Value> {
        self.paths
            .get(&op.path)?
            .get(op.method.as_str().to_ascii_lowercase())
    }

    /// Parameters of an operation: `(in, name)` -> (required, descriptor).
    fn params(&self, op: &Operation) -> BTreeMap<(String, String), (bool, String)> {
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
        });
    }

    fn operations(&mut self) {
        let old_ops: BTreeMap<&str, &Operation> = self
            .old
            .model
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let new_ops: BTreeMap<&str, &Operation> = self
            .new
            .model
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let subject = |op: &Operation| Subject::Operation {
            id: op.id.clone(),
            rust_name: op.rust_name.clone(),
            method: op.method,
            path: op.path.clone(),
        };
        for (id, op) in &old_ops {
            if !new_ops.contains_key(id) {
                let renamed = new_ops.values().find(|n| {
                    n.method == op.method
                        && n.path == op.path
                        && !old_ops.contains_key(n.id.as_str())
                });
                let detail = match renamed {
                    Some(n) => format!("renamed to `{}`", n.rust_name),
                    None => String::new(),
                };
                self.push(Class::Breaking, subject(op), ChangeKind::Removed, detail);
            }
        }
        for (id, op) in &new_ops {
            let Some(old) = old_ops.get(id) else {
                let detail = if op.unstable { "unstable" } else { "" };
                self.push(Class::Additive, subject(op), ChangeKind::Added, detail);
                continue;
            };
            self.operation(old, op, subject(op));
        }
    }

    fn operation(&mut self, old: &Operation, new: &Operation, subject: Subject) {
        let mut changed = |class: Class, detail: String| {
            self.changes.push(Change {
                class,
                subject: subject.clone(),
                kind: ChangeKind::Changed,
                detail,
            });
        };
        if old.method != new.method {
            changed(
                Class::Additive,
                format!(
                    "HTTP method {} -> {}",
                    old.method.as_str(),
                    new.method.as_str()
                ),
            );
        }
        if old.path != new.path {
            changed(
                Class::Additive,
                format!("path `{}` -> `{}`", old.path, new.path),
            );
        }
        if old.path_params.len() != new.path_params.len() {
            changed(
                Class::Breaking,
                format!(
                    "path parameters {:?} -> {:?} (the facade arguments change)",
                    old.path_params, new.path_params
                ),
            );
        }
        let old_params = self.old.params(old);
        let new_params = self.new.params(new);
        for ((place, name), (required, descriptor)) in &old_params {
            if place == "path" {
                continue;
            }
            match new_params.get(&(place.clone(), name.clone())) {
                None => changed(
                    Class::Breaking,
                    format!(
                        "{place} parameter `{name}` removed ({} removed)",
                        if *required {
                            "facade argument"
                        } else {
                            "request setter"
                        }
                    ),
                ),
                Some((new_required, new_descriptor)) => {
                    if new_descriptor != descriptor {
                        changed(
                            Class::Breaking,
                            format!(
                                "{place} parameter `{name}` type `{descriptor}` -> `{new_descriptor}`"
                            ),
                        );
                    }
                    if new_required != required {
                        changed(
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
        }
        for ((place, name), (required, descriptor)) in &new_params {
            if place != "path" && !old_params.contains_key(&(place.clone(), name.clone())) {
                if *required {
                    changed(
                        Class::Breaking,
                        format!(
                            "required {place} parameter `{name}: {descriptor}` added (a new facade argument)"
                        ),
                    );
                } else {
                    changed(
                        Class::Additive,
                        format!(
                            "optional {place} parameter `{name}: {descriptor}` added (a new request setter)"
                        ),
                    );
                }
            }
        }
        for ((place, name), (_, descriptor)) in &old_params {
            if place == "path"
                && let Some((_, new_descriptor)) = new_params.get(&(place.clone(), name.clone()))
                && new_descriptor != descriptor
            {
                changed(
                    Class::Breaking,
                    format!("path parameter `{name}` type `{descriptor}` -> `{new_descriptor}`"),
                );
            }
        }
        match (&old.body, &new.body) {
            (None, None) => {}
            (Some(_), None) => changed(Class::Breaking, "request body removed".into()),
            (None, Some(b)) => changed(
                Class::Breaking,
                format!("request body `{}` added (a new facade argument)", b.schema),
            ),
            (Some(a), Some(b)) => {
                if a.schema != b.schema {
                    changed(
                        Class::Breaking,
                        format!("request body `{}` -> `{}`", a.schema, b.schema),
                    );
                }
                if a.placement != b.placement {
                    changed(
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
                    changed(
                        Class::Additive,
                        format!(
                            "request body became {} (the positional client always sends one)",
                            if b.required { "required" } else { "optional" }
                        ),
                    );
                }
            }
        }
        if old.success != new.success {
            changed(
                Class::Breaking,
                format!(
                    "response {} -> {}",
                    success_text(&old.success),
                    success_text(&new.success)
                ),
            );
        }
        if old.error_schema != new.error_schema {
            changed(
                Class::Breaking,
                format!(
                    "error type {} -> {}",
                    opt_text(old.error_schema.as_deref()),
                    opt_text(new.error_schema.as_deref())
                ),
            );
        }
        if old.category != new.category {
            changed(
                Class::Additive,
                format!(
                    "category {} -> {}",
                    opt_text(old.category.as_deref()),
                    opt_text(new.category.as_deref())
                ),
            );
        }
        if old.authenticated != new.authenticated {
            changed(
                Class::Additive,
                format!(
                    "{} (wire only)",
                    if new.authenticated {
                        "now sends credentials"
                    } else {
                        "no longer sends credentials"
                    }
                ),
            );
        }
        match (old.unstable, new.unstable) {
            (false, true) => changed(
                Class::Breaking,
                "became unstable (`x-portone-unstable`): now only with the `unstable` feature"
                    .into(),
            ),
            (true, false) => changed(
                Class::Additive,
                "became stable: no longer needs the `unstable` feature".into(),
            ),
            _ => {}
        }
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
                    self.push(
                        Class::Breaking,
                        subject,
                        ChangeKind::Changed,
                        format!("type `{a}` -> `{b}`"),
                    );
                }
            }
        }
    }

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
        let field = |path: &str| Subject::Field {
            schema: name.to_owned(),
            field: path.to_owned(),
        };
        // Children of an added or removed inline object are reported with it.
        let parent_missing = |path: &str, other: &BTreeMap<String, FieldInfo>| {
            parent_path(path).is_some_and(|p| !other.contains_key(p))
        };
        for (path, info) in &old_fields {
            if !new_fields.contains_key(path) && !parent_missing(path, &new_fields) {
                self.push(
                    Class::Breaking,
                    field(path),
                    ChangeKind::Removed,
                    format!("`{}`", info.descriptor),
                );
            }
        }
        for (path, info) in &new_fields {
            let Some(before) = old_fields.get(path) else {
                if parent_missing(path, &old_fields) {
                    continue;
                }
                let (class, why) = match (info.required, input) {
                    (true, true) => (Class::Breaking, "required, in a request type"),
                    (true, false) => (Class::Additive, "required, in a response-only type"),
                    (false, true) => (Class::Additive, "optional, in a request type"),
                    (false, false) => (Class::Additive, "optional"),
                };
                self.push(
                    class,
                    field(path),
                    ChangeKind::Added,
                    format!("`{}`, {why}", info.descriptor),
                );
                continue;
            };
            if before.descriptor != info.descriptor {
                self.push(
                    Class::Breaking,
                    field(path),
                    ChangeKind::Changed,
                    format!("type `{}` -> `{}`", before.descriptor, info.descriptor),
                );
            }
            if before.required != info.required {
                let direction = if info.required {
                    "required"
                } else {
                    "optional"
                };
                let (class, why) = if before.rust_option != info.rust_option {
                    (
                        Class::Breaking,
                        if info.rust_option {
                            "Rust type `T` -> `Option<T>`"
                        } else {
                            "Rust type `Option<T>` -> `T`"
                        },
                    )
                } else if info.required && input {
                    (Class::Breaking, "requests must now set it")
                } else {
                    (Class::Additive, "same Rust type")
                };
                self.push(
                    class,
                    field(path),
                    ChangeKind::Changed,
                    format!("became {direction} ({why})"),
                );
            }
        }
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

fn parent_path(path: &str) -> Option<&str> {
    let cut = path.rfind('.')?;
    Some(path[..cut].strip_suffix("[]").unwrap_or(&path[..cut]))
}
