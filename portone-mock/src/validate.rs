//! Validation of JSON values against the spec's OpenAPI 3.0 schemas, naming the JSON path of
//! every violation (`body.filter.status[2]: "PAIDX" is not one of ...`).

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Number, Value};

use portone_openapi::refs::component_of;

/// At most this many violations are reported for one request.
pub(crate) const MAX_VIOLATIONS: usize = 10;

/// One thing wrong with a request, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// `body.amount.total`, `query.storeId`, `path.paymentId`, `headers.authorization`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Violation {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Violation {
        Violation {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Validates values against the component schemas of one spec.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Validator<'a> {
    schemas: &'a Map<String, Value>,
    patterns: &'a HashMap<String, regex::Regex>,
    /// Reject object properties the schema does not declare (when it declares some).
    reject_unknown: bool,
}

/// A short description of a value for messages: `"PAIDX"`, `number 1.5`, `an object`.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A string in quotes, cut after 60 characters.
pub(crate) fn quote(s: &str) -> String {
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(60).collect();
        format!("{:?}...", cut)
    } else {
        format!("{s:?}")
    }
}

/// `"A", "B", "C"` (at most 12 values, then `... (N in all)`).
pub(crate) fn list_values<'v>(values: impl IntoIterator<Item = &'v str>) -> String {
    let values: Vec<&str> = values.into_iter().collect();
    let shown: Vec<String> = values.iter().take(12).map(|v| format!("{v:?}")).collect();
    if values.len() > 12 {
        format!("{}, ... ({} in all)", shown.join(", "), values.len())
    } else {
        shown.join(", ")
    }
}

/// Appends `.name` or `["odd name"]` to a JSON path.
pub(crate) fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str(&format!("[{key:?}]"));
    }
}

/// The integer value of a JSON number, if it has no fractional part.
fn integer_value(n: &Number) -> Option<i128> {
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    if let Some(u) = n.as_u64() {
        return Some(u.into());
    }
    let f = n.as_f64()?;
    // Beyond 2^100 the exact value does not matter: it is out of every range anyway.
    (f.is_finite() && f.fract() == 0.0).then(|| f.clamp(-1e30, 1e30) as i128)
}

/// The `$ref` string of a schema, whatever it points at (the caller reports unsupported ones).
fn ref_string(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()
}

impl<'a> Validator<'a> {
    pub fn new(
        schemas: &'a Map<String, Value>,
        patterns: &'a HashMap<String, regex::Regex>,
        reject_unknown: bool,
    ) -> Validator<'a> {
        Validator {
            schemas,
            patterns,
            reject_unknown,
        }
    }

    /// The violations of `schema` by `value` (a few more than [`MAX_VIOLATIONS`] at most),
    /// paths under `root`.
    pub fn check(&self, schema: &Value, value: &Value, root: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut path = root.to_owned();
        self.walk(schema, value, &mut path, None, None, &mut out);
        out
    }

    /// Whether `value` is valid against `schema`.
    pub fn is_valid(&self, schema: &Value, value: &Value) -> bool {
        self.check(schema, value, "").is_empty()
    }

    /// Resolves references; returns the schema and the last component name on the way.
    fn resolve(&self, mut schema: &'a Value) -> Result<(&'a Value, Option<&'a str>), String> {
        let mut name = None;
        for _ in 0..32 {
            let Some(target) = ref_string(schema) else {
                return Ok((schema, name));
            };
            let Some(component) = component_of(target) else {
                return Err(format!("unsupported $ref {target:?} in the spec"));
            };
            let Some(next) = self.schemas.get(component) else {
                return Err(format!("the spec has no schema {component}"));
            };
            name = Some(component);
            schema = next;
        }
        Err("$ref chain too long in the spec".into())
    }

    fn walk(
        &self,
        schema: &'a Value,
        value: &Value,
        path: &mut String,
        skip_property: Option<&str>,
        name: Option<&'a str>,
        out: &mut Vec<Violation>,
    ) {
        // One more than is shown, so that the message can say there are more.
        if out.len() > MAX_VIOLATIONS {
            return;
        }
        let (schema, resolved_name) = match self.resolve(schema) {
            Ok(found) => found,
            Err(problem) => {
                out.push(Violation::new(path.clone(), problem));
                return;
            }
        };
        let name = resolved_name.or(name);
        if value.is_null() {
            self.null(schema, path, out);
            return;
        }
        if let Some(members) = schema.get("oneOf").and_then(Value::as_array) {
            self.one_of(schema, members, value, path, name, out);
            return;
        }
        let before = out.len();
        let ty = schema.get("type").and_then(Value::as_str);
        match ty {
            Some("string") => self.string(schema, value, path, out),
            Some("integer") => self.integer(schema, value, path, out),
            Some("number") => self.number(schema, value, path, out),
            Some("boolean") => self.boolean(value, path, out),
            Some("array") => self.array(schema, value, path, out),
            Some("object") => self.object(schema, value, path, skip_property, name, out),
            None if declares_properties(schema) => {
                self.object(schema, value, path, skip_property, name, out)
            }
            None => {}
            Some(other) => out.push(Violation::new(
                path.clone(),
                format!("the spec uses an unknown type {other:?}"),
            )),
        }
        if out.len() == before {
            self.enumeration(schema, value, path, out);
        }
    }

    /// Reports a null where the schema does not allow one.
    fn null(&self, schema: &Value, path: &str, out: &mut Vec<Violation>) {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
            out.push(Violation::new(
                path,
                "null is not allowed here (omit the property instead)",
            ));
        }
    }

    /// Reports a value that is not one of the schema's `enum` values (if it has them).
    fn enumeration(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            let texts: Vec<String> = values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            out.push(Violation::new(
                path,
                format!(
                    "{} is not one of {}",
                    describe(value),
                    list_values(texts.iter().map(String::as_str))
                ),
            ));
        }
    }

    /// Checks a `oneOf`: by its discriminator if it has one, else by trying every member.
    fn one_of(
        &self,
        schema: &'a Value,
        members: &'a [Value],
        value: &Value,
        path: &mut String,
        name: Option<&'a str>,
        out: &mut Vec<Violation>,
    ) {
        let what = name.map_or_else(|| "the union".to_owned(), |n| n.to_owned());
        match schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)
        {
            Some(property) => {
                let union = TaggedUnion {
                    property,
                    cases: discriminator_cases(schema, members),
                    what,
                };
                self.tagged(&union, value, path, out);
            }
            None => self.untagged(members, value, path, &what, out),
        }
    }

    /// Checks a discriminated union: its tag picks the one member `value` must match.
    fn tagged(
        &self,
        union: &TaggedUnion<'a>,
        value: &Value,
        path: &mut String,
        out: &mut Vec<Violation>,
    ) {
        let Some(obj) = value.as_object() else {
            out.push(Violation::new(
                path.clone(),
                format!(
                    "expected an object ({}), got {}",
                    union.what,
                    describe(value)
                ),
            ));
            return;
        };
        let len = path.len();
        push_key(path, union.property);
        let case = union.case_for(obj.get(union.property), path, out);
        path.truncate(len);
        let Some((tag, target)) = case else {
            return;
        };
        let Some(member_schema) = self.member_schema(tag, target, path, out) else {
            return;
        };
        // The union owns the tag: the member's own declaration of it does not apply.
        self.walk(member_schema, value, path, Some(union.property), None, out);
    }

    /// The schema a discriminator case stands for: a mapping's `$ref` text resolved, or the
    /// member schema itself.
    fn member_schema(
        &self,
        tag: &str,
        target: &'a Value,
        path: &str,
        out: &mut Vec<Violation>,
    ) -> Option<&'a Value> {
        match target {
            Value::String(reference) => {
                match component_of(reference).and_then(|n| self.schemas.get_key_value(n)) {
                    Some((_, s)) => Some(s),
                    None => {
                        out.push(Violation::new(
                            path,
                            format!("the spec maps tag {tag:?} to unknown {reference}"),
                        ));
                        None
                    }
                }
            }
            member => Some(member),
        }
    }

    /// Checks a union without a discriminator: exactly one member must match.
    fn untagged(
        &self,
        members: &'a [Value],
        value: &Value,
        path: &str,
        what: &str,
        out: &mut Vec<Violation>,
    ) {
        let matching = members
            .iter()
            .filter(|m| {
                let mut inner = Vec::new();
                let mut p = path.to_owned();
                self.walk(m, value, &mut p, None, None, &mut inner);
                inner.is_empty()
            })
            .count();
        if matching != 1 {
            out.push(Violation::new(
                path,
                format!(
                    "matches {matching} of the {} alternatives of {what} (exactly one must match)",
                    members.len()
                ),
            ));
        }
    }

    /// Checks a number against its range.
    fn number(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
        match value.as_f64() {
            Some(n) => self.range(schema, n, path, out),
            None => out.push(Violation::new(
                path,
                format!("expected a number, got {}", describe(value)),
            )),
        }
    }

    /// Checks that a value is a boolean.
    fn boolean(&self, value: &Value, path: &str, out: &mut Vec<Violation>) {
        if !value.is_boolean() {
            out.push(Violation::new(
                path,
                format!("expected a boolean, got {}", describe(value)),
            ));
        }
    }

    fn string(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
        let Some(s) = value.as_str() else {
            out.push(Violation::new(
                path,
                format!("expected a string, got {}", describe(value)),
            ));
            return;
        };
        let format = schema.get("format").and_then(Value::as_str);
        if format == Some("date-time") && chrono::DateTime::parse_from_rfc3339(s).is_err() {
            out.push(Violation::new(
                path,
                format!(
                    "{} is not an RFC 3339 date-time (e.g. 2026-07-01T09:00:00+09:00)",
                    quote(s)
                ),
            ));
        }
        if format == Some("date")
            && (s.len() != 10 || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err())
        {
            out.push(Violation::new(
                path,
                format!("{} is not a date (YYYY-MM-DD)", quote(s)),
            ));
        }
        let chars = s.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && chars < min
        {
            out.push(Violation::new(
                path,
                format!("{} is shorter than {min} characters", quote(s)),
            ));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && chars > max
        {
            out.push(Violation::new(
                path,
                format!("{} is longer than {max} characters", quote(s)),
            ));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && let Some(re) = self.patterns.get(pattern)
            && !re.is_match(s)
        {
            out.push(Violation::new(
                path,
                format!("{} does not match the pattern {pattern:?}", quote(s)),
            ));
        }
    }

    fn integer(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
        let Some(n) = value.as_number().and_then(integer_value) else {
            out.push(Violation::new(
                path,
                format!("expected an integer, got {}", describe(value)),
            ));
            return;
        };
        let (lo, hi, format) = match schema.get("format").and_then(Value::as_str) {
            Some("int32") => (i32::MIN.into(), i32::MAX.into(), "int32"),
            Some("int64") => (i64::MIN.into(), i64::MAX.into(), "int64"),
            _ => (i128::MIN, i128::MAX, ""),
        };
        if n < lo || n > hi {
            out.push(Violation::new(
                path,
                format!("{n} is out of the {format} range [{lo}, {hi}]"),
            ));
            return;
        }
        self.range(schema, n as f64, path, out);
    }

    fn range(&self, schema: &Value, n: f64, path: &str, out: &mut Vec<Violation>) {
        let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            let bad = if exclusive("exclusiveMinimum") {
                n <= min
            } else {
                n < min
            };
            if bad {
                out.push(Violation::new(
                    path,
                    format!("{n} is below the minimum {min}"),
                ));
            }
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            let bad = if exclusive("exclusiveMaximum") {
                n >= max
            } else {
                n > max
            };
            if bad {
                out.push(Violation::new(
                    path,
                    format!("{n} is above the maximum {max}"),
                ));
            }
        }
    }

    fn array(&self, schema: &'a Value, value: &Value, path: &mut String, out: &mut Vec<Violation>) {
        let Some(items) = value.as_array() else {
            out.push(Violation::new(
                path.clone(),
                format!("expected an array, got {}", describe(value)),
            ));
            return;
        };
        let len = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && len < min
        {
            out.push(Violation::new(
                path.clone(),
                format!("has {len} items, at least {min} required"),
            ));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && len > max
        {
            out.push(Violation::new(
                path.clone(),
                format!("has {len} items, at most {max} allowed"),
            ));
        }
        if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    out.push(Violation::new(
                        format!("{path}[{i}]"),
                        "duplicates an earlier item (items must be unique)",
                    ));
                    break;
                }
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                self.walk(item_schema, item, path, None, None, out);
                path.truncate(len);
            }
        }
    }

    fn object(
        &self,
        schema: &'a Value,
        value: &Value,
        path: &mut String,
        skip_property: Option<&str>,
        name: Option<&'a str>,
        out: &mut Vec<Violation>,
    ) {
        let Some(obj) = value.as_object() else {
            let what = name.map(|n| format!(" ({n})")).unwrap_or_default();
            out.push(Violation::new(
                path.clone(),
                format!("expected an object{what}, got {}", describe(value)),
            ));
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(required) {
                let len = path.len();
                push_key(path, required);
                out.push(Violation::new(path.clone(), "required property is missing"));
                path.truncate(len);
            }
        }
        let additional = schema.get("additionalProperties");
        for (key, item) in obj {
            if Some(key.as_str()) == skip_property {
                continue;
            }
            let len = path.len();
            push_key(path, key);
            match (properties.and_then(|p| p.get(key)), additional) {
                (Some(prop), _) => self.walk(prop, item, path, None, None, out),
                (None, Some(Value::Bool(false))) => out.push(Violation::new(
                    path.clone(),
                    unknown_property(name, properties),
                )),
                (None, Some(extra)) if extra.is_object() => {
                    self.walk(extra, item, path, None, None, out)
                }
                (None, Some(_)) => {}
                (None, None) => {
                    if self.reject_unknown && properties.is_some_and(|p| !p.is_empty()) {
                        out.push(Violation::new(
                            path.clone(),
                            unknown_property(name, properties),
                        ))
                    }
                }
            }
            path.truncate(len);
        }
    }
}

/// Whether a schema without a `type` describes an object (it declares object keywords).
fn declares_properties(schema: &Value) -> bool {
    schema.get("properties").is_some()
        || schema.get("additionalProperties").is_some()
        || schema.get("required").is_some()
}

/// A discriminated `oneOf`: its tag property, tag -> member schema, and its name for messages.
struct TaggedUnion<'a> {
    property: &'a str,
    cases: Vec<(&'a str, &'a Value)>,
    what: String,
}

impl<'a> TaggedUnion<'a> {
    /// The case a tag value names, or `None` after reporting at `path` (the tag's) why not.
    fn case_for<'t>(
        &self,
        tag: Option<&'t Value>,
        path: &str,
        out: &mut Vec<Violation>,
    ) -> Option<(&'t str, &'a Value)> {
        let what = &self.what;
        let tag = match tag {
            None => {
                out.push(Violation::new(
                    path,
                    format!("missing (the tag of {what}: one of {})", self.tags()),
                ));
                return None;
            }
            Some(Value::String(tag)) => tag,
            Some(other) => {
                out.push(Violation::new(
                    path,
                    format!("expected a string tag, got {}", describe(other)),
                ));
                return None;
            }
        };
        match self.cases.iter().find(|c| c.0 == tag) {
            Some((_, target)) => Some((tag.as_str(), *target)),
            None => {
                out.push(Violation::new(
                    path,
                    format!(
                        "unknown tag {} of {what}: expected one of {}",
                        quote(tag),
                        self.tags()
                    ),
                ));
                None
            }
        }
    }

    /// The tags of the union, for messages.
    fn tags(&self) -> String {
        list_values(self.cases.iter().map(|c| c.0))
    }
}

/// Tag -> member schema of a discriminated union: the mapping, else the member component names.
fn discriminator_cases<'a>(schema: &'a Value, members: &'a [Value]) -> Vec<(&'a str, &'a Value)> {
    let mut cases: Vec<(&str, &'a Value)> = Vec::new();
    match schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
    {
        Some(mapping) => {
            for (tag, target) in mapping {
                cases.push((tag.as_str(), target));
            }
        }
        None => {
            for member in members {
                if let Some(n) = portone_openapi::refs::ref_name(member) {
                    cases.push((n, member));
                }
            }
        }
    }
    cases
}

fn unknown_property(name: Option<&str>, properties: Option<&Map<String, Value>>) -> String {
    let of = name.map(|n| format!(" of {n}")).unwrap_or_default();
    let known = properties
        .map(|p| list_values(p.keys().map(String::as_str)))
        .unwrap_or_default();
    format!("unknown property (not in the spec{of}, which declares {known})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Map<String, Value> {
        json!({
            "Status": {"type": "string", "enum": ["READY", "PAID"]},
            "Filter": {"type": "object", "properties": {
                "status": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}},
                "from": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date"},
                "count": {"type": "integer", "format": "int32"},
                "big": {"type": "integer", "format": "int64"},
                "bypass": {"type": "object"},
                "map": {"type": "object", "additionalProperties": {"type": "integer"}},
                "code": {"type": "string", "pattern": "^[0-9]{3}$", "maxLength": 3}
            }},
            "Body": {"type": "object", "required": ["filter", "method"], "properties": {
                "filter": {"$ref": "#/components/schemas/Filter"},
                "method": {"$ref": "#/components/schemas/Method"}
            }},
            "Method": {"oneOf": [
                {"$ref": "#/components/schemas/Card"},
                {"$ref": "#/components/schemas/Transfer"}
            ], "discriminator": {"propertyName": "type", "mapping": {
                "CARD": "#/components/schemas/Card",
                "TRANSFER": "#/components/schemas/Transfer"
            }}},
            "Card": {"type": "object", "required": ["type", "number"], "properties": {
                "type": {"type": "string", "enum": ["SOMETHING_ELSE"]},
                "number": {"type": "string"}
            }},
            "Transfer": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn check(value: Value, reject_unknown: bool) -> Vec<String> {
        let schemas = schemas();
        let mut patterns = HashMap::new();
        patterns.insert(
            "^[0-9]{3}$".to_owned(),
            regex::Regex::new("^[0-9]{3}$").unwrap(),
        );
        let v = Validator::new(&schemas, &patterns, reject_unknown);
        v.check(
            &json!({"$ref": "#/components/schemas/Body"}),
            &value,
            "body",
        )
        .into_iter()
        .map(|v| v.to_string())
        .collect()
    }

    #[test]
    fn valid_body_passes() {
        let errors = check(
            json!({"filter": {"status": ["READY", "PAID"], "from": "2026-07-01T09:00:00+09:00",
                "day": "2026-07-01", "count": 5, "big": 9007199254740993_i64,
                "bypass": {"anything": [1, {"x": null}]}, "map": {"a": 1}, "code": "123"},
                "method": {"type": "CARD", "number": "4111"}}),
            true,
        );
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn names_the_json_path() {
        let errors = check(
            json!({"filter": {"status": ["READY", "PAID", "PAIDX"]}, "method": {"type": "TRANSFER"}}),
            true,
        );
        assert_eq!(
            errors,
            vec![r#"body.filter.status[2]: "PAIDX" is not one of "READY", "PAID""#]
        );
    }

    #[test]
    fn reports_types_required_formats_and_ranges() {
        let errors = check(
            json!({"filter": {"from": "2026-07-01 09:00", "day": "2026-7-1", "count": 2147483648_i64,
                "big": 1.5, "map": {"a": "x"}, "code": "12a", "status": "READY"}}),
            true,
        );
        let text = errors.join("\n");
        for needle in [
            "body.method: required property is missing",
            r#"body.filter.from: "2026-07-01 09:00" is not an RFC 3339 date-time"#,
            r#"body.filter.day: "2026-7-1" is not a date"#,
            "body.filter.count: 2147483648 is out of the int32 range",
            "body.filter.big: expected an integer, got number 1.5",
            r#"body.filter.map.a: expected an integer, got "x""#,
            r#"body.filter.code: "12a" does not match the pattern"#,
            r#"body.filter.status: expected an array, got "READY""#,
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn unions_are_checked_by_tag() {
        let unknown = check(json!({"filter": {}, "method": {"type": "CASH"}}), true);
        assert_eq!(
            unknown,
            vec![
                r#"body.method.type: unknown tag "CASH" of Method: expected one of "CARD", "TRANSFER""#
            ]
        );
        let missing = check(json!({"filter": {}, "method": {"number": "1"}}), true);
        assert_eq!(
            missing,
            vec![r#"body.method.type: missing (the tag of Method: one of "CARD", "TRANSFER")"#]
        );
        // The union's tag wins over the member's own declaration of `type`.
        let member = check(json!({"filter": {}, "method": {"type": "CARD"}}), true);
        assert_eq!(
            member,
            vec!["body.method.number: required property is missing"]
        );
        let not_object = check(json!({"filter": {}, "method": "CARD"}), true);
        assert_eq!(
            not_object,
            vec![r#"body.method: expected an object (Method), got "CARD""#]
        );
    }

    #[test]
    fn unknown_properties_and_nulls() {
        let errors = check(
            json!({"filter": {"staus": []}, "method": {"type": "TRANSFER"}, "extra": null}),
            true,
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with(
                "body.filter.staus: unknown property (not in the spec of Filter, which declares \"status\""
            ),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("body.extra: unknown property"),
            "{errors:?}"
        );
        let lenient = check(
            json!({"filter": {"staus": []}, "method": {"type": "TRANSFER"}}),
            false,
        );
        assert!(lenient.is_empty(), "{lenient:?}");
        let null = check(
            json!({"filter": {"count": null}, "method": {"type": "TRANSFER"}}),
            true,
        );
        assert_eq!(
            null,
            vec!["body.filter.count: null is not allowed here (omit the property instead)"]
        );
    }

    #[test]
    fn odd_keys_are_quoted_in_paths() {
        let mut path = "body".to_owned();
        push_key(&mut path, "a b");
        push_key(&mut path, "ok");
        push_key(&mut path, "1x");
        assert_eq!(path, r#"body["a b"].ok["1x"]"#);
    }

    #[test]
    fn integers_accept_integral_floats_and_big_values() {
        let schemas = schemas();
        let patterns = HashMap::new();
        let v = Validator::new(&schemas, &patterns, true);
        let int64 = json!({"type": "integer", "format": "int64"});
        assert!(v.is_valid(&int64, &json!(9007199254740993_i64)));
        assert!(v.is_valid(&int64, &json!(3.0)));
        assert!(!v.is_valid(&int64, &json!(u64::MAX)));
        assert!(!v.is_valid(&int64, &json!(1e300)));
        assert!(!v.is_valid(&int64, &json!("1")));
    }
}
