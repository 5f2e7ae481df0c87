//! `cargo xtask fetch`: materialize the spec and check it against the lock.

use std::io::Read;
use std::path::Path;

use portone_openapi::source::{self, DEFAULT_SOURCE_URL, SOURCE_ENV};
use portone_openapi::{Spec, SpecLock};

#[derive(clap::Args, Debug, Default)]
pub struct FetchArgs {
    /// A file path or http(s) URL (default: $PORTONE_OPENAPI_SOURCE, else the lock's source URL).
    #[arg(long)]
    pub from: Option<String>,
    /// Accept a spec that differs from the lock and rewrite the lock.
    #[arg(long)]
    pub update: bool,
}

/// Where the spec comes from: `--from`, else `$PORTONE_OPENAPI_SOURCE`, else the lock's URL.
pub fn resolve_source(from: Option<&str>, lock: Option<&SpecLock>) -> String {
    if let Some(from) = from {
        return from.to_owned();
    }
    match std::env::var(SOURCE_ENV) {
        Ok(value) if !value.is_empty() => value,
        _ => lock.map_or(DEFAULT_SOURCE_URL.to_owned(), |l| l.source.clone()),
    }
}

fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// Reads the spec bytes from a path or URL.
pub fn read_source(source: &str) -> Result<Vec<u8>, String> {
    if is_url(source) {
        download(source)
    } else {
        std::fs::read(source).map_err(|e| format!("cannot read {source}: {e}"))
    }
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    eprintln!("downloading {url}");
    let response = ureq::get(url).call().map_err(|e| {
        format!("cannot download {url}: {e} (offline? use `cargo xtask fetch --from PATH`)")
    })?;
    let total: Option<u64> = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let mut reader = response.into_body().into_reader();
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut last_report = 0usize;
    loop {
        let n = reader
            .read(&mut chunk)
            .map_err(|e| format!("download of {url} failed: {e}"))?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() - last_report >= 256 * 1024 {
            last_report = bytes.len();
            match total {
                Some(t) => eprint!("\r  {} / {} KiB", bytes.len() / 1024, t / 1024),
                None => eprint!("\r  {} KiB", bytes.len() / 1024),
            }
        }
    }
    eprintln!("\r  {} KiB done", bytes.len() / 1024);
    Ok(bytes)
}

/// Fetches, verifies (or with `update`, re-pins) and materializes the spec.
pub fn run(args: &FetchArgs) -> Result<Spec, String> {
    let lock_path = source::lock_path();
    let lock = if lock_path.exists() {
        Some(SpecLock::read(&lock_path).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let from = resolve_source(args.from.as_deref(), lock.as_ref());
    let bytes = read_source(&from)?;
    let spec = Spec::from_bytes(&bytes, from.clone()).map_err(|e| e.to_string())?;
    match (&lock, args.update) {
        (Some(lock), false) => lock.verify(&spec).map_err(|e| e.to_string())?,
        (None, false) => {
            return Err(format!(
                "no lock file at {}; run with --update to create it",
                lock_path.display()
            ));
        }
        (_, true) => {
            let published = if is_url(&from) {
                from.clone()
            } else {
                lock.as_ref()
                    .map_or(DEFAULT_SOURCE_URL.to_owned(), |l| l.source.clone())
            };
            let new_lock = SpecLock::for_spec(&spec, published);
            if lock.as_ref() != Some(&new_lock) {
                new_lock.write(&lock_path).map_err(|e| e.to_string())?;
                eprintln!(
                    "updated {} (info.version {}, {} operations, {} schemas)",
                    lock_path.display(),
                    new_lock.info_version,
                    new_lock.operations,
                    new_lock.schemas
                );
            }
        }
    }
    let target = source::materialized_spec_path();
    write_if_changed(&target, &bytes)?;
    eprintln!(
        "spec {} (info.version {}, sha256 {}) at {}",
        from,
        spec.info_version(),
        &spec.sha256[..12],
        target.display()
    );
    Ok(spec)
}

/// Writes `bytes` unless the file already holds them (keeps build caches warm).
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
