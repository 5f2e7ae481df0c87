//! The API-surface manifest of the generated client (see `portone_openapi::surface`).
//!
//! With the pinned spec (the lock's sha256), the manifest must equal the committed insta
//! snapshot `snapshots/surface__api.snap`: a spec update shows up there as a line-oriented diff
//! to review with `cargo insta review` (see `MAINTAINING.md`). With any other spec (the
//! history specs CI builds with `PORTONE_OPENAPI_SPEC`) there is no snapshot to compare with,
//! so the manifest is checked against the compiled client and the model instead; one snapshot
//! per spec would turn every update into a new file instead of a diff.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use portone_gen::operations::{OMITTED_UNSTABLE, OPERATIONS};
use portone_openapi::{Options, SpecLock, normalize, source};
use portone_review::surface::{Surface, TypeKind};

/// Built once: generation takes a few seconds in a debug build.
static SURFACE: LazyLock<Surface> = LazyLock::new(|| {
    let spec = portone_tests::spec();
    Surface::build(&spec).unwrap_or_else(|e| panic!("surface of {}: {e}", spec.origin))
});

fn surface() -> &'static Surface {
    &SURFACE
}

#[test]
fn surface_matches_the_snapshot_for_the_pinned_spec() {
    let spec = portone_tests::spec();
    let surface = surface();
    let lock = SpecLock::read(&source::lock_path()).expect("the lock file");
    let text = surface.text();
    assert!(
        text.starts_with(&format!(
            "spec {} sha256:{} ",
            spec.info_version(),
            &spec.sha256[..12]
        )),
        "{}",
        text.lines().next().unwrap_or_default()
    );
    if lock.sha256 == spec.sha256 {
        insta::assert_snapshot!("api", text);
    } else {
        eprintln!(
            "{} is not the pinned spec: the snapshot is not compared (the other checks ran)",
            spec.origin
        );
    }
}

#[test]
fn every_compiled_operation_is_in_the_surface_as_compiled() {
    let surface = surface();
    assert_eq!(
        surface.operations.len(),
        OPERATIONS.len() + OMITTED_UNSTABLE.len(),
        "the surface lists unstable operations whatever the features"
    );
    for op in OPERATIONS {
        let s = surface
            .operation(op.method_name)
            .unwrap_or_else(|| panic!("{} missing from the surface", op.method_name));
        assert_eq!(s.id, op.id);
        assert_eq!(s.method.as_str(), op.http_method, "{}", op.id);
        assert_eq!(s.path, op.path, "{}", op.id);
        assert_eq!(s.category.as_deref(), op.category, "{}", op.id);
        assert_eq!(s.unstable, op.unstable, "{}", op.id);
        assert_eq!(s.authenticated, op.authenticated, "{}", op.id);
        assert_eq!(
            s.error.as_deref(),
            op.error_type.map(|e| format!("types::{e}")).as_deref(),
            "{}",
            op.id
        );
        match (&s.body, &op.body) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                assert_eq!(a.type_name, format!("types::{}", b.type_name), "{}", op.id);
                assert_eq!(a.in_query, b.in_query, "{}", op.id);
                assert_eq!(a.required, b.required, "{}", op.id);
            }
            (a, b) => panic!("{}: body {a:?} vs {b:?}", op.id),
        }
    }
    let omitted: BTreeSet<&str> = OMITTED_UNSTABLE.iter().copied().collect();
    for op in &surface.operations {
        if !OPERATIONS.iter().any(|o| o.id == op.id) {
            assert!(op.unstable && omitted.contains(op.id.as_str()), "{}", op.id);
        }
    }
}

#[test]
fn every_enum_value_union_case_and_object_is_in_the_surface() {
    let spec = portone_tests::spec();
    let normalized = normalize(&spec, &Options::everything()).unwrap();
    let surface = surface();
    let lines: BTreeSet<String> = surface.lines().into_iter().collect();
    for e in &normalized.model.enums {
        for v in &e.values {
            let line = format!("value {}.{} = {:?}", e.rust_name, v.variant, v.value);
            assert!(lines.contains(&line), "{line}");
        }
    }
    for u in &normalized.model.unions {
        for c in &u.cases {
            let prefix = format!(
                "case {}.{}(types::{}) = {:?}",
                u.rust_name, c.variant, c.member_rust, c.tag
            );
            assert!(
                lines.contains(&prefix) || lines.contains(&format!("{prefix} keeps tag")),
                "{prefix}"
            );
        }
    }
    let schemas = normalized.spec["components"]["schemas"]
        .as_object()
        .unwrap();
    for (name, schema) in schemas {
        if name == portone_openapi::normalize::TIMESTAMP_COMPONENT {
            continue; // `portone_gen::Timestamp`, not a generated type
        }
        let rust = portone_openapi::rust_type_name(name);
        let ty = surface
            .type_named(&rust)
            .unwrap_or_else(|| panic!("{rust} missing"));
        if let TypeKind::Struct { fields, .. } = &ty.kind {
            let properties = schema["properties"].as_object().map_or(0, |p| p.len());
            assert_eq!(fields.len(), properties, "{rust}");
            for f in fields {
                assert!(
                    schema["properties"].get(&f.wire).is_some(),
                    "{rust}.{}",
                    f.wire
                );
            }
        }
    }
    // Text and structure agree; lines are unique (one item a line).
    assert_eq!(lines.len(), surface.lines().len());
}

/// The facade lines describe what `portone-client` compiled: every list operation's stream
/// (in its group) and every operation's call.
#[test]
fn the_facade_lines_match_the_compiled_facade() {
    let surface = surface();
    let lines: BTreeSet<String> = surface.lines().into_iter().collect();
    for list in portone_tests::LIST_OPERATIONS {
        let call = &surface.facade.calls[list.method];
        let stream = call.stream.as_ref().unwrap_or_else(|| {
            panic!(
                "{}: compiled with a stream, none in the surface",
                list.method
            )
        });
        assert_eq!(stream.method, list.stream_method);
        assert_eq!(call.group.join("."), list.group.replace('/', "."));
        assert_eq!(
            stream.item,
            format!("portone_client::types::{}", list.item_type)
        );
        let prefix = format!("stream {}.{}(", list.group, list.stream_method);
        assert!(
            lines.iter().any(|l| l.starts_with(&prefix)),
            "{prefix} missing"
        );
    }
    let compiled: BTreeSet<&str> = portone_tests::LIST_OPERATIONS
        .iter()
        .map(|l| l.method)
        .collect();
    for (method, call) in &surface.facade.calls {
        if call.stream.is_some() && !compiled.contains(method.as_str()) {
            // Only an unstable operation left out of this build may lack its stream.
            assert!(
                call.unstable,
                "{method}: a stream in the surface, none compiled"
            );
        }
        let prefix = format!("call {}(", call.path(method));
        assert!(
            lines.iter().any(|l| l.starts_with(&prefix)),
            "{prefix} missing"
        );
    }
}
