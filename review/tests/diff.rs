//! The semantic spec diff: each classification rule on small inline specs, and the facts of
//! PortOne's published specs in `../shared/openapi/`.

use std::path::PathBuf;

use portone_openapi::HttpMethod;
use portone_openapi::Spec;
use portone_openapi::moves::Moves;
use portone_review::diff::{
    Change, ChangeKind, Class, SpecDiff, Subject, diff_specs, diff_specs_with,
};
use serde_json::{Value, json};

fn spec(paths: Value, schemas: Value) -> Spec {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    });
    Spec::from_bytes(doc.to_string().as_bytes(), "inline").unwrap()
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// `POST /things` with body `Req`, answering `Resp`, errors `Err`.
fn post_op(extra: Value) -> Value {
    let mut op = json!({
        "operationId": "createThing",
        "requestBody": {"required": true, "content": {"application/json": {"schema": r("Req")}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": r("Resp")}}},
                      "400": {"description": "error", "content": {"application/json": {"schema": r("Err")}}}},
        "x-portone-error": r("Err"),
        "security": [{"portOne": []}],
        "x-portone-category": "thing"
    });
    for (k, v) in extra.as_object().unwrap() {
        op[k] = v.clone();
    }
    json!({"/things": {"post": op}})
}

fn schemas(req: Value, resp: Value) -> Value {
    json!({
        "Req": req,
        "Resp": resp,
        "Err": {"oneOf": [r("NotFound")], "discriminator": {"propertyName": "type",
            "mapping": {"NOT_FOUND": "#/components/schemas/NotFound"}}},
        "NotFound": {"type": "object", "required": ["type"], "properties": {
            "type": {"type": "string"}, "message": {"type": "string"}}},
        "Status": {"type": "string", "enum": ["READY", "PAID"]}
    })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

fn base_req() -> Value {
    object(
        &["id"],
        json!({"id": {"type": "string"}, "memo": {"type": "string"}}),
    )
}

fn base_resp() -> Value {
    object(
        &["id", "tags"],
        json!({"id": {"type": "string"}, "status": r("Status"),
               "tags": {"type": "array", "items": {"type": "string"}}, "note": {"type": "string"}}),
    )
}

fn base() -> Spec {
    spec(post_op(json!({})), schemas(base_req(), base_resp()))
}

fn diff(old: &Spec, new: &Spec) -> SpecDiff {
    diff_specs(old, new).unwrap()
}

/// The only change of the diff.
fn single(old: &Spec, new: &Spec) -> Change {
    let d = diff(old, new);
    assert_eq!(d.changes.len(), 1, "{}", d.to_markdown());
    d.changes.into_iter().next().unwrap()
}

fn field(schema: &str, field: &str) -> Subject {
    Subject::Field {
        schema: schema.into(),
        field: field.into(),
    }
}

#[test]
fn identical_specs_have_no_changes() {
    let d = diff(&base(), &base());
    assert!(d.changes.is_empty());
    assert!(d.to_markdown().contains("**0 breaking, 0 additive**"));
    assert!(d.to_markdown().contains("No change"));
}

#[test]
fn prose_is_ignored() {
    let mut resp = base_resp();
    resp["description"] = json!("new words");
    resp["properties"]["id"]["title"] = json!("identifier");
    resp["properties"]["id"]["x-portone-title"] = json!("identifier");
    let new = spec(
        post_op(json!({"summary": "other", "description": "text"})),
        schemas(base_req(), resp),
    );
    assert!(diff(&base(), &new).changes.is_empty());
}

#[test]
fn added_operation_is_additive_and_removed_is_breaking() {
    let mut paths = post_op(json!({}));
    paths["/things/{id}"] = json!({"get": {
        "operationId": "getThing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": r("Resp")}}}}
    }});
    let bigger = spec(paths, schemas(base_req(), base_resp()));
    let added = single(&base(), &bigger);
    assert_eq!(added.class, Class::Additive);
    assert_eq!(added.kind, ChangeKind::Added);
    assert_eq!(
        added.subject,
        Subject::Operation {
            id: "getThing".into(),
            rust_name: "get_thing".into(),
            method: HttpMethod::Get,
            path: "/things/{id}".into(),
            unstable: false,
        }
    );
    let removed = single(&bigger, &base());
    assert_eq!(
        (removed.class, removed.kind),
        (Class::Breaking, ChangeKind::Removed)
    );
}

#[test]
fn renamed_operation_is_breaking_and_named() {
    let new = spec(
        post_op(json!({"operationId": "makeThing"})),
        schemas(base_req(), base_resp()),
    );
    let d = diff(&base(), &new);
    let removed = d
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Removed)
        .unwrap();
    assert_eq!(removed.class, Class::Breaking);
    assert_eq!(removed.detail, "renamed to `make_thing`");
    assert_eq!(d.count(Class::Breaking), 1);
}

#[test]
fn an_optional_parameter_is_a_setter_and_other_parameter_changes_break() {
    let with_query = |required: bool, ty: &str| {
        spec(
            post_op(
                json!({"parameters": [{"name": "test", "in": "query", "required": required,
                "schema": {"type": ty}}]}),
            ),
            schemas(base_req(), base_resp()),
        )
    };
    let added = single(&base(), &with_query(false, "boolean"));
    assert_eq!(added.class, Class::Additive);
    assert!(
        added.detail.contains("a new request setter"),
        "{}",
        added.detail
    );
    let added_required = single(&base(), &with_query(true, "boolean"));
    assert_eq!(added_required.class, Class::Breaking);
    assert!(
        added_required.detail.contains("a new facade argument"),
        "{}",
        added_required.detail
    );
    let removed = single(&with_query(false, "boolean"), &base());
    assert_eq!(removed.class, Class::Breaking);
    assert!(
        removed.detail.contains("request setter removed"),
        "{}",
        removed.detail
    );
    let required = single(&with_query(false, "boolean"), &with_query(true, "boolean"));
    assert_eq!(required.class, Class::Breaking);
    assert!(
        required.detail.contains("became required"),
        "{}",
        required.detail
    );
    let retyped = single(&with_query(false, "boolean"), &with_query(false, "string"));
    assert_eq!(retyped.class, Class::Breaking);
    assert!(
        retyped.detail.contains("`boolean` -> `string`"),
        "{}",
        retyped.detail
    );
}

#[test]
fn wire_only_operation_changes_are_additive() {
    let moved = spec(
        json!({"/v2/things": post_op(json!({}))["/things"].clone()}),
        schemas(base_req(), base_resp()),
    );
    let change = single(&base(), &moved);
    assert_eq!(change.class, Class::Additive);
    assert_eq!(change.detail, "path `/things` -> `/v2/things`");

    // A category that moves the facade method breaks callers, unless the move is recorded
    // (then the old path stays as a deprecated alias).
    let recategorized = spec(
        post_op(json!({"x-portone-category": "other.place"})),
        schemas(base_req(), base_resp()),
    );
    let moved = single(&base(), &recategorized);
    assert_eq!(moved.class, Class::Breaking);
    assert!(
        moved
            .detail
            .starts_with("moved from `portone.thing()` to `portone.other().place()`"),
        "{}",
        moved.detail
    );
    let mut moves = Moves::default();
    moves.record("create_thing", "thing", "0.2.0");
    let d = diff_specs_with(&base(), &recategorized, &moves).unwrap();
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].class, Class::Additive);
    assert!(
        d.changes[0]
            .detail
            .ends_with("the old path stays as a deprecated alias"),
        "{}",
        d.changes[0].detail
    );

    let public = spec(
        post_op(json!({"security": []})),
        schemas(base_req(), base_resp()),
    );
    assert_eq!(single(&base(), &public).class, Class::Additive);
}

#[test]
fn body_response_and_error_type_changes_are_breaking() {
    let mut s = schemas(base_req(), base_resp());
    s["Req2"] = base_req();
    s["Resp2"] = base_resp();
    s["Err2"] = s["Err"].clone();
    let base_with = spec(post_op(json!({})), s.clone());
    for (extra, needle) in [
        (
            json!({"requestBody": {"required": true, "content": {"application/json": {"schema": r("Req2")}}}}),
            "request body `Req` -> `Req2`",
        ),
        (
            json!({"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": r("Resp2")}}},
                                 "400": {"description": "error", "content": {"application/json": {"schema": r("Err")}}}}}),
            "response `Resp` -> `Resp2`",
        ),
        (
            json!({"responses": {"204": {"description": "ok"},
                                 "400": {"description": "error", "content": {"application/json": {"schema": r("Err")}}}}}),
            "response `Resp` -> no body",
        ),
        (
            json!({"x-portone-error": r("Err2"),
                   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": r("Resp")}}},
                                 "400": {"description": "error", "content": {"application/json": {"schema": r("Err2")}}}}}),
            "error type `Err` -> `Err2`",
        ),
    ] {
        let change = single(&base_with, &spec(post_op(extra), s.clone()));
        assert_eq!(change.class, Class::Breaking, "{}", change.detail);
        assert_eq!(change.detail, needle);
    }
}

#[test]
fn unstable_flag_changes_are_classified() {
    let unstable = spec(
        post_op(json!({"x-portone-unstable": true})),
        schemas(base_req(), base_resp()),
    );
    let became = single(&base(), &unstable);
    assert_eq!(became.class, Class::Breaking);
    assert!(
        became.detail.contains("became unstable"),
        "{}",
        became.detail
    );
    let stable = single(&unstable, &base());
    assert_eq!(stable.class, Class::Additive);
    assert!(stable.detail.contains("became stable"), "{}", stable.detail);
}

#[test]
fn schema_added_is_additive_removed_and_kind_change_breaking() {
    let mut s = schemas(base_req(), base_resp());
    s["Extra"] = object(&[], json!({"a": {"type": "string"}}));
    let with_extra = spec(post_op(json!({})), s.clone());
    let added = single(&base(), &with_extra);
    assert_eq!(
        (added.class, added.kind),
        (Class::Additive, ChangeKind::Added)
    );
    assert_eq!(
        added.subject,
        Subject::Schema {
            name: "Extra".into()
        }
    );
    assert_eq!(single(&with_extra, &base()).class, Class::Breaking);

    s["Extra"] = json!({"type": "string", "enum": ["A"]});
    let change = single(&with_extra, &spec(post_op(json!({})), s));
    assert_eq!(change.class, Class::Breaking);
    assert_eq!(change.detail, "object -> enum");
}

#[test]
fn field_rules_for_requests() {
    let req = |required: &[&str], props: Value| {
        spec(
            post_op(json!({})),
            schemas(object(required, props), base_resp()),
        )
    };
    let id = json!({"type": "string"});
    let old = req(&["id"], json!({"id": id, "memo": {"type": "string"}}));

    let optional_added = single(
        &old,
        &req(
            &["id"],
            json!({"id": id, "memo": {"type": "string"}, "x": {"type": "string"}}),
        ),
    );
    assert_eq!(optional_added.class, Class::Additive);
    assert_eq!(optional_added.subject, field("Req", "x"));
    assert!(
        optional_added
            .detail
            .contains("optional, in a request type")
    );

    let required_added = single(
        &old,
        &req(
            &["id", "x"],
            json!({"id": id, "memo": {"type": "string"}, "x": {"type": "string"}}),
        ),
    );
    assert_eq!(required_added.class, Class::Breaking);

    let became_required = single(
        &old,
        &req(
            &["id", "memo"],
            json!({"id": id, "memo": {"type": "string"}}),
        ),
    );
    assert_eq!(became_required.class, Class::Breaking);
    assert!(
        became_required
            .detail
            .contains("Rust type `Option<String>` -> `String`"),
        "{}",
        became_required.detail
    );

    let removed = single(&old, &req(&["id"], json!({"id": id})));
    assert_eq!(
        (removed.class, removed.kind),
        (Class::Breaking, ChangeKind::Removed)
    );

    // An array stays `Vec<T>` whatever its requiredness, but requests must now send it.
    let list = json!({"type": "array", "items": {"type": "string"}});
    let old_list = req(&["id"], json!({"id": id, "memo": list}));
    let list_required = single(
        &old_list,
        &req(&["id", "memo"], json!({"id": id, "memo": list})),
    );
    assert_eq!(list_required.class, Class::Breaking);
    assert!(list_required.detail.contains("requests must now set it"));
    let list_optional = single(
        &req(&["id", "memo"], json!({"id": id, "memo": list})),
        &old_list,
    );
    assert_eq!(list_optional.class, Class::Additive);
}

// Long by design: a list of field changes in responses, each with its class.
#[test]
fn field_rules_for_responses() {
    let resp = |required: &[&str], props: Value| {
        spec(
            post_op(json!({})),
            schemas(base_req(), object(required, props)),
        )
    };
    let id = json!({"type": "string"});
    let tags = json!({"type": "array", "items": {"type": "string"}});
    let old = resp(
        &["id", "tags"],
        json!({"id": id, "tags": tags, "note": {"type": "string"}}),
    );

    let required_added = single(
        &old,
        &resp(
            &["id", "tags", "x"],
            json!({"id": id, "tags": tags, "note": {"type": "string"}, "x": {"type": "integer"}}),
        ),
    );
    assert_eq!(required_added.class, Class::Additive);
    assert!(required_added.detail.contains("response-only"));

    // Option<T> -> T changes the Rust type even though decoding gets easier.
    let note_required = single(
        &old,
        &resp(
            &["id", "tags", "note"],
            json!({"id": id, "tags": tags, "note": {"type": "string"}}),
        ),
    );
    assert_eq!(note_required.class, Class::Breaking);
    let id_optional = single(
        &old,
        &resp(
            &["tags"],
            json!({"id": id, "tags": tags, "note": {"type": "string"}}),
        ),
    );
    assert_eq!(id_optional.class, Class::Breaking);
    assert!(
        id_optional
            .detail
            .contains("Rust type `String` -> `Option<String>`"),
        "{}",
        id_optional.detail
    );
    let tags_optional = single(
        &old,
        &resp(
            &["id"],
            json!({"id": id, "tags": tags, "note": {"type": "string"}}),
        ),
    );
    assert_eq!(tags_optional.class, Class::Additive);

    for (new_note, needle) in [
        (json!({"type": "integer"}), "`string` -> `integer`"),
        (
            json!({"type": "string", "format": "date-time"}),
            "`string` -> `string(date-time)`",
        ),
        (
            json!({"type": "array", "items": {"type": "string"}}),
            "`string` -> `[string]`",
        ),
        (r("Status"), "`string` -> `Status`"),
    ] {
        let change = single(
            &old,
            &resp(
                &["id", "tags"],
                json!({"id": id, "tags": tags, "note": new_note}),
            ),
        );
        assert_eq!(change.class, Class::Breaking, "{needle}");
        assert!(
            change.detail.contains(needle),
            "{} / {needle}",
            change.detail
        );
    }
}

#[test]
fn nested_inline_objects_are_compared_field_by_field() {
    let resp = |inner: Value| {
        spec(
            post_op(json!({})),
            schemas(
                base_req(),
                object(
                    &[],
                    json!({"outer": object(&[], inner.clone()),
                "list": {"type": "array", "items": object(&[], inner)}}),
                ),
            ),
        )
    };
    let d = diff(
        &resp(json!({"a": {"type": "string"}})),
        &resp(json!({"a": {"type": "integer"}, "b": {"type": "string"}})),
    );
    let subjects: Vec<&Subject> = d.changes.iter().map(|c| &c.subject).collect();
    assert!(subjects.contains(&&field("Resp", "outer.a")));
    assert!(subjects.contains(&&field("Resp", "outer.b")));
    assert!(subjects.contains(&&field("Resp", "list[].a")));
    assert!(subjects.contains(&&field("Resp", "list[].b")));
    assert_eq!(d.count(Class::Breaking), 2, "{}", d.to_markdown());

    // A new inline object is one change, not one per inner field.
    let plain = spec(
        post_op(json!({})),
        schemas(base_req(), object(&[], json!({"z": {"type": "string"}}))),
    );
    let with_outer = spec(
        post_op(json!({})),
        schemas(
            base_req(),
            object(
                &[],
                json!({"z": {"type": "string"}, "outer": object(&[], json!({"a": {"type": "string"}}))}),
            ),
        ),
    );
    assert_eq!(single(&plain, &with_outer).subject, field("Resp", "outer"));
}

#[test]
fn empty_objects_gaining_fields_change_shape() {
    let empty = spec(
        post_op(json!({})),
        schemas(base_req(), json!({"type": "object"})),
    );
    let change = single(&empty, &base());
    assert_eq!(change.class, Class::Breaking);
    assert!(change.detail.contains("newtype"), "{}", change.detail);
}

#[test]
fn enum_values_and_union_cases() {
    let mut s = schemas(base_req(), base_resp());
    let old = spec(post_op(json!({})), s.clone());
    s["Status"] = json!({"type": "string", "enum": ["READY", "PAID", "REFUNDED"]});
    let added = single(&old, &spec(post_op(json!({})), s.clone()));
    assert_eq!(added.class, Class::Additive);
    assert_eq!(
        added.subject,
        Subject::EnumValue {
            schema: "Status".into(),
            value: "REFUNDED".into()
        }
    );
    s["Status"] = json!({"type": "string", "enum": ["READY"]});
    let removed = single(&old, &spec(post_op(json!({})), s.clone()));
    assert_eq!(
        (removed.class, removed.kind),
        (Class::Breaking, ChangeKind::Removed)
    );

    let mut u = schemas(base_req(), base_resp());
    // No own `type` property: a member used only in unions loses it (a field removal).
    u["Gone"] = object(&[], json!({"detail": {"type": "string"}}));
    u["Err"] = json!({"oneOf": [r("NotFound"), r("Gone")], "discriminator": {"propertyName": "type",
        "mapping": {"NOT_FOUND": "#/components/schemas/NotFound", "GONE": "#/components/schemas/Gone"}}});
    let two_cases = spec(post_op(json!({})), u.clone());
    let mut only_schema = schemas(base_req(), base_resp());
    only_schema["Gone"] = u["Gone"].clone();
    let one_case = spec(post_op(json!({})), only_schema);
    // The new case has no `message`: the `message()` accessor stays (answering `None` for
    // it), and the new case's `detail` gets one.
    let d = diff(&one_case, &two_cases);
    assert!(!d.is_breaking(), "{}", d.to_markdown());
    assert!(
        d.changes
            .iter()
            .any(|c| c.detail == "accessor `detail()` added"),
        "{}",
        d.to_markdown()
    );
    let case_added = d
        .changes
        .iter()
        .find(|c| matches!(c.subject, Subject::UnionCase { .. }))
        .unwrap()
        .clone();
    assert_eq!(case_added.class, Class::Additive);
    assert_eq!(
        case_added.subject,
        Subject::UnionCase {
            schema: "Err".into(),
            tag: "GONE".into()
        }
    );
    let d = diff(&two_cases, &one_case);
    assert!(d.is_breaking(), "{}", d.to_markdown());

    u["Err"]["discriminator"]["mapping"]["GONE"] = json!("#/components/schemas/NotFound");
    u["Err"]["oneOf"] = json!([r("NotFound")]);
    let d = diff(&two_cases, &spec(post_op(json!({})), u));
    let member = d
        .changes
        .iter()
        .find(|c| matches!(&c.subject, Subject::UnionCase { tag, .. } if tag == "GONE"))
        .unwrap();
    assert_eq!(member.class, Class::Breaking);
    assert_eq!(member.detail, "member `Gone` -> `NotFound`");
}

#[test]
fn report_lists_breaking_changes_first_with_a_summary() {
    let mut s = schemas(base_req(), base_resp());
    s["Status"] = json!({"type": "string", "enum": ["READY", "NEW"]});
    let new = spec(post_op(json!({"operationId": "makeThing"})), s);
    let d = diff(&base(), &new);
    let md = d.to_markdown();
    assert!(md.contains("**2 breaking, 2 additive**"), "{md}");
    assert!(md.contains("| Operations | 1 | 1 |"), "{md}");
    assert!(md.contains("| **total** | **2** | **2** |"), "{md}");
    let breaking = md.find("- **breaking**: removed `create_thing`").unwrap();
    let additive = md.find("- additive: added `make_thing`").unwrap();
    assert!(breaking < additive, "{md}");
    assert!(
        md.contains("- **breaking**: removed `Status::PAID`"),
        "{md}"
    );
    assert!(md.contains("- additive: added `Status::NEW`"), "{md}");
}

#[test]
fn a_spec_the_normalizer_rejects_is_named() {
    let bad = spec(json!({}), json!({"U": {"oneOf": [{"type": "string"}]}}));
    let err = diff_specs(&base(), &bad).unwrap_err().to_string();
    assert!(
        err.starts_with("cannot normalize the new spec inline"),
        "{err}"
    );
    assert!(err.contains("components.schemas.U"), "{err}");
}

// ---- PortOne's published specs -------------------------------------------------------------

fn shared(name: &str, sha256: &str) -> Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/openapi")
        .join(name);
    let spec = Spec::from_path(&path).unwrap_or_else(|e| {
        panic!("{e}: these tests need PortOne's published specs in ../shared/openapi")
    });
    assert_eq!(
        spec.sha256,
        sha256,
        "{} is not the reference spec these facts were measured on",
        path.display()
    );
    spec
}

fn latest() -> Spec {
    shared(
        "portone-v2.openapi.json",
        "6fa978721dc6cb3a1d3403567d106e17214049e72ddcff581f68c0f712150af1",
    )
}

fn operations(d: &SpecDiff, kind: ChangeKind) -> Vec<(String, String)> {
    d.changes
        .iter()
        .filter(|c| c.kind == kind)
        .filter_map(|c| match &c.subject {
            Subject::Operation { method, path, .. } => {
                Some((method.as_str().to_owned(), path.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn published_2026_05_22_to_latest_is_additive() {
    let old = shared(
        "history/2026-05-22.openapi.json",
        "d30899a3a01c109e1ce567e8e7638770cedadc102a1fefabc123918287ef06ff",
    );
    let d = diff(&old, &latest());
    let md = d.to_markdown();
    assert!(!d.is_breaking(), "{md}");
    let mut added = operations(&d, ChangeKind::Added);
    added.sort();
    let expected: Vec<(String, String)> = [
        ("GET", "/checkout-profiles/evaluate"),
        ("GET", "/payment-sessions/{sessionId}"),
        ("POST", "/payment-sessions"),
        ("POST", "/payment-sessions/{sessionId}/close"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(added, expected);
    assert!(operations(&d, ChangeKind::Removed).is_empty());
    assert!(
        d.changes.iter().all(|c| c.kind != ChangeKind::Removed),
        "{md}"
    );
    for (schema, value) in [("PgProvider", "INNOPAY"), ("PgCompany", "INNOPAY")] {
        assert!(
            d.changes.contains(&Change {
                class: Class::Additive,
                subject: Subject::EnumValue {
                    schema: schema.into(),
                    value: value.into()
                },
                kind: ChangeKind::Added,
                detail: String::new(),
                unused: false,
            }),
            "{schema}::{value}\n{md}"
        );
    }
    let schemas_added = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Added && matches!(c.subject, Subject::Schema { .. }))
        .count();
    assert_eq!(schemas_added, 20, "the README's count");
    assert!(
        md.contains("- additive: added `create_payment_session` (`POST /payment-sessions`)"),
        "{md}"
    );
    assert!(
        md.contains(&format!("**0 breaking, {} additive**", d.changes.len())),
        "{md}"
    );
}

#[test]
fn published_2026_01_21_to_latest_removes_the_member_company_operations() {
    let old = shared(
        "history/2026-01-21.openapi.json",
        "4c7b133fc62940cdde75b22c152756e9a1fb4adb19fc3e90e769ed40a4ba0777",
    );
    let d = diff(&old, &latest());
    assert!(d.is_breaking());
    let mut removed = operations(&d, ChangeKind::Removed);
    removed.sort();
    let expected: Vec<(String, String)> = [
        "/platform/partners/member-company-connect",
        "/platform/partners/member-company-connect/{id}",
        "/platform/partners/member-company-disconnect",
        "/platform/partners/member-company-disconnect/{id}",
    ]
    .iter()
    .map(|p| ("POST".to_owned(), p.to_string()))
    .collect();
    assert_eq!(removed, expected);
    for c in d.changes.iter().filter(|c| c.kind == ChangeKind::Removed) {
        assert_eq!(c.class, Class::Breaking, "{c:?}");
    }
    let added = operations(&d, ChangeKind::Added);
    assert!(added.contains(&(
        "POST".into(),
        "/platform/partners/counterparty-connect".into()
    )));
    let md = d.to_markdown();
    assert!(
        md.contains("- **breaking**: removed `connect_partner_member_company` (`POST /platform/partners/member-company-connect/{id}`)"),
        "{md}"
    );
}
