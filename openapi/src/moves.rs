//! Operations that moved to another group of the facade, and the deprecated aliases that keep
//! the old paths compiling.
//!
//! PortOne sometimes changes an operation's `x-portone-category`, which moves its facade method
//! (`portone.billing_key().delete_billing_key(..)` became
//! `portone.payment().billing_key().delete_billing_key(..)`). `cargo xtask update-spec` records
//! each move in `portone-v2.moves.json` next to the lock; `portone-client`'s build script then
//! keeps a `#[deprecated]` method at the old path that forwards to the new one, so the move is
//! additive for users. An entry can go in the first release that may break (see
//! `MAINTAINING.md`).
//!
//! ```json
//! {"moved": [{"method": "delete_billing_key", "from": "billingKey", "since": "0.2.0"}]}
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One recorded move: `method` used to be in group `from`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Move {
    /// The Rust method name, e.g. `delete_billing_key`.
    pub method: String,
    /// The old group as an `x-portone-category`, e.g. `billingKey`.
    pub from: String,
    /// The `portone-client` version whose facade first has the alias.
    pub since: String,
}

impl Move {
    /// The old group's segments (`payment.billingKey` -> `["payment", "billingKey"]`).
    pub fn from_group(&self) -> Vec<String> {
        self.from.split('.').map(str::to_owned).collect()
    }
}

/// The recorded moves (`portone-v2.moves.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moves {
    /// Every move, sorted.
    pub moved: Vec<Move>,
}

/// Environment variable that makes the build read another moves file (the xtask's stability
/// check uses it for the moves between two history specs).
pub const MOVES_ENV: &str = "PORTONE_OPENAPI_MOVES";

/// Path of the moves file: `$PORTONE_OPENAPI_MOVES`, else the committed one.
pub fn moves_path() -> PathBuf {
    match std::env::var_os(MOVES_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => crate::source::spec_dir().join("portone-v2.moves.json"),
    }
}

impl Moves {
    /// Reads a moves file; a missing file is no move.
    pub fn read(path: &Path) -> Result<Moves, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Moves::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The moves file of this build (see [`moves_path`]).
    pub fn load() -> Result<Moves, String> {
        Moves::read(&moves_path())
    }

    /// Writes the file (sorted, pretty JSON, trailing newline).
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut sorted = self.clone();
        sorted.moved.sort();
        sorted.moved.dedup();
        let mut text = serde_json::to_string_pretty(&sorted).map_err(|e| e.to_string())?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Records that `method` left group `from` (no-op if already recorded).
    pub fn record(&mut self, method: &str, from: &str, since: &str) {
        if !self
            .moved
            .iter()
            .any(|m| m.method == method && m.from == from)
        {
            self.moved.push(Move {
                method: method.to_owned(),
                from: from.to_owned(),
                since: since.to_owned(),
            });
            self.moved.sort();
        }
    }

    /// The old groups of `method` that need an alias, given its current `group`.
    pub fn aliases_of<'m>(
        &'m self,
        method: &'m str,
        group: &'m [String],
    ) -> impl Iterator<Item = &'m Move> + 'm {
        self.moved
            .iter()
            .filter(move |m| m.method == method && m.from_group() != group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_read_write_and_aliases() {
        let dir = std::env::temp_dir().join(format!("portone-moves-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("moves.json");
        assert_eq!(Moves::read(&path).unwrap(), Moves::default());
        let mut moves = Moves::default();
        moves.record("delete_billing_key", "billingKey", "0.2.0");
        moves.record("delete_billing_key", "billingKey", "0.3.0");
        assert_eq!(moves.moved.len(), 1, "recorded once");
        moves.write(&path).unwrap();
        assert_eq!(Moves::read(&path).unwrap(), moves);
        let now = ["payment".to_owned(), "billingKey".to_owned()];
        let aliases: Vec<_> = moves.aliases_of("delete_billing_key", &now).collect();
        assert_eq!(aliases.len(), 1);
        assert_eq!(aliases[0].from_group(), ["billingKey"]);
        // Moved back: no alias at the current path.
        let back = ["billingKey".to_owned()];
        assert_eq!(moves.aliases_of("delete_billing_key", &back).count(), 0);
        std::fs::write(&path, "{").unwrap();
        assert!(Moves::read(&path).unwrap_err().contains("moves.json"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
