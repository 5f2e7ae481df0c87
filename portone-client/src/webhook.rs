//! Verifying and decoding PortOne webhooks (Standard Webhooks).
