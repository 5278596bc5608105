//! The run ledger: every run (any engine) as one JSON line in `<state dir>/history.jsonl`:
//! when, where, what, how many rows, how long, estimated and actual bytes, cost, outcome.
//! Profiles are named, never their connection strings, so no secret reaches the file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{FathomError, Result};
use crate::estimate::bill;

/// One run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Run {
    pub time: DateTime<Utc>,
    pub profile: String,
    pub engine: String,
    pub sql: String,
    #[serde(default)]
    pub params: Vec<(String, String)>,
    pub rows: Option<u64>,
    pub duration_ms: u64,
    pub estimated_bytes: Option<u64>,
    pub actual_bytes: Option<u64>,
    /// What the run cost: Athena's bill for the actual bytes (what Athena would bill, for
    /// the embedded lake), or, for a direct read of the lake's files, its GETs' price.
    pub cost_usd: Option<f64>,
    pub estimated_cost_usd: Option<f64>,
    /// "ok", "error: …", "refused: …", "cancelled", "detached" (left running on the server
    /// when the terminal went away), "attached" (a detached query followed to its end).
    pub outcome: String,
    /// The server's id of the query (Athena's QueryExecutionId), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// Answered from the result cache: what the run it reused was billed, saved this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_usd: Option<f64>,
    /// The S3 GET requests a direct read of the lake's files made (they priced `cost_usd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get_requests: Option<u64>,
}

impl Run {
    /// Signed error of the estimate against the actual bytes, in percent.
    pub fn estimate_error_pct(&self) -> Option<f64> {
        match (self.estimated_bytes, self.actual_bytes) {
            (Some(e), Some(a)) if a > 0 => Some((e as f64 - a as f64) / a as f64 * 100.0),
            _ => None,
        }
    }
}

/// The ledger file in a state dir.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("history.jsonl")
}

/// Appends one run.
pub fn append(state_dir: &Path, run: &Run) -> Result<()> {
    std::fs::create_dir_all(state_dir).map_err(|e| FathomError::io(format!("creating {}", state_dir.display()), e))?;
    let p = path(state_dir);
    let line = serde_json::to_string(run).map_err(|e| FathomError::Other(e.to_string()))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&p)
        .map_err(|e| FathomError::io(format!("opening the run ledger {}", p.display()), e))?;
    writeln!(f, "{line}").map_err(|e| FathomError::io(format!("writing the run ledger {}", p.display()), e))
}

/// Reads every run since `since` (inclusive); unreadable lines are skipped, not fatal.
pub fn read(state_dir: &Path, since: Option<NaiveDate>) -> Result<Vec<Run>> {
    let p = path(state_dir);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(FathomError::io(format!("reading the run ledger {}", p.display()), e)),
    };
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str::<Run>(l).ok())
        .filter(|r| since.is_none_or(|d| r.time.date_naive() >= d))
        .collect())
}

/// The runs left running on a server when their terminal went away and not followed since
/// (no later entry for the same query id), oldest first.
pub fn still_detached(runs: &[Run]) -> Vec<Run> {
    let mut open: Vec<Run> = Vec::new();
    for r in runs {
        let Some(id) = &r.query_id else { continue };
        open.retain(|d| d.query_id.as_ref() != Some(id));
        if r.outcome == "detached" {
            open.push(r.clone());
        }
    }
    open
}

fn first_line(sql: &str) -> String {
    let line = sql
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or("");
    let mut s: String = line.chars().take(48).collect();
    if line.chars().count() > 48 {
        s.push('…');
    }
    s
}

fn opt_bytes(b: Option<u64>) -> String {
    b.map(bill::human_bytes).unwrap_or_else(|| "-".into())
}

/// The run list `fathom history` prints.
pub fn render_runs(runs: &[Run]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<19}  {:<10} {:<6} {:>8} {:>8} {:>10} {:>10} {:>8} {:>10}  {:<8} sql",
        "time (UTC)", "profile", "engine", "rows", "ms", "estimate", "actual", "error", "cost", "outcome"
    );
    for r in runs {
        let err = r.estimate_error_pct().map(|e| format!("{e:+.1}%")).unwrap_or_else(|| "-".into());
        let outcome: String = r.outcome.chars().take(8).collect();
        let _ = writeln!(
            s,
            "{:<19}  {:<10} {:<6} {:>8} {:>8} {:>10} {:>10} {:>8} {:>10}  {:<8} {}",
            r.time.format("%Y-%m-%d %H:%M:%S"),
            r.profile,
            r.engine,
            r.rows.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
            r.duration_ms,
            opt_bytes(r.estimated_bytes),
            opt_bytes(r.actual_bytes),
            err,
            r.cost_usd.map(bill::human_usd).unwrap_or_else(|| "-".into()),
            outcome,
            first_line(&r.sql)
        );
    }
    for d in still_detached(runs) {
        let id = d.query_id.unwrap_or_default();
        let _ = writeln!(
            s,
            "left running on {} (profile {}) since {}: query {id}; `fathom attach {id}` follows it to its result",
            d.engine,
            d.profile,
            d.time.format("%Y-%m-%d %H:%M:%S")
        );
    }
    s
}

/// Spend per day and per month (by engine), as `fathom history --cost` prints it.
pub fn render_spend(runs: &[Run]) -> String {
    // (runs, spent, saved by the result cache)
    let mut days: BTreeMap<(String, String), (usize, f64, f64)> = BTreeMap::new();
    let mut months: BTreeMap<(String, String), (usize, f64, f64)> = BTreeMap::new();
    for r in runs {
        let (cost, saved) = (r.cost_usd.unwrap_or(0.0), r.saved_usd.unwrap_or(0.0));
        for (map, period) in [(&mut days, r.time.format("%Y-%m-%d").to_string()), (&mut months, r.time.format("%Y-%m").to_string())] {
            let e = map.entry((period, r.engine.clone())).or_default();
            e.0 += 1;
            e.1 += cost;
            e.2 += saved;
        }
    }
    let saved = |usd: f64| if usd > 0.0 { format!("  saved {} (cached)", bill::human_usd(usd)) } else { String::new() };
    let mut s = String::from("spend per day (local runs: what Athena would bill, or a direct read's GET requests)\n");
    for ((day, engine), (n, usd, kept)) in &days {
        let _ = writeln!(s, "  {day}  {engine:<8} {n:>5} runs  {}{}", bill::human_usd(*usd), saved(*kept));
    }
    s.push_str("spend per month\n");
    for ((month, engine), (n, usd, kept)) in &months {
        let _ = writeln!(s, "  {month}     {engine:<8} {n:>5} runs  {}{}", bill::human_usd(*usd), saved(*kept));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(day: &str, cost: f64, est: u64, act: u64) -> Run {
        Run {
            query_id: None,
            saved_usd: None,
            get_requests: None,
            time: format!("{day}T10:00:00Z").parse().unwrap(),
            profile: "local".into(),
            engine: "local".into(),
            sql: "-- c\nSELECT 1".into(),
            params: vec![],
            rows: Some(1),
            duration_ms: 5,
            estimated_bytes: Some(est),
            actual_bytes: Some(act),
            cost_usd: Some(cost),
            estimated_cost_usd: Some(cost),
            outcome: "ok".into(),
        }
    }

    #[test]
    fn appends_reads_and_sums_per_day_and_month() {
        let dir = tempfile::tempdir().unwrap();
        for r in [run("2024-11-01", 0.5, 110, 100), run("2024-11-01", 0.25, 90, 100), run("2024-12-02", 1.0, 100, 0)] {
            append(dir.path(), &r).unwrap();
        }
        let all = read(dir.path(), None).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].estimate_error_pct(), Some(10.0));
        assert_eq!(all[1].estimate_error_pct(), Some(-10.0));
        assert_eq!(all[2].estimate_error_pct(), None);
        assert_eq!(read(dir.path(), Some(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap())).unwrap().len(), 1);
        let spend = render_spend(&all);
        assert!(spend.contains("2024-11-01  local        2 runs  $0.7500"), "{spend}");
        assert!(spend.contains("2024-11     local        2 runs  $0.7500"), "{spend}");
        assert!(render_runs(&all).contains("+10.0%"));
    }
}
