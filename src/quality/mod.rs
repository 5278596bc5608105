//! Data-quality checks: saved queries in `queries/quality/` that return the offending rows,
//! with `-- check: warn_above=N fail_above=N` thresholds on how many there may be.
//! `load` finds the checks, `runner` runs them on an engine, `render` prints the report.
//! The CLI (`fathom check`) and the workbench's quality panel share [`run_checks`].

pub mod load;
pub mod render;
pub mod runner;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::library::CheckSpec;

pub use load::{Check, builtin_checks, load_checks};
pub use runner::{run_check, run_checks, run_loaded, run_loaded_within};

/// The verdict on one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// The check is for another engine than the profile's.
    Skipped,
    Warn,
    Fail,
    /// The check's query could not run; counts as a failure.
    Error,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Skipped => "SKIP",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
        }
    }

    /// Whether this status makes `fathom check` exit non-zero.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
}

/// Pass, warn or fail from the number of offending rows: strictly above a threshold triggers it.
pub fn classify(count: u64, spec: CheckSpec) -> Status {
    if spec.fail_above.is_some_and(|f| count > f) {
        Status::Fail
    } else if spec.warn_above.is_some_and(|w| count > w) {
        Status::Warn
    } else {
        Status::Pass
    }
}

/// What one check found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckResult {
    /// The file stem, e.g. `freshness`.
    pub id: String,
    /// The header's name.
    pub name: String,
    pub description: Option<String>,
    /// The file the check came from (`queries/quality/freshness.sql` for the built-ins).
    pub file: String,
    pub status: Status,
    /// Offending rows (at most [`runner::COUNT_CAP`]).
    pub count: u64,
    pub warn_above: Option<u64>,
    pub fail_above: Option<u64>,
    /// The result's column names.
    pub columns: Vec<String>,
    /// Up to [`runner::SAMPLE_ROWS`] offending rows, column name to value.
    pub sample: Vec<Map<String, Value>>,
    /// The check's SQL with its parameter values written in: run it to see every offending row.
    pub drilldown: String,
    /// The parameter values the check ran with (`as_of` and header defaults), in JSON an object.
    #[serde(serialize_with = "pairs_as_object")]
    pub params: Vec<(String, String)>,
    /// Why the check could not run (status `error`) or was skipped.
    pub error: Option<String>,
}

fn pairs_as_object<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(warn: Option<u64>, fail: Option<u64>) -> CheckSpec {
        CheckSpec { warn_above: warn, fail_above: fail }
    }

    #[test]
    fn counts_above_a_threshold_trigger_it() {
        let s = spec(Some(0), Some(5));
        let got: Vec<Status> = [0, 1, 5, 6, 1000].iter().map(|&n| classify(n, s)).collect();
        assert_eq!(got, vec![Status::Pass, Status::Warn, Status::Warn, Status::Fail, Status::Fail]);
        assert_eq!(classify(0, spec(None, Some(0))), Status::Pass);
        assert_eq!(classify(1, spec(None, Some(0))), Status::Fail);
        // Warn-only checks never fail, however many rows offend.
        assert_eq!(classify(u64::MAX, spec(Some(3), None)), Status::Warn);
        assert_eq!(classify(3, spec(Some(3), None)), Status::Pass);
    }

    #[test]
    fn only_fail_and_error_are_failures() {
        let failing: Vec<Status> = [Status::Pass, Status::Skipped, Status::Warn, Status::Fail, Status::Error]
            .into_iter()
            .filter(|s| s.is_failure())
            .collect();
        assert_eq!(failing, vec![Status::Fail, Status::Error]);
    }
}
