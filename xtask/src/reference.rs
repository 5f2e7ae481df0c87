//! `cargo xtask fetch-reference`: restores PortOne's published specs the tests compare with
//! (`../shared/openapi`: the latest and the history) where they are missing, e.g. on a hosted CI
//! runner: from the spec cache, else PortOne's source repository at the commit
//! `openapi/reference-specs.json` records, each checked against its sha256.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::spec_store::{self, Cache};
use crate::workspace_root;

#[derive(clap::Args, Debug, Default)]
pub struct ReferenceArgs {
    /// Where to put them (default: `../shared/openapi` next to the workspace).
    #[arg(long)]
    pub into: Option<PathBuf>,
}

/// One recorded reference spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Path under the reference directory.
    pub file: String,
    /// Commit of PortOne's source repository.
    pub commit: String,
    /// Hex sha256 of the file.
    pub sha256: String,
}

/// The references recorded in `openapi/reference-specs.json`.
pub fn references(path: &Path) -> Result<Vec<Reference>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let field = |spec: &Value, name: &str| -> Result<String, String> {
        spec[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{}: a spec without `{name}`", path.display()))
    };
    json["specs"]
        .as_array()
        .ok_or_else(|| format!("{}: no `specs` list", path.display()))?
        .iter()
        .map(|spec| {
            Ok(Reference {
                file: field(spec, "file")?,
                commit: field(spec, "commit")?,
                sha256: field(spec, "sha256")?,
            })
        })
        .collect()
}

/// Puts every reference spec under `dir`; `download` reads a URL.
pub fn restore(
    refs: &[Reference],
    dir: &Path,
    cache: Option<&Cache>,
    download: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<usize, String> {
    let mut written = 0;
    for reference in refs {
        if reference.file.contains("..") || Path::new(&reference.file).is_absolute() {
            return Err(format!("{}: not a relative path", reference.file));
        }
        let target = dir.join(&reference.file);
        let intact = |bytes: &[u8]| portone_openapi::source::sha256_hex(bytes) == reference.sha256;
        if std::fs::read(&target).is_ok_and(|bytes| intact(&bytes)) {
            continue;
        }
        let bytes = match cache.and_then(|c| c.get(&reference.sha256)) {
            Some(bytes) => bytes,
            None => {
                let url = spec_store::upstream_file_url(&reference.commit);
                let bytes = download(&url)?;
                if !intact(&bytes) {
                    return Err(format!(
                        "{url} is not {} (sha256 {} expected)",
                        reference.file, reference.sha256
                    ));
                }
                if let Some(cache) = cache {
                    cache.put(&bytes)?;
                }
                bytes
            }
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        written += 1;
    }
    Ok(written)
}

pub fn run(args: &ReferenceArgs) -> Result<(), String> {
    let refs = references(&workspace_root().join("openapi/reference-specs.json"))?;
    let dir = args
        .into
        .clone()
        .unwrap_or_else(|| workspace_root().join("../shared/openapi"));
    let written = restore(&refs, &dir, Cache::user().as_ref(), &spec_store::download)?;
    eprintln!(
        "{} reference specs in {} ({written} restored)",
        refs.len(),
        dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_references_are_the_shared_specs() {
        let refs = references(&workspace_root().join("openapi/reference-specs.json")).unwrap();
        assert_eq!(refs.len(), 4);
        let shared = workspace_root().join("../shared/openapi");
        // Already in place: nothing is downloaded.
        let offline = |url: &str| -> Result<Vec<u8>, String> { Err(format!("offline: {url}")) };
        assert_eq!(restore(&refs, &shared, None, &offline).unwrap(), 0);
    }

    #[test]
    fn missing_specs_come_from_the_cache_or_the_commit_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache"));
        cache.put(b"{\"a\":1}").unwrap();
        let refs = vec![
            Reference {
                file: "cached.json".into(),
                commit: "c1".into(),
                sha256: portone_openapi::source::sha256_hex(b"{\"a\":1}"),
            },
            Reference {
                file: "history/fetched.json".into(),
                commit: "c2".into(),
                sha256: portone_openapi::source::sha256_hex(b"{\"b\":2}"),
            },
        ];
        let target = dir.path().join("shared");
        let served = |url: &str| -> Result<Vec<u8>, String> {
            assert!(url.contains("/c2/src/schema/v2.openapi.json"), "{url}");
            Ok(b"{\"b\":2}".to_vec())
        };
        assert_eq!(restore(&refs, &target, Some(&cache), &served).unwrap(), 2);
        assert_eq!(
            std::fs::read(target.join("history/fetched.json")).unwrap(),
            b"{\"b\":2}"
        );
        assert!(cache.get(&refs[1].sha256).is_some(), "downloads are cached");

        let wrong = |_: &str| -> Result<Vec<u8>, String> { Ok(b"{}".to_vec()) };
        let other = dir.path().join("other");
        let err = restore(&refs[1..], &other, None, &wrong).unwrap_err();
        assert!(err.contains("is not history/fetched.json"), "{err}");
        assert!(!other.join("history/fetched.json").exists());

        let escape = vec![Reference {
            file: "../x.json".into(),
            ..refs[0].clone()
        }];
        assert!(restore(&escape, &target, None, &wrong).is_err());
    }
}
