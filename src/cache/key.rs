//! The cache key of a run, or why it has none.
//!
//! An answer is keyed on the snapshot of every table it read, so it is reused exactly while
//! no input changed. Beyond that rule the user decides:
//! - `[cache] unversioned_ttl_minutes = N` caches answers that no snapshot can key (a Glue
//!   table that is not Iceberg, a table with no snapshot, or a query the estimate could not
//!   plan) and reuses them for at most N minutes;
//! - a `-- cache: force` line caches a query that calls `now()`, `current_date`, `rand()`...
//!   (for at most that TTL when one is set, else until a table changes);
//! - a `-- cache: off` line never caches the query.

use sha2::{Digest, Sha256};
use datafusion::sql::sqlparser::tokenizer::{Token, Whitespace};

use crate::estimate::Estimate;
use crate::library::ParamValue;

/// Functions whose result changes between runs of the same SQL on the same data.
const VOLATILE: &[&str] = &[
    "now", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "rand", "random", "uuid",
    "random_uuid", "current_timezone", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
];

/// A run's key: a hex digest, the snapshots it stands for (for messages), and how old its
/// answer may be when it is reused (`None`: as long as the snapshots are current).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub hex: String,
    pub snapshots: Vec<(String, i64)>,
    pub max_age_secs: Option<u64>,
}

/// What the user allows beyond the snapshot rule (`[cache]` in the config).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// How long an answer that no snapshot keys may be reused, in seconds.
    pub unversioned_ttl_secs: Option<u64>,
}

/// A query's own `-- cache:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Force,
    Off,
}

/// The key of `sql` with `params` on `catalog` (the engine and what it reads), given the
/// estimate that planned it (or why there is none): `Err(why)` when it must not be cached.
pub fn key(
    catalog: &str,
    sql: &str,
    params: &[ParamValue],
    estimate: std::result::Result<&Estimate, &str>,
    policy: Policy,
) -> Result<Key, String> {
    let normalized = normalize(sql)?;
    if normalized.directive == Some(Directive::Off) {
        return Err("its `-- cache: off` line says so".into());
    }
    let ttl = policy.unversioned_ttl_secs;
    let ttl_hint = "; `[cache] unversioned_ttl_minutes` caches such answers for that long";
    let mut max_age = None;
    if let Some(word) = &normalized.volatile {
        if normalized.directive != Some(Directive::Force) {
            return Err(format!("it calls {word}, whose value changes between runs (a `-- cache: force` line caches it anyway)"));
        }
        max_age = ttl;
    }
    let mut snapshots = Vec::new();
    let mut unversioned = Vec::new();
    match estimate {
        Ok(e) if !e.conservative => {
            for t in &e.tables {
                match t.snapshot_id {
                    Some(id) => snapshots.push((t.table.clone(), id)),
                    None if ttl.is_some() => unversioned.push(t.table.clone()),
                    None => return Err(format!("{} has no snapshot to key the result on{ttl_hint}", t.table)),
                }
            }
        }
        _ if ttl.is_some() => unversioned.push("*".to_string()),
        Ok(_) => return Err(format!("the estimate could not plan it, so its inputs are not known{ttl_hint}")),
        Err(why) => return Err(format!("no estimate ({why}){ttl_hint}")),
    }
    if !unversioned.is_empty() {
        max_age = ttl;
    }
    snapshots.sort();
    snapshots.dedup();
    unversioned.sort();
    let mut h = Sha256::new();
    for part in [catalog, normalized.text.as_str()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for p in params {
        h.update(format!("{p:?}").as_bytes());
        h.update([0]);
    }
    for (table, id) in &snapshots {
        h.update(format!("{table}@{id}").as_bytes());
        h.update([0]);
    }
    for table in &unversioned {
        h.update(format!("{table}@ttl").as_bytes());
        h.update([0]);
    }
    let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Key { hex, snapshots, max_age_secs: max_age })
}

/// The SQL without comments and whitespace runs, unquoted words lower-cased; the first
/// non-deterministic function it calls; its `-- cache:` line.
struct Normalized {
    text: String,
    volatile: Option<String>,
    directive: Option<Directive>,
}

fn normalize(sql: &str) -> Result<Normalized, String> {
    let toks = crate::sqltext::tokenize(sql).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let (mut volatile, mut directive) = (None, None);
    for t in toks {
        match t.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                if let Some(d) = cache_line(&comment)? {
                    directive = Some(d);
                }
            }
            Token::Whitespace(_) => {}
            Token::Word(w) if w.quote_style.is_none() => {
                let word = w.value.to_lowercase();
                if volatile.is_none() && VOLATILE.contains(&word.as_str()) {
                    volatile = Some(word.clone());
                }
                out.push(word);
            }
            other => out.push(other.to_string()),
        }
    }
    Ok(Normalized { text: out.join(" "), volatile, directive })
}

/// `cache: force` / `cache: off` in a `--` comment; another value is refused by name.
fn cache_line(comment: &str) -> Result<Option<Directive>, String> {
    let Some((k, v)) = comment.split_once(':') else { return Ok(None) };
    if !k.trim().eq_ignore_ascii_case("cache") {
        return Ok(None);
    }
    match v.trim().to_ascii_lowercase().as_str() {
        "force" => Ok(Some(Directive::Force)),
        "off" => Ok(Some(Directive::Off)),
        other => Err(format!("`-- cache: {other}` is not a cache setting; use `-- cache: force` or `-- cache: off`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Budget;
    use crate::estimate::TableEstimate;

    fn est(snapshot: Option<i64>) -> Estimate {
        let t = TableEstimate {
            table: "market_data.us_stocks_price".into(),
            snapshot_id: snapshot,
            files_kept: 1,
            files_total: 1,
            partitions_kept: 1,
            partitions_total: 1,
            columns: vec![],
            bytes: 1,
            get_requests: 0,
            metadata_get_requests: 0,
            files_without_column_sizes: 0,
            files: vec![],
            partition_column: None,
            filter_columns: Default::default(),
            star: false,
            all_columns: 1,
        };
        Estimate::assemble(vec![t], None, &Budget::default())
    }

    fn k(catalog: &str, sql: &str, params: &[ParamValue], snapshot: Option<i64>) -> Result<Key, String> {
        key(catalog, sql, params, Ok(&est(snapshot)), Policy::default())
    }

    #[test]
    fn the_key_follows_the_inputs_not_the_spelling() {
        let a = k("local:x", "SELECT a FROM t -- note\nWHERE b = $1", &[ParamValue::Int(1)], Some(7)).unwrap();
        let b = k("local:x", "select   A from T where B = $1", &[ParamValue::Int(1)], Some(7)).unwrap();
        assert_eq!(a, b, "comments, whitespace and case of unquoted words do not matter");
        assert_ne!(a.hex, k("local:x", "SELECT a FROM t WHERE b = $1", &[ParamValue::Int(2)], Some(7)).unwrap().hex, "parameters");
        assert_ne!(a.hex, k("local:x", "SELECT a FROM t WHERE b = $1", &[ParamValue::Int(1)], Some(8)).unwrap().hex, "a new snapshot");
        assert_ne!(a.hex, k("local:y", "SELECT a FROM t WHERE b = $1", &[ParamValue::Int(1)], Some(7)).unwrap().hex, "another catalog");
        assert_ne!(a.hex, k("local:x", "SELECT a FROM t WHERE b = 'X'", &[], Some(7)).unwrap().hex);
        assert_ne!(
            k("local:x", "SELECT 'A'", &[], Some(7)).unwrap().hex,
            k("local:x", "SELECT 'a'", &[], Some(7)).unwrap().hex,
            "string literals keep their case"
        );
    }

    #[test]
    fn volatile_functions_and_tables_without_snapshots_are_not_cached() {
        for sql in ["SELECT current_date", "SELECT * FROM t WHERE d > NOW()", "SELECT rand()", "SELECT CURRENT_TIMESTAMP"] {
            assert!(k("c", sql, &[], Some(1)).unwrap_err().contains("changes between runs"), "{sql}");
        }
        assert!(k("c", "SELECT 'now'", &[], Some(1)).is_ok(), "a string is not a call");
        assert!(k("c", "SELECT a FROM t", &[], None).unwrap_err().contains("no snapshot"));
    }

    #[test]
    fn the_user_forces_or_refuses_the_cache_and_sets_a_ttl() {
        let forced = k("c", "-- cache: force\nSELECT current_date", &[], Some(1)).unwrap();
        assert_eq!(forced.max_age_secs, None, "forced, with no TTL: kept while the snapshots are current");
        let ttl = Policy { unversioned_ttl_secs: Some(600) };
        let forced = key("c", "-- Cache: FORCE\nSELECT now()", &[], Ok(&est(Some(1))), ttl).unwrap();
        assert_eq!(forced.max_age_secs, Some(600), "forced, with a TTL: at most that old");
        assert!(k("c", "-- cache: off\nSELECT a FROM t", &[], Some(1)).unwrap_err().contains("cache: off"));
        let e = k("c", "-- cache: always\nSELECT a FROM t", &[], Some(1)).unwrap_err();
        assert!(e.contains("`-- cache: always` is not a cache setting") && e.contains("cache: force"), "{e}");
        assert!(k("c", "-- TODO: tidy\nSELECT a FROM t", &[], Some(1)).is_ok(), "other comments are comments");

        let none = k("c", "SELECT a FROM t", &[], None).unwrap_err();
        assert!(none.contains("unversioned_ttl_minutes"), "the error names the setting: {none}");
        let kept = key("c", "SELECT a FROM t", &[], Ok(&est(None)), ttl).unwrap();
        assert_eq!((kept.max_age_secs, kept.snapshots.len()), (Some(600), 0));
        let versioned = key("c", "SELECT a FROM t", &[], Ok(&est(Some(1))), ttl).unwrap();
        assert_eq!(versioned.max_age_secs, None, "a TTL never shortens a snapshot-keyed answer");
        assert_ne!(kept.hex, versioned.hex);

        let unplanned = key("c", "SELECT a FROM hive_t", &[], Err("hive_t is not an Iceberg table"), ttl).unwrap();
        assert_eq!(unplanned.max_age_secs, Some(600), "no estimate at all: the TTL alone");
        let e = key("c", "SELECT a FROM hive_t", &[], Err("hive_t is not an Iceberg table"), Policy::default()).unwrap_err();
        assert!(e.contains("not an Iceberg table") && e.contains("unversioned_ttl_minutes"), "{e}");
    }
}
