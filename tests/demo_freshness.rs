//! A fresh demo passes `fathom check` on the day it is built, whatever the weekday or holiday,
//! and on the day after: the real binary builds a small lake with the "system date" faked by
//! `FATHOM_TODAY` (test-only) or with `--as-of`, then checks it as of that day and the next.

mod common;

use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};
use common::{Home, date};

/// Builds a small demo lake in a fresh home; `as_of` passes `--as-of`, else the demo ends the
/// day before `today` (its default).
fn build(name: &str, today: NaiveDate, as_of: Option<NaiveDate>) -> Home {
    let home = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fresh-{name}")));
    let mut c = home.cmd();
    c.env("FATHOM_TODAY", today.to_string()).args(["demo", "--scale", "small"]);
    if let Some(d) = as_of {
        c.args(["--as-of", &d.to_string()]);
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "fathom demo ({name}) failed: {}", String::from_utf8_lossy(&out.stderr));
    home
}

/// `fathom check` with the system date faked to `today` (no --as-of): exit 0, or the report.
fn check_passes(home: &Home, today: NaiveDate, what: &str) {
    let out = home.cmd().env("FATHOM_TODAY", today.to_string()).args(["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what}: fathom check on {today} ({}) failed:\n{text}\n{}",
        today.weekday(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&format!("as of {today}")), "{what}: judged against {today}: {text}");
}

#[test]
fn a_fresh_demo_passes_check_on_every_weekday_and_the_day_after() {
    // Monday 2024-12-02 .. Sunday 2024-12-08, built with the default end (yesterday)
    for offset in 0..7 {
        let today = date("2024-12-02") + Days::new(offset);
        let home = build(&format!("{}", today.weekday()), today, None);
        check_passes(&home, today, "built today");
        check_passes(&home, today + Days::new(1), "the day after");
    }
}

#[test]
fn a_demo_ending_on_a_holiday_passes_check_that_day_and_the_next() {
    for (day, why) in [
        ("2024-12-25", "Christmas (US and KR closed)"),
        ("2024-09-17", "Chuseok (KR closed three days)"),
        ("2024-07-04", "US Independence Day"),
        ("2025-01-01", "New Year's Day"),
    ] {
        let d = date(day);
        let home = build(day, d, Some(d));
        check_passes(&home, d, why);
        check_passes(&home, d + Days::new(1), why);
        // and built the morning after, with the default end
        let next = d + Days::new(1);
        let home = build(&format!("{day}-next"), next, None);
        check_passes(&home, next, why);
    }
}
