//! PortOne's documented flows: logins and token refresh, identity verification, payments and
//! cancellations, answered from and recorded in the mock's [`State`](crate::state::State).
//!
//! Records are keyed by (store, ID); a request that names no store uses the configured
//! default store. Timestamps come from a mock clock (2026-01-01T00:00:00Z plus one second per
//! state change), so responses stay deterministic.

use std::collections::HashMap;
use std::time::SystemTime;

use serde_json::{Value, json};

use crate::api::Api;
use crate::context::{Call, Inner, Reply, ReplyBody};
use crate::respond::seed_of;
use crate::state::{Cancellation, Identity, IdentityStatus, Payment, PaymentStatus, TokenKind};
use crate::validate::Validator;

/// Sets `path` (property names from `schema`) in `value` to `new`. Properties the spec does
/// not declare are skipped (older specs); a value the spec would reject is a mock bug.
fn put(
    api: &Api,
    schema: &Value,
    value: &mut Value,
    path: &[&str],
    new: Value,
) -> Result<(), String> {
    let Some((key, rest)) = path.split_first() else {
        return Ok(());
    };
    let schema = api.resolve(schema);
    let Some(prop) = schema.get("properties").and_then(|p| p.get(*key)) else {
        return Ok(());
    };
    let Some(obj) = value.as_object_mut() else {
        return Err(format!("cannot set {key}: not an object"));
    };
    if rest.is_empty() {
        let violations = Validator::new(api.schemas(), &api.patterns, true).check(prop, &new, key);
        if let Some(v) = violations.first() {
            return Err(format!("the mock built an invalid {v}"));
        }
        obj.insert((*key).to_owned(), new);
        return Ok(());
    }
    match obj.get_mut(*key) {
        Some(child) => put(api, prop, child, rest, new),
        None => Ok(()),
    }
}

fn component(name: &str) -> Value {
    json!({ "$ref": portone_openapi::refs::reference_to(name) })
}

/// The member schema of `union` for `tag`.
fn member(api: &Api, union: &str, tag: &str) -> Option<Value> {
    let member = portone_openapi::refs::Discriminator::of(api.schema(union)?)?.member(tag)?;
    Some(json!({ "$ref": portone_openapi::refs::reference_to(member) }))
}

/// Keeps the properties of `source` that `target` declares and accepts.
fn project(api: &Api, target: &Value, source: &Value) -> Value {
    let validator = Validator::new(api.schemas(), &api.patterns, true);
    let schema = api.resolve(target);
    let mut out = serde_json::Map::new();
    if let (Some(props), Some(source)) = (
        schema.get("properties").and_then(Value::as_object),
        source.as_object(),
    ) {
        for (key, value) in source {
            if let Some(prop) = props.get(key)
                && validator.is_valid(prop, value)
            {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

fn internal(op_id: &str, problem: String) -> Reply {
    Reply::json(
        500,
        json!({"type": "MOCK_INTERNAL", "message": format!("portone-mock bug in {op_id}: {problem}")}),
    )
}

/// Handles the operations that have state; `None` for the others.
pub(crate) fn handle(inner: &Inner, call: &Call<'_>) -> Option<Reply> {
    let result = match call.op.id.as_str() {
        "loginViaApiSecret" => login(inner, call),
        "refreshToken" => refresh(inner, call),
        "sendIdentityVerification" => send_identity(inner, call),
        "confirmIdentityVerification" => confirm_identity(inner, call),
        "resendIdentityVerification" => resend_identity(inner, call),
        "getIdentityVerification" => get_identity(inner, call),
        "payWithBillingKey" | "payInstantly" => pay(inner, call),
        "getPayment" => get_payment(inner, call),
        "cancelPayment" => cancel_payment(inner, call),
        _ => return None,
    };
    Some(result.unwrap_or_else(|problem| internal(&call.op.id, problem)))
}

/// The sampled success body of the call's operation, as JSON.
fn success(inner: &Inner, call: &Call<'_>) -> Result<(Value, Value), String> {
    match &call.op.success {
        crate::api::Success::Json(name) => {
            let reply = inner.sampled(call);
            match reply.body {
                ReplyBody::Json(v) => Ok((component(name), v)),
                _ => Err("a JSON operation answered without JSON".into()),
            }
        }
        other => Err(format!("unexpected success body {other:?}")),
    }
}

fn ok(call: &Call<'_>, body: Value) -> Result<Reply, String> {
    Ok(Reply::json(call.op.success_status, body))
}

fn login(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let secret = call
        .body_field("apiSecret")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let accepted = !secret.is_empty()
        && (inner.config.api_secrets.is_empty()
            || inner.config.api_secrets.iter().any(|s| s == secret));
    if !accepted {
        return Ok(inner.error(
            call.op,
            "UNAUTHORIZED",
            "body.apiSecret: the API secret is not one this mock accepts",
        ));
    }
    tokens_reply(inner, call, secret)
}

fn refresh(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let token = call
        .body_field("refreshToken")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let subject = {
        let state = inner.state();
        match state.tokens.get(token) {
            Some(t)
                if t.kind == TokenKind::Refresh && !t.revoked && t.expires > SystemTime::now() =>
            {
                Ok(t.subject.clone())
            }
            Some(t) if t.kind != TokenKind::Refresh => {
                Err("an access token is not a refresh token")
            }
            Some(t) if t.revoked => Err(
                "this refresh token was replaced by a later login or refresh (PortOne keeps only the latest)",
            ),
            Some(_) => Err("the refresh token expired; log in again"),
            None => Err("unknown refresh token (not issued by this mock)"),
        }
    };
    match subject {
        Ok(subject) => tokens_reply(inner, call, &subject),
        Err(problem) => Ok(inner.error(
            call.op,
            "UNAUTHORIZED",
            &format!("body.refreshToken: {problem}"),
        )),
    }
}

fn tokens_reply(inner: &Inner, call: &Call<'_>, subject: &str) -> Result<Reply, String> {
    let (access, refresh) = inner.state().issue_tokens(
        subject,
        inner.config.access_token_ttl,
        inner.config.refresh_token_ttl,
    );
    let (schema, mut body) = success(inner, call)?;
    put(
        &inner.api,
        &schema,
        &mut body,
        &["accessToken"],
        Value::String(access),
    )?;
    put(
        &inner.api,
        &schema,
        &mut body,
        &["refreshToken"],
        Value::String(refresh),
    )?;
    ok(call, body)
}

fn identity_key(call: &Call<'_>) -> (String, String) {
    (
        call.store_id.clone(),
        call.path_param("identityVerificationId").to_owned(),
    )
}

fn send_identity(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = identity_key(call);
    {
        let mut state = inner.state();
        let existing = state.identities.get(&key).cloned();
        match &existing {
            Some(r) if r.status == IdentityStatus::Verified => {
                return Ok(inner.error(
                    call.op,
                    "IDENTITY_VERIFICATION_ALREADY_VERIFIED",
                    &format!("identity verification {:?} is already verified", key.1),
                ));
            }
            Some(r) if r.sent => {
                return Ok(inner.error(
                    call.op,
                    "IDENTITY_VERIFICATION_ALREADY_SENT",
                    &format!(
                        "an OTP was already sent for identity verification {:?}; confirm it or use /resend",
                        key.1
                    ),
                ));
            }
            _ => {}
        }
        let now = state.now();
        let serial = state.next_serial();
        let record = Identity {
            status: IdentityStatus::Ready,
            sent: true,
            customer: call.body_field("customer").cloned().unwrap_or(Value::Null),
            operator: call.body_field("operator").cloned(),
            custom_data: call
                .body_field("customData")
                .and_then(Value::as_str)
                .map(str::to_owned),
            requested_at: existing
                .as_ref()
                .map_or_else(|| now.clone(), |r| r.requested_at.clone()),
            updated_at: now.clone(),
            status_changed_at: now,
            verified_at: None,
            pg_tx_id: format!("mock-pg-tx-{serial}"),
            failure: None,
        };
        state.identities.insert(key, record);
    }
    let (_, body) = success(inner, call)?;
    ok(call, body)
}

fn confirm_identity(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = identity_key(call);
    let otp = call.body_field("otp").and_then(Value::as_str);
    let record = {
        let mut state = inner.state();
        let now = state.now();
        let record = match pending_identity(inner, call, &mut state.identities, &key) {
            Ok(record) => record,
            Err(reply) => return Ok(reply),
        };
        if otp != Some(inner.config.otp.as_str()) {
            record.status = IdentityStatus::Failed;
            record.sent = false;
            record.updated_at = now.clone();
            record.status_changed_at = now;
            let message = match otp {
                Some(_) => "the OTP does not match",
                None => "no OTP was given",
            };
            record.failure = Some(("MOCK_OTP_MISMATCH".into(), message.into()));
            drop(state);
            let mut reply = inner.error(
                call.op,
                "PG_PROVIDER",
                &format!("identity verification {:?} failed: {message}", key.1),
            );
            if let (Some(case), ReplyBody::Json(body)) =
                (call.op.error("PG_PROVIDER"), &mut reply.body)
            {
                let schema = component(&case.member);
                put(
                    &inner.api,
                    &schema,
                    body,
                    &["pgCode"],
                    json!("MOCK_OTP_MISMATCH"),
                )?;
                put(&inner.api, &schema, body, &["pgMessage"], json!(message))?;
            }
            return Ok(reply);
        }
        record.status = IdentityStatus::Verified;
        record.sent = false;
        record.verified_at = Some(now.clone());
        record.updated_at = now.clone();
        record.status_changed_at = now;
        record.clone()
    };
    let verified = identity_object(inner, call, &key, &record)?;
    let (schema, mut body) = success(inner, call)?;
    put(
        &inner.api,
        &schema,
        &mut body,
        &["identityVerification"],
        verified,
    )?;
    ok(call, body)
}

fn resend_identity(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = identity_key(call);
    {
        let mut state = inner.state();
        let now = state.now();
        let record = match pending_identity(inner, call, &mut state.identities, &key) {
            Ok(record) => record,
            Err(reply) => return Ok(reply),
        };
        record.updated_at = now;
    }
    let (_, body) = success(inner, call)?;
    ok(call, body)
}

fn get_identity(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = identity_key(call);
    let record = inner.state().identities.get(&key).cloned();
    let Some(record) = record else {
        return Ok(not_found_identity(inner, call, &key));
    };
    let body = identity_object(inner, call, &key, &record)?;
    ok(call, body)
}

/// The record of an identity verification whose OTP is pending, or the documented error:
/// `IDENTITY_VERIFICATION_NOT_FOUND`, `..._ALREADY_VERIFIED` or `..._NOT_SENT`.
fn pending_identity<'s>(
    inner: &Inner,
    call: &Call<'_>,
    identities: &'s mut HashMap<(String, String), Identity>,
    key: &(String, String),
) -> Result<&'s mut Identity, Reply> {
    let Some(record) = identities.get_mut(key) else {
        return Err(not_found_identity(inner, call, key));
    };
    if record.status == IdentityStatus::Verified {
        return Err(inner.error(
            call.op,
            "IDENTITY_VERIFICATION_ALREADY_VERIFIED",
            &format!("identity verification {:?} is already verified", key.1),
        ));
    }
    if !record.sent {
        return Err(inner.error(
            call.op,
            "IDENTITY_VERIFICATION_NOT_SENT",
            &format!(
                "no OTP is pending for identity verification {:?}; send one first",
                key.1
            ),
        ));
    }
    Ok(record)
}

fn not_found_identity(inner: &Inner, call: &Call<'_>, key: &(String, String)) -> Reply {
    inner.error(
        call.op,
        "IDENTITY_VERIFICATION_NOT_FOUND",
        &format!("no identity verification {:?} in store {:?}", key.1, key.0),
    )
}

/// The `IdentityVerification` case of a record (also the standalone verified member).
fn identity_object(
    inner: &Inner,
    call: &Call<'_>,
    key: &(String, String),
    record: &Identity,
) -> Result<Value, String> {
    let api = &inner.api;
    let tag = match record.status {
        IdentityStatus::Ready => "READY",
        IdentityStatus::Verified => "VERIFIED",
        IdentityStatus::Failed => "FAILED",
    };
    let seed = seed_of(inner.config.seed, &["identityVerification", &key.0, &key.1]);
    let (schema, mut value) = sample_member(api, call, "IdentityVerification", tag, seed)?;
    put_identity_record(api, &schema, &mut value, key, record)?;
    if record.status == IdentityStatus::Verified {
        put_verification(api, &schema, &mut value, record)?;
    }
    put_identity_failure(api, &schema, &mut value, record)?;
    Ok(value)
}

/// The member schema of `union` for `tag`, and a sample of it shaped by the call.
fn sample_member(
    api: &Api,
    call: &Call<'_>,
    union: &str,
    tag: &str,
    seed: u64,
) -> Result<(Value, Value), String> {
    let schema =
        member(api, union, tag).ok_or_else(|| format!("the spec has no {union} case {tag}"))?;
    let mut value = api
        .sample_case(union, tag, seed)
        .ok_or_else(|| format!("cannot sample {union} {tag}"))?;
    api.shape_component(union, &mut value, &call.echo());
    Ok((schema, value))
}

/// Sets the top-level text `field` when given, else removes the sample's.
fn put_or_remove(
    api: &Api,
    schema: &Value,
    value: &mut Value,
    field: &str,
    given: Option<&str>,
) -> Result<(), String> {
    match given {
        Some(text) => put(api, schema, value, &[field], json!(text)),
        None => {
            if let Some(obj) = value.as_object_mut() {
                obj.remove(field);
            }
            Ok(())
        }
    }
}

/// Sets what every identity verification carries: ID, timestamps, PG data, the customer asked for.
fn put_identity_record(
    api: &Api,
    schema: &Value,
    v: &mut Value,
    key: &(String, String),
    record: &Identity,
) -> Result<(), String> {
    put(api, schema, v, &["id"], json!(key.1))?;
    put(api, schema, v, &["requestedAt"], json!(record.requested_at))?;
    put(api, schema, v, &["updatedAt"], json!(record.updated_at))?;
    put(
        api,
        schema,
        v,
        &["statusChangedAt"],
        json!(record.status_changed_at),
    )?;
    put(api, schema, v, &["pgTxId"], json!(record.pg_tx_id))?;
    put_or_remove(api, schema, v, "customData", record.custom_data.as_deref())?;
    if let Some(prop) = api.resolve(schema).pointer("/properties/requestedCustomer") {
        let customer = project(api, prop, &record.customer);
        put(api, schema, v, &["requestedCustomer"], customer)?;
    }
    Ok(())
}

/// Sets `verifiedAt` and the `verifiedCustomer` of a verified identity.
fn put_verification(
    api: &Api,
    schema: &Value,
    v: &mut Value,
    record: &Identity,
) -> Result<(), String> {
    if let Some(at) = &record.verified_at {
        put(api, schema, v, &["verifiedAt"], json!(at))?;
    }
    for field in ["name", "phoneNumber", "id"] {
        if let Some(text) = record.customer.get(field) {
            put(api, schema, v, &["verifiedCustomer", field], text.clone())?;
        }
    }
    if let Some(operator) = &record.operator {
        put(
            api,
            schema,
            v,
            &["verifiedCustomer", "operator"],
            operator.clone(),
        )?;
    }
    Ok(())
}

/// Sets the `failure` of a failed identity verification.
fn put_identity_failure(
    api: &Api,
    schema: &Value,
    v: &mut Value,
    record: &Identity,
) -> Result<(), String> {
    if let Some((code, message)) = &record.failure
        && record.status == IdentityStatus::Failed
        && let Some(prop) = api.resolve(schema).pointer("/properties/failure")
    {
        let failure = project(
            api,
            prop,
            &json!({"reason": message, "pgCode": code, "pgMessage": message}),
        );
        put(api, schema, v, &["failure"], failure)?;
    }
    Ok(())
}

fn payment_key(call: &Call<'_>) -> (String, String) {
    (
        call.store_id.clone(),
        call.path_param("paymentId").to_owned(),
    )
}

fn pay(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = payment_key(call);
    let amounts = match pay_amounts(inner, call) {
        Ok(amounts) => amounts,
        Err(reply) => return Ok(reply),
    };
    let (pg_tx_id, paid_at) = {
        let mut state = inner.state();
        if state.payments.contains_key(&key) {
            return Ok(inner.error(
                call.op,
                "ALREADY_PAID",
                &format!("payment {:?} in store {:?} is already paid", key.1, key.0),
            ));
        }
        let now = state.now();
        let serial = state.next_serial();
        let record = paid_record(call, &amounts, serial, now);
        let out = (record.pg_tx_id.clone(), record.paid_at.clone());
        state.payments.insert(key, record);
        out
    };
    let (schema, mut body) = success(inner, call)?;
    put(
        &inner.api,
        &schema,
        &mut body,
        &["payment", "pgTxId"],
        json!(pg_tx_id),
    )?;
    put(
        &inner.api,
        &schema,
        &mut body,
        &["payment", "paidAt"],
        json!(paid_at),
    )?;
    ok(call, body)
}

/// The `amount` of a payment request.
struct PayAmounts {
    total: i64,
    tax_free: i64,
    vat: Option<i64>,
}

/// The body's `amount`, or the documented error if a part is negative or the parts exceed
/// the total.
fn pay_amounts(inner: &Inner, call: &Call<'_>) -> Result<PayAmounts, Reply> {
    let amount = call.body_field("amount").cloned().unwrap_or(Value::Null);
    let total = amount.get("total").and_then(Value::as_i64).unwrap_or(0);
    let tax_free = amount.get("taxFree").and_then(Value::as_i64).unwrap_or(0);
    let vat = amount.get("vat").and_then(Value::as_i64);
    if total < 0 || tax_free < 0 || vat.is_some_and(|v| v < 0) {
        return Err(inner.error(
            call.op,
            "INVALID_REQUEST",
            "body.amount: amounts must not be negative",
        ));
    }
    if tax_free.saturating_add(vat.unwrap_or(0)) > total {
        let tag = if call.op.error("SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT").is_some() {
            "SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT"
        } else {
            "INVALID_REQUEST"
        };
        return Err(inner.error(
            call.op,
            tag,
            &format!(
                "body.amount: taxFree ({tax_free}) + vat ({}) exceeds total ({total})",
                vat.unwrap_or(0)
            ),
        ));
    }
    Ok(PayAmounts {
        total,
        tax_free,
        vat,
    })
}

/// The record of a payment the request just paid, at `now`.
fn paid_record(call: &Call<'_>, amounts: &PayAmounts, serial: u64, now: String) -> Payment {
    Payment {
        status: PaymentStatus::Paid,
        transaction_id: format!("mock-tx-{serial}"),
        order_name: call
            .body_field("orderName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        currency: call.body_field("currency").cloned().unwrap_or(json!("KRW")),
        total: amounts.total,
        tax_free: amounts.tax_free,
        vat: amounts.vat,
        cancelled: 0,
        cancelled_tax_free: 0,
        billing_key: call
            .body_field("billingKey")
            .and_then(Value::as_str)
            .map(str::to_owned),
        custom_data: call
            .body_field("customData")
            .and_then(Value::as_str)
            .map(str::to_owned),
        pg_tx_id: format!("mock-pg-tx-{serial}"),
        requested_at: now.clone(),
        paid_at: now.clone(),
        updated_at: now,
        cancelled_at: None,
        cancellations: Vec::new(),
    }
}

fn get_payment(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = payment_key(call);
    let record = inner.state().payments.get(&key).cloned();
    match record {
        Some(record) => {
            let body = payment_object(inner, call, &key, &record)?;
            ok(call, body)
        }
        None => Ok(not_found_payment(inner, call, &key)),
    }
}

fn not_found_payment(inner: &Inner, call: &Call<'_>, key: &(String, String)) -> Reply {
    inner.error(
        call.op,
        "PAYMENT_NOT_FOUND",
        &format!("no payment {:?} in store {:?}", key.1, key.0),
    )
}

fn cancellation_object(
    inner: &Inner,
    key: &(String, String),
    c: &Cancellation,
) -> Result<Value, String> {
    let api = &inner.api;
    let seed = seed_of(inner.config.seed, &["cancellation", &key.0, &key.1, &c.id]);
    let schema = member(api, "PaymentCancellation", "SUCCEEDED")
        .ok_or("the spec has no PaymentCancellation case SUCCEEDED")?;
    let mut v = api
        .sample_case("PaymentCancellation", "SUCCEEDED", seed)
        .ok_or("cannot sample PaymentCancellation SUCCEEDED")?;
    put(api, &schema, &mut v, &["id"], json!(c.id))?;
    put(api, &schema, &mut v, &["totalAmount"], json!(c.total))?;
    put(api, &schema, &mut v, &["taxFreeAmount"], json!(c.tax_free))?;
    put(api, &schema, &mut v, &["vatAmount"], json!(c.vat))?;
    put(api, &schema, &mut v, &["reason"], json!(c.reason))?;
    put(api, &schema, &mut v, &["requestedAt"], json!(c.at))?;
    put(api, &schema, &mut v, &["cancelledAt"], json!(c.at))?;
    Ok(v)
}

/// The `Payment` case of a record.
fn payment_object(
    inner: &Inner,
    call: &Call<'_>,
    key: &(String, String),
    record: &Payment,
) -> Result<Value, String> {
    let api = &inner.api;
    let tag = match record.status {
        PaymentStatus::Paid => "PAID",
        PaymentStatus::PartialCancelled => "PARTIAL_CANCELLED",
        PaymentStatus::Cancelled => "CANCELLED",
    };
    let seed = seed_of(inner.config.seed, &["payment", &key.0, &key.1]);
    let (schema, mut value) = sample_member(api, call, "Payment", tag, seed)?;
    put_payment_record(api, &schema, &mut value, key, record)?;
    put_payment_amounts(api, &schema, &mut value, record)?;
    let cancellations = record
        .cancellations
        .iter()
        .map(|c| cancellation_object(inner, key, c))
        .collect::<Result<Vec<_>, _>>()?;
    put(
        api,
        &schema,
        &mut value,
        &["cancellations"],
        Value::Array(cancellations),
    )?;
    Ok(value)
}

/// Sets a payment's IDs, order, timestamps and PG data from its record.
fn put_payment_record(
    api: &Api,
    schema: &Value,
    v: &mut Value,
    key: &(String, String),
    record: &Payment,
) -> Result<(), String> {
    put(api, schema, v, &["id"], json!(key.1))?;
    put(api, schema, v, &["storeId"], json!(key.0))?;
    put(
        api,
        schema,
        v,
        &["transactionId"],
        json!(record.transaction_id),
    )?;
    put(api, schema, v, &["orderName"], json!(record.order_name))?;
    put(api, schema, v, &["currency"], record.currency.clone())?;
    put(api, schema, v, &["requestedAt"], json!(record.requested_at))?;
    put(api, schema, v, &["updatedAt"], json!(record.updated_at))?;
    put(
        api,
        schema,
        v,
        &["statusChangedAt"],
        json!(record.updated_at),
    )?;
    put(api, schema, v, &["paidAt"], json!(record.paid_at))?;
    put(api, schema, v, &["pgTxId"], json!(record.pg_tx_id))?;
    put_or_remove(api, schema, v, "billingKey", record.billing_key.as_deref())?;
    put_or_remove(api, schema, v, "customData", record.custom_data.as_deref())?;
    if let Some(at) = &record.cancelled_at {
        put(api, schema, v, &["cancelledAt"], json!(at))?;
    }
    Ok(())
}

/// Sets a payment's `amount` from its record.
fn put_payment_amounts(
    api: &Api,
    schema: &Value,
    v: &mut Value,
    record: &Payment,
) -> Result<(), String> {
    let amounts = [
        ("total", Some(record.total)),
        ("taxFree", Some(record.tax_free)),
        ("vat", record.vat),
        ("discount", Some(0)),
        ("paid", Some(record.total - record.cancelled)),
        ("cancelled", Some(record.cancelled)),
        ("cancelledTaxFree", Some(record.cancelled_tax_free)),
    ];
    for (field, amount) in amounts {
        match amount {
            Some(n) => put(api, schema, v, &["amount", field], json!(n))?,
            None => {
                if let Some(obj) = v.get_mut("amount").and_then(Value::as_object_mut) {
                    obj.remove(field);
                }
            }
        }
    }
    if let Some(obj) = v.get_mut("amount").and_then(Value::as_object_mut) {
        // `supply` is derived by the PG; the sample's would not add up.
        obj.remove("supply");
    }
    Ok(())
}

fn cancel_payment(inner: &Inner, call: &Call<'_>) -> Result<Reply, String> {
    let key = payment_key(call);
    let request = CancelRequest::of(call);
    let cancellation = {
        let mut state = inner.state();
        let now = state.now();
        let serial = state.next_serial();
        let Some(record) = state.payments.get_mut(&key) else {
            return Ok(not_found_payment(inner, call, &key));
        };
        if record.status == PaymentStatus::Cancelled {
            return Ok(inner.error(
                call.op,
                "PAYMENT_ALREADY_CANCELLED",
                &format!("payment {:?} is already cancelled", key.1),
            ));
        }
        let amounts = match cancel_amounts(inner, call, record, &request) {
            Ok(amounts) => amounts,
            Err(reply) => return Ok(reply),
        };
        let cancellation = Cancellation {
            id: format!("mock-cancellation-{serial}"),
            total: amounts.amount,
            tax_free: amounts.tax_free,
            vat: amounts.vat,
            reason: request.reason,
            at: now,
        };
        record_cancellation(record, &cancellation);
        cancellation
    };
    let object = cancellation_object(inner, &key, &cancellation)?;
    let (schema, mut body) = success(inner, call)?;
    put(&inner.api, &schema, &mut body, &["cancellation"], object)?;
    ok(call, body)
}

/// What a cancellation request asks for.
struct CancelRequest {
    amount: Option<i64>,
    tax_free: Option<i64>,
    vat: Option<i64>,
    /// `currentCancellableAmount`: what the caller believes is still cancellable.
    consistency: Option<i64>,
    reason: String,
}

impl CancelRequest {
    /// Reads the request body of `cancelPayment`.
    fn of(call: &Call<'_>) -> CancelRequest {
        CancelRequest {
            amount: call.body_field("amount").and_then(Value::as_i64),
            tax_free: call.body_field("taxFreeAmount").and_then(Value::as_i64),
            vat: call.body_field("vatAmount").and_then(Value::as_i64),
            consistency: call
                .body_field("currentCancellableAmount")
                .and_then(Value::as_i64),
            reason: call
                .body_field("reason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }
    }
}

/// The amounts one cancellation takes off a payment.
struct CancelAmounts {
    amount: i64,
    tax_free: i64,
    vat: i64,
}

/// The amounts to cancel (the rest of the payment unless the request says), or the documented
/// error when they do not fit what is still cancellable.
fn cancel_amounts(
    inner: &Inner,
    call: &Call<'_>,
    record: &Payment,
    request: &CancelRequest,
) -> Result<CancelAmounts, Reply> {
    let cancellable = record.total - record.cancelled;
    if let Some(expected) = request.consistency
        && expected != cancellable
    {
        return Err(inner.error(
            call.op,
            "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN",
            &format!(
                "body.currentCancellableAmount: {expected} given, but {cancellable} is cancellable"
            ),
        ));
    }
    let amount = request.amount.unwrap_or(cancellable);
    if amount <= 0 {
        return Err(inner.error(
            call.op,
            "INVALID_REQUEST",
            &format!("body.amount: {amount} is not a positive amount"),
        ));
    }
    if amount > cancellable {
        return Err(inner.error(
            call.op,
            "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT",
            &format!("body.amount: {amount} exceeds the cancellable {cancellable}"),
        ));
    }
    let tax_free_cancellable = record.tax_free - record.cancelled_tax_free;
    let tax_free = request.tax_free.unwrap_or(if amount == cancellable {
        tax_free_cancellable
    } else {
        0
    });
    if tax_free > tax_free_cancellable || tax_free < 0 {
        return Err(inner.error(
            call.op,
            "CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT",
            &format!(
                "body.taxFreeAmount: {tax_free} exceeds the cancellable tax-free {tax_free_cancellable}"
            ),
        ));
    }
    let vat = request.vat.unwrap_or((amount - tax_free) / 11);
    Ok(CancelAmounts {
        amount,
        tax_free,
        vat,
    })
}

/// Records a cancellation on the payment it cancels (at the cancellation's time).
fn record_cancellation(record: &mut Payment, cancellation: &Cancellation) {
    record.cancelled += cancellation.total;
    record.cancelled_tax_free += cancellation.tax_free;
    record.status = if record.cancelled == record.total {
        PaymentStatus::Cancelled
    } else {
        PaymentStatus::PartialCancelled
    };
    record.updated_at = cancellation.at.clone();
    record.cancelled_at = Some(cancellation.at.clone());
    record.cancellations.push(cancellation.clone());
}
