//! A run's entry in the ledger, the same for every caller: begun when the run is decided,
//! ended once (ok, error, cancelled, detached, attached) or written as not run (declined,
//! refused), with the estimate it was checked against and the bytes it really read.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Priced;
use crate::history::Run;

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
        query_id: None,
        saved_usd: None,
        get_requests: None,
    }
}

/// The entry of a run that returned `rows` rows and read `actual` (when the engine says).
pub fn finished(mut entry: Run, rows: u64, actual: Option<Priced>, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    entry.rows = Some(rows);
    entry.actual_bytes = actual.map(|a| a.bytes);
    entry.cost_usd = actual.map(|a| a.cost_usd);
    entry.get_requests = actual.and_then(|a| a.get_requests);
    entry
}

/// The entry of a run answered from the result cache: nothing read, `saved_usd` saved.
pub fn cached(mut entry: Run, rows: u64, saved_usd: f64, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    entry.rows = Some(rows);
    entry.actual_bytes = Some(0);
    entry.cost_usd = Some(0.0);
    entry.outcome = "cached".into();
    entry.saved_usd = Some(saved_usd);
    entry
}

/// The entry of a run that failed (a panic in its task included).
pub fn failed(mut entry: Run, error: &str, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    entry.outcome = format!("error: {error}");
    entry
}

/// The entry of a run cancelled (Ctrl-C, replaced by another run, closed tab, quit).
pub fn cancelled(mut entry: Run, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    entry.outcome = "cancelled".into();
    entry
}

/// The entry of a run left running on the server (its terminal went away): `fathom attach`
/// and the next workbench find it by `query_id`.
pub fn detached(mut entry: Run, query_id: &str, elapsed: Duration) -> Run {
    entry.duration_ms = elapsed.as_millis() as u64;
    entry.outcome = "detached".into();
    entry.query_id = Some(query_id.to_string());
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
    use super::*;

    fn info<'a>(given: &'a [(String, String)]) -> RunInfo<'a> {
        RunInfo {
            time: "2024-12-31T10:00:00Z".parse().unwrap(),
            profile: "local",
            engine: "local",
            sql: "SELECT 1",
            given,
            estimate: Some(Priced { bytes: 2048, cost_usd: 0.000048, get_requests: None }),
        }
    }

    #[test]
    fn entries_carry_estimate_actuals_and_outcome() {
        let given = vec![("t".to_string(), "AAPL".to_string())];
        let ok = finished(begin(info(&given)), 3, Some(Priced::bill(1000, 5.0)), Duration::from_millis(250));
        assert_eq!((ok.rows, ok.actual_bytes, ok.duration_ms, ok.outcome.as_str()), (Some(3), Some(1000), 250, "ok"));
        assert_eq!((ok.estimated_bytes, ok.params.clone()), (Some(2048), given.clone()));
        assert_eq!(ok.cost_usd, Some(crate::estimate::bill::cost_usd(1000, 5.0)));
        let err = failed(begin(info(&given)), "query failed: boom", Duration::ZERO);
        assert_eq!((err.rows, err.outcome.as_str()), (None, "error: query failed: boom"));
        assert_eq!(cancelled(begin(info(&given)), Duration::from_secs(2)).outcome, "cancelled");
        let left = detached(begin(info(&given)), "q-1", Duration::from_secs(2));
        assert_eq!((left.outcome.as_str(), left.query_id.as_deref()), ("detached", Some("q-1")));
        let refused = not_run(info(&given), "refused: too dear");
        assert_eq!((refused.outcome.as_str(), refused.estimated_cost_usd), ("refused: too dear", Some(0.000048)));
    }

    #[test]
    fn a_direct_read_is_priced_by_its_gets_and_old_entries_still_load() {
        let given = vec![];
        let budget = crate::config::Budget { s3_get_per_1000_usd: 0.0004, egress_per_gb_usd: 0.0, ..Default::default() };
        let direct = Priced::actual(64 << 20, Some(210), &budget);
        let ok = finished(begin(info(&given)), 7, Some(direct), Duration::ZERO);
        assert_eq!((ok.actual_bytes, ok.get_requests), (Some(64 << 20), Some(210)));
        // 210 GETs at $0.0004 per 1,000, not Athena's bill for 64 MB ($0.0003).
        assert!((ok.cost_usd.unwrap() - 0.000084).abs() < 1e-15, "{:?}", ok.cost_usd);
        assert_ne!(ok.cost_usd, Some(crate::estimate::bill::cost_usd(64 << 20, budget.price_per_tb_usd)));
        // A run billed per byte has no GETs, and its line does not name them.
        let billed = finished(begin(info(&given)), 7, Some(Priced::actual(64 << 20, None, &budget)), Duration::ZERO);
        assert_eq!(billed.get_requests, None);
        assert_eq!(billed.cost_usd, Some(crate::estimate::bill::cost_usd(64 << 20, budget.price_per_tb_usd)));
        assert!(!serde_json::to_string(&billed).unwrap().contains("get_requests"));
        // The entry round-trips, and a line written before `get_requests` existed still loads.
        let line = serde_json::to_string(&ok).unwrap();
        assert_eq!(serde_json::from_str::<Run>(&line).unwrap(), ok);
        let old = r#"{"time":"2024-12-31T10:00:00Z","profile":"lake","engine":"local","sql":"SELECT 1","rows":1,"duration_ms":5,"estimated_bytes":10,"actual_bytes":10,"cost_usd":0.00005,"estimated_cost_usd":0.00005,"outcome":"ok"}"#;
        let old: Run = serde_json::from_str(old).unwrap();
        assert_eq!((old.get_requests, old.cost_usd), (None, Some(0.00005)));
    }

    #[test]
    fn a_detached_query_stays_listed_until_a_later_entry_follows_it() {
        let given = vec![];
        let left = detached(begin(info(&given)), "q-1", Duration::ZERO);
        let other = detached(begin(info(&given)), "q-2", Duration::ZERO);
        assert_eq!(crate::history::still_detached(&[left.clone(), other.clone()]).len(), 2);
        let mut followed = finished(begin(info(&given)), 1, None, Duration::ZERO);
        followed.outcome = "attached".into();
        followed.query_id = Some("q-1".into());
        let open = crate::history::still_detached(&[left, other, followed]);
        assert_eq!(open.iter().map(|r| r.query_id.as_deref()).collect::<Vec<_>>(), [Some("q-2")]);
    }
}
