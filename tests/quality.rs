//! `fathom check` as cron meets it: every check passes on a clean demo lake (exit 0), and on
//! a lake built with `--inject-faults` each recorded fault fails the check it names, with the
//! offending count `faults.rs` recorded, and no other check fails (exit 1).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use common::*;
use fathom::lake::demo::DemoSummary;
use fathom::lake::generate::{DemoSpec, Market, Scale, history_days};
use serde_json::Value;

fn clean() -> &'static Home {
    lake("quality")
}

fn scratch(name: &str) -> Home {
    Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("quality-{name}")))
}

/// A lake built with `--inject-faults` under a profile `faulty`, with its demo.json summary.
struct Faulty {
    home: Home,
    config: String,
    summary: DemoSummary,
}

fn faulty() -> &'static Faulty {
    static FAULTY: OnceLock<Faulty> = OnceLock::new();
    FAULTY.get_or_init(|| {
        let home = scratch("faulty");
        let dir = home.root.join("faulty-lake");
        let out = home
            .cmd()
            .args(["demo", "--scale", "small", "--as-of", AS_OF, "--inject-faults", "--warehouse"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "fathom demo --inject-faults failed: {}", String::from_utf8_lossy(&out.stderr));
        let cfg = home.root.join("fathom.toml");
        std::fs::write(
            &cfg,
            format!("[profiles.faulty]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n", dir.display()),
        )
        .unwrap();
        let summary: DemoSummary = serde_json::from_str(&std::fs::read_to_string(dir.join("demo.json")).unwrap()).unwrap();
        Faulty { home, config: cfg.to_str().unwrap().to_string(), summary }
    })
}

/// Runs `fathom check --format json` with `args`; returns the exit code and the parsed report.
fn check_json(home: &Home, args: &[&str]) -> (i32, Value) {
    let out = home.cmd().args(args).args(["check", "--format", "json"]).args(["--as-of", AS_OF]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check --format json is not JSON ({e}): {}\n{stderr}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), report)
}

fn checks(report: &Value) -> BTreeMap<String, &Value> {
    report["checks"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c)).collect()
}

const ALL_CHECKS: [&str; 12] = [
    "calendar_gaps",
    "duplicate_nav",
    "duplicate_prices",
    "extreme_returns",
    "freshness",
    "nav_continuity",
    "non_positive_prices",
    "null_adj_close",
    "rebalance_weights",
    "small_files",
    "snapshot_age",
    "snapshot_count",
];

#[test]
fn a_clean_lake_passes_every_check_and_exits_zero() {
    let (code, report) = check_json(clean(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["status"], "pass");
    assert_eq!(report["as_of"], AS_OF);
    let by_id = checks(&report);
    assert_eq!(by_id.keys().map(String::as_str).collect::<Vec<_>>(), ALL_CHECKS);
    for (id, c) in &by_id {
        assert_eq!(c["status"], "pass", "{id}: {c:#}");
        assert_eq!(c["count"], 0, "{id}");
        assert!(c["sample"].as_array().unwrap().is_empty(), "{id}");
        assert!(c["file"].as_str().unwrap().ends_with(&format!("quality/{id}.sql")));
    }
    // The text report says the same, one line a check and a summary.
    let out = clean().cmd().args(["check", "--as-of", AS_OF]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("PASS ")).count(), ALL_CHECKS.len(), "{text}");
    assert!(text.ends_with("12 checks as of 2024-12-31: 12 pass, 0 warn, 0 fail — PASS\n"), "{text}");
}

#[test]
fn each_injected_fault_fails_the_check_that_names_it_with_its_count() {
    let f = faulty();
    assert_eq!(f.summary.faults.len(), 7, "{:?}", f.summary.faults);
    let (code, report) = {
        let out = f
            .home
            .cmd()
            .args(["--config", &f.config, "check", "--profile", "faulty", "--format", "json", "--as-of", AS_OF])
            .output()
            .unwrap();
        (out.status.code().unwrap(), serde_json::from_slice::<Value>(&out.stdout).unwrap())
    };
    assert_eq!(code, 1, "a failing check exits 1: {report:#}");
    assert_eq!(report["status"], "fail");
    let by_id = checks(&report);
    let mut expected: BTreeMap<&str, u64> = BTreeMap::new();
    for fault in &f.summary.faults {
        *expected.entry(fault.check.as_str()).or_default() += fault.offending;
    }
    for id in ALL_CHECKS {
        let c = by_id[id];
        match expected.get(id) {
            Some(&n) => {
                assert_eq!(c["status"], "fail", "{id} must catch its fault: {c:#}");
                assert_eq!(c["count"].as_u64(), Some(n), "{id}: offending rows vs what faults.rs recorded");
                let sample = c["sample"].as_array().unwrap();
                assert_eq!(sample.len() as u64, n.min(5));
            }
            None => assert_eq!(c["status"], "pass", "{id} has no fault but did not pass: {c:#}"),
        }
    }
    // The sample names the faulted table and ticker.
    for fault in &f.summary.faults {
        let first = &by_id[fault.check.as_str()]["sample"][0];
        if let Some(t) = first.get("table_name") {
            assert_eq!(t, fault.table.as_str(), "{fault:?}");
        }
        if let Some(id) = first.get("meta_id").or_else(|| first.get("port_id")) {
            assert!(fault.what.contains(&format!(" {id} ")), "{fault:?} vs sample {first}");
        }
    }
    // The drill-down SQL is runnable as is and lists the same offending rows.
    let nulls = by_id["null_adj_close"];
    let sql = nulls["drilldown"].as_str().unwrap();
    assert!(sql.contains("DATE '2024-12-31'") && !sql.contains(":as_of"), "{sql}");
    let out = f.home.cmd().args(["--config", &f.config, "run", "--profile", "faulty", "--format", "json", sql]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count() as u64, nulls["count"].as_u64().unwrap());
}

#[test]
fn the_text_report_names_every_fault_and_how_to_drill_down() {
    let f = faulty();
    let out = f.home.cmd().args(["--config", &f.config, "check", "--profile", "faulty", "--as-of", AS_OF]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for fault in &f.summary.faults {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("FAIL  {} ", fault.check)))
            .unwrap_or_else(|| panic!("no FAIL line for {}:\n{text}", fault.check));
        assert!(line.contains(&format!(": {} offending", fault.offending)), "{line}");
        assert!(text.contains(&format!("drill down: fathom run --profile faulty queries/quality/{}.sql --param as_of={AS_OF}", fault.check)), "{text}");
    }
    assert!(text.ends_with("12 checks as of 2024-12-31: 5 pass, 0 warn, 7 fail — FAIL\n"), "{text}");
}

#[test]
fn freshness_counts_open_trading_days_not_calendar_days() {
    let f = faulty();
    let kr = history_days(&DemoSpec { scale: Scale::Small, seed: 42, end: as_of() }, Market::Kr).unwrap();
    let stale = f.summary.faults.iter().find(|x| x.check == "freshness").unwrap();
    let last = *kr.iter().rev().nth(fathom::lake::faults::STALE_DAYS).unwrap();
    assert!(stale.what.ends_with(&last.to_string()), "{stale:?}");
    for as_of in ["2024-12-27", "2024-12-30", "2024-12-31"] {
        let day = date(as_of);
        let behind = kr.iter().filter(|d| **d > last && **d <= day).count() as i64;
        let out = f
            .home
            .cmd()
            .args(["--config", &f.config, "run", "--profile", "faulty", "--format", "json", "queries/quality/freshness.sql", "--param"])
            .arg(format!("as_of={as_of}"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rows: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let kr_row = rows.iter().find(|r| r["table_name"] == "market_data.kr_stocks_price");
        // Thursday's data is fresh on Monday (two open days behind; four calendar days).
        assert_eq!(kr_row.is_some(), behind > 2, "as of {as_of}: {behind} open days behind, rows {rows:?}");
        if let Some(r) = kr_row {
            assert_eq!(r["open_days_behind"].as_i64(), Some(behind));
            assert_eq!(r["last_date"], last.to_string());
        }
        assert!(rows.iter().all(|r| r["table_name"] != "market_data.us_stocks_price"), "{rows:?}");
    }
    // Past the calendar's end the lag cannot be counted: that fails too, and says why.
    // (the calendar is published a month ahead of the prices)
    let rows = clean().rows("queries/quality/freshness.sql", &[("as_of", "2025-03-15")]);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| s(r, "reason") == "reference.tb_calendar does not reach as_of"), "{rows:?}");
}

#[test]
fn custom_checks_warn_error_and_keep_going() {
    let h = clean();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a_warn.sql"),
        "-- name: Many tickers\n-- param: as_of date\n-- check: warn_above=10 fail_above=100\nSELECT meta_id FROM reference.tb_meta WHERE meta_id <= 20 AND CAST(:as_of AS DATE) > DATE '2000-01-01'\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b_broken.sql"), "-- name: Broken\n-- check: fail_above=0\nSELECT nope FROM reference.tb_meta\n").unwrap();
    std::fs::write(dir.path().join("c_pass.sql"), "-- name: Fine\n-- check: fail_above=0\nSELECT 1 AS x WHERE 1 = 0\n").unwrap();
    let d = dir.path().to_str().unwrap();
    let out = h.cmd().args(["check", "--format", "json", "--as-of", AS_OF, "--dir", d]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "a check that cannot run fails the run: {report:#}");
    let by_id = checks(&report);
    assert_eq!(by_id["a_warn"]["status"], "warn");
    assert_eq!(by_id["a_warn"]["count"], 20);
    assert_eq!(by_id["a_warn"]["sample"].as_array().unwrap().len(), 5);
    assert_eq!(by_id["b_broken"]["status"], "error");
    assert!(by_id["b_broken"]["error"].as_str().unwrap().contains("nope"));
    assert_eq!(by_id["c_pass"]["status"], "pass");
    assert_eq!(report["counts"]["warn"], 1);
    assert_eq!(report["counts"]["error"], 1);
    // Without the broken check a warning alone exits 0.
    std::fs::remove_file(dir.path().join("b_broken.sql")).unwrap();
    let out = h.cmd().args(["check", "--as-of", AS_OF, "--dir", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8(out.stdout).unwrap().contains("WARN  a_warn  Many tickers: 20 offending rows (warn above 10, fail above 100)"));
}

#[test]
fn bad_check_arguments_say_what_was_expected() {
    let h = clean();
    let e = h.fails(&["check", "--format", "xml"]);
    assert!(e.contains("--format 'xml': expected text or json"), "{e}");
    let e = h.fails(&["check", "--as-of", "2024-13-01"]);
    assert!(e.contains("--as-of '2024-13-01'"), "{e}");
    let e = h.fails(&["check", "--dir", "/nonexistent/checks"]);
    assert!(e.contains("/nonexistent/checks"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.sql"), "-- name: X\n-- check: fail_above=zero\nSELECT 1\n").unwrap();
    let e = h.fails(&["check", "--dir", dir.path().to_str().unwrap()]);
    assert!(e.contains("x.sql:2:") && e.contains("'zero' is not a whole number"), "{e}");
}

#[test]
fn demo_json_of_a_clean_lake_lists_no_faults() {
    let summary: DemoSummary =
        serde_json::from_str(&std::fs::read_to_string(clean().demo_dir().join("demo.json")).unwrap()).unwrap();
    assert!(summary.faults.is_empty());
    assert_eq!(summary.end, NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
}
