//! Rewrites PortOne's spec into a form progenitor generates correctly, and records
//! what the rewrite and the generators need to know ([`ApiModel`]).
//!
//! What it does:
//! - the `content`-style `requestBody` query parameter becomes a typed JSON body and the
//!   operation is marked [`BodyPlacement::Query`];
//! - discriminated unions and string enums are described in the model (the build script
//!   emits open types for them); union members lose the tag property unless they are also
//!   used on their own;
//! - array schemas lose stray `properties`, duplicate `required` entries are dropped;
//! - `x-portone-unstable` operations are removed unless asked for, and documented as unstable;
//! - anything it does not understand fails with an error naming the schema or operation.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};

use crate::model::*;
use crate::repair::Repair;
use crate::source::Spec;

/// Normalization options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep `x-portone-unstable` operations.
    pub unstable: bool,
    /// Top-level categories (`x-portone-categories` ids such as `platform`, see
    /// [`Operation::top_category`]) whose operations are left out, with every schema only they
    /// reach. Empty: every category.
    pub excluded_categories: BTreeSet<String>,
}

impl Options {
    /// Every operation, unstable ones included (the mock, the surface, the diff).
    pub fn everything() -> Options {
        Options {
            unstable: true,
            excluded_categories: BTreeSet::new(),
        }
    }
}

/// The rewritten spec and what was learned about it.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The spec to hand to progenitor.
    pub spec: Value,
    /// Facts about operations, unions and enums.
    pub model: ApiModel,
    /// Known defects of the spec that were repaired (see [`crate::repair`]).
    pub repairs: Vec<Repair>,
}

/// A construct the normalizer does not understand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct NormalizeError {
    /// The schema or operation, e.g. `components.schemas.Payment` or `GET /payments`.
    pub location: String,
    /// What is wrong.
    pub problem: String,
}

fn fail<T>(location: impl Into<String>, problem: impl Into<String>) -> Result<T, NormalizeError> {
    Err(NormalizeError {
        location: location.into(),
        problem: problem.into(),
    })
}

use crate::refs::{component_of, ref_name as ref_target};

/// The component every inline `date-time` string is rewritten to (`$ref`), so that the
/// generator gives all of them one fast-decoding type (`portone_gen::Timestamp`).
pub const TIMESTAMP_COMPONENT: &str = "PortOneTimestamp";

/// Text added to the docs of unstable operations.
pub const UNSTABLE_NOTE: &str = "**Unstable** (`x-portone-unstable`): PortOne may change or remove \
    this operation without notice. Generated only with the `unstable` cargo feature.";

/// Keys a schema object may carry. Anything else is reported rather than guessed at.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "enum",
    "oneOf",
    "discriminator",
    "$ref",
    "title",
    "description",
    "nullable",
    "default",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// The Rust type name typify gives a component (heck's UpperCamelCase).
pub fn rust_type_name(component: &str) -> String {
    component.to_upper_camel_case()
}

/// The Rust method name progenitor gives an operation (heck's snake_case).
pub fn rust_method_name(operation_id: &str) -> String {
    operation_id.to_snake_case()
}

/// Normalizes `spec`; see the module docs.
pub fn normalize(spec: &Spec, options: &Options) -> Result<Normalized, NormalizeError> {
    let mut doc = spec.json.clone();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return fail("components.schemas", "missing or not an object");
    };
    check_type_names(schemas)?;
    if schemas.contains_key(TIMESTAMP_COMPONENT) {
        return fail(
            format!("components.schemas.{TIMESTAMP_COMPONENT}"),
            "this name is reserved for the SDK's timestamp type",
        );
    }
    for (name, schema) in schemas.iter_mut() {
        clean_schema(&format!("components.schemas.{name}"), schema, true)?;
    }
    let mut repairs = crate::repair::discriminator_mappings(schemas);
    schemas.insert(
        TIMESTAMP_COMPONENT.to_owned(),
        serde_json::json!({"type": "string", "format": "date-time"}),
    );
    let names: HashSet<String> = schemas.keys().cloned().collect();
    check_refs(&doc, &names)?;

    // Unions and enums are read from the whole spec, before any operation is left out, so that
    // a type is generated the same way whatever operations a build selects.
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        repairs.extend(crate::repair::error_schemas(paths));
    }
    let mut unions = collect_unions(&doc)?;
    let mut enums = collect_enums(&doc)?;
    strip_member_tags(&mut doc, &unions)?;
    let reachable_before = reachable_schemas(&doc);
    let selected = normalize_operations(&mut doc, options)?;
    let omitted_schemas = prune_schemas(&mut doc, &reachable_before);
    unions.retain(|u| !omitted_schemas.contains(&u.name));
    enums.retain(|e| !omitted_schemas.contains(&e.name));

    let model = ApiModel {
        info_version: spec.info_version().to_owned(),
        operations: selected.operations,
        omitted_unstable: selected.omitted_unstable,
        omitted_by_category: selected.omitted_by_category,
        omitted_schemas: omitted_schemas.len(),
        unions,
        enums,
    };
    Ok(Normalized {
        spec: doc,
        model,
        repairs,
    })
}

impl Normalized {
    /// The component schemas requests use: reached from request bodies and parameters.
    pub fn request_schemas(&self) -> BTreeSet<String> {
        let mut seeds = Vec::new();
        for item in self.spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.1.as_object().into_iter().flatten() {
                if HttpMethod::parse(method).is_some() {
                    seeds.extend(referenced(&op["requestBody"]));
                    seeds.extend(referenced(&op["parameters"]));
                }
            }
        }
        closure(&self.spec, seeds)
    }

    /// The component schemas only `x-portone-unstable` operations reach: they may change or
    /// vanish with those operations.
    pub fn unstable_only_schemas(&self) -> BTreeSet<String> {
        let (mut stable, mut unstable) = (Vec::new(), Vec::new());
        for item in self.spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.1.as_object().into_iter().flatten() {
                if HttpMethod::parse(method).is_some() {
                    let is_unstable = op.get("x-portone-unstable").and_then(Value::as_bool);
                    let seeds = if is_unstable == Some(true) {
                        &mut unstable
                    } else {
                        &mut stable
                    };
                    seeds.extend(referenced(op));
                }
            }
        }
        let stable = closure(&self.spec, stable);
        closure(&self.spec, unstable)
            .into_iter()
            .filter(|name| !stable.contains(name))
            .collect()
    }
}

/// Component schemas the operations reach (directly or through other schemas).
fn reachable_schemas(doc: &Value) -> BTreeSet<String> {
    closure(doc, referenced(&doc["paths"]))
}

/// The component schemas `value` refers to directly.
fn referenced(value: &Value) -> Vec<String> {
    let mut names = Vec::new();
    walk_refs(value, &mut String::new(), &mut |_, target| {
        if let Some(name) = component_of(target) {
            names.push(name.to_owned());
        }
    });
    names
}

/// `seeds` and every component schema they reach.
fn closure(doc: &Value, seeds: Vec<String>) -> BTreeSet<String> {
    let schemas = &doc["components"]["schemas"];
    let mut reached = BTreeSet::new();
    let mut pending = seeds;
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            walk_refs(&schemas[&name], &mut String::new(), &mut |_, target| {
                if let Some(name) = component_of(target) {
                    pending.push(name.to_owned());
                }
            });
        }
    }
    reached
}

/// Removes the schemas that only left-out operations reached (schemas no operation ever
/// reached stay: they are part of the published API). Returns the removed names.
fn prune_schemas(doc: &mut Value, reachable_before: &BTreeSet<String>) -> BTreeSet<String> {
    let reachable_after = reachable_schemas(doc);
    let removed: BTreeSet<String> = reachable_before
        .difference(&reachable_after)
        .cloned()
        .collect();
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.retain(|name, _| !removed.contains(name));
    }
    removed
}

fn check_type_names(schemas: &Map<String, Value>) -> Result<(), NormalizeError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for name in schemas.keys() {
        let rust = rust_type_name(name);
        if !rust.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return fail(
                format!("components.schemas.{name}"),
                "name does not start with a letter",
            );
        }
        if let Some(other) = seen.insert(rust.clone(), name) {
            return fail(
                format!("components.schemas.{name}"),
                format!("Rust type name {rust} collides with components.schemas.{other}"),
            );
        }
    }
    Ok(())
}

/// Validates one schema (recursively) and applies the local clean-ups.
fn clean_schema(location: &str, schema: &mut Value, top_level: bool) -> Result<(), NormalizeError> {
    let Some(obj) = schema.as_object_mut() else {
        return fail(location, "schema is not an object");
    };
    check_schema_keywords(location, obj, top_level)?;
    if is_date_time(obj) && !top_level {
        refer_to_timestamp(obj);
        return Ok(());
    }
    let is_array = obj.get("type").and_then(Value::as_str) == Some("array");
    if is_array {
        // A stray `properties` next to `items` means nothing for an array.
        obj.remove("properties");
        obj.remove("required");
    }
    if let Some(Value::Array(required)) = obj.get_mut("required") {
        let mut seen = HashSet::new();
        required.retain(|r| seen.insert(r.clone()));
    }
    clean_subschemas(location, obj, is_array)?;
    check_enum(location, obj)
}

/// Rejects keywords the normalizer does not understand, inline unions and enums, and `$ref`s
/// with sibling constraints.
fn check_schema_keywords(
    location: &str,
    obj: &Map<String, Value>,
    top_level: bool,
) -> Result<(), NormalizeError> {
    if let Some(key) = obj
        .keys()
        .find(|k| !k.starts_with("x-") && !SCHEMA_KEYS.contains(&k.as_str()))
    {
        return fail(location, format!("unsupported schema keyword `{key}`"));
    }
    if !top_level {
        for key in ["oneOf", "enum"] {
            if obj.contains_key(key) {
                return fail(
                    location,
                    format!("inline `{key}` (only component schemas may be unions or enums)"),
                );
            }
        }
    }
    if obj.contains_key("$ref")
        && obj.keys().any(|k| {
            SCHEMA_KEYS.contains(&k.as_str())
                && !matches!(k.as_str(), "$ref" | "title" | "description")
        })
    {
        return fail(location, "`$ref` with sibling constraints");
    }
    Ok(())
}

/// Whether the schema is a `date-time` string.
fn is_date_time(obj: &Map<String, Value>) -> bool {
    obj.get("type").and_then(Value::as_str) == Some("string")
        && obj.get("format").and_then(Value::as_str) == Some("date-time")
}

/// Replaces an inline `date-time` string by a `$ref` to [`TIMESTAMP_COMPONENT`].
fn refer_to_timestamp(obj: &mut Map<String, Value>) {
    obj.remove("type");
    obj.remove("format");
    obj.insert(
        "$ref".into(),
        Value::String(crate::refs::reference_to(TIMESTAMP_COMPONENT)),
    );
}

/// Cleans the schemas nested in `properties`, `items` and `additionalProperties`.
fn clean_subschemas(
    location: &str,
    obj: &mut Map<String, Value>,
    is_array: bool,
) -> Result<(), NormalizeError> {
    if let Some(props) = obj.get_mut("properties") {
        let Some(props) = props.as_object_mut() else {
            return fail(location, "`properties` is not an object");
        };
        for (prop, sub) in props.iter_mut() {
            clean_schema(&format!("{location}.properties.{prop}"), sub, false)?;
        }
    }
    if let Some(items) = obj.get_mut("items") {
        clean_schema(&format!("{location}.items"), items, false)?;
    } else if is_array {
        return fail(location, "array without `items`");
    }
    if let Some(additional) = obj
        .get_mut("additionalProperties")
        .filter(|a| a.is_object())
    {
        clean_schema(
            &format!("{location}.additionalProperties"),
            additional,
            false,
        )?;
    }
    Ok(())
}

/// An `enum` must be a non-empty list of strings, in a schema of type string.
fn check_enum(location: &str, obj: &Map<String, Value>) -> Result<(), NormalizeError> {
    if let Some(enum_values) = obj.get("enum") {
        let ok = obj.get("type").and_then(Value::as_str) == Some("string")
            && enum_values
                .as_array()
                .is_some_and(|v| !v.is_empty() && v.iter().all(Value::is_string));
        if !ok {
            return fail(
                location,
                "`enum` must be a non-empty list of strings of type string",
            );
        }
    }
    Ok(())
}

/// Every `$ref` in the document must name an existing component schema.
fn check_refs(doc: &Value, names: &HashSet<String>) -> Result<(), NormalizeError> {
    let mut bad = None;
    walk_refs(doc, &mut String::new(), &mut |location, target| {
        if bad.is_none() {
            match component_of(target) {
                Some(name) if names.contains(name) => {}
                _ => bad = Some((location.to_owned(), target.to_owned())),
            }
        }
    });
    match bad {
        Some((location, target)) => fail(
            location,
            format!("unresolved or unsupported $ref {target:?}"),
        ),
        None => Ok(()),
    }
}

fn walk_refs(value: &Value, location: &mut String, f: &mut impl FnMut(&str, &str)) {
    match value {
        Value::Object(obj) => {
            if let Some(Value::String(target)) = obj.get("$ref") {
                f(location, target);
            }
            for (k, v) in obj {
                let len = location.len();
                location.push('.');
                location.push_str(k);
                walk_refs(v, location, f);
                location.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = location.len();
                location.push_str(&format!("[{i}]"));
                walk_refs(v, location, f);
                location.truncate(len);
            }
        }
        _ => {}
    }
}

fn schema_kind(schema: &Value) -> &'static str {
    if schema.get("oneOf").is_some() {
        "union"
    } else if schema.get("enum").is_some() {
        "enum"
    } else if schema.get("type").and_then(Value::as_str) == Some("object") {
        "object"
    } else {
        "other"
    }
}

/// The discriminated unions among the component schemas.
fn collect_unions(doc: &Value) -> Result<Vec<Union>, NormalizeError> {
    let schemas = doc["components"]["schemas"].as_object().expect("checked");
    let reader = UnionReader {
        schemas,
        standalone: standalone_schemas(doc, schemas),
    };
    let mut unions = Vec::new();
    for (name, schema) in schemas {
        if schema_kind(schema) == "union" {
            unions.push(reader.read(name, schema)?);
        }
    }
    Ok(unions)
}

/// The component schemas referenced anywhere except from a union's `oneOf`: union members
/// among them keep their tag property.
fn standalone_schemas(doc: &Value, schemas: &Map<String, Value>) -> HashSet<String> {
    let mut standalone: HashSet<String> = HashSet::new();
    for schema in schemas.values() {
        if schema_kind(schema) != "union" {
            walk_refs(schema, &mut String::new(), &mut |_, target| {
                if let Some(t) = component_of(target) {
                    standalone.insert(t.to_owned());
                }
            });
        }
    }
    walk_refs(&doc["paths"], &mut String::new(), &mut |_, target| {
        if let Some(t) = component_of(target) {
            standalone.insert(t.to_owned());
        }
    });
    standalone
}

/// Reads discriminated unions from the component schemas.
struct UnionReader<'a> {
    /// `components.schemas`.
    schemas: &'a Map<String, Value>,
    /// See [`standalone_schemas`].
    standalone: HashSet<String>,
}

impl UnionReader<'_> {
    /// The union component `name`, validated.
    fn read(&self, name: &str, schema: &Value) -> Result<Union, NormalizeError> {
        let location = format!("components.schemas.{name}");
        let Some(members) = schema["oneOf"].as_array() else {
            return fail(location, "`oneOf` is not a list");
        };
        let Some(property) = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)
        else {
            return fail(
                location,
                "`oneOf` without a discriminator propertyName (trial decoding is not supported)",
            );
        };
        let Some(mapping) = schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object)
        else {
            return fail(location, "discriminator without a `mapping`");
        };
        let member_names = self.member_names(&location, members)?;
        let tags = tags_by_member(&location, mapping, &member_names)?;
        let mut cases = self.cases(&location, &member_names, &tags)?;
        assign_variant_names(name, &mut cases).map_err(|problem| NormalizeError {
            location: location.clone(),
            problem,
        })?;
        Ok(Union {
            name: name.to_owned(),
            rust_name: rust_type_name(name),
            property: property.to_owned(),
            cases,
            doc: crate::docs::schema_text(name, schema),
        })
    }

    /// The components a union's `oneOf` lists, each of which must be an object schema.
    fn member_names(
        &self,
        location: &str,
        members: &[Value],
    ) -> Result<Vec<String>, NormalizeError> {
        let mut member_names = Vec::new();
        for member in members {
            let Some(target) = ref_target(member) else {
                return fail(
                    location,
                    "a `oneOf` member is not a $ref to a component schema",
                );
            };
            let kind = schema_kind(&self.schemas[target]);
            if kind != "object" {
                return fail(
                    location,
                    format!("member {target} is a {kind}, not an object"),
                );
            }
            member_names.push(target.to_owned());
        }
        Ok(member_names)
    }

    /// One case per tag of each member, in `oneOf` order; variant names are left empty.
    fn cases(
        &self,
        location: &str,
        member_names: &[String],
        tags_by_member: &BTreeMap<&str, Vec<&str>>,
    ) -> Result<Vec<UnionCase>, NormalizeError> {
        let mut cases = Vec::new();
        for member in member_names {
            let Some(tags) = tags_by_member.get(member.as_str()) else {
                return fail(
                    location,
                    format!("member {member} has no tag in the discriminator mapping"),
                );
            };
            for tag in tags {
                cases.push(UnionCase {
                    tag: (*tag).to_owned(),
                    variant: String::new(),
                    member: member.clone(),
                    member_rust: rust_type_name(member),
                    member_keeps_tag: self.standalone.contains(member),
                    doc: self
                        .schemas
                        .get(member.as_str())
                        .and_then(|m| crate::docs::schema_text(member, m)),
                });
            }
        }
        Ok(cases)
    }
}

/// The discriminator `mapping` inverted: the tags of each member, which must be in `oneOf`.
fn tags_by_member<'m>(
    location: &str,
    mapping: &'m Map<String, Value>,
    member_names: &[String],
) -> Result<BTreeMap<&'m str, Vec<&'m str>>, NormalizeError> {
    let mut tags_by_member: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (tag, target) in mapping {
        let Some(member) = target.as_str().and_then(|t| component_of(t)) else {
            return fail(
                location,
                format!("mapping of tag {tag:?} is not a component $ref"),
            );
        };
        if !member_names.iter().any(|m| m == member) {
            return fail(
                location,
                format!("tag {tag:?} maps to {member}, which is not in `oneOf`"),
            );
        }
        tags_by_member.entry(member).or_default().push(tag);
    }
    Ok(tags_by_member)
}

fn split_words(camel: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in camel.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&camel[start..i]);
            start = i;
        }
    }
    words.push(&camel[start..]);
    words
}

/// `PAYMENT_NOT_FOUND` -> `PaymentNotFound`; a member-name tag loses the words it shares
/// with the union name (`PaymentMethodCard` in `PaymentMethod` -> `Card`).
fn assign_variant_names(union: &str, cases: &mut [UnionCase]) -> Result<(), String> {
    let union_words = split_words(union);
    for case in cases.iter_mut() {
        let camel = case.tag.to_upper_camel_case();
        let is_snake = case
            .tag
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        case.variant = if is_snake {
            camel
        } else {
            let words = split_words(&camel);
            let shared = words
                .iter()
                .zip(&union_words)
                .take_while(|(a, b)| a == b)
                .count();
            let rest: String = words[shared..].concat();
            if rest.is_empty() { camel } else { rest }
        };
    }
    let mut seen = HashSet::new();
    for case in cases.iter() {
        if !case.variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(format!(
                "tag {:?} gives no valid Rust variant name",
                case.tag
            ));
        }
        if case.variant == CATCH_ALL_VARIANT || !seen.insert(case.variant.clone()) {
            return Err(format!(
                "tag {:?} gives a duplicate variant name {}",
                case.tag, case.variant
            ));
        }
    }
    Ok(())
}

fn collect_enums(doc: &Value) -> Result<Vec<StringEnum>, NormalizeError> {
    let schemas = doc["components"]["schemas"].as_object().expect("checked");
    let mut enums = Vec::new();
    for (name, schema) in schemas {
        if schema_kind(schema) != "enum" {
            continue;
        }
        let location = format!("components.schemas.{name}");
        let mut seen = HashSet::new();
        let mut values = Vec::new();
        for value in schema["enum"].as_array().expect("checked") {
            let value = value.as_str().expect("checked").to_owned();
            let variant = value.to_upper_camel_case();
            if !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return fail(
                    location,
                    format!("value {value:?} gives no valid Rust variant name"),
                );
            }
            if variant == CATCH_ALL_VARIANT || !seen.insert(variant.clone()) {
                return fail(
                    location,
                    format!("value {value:?} gives a duplicate variant name {variant}"),
                );
            }
            let doc = crate::docs::enum_value(schema, &value);
            values.push(EnumValue {
                value,
                variant,
                doc,
            });
        }
        enums.push(StringEnum {
            name: name.clone(),
            rust_name: rust_type_name(name),
            values,
            doc: crate::docs::schema_text(name, schema),
        });
    }
    Ok(enums)
}

/// Members used only inside unions lose the tag property: the union writes and reads it.
fn strip_member_tags(doc: &mut Value, unions: &[Union]) -> Result<(), NormalizeError> {
    let mut strip: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for union in unions {
        for case in &union.cases {
            if !case.member_keeps_tag {
                strip
                    .entry(&case.member)
                    .or_default()
                    .insert(&union.property);
            }
        }
    }
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("checked");
    for (member, properties) in strip {
        let schema = schemas.get_mut(member).expect("members exist");
        for property in properties {
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                props.shift_remove(property);
            }
            if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|r| r != property);
            }
        }
    }
    Ok(())
}

/// The operations a build generates, and the `operationId`s it leaves out.
#[derive(Default)]
struct Selected {
    operations: Vec<Operation>,
    omitted_unstable: Vec<String>,
    omitted_by_category: Vec<String>,
}

/// Leaves out the operations `options` does not select, normalizes the others.
fn normalize_operations(doc: &mut Value, options: &Options) -> Result<Selected, NormalizeError> {
    let default_security = doc.get("security").cloned();
    let schemas = doc["components"]["schemas"].clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return fail("paths", "missing or not an object");
    };
    let mut selector = OperationSelector {
        options,
        schemas: &schemas,
        default_security: default_security.as_ref(),
        selected: Selected::default(),
        rust_names: HashMap::new(),
    };
    for (path, item) in paths.iter_mut() {
        selector.select_path_item(path, item)?;
    }
    paths.retain(|_, item| item.as_object().is_some_and(|o| !o.is_empty()));
    Ok(selector.selected)
}

/// Walks the path items, leaving out the operations a build does not select and normalizing
/// the others.
struct OperationSelector<'a> {
    options: &'a Options,
    /// `components.schemas`.
    schemas: &'a Value,
    /// The document's `security`.
    default_security: Option<&'a Value>,
    /// What has been selected so far.
    selected: Selected,
    /// The operation each selected Rust method name belongs to.
    rust_names: HashMap<String, String>,
}

impl OperationSelector<'_> {
    /// Selects and normalizes the operations of one path item, which is emptied when none is
    /// left.
    fn select_path_item(&mut self, path: &str, item: &mut Value) -> Result<(), NormalizeError> {
        let Some(item) = item.as_object_mut() else {
            return fail(format!("paths.{path}"), "path item is not an object");
        };
        if item.contains_key("$ref") {
            return fail(format!("paths.{path}"), "path item $ref is not supported");
        }
        let shared_params = item
            .get("parameters")
            .cloned()
            .unwrap_or(Value::Array(vec![]));
        let methods: Vec<String> = item
            .keys()
            .filter(|k| HttpMethod::parse(k).is_some())
            .cloned()
            .collect();
        for key in methods {
            self.select_operation(path, item, &key, &shared_params)?;
        }
        if !item.keys().any(|k| HttpMethod::parse(k).is_some()) {
            item.clear();
        }
        Ok(())
    }

    /// Removes the operation under `key` of a path item if the build leaves it out, normalizes
    /// it otherwise.
    fn select_operation(
        &mut self,
        path: &str,
        item: &mut Map<String, Value>,
        key: &str,
        shared_params: &Value,
    ) -> Result<(), NormalizeError> {
        let method = HttpMethod::parse(key).expect("filtered");
        let location = format!("{} {path}", method.as_str());
        let op = item.get_mut(key).expect("listed").as_object_mut();
        let Some(op) = op else {
            return fail(location, "operation is not an object");
        };
        let Some(id) = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return fail(location, "no operationId");
        };
        let unstable = op
            .get("x-portone-unstable")
            .is_some_and(|v| v != &Value::Bool(false));
        if unstable && !self.options.unstable {
            item.shift_remove(key);
            self.selected.omitted_unstable.push(id);
            return Ok(());
        }
        let category = op.get("x-portone-category").and_then(Value::as_str);
        if self
            .options
            .excluded_categories
            .contains(&top_category(category, path))
        {
            item.shift_remove(key);
            self.selected.omitted_by_category.push(id);
            return Ok(());
        }
        let context = OperationContext {
            location: &location,
            path,
            method,
            id: &id,
            shared_params,
            schemas: self.schemas,
            default_security: self.default_security,
            unstable,
        };
        let operation = context.normalize(op)?;
        self.add_selected(&location, operation)
    }

    /// Adds a normalized operation, whose Rust method name must be new.
    fn add_selected(&mut self, location: &str, operation: Operation) -> Result<(), NormalizeError> {
        if let Some(other) = self
            .rust_names
            .insert(operation.rust_name.clone(), operation.id.clone())
        {
            return fail(
                location,
                format!(
                    "method name {} collides with operation {other}",
                    operation.rust_name
                ),
            );
        }
        self.selected.operations.push(operation);
        Ok(())
    }
}

/// One operation to normalize, and what it is normalized against.
struct OperationContext<'a> {
    /// Where errors are reported, e.g. `GET /payments`.
    location: &'a str,
    /// The path template.
    path: &'a str,
    method: HttpMethod,
    /// The `operationId`.
    id: &'a str,
    /// The path item's `parameters`.
    shared_params: &'a Value,
    /// `components.schemas`.
    schemas: &'a Value,
    /// The document's `security`.
    default_security: Option<&'a Value>,
    /// Marked `x-portone-unstable`.
    unstable: bool,
}

/// An operation's parameters, sorted by where they go.
#[derive(Default)]
struct Parameters {
    /// The `content`-style `requestBody` query parameter: its schema and whether it is required.
    query_body: Option<(Value, bool)>,
    /// The parameters that stay in the spec: every one but the query body.
    kept: Vec<Value>,
    /// The `in: query` parameters.
    query: Vec<QueryParam>,
    /// The names of the `in: path` parameters.
    declared_path: Vec<String>,
}

/// A request body schema: the schema, whether it is required and whether it is sent in the
/// query string.
type BodySchema = (Value, bool, bool);

impl OperationContext<'_> {
    /// Rewrites `op` (parameters, request body, unstable note) and describes it.
    fn normalize(&self, op: &mut Map<String, Value>) -> Result<Operation, NormalizeError> {
        let params = self.sort_parameters(self.merged_parameters(op))?;
        op.insert("parameters".into(), Value::Array(params.kept));
        let path_params = self.check_path_params(&params.declared_path)?;
        let body = match self.body_schema(op, params.query_body)? {
            None => None,
            Some(body) => Some(self.request_body(body)?),
        };
        let success = success_body(self.location, op)?;
        let error_schema = op
            .get("x-portone-error")
            .and_then(ref_target)
            .map(str::to_owned);
        check_error_responses(self.location, op, error_schema.as_deref())?;
        let authenticated = match op.get("security").or(self.default_security) {
            Some(Value::Array(reqs)) => !reqs.is_empty(),
            _ => false,
        };
        if self.unstable {
            add_unstable_note(op);
        }
        Ok(Operation {
            id: self.id.to_owned(),
            rust_name: rust_method_name(self.id),
            method: self.method,
            path: self.path.to_owned(),
            path_params,
            query_params: params.query,
            body,
            success,
            error_schema,
            category: op
                .get("x-portone-category")
                .and_then(Value::as_str)
                .map(str::to_owned),
            authenticated,
            unstable: self.unstable,
            summary: op.get("summary").and_then(Value::as_str).map(str::to_owned),
        })
    }

    /// Path-level parameters first, overridden by operation-level ones of the same name.
    fn merged_parameters(&self, op: &Map<String, Value>) -> Vec<Value> {
        let mut params: Vec<Value> = self.shared_params.as_array().cloned().unwrap_or_default();
        for p in op
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            params.retain(|q| !(q.get("name") == p.get("name") && q.get("in") == p.get("in")));
            params.push(p);
        }
        params
    }

    /// Validates the parameters and sorts them by where they go.
    fn sort_parameters(&self, params: Vec<Value>) -> Result<Parameters, NormalizeError> {
        let location = self.location;
        let mut sorted = Parameters::default();
        for param in params {
            if param.get("$ref").is_some() {
                return fail(location, "parameter $ref is not supported");
            }
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let place = param
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let required = param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if let Some(content) = param.get("content") {
                let schema = self.query_body_schema(&name, &place, content)?;
                sorted.query_body = Some((schema, required));
                continue;
            }
            let Some(schema) = param.get("schema") else {
                return fail(
                    location,
                    format!("parameter {name} has neither `schema` nor `content`"),
                );
            };
            let mut schema = schema.clone();
            clean_schema(&format!("{location} parameter {name}"), &mut schema, false)?;
            match place.as_str() {
                "path" => sorted.declared_path.push(name.clone()),
                "query" => sorted.query.push(QueryParam {
                    name: name.clone(),
                    required,
                }),
                "header" => {}
                other => {
                    return fail(
                        location,
                        format!("parameter {name} in {other:?} is not supported"),
                    );
                }
            }
            sorted.kept.push(param);
        }
        Ok(sorted)
    }

    /// The schema of a `content`-style parameter, which only the JSON `requestBody` query
    /// parameter may be.
    fn query_body_schema(
        &self,
        name: &str,
        place: &str,
        content: &Value,
    ) -> Result<Value, NormalizeError> {
        let schema = content.pointer("/application~1json/schema");
        match (place, name, schema) {
            ("query", "requestBody", Some(schema)) => Ok(schema.clone()),
            _ => fail(
                self.location,
                format!(
                    "parameter {name} ({place}) uses `content`; only the JSON `requestBody` query parameter may"
                ),
            ),
        }
    }

    /// The path template's parameters, which must be exactly the declared path parameters.
    fn check_path_params(&self, declared: &[String]) -> Result<Vec<String>, NormalizeError> {
        let path_params = template_params(self.path);
        for p in &path_params {
            if !declared.contains(p) {
                return fail(
                    self.location,
                    format!("path parameter {{{p}}} is not declared"),
                );
            }
        }
        if let Some(p) = declared.iter().find(|p| !path_params.contains(p)) {
            return fail(
                self.location,
                format!("parameter {p} is declared in path but not in the template"),
            );
        }
        Ok(path_params)
    }

    /// The request body's schema, from the `requestBody` and the `requestBody` query parameter
    /// (which, alone, becomes the `requestBody`).
    fn body_schema(
        &self,
        op: &mut Map<String, Value>,
        query_body: Option<(Value, bool)>,
    ) -> Result<Option<BodySchema>, NormalizeError> {
        let body_schema = op.get("requestBody").map(|body| {
            let schema = body.pointer("/content/application~1json/schema").cloned();
            let required = body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            (schema, required)
        });
        match (body_schema, query_body) {
            (None, None) => Ok(None),
            (Some((None, _)), _) => fail(self.location, "request body is not application/json"),
            (Some((Some(schema), required)), query) => {
                if query
                    .as_ref()
                    .is_some_and(|(query_schema, _)| query_schema != &schema)
                {
                    return fail(
                        self.location,
                        "`requestBody` query parameter and request body have different schemas",
                    );
                }
                // A GET can never carry a body: PortOne reads it from the query string.
                let in_query = query.is_some() || self.method == HttpMethod::Get;
                Ok(Some((schema, required, in_query)))
            }
            (None, Some((schema, required))) => {
                op.insert(
                    "requestBody".into(),
                    serde_json::json!({
                        "content": {"application/json": {"schema": schema}},
                        "required": required,
                    }),
                );
                Ok(Some((schema, required, true)))
            }
        }
    }

    /// Describes a request body, whose schema must be a component `$ref`.
    fn request_body(&self, body: BodySchema) -> Result<RequestBody, NormalizeError> {
        let (schema, required, in_query) = body;
        let Some(name) = ref_target(&schema) else {
            return fail(self.location, "request body schema is not a component $ref");
        };
        let has_store_id = self.schemas[name].pointer("/properties/storeId").is_some();
        Ok(RequestBody {
            schema: name.to_owned(),
            required,
            placement: if in_query {
                BodyPlacement::Query
            } else {
                BodyPlacement::Json
            },
            has_store_id,
        })
    }
}

/// Puts [`UNSTABLE_NOTE`] first in an operation's description.
fn add_unstable_note(op: &mut Map<String, Value>) {
    let text = match op.get("description").and_then(Value::as_str) {
        Some(d) => format!("{UNSTABLE_NOTE}\n\n{d}"),
        None => UNSTABLE_NOTE.to_owned(),
    };
    op.insert("description".into(), Value::String(text));
}

/// Every non-2xx JSON response must use the operation's one error schema (`x-portone-error`):
/// the generated error type comes from those responses, the facade's from `x-portone-error`.
fn check_error_responses(
    location: &str,
    op: &Map<String, Value>,
    error_schema: Option<&str>,
) -> Result<(), NormalizeError> {
    let responses = op.get("responses").and_then(Value::as_object);
    for (code, response) in responses.into_iter().flatten() {
        if code.starts_with('2') {
            continue;
        }
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            continue;
        };
        let target = ref_target(schema);
        if target != error_schema {
            return fail(
                location,
                format!(
                    "response {code} uses {} but `x-portone-error` is {}",
                    target.unwrap_or("an inline schema"),
                    error_schema.unwrap_or("missing")
                ),
            );
        }
    }
    Ok(())
}

fn template_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn success_body(location: &str, op: &Map<String, Value>) -> Result<SuccessBody, NormalizeError> {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return fail(location, "no responses");
    };
    let Some((_, response)) = responses.iter().find(|(code, _)| code.starts_with('2')) else {
        return fail(location, "no 2xx response");
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok(SuccessBody::Empty);
    };
    if let Some(media) = content.get("application/json") {
        return match media.get("schema").and_then(ref_target) {
            Some(name) => Ok(SuccessBody::Json(name.to_owned())),
            None => fail(location, "success response schema is not a component $ref"),
        };
    }
    match content.keys().next() {
        Some(media_type) => Ok(SuccessBody::Bytes(media_type.clone())),
        None => Ok(SuccessBody::Empty),
    }
}
