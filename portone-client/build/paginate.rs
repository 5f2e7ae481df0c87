//! Emits pagination helpers for the list operations (see `src/paginate.rs`).

use std::collections::BTreeMap;

use portone_openapi::Normalized;
use proc_macro2::TokenStream;

use crate::Signature;

/// Extra items appended to `api.rs` (e.g. `impl XApi<'a> { pub fn ..._stream(...) }` blocks).
pub(crate) fn emit(
    _normalized: &Normalized,
    _signatures: &BTreeMap<String, Signature>,
) -> Result<TokenStream, String> {
    Ok(TokenStream::new())
}
