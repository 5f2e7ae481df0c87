//! Instances of spec schemas, for tests, the mock server and benchmarks.
//!
//! Works on the spec as published (not normalized): union members get their tag from the
//! union. Deterministic for a given seed.

use serde_json::{Map, Value, json};

/// Which optional properties an instance gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    /// Only required properties.
    Required,
    /// Every property.
    All,
    /// Required properties, and each optional one with probability 1/2.
    Random,
}

/// Generates JSON instances of the schemas of one spec document.
#[derive(Debug)]
pub struct Sampler<'a> {
    schemas: &'a Map<String, Value>,
    /// For union members that declare their union's tag property: (property, tag).
    member_tags: std::collections::HashMap<&'a str, (&'a str, &'a str)>,
    rng: fastrand::Rng,
    fields: Fields,
    depth: usize,
}

const MAX_DEPTH: usize = 48;

impl<'a> Sampler<'a> {
    /// A sampler over the component schemas of `spec` (a whole OpenAPI document).
    pub fn new(spec: &'a Value, seed: u64, fields: Fields) -> Sampler<'a> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let mut member_tags = std::collections::HashMap::new();
        for schema in schemas.values() {
            let Some(discriminator) = crate::refs::Discriminator::of(schema) else {
                continue;
            };
            let property = discriminator.property;
            for (tag, member) in discriminator.cases() {
                let Some(member) = member else {
                    continue;
                };
                let declares = schemas
                    .get(member)
                    .and_then(|m| m.get("properties"))
                    .is_some_and(|props| props.get(property).is_some());
                if declares {
                    member_tags.entry(member).or_insert((property, tag));
                }
            }
        }
        Sampler {
            schemas,
            member_tags,
            rng: fastrand::Rng::with_seed(seed),
            fields,
            depth: 0,
        }
    }

    /// Restarts the random sequence (cheaper than a new sampler for the same spec).
    pub fn reseed(&mut self, seed: u64) -> &mut Self {
        self.rng.seed(seed);
        self
    }

    /// Chooses which optional properties instances get.
    pub fn fields(&mut self, fields: Fields) -> &mut Self {
        self.fields = fields;
        self
    }

    /// An instance of component `name` (`Null` if there is no such component). A union member
    /// that declares its union's tag property gets its tag (as when it is used on its own).
    pub fn component(&mut self, name: &str) -> Value {
        let Some(schema) = self.schemas.get(name) else {
            return Value::Null;
        };
        let mut value = self.schema(schema);
        if let (Some((property, tag)), Some(object)) =
            (self.member_tags.get(name), value.as_object_mut())
        {
            object.insert((*property).to_owned(), Value::String((*tag).to_owned()));
        }
        value
    }

    /// An instance of union `union` for the case `tag` (`None` if either is unknown).
    pub fn union_case(&mut self, union: &str, tag: &str) -> Option<Value> {
        let discriminator = crate::refs::Discriminator::of(self.schemas.get(union)?)?;
        let mut value = self.component(discriminator.member(tag)?);
        value.as_object_mut()?.insert(
            discriminator.property.to_owned(),
            Value::String(tag.to_owned()),
        );
        Some(value)
    }

    /// An instance of `schema`.
    pub fn schema(&mut self, schema: &Value) -> Value {
        if self.depth > MAX_DEPTH {
            return Value::Null;
        }
        self.depth += 1;
        let value = self.schema_inner(schema);
        self.depth -= 1;
        value
    }

    fn schema_inner(&mut self, schema: &Value) -> Value {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let name = crate::refs::component_of(target).unwrap_or(target);
            return self.component(name);
        }
        if let Some(discriminator) = crate::refs::Discriminator::of(schema) {
            let cases: Vec<(&str, Option<&str>)> = discriminator.cases().collect();
            if cases.is_empty() {
                return json!({});
            }
            let (tag, member) = cases[self.rng.usize(..cases.len())];
            let mut value = match member {
                Some(member) => self.component(member),
                None => json!({}),
            };
            if let Some(obj) = value.as_object_mut() {
                obj.insert(
                    discriminator.property.to_owned(),
                    Value::String(tag.to_owned()),
                );
            }
            return value;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if values.is_empty() {
                return Value::Null;
            }
            return values[self.rng.usize(..values.len())].clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => self.string(schema.get("format").and_then(Value::as_str)),
            Some("integer") => json!(self.rng.i64(0..100_000)),
            Some("number") => json!(self.rng.u32(0..100_000) as f64 / 100.0),
            Some("boolean") => json!(self.rng.bool()),
            Some("array") => {
                let n = match self.fields {
                    Fields::Random => self.rng.usize(1..=3),
                    _ => 1,
                };
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..n).map(|_| self.schema(&items)).collect())
            }
            _ => self.object(schema),
        }
    }

    fn object(&mut self, schema: &Value) -> Value {
        let mut out = Map::new();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let include = required.contains(&name.as_str())
                    || match self.fields {
                        Fields::Required => false,
                        Fields::All => self.depth < MAX_DEPTH / 2,
                        Fields::Random => self.depth < MAX_DEPTH / 2 && self.rng.bool(),
                    };
                if include {
                    let value = self.schema(prop);
                    out.insert(name.clone(), value);
                }
            }
        }
        if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            let value = self.schema(additional);
            out.insert(format!("key{}", self.rng.u8(..)), value);
        }
        Value::Object(out)
    }

    fn string(&mut self, format: Option<&str>) -> Value {
        let day = self.rng.u32(1..=28);
        let hour = self.rng.u32(0..24);
        let minute = self.rng.u32(0..60);
        match format {
            Some("date-time") => json!(format!("2026-07-{day:02}T{hour:02}:{minute:02}:00Z")),
            Some("date") => json!(format!("2026-07-{day:02}")),
            _ => json!(format!("sample-{}", self.rng.u32(..1_000_000))),
        }
    }
}
