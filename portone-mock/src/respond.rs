//! Response bodies: sampled from the spec (seeded), then shaped so that they say what the
//! request asked about (IDs echoed, standalone union members carrying their tag).

use portone_openapi::sample::{Fields, Sampler};
use serde_json::{Map, Value, json};

use crate::api::{Api, ErrorCase, Op};
use portone_openapi::refs::{ref_name, reference_to};

/// 64-bit FNV-1a over the parts (with separators): a stable seed for a request.
pub(crate) fn seed_of(base: u64, parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ base;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// What a response should repeat from its request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Echo {
    /// Properties set wherever they occur with a plain string schema (`paymentId`, `storeId`).
    pub fields: Vec<(String, String)>,
    /// `id` of objects whose component name ends with the stem (`Payment` for `paymentId`).
    pub resource_ids: Vec<(String, String)>,
    /// A path parameter named `id`: the `id` of the top-level object, or of its direct
    /// children when the top-level object has none (`{"partner": {"id": ...}}`).
    pub plain_id: Option<String>,
    /// Depth at which `plain_id` applies (set by [`Api::shape_component`]).
    plain_id_depth: usize,
}

impl Echo {
    /// Echo of path parameters and of top-level string fields of the request body that
    /// name things (`storeId`, `billingKey`, `*Id`).
    pub fn from_request(
        path: &[(String, String)],
        store_id: Option<&str>,
        body: Option<&Value>,
    ) -> Echo {
        let mut echo = Echo::default();
        if let Some(Value::Object(body)) = body {
            for (key, value) in body {
                if let Value::String(s) = value
                    && (key.ends_with("Id") || key == "billingKey")
                {
                    echo.fields.push((key.clone(), s.clone()));
                }
            }
        }
        if let Some(store) = store_id {
            echo.fields.retain(|(k, _)| k != "storeId");
            echo.fields.push(("storeId".into(), store.to_owned()));
        }
        for (name, value) in path {
            if name == "id" {
                // Every object has an `id`: only the named resource gets this one.
                echo.plain_id = Some(value.clone());
                continue;
            }
            echo.fields.retain(|(k, _)| k != name);
            echo.fields.push((name.clone(), value.clone()));
            if let Some(stem) = name.strip_suffix("Id").filter(|s| !s.is_empty()) {
                let mut chars = stem.chars();
                let first = chars.next().map(|c| c.to_ascii_uppercase());
                let stem: String = first.into_iter().chain(chars).collect();
                echo.resource_ids.push((stem, value.clone()));
            }
        }
        echo
    }

    fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Api {
    /// Whether a (resolved) schema takes any string: no enum, format or pattern.
    pub fn is_plain_string(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        schema.get("type").and_then(Value::as_str) == Some("string")
            && schema.get("enum").is_none()
            && schema.get("format").is_none()
            && schema.get("pattern").is_none()
            && schema.get("minLength").is_none()
            && schema.get("maxLength").is_none()
    }

    /// A sampled instance of a component (random optional fields, seeded).
    pub fn sample(&self, component: &str, seed: u64) -> Value {
        Sampler::new(&self.spec, seed, Fields::Random).component(component)
    }

    /// A sampled instance of a union case (random optional fields, seeded).
    pub fn sample_case(&self, union: &str, tag: &str, seed: u64) -> Option<Value> {
        Sampler::new(&self.spec, seed, Fields::Random).union_case(union, tag)
    }

    /// The success body of `op`, sampled and shaped.
    pub fn success_body(&self, component: &str, seed: u64, echo: &Echo) -> Value {
        let mut value = self.sample(component, seed);
        self.shape_component(component, &mut value, echo);
        value
    }

    /// Shapes a value of component `component` (see [`Api::shape`]).
    pub fn shape_component(&self, component: &str, value: &mut Value, echo: &Echo) {
        let schema = json!({ "$ref": reference_to(component) });
        let mut echo = echo.clone();
        echo.plain_id_depth = if value.get("id").is_some() { 0 } else { 1 };
        self.shape(&schema, value, &echo, 0, false, None);
    }

    /// Walks `value` along `schema`: standalone union members get their tag, echoed fields
    /// are set where their schema is a plain string.
    fn shape(
        &self,
        schema: &Value,
        value: &mut Value,
        echo: &Echo,
        depth: usize,
        in_array: bool,
        union: Option<&str>,
    ) {
        if depth > 64 {
            return;
        }
        let mut schema = schema;
        let mut component = None;
        while let Some(name) = ref_name(schema) {
            let Some(target) = self.schema(name) else {
                return;
            };
            component = Some(name);
            schema = target;
        }
        if let Some(discriminator) = portone_openapi::refs::Discriminator::of(schema) {
            let Some(tag) = value.get(discriminator.property).and_then(Value::as_str) else {
                return;
            };
            let Some(member) = discriminator.member(tag) else {
                return;
            };
            let Some(member_schema) = self.schema(member) else {
                return;
            };
            self.shape_object(
                member_schema,
                Some(member),
                value,
                echo,
                depth,
                in_array,
                component.or(union),
                true,
            );
            return;
        }
        match value {
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items {
                        self.shape(item_schema, item, echo, depth + 1, true, None);
                    }
                }
            }
            Value::Object(_) => {
                self.shape_object(schema, component, value, echo, depth, in_array, None, false)
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn shape_object(
        &self,
        schema: &Value,
        component: Option<&str>,
        value: &mut Value,
        echo: &Echo,
        depth: usize,
        in_array: bool,
        union: Option<&str>,
        via_union: bool,
    ) {
        let Some(obj) = value.as_object_mut() else {
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        // A union member used on its own still says which case it is.
        if !via_union
            && let Some((property, tag)) = component.and_then(|c| self.member_tags.get(c))
            && let Some(prop_schema) = properties.and_then(|p| p.get(property))
            && crate::validate::Validator::new(self.schemas(), &self.patterns, false)
                .is_valid(prop_schema, &Value::String(tag.clone()))
        {
            obj.insert(property.clone(), Value::String(tag.clone()));
        }
        if let Some(properties) = properties {
            for (key, prop_schema) in properties {
                let Some(item) = obj.get_mut(key) else {
                    continue;
                };
                if let Some(text) = echo.field(key)
                    && self.is_plain_string(prop_schema)
                {
                    *item = Value::String(text.to_owned());
                    continue;
                }
                self.shape(prop_schema, item, echo, depth + 1, in_array, None);
            }
        }
        if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            for (key, item) in obj.iter_mut() {
                if properties.is_some_and(|p| p.contains_key(key)) {
                    continue;
                }
                self.shape(extra, item, echo, depth + 1, in_array, None);
            }
        }
        let id_is_plain = properties
            .and_then(|p| p.get("id"))
            .is_some_and(|s| self.is_plain_string(s));
        if id_is_plain && !in_array && obj.contains_key("id") {
            let names = [component, union];
            if let Some((_, id)) = echo
                .resource_ids
                .iter()
                .find(|(stem, _)| names.iter().flatten().any(|n| n.ends_with(stem.as_str())))
            {
                obj.insert("id".into(), Value::String(id.clone()));
            } else if let Some(id) = &echo.plain_id
                && depth == echo.plain_id_depth
            {
                obj.insert("id".into(), Value::String(id.clone()));
            }
        }
    }

    /// The body of a documented error: the member's required fields, `type` = the tag and a
    /// `message`.
    pub fn error_body(&self, op: &Op, case: &ErrorCase, message: &str, seed: u64) -> Value {
        let mut sampler = Sampler::new(&self.spec, seed, Fields::Required);
        let union = op.error_union.as_deref().unwrap_or_default();
        let mut value = sampler
            .union_case(union, &case.tag)
            .unwrap_or_else(|| sampler.component(&case.member));
        let declares_message = self
            .schema(&case.member)
            .and_then(|m| m.pointer("/properties/message"))
            .is_some_and(|s| self.is_plain_string(s));
        if let Value::Object(obj) = &mut value {
            obj.insert("type".into(), Value::String(case.tag.clone()));
            if declares_message {
                obj.insert("message".into(), Value::String(message.to_owned()));
            }
        }
        value
    }
}

/// An error body outside any operation (unknown route): PortOne's `{type, message}` shape.
pub(crate) fn plain_error(tag: &str, message: &str) -> Value {
    let mut obj = Map::new();
    obj.insert("type".into(), Value::String(tag.to_owned()));
    obj.insert("message".into(), Value::String(message.to_owned()));
    Value::Object(obj)
}

/// A small deterministic CSV document for `text/csv` operations.
pub(crate) fn csv_body(op: &Op, seed: u64) -> String {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut text = String::from("id,operation,amount,createdAt\n");
    for i in 0..3 {
        let day = rng.u32(1..=28);
        text.push_str(&format!(
            "mock-{i}-{:06},{},{},2026-07-{day:02}T00:00:00Z\n",
            rng.u32(..1_000_000),
            op.id,
            rng.u32(1..1000) * 100
        ));
    }
    text
}
