//! `cargo xtask fetch`: materialize the pinned spec, wherever a copy of it can still be found.

use std::path::Path;

use portone_openapi::source::{self, SOURCE_ENV};
use portone_openapi::{Spec, SpecLock};

use crate::spec_store::{self, Cache};

#[derive(clap::Args, Debug, Default)]
pub struct FetchArgs {
    /// Read the pinned spec from this file path or http(s) URL only (default:
    /// $PORTONE_OPENAPI_SOURCE, else the local cache, the lock's archive URL and the lock's
    /// source URL, in that order). To pin another spec, use `cargo xtask update-spec`.
    #[arg(long)]
    pub from: Option<String>,
}

/// `--from`, else a non-empty `$PORTONE_OPENAPI_SOURCE`.
pub fn explicit_source(from: Option<&str>) -> Option<String> {
    from.map(str::to_owned).or_else(|| {
        std::env::var(SOURCE_ENV)
            .ok()
            .filter(|value| !value.is_empty())
    })
}

/// Materializes the spec the lock pins and returns it.
pub fn run(args: &FetchArgs) -> Result<Spec, String> {
    let lock_path = source::lock_path();
    let lock = SpecLock::read(&lock_path).map_err(|e| e.to_string())?;
    let explicit = explicit_source(args.from.as_deref());
    let (spec, from) = restore(
        &lock,
        &source::materialized_spec_path(),
        explicit.as_deref(),
        Cache::user().as_ref(),
    )?;
    eprintln!(
        "spec info.version {} (sha256 {}) from {from} at {}",
        spec.info_version(),
        &spec.sha256[..12],
        source::materialized_spec_path().display()
    );
    Ok(spec)
}

/// Writes the pinned spec to `target` from the first place that still has it: `explicit` alone
/// when given, else `target` itself, the cache, the lock's archive URL, the lock's source URL.
/// Every copy found is kept in the cache. Returns the spec and where it came from.
pub fn restore(
    lock: &SpecLock,
    target: &Path,
    explicit: Option<&str>,
    cache: Option<&Cache>,
) -> Result<(Spec, String), String> {
    let mut candidates: Vec<String> = Vec::new();
    match explicit {
        Some(from) => candidates.push(from.to_owned()),
        None => {
            candidates.push(target.display().to_string());
            if let Some(cache) = cache {
                candidates.push(cache.path(&lock.sha256).display().to_string());
            }
            candidates.extend(lock.archive.clone());
            candidates.push(lock.source.clone());
        }
    }
    let mut tried = Vec::new();
    for candidate in &candidates {
        let is_target = candidate == &target.display().to_string();
        if is_target && !target.exists() {
            continue;
        }
        let found = spec_store::read_source(candidate).and_then(|bytes| {
            let spec = Spec::from_bytes(&bytes, candidate.clone()).map_err(|e| e.to_string())?;
            lock.verify(&spec).map_err(|e| e.to_string())?;
            Ok((spec, bytes))
        });
        match found {
            Ok((spec, bytes)) => {
                if !is_target {
                    write_if_changed(target, &bytes)?;
                }
                if let Some(cache) = cache
                    && let Err(e) = cache.put(&bytes)
                {
                    eprintln!("warning: spec cache: {e}");
                }
                return Ok((spec, candidate.clone()));
            }
            Err(why) if explicit.is_some() => return Err(why),
            Err(why) => tried.push(format!("  {why}")),
        }
    }
    Err(format!(
        "the pinned spec (info.version {}, sha256 {}) is nowhere to be found:\n{}\n\
         give a copy with `cargo xtask fetch --from PATH_OR_URL`, or pin another spec with \
         `cargo xtask update-spec`",
        lock.info_version,
        &lock.sha256[..12.min(lock.sha256.len())],
        tried.join("\n")
    ))
}

/// Writes `bytes` unless the file already holds them (keeps build caches warm).
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str =
        r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{}}"#;
    const NEW: &str =
        r#"{"openapi":"3.0.3","info":{"title":"t","version":"2"},"paths":{},"components":{}}"#;

    fn lock_for(text: &str, source: &str) -> SpecLock {
        SpecLock::for_spec(&Spec::from_bytes(text.as_bytes(), "t").unwrap(), source)
    }

    /// A checkout of an older commit, offline: the source URL now serves something else (here:
    /// nothing), yet the cache still has the pinned spec.
    #[test]
    fn an_older_pin_rebuilds_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache"));
        cache.put(OLD.as_bytes()).unwrap();
        cache.put(NEW.as_bytes()).unwrap();
        let target = dir.path().join("spec.json");
        std::fs::write(&target, NEW).unwrap();
        let lock = lock_for(OLD, "http://127.0.0.1:9/latest.json");
        let (spec, from) = restore(&lock, &target, None, Some(&cache)).unwrap();
        assert_eq!(spec.info_version(), "1");
        assert_eq!(from, cache.path(&lock.sha256).display().to_string());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), OLD);
        // Now it is materialized: the next run reads nothing else.
        let (_, from) = restore(&lock, &target, None, None).unwrap();
        assert_eq!(from, target.display().to_string());
    }

    #[test]
    fn the_archive_url_is_tried_before_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let archived = dir.path().join("archived.json");
        std::fs::write(&archived, OLD).unwrap();
        let latest = dir.path().join("latest.json");
        std::fs::write(&latest, NEW).unwrap();
        let mut lock = lock_for(OLD, &latest.display().to_string());
        lock.archive = Some(archived.display().to_string());
        let cache = Cache::at(dir.path().join("cache"));
        let target = dir.path().join("spec.json");
        let (_, from) = restore(&lock, &target, None, Some(&cache)).unwrap();
        assert_eq!(from, archived.display().to_string());
        assert!(
            cache.get(&lock.sha256).is_some(),
            "what was fetched is cached"
        );
    }

    #[test]
    fn nowhere_to_be_found_lists_every_place_tried() {
        let dir = tempfile::tempdir().unwrap();
        let latest = dir.path().join("latest.json");
        std::fs::write(&latest, NEW).unwrap();
        let mut lock = lock_for(OLD, &latest.display().to_string());
        lock.archive = Some("http://127.0.0.1:9/archived.json".into());
        let target = dir.path().join("spec.json");
        let cache = Cache::at(dir.path().join("cache"));
        let err = restore(&lock, &target, None, Some(&cache)).unwrap_err();
        assert!(err.contains("is nowhere to be found"), "{err}");
        assert!(err.contains("cannot read"), "the cache miss: {err}");
        assert!(err.contains("cannot download http://127.0.0.1:9/"), "{err}");
        assert!(err.contains("does not match the pinned spec"), "{err}");
        assert!(err.contains("cargo xtask fetch --from"), "{err}");
        assert!(!target.exists());
    }

    #[test]
    fn an_explicit_source_is_the_only_one_and_must_match() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache"));
        cache.put(OLD.as_bytes()).unwrap();
        let other = dir.path().join("other.json");
        std::fs::write(&other, NEW).unwrap();
        let lock = lock_for(OLD, "http://127.0.0.1:9/latest.json");
        let target = dir.path().join("spec.json");
        let err = restore(
            &lock,
            &target,
            Some(&other.display().to_string()),
            Some(&cache),
        )
        .unwrap_err();
        assert!(err.contains("cargo xtask update-spec"), "{err}");
        assert!(!target.exists());
    }
}
