//! `cargo run -p portone-mock -- --spec PATH [--port N] [--seed S] [--api-secret SECRET] [--log]`
//!
//! Serves PortOne's V2 API from an OpenAPI spec on 127.0.0.1 until interrupted.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use portone_mock::{MockConfig, MockServer};

/// A local PortOne V2 server driven by the OpenAPI spec.
#[derive(Debug, Parser)]
#[command(name = "portone-mock", version)]
struct Args {
    /// The OpenAPI spec to serve (default: the one materialized by `cargo xtask fetch`).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the sampled responses.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Accept only this API secret (repeatable; default: any non-empty secret).
    #[arg(long = "api-secret")]
    api_secrets: Vec<String>,
    /// The OTP that confirms identity verifications.
    #[arg(long, default_value = portone_mock::DEFAULT_OTP)]
    otp: String,
    /// Accept request properties the spec does not declare.
    #[arg(long)]
    allow_unknown_fields: bool,
    /// Log each request to stderr.
    #[arg(long)]
    log: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = match &args.spec {
        Some(path) => MockConfig::from_path(path),
        None => MockConfig::pinned(),
    }
    .port(args.port)
    .seed(args.seed)
    .otp(args.otp)
    .reject_unknown_fields(!args.allow_unknown_fields)
    .log_requests(args.log);
    for secret in args.api_secrets {
        config = config.api_secret(secret);
    }
    let server = match MockServer::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("portone-mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "portone-mock: PortOne API {} ({} operations) at {}",
        server.spec_version(),
        server.operation_count(),
        server.url()
    );
    match tokio::signal::ctrl_c().await {
        Ok(()) => {
            server.shutdown().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("portone-mock: cannot wait for Ctrl-C: {e}");
            server.wait().await;
            ExitCode::FAILURE
        }
    }
}
