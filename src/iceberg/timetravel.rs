//! Athena's Iceberg time travel, `FOR VERSION AS OF <snapshot id>` and
//! `FOR TIMESTAMP AS OF TIMESTAMP '…'`, for the local engine: DataFusion's parser does not
//! know them, so the clause is rewritten into a table name the lake catalog resolves,
//! `"<table>@v<snapshot id>"` or `"<table>@t<epoch millis>"`, aliased to the table's name.

use chrono::{NaiveDate, NaiveDateTime};
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::Token;

use crate::error::{FathomError, Result};
use crate::sqltext::{Tok, is_keyword, is_trivia, splice, tokenize};

/// A time-travel target encoded in a table name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Version(i64),
    TimestampMs(i64),
}

impl AsOf {
    /// Splits `table@v123` / `table@t1700000000000` into the table and the target.
    pub fn parse_name(name: &str) -> Option<(&str, AsOf)> {
        let (table, tag) = name.rsplit_once('@')?;
        let (kind, num) = tag.split_at_checked(1)?;
        let num: i64 = num.parse().ok()?;
        match kind {
            "v" => Some((table, AsOf::Version(num))),
            "t" => Some((table, AsOf::TimestampMs(num))),
            _ => None,
        }
    }
}

/// The snapshot a time-travel target names in a table's metadata, or why there is none.
pub fn resolve_snapshot(md: &iceberg::spec::TableMetadata, table: &str, as_of: AsOf) -> std::result::Result<i64, String> {
    match as_of {
        AsOf::Version(id) => match md.snapshot_by_id(id) {
            Some(_) => Ok(id),
            None => {
                let (ns, name) = table.rsplit_once('.').unwrap_or(("", table));
                let dot = if ns.is_empty() { "" } else { "." };
                Err(format!(
                    "snapshot {id} does not exist in {table}; list them with SELECT snapshot_id, committed_at FROM {ns}{dot}\"{name}$snapshots\""
                ))
            }
        },
        AsOf::TimestampMs(ms) => {
            let log = md.history();
            match log.iter().rev().find(|entry| entry.timestamp_ms <= ms) {
                Some(entry) => Ok(entry.snapshot_id),
                None => {
                    let first = log
                        .first()
                        .and_then(|e| chrono::DateTime::from_timestamp_millis(e.timestamp_ms))
                        .map(|t| format!("; its first snapshot is at {}", t.format("%Y-%m-%d %H:%M:%S%.3f UTC")))
                        .unwrap_or_default();
                    Err(format!("{table} has no snapshot at or before that time{first}"))
                }
            }
        }
    }
}

fn next_sig(toks: &[Tok], from: usize) -> Option<usize> {
    (from..toks.len()).find(|&i| !is_trivia(&toks[i].token))
}

fn prev_sig(toks: &[Tok], before: usize) -> Option<usize> {
    (0..before).rev().find(|&i| !is_trivia(&toks[i].token))
}

/// Parses Trino's timestamp literal text ('2024-11-01 10:00:00[.fff][ UTC]') as UTC millis.
pub fn parse_timestamp_ms(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches(" UTC").trim_end_matches('Z');
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_millis())
}

/// Rewrites every `<table> FOR VERSION|TIMESTAMP AS OF <value>` in `sql`.
pub fn rewrite(sql: &str) -> Result<String> {
    if !sql.to_ascii_uppercase().contains(" AS OF") {
        return Ok(sql.to_string());
    }
    let toks = tokenize(sql)?;
    let mut edits = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_keyword(&toks[i].token, "for") {
            i += 1;
            continue;
        }
        let kind_i = next_sig(&toks, i + 1);
        let as_i = kind_i.and_then(|k| next_sig(&toks, k + 1));
        let of_i = as_i.and_then(|k| next_sig(&toks, k + 1));
        let (Some(kind_i), Some(as_i), Some(of_i)) = (kind_i, as_i, of_i) else {
            i += 1;
            continue;
        };
        let is_version = is_keyword(&toks[kind_i].token, "version");
        let is_time = is_keyword(&toks[kind_i].token, "timestamp") || is_keyword(&toks[kind_i].token, "system_time");
        if !(is_version || is_time) || !is_keyword(&toks[as_i].token, "as") || !is_keyword(&toks[of_i].token, "of") {
            i += 1;
            continue;
        }
        let bad = |what: &str| FathomError::Syntax {
            message: format!("{what}; write FOR VERSION AS OF <snapshot id> or FOR TIMESTAMP AS OF TIMESTAMP 'YYYY-MM-DD HH:MM:SS'"),
            position: String::new(),
        };
        let mut v = next_sig(&toks, of_i + 1).ok_or_else(|| bad("AS OF needs a value"))?;
        let target = if is_version {
            match &toks[v].token {
                Token::Number(n, _) => AsOf::Version(n.parse().map_err(|_| bad(&format!("'{n}' is not a snapshot id")))?),
                other => return Err(bad(&format!("'{other}' is not a snapshot id"))),
            }
        } else {
            if is_keyword(&toks[v].token, "timestamp") {
                v = next_sig(&toks, v + 1).ok_or_else(|| bad("TIMESTAMP needs a quoted value"))?;
            }
            match &toks[v].token {
                Token::SingleQuotedString(s) => AsOf::TimestampMs(
                    parse_timestamp_ms(s).ok_or_else(|| bad(&format!("'{s}' is not a timestamp")))?,
                ),
                other => return Err(bad(&format!("time travel takes a timestamp literal, not '{other}'"))),
            }
        };
        let table_i = prev_sig(&toks, i).ok_or_else(|| bad("FOR ... AS OF must follow a table name"))?;
        let Token::Word(table) = &toks[table_i].token else {
            return Err(bad("FOR ... AS OF must follow a table name"));
        };
        let tag = match target {
            AsOf::Version(n) => format!("v{n}"),
            AsOf::TimestampMs(n) => format!("t{n}"),
        };
        let aliased = match next_sig(&toks, v + 1).map(|k| &toks[k].token) {
            Some(Token::Word(w)) => w.keyword == Keyword::NoKeyword || w.keyword == Keyword::AS,
            _ => false,
        };
        let quoted = format!("\"{}@{tag}\"", table.value.replace('"', "\"\""));
        let replacement = if aliased { quoted } else { format!("{quoted} AS \"{}\"", table.value.replace('"', "\"\"")) };
        edits.push((toks[table_i].start, toks[v].end, replacement));
        i = v + 1;
    }
    Ok(splice(sql, &edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_version_and_timestamp_clauses() {
        let sql = "SELECT p.close FROM market_data.us_stocks_price FOR VERSION AS OF 42 p JOIN reference.tb_meta FOR TIMESTAMP AS OF TIMESTAMP '2024-01-02 03:04:05' ON 1=1";
        let out = rewrite(sql).unwrap();
        let ms = parse_timestamp_ms("2024-01-02 03:04:05").unwrap();
        assert_eq!(out, format!("SELECT p.close FROM market_data.\"us_stocks_price@v42\" p JOIN reference.\"tb_meta@t{ms}\" AS \"tb_meta\" ON 1=1"));
        assert_eq!(AsOf::parse_name("tb_meta@t5"), Some(("tb_meta", AsOf::TimestampMs(5))));
    }

    #[test]
    fn leaves_other_sql_alone_and_names_bad_values() {
        let sql = "SELECT 'FOR VERSION AS OF 1' AS x";
        assert_eq!(rewrite(sql).unwrap(), sql);
        let e = rewrite("SELECT * FROM t FOR VERSION AS OF 'abc'").unwrap_err().to_string();
        assert!(e.contains("not a snapshot id"), "{e}");
        let e = rewrite("SELECT * FROM t FOR TIMESTAMP AS OF TIMESTAMP 'yesterday'").unwrap_err().to_string();
        assert!(e.contains("not a timestamp"), "{e}");
    }
}
