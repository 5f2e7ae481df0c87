//! Where spec documents come from: files, URLs (always with timeouts), PortOne's source
//! repository at a fixed commit, and a local content-addressed cache of every spec the xtask
//! has fetched or pinned, so an older commit of this repository rebuilds offline.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use portone_openapi::source::DEFAULT_SOURCE_URL;
use portone_openapi::source::sha256_hex;

/// Overrides the cache directory.
pub const CACHE_ENV: &str = "PORTONE_SPEC_CACHE";

/// The public repository PortOne publishes the spec from, and the file in it.
const UPSTREAM_REPO: &str = "portone-io/developers.portone.io";
const UPSTREAM_PATH: &str = "src/schema/v2.openapi.json";

/// Whole-request and connect timeouts of every download.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// The published spec is about 3 MiB; anything far larger is not a spec.
const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// Whether `source` is an http(s) URL (else it is a file path).
pub fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// Reads the bytes of a path or URL.
pub fn read_source(source: &str) -> Result<Vec<u8>, String> {
    if is_url(source) {
        download(source)
    } else {
        std::fs::read(source).map_err(|e| format!("cannot read {source}: {e}"))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(DOWNLOAD_TIMEOUT))
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .user_agent(concat!("portone-rust-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Downloads `url` (at most 64 MiB, within 120 s), reporting progress on stderr.
pub fn download(url: &str) -> Result<Vec<u8>, String> {
    eprintln!("downloading {url}");
    let response = agent()
        .get(url)
        .call()
        .map_err(|e| format!("cannot download {url}: {e}"))?;
    let total: Option<u64> = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let mut body = response.into_body();
    let mut reader = body.with_config().limit(MAX_SPEC_BYTES).reader();
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

/// The local cache: `$PORTONE_SPEC_CACHE`, else `$XDG_CACHE_HOME/portone-rust/specs`, else
/// `~/.cache/portone-rust/specs`; `None` when none of them is set.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var(CACHE_ENV) {
        return Some(PathBuf::from(dir));
    }
    let base = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".cache")))?;
    Some(base.join("portone-rust").join("specs"))
}

/// A content-addressed store of spec documents: `<sha256>.json`.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The user's cache (see [`cache_dir`]).
    pub fn user() -> Option<Cache> {
        cache_dir().map(Cache::at)
    }

    /// A cache in `dir`.
    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// The file that holds the document with this hash.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.json"))
    }

    /// The cached document with this hash; a missing or corrupted entry is `None`.
    pub fn get(&self, sha256: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(sha256)).ok()?;
        (sha256_hex(&bytes) == sha256).then_some(bytes)
    }

    /// Stores `bytes` under their hash (an existing, intact entry is kept).
    pub fn put(&self, bytes: &[u8]) -> Result<PathBuf, String> {
        let sha256 = sha256_hex(bytes);
        let path = self.path(&sha256);
        if self.get(&sha256).is_some() {
            return Ok(path);
        }
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        // Write then rename, so a reader never sees half a document.
        let partial = self
            .dir
            .join(format!(".{sha256}.{}.partial", std::process::id()));
        std::fs::write(&partial, bytes)
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }
}

/// Stores `bytes` in the user's cache; a cache that cannot be written is only a warning.
pub fn remember(bytes: &[u8]) {
    match Cache::user().map(|cache| cache.put(bytes)) {
        Some(Ok(_)) => {}
        Some(Err(e)) => eprintln!("warning: spec cache: {e}"),
        None => eprintln!("warning: no spec cache (set {CACHE_ENV} or HOME)"),
    }
}

/// The raw URL of PortOne's spec file at `commit` of its source repository.
pub fn upstream_file_url(commit: &str) -> String {
    format!("https://raw.githubusercontent.com/{UPSTREAM_REPO}/{commit}/{UPSTREAM_PATH}")
}

/// Finds a permanent URL for a spec fetched from PortOne's site: the source repository's file at
/// its latest commit, if that file has exactly the hash `sha256`. `Err` says why there is none.
pub fn find_archive(source: &str, sha256: &str) -> Result<String, String> {
    if source != DEFAULT_SOURCE_URL {
        return Err(format!("{source} is not PortOne's published URL"));
    }
    let api = format!(
        "https://api.github.com/repos/{UPSTREAM_REPO}/commits?path={UPSTREAM_PATH}&per_page=1"
    );
    let listing = download(&api)?;
    let commit =
        latest_commit(&listing).ok_or_else(|| format!("{api} did not answer a commit list"))?;
    let url = upstream_file_url(&commit);
    let bytes = download(&url)?;
    let found = sha256_hex(&bytes);
    if found == sha256 {
        Ok(url)
    } else {
        Err(format!(
            "{url} has sha256 {found}, not the published spec's (the site and the repository disagree)"
        ))
    }
}

/// The first commit hash of a GitHub "list commits" answer.
fn latest_commit(listing: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(listing).ok()?;
    let sha = json.get(0)?.get("sha")?.as_str()?;
    (sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_is_content_addressed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("specs"));
        let sha = sha256_hex(b"{}");
        assert_eq!(cache.get(&sha), None);
        let path = cache.put(b"{}").unwrap();
        assert_eq!(path, cache.path(&sha));
        assert_eq!(cache.get(&sha).as_deref(), Some(&b"{}"[..]));
        // A corrupted entry is a miss, and the next put repairs it.
        std::fs::write(&path, b"{\"x\":1}").unwrap();
        assert_eq!(cache.get(&sha), None);
        cache.put(b"{}").unwrap();
        assert_eq!(cache.get(&sha).as_deref(), Some(&b"{}"[..]));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("specs"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn the_first_commit_of_a_listing() {
        let sha = "a511c22a0123456789abcdef0123456789abcdef";
        let listing = format!(r#"[{{"sha":"{sha}","commit":{{}}}},{{"sha":"b"}}]"#);
        assert_eq!(latest_commit(listing.as_bytes()).as_deref(), Some(sha));
        assert_eq!(latest_commit(br#"{"message":"rate limited"}"#), None);
        assert_eq!(latest_commit(br#"[{"sha":"../../etc"}]"#), None);
        assert_eq!(latest_commit(b"<html>"), None);
    }

    #[test]
    fn only_the_published_url_has_an_upstream_archive() {
        let err = find_archive("/tmp/spec.json", "00").unwrap_err();
        assert!(err.contains("not PortOne's published URL"), "{err}");
        assert_eq!(
            upstream_file_url("a511c22a"),
            "https://raw.githubusercontent.com/portone-io/developers.portone.io/a511c22a/src/schema/v2.openapi.json"
        );
    }

    #[test]
    fn an_unreachable_url_fails_quickly_with_its_name() {
        // Port 9 on loopback refuses the connection: no network needed.
        let err = download("http://127.0.0.1:9/spec.json").unwrap_err();
        assert!(
            err.starts_with("cannot download http://127.0.0.1:9/spec.json"),
            "{err}"
        );
    }
}
