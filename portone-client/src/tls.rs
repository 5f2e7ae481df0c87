//! The TLS setup of the HTTP client the builder makes (a client given with
//! [`Builder::http_client`](crate::Builder::http_client) keeps its own).
//!
//! - feature `rustls` (default): rustls with the `ring` provider, handed to reqwest as this
//!   client's own configuration, so nothing is installed process-wide and no C library is
//!   built. Certificates are checked against the operating system's trust store
//!   (rustls-platform-verifier, as reqwest does by default): corporate roots and the OS's own
//!   distrust decisions apply. Minimal container images need their CA bundle (Debian:
//!   `ca-certificates`).
//!   ring offers no post-quantum key exchange.
//! - feature `rustls-aws-lc`: reqwest's own rustls setup (aws-lc-rs provider, same verifier,
//!   post-quantum hybrid key exchange X25519MLKEM768), at the price of building aws-lc's C code.
//! - neither: no TLS; only `http://` base URLs work.

use crate::client::BuildError;

#[cfg(feature = "rustls-aws-lc")]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, BuildError> {
    Ok(builder)
}

#[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, BuildError> {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    // rustls 0.23.48 deprecates this function because ring has no post-quantum key exchange
    // (X25519MLKEM768); `rustls-aws-lc` has it, at the price of a C build.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| BuildError::Tls(e.to_string()))?
        .with_no_client_auth();
    // What reqwest offers with its own configuration (HTTP/2 when the server speaks it).
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(not(any(feature = "rustls", feature = "rustls-aws-lc")))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, BuildError> {
    Ok(builder)
}

/// Whether this build can make `https://` requests.
pub(crate) const HTTPS: bool = cfg!(any(feature = "rustls", feature = "rustls-aws-lc"));
