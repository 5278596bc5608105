//! The cache key of a run, or why it has none.

use sha2::{Digest, Sha256};
use datafusion::sql::sqlparser::tokenizer::{Token, Whitespace};

use crate::estimate::Estimate;
use crate::library::ParamValue;

/// Functions whose result changes between runs of the same SQL on the same data.
const VOLATILE: &[&str] = &[
    "now", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "rand", "random", "uuid",
    "random_uuid", "current_timezone", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
];

/// A run's key: a hex digest, and the snapshots it stands for (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub hex: String,
    pub snapshots: Vec<(String, i64)>,
}

/// The key of `sql` with `params` on `catalog` (the engine and what it reads), given the
/// estimate that planned it: `Err(why)` when it must not be cached.
pub fn key(catalog: &str, sql: &str, params: &[ParamValue], estimate: &Estimate) -> Result<Key, String> {
    if estimate.conservative {
        return Err("the estimate could not plan it, so its inputs are not known".into());
    }
    let normalized = normalize(sql)?;
    let mut snapshots = Vec::new();
    for t in &estimate.tables {
        match t.snapshot_id {
            Some(id) => snapshots.push((t.table.clone(), id)),
            None => return Err(format!("{} has no snapshot to key the result on", t.table)),
        }
    }
    snapshots.sort();
    snapshots.dedup();
    let mut h = Sha256::new();
    for part in [catalog, normalized.as_str()] {
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
    let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Key { hex, snapshots })
}

/// The SQL without comments and whitespace runs, unquoted words lower-cased; `Err` when it
/// calls a non-deterministic function.
fn normalize(sql: &str) -> Result<String, String> {
    let toks = crate::sqltext::tokenize(sql).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for t in toks {
        match t.token {
            Token::Whitespace(Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_)) => {}
            Token::Whitespace(_) => {}
            Token::Word(w) if w.quote_style.is_none() => {
                let word = w.value.to_lowercase();
                if VOLATILE.contains(&word.as_str()) {
                    return Err(format!("it calls {word}, whose value changes between runs"));
                }
                out.push(word);
            }
            other => out.push(other.to_string()),
        }
    }
    Ok(out.join(" "))
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
            files_without_column_sizes: 0,
            files: vec![],
            partition_column: None,
            filter_columns: Default::default(),
            star: false,
            all_columns: 1,
        };
        Estimate::assemble(vec![t], None, &Budget::default())
    }

    #[test]
    fn the_key_follows_the_inputs_not_the_spelling() {
        let a = key("local:x", "SELECT a FROM t -- note\nWHERE b = $1", &[ParamValue::Int(1)], &est(Some(7))).unwrap();
        let b = key("local:x", "select   A from T where B = $1", &[ParamValue::Int(1)], &est(Some(7))).unwrap();
        assert_eq!(a, b, "comments, whitespace and case of unquoted words do not matter");
        assert_ne!(a.hex, key("local:x", "SELECT a FROM t WHERE b = $1", &[ParamValue::Int(2)], &est(Some(7))).unwrap().hex, "parameters");
        assert_ne!(a.hex, key("local:x", "SELECT a FROM t WHERE b = $1", &[ParamValue::Int(1)], &est(Some(8))).unwrap().hex, "a new snapshot");
        assert_ne!(a.hex, key("local:y", "SELECT a FROM t WHERE b = $1", &[ParamValue::Int(1)], &est(Some(7))).unwrap().hex, "another catalog");
        assert_ne!(a.hex, key("local:x", "SELECT a FROM t WHERE b = 'X'", &[], &est(Some(7))).unwrap().hex);
        assert_ne!(
            key("local:x", "SELECT 'A'", &[], &est(Some(7))).unwrap().hex,
            key("local:x", "SELECT 'a'", &[], &est(Some(7))).unwrap().hex,
            "string literals keep their case"
        );
    }

    #[test]
    fn volatile_functions_and_tables_without_snapshots_are_not_cached() {
        for sql in ["SELECT current_date", "SELECT * FROM t WHERE d > NOW()", "SELECT rand()", "SELECT CURRENT_TIMESTAMP"] {
            assert!(key("c", sql, &[], &est(Some(1))).unwrap_err().contains("changes between runs"), "{sql}");
        }
        assert!(key("c", "SELECT 'now'", &[], &est(Some(1))).is_ok(), "a string is not a call");
        assert!(key("c", "SELECT a FROM t", &[], &est(None)).unwrap_err().contains("no snapshot"));
    }
}
