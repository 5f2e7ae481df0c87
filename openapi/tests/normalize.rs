//! The normalizer on small inline specs.

use portone_openapi::{BodyPlacement, Options, Spec, SuccessBody, normalize};
use serde_json::{Value, json};

fn spec(paths: Value, schemas: Value) -> Spec {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "9.9.9"},
        "paths": paths,
        "components": {"schemas": schemas},
    });
    Spec::from_bytes(doc.to_string().as_bytes(), "inline").unwrap()
}

fn ok_response(schema: &str) -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

fn base_schemas() -> Value {
    json!({
        "Body": {"type": "object", "properties": {"storeId": {"type": "string"}, "page": {"type": "integer"}}},
        "Resp": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}, "properties": {"junk": {}}}}},
        "Status": {"type": "string", "enum": ["READY", "PAID", "UNKNOWN"]},
        "Paid": {"type": "object", "required": ["status", "id", "id"], "properties": {"status": {"type": "string"}, "id": {"type": "string"}}},
        "Ready": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
        "Payment": {
            "oneOf": [{"$ref": "#/components/schemas/Paid"}, {"$ref": "#/components/schemas/Ready"}],
            "discriminator": {"propertyName": "status", "mapping": {
                "PAID": "#/components/schemas/Paid", "READY": "#/components/schemas/Ready"}}
        },
        "Holder": {"type": "object", "properties": {"ready": {"$ref": "#/components/schemas/Ready"}}}
    })
}

fn list_op() -> Value {
    json!({"/things": {"get": {
        "operationId": "getThings",
        "parameters": [
            {"name": "requestBody", "in": "query", "required": false,
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}},
            {"name": "storeId", "in": "query", "required": false, "schema": {"type": "string"}}
        ],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}, "required": false},
        "responses": ok_response("Resp"),
        "security": [{"portOne": []}],
        "x-portone-category": "payment"
    }}})
}

#[test]
fn query_body_parameter_becomes_a_typed_body() {
    let n = normalize(&spec(list_op(), base_schemas()), &Options::default()).unwrap();
    let op = n.model.operation("getThings").unwrap();
    assert_eq!(op.rust_name, "get_things");
    let body = op.body.as_ref().unwrap();
    assert_eq!(body.placement, BodyPlacement::Query);
    assert_eq!(body.schema, "Body");
    assert!(!body.required);
    assert!(body.has_store_id);
    assert!(op.has_store_id_query());
    assert!(op.authenticated);
    assert_eq!(op.category.as_deref(), Some("payment"));
    assert_eq!(op.success, SuccessBody::Json("Resp".into()));
    let params = n.spec.pointer("/paths/~1things/get/parameters").unwrap();
    assert_eq!(
        params.as_array().unwrap().len(),
        1,
        "only storeId is left: {params}"
    );
}

#[test]
fn query_only_body_is_created_with_its_requiredness() {
    let paths = json!({"/report": {"get": {
        "operationId": "getReport",
        "parameters": [{"name": "requestBody", "in": "query", "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}}],
        "responses": ok_response("Resp")
    }}});
    let n = normalize(&spec(paths, base_schemas()), &Options::default()).unwrap();
    let op = n.model.operation("getReport").unwrap();
    assert!(op.body.as_ref().unwrap().required);
    assert!(op.body_in_query());
    assert!(!op.authenticated);
    assert_eq!(
        n.spec.pointer("/paths/~1report/get/requestBody/required"),
        Some(&json!(true))
    );
}

#[test]
fn mismatched_query_and_body_schemas_fail() {
    let mut paths = list_op();
    paths["/things"]["get"]["requestBody"]["content"]["application/json"]["schema"]["$ref"] =
        json!("#/components/schemas/Resp");
    let err = normalize(&spec(paths, base_schemas()), &Options::default()).unwrap_err();
    assert_eq!(err.location, "GET /things");
    assert!(err.problem.contains("different schemas"), "{err}");
}

#[test]
fn unions_and_enums_are_described_and_members_lose_the_tag() {
    let n = normalize(&spec(list_op(), base_schemas()), &Options::default()).unwrap();
    let union = &n.model.unions[0];
    assert_eq!(union.name, "Payment");
    assert_eq!(union.property, "status");
    let cases: Vec<_> = union
        .cases
        .iter()
        .map(|c| (c.tag.as_str(), c.variant.as_str(), c.member_keeps_tag))
        .collect();
    // `Ready` is also used on its own by `Holder`, so it keeps its tag property.
    assert_eq!(cases, [("PAID", "Paid", false), ("READY", "Ready", true)]);
    let paid = &n.spec["components"]["schemas"]["Paid"];
    assert!(paid["properties"].get("status").is_none());
    assert_eq!(
        paid["required"],
        json!(["id"]),
        "tag removed and duplicates dropped"
    );
    let ready = &n.spec["components"]["schemas"]["Ready"];
    assert!(ready["properties"].get("status").is_some());

    let status = &n.model.enums[0];
    let variants: Vec<_> = status.values.iter().map(|v| v.variant.as_str()).collect();
    assert_eq!(variants, ["Ready", "Paid", "Unknown"]);
    // stray `properties` on an array is dropped
    assert!(
        n.spec["components"]["schemas"]["Resp"]["properties"]["items"]
            .get("properties")
            .is_none()
    );
}

#[test]
fn member_name_tags_lose_the_union_prefix() {
    let mut schemas = base_schemas();
    schemas["PaymentMethod"] = json!({
        "oneOf": [{"$ref": "#/components/schemas/PaymentMethodCard"}],
        "discriminator": {"propertyName": "type", "mapping": {"PaymentMethodCard": "#/components/schemas/PaymentMethodCard"}}
    });
    schemas["PaymentMethodCard"] =
        json!({"type": "object", "properties": {"type": {"type": "string"}}});
    let n = normalize(&spec(list_op(), schemas), &Options::default()).unwrap();
    let union = n
        .model
        .unions
        .iter()
        .find(|u| u.name == "PaymentMethod")
        .unwrap();
    assert_eq!(union.cases[0].variant, "Card");
}

#[test]
fn unstable_operations_are_dropped_or_documented() {
    let mut paths = list_op();
    paths["/things"]["get"]["x-portone-unstable"] = json!(true);
    paths["/things"]["get"]["description"] = json!("desc");
    let s = spec(paths, base_schemas());
    let n = normalize(&s, &Options::default()).unwrap();
    assert!(n.model.operations.is_empty());
    assert_eq!(n.model.omitted_unstable, ["getThings"]);
    assert!(n.spec["paths"].get("/things").is_none());

    let n = normalize(&s, &Options::everything()).unwrap();
    assert!(n.model.operations[0].unstable);
    let desc = n
        .spec
        .pointer("/paths/~1things/get/description")
        .unwrap()
        .as_str()
        .unwrap();
    assert!(
        desc.starts_with("**Unstable**") && desc.ends_with("desc"),
        "{desc}"
    );
}

#[test]
fn left_out_categories_take_only_their_own_schemas_with_them() {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let op = |id: &str, category: Option<&str>, response: &str| {
        let mut op = json!({"operationId": id, "responses": ok_response(response)});
        if let Some(category) = category {
            op["x-portone-category"] = json!(category);
        }
        op
    };
    let paths = json!({
        "/payments/{id}": {"get": op("getPayment", Some("payment.billingKey"), "PaymentResp"),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]},
        "/platform/setting": {"get": op("getPlatformSetting", None, "PlatformResp")},
        "/login/api-secret": {"post": op("login", Some("auth"), "Shared")},
    });
    let schemas = json!({
        "PaymentResp": {"type": "object", "properties": {"shared": r("Shared"), "status": r("Status")}},
        "PlatformResp": {"type": "object", "properties": {"shared": r("Shared"), "only": r("PlatformOnly"), "kind": r("Kind")}},
        "PlatformOnly": {"type": "object", "properties": {"deep": r("PlatformDeep")}},
        "PlatformDeep": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}},
        "Shared": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Status": {"type": "string", "enum": ["PAID"]},
        "Kind": {"type": "string", "enum": ["A"]},
        "Orphan": {"type": "object", "properties": {"x": {"type": "string"}}},
    });
    let s = spec(paths, schemas);
    let all = normalize(&s, &Options::default()).unwrap();
    assert_eq!(all.model.operations.len(), 3);
    assert_eq!(all.model.omitted_schemas, 0);

    let options = Options {
        excluded_categories: ["platform".to_owned()].into(),
        ..Options::default()
    };
    let n = normalize(&s, &options).unwrap();
    let ids: Vec<&str> = n.model.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["getPayment", "login"]);
    // An operation without a category belongs to the first segment of its path.
    assert_eq!(n.model.omitted_by_category, ["getPlatformSetting"]);
    let kept: Vec<&String> = n.spec["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    // Only PlatformResp, PlatformOnly, PlatformDeep and Kind went; the timestamp component went
    // with PlatformDeep; a schema no operation ever used (Orphan) stays.
    assert_eq!(kept, ["PaymentResp", "Shared", "Status", "Orphan"]);
    assert_eq!(n.model.omitted_schemas, 5);
    assert_eq!(
        n.model
            .enums
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["Status"]
    );
    assert!(n.spec["paths"].get("/platform/setting").is_none());

    let options = Options {
        excluded_categories: ["payment".to_owned(), "platform".to_owned()].into(),
        ..Options::default()
    };
    let n = normalize(&s, &options).unwrap();
    assert_eq!(n.model.operations.len(), 1, "auth stays: it has no feature");
}

fn expect_error(paths: Value, schemas: Value, location: &str, needle: &str) {
    let err = normalize(&spec(paths, schemas), &Options::default()).unwrap_err();
    assert_eq!(err.location, location, "{err}");
    assert!(err.problem.contains(needle), "{err} / {needle}");
}

// Long by design: a list of cases, each a schema and the one-line error it must produce.
#[test]
fn constructs_it_does_not_understand_are_named() {
    let mut s = base_schemas();
    s["Weird"] = json!({"anyOf": [{"type": "string"}]});
    expect_error(
        list_op(),
        s,
        "components.schemas.Weird",
        "unsupported schema keyword `anyOf`",
    );

    let mut s = base_schemas();
    s["Body"]["properties"]["kind"] = json!({"type": "string", "enum": ["A"]});
    expect_error(
        list_op(),
        s,
        "components.schemas.Body.properties.kind",
        "inline `enum`",
    );

    let mut s = base_schemas();
    s["Payment"]["discriminator"]["mapping"] = json!({"PAID": "#/components/schemas/Paid"});
    expect_error(
        list_op(),
        s,
        "components.schemas.Payment",
        "member Ready has no tag",
    );

    let mut s = base_schemas();
    s["Payment"]["discriminator"] = json!({});
    expect_error(
        list_op(),
        s,
        "components.schemas.Payment",
        "without a discriminator",
    );

    let mut s = base_schemas();
    s["Payment"]["oneOf"][1] = json!({"$ref": "#/components/schemas/Status"});
    s["Payment"]["discriminator"]["mapping"]["READY"] = json!("#/components/schemas/Status");
    expect_error(
        list_op(),
        s,
        "components.schemas.Payment",
        "member Status is a enum",
    );

    let mut s = base_schemas();
    s["Holder"]["properties"]["x"] = json!({"$ref": "#/components/schemas/Missing"});
    expect_error(
        list_op(),
        s,
        ".components.schemas.Holder.properties.x",
        "unresolved",
    );

    let mut s = base_schemas();
    s["Status"]["enum"] = json!(["PAY_PENDING", "PAY__PENDING"]);
    expect_error(
        list_op(),
        s,
        "components.schemas.Status",
        "duplicate variant name PayPending",
    );

    let mut s = base_schemas();
    s["Status"]["enum"] = json!(["UNRECOGNIZED"]);
    expect_error(
        list_op(),
        s,
        "components.schemas.Status",
        "duplicate variant name Unrecognized",
    );

    let mut s = base_schemas();
    s["Status"]["enum"] = json!([1, 2]);
    expect_error(list_op(), s, "components.schemas.Status", "`enum` must be");

    let mut p = list_op();
    p["/things"]["get"]["parameters"][1]["content"] = json!({"application/json": {}});
    p["/things"]["get"]["parameters"][1]
        .as_object_mut()
        .unwrap()
        .remove("schema");
    expect_error(
        p,
        base_schemas(),
        "GET /things",
        "parameter storeId (query) uses `content`",
    );

    let mut p = list_op();
    p["/things/{id}"] = p["/things"].clone();
    p["/things/{id}"]["get"]["operationId"] = json!("getThing");
    expect_error(
        p,
        base_schemas(),
        "GET /things/{id}",
        "path parameter {id} is not declared",
    );

    let mut p = list_op();
    p["/other"] = p["/things"].clone();
    p["/other"]["get"]["operationId"] = json!("get_things");
    expect_error(
        p,
        base_schemas(),
        "GET /other",
        "collides with operation getThings",
    );

    let mut p = list_op();
    p["/things"]["get"]["responses"]["404"] = json!({"description": "nf", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}});
    p["/things"]["get"]["x-portone-error"] = json!({"$ref": "#/components/schemas/Resp"});
    expect_error(
        p,
        base_schemas(),
        "GET /things",
        "response 404 uses Body but `x-portone-error` is Resp",
    );

    let mut s = base_schemas();
    s["map_stat"] = json!({"type": "object"});
    s["MapStat"] = json!({"type": "object"});
    expect_error(
        list_op(),
        s,
        "components.schemas.MapStat",
        "collides with components.schemas.map_stat",
    );
}

#[test]
fn a_get_with_a_plain_body_still_sends_it_in_the_query() {
    let mut p = list_op();
    p["/things"]["get"]["parameters"] = json!([]);
    let n = normalize(&spec(p.clone(), base_schemas()), &Options::default()).unwrap();
    assert!(n.model.operations[0].body_in_query());

    let delete = p["/things"]["get"].clone();
    p["/things"] = json!({"delete": delete});
    let n = normalize(&spec(p, base_schemas()), &Options::default()).unwrap();
    assert_eq!(
        n.model.operations[0].body.as_ref().unwrap().placement,
        BodyPlacement::Json
    );
}
