//! The check report: text for people (one line a check, samples of what failed, how to
//! drill down) and one JSON object for cron jobs and alerting.

use std::fmt::Write;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::quality::{CheckResult, Status};

/// How many checks ended in each status.
pub fn tally(results: &[CheckResult]) -> [(Status, usize); 5] {
    [Status::Pass, Status::Warn, Status::Fail, Status::Error, Status::Skipped]
        .map(|s| (s, results.iter().filter(|r| r.status == s).count()))
}

/// The worst status of a run (`pass` for an empty one).
pub fn overall(results: &[CheckResult]) -> Status {
    results.iter().map(|r| r.status).filter(|s| *s != Status::Skipped).max().unwrap_or(Status::Pass)
}

fn threshold(r: &CheckResult) -> String {
    match (r.warn_above, r.fail_above) {
        (Some(w), Some(f)) => format!("warn above {w}, fail above {f}"),
        (Some(w), None) => format!("warn above {w}"),
        (None, Some(f)) => format!("fail above {f}"),
        (None, None) => String::new(),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The text report; `drill down` lines tell how to see every offending row (on `profile`
/// when one was named).
pub fn text(results: &[CheckResult], as_of: NaiveDate, profile: Option<&str>) -> String {
    let profile = profile.map(|p| format!(" --profile {p}")).unwrap_or_default();
    let mut s = String::new();
    let width = results.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in results {
        let _ = write!(s, "{:<5} {:<width$}  {}", r.status.label(), r.id, r.name);
        match r.status {
            Status::Pass => {
                let _ = writeln!(s);
            }
            Status::Error | Status::Skipped => {
                let _ = writeln!(s, ": {}", r.error.as_deref().unwrap_or("unknown error"));
            }
            Status::Warn | Status::Fail => {
                let rows = if r.count == 1 { "row" } else { "rows" };
                let _ = writeln!(s, ": {} offending {rows} ({})", r.count, threshold(r));
                for row in &r.sample {
                    let cells: Vec<String> = r
                        .columns
                        .iter()
                        .map(|c| format!("{c}={}", row.get(c).map(value_text).unwrap_or_else(|| "NULL".into())))
                        .collect();
                    let _ = writeln!(s, "        {}", cells.join("  "));
                }
                if r.count > r.sample.len() as u64 {
                    let _ = writeln!(s, "        … {} more", r.count - r.sample.len() as u64);
                }
                let params: String = r.params.iter().map(|(k, v)| format!(" --param {k}={v}")).collect();
                let _ = writeln!(s, "        drill down: fathom run{profile} {}{params}", r.file);
            }
        }
    }
    let counts: Vec<String> = tally(results)
        .iter()
        .filter(|(st, n)| *n > 0 || matches!(st, Status::Pass | Status::Warn | Status::Fail))
        .map(|(st, n)| format!("{n} {}", st.label().to_lowercase()))
        .collect();
    let _ = writeln!(s, "{} checks as of {as_of}: {} — {}", results.len(), counts.join(", "), overall(results).label());
    s
}

/// One JSON object: `as_of`, `status` (the worst), `counts`, and `checks` with every field of
/// [`CheckResult`] (id, name, file, status, count, thresholds, sample, drilldown SQL, params).
pub fn json(results: &[CheckResult], as_of: NaiveDate) -> String {
    let counts: serde_json::Map<String, Value> =
        tally(results).iter().map(|(st, n)| (st.label().to_lowercase(), json!(n))).collect();
    let doc = json!({
        "as_of": as_of.to_string(),
        "status": overall(results),
        "counts": counts,
        "checks": results,
    });
    format!("{doc:#}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, status: Status, count: u64) -> CheckResult {
        let mut row = serde_json::Map::new();
        row.insert("meta_id".into(), json!(7));
        row.insert("trade_date".into(), json!("2024-12-30"));
        CheckResult {
            id: id.into(),
            name: format!("{id} check"),
            description: None,
            file: format!("queries/quality/{id}.sql"),
            status,
            count,
            warn_above: None,
            fail_above: Some(0),
            columns: vec!["meta_id".into(), "trade_date".into(), "adj_close".into()],
            sample: if count > 0 { vec![row] } else { vec![] },
            drilldown: "SELECT 1".into(),
            params: vec![("as_of".into(), "2024-12-31".into())],
            error: (status == Status::Error).then(|| "query failed: boom".into()),
        }
    }

    #[test]
    fn text_names_failures_with_sample_and_drill_down() {
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let rs = vec![result("freshness", Status::Pass, 0), result("nulls", Status::Fail, 3), result("gaps", Status::Error, 0)];
        let t = text(&rs, as_of, Some("prod"));
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("PASS  freshness"), "{t}");
        assert!(lines[1].starts_with("FAIL  nulls") && lines[1].ends_with("3 offending rows (fail above 0)"), "{t}");
        assert_eq!(lines[2].trim(), "meta_id=7  trade_date=2024-12-30  adj_close=NULL");
        assert_eq!(lines[3].trim(), "… 2 more");
        assert_eq!(lines[4].trim(), "drill down: fathom run --profile prod queries/quality/nulls.sql --param as_of=2024-12-31");
        assert!(lines[5].starts_with("ERROR gaps") && lines[5].ends_with("query failed: boom"), "{t}");
        assert_eq!(lines[6], "3 checks as of 2024-12-31: 1 pass, 0 warn, 1 fail, 1 error — ERROR");
    }

    #[test]
    fn json_is_one_object_with_the_worst_status() {
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let rs = vec![result("a", Status::Pass, 0), result("b", Status::Warn, 2)];
        let v: Value = serde_json::from_str(&json(&rs, as_of)).unwrap();
        assert_eq!(v["status"], "warn");
        assert_eq!(v["counts"]["warn"], 1);
        assert_eq!(v["checks"][1]["count"], 2);
        assert_eq!(v["checks"][1]["sample"][0]["meta_id"], 7);
        assert_eq!(v["checks"][1]["drilldown"], "SELECT 1");
        assert_eq!(v["checks"][1]["params"]["as_of"], "2024-12-31");
        assert_eq!(overall(&[]), Status::Pass);
    }
}
