//! The operation table matches the spec and the `unstable` feature.

use portone_gen::operations::{OMITTED_UNSTABLE, OPERATIONS, find};

#[test]
fn unstable_operations_follow_the_feature() {
    let unstable = OPERATIONS.iter().filter(|op| op.unstable).count();
    if cfg!(feature = "unstable") {
        assert!(OMITTED_UNSTABLE.is_empty());
        assert!(unstable > 0, "the spec has unstable operations");
    } else {
        assert_eq!(
            unstable, 0,
            "unstable operations leaked into the default build"
        );
        assert!(!OMITTED_UNSTABLE.is_empty());
    }
    eprintln!(
        "{} operations generated ({unstable} unstable), {} unstable omitted",
        OPERATIONS.len(),
        OMITTED_UNSTABLE.len()
    );
}

#[test]
fn every_operation_is_found_by_its_method_name() {
    for op in OPERATIONS {
        assert_eq!(find(op.method_name), Some(op));
    }
    assert_eq!(find("no_such_operation"), None);
}

#[test]
fn query_body_operations_are_flagged() {
    let get_payments = OPERATIONS.iter().find(|op| op.id == "getPayments").unwrap();
    let body = get_payments.body.unwrap();
    assert!(body.in_query && !body.required);
    assert_eq!(body.type_name, "GetPaymentsBody");
    let pre_register = OPERATIONS
        .iter()
        .find(|op| op.id == "preRegisterPayment")
        .unwrap();
    assert!(!pre_register.body.unwrap().in_query);
    assert!(pre_register.body.unwrap().has_store_id);
}
