//! Finding the checks: every `*.sql` of a directory (sorted by name), or the built-in set
//! shipped inside the binary. A file without a `-- check:` header is an error, not skipped,
//! so a typo cannot silently switch a check off.

use std::path::{Path, PathBuf};

use crate::error::{FathomError, Result};
use crate::library::{CheckSpec, Header, parse_header};

/// One loaded check.
#[derive(Debug, Clone)]
pub struct Check {
    /// The file stem, e.g. `freshness`.
    pub id: String,
    pub file: PathBuf,
    pub header: Header,
    pub spec: CheckSpec,
    pub sql: String,
}

/// The shipped checks (the files of `queries/quality/`), as (file name, text).
const BUILTIN: &[(&str, &str)] = &[
    ("calendar_gaps.sql", include_str!("../../queries/quality/calendar_gaps.sql")),
    ("duplicate_nav.sql", include_str!("../../queries/quality/duplicate_nav.sql")),
    ("duplicate_prices.sql", include_str!("../../queries/quality/duplicate_prices.sql")),
    ("extreme_returns.sql", include_str!("../../queries/quality/extreme_returns.sql")),
    ("freshness.sql", include_str!("../../queries/quality/freshness.sql")),
    ("nav_continuity.sql", include_str!("../../queries/quality/nav_continuity.sql")),
    ("non_positive_prices.sql", include_str!("../../queries/quality/non_positive_prices.sql")),
    ("null_adj_close.sql", include_str!("../../queries/quality/null_adj_close.sql")),
    ("rebalance_weights.sql", include_str!("../../queries/quality/rebalance_weights.sql")),
    ("small_files.sql", include_str!("../../queries/quality/small_files.sql")),
    ("snapshot_age.sql", include_str!("../../queries/quality/snapshot_age.sql")),
    ("snapshot_count.sql", include_str!("../../queries/quality/snapshot_count.sql")),
];

/// Parses one check's text; `file` names it in errors.
pub fn parse_check(file: &Path, text: &str) -> Result<Check> {
    let header = parse_header(text, file)?;
    let spec = header.check.ok_or_else(|| {
        FathomError::Param(format!(
            "{}: not a check: add a header line `-- check: fail_above=0` (or warn_above=N) saying how many offending rows are allowed",
            file.display()
        ))
    })?;
    let id = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Check { id, file: file.to_path_buf(), header, spec, sql: text.to_string() })
}

/// The checks shipped with fathom.
pub fn builtin_checks() -> Result<Vec<Check>> {
    BUILTIN
        .iter()
        .map(|(name, text)| parse_check(&Path::new("queries/quality").join(name), text))
        .collect()
}

/// Every `*.sql` file of `dir`, sorted by file name.
pub fn load_checks(dir: &Path) -> Result<Vec<Check>> {
    let read = |e| FathomError::io(format!("reading the checks directory {}", dir.display()), e);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(read)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sql") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(FathomError::Other(format!(
            "no checks in {}: it holds no .sql files (the shipped ones are in queries/quality/)",
            dir.display()
        )));
    }
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| FathomError::io(format!("reading {}", f.display()), e))?;
            parse_check(f, &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_checks_parse_and_match_the_folder() {
        let checks = builtin_checks().unwrap();
        let on_disk = load_checks(&Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/quality")).unwrap();
        let ids = |c: &[Check]| c.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&checks), ids(&on_disk), "BUILTIN lists every file of queries/quality");
        for (b, d) in checks.iter().zip(&on_disk) {
            assert_eq!(b.sql, d.sql);
            assert!(b.header.name.is_some(), "{} has no name", b.id);
            assert!(b.header.params.iter().any(|p| p.name == "as_of") || !b.sql.contains(":as_of"), "{}", b.id);
        }
    }

    #[test]
    fn a_file_without_thresholds_is_not_silently_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.sql"), "-- name: A\n-- check: fail_above=0\nSELECT 1").unwrap();
        std::fs::write(dir.path().join("b.sql"), "-- name: B\nSELECT 1").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a check").unwrap();
        let err = load_checks(dir.path()).unwrap_err().to_string();
        assert!(err.contains("b.sql") && err.contains("-- check:"), "{err}");
        std::fs::remove_file(dir.path().join("b.sql")).unwrap();
        let checks = load_checks(dir.path()).unwrap();
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].id, "a");
        assert_eq!(checks[0].spec.fail_above, Some(0));
        let empty = tempfile::tempdir().unwrap();
        assert!(load_checks(empty.path()).unwrap_err().to_string().contains("no checks"));
    }
}
