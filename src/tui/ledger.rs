//! The workbench's runs in the run ledger, written as `fathom run` writes them: one entry per
//! run when it ends (ok, error, cancelled) or when the budget stops it (declined, refused),
//! with the estimate it was checked against and the bytes it really read, priced alike.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::history::Run;
use crate::tui::grid::{Priced, QueryOutput};

/// What a run is, before it has an outcome.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    pub time: DateTime<Utc>,
    pub profile: &'a str,
    pub engine: &'a str,
    pub sql: &'a str,
    pub given: &'a [(String, String)],
    pub estimate: Option<Priced>,
}

/// The entry of a run that has started ("ok" until it ends otherwise).
pub fn begin(info: RunInfo<'_>) -> Run {
    Run {
        time: info.time,
        profile: info.profile.to_string(),
        engine: info.engine.to_string(),
        sql: info.sql.to_string(),
        params: info.given.to_vec(),
        rows: None,
        duration_ms: 0,
        estimated_bytes: info.estimate.map(|e| e.bytes),
        actual_bytes: None,
        cost_usd: None,
        estimated_cost_usd: info.estimate.map(|e| e.cost_usd),
        outcome: "ok".into(),
    }
}

/// The entry once the run's task reported back.
pub fn finished(mut entry: Run, result: &Result<QueryOutput, String>, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    match result {
        Ok(out) => {
            entry.rows = Some(out.batch.num_rows() as u64);
            entry.actual_bytes = out.actual.map(|a| a.bytes);
            entry.cost_usd = out.actual.map(|a| a.cost_usd);
        }
        Err(e) => entry.outcome = format!("error: {e}"),
    }
    entry
}

/// The entry of a run cancelled (Ctrl-C, replaced by another run, closed tab, quit).
pub fn cancelled(mut entry: Run, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    entry.outcome = "cancelled".into();
    entry
}

/// The entry of a run the budget stopped before it started.
pub fn not_run(info: RunInfo<'_>, outcome: &str) -> Run {
    let mut entry = begin(info);
    entry.outcome = outcome.to_string();
    entry
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::Int32Array;
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;

    use super::*;

    fn info<'a>(given: &'a [(String, String)]) -> RunInfo<'a> {
        RunInfo {
            time: "2024-12-31T10:00:00Z".parse().unwrap(),
            profile: "local",
            engine: "local",
            sql: "SELECT 1",
            given,
            estimate: Some(Priced { bytes: 2048, cost_usd: 0.000048 }),
        }
    }

    #[test]
    fn entries_carry_estimate_actuals_and_outcome() {
        let given = vec![("t".to_string(), "AAPL".to_string())];
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, false)])),
            vec![Arc::new(Int32Array::from(vec![1, 2, 3]))],
        )
        .unwrap();
        let out = QueryOutput::new(batch, false, Duration::from_millis(5)).with_costs(Some(Priced::bill(1000, 5.0)), None);
        let ok = finished(begin(info(&given)), &Ok(out), Duration::from_millis(250));
        assert_eq!((ok.rows, ok.actual_bytes, ok.duration_ms, ok.outcome.as_str()), (Some(3), Some(1000), 250, "ok"));
        assert_eq!((ok.estimated_bytes, ok.params.clone()), (Some(2048), given.clone()));
        assert_eq!(ok.cost_usd, Some(crate::estimate::bill::cost_usd(1000, 5.0)));
        let err = finished(begin(info(&given)), &Err("query failed: boom".into()), Duration::ZERO);
        assert_eq!((err.rows, err.outcome.as_str()), (None, "error: query failed: boom"));
        assert_eq!(cancelled(begin(info(&given)), Duration::from_secs(2)).outcome, "cancelled");
        let refused = not_run(info(&given), "refused: too dear");
        assert_eq!((refused.outcome.as_str(), refused.estimated_cost_usd), ("refused: too dear", Some(0.000048)));
    }
}
