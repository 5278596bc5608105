//! Running checks on an engine: bind `as_of` (and the header defaults), count the offending
//! rows, keep a sample, classify. A check whose query fails is reported as `error`, and the
//! other checks still run.

use std::path::Path;

use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::config::Budget;
use crate::engine::{Engine, collect};
use crate::estimate::Verdict;
use crate::estimate::bill::{human_bytes, human_usd};
use crate::error::{FathomError, Result};
use crate::library::params::placeholders;
use crate::library::{bind, inline};
use crate::quality::load::{Check, load_checks};
use crate::quality::{CheckResult, Status, classify};

/// Offending rows shown per check.
pub const SAMPLE_ROWS: usize = 5;
/// Offending rows counted at most (a broken lake can offend by the million).
pub const COUNT_CAP: usize = 1_000_000;

/// Loads every check of `dir` and runs them all on `engine` as of `as_of`.
pub async fn run_checks(engine: &dyn Engine, dir: &Path, as_of: NaiveDate) -> Result<Vec<CheckResult>> {
    let checks = load_checks(dir)?;
    Ok(run_loaded(engine, &checks, as_of).await)
}

/// Runs loaded checks in order; one failing query does not stop the rest.
pub async fn run_loaded(engine: &dyn Engine, checks: &[Check], as_of: NaiveDate) -> Vec<CheckResult> {
    run_loaded_within(engine, checks, as_of, None).await
}

/// `run_loaded` with a budget: on an engine that bills per byte (Athena), each check is
/// estimated first and not run when the estimate is above `confirm_above_usd` (nobody is
/// there to confirm in cron); it is reported as an error that says so.
pub async fn run_loaded_within(engine: &dyn Engine, checks: &[Check], as_of: NaiveDate, budget: Option<&Budget>) -> Vec<CheckResult> {
    let mut out = Vec::with_capacity(checks.len());
    for c in checks {
        out.push(run_check_within(engine, c, as_of, budget).await);
    }
    out
}

/// The parameter values a check runs with: `as_of` when the query uses it, then the defaults.
fn params_of(check: &Check, as_of: NaiveDate) -> Result<Vec<(String, String)>> {
    let used = placeholders(&check.sql)?;
    let mut given = Vec::new();
    if used.iter().any(|p| p.name == "as_of") {
        given.push(("as_of".to_string(), as_of.to_string()));
    }
    for d in check.header.params.iter().filter(|d| d.name != "as_of") {
        if let Some(v) = &d.default {
            given.push((d.name.clone(), v.clone()));
        }
    }
    Ok(given)
}

/// Runs one check.
pub async fn run_check(engine: &dyn Engine, check: &Check, as_of: NaiveDate) -> CheckResult {
    run_check_within(engine, check, as_of, None).await
}

async fn run_check_within(engine: &dyn Engine, check: &Check, as_of: NaiveDate, budget: Option<&Budget>) -> CheckResult {
    let mut result = CheckResult {
        id: check.id.clone(),
        name: check.header.name.clone().unwrap_or_else(|| check.id.clone()),
        description: check.header.description.clone(),
        file: check.file.display().to_string(),
        status: Status::Pass,
        count: 0,
        warn_above: check.spec.warn_above,
        fail_above: check.spec.fail_above,
        columns: vec![],
        sample: vec![],
        drilldown: String::new(),
        params: vec![],
        error: None,
    };
    let want = check.header.engine.as_deref().unwrap_or("any");
    if want != "any" && want != engine.kind() {
        result.status = Status::Skipped;
        result.error = Some(format!("this check is for the {want} engine; the profile uses {}", engine.kind()));
        return result;
    }
    let priced = budget.filter(|_| engine.caps().bills);
    match execute(engine, check, as_of, priced, &mut result).await {
        Ok(()) => result.status = classify(result.count, check.spec),
        Err(e) => {
            result.status = Status::Error;
            result.error = Some(e.to_string());
        }
    }
    result
}

async fn execute(
    engine: &dyn Engine,
    check: &Check,
    as_of: NaiveDate,
    budget: Option<&Budget>,
    result: &mut CheckResult,
) -> Result<()> {
    let given = params_of(check, as_of)?;
    result.drilldown = inline(body(&check.sql), &check.header.params, &given)?;
    result.params = given.clone();
    let bound = bind(&check.sql, &check.header.params, &given, engine.placeholder_style())?;
    if let Some(budget) = budget {
        let est = engine.estimate(&bound.sql, &bound.values, budget, false).await?;
        if let Verdict::Confirm(limit) | Verdict::Refuse(limit) = est.verdict(budget) {
            return Err(FathomError::Other(format!(
                "not run: the estimate {} ({}) is above the budget's {} for unattended runs; run it by hand with `fathom run`",
                human_usd(est.cost_usd),
                human_bytes(est.total_bytes),
                human_usd(limit)
            )));
        }
    }
    let stream = engine.execute(&bound.sql, &bound.values).await?;
    result.columns = stream.schema.fields().iter().map(|f| f.name().clone()).collect();
    let batches = collect(stream, COUNT_CAP).await?.batches;
    result.count = batches.iter().map(|b| b.num_rows() as u64).sum();
    result.sample = sample(&batches, SAMPLE_ROWS)?;
    Ok(())
}

/// The SQL after the comment header.
fn body(sql: &str) -> &str {
    let mut at = 0;
    for line in sql.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with("--") {
            break;
        }
        at += line.len();
    }
    sql[at..].trim_end()
}

/// The first `n` rows as JSON objects (dates as `YYYY-MM-DD`, NULLs left out).
fn sample(batches: &[RecordBatch], n: usize) -> Result<Vec<Map<String, Value>>> {
    let mut writer = arrow::json::ArrayWriter::new(Vec::new());
    let mut left = n;
    for b in batches {
        if left == 0 {
            break;
        }
        let take = left.min(b.num_rows());
        writer.write(&b.slice(0, take)).map_err(|e| FathomError::Other(format!("sampling rows: {e}")))?;
        left -= take;
    }
    writer.finish().map_err(|e| FathomError::Other(format!("sampling rows: {e}")))?;
    let bytes = writer.into_inner();
    if bytes.is_empty() {
        return Ok(vec![]);
    }
    serde_json::from_slice(&bytes).map_err(|e| FathomError::Other(format!("sampling rows: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_drops_the_header_only() {
        assert_eq!(body("-- name: x\n\n-- check: fail_above=0\nSELECT 1 -- note\n-- tail\n"), "SELECT 1 -- note\n-- tail");
    }

    #[test]
    fn samples_stop_at_n_rows_across_batches() {
        use std::sync::Arc;
        use arrow::array::{Date32Array, Int32Array};
        use arrow::datatypes::{DataType, Field, Schema};
        let schema = Arc::new(Schema::new(vec![
            Field::new("meta_id", DataType::Int32, true),
            Field::new("trade_date", DataType::Date32, false),
        ]));
        let b = |ids: Vec<Option<i32>>, start: i32| {
            let dates = Date32Array::from_iter_values((0..ids.len() as i32).map(|k| start + k));
            RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(ids)), Arc::new(dates)]).unwrap()
        };
        let batches = vec![b(vec![Some(1), None], 20089), b(vec![Some(3), Some(4), Some(5)], 20090)];
        let rows = sample(&batches, 3).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["meta_id"], 1);
        assert_eq!(rows[0]["trade_date"], "2025-01-01");
        assert!(!rows[1].contains_key("meta_id"), "NULL left out: {:?}", rows[1]);
        assert_eq!(rows[2]["meta_id"], 3);
        assert!(sample(&[], 5).unwrap().is_empty());
    }
}
