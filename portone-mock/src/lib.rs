//! A spec-driven local PortOne V2 server.

#![forbid(unsafe_code)]
