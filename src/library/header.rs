//! The saved-query header: leading `-- key: value` comment lines.
//!
//! ```text
//! -- name: Daily prices of one ticker
//! -- description: adj_close since a date, by ticker
//! -- engine: any
//! -- param: ticker text = AAPL
//! -- param: start_date date = 2024-01-01
//! -- chart: line x=trade_date y=adj_close
//! -- tags: market, prices
//! SELECT ...
//! ```
//!
//! `-- cache: force` caches a query the result cache would not (it calls `now()` or the like);
//! `-- cache: off` never caches it.
//!
//! A data-quality check (`queries/quality/`) adds `-- check: warn_above=N fail_above=N`: the
//! query returns the offending rows, and their count decides pass, warn or fail.
//!
//! Only a leading comment block that starts with `-- name:`, or whose `key:` lines all use
//! known keys, is a header; any other leading comment (`-- TODO: tidy`, `-- Author: kim`) is
//! an ordinary comment. A key that looks like a typo of a known one (`-- parm:`) is never a
//! refusal: it adds a warning naming the file and line.

use std::path::Path;

use crate::error::{FathomError, Result};
use crate::library::params::{ParamDecl, ParamType};

/// What a saved query says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub name: Option<String>,
    pub description: Option<String>,
    /// athena | postgres | local | any (None = any)
    pub engine: Option<String>,
    pub params: Vec<ParamDecl>,
    pub chart: Option<String>,
    pub tags: Vec<String>,
    /// Thresholds of a data-quality check (`-- check: ...`).
    pub check: Option<CheckSpec>,
    /// Lines that look like mistyped header keys ("q.sql:2: ..."), for the caller to show.
    pub warnings: Vec<String>,
}

/// When a check's offending-row count warns or fails: strictly above the threshold.
/// A missing threshold never triggers (`warn_above` alone makes a warn-only check).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckSpec {
    pub warn_above: Option<u64>,
    pub fail_above: Option<u64>,
}

const KEYS: &str = "name, description, engine, param, chart, tags, check, cache";

/// The known keys, in the order the help text names them.
const KNOWN: &[&str] = &["name", "description", "engine", "param", "chart", "tags", "check", "cache"];

/// One `-- key: value` line of the leading comment block (1-based line number).
struct KeyLine<'a> {
    line: usize,
    key: String,
    value: &'a str,
}

/// The `key: value` lines of the leading comment block (prose lines are skipped).
fn comment_block(text: &str) -> Vec<KeyLine<'_>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix("--") else {
            break;
        };
        let Some((key, value)) = comment.split_once(':') else {
            continue; // free prose in the comment block
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        out.push(KeyLine { line: i + 1, key, value: value.trim() });
    }
    out
}

/// The known key `key` is probably a typo of, if any (`parm` -> `param`).
fn likely_typo(key: &str) -> Option<&'static str> {
    let limit = if key.chars().count() >= 7 { 2 } else { 1 };
    KNOWN.iter().copied().find(|k| strsim::damerau_levenshtein(key, k) <= limit)
}

/// Parses the header of `text`; `file` names the source in errors and warnings.
pub fn parse_header(text: &str, file: &Path) -> Result<Header> {
    let mut h = Header::default();
    let lines = comment_block(text);
    let starts_with_name = lines.first().is_some_and(|l| l.key == "name");
    let all_known = lines.iter().all(|l| KNOWN.contains(&l.key.as_str()));
    let is_header = !lines.is_empty() && (starts_with_name || all_known);
    for l in &lines {
        if KNOWN.contains(&l.key.as_str()) {
            continue;
        }
        if let Some(k) = likely_typo(&l.key) {
            let effect = if is_header { "ignored this line" } else { "read the comment block as an ordinary comment" };
            h.warnings.push(format!(
                "{}:{}: '{}' is not a header key; did you mean '{k}'? fathom {effect} (known keys: {KEYS})",
                file.display(),
                l.line,
                l.key
            ));
        }
    }
    if !is_header {
        return Ok(h);
    }
    for KeyLine { line, key, value } in lines {
        let at = |what: String| FathomError::Param(format!("{}:{line}: {what}", file.display()));
        let value = value.to_string();
        match key.as_str() {
            "name" => h.name = Some(value),
            "description" => h.description = Some(value),
            "engine" => match value.as_str() {
                "athena" | "postgres" | "local" | "any" => h.engine = Some(value),
                other => return Err(at(format!("engine '{other}': expected athena, postgres, local or any"))),
            },
            "param" => h.params.push(parse_param(&value).map_err(at)?),
            "chart" => h.chart = Some(value),
            "tags" => {
                h.tags = value.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
            }
            "check" => h.check = Some(parse_check(&value).map_err(at)?),
            // Read by the result cache's key from the SQL text itself (`cache::key`).
            "cache" => match value.to_ascii_lowercase().as_str() {
                "force" | "off" => {}
                other => return Err(at(format!("cache '{other}': expected `cache: force` (cache it even if it calls now() and the like) or `cache: off`"))),
            },
            _ => {} // prose after `-- name:` (warned above when it looks like a typo)
        }
    }
    Ok(h)
}

/// `warn_above=N fail_above=N` (either may be left out, not both).
fn parse_check(spec: &str) -> std::result::Result<CheckSpec, String> {
    let expected = "expected `check: [warn_above=N] [fail_above=N]` with N a whole number of offending rows";
    let mut c = CheckSpec::default();
    for item in spec.split_whitespace() {
        let (key, value) = item.split_once('=').ok_or_else(|| format!("malformed check '{item}': {expected}"))?;
        let n: u64 = value.parse().map_err(|_| format!("check {key}: '{value}' is not a whole number: {expected}"))?;
        let slot = match key {
            "warn_above" => &mut c.warn_above,
            "fail_above" => &mut c.fail_above,
            other => return Err(format!("unknown check key '{other}': {expected}")),
        };
        if slot.replace(n).is_some() {
            return Err(format!("check {key} is given twice"));
        }
    }
    match (c.warn_above, c.fail_above) {
        (None, None) => Err(format!("the check sets no threshold: {expected}")),
        (Some(w), Some(f)) if w > f => {
            Err(format!("check warn_above={w} is above fail_above={f}: a check warns before it fails"))
        }
        _ => Ok(c),
    }
}

/// `name type [= default]`
fn parse_param(spec: &str) -> std::result::Result<ParamDecl, String> {
    let expected = "expected `param: NAME TYPE [= DEFAULT]` with TYPE one of text, int, float, date, bool, list<text|int|date>, choice(a|b|c)";
    let (decl, default) = match spec.split_once('=') {
        Some((d, v)) => (d.trim(), Some(v.trim().to_string())),
        None => (spec.trim(), None),
    };
    let mut parts = decl.splitn(2, char::is_whitespace);
    let name = parts.next().unwrap_or("").trim();
    let ty = parts.next().unwrap_or("").trim();
    if name.is_empty() || ty.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("malformed param '{spec}': {expected}"));
    }
    let ty = ParamType::parse(ty).ok_or_else(|| format!("param {name}: unknown type '{ty}': {expected}"))?;
    let decl = ParamDecl { name: name.to_string(), ty, default };
    if let Some(d) = &decl.default {
        decl.ty.parse_value(d).map_err(|e| format!("param {name}: default {e}"))?;
    }
    Ok(decl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_header_and_stops_at_sql() {
        let text = "-- name: Prices\n-- engine: any\n-- param: ticker text = AAPL\n-- param: since date = 2024-01-01\n-- param: ids list<int> = 1,2\n-- param: market choice(US|KR) = US\n-- tags: a, b\nSELECT 1 -- name: not header\n";
        let h = parse_header(text, Path::new("q.sql")).unwrap();
        assert_eq!(h.name.as_deref(), Some("Prices"));
        assert_eq!(h.params.len(), 4);
        assert_eq!(h.params[1].ty, ParamType::Date);
        assert_eq!(h.tags, vec!["a", "b"]);
    }

    #[test]
    fn the_cache_line_is_a_header_key_with_two_values() {
        let h = parse_header("-- cache: force\n-- engine: any\nSELECT now()", Path::new("q.sql")).unwrap();
        assert_eq!(h.engine.as_deref(), Some("any"), "a block with `cache:` is still a header");
        let e = parse_header("-- name: q\n-- cache: sometimes\nSELECT 1", Path::new("q.sql")).unwrap_err().to_string();
        assert!(e.contains("q.sql:2") && e.contains("cache 'sometimes'") && e.contains("cache: force"), "{e}");
    }

    #[test]
    fn check_thresholds_parse_in_any_order_and_alone() {
        let h = parse_header("-- name: c\n-- check: fail_above=3 warn_above=0\nSELECT 1", Path::new("c.sql")).unwrap();
        assert_eq!(h.check, Some(CheckSpec { warn_above: Some(0), fail_above: Some(3) }));
        let h = parse_header("-- check: warn_above=10\n", Path::new("c.sql")).unwrap();
        assert_eq!(h.check, Some(CheckSpec { warn_above: Some(10), fail_above: None }));
        let h = parse_header("-- name: not a check\n", Path::new("c.sql")).unwrap();
        assert_eq!(h.check, None);
    }

    #[test]
    fn bad_check_thresholds_say_what_was_expected() {
        let cases = [
            ("-- check:\n", "sets no threshold"),
            ("-- check: fail_above=x\n", "'x' is not a whole number"),
            ("-- check: fail_above=-1\n", "'-1' is not a whole number"),
            ("-- check: fail_over=0\n", "unknown check key 'fail_over'"),
            ("-- check: fail_above\n", "malformed check 'fail_above'"),
            ("-- check: warn_above=5 fail_above=1\n", "warns before it fails"),
            ("-- check: fail_above=1 fail_above=2\n", "given twice"),
        ];
        for (text, want) in cases {
            let err = parse_header(text, Path::new("q.sql")).unwrap_err().to_string();
            assert!(err.starts_with("q.sql:1:") && err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let err = parse_header("-- name: x\n-- param: since dat = 1\n", Path::new("q.sql")).unwrap_err().to_string();
        assert!(err.starts_with("q.sql:2:") && err.contains("unknown type 'dat'"), "{err}");
        let err = parse_header("-- param: since date = 2024-13-01\n", Path::new("q.sql")).unwrap_err().to_string();
        assert!(err.contains("not a date"), "{err}");
    }

    #[test]
    fn ordinary_leading_comments_are_comments() {
        for text in [
            "-- TODO: tidy\nSELECT 1",
            "-- Author: kim\n-- Reviewed: 2024-01-02\nSELECT 1",
            "-- colour: red\n",
            "-- TODO: tidy\n-- engine: nonsense\nSELECT 1",
            "-- Generated by DBeaver: 2024\nSELECT 1",
        ] {
            let h = parse_header(text, Path::new("q.sql")).unwrap();
            assert_eq!(h, Header::default(), "{text:?}");
        }
        // a block that starts with `-- name:` is a header, whatever prose follows
        let h = parse_header("-- name: Prices\n-- Author: kim\n-- param: t text\nSELECT 1", Path::new("q.sql")).unwrap();
        assert_eq!((h.name.as_deref(), h.params.len()), (Some("Prices"), 1));
        assert!(h.warnings.is_empty(), "{:?}", h.warnings);
        // a block of known keys only is a header even without a name
        let h = parse_header("-- engine: postgres\n-- tags: a\nSELECT 1", Path::new("q.sql")).unwrap();
        assert_eq!(h.engine.as_deref(), Some("postgres"));
    }

    #[test]
    fn a_likely_typo_warns_naming_the_line() {
        let h = parse_header("-- name: x\n-- parm: since date\nSELECT 1", Path::new("q.sql")).unwrap();
        assert_eq!(h.name.as_deref(), Some("x"));
        assert!(h.params.is_empty());
        assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
        assert!(h.warnings[0].starts_with("q.sql:2: 'parm'") && h.warnings[0].contains("did you mean 'param'"), "{:?}", h.warnings);
        let h = parse_header("\n-- descripton: x\n-- todo: later\nSELECT 1", Path::new("q.sql")).unwrap();
        assert_eq!(h.description, None);
        assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
        assert!(h.warnings[0].starts_with("q.sql:2: 'descripton'") && h.warnings[0].contains("'description'"), "{:?}", h.warnings);
    }
}
