//! The API-surface manifest on small inline specs, and the diff's model of Rust types checked
//! against what the generator really emits for PortOne's published specs.

mod common;

use common::published;
use portone_openapi::{Options, Spec, codegen, normalize, rust_type_name};
use portone_review::diff::object_fields;
use portone_review::surface::{Surface, SurfaceError, TypeKind};
use serde_json::{Value, json};

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn small_spec() -> Spec {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2.0.0"},
        "security": [{"portOne": []}],
        "paths": {
            "/things": {"get": {
                "operationId": "getThings",
                "parameters": [
                    {"name": "requestBody", "in": "query", "required": false,
                     "content": {"application/json": {"schema": r("ThingFilter")}}},
                    {"name": "storeId", "in": "query", "required": false, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": r("Things")}}},
                    "404": {"description": "nf", "content": {"application/json": {"schema": r("GetThingsError")}}}
                },
                "x-portone-error": r("GetThingsError"),
                "x-portone-category": "thing"
            }},
            "/things/{thingId}/ping": {"post": {
                "operationId": "pingThing",
                "parameters": [{"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "none"}},
                "security": [],
                "x-portone-unstable": true
            }}
        },
        "components": {"schemas": {
            "ThingFilter": {"type": "object", "properties": {
                "status": r("Status"), "from": {"type": "string", "format": "date-time"}}},
            "Things": {"type": "object", "required": ["items", "total"], "properties": {
                "items": {"type": "array", "items": r("Thing")},
                "total": {"type": "integer", "format": "int64"},
                "extra": {"type": "object", "additionalProperties": {"type": "string"}},
                "cursor": {"type": "string"}}},
            "Thing": {"oneOf": [r("BigThing"), r("SmallThing")], "discriminator": {"propertyName": "kind",
                "mapping": {"BIG": "#/components/schemas/BigThing", "SMALL": "#/components/schemas/SmallThing"}}},
            "BigThing": {"type": "object", "required": ["kind", "size"], "properties": {
                "kind": {"type": "string"}, "size": {"type": "integer", "format": "int32"}}},
            "SmallThing": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Status": {"type": "string", "enum": ["READY", "PAID"]},
            "GetThingsError": {"oneOf": [r("NotFoundError")], "discriminator": {"propertyName": "type",
                "mapping": {"NOT_FOUND": "#/components/schemas/NotFoundError"}}},
            "NotFoundError": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string"}, "message": {"type": "string"}}}
        }}
    });
    Spec::from_bytes(doc.to_string().as_bytes(), "small").unwrap()
}

#[test]
fn small_spec_surface_is_exact() {
    let surface = Surface::build(&small_spec()).unwrap();
    let text = surface.text();
    let sha = &small_spec().sha256[..12];
    let expected = format!(
        "spec 2.0.0 sha256:{sha} operations=2 unstable=1 types=9
client new(baseurl: &str, inner: crate::Inner) -> Self
client new_with_client(baseurl: &str, client: reqwest::Client, inner: crate::Inner) -> Self
op get_things(store_id: Option<&str>, body: &types::ThingFilter) -> Result<ResponseValue<types::Things>, Error<types::GetThingsError>> | GET /things | category thing | body in requestBody query | body optional
op ping_thing(thing_id: &str) -> Result<ResponseValue<()>, Error<()>> | POST /things/{{thingId}}/ping | unauthenticated | unstable
struct BigThing
field BigThing.size: i32
union GetThingsError tag \"type\"
case GetThingsError.NotFound(types::NotFoundError) = \"NOT_FOUND\"
struct NotFoundError: Default
field NotFoundError.message: Option<String>
newtype SmallThing(serde_json::Map<String, serde_json::Value>)
enum Status
value Status.Paid = \"PAID\"
value Status.Ready = \"READY\"
union Thing tag \"kind\"
case Thing.Big(types::BigThing) = \"BIG\"
case Thing.Small(types::SmallThing) = \"SMALL\"
struct ThingFilter: Default
field ThingFilter.from: Option<crate::Timestamp>
field ThingFilter.status: Option<types::Status>
struct Things
field Things.cursor: Option<String>
field Things.extra: HashMap<String, String> default
field Things.items: Vec<types::Thing>
field Things.total: i64
opaque error::ConversionError
call thing.get_things(body: &types::ThingFilter) -> Result<types::Things, Error<types::GetThingsError>>
setter thing.get_things.store_id(String)
call things.ping_thing(thing_id: &str) -> Result<(), Error<()>> | unstable
new BigThing(size: i32)
new NotFoundError()
new ThingFilter()
set ThingFilter.from(portone_client::Timestamp)
set ThingFilter.status(types::Status)
new Things(ThingsRequired {{ items: Vec<types::Thing>, total: i64 }})
accessor GetThingsError.message() -> Option<&str>
accessor Thing.size() -> Option<i32>
"
    );
    assert_eq!(text, expected, "\n{text}");
    assert_eq!(text, surface.to_string());
    let op = surface.operation("get_things").unwrap();
    assert_eq!(op.error.as_deref(), Some("types::GetThingsError"));
    assert!(op.body.as_ref().unwrap().in_query);
    assert!(matches!(
        surface.type_named("Thing").unwrap().kind,
        TypeKind::Union { .. }
    ));
}

#[test]
fn the_surface_is_deterministic() {
    let a = Surface::build(&small_spec()).unwrap().text();
    let b = Surface::build(&small_spec()).unwrap().text();
    assert_eq!(a, b);
}

#[test]
fn generated_code_that_disagrees_with_the_model_is_an_error() {
    let spec = small_spec();
    let normalized = normalize(&spec, &Options::everything()).unwrap();
    let generated = codegen::generate(&normalized).unwrap();

    // A method missing from `impl Client`.
    let mut missing = generated.clone();
    for item in &mut missing.client.items {
        if let syn::Item::Impl(imp) = item {
            imp.items
                .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "ping_thing"));
        }
    }
    let err = Surface::from_generated(&normalized, &missing, &spec.sha256, &Default::default())
        .unwrap_err();
    assert!(
        matches!(&err, SurfaceError::Unexpected { item, .. } if item == "Client::ping_thing"),
        "{err}"
    );

    // An item kind the reader does not know.
    let mut odd = generated.clone();
    for item in &mut odd.client.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
        {
            let extra: syn::Item = syn::parse_quote!(
                pub union Odd {
                    a: u32,
                }
            );
            m.content.as_mut().unwrap().1.push(extra);
        }
    }
    let err =
        Surface::from_generated(&normalized, &odd, &spec.sha256, &Default::default()).unwrap_err();
    assert!(err.to_string().contains("unexpected item"), "{err}");

    // A field type naming a type that does not exist.
    let mut unknown = generated;
    for item in &mut unknown.client.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
        {
            let extra: syn::Item = syn::parse_quote!(
                pub struct Holder {
                    pub x: Missing,
                }
            );
            m.content.as_mut().unwrap().1.push(extra);
        }
    }
    let err = Surface::from_generated(&normalized, &unknown, &spec.sha256, &Default::default())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "types::Holder.x: unknown type `Missing`",
        "{err}"
    );
}

#[test]
fn a_spec_the_normalizer_rejects_is_an_error() {
    let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"U": {"oneOf": [{"type": "string"}]}}}});
    let spec = Spec::from_bytes(doc.to_string().as_bytes(), "bad").unwrap();
    let err = Surface::build(&spec).unwrap_err();
    assert!(matches!(err, SurfaceError::Normalize(_)), "{err}");
    assert!(err.to_string().contains("components.schemas.U"), "{err}");
}

/// `diff::object_fields` predicts which fields are `Option<T>` (the rule that decides whether a
/// requiredness change is breaking) and which objects become map newtypes; the generator must
/// agree on every object of every published spec.
#[test]
fn the_diffs_rust_type_model_matches_the_generator() {
    for name in [
        "portone-v2.openapi.json",
        "history/2026-05-22.openapi.json",
        "history/2026-01-21.openapi.json",
    ] {
        let spec = published(name);
        let normalized = normalize(&spec, &Options::everything()).unwrap();
        let generated = codegen::generate(&normalized).unwrap();
        let surface =
            Surface::from_generated(&normalized, &generated, &spec.sha256, &Default::default())
                .unwrap();
        let mut checked = 0;
        for (schema_name, schema) in normalized.spec["components"]["schemas"]
            .as_object()
            .unwrap()
        {
            // Unions, enums and the timestamp are the SDK's own types, not generated structs.
            if schema.get("oneOf").is_some()
                || schema.get("enum").is_some()
                || schema_name == portone_openapi::normalize::TIMESTAMP_COMPONENT
            {
                continue;
            }
            let rust = rust_type_name(schema_name);
            let ty = surface
                .type_named(&rust)
                .unwrap_or_else(|| panic!("{name}: {rust}"));
            let predicted = object_fields(schema);
            match &ty.kind {
                TypeKind::Struct { fields, .. } => {
                    for f in fields {
                        let info = &predicted[&f.wire];
                        assert_eq!(
                            info.rust_option,
                            f.ty.starts_with("Option<"),
                            "{name}: {rust}.{} is {} ({info:?})",
                            f.name,
                            f.ty
                        );
                        checked += 1;
                    }
                }
                TypeKind::Newtype { .. } => {
                    assert!(predicted.is_empty(), "{name}: {rust} is a newtype");
                }
                other => panic!("{name}: {rust} is {other:?}"),
            }
        }
        assert!(checked > 2500, "{name}: only {checked} fields checked");
    }
}
