//! Filling the client's default `storeId` into requests that left it unset.

use portone_gen::operations::Operation;
use reqwest::Request;
use serde_json::Value;

/// Adds `store_id` as the `storeId` query parameter and as the `storeId` field of the JSON
/// body, where the operation has them and the caller did not set them.
pub(crate) fn fill(
    request: &mut Request,
    operation: &Operation,
    store_id: &str,
) -> Result<(), String> {
    if operation.store_id_query && !request.url().query_pairs().any(|(k, _)| k == "storeId") {
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("storeId", store_id);
    }
    if operation.body.is_some_and(|b| b.has_store_id) {
        fill_body(request, store_id)?;
    }
    Ok(())
}

fn fill_body(request: &mut Request, store_id: &str) -> Result<(), String> {
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else {
        return Ok(());
    };
    let mut json: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("request body is not JSON: {e}"))?;
    let Some(object) = json.as_object_mut() else {
        return Ok(());
    };
    if object.get("storeId").is_some_and(|v| !v.is_null()) {
        return Ok(());
    }
    object.insert("storeId".into(), Value::String(store_id.to_owned()));
    let bytes = serde_json::to_vec(&json).map_err(|e| e.to_string())?;
    *request.body_mut() = Some(bytes.into());
    Ok(())
}
