//! The spec's words reach the generated docs: on a small spec, item by item; on every published
//! spec, as counted by `doc_coverage` (100% of what the spec documents).

mod common;

use common::published;
use portone_openapi::codegen::Generated;
use portone_openapi::{Normalized, Options, Spec, codegen, normalize};
use portone_review::doc_coverage::Coverage;
use serde_json::{Value, json};

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn spec_of(doc: Value) -> Spec {
    Spec::from_bytes(doc.to_string().as_bytes(), "small").unwrap()
}

fn small_doc() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2.0.0"},
        "security": [{"portOne": []}],
        "paths": {
            "/things/{thingId}": {"get": {
                "operationId": "getThing",
                "summary": "물건 조회",
                "description": "물건 조회\n\n아이디로 물건을 조회합니다.",
                "parameters": [
                    {"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"},
                     "description": "물건 아이디"},
                    {"name": "storeId", "in": "query", "required": false, "schema": {"type": "string"},
                     "description": "상점 아이디"},
                    {"name": "verbose", "in": "query", "required": false, "schema": {"type": "boolean"},
                     "title": "자세히"}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": r("Thing")}}},
                    "404": {"description": "nf", "content": {"application/json": {"schema": r("GetThingError")}}}
                },
                "x-portone-error": r("GetThingError"),
                "x-portone-category": "thing"
            }}
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "title": "물건", "required": ["status", "owner"], "properties": {
                "status": r("Status"),
                "owner": {"$ref": "#/components/schemas/Owner", "title": "소유자"},
                "tags": {"type": "array", "items": r("Owner")},
                "note": {"type": "string", "title": "메모", "description": "[주의] 자유 입력"}}},
            "Owner": {"type": "object", "title": "소유자 정보", "properties": {"name": {"type": "string"}}},
            "Status": {"type": "string", "title": "상태", "enum": ["READY", "PAID"],
                "x-portone-enum": {"READY": {"title": "준비"}, "PAID": {"title": "결제 완료"}}},
            "GetThingError": {"oneOf": [r("NotFoundError")], "discriminator": {"propertyName": "type",
                "mapping": {"NOT_FOUND": "#/components/schemas/NotFoundError"}}},
            "NotFoundError": {"type": "object", "title": "물건이 없는 경우", "required": ["type"],
                "x-portone-status-code": 404,
                "properties": {"type": {"type": "string"}, "message": {"type": "string"}}}
        }}
    })
}

fn generate(doc: Value) -> (Normalized, Generated) {
    let normalized = normalize(&spec_of(doc), &Options::everything()).unwrap();
    let generated = codegen::generate(&normalized).unwrap();
    (normalized, generated)
}

fn first_method_doc(normalized: &Normalized, generated: &Generated) -> String {
    let calls = generated.calls(&normalized.model).unwrap();
    codegen::method_doc(normalized, &calls[0])
}

fn text(file: &syn::File) -> String {
    codegen::Generated::text(file)
}

#[test]
fn fields_types_values_and_cases_carry_the_specs_words() {
    let (_, generated) = generate(small_doc());
    let client = text(&generated.client);
    let open = text(&generated.open_types);
    // The struct's title; a field's own title beside a `$ref`; a field without words borrows
    // its schema's (an array's items too); brackets are escaped for rustdoc.
    assert!(client.contains("/// 물건\n"), "{client}");
    assert!(client.contains("/// 소유자\n"), "{client}");
    assert!(client.contains("/// 소유자 정보\n"), "{client}");
    assert!(client.contains("/// 상태\n"), "{client}");
    assert!(client.contains(r"/// 메모"), "{client}");
    assert!(client.contains(r"/// \[주의\] 자유 입력"), "{client}");
    // Enum values and union cases.
    assert!(
        open.contains("\"준비\"") && open.contains("\"결제 완료\""),
        "{open}"
    );
    assert!(
        open.contains("물건이 없는 경우\\n\\nHTTP status 404."),
        "{open}"
    );
    assert!(
        open.contains("The errors PortOne documents for `get_thing` (`GET /things/{thingId}`)"),
        "{open}"
    );
    // The fields of `...Required` repeat the field's words.
    assert!(open.contains("`owner`.\n\n소유자"), "{open}");
}

#[test]
fn a_facade_method_documents_arguments_setters_errors_and_an_example() {
    let (normalized, generated) = generate(small_doc());
    let doc = first_method_doc(&normalized, &generated);
    assert!(
        doc.starts_with("물건 조회\n\n아이디로 물건을 조회합니다."),
        "{doc}"
    );
    assert!(
        doc.contains("- `thing_id` (`thingId`, path): 물건 아이디"),
        "{doc}"
    );
    assert!(
        doc.contains("- `.verbose(..)` (`verbose`): 자세히"),
        "{doc}"
    );
    assert!(doc.contains("- `.store_id(..)` (`storeId`)"), "{doc}");
    assert!(
        doc.contains(
            "| [`NotFound`](crate::types::GetThingError::NotFound) | 404 | 물건이 없는 경우 |"
        ),
        "{doc}"
    );
    assert!(
        doc.contains("portone.thing().get_thing(\"thing-id\").await?"),
        "{doc}"
    );
    // A GET changes nothing: no recovery section.
    assert!(!doc.contains("# When the outcome is unknown"), "{doc}");
    let coverage = Coverage::measure(&normalized, &generated).unwrap();
    assert!(coverage.complete(), "{coverage}");
}

#[test]
fn an_unstable_operation_says_so_after_its_summary() {
    let mut doc = small_doc();
    doc["paths"]["/things/{thingId}"]["get"]["x-portone-unstable"] = json!(true);
    let (normalized, generated) = generate(doc);
    let doc = first_method_doc(&normalized, &generated);
    assert!(
        doc.starts_with("물건 조회\n\n**Unstable** (`x-portone-unstable`)"),
        "{doc}"
    );
    assert_eq!(doc.matches("물건 조회").count(), 1, "{doc}");
    assert!(doc.contains("아이디로 물건을 조회합니다."), "{doc}");
    // The types only unstable operations use say so too.
    let client = text(&generated.client);
    assert!(
        client.contains("/// **Unstable**: only `x-portone-unstable` operations use"),
        "{client}"
    );
}

#[test]
fn coverage_counts_what_is_missing() {
    let (normalized, mut generated) = generate(small_doc());
    // Strip every doc of the generated structs: the struct and field figures must drop.
    struct Strip;
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Strip, &mut generated.client);
    let coverage = Coverage::measure(&normalized, &generated).unwrap();
    let fields = coverage
        .figures
        .iter()
        .find(|f| f.what == "struct fields")
        .unwrap();
    assert_eq!(fields.documented, 0, "{coverage}");
    assert_eq!(fields.documentable, 4, "{coverage}");
    assert!(!coverage.complete());
}

/// Everything the spec documents is documented, in every published spec.
#[test]
fn every_published_spec_is_fully_documented() {
    for name in [
        "portone-v2.openapi.json",
        "history/2026-05-22.openapi.json",
        "history/2026-01-21.openapi.json",
        "history/2025-07-28.openapi.json",
    ] {
        let normalized = normalize(&published(name), &Options::everything()).unwrap();
        let generated = codegen::generate(&normalized).unwrap();
        let coverage = Coverage::measure(&normalized, &generated).unwrap();
        println!("{name}\n{coverage}");
        assert!(coverage.complete(), "{name}\n{coverage}");
    }
}
