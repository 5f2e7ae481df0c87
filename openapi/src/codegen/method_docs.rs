//! The documentation of each facade method, from the spec: what the operation does, each
//! argument and builder setter (and what leaving it unset means), every documented error with its
//! HTTP status, what to do when the outcome is unknown, and an example that compiles.

use heck::{ToKebabCase, ToUpperCamelCase};
use serde_json::Value;

use super::{Call, Role};
use crate::{HttpMethod, Normalized, Operation};

/// The doc comment of `call`'s facade method.
pub fn method_doc(normalized: &Normalized, call: &Call) -> String {
    let op = &call.operation;
    let raw = raw_operation(&normalized.spec, op);
    let mut doc = String::new();
    if let Some(text) = operation_text(raw) {
        doc.push_str(&text);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}`", op.method.as_str(), op.path));
    if op.body_in_query() {
        doc.push_str(" (the body is sent as the `requestBody` query parameter)");
    }
    doc.push_str(&format!(
        ". Returns a [`{}`]: set optional parameters on it, then `.await` it.",
        request_ident(op)
    ));
    doc.push_str(&arguments(normalized, call, raw));
    doc.push_str(&errors(normalized, op));
    if op.method != HttpMethod::Get {
        doc.push_str(&recovery(op));
    }
    doc.push_str(&example(call));
    doc
}

/// The builder of an operation: `GetPaymentRequest`.
pub fn request_ident(op: &Operation) -> String {
    format!("{}Request", op.rust_name.to_upper_camel_case())
}

/// The doc of the setter of the optional parameter `wire` of `call`.
pub fn setter_doc(normalized: &Normalized, call: &Call, wire: &str) -> String {
    let raw = raw_operation(&normalized.spec, &call.operation);
    let mut doc = format!("Sets the optional query parameter `{wire}`.");
    if let Some(text) = parameter(raw, wire).and_then(crate::docs::text) {
        doc.push_str("\n\n");
        doc.push_str(&text);
    }
    doc
}

/// The operation object in the spec.
fn raw_operation<'s>(spec: &'s Value, op: &Operation) -> &'s Value {
    &spec["paths"][&op.path][op.method.as_str().to_ascii_lowercase()]
}

/// The summary, then the description where it says more (PortOne repeats the summary as the
/// description's first line).
fn operation_text(raw: &Value) -> Option<String> {
    let summary = raw["summary"].as_str().map(str::trim);
    // The normalizer puts the unstable note first in the description; it goes after the summary.
    let description = raw["description"].as_str().map(str::trim);
    let unstable = description.and_then(|d| d.strip_prefix(crate::normalize::UNSTABLE_NOTE));
    let description = match unstable {
        Some(rest) => Some(rest.trim()).filter(|rest| !rest.is_empty()),
        None => description,
    };
    let text = match (summary, description) {
        (Some(summary), Some(description)) => match description.strip_prefix(summary) {
            Some(rest) if rest.trim().is_empty() => summary.to_owned(),
            Some(rest) => format!("{summary}\n\n{}", rest.trim_start()),
            None => format!("{summary}\n\n{description}"),
        },
        (Some(only), None) | (None, Some(only)) => only.to_owned(),
        (None, None) if unstable.is_none() => return None,
        (None, None) => String::new(),
    };
    let mut text = crate::docs::escape(&text);
    if unstable.is_some() {
        let note = crate::normalize::UNSTABLE_NOTE;
        text = match text.split_once("\n\n") {
            Some((first, rest)) => format!("{first}\n\n{note}\n\n{rest}"),
            None if text.is_empty() => note.to_owned(),
            None => format!("{text}\n\n{note}"),
        };
    }
    Some(text)
}

/// A parameter object of the operation by wire name.
fn parameter<'s>(raw: &'s Value, wire: &str) -> Option<&'s Value> {
    raw["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["name"].as_str() == Some(wire))
}

/// `# Arguments`: the method's arguments, then the builder's setters.
fn arguments(normalized: &Normalized, call: &Call, raw: &Value) -> String {
    let lines = argument_lines(normalized, call, raw);
    let setters = setter_lines(call, raw);
    let mut out = String::from("\n\n# Arguments\n\n");
    if lines.is_empty() {
        out.push_str("None: the operation needs no parameters.\n");
    } else {
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out.push_str("\nSetters of the returned request:\n\n");
    out.push_str(&setters.join("\n"));
    out
}

/// One list item per argument of the method: path and required query parameters, the body.
fn argument_lines(normalized: &Normalized, call: &Call, raw: &Value) -> Vec<String> {
    let schemas = normalized.spec["components"]["schemas"].as_object();
    let mut lines = Vec::new();
    for param in call.arguments() {
        let line = match param.role {
            Role::Body => {
                let schema = raw["requestBody"]["content"]["application/json"]["schema"]
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.rsplit('/').next());
                let type_link = schema
                    .map(|name| {
                        let rust = crate::rust_type_name(name);
                        format!(" ([`{rust}`](crate::types::{rust}); build it with its `new` and setters)")
                    })
                    .unwrap_or_default();
                let text = crate::docs::text(&raw["requestBody"])
                    .or_else(|| {
                        schema.and_then(|name| {
                            schemas
                                .and_then(|s| s.get(name))
                                .and_then(crate::docs::text)
                        })
                    })
                    .map(|t| format!(": {}", indent(&t)))
                    .unwrap_or_default();
                format!("- `body`, the request body{type_link}{text}")
            }
            _ => {
                let place = if call.operation.path_params.contains(&param.wire) {
                    "path"
                } else {
                    "query"
                };
                let text = parameter(raw, &param.wire)
                    .and_then(crate::docs::text)
                    .map(|t| format!(": {}", indent(&t)))
                    .unwrap_or_default();
                format!("- `{}` (`{}`, {place}){text}", param.ident, param.wire)
            }
        };
        lines.push(line);
    }
    lines
}

/// One list item per setter of the request: optional parameters, `store_id`, the call options.
fn setter_lines(call: &Call, raw: &Value) -> Vec<String> {
    let mut setters = Vec::new();
    for param in call.setters() {
        let text = parameter(raw, &param.wire)
            .and_then(crate::docs::text)
            .map(|t| format!(": {}", indent(&t)))
            .unwrap_or_default();
        let unset = match parameter(raw, &param.wire).and_then(|p| p["schema"].get("default")) {
            Some(default) => format!(" Unset: PortOne's default, `{default}`."),
            None => " Unset: not sent (PortOne's default).".to_owned(),
        };
        setters.push(format!(
            "- `.{}(..)` (`{}`){text}{}",
            param.ident,
            param.wire,
            if text.is_empty() {
                unset
            } else {
                format!("\n\n  {}", unset.trim())
            }
        ));
    }
    if call.has_store_id {
        let text = parameter(raw, "storeId")
            .and_then(crate::docs::text)
            .map(|t| format!(": {}\n\n  ", indent(&t)))
            .unwrap_or_else(|| ": ".to_owned());
        setters.push(format!(
            "- `.store_id(..)` (`storeId`){text}The store of this call. Unset: the client's \
             default ([`Builder::store_id`](crate::Builder::store_id)), else the store of the \
             credentials."
        ));
    }
    setters.push(
        "- `.timeout(..)`, `.attempt_timeout(..)`, `.retry(..)`: this call's deadline, \
         per-attempt timeout and retry policy. Unset: the client's."
            .to_owned(),
    );
    setters
}

/// Continuation lines of a list item are indented so that they stay in the item.
fn indent(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 || line.is_empty() {
                line.to_owned()
            } else {
                format!("  {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `# Errors`: every case of the operation's error enum, with its HTTP status and meaning.
fn errors(normalized: &Normalized, op: &Operation) -> String {
    let mut out = String::from("\n\n# Errors\n\n");
    let schemas = normalized.spec["components"]["schemas"].as_object();
    let union = op
        .error_schema
        .as_deref()
        .and_then(|name| normalized.model.unions.iter().find(|u| u.name == name));
    match union {
        Some(union) => {
            let name = &union.rust_name;
            out.push_str(&format!(
                "PortOne's documented errors are [`Error::Api`](crate::Error::Api) with a \
                 [`{name}`](crate::types::{name}) (`e.api().map(|a| a.error())`):\n\n\
                 | Variant | HTTP status | When |\n|---|---|---|\n"
            ));
            for case in &union.cases {
                let member = schemas.and_then(|s| s.get(&case.member));
                let status = member
                    .and_then(|m| m.get("x-portone-status-code"))
                    .and_then(Value::as_u64)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "—".to_owned());
                let when = case
                    .doc
                    .as_deref()
                    .and_then(|d| d.lines().next())
                    .unwrap_or("");
                out.push_str(&format!(
                    "| [`{}`](crate::types::{name}::{}) | {status} | {when} |\n",
                    case.variant, case.variant
                ));
            }
            out.push('\n');
        }
        None => out.push_str("PortOne documents no error type for this operation.\n\n"),
    }
    out.push_str(
        "Failures before or without PortOne's answer are the other variants of \
         [`Error`](crate::Error): [`Error::is_not_sent`](crate::Error::is_not_sent) (safe to \
         send again) and [`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown) tell \
         them apart.",
    );
    out
}

/// What to do when a call that changes something ends with its outcome unknown.
fn recovery(op: &Operation) -> String {
    let mut doc = String::from(
        "\n\n# When the outcome is unknown\n\nThe SDK never sends this request twice unless \
         `RetryConfig::retry_non_idempotent` says so. If the call fails with \
         [`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown) (sent, answer lost), \
         PortOne may have carried it out: ",
    );
    if op.path_params.iter().any(|p| p == "paymentId") {
        doc.push_str(
            "look the payment up with `portone.payment().get_payment(payment_id)`, or send this \
             request again with the **same** `paymentId`, which PortOne treats as the \
             idempotency key. Never retry with a new `paymentId`: that can charge twice.",
        );
    } else {
        doc.push_str("check its result before sending it again.");
    }
    doc
}

/// `# Example`: the call with its required arguments (string arguments as literals, others
/// and the body as the example function's parameters).
fn example(call: &Call) -> String {
    let op = &call.operation;
    let mut params = vec!["portone: &portone_client::PortOne".to_owned()];
    let mut args = Vec::new();
    for param in call.arguments() {
        let ty = public_type(&param.ty);
        if ty == "&str" {
            args.push(format!("\"{}\"", example_value(&param.wire)));
        } else if param.role == Role::Body {
            params.push(format!("body: {ty}"));
            args.push("body".to_owned());
        } else {
            // The facade takes required parameters other than strings by value.
            let ty = ty.strip_prefix('&').unwrap_or(&ty);
            params.push(format!("{}: {ty}", param.ident));
            args.push(param.ident.to_string());
        }
    }
    let group: String = op
        .group()
        .iter()
        .map(|segment| format!(".{}()", heck::ToSnakeCase::to_snake_case(segment.as_str())))
        .collect();
    format!(
        "\n\n# Example\n\n```no_run\n# async fn example({}) -> Result<(), portone_client::Error> {{\n\
         let response = portone{group}.{}({}).await?;\n# let _ = response;\n# Ok(())\n# }}\n```",
        params.join(", "),
        op.rust_name,
        args.join(", ")
    )
}

/// A sample value for a string argument: `paymentId` -> `payment-id`.
fn example_value(wire: &str) -> String {
    wire.to_kebab_case()
}

/// A generated parameter type as users name it (`portone_client::types::X`).
fn public_type(ty: &syn::Type) -> String {
    let text = quote::quote!(#ty).to_string().replace(' ', "");
    let text = text
        .replace("::portone_gen::types::", "portone_client::types::")
        .replace("crate::types::", "portone_client::types::");
    if text.starts_with("types::") {
        format!("portone_client::{text}")
    } else {
        text
    }
}
