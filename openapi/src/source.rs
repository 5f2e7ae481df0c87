//! Reading a spec document and pinning it with a lock file.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Where PortOne publishes the V2 spec.
pub const DEFAULT_SOURCE_URL: &str = "https://developers.portone.io/schema/v2.openapi.json";

/// Environment variable that overrides the source `cargo xtask fetch` reads from.
pub const SOURCE_ENV: &str = "PORTONE_OPENAPI_SOURCE";

/// Environment variable that makes the build generate from another spec file
/// (used to build against older specs); the lock is not checked then.
pub const SPEC_OVERRIDE_ENV: &str = "PORTONE_OPENAPI_SPEC";

/// The directory of this crate, which holds the lock file and the materialized spec.
pub fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of the materialized (git-ignored) spec.
pub fn materialized_spec_path() -> PathBuf {
    spec_dir().join("portone-v2.openapi.json")
}

/// Path of the committed lock file.
pub fn lock_path() -> PathBuf {
    spec_dir().join("portone-v2.lock.json")
}

/// Why a spec document could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not JSON.
    #[error("{origin} is not JSON: {source}")]
    NotJson {
        /// Where the bytes came from.
        origin: String,
        /// The parse error (with line and column).
        source: serde_json::Error,
    },
    /// JSON, but not an OpenAPI 3.0.x document.
    #[error("{origin} is not an OpenAPI 3.0.x document: {reason}")]
    NotOpenApi {
        /// Where the bytes came from.
        origin: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// The document differs from the one pinned in the lock file.
    #[error(
        "{origin} does not match the pinned spec: sha256 {actual} (info.version {actual_version}), \
         lock expects {expected} (info.version {expected_version}); \
         run `cargo xtask update-spec` to review and accept the new spec"
    )]
    Mismatch {
        /// Where the bytes came from.
        origin: String,
        /// Hash in the lock file.
        expected: String,
        /// Hash of the document.
        actual: String,
        /// `info.version` in the lock.
        expected_version: String,
        /// `info.version` of the document.
        actual_version: String,
    },
    /// The lock file is missing or malformed.
    #[error("lock file {path}: {reason}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// A parsed OpenAPI 3.0.x document with its hash.
#[derive(Clone)]
pub struct Spec {
    /// The parsed document (key order preserved).
    pub json: Value,
    /// Hex sha256 of the exact bytes.
    pub sha256: String,
    /// Where it came from (a path or URL), for messages.
    pub origin: String,
}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spec")
            .field("origin", &self.origin)
            .field("sha256", &self.sha256)
            .field("info_version", &self.info_version())
            .finish_non_exhaustive()
    }
}

/// Hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Spec {
    /// Parses and sanity-checks a document.
    pub fn from_bytes(bytes: &[u8], origin: impl Into<String>) -> Result<Spec, SpecError> {
        let origin = origin.into();
        let json: Value = serde_json::from_slice(bytes).map_err(|source| SpecError::NotJson {
            origin: origin.clone(),
            source,
        })?;
        let not_openapi = |reason: String| SpecError::NotOpenApi {
            origin: origin.clone(),
            reason,
        };
        let Some(root) = json.as_object() else {
            return Err(not_openapi("the top level is not an object".into()));
        };
        match root.get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0.") => {}
            Some(v) => return Err(not_openapi(format!("version {v:?} is not 3.0.x"))),
            None => return Err(not_openapi("no `openapi` version field".into())),
        }
        for key in ["info", "paths", "components"] {
            if !root.get(key).is_some_and(Value::is_object) {
                return Err(not_openapi(format!("no `{key}` object")));
            }
        }
        if !root["info"].get("version").is_some_and(Value::is_string) {
            return Err(not_openapi("no `info.version` string".into()));
        }
        Ok(Spec {
            json,
            sha256: sha256_hex(bytes),
            origin,
        })
    }

    /// Reads and parses a spec file.
    pub fn from_path(path: &Path) -> Result<Spec, SpecError> {
        let bytes = std::fs::read(path).map_err(|source| SpecError::Read {
            path: path.to_owned(),
            source,
        })?;
        Spec::from_bytes(&bytes, path.display().to_string())
    }

    /// `info.version` of the document.
    pub fn info_version(&self) -> &str {
        self.json["info"]["version"].as_str().unwrap_or_default()
    }

    /// Number of operations (method + path pairs).
    pub fn operation_count(&self) -> usize {
        self.json["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .values()
                    .filter_map(Value::as_object)
                    .map(|item| {
                        item.keys()
                            .filter(|k| crate::model::HttpMethod::parse(k).is_some())
                            .count()
                    })
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Number of component schemas.
    pub fn schema_count(&self) -> usize {
        self.json["components"]["schemas"]
            .as_object()
            .map_or(0, |s| s.len())
    }
}

/// The committed pin of the spec the SDK is generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecLock {
    /// Where the spec is published (serves the latest spec, not necessarily this one).
    pub source: String,
    /// A URL that serves exactly this spec for good (PortOne's source repository at a fixed
    /// commit), so that any commit of this repository can be rebuilt later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Hex sha256 of the spec bytes.
    pub sha256: String,
    /// The spec's `info.version`.
    pub info_version: String,
    /// Number of operations.
    pub operations: usize,
    /// Number of component schemas.
    pub schemas: usize,
}

impl SpecLock {
    /// A lock describing `spec`, published at `source` (no archive URL yet).
    pub fn for_spec(spec: &Spec, source: impl Into<String>) -> SpecLock {
        SpecLock {
            source: source.into(),
            archive: None,
            sha256: spec.sha256.clone(),
            info_version: spec.info_version().to_owned(),
            operations: spec.operation_count(),
            schemas: spec.schema_count(),
        }
    }

    /// Reads a lock file.
    pub fn read(path: &Path) -> Result<SpecLock, SpecError> {
        let lock_error = |reason: String| SpecError::Lock {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| lock_error(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| lock_error(e.to_string()))
    }

    /// Writes the lock file (pretty JSON, trailing newline).
    pub fn write(&self, path: &Path) -> Result<(), SpecError> {
        let mut text = serde_json::to_string_pretty(self).expect("a lock always serializes");
        text.push('\n');
        std::fs::write(path, text).map_err(|e| SpecError::Lock {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Checks that `spec` is the pinned document.
    pub fn verify(&self, spec: &Spec) -> Result<(), SpecError> {
        if self.sha256 == spec.sha256 {
            return Ok(());
        }
        Err(SpecError::Mismatch {
            origin: spec.origin.clone(),
            expected: self.sha256.clone(),
            actual: spec.sha256.clone(),
            expected_version: self.info_version.clone(),
            actual_version: spec.info_version().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1.2.3"},
        "paths":{"/a":{"get":{"operationId":"getA","responses":{}},"parameters":[]}},
        "components":{"schemas":{"A":{"type":"string","enum":["X"]}}}}"#;

    #[test]
    fn parses_minimal_spec() {
        let spec = Spec::from_bytes(MINIMAL.as_bytes(), "inline").unwrap();
        assert_eq!(spec.info_version(), "1.2.3");
        assert_eq!(spec.operation_count(), 1);
        assert_eq!(spec.schema_count(), 1);
        assert_eq!(spec.sha256, sha256_hex(MINIMAL.as_bytes()));
    }

    #[test]
    fn rejects_non_json() {
        let err = Spec::from_bytes(b"<html>", "x.json").unwrap_err();
        assert!(matches!(err, SpecError::NotJson { .. }), "{err}");
        assert!(err.to_string().starts_with("x.json is not JSON"), "{err}");
    }

    #[test]
    fn rejects_other_versions_and_shapes() {
        for (doc, needle) in [
            (r#"{"openapi":"3.1.0"}"#, "\"3.1.0\" is not 3.0.x"),
            (r#"{"swagger":"2.0"}"#, "no `openapi` version"),
            (r#"[1]"#, "not an object"),
            (
                r#"{"openapi":"3.0.0","info":{"version":"1"},"paths":{}}"#,
                "no `components` object",
            ),
        ] {
            let err = Spec::from_bytes(doc.as_bytes(), "d").unwrap_err();
            assert!(matches!(err, SpecError::NotOpenApi { .. }));
            assert!(err.to_string().contains(needle), "{err} / {needle}");
        }
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let err = Spec::from_path(Path::new("/nonexistent/spec.json")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/spec.json"),
            "{err}"
        );
    }

    #[test]
    fn lock_round_trip_and_mismatch() {
        let spec = Spec::from_bytes(MINIMAL.as_bytes(), "inline").unwrap();
        let lock = SpecLock::for_spec(&spec, DEFAULT_SOURCE_URL);
        lock.verify(&spec).unwrap();
        let dir = std::env::temp_dir().join(format!("portone-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lock.json");
        lock.write(&path).unwrap();
        assert_eq!(SpecLock::read(&path).unwrap(), lock);

        let other = Spec::from_bytes(MINIMAL.replace("1.2.3", "1.2.4").as_bytes(), "new").unwrap();
        let err = lock.verify(&other).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("1.2.4") && text.contains("1.2.3"), "{text}");
        assert!(text.contains("cargo xtask update-spec"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn malformed_lock_is_reported() {
        let err = SpecLock::read(Path::new("/nonexistent/lock.json")).unwrap_err();
        assert!(matches!(err, SpecError::Lock { .. }));
    }
}
