//! Completion's names on disk, one JSON file per profile under the XDG cache dir: the tables,
//! the functions and the columns described so far, each column list with the time it was
//! described. A start reads it at once and the names are refreshed in the background; column
//! lists older than the TTL are offered but marked stale (described again when in scope). A
//! missing, corrupt or other-version file is a miss, never an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::TableInfo;
use crate::complete::{Columns, Names};

/// Column lists older than this are stale.
pub const COLUMNS_TTL_SECS: u64 = 3600;
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    saved_at: u64,
    tables: Vec<(String, String)>,
    functions: Vec<String>,
    columns: BTreeMap<String, (u64, Vec<String>)>,
}

/// The file of `profile` in `dir` (the name made safe for a file name).
pub fn path(dir: &Path, profile: &str) -> PathBuf {
    let safe: String = profile.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    dir.join(format!("{safe}.json"))
}

/// The cached names of `profile`, or `None` (no file, unreadable, corrupt, other version).
pub fn load(dir: &Path, profile: &str, now: u64) -> Option<Names> {
    let text = std::fs::read(path(dir, profile)).ok()?;
    let file: File = serde_json::from_slice(&text).ok()?;
    if file.version != VERSION {
        return None;
    }
    let columns = file
        .columns
        .into_iter()
        .map(|(k, (at, names))| (k, Columns { names, stale: now.saturating_sub(at) > COLUMNS_TTL_SECS, at }))
        .collect();
    let tables = file.tables.into_iter().map(|(schema, name)| TableInfo { schema, name }).collect();
    Some(Names { tables, columns, functions: file.functions })
}

/// Writes the names of `profile` atomically; column lists described this session (`at` 0)
/// are stamped `now`.
pub fn save(dir: &Path, profile: &str, names: &Names, now: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = File {
        version: VERSION,
        saved_at: now,
        tables: names.tables.iter().map(|t| (t.schema.clone(), t.name.clone())).collect(),
        functions: names.functions.clone(),
        columns: names.columns.iter().map(|(k, c)| (k.clone(), (if c.at == 0 { now } else { c.at }, c.names.clone()))).collect(),
    };
    let json = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &json)?;
    tmp.persist(path(dir, profile)).map_err(|e| e.error)?;
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complete::key;

    fn names() -> Names {
        let mut n = Names {
            tables: vec![TableInfo { schema: "reference".into(), name: "tb_meta".into() }],
            functions: vec!["sum".into()],
            ..Names::default()
        };
        n.columns.insert(key("reference", "tb_meta"), Columns { names: vec!["ticker".into()], stale: false, at: 0 });
        n
    }

    #[test]
    fn round_trips_and_ages_columns_past_the_ttl() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), "prod athena", &names(), 1_000).unwrap();
        assert!(path(dir.path(), "prod athena").ends_with("prod_athena.json"));
        let back = load(dir.path(), "prod athena", 1_000 + COLUMNS_TTL_SECS).unwrap();
        let want = Columns { names: vec!["ticker".into()], stale: false, at: 1_000 };
        assert_eq!(back.columns[&key("reference", "tb_meta")], want);
        assert_eq!((back.tables, back.functions), (names().tables, names().functions));
        let old = load(dir.path(), "prod athena", 1_001 + COLUMNS_TTL_SECS).unwrap();
        assert!(old.columns[&key("reference", "tb_meta")].stale);
    }

    #[test]
    fn a_missing_or_corrupt_file_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), "local", 0), None);
        std::fs::write(path(dir.path(), "local"), b"{\"version\": 1, \"tables\": [[\"a\"").unwrap();
        assert_eq!(load(dir.path(), "local", 0), None);
        std::fs::write(path(dir.path(), "local"), b"{\"version\":99,\"saved_at\":0,\"tables\":[],\"functions\":[],\"columns\":{}}").unwrap();
        assert_eq!(load(dir.path(), "local", 0), None);
    }
}
