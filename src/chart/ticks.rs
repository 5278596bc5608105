//! Axis ticks: calendar steps for dates (hours, days, weeks, months, years, chosen by the
//! span and the room for labels), 1-2-5 steps for numbers, and value labels whose precision
//! follows the step (with k/M/B for large values).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike};

/// A calendar tick step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeStep {
    Hours(u32),
    Days(u32),
    Months(u32),
    Years(u32),
}

impl TimeStep {
    fn approx_days(self) -> f64 {
        match self {
            TimeStep::Hours(n) => f64::from(n) / 24.0,
            TimeStep::Days(n) => f64::from(n),
            TimeStep::Months(n) => f64::from(n) * 30.44,
            TimeStep::Years(n) => f64::from(n) * 365.25,
        }
    }
}

const STEPS: [TimeStep; 22] = [
    TimeStep::Hours(1),
    TimeStep::Hours(2),
    TimeStep::Hours(3),
    TimeStep::Hours(6),
    TimeStep::Hours(12),
    TimeStep::Days(1),
    TimeStep::Days(2),
    TimeStep::Days(7),
    TimeStep::Days(14),
    TimeStep::Months(1),
    TimeStep::Months(2),
    TimeStep::Months(3),
    TimeStep::Months(6),
    TimeStep::Years(1),
    TimeStep::Years(2),
    TimeStep::Years(5),
    TimeStep::Years(10),
    TimeStep::Years(20),
    TimeStep::Years(50),
    TimeStep::Years(100),
    TimeStep::Years(200),
    TimeStep::Years(500),
];

/// The finest step that puts at most `max_ticks` ticks on a span of `span_days`. Dates
/// (as opposed to timestamps) never get steps under a day.
pub fn time_step(span_days: f64, max_ticks: usize, dates_only: bool) -> TimeStep {
    let max_ticks = max_ticks.max(2) as f64;
    candidate_steps(dates_only)
        .find(|s| span_days / s.approx_days() + 1.0 <= max_ticks)
        .unwrap_or(TimeStep::Years(1000))
}

fn candidate_steps(dates_only: bool) -> impl Iterator<Item = TimeStep> {
    STEPS.iter().copied().filter(move |s| !(dates_only && matches!(s, TimeStep::Hours(_))))
}

/// The widest label a step gets (for the room a tick needs).
pub const MAX_TIME_LABEL: usize = 11;

/// Ticks between `lo` and `hi` (seconds since the epoch), with labels: the finest calendar
/// step (hours, days, weeks, months, quarters, years) whose aligned ticks inside the range
/// number at most `max_ticks`. Labels are short (`2025`, `Apr`, `Q3`, `Mar 4`) and a tick
/// that starts a larger unit names it (January ticks say the year), so three or more ticks
/// fit wherever `max_ticks` allows them.
pub fn time_ticks(lo: f64, hi: f64, max_ticks: usize, dates_only: bool) -> Vec<(f64, String)> {
    let max_ticks = max_ticks.max(2);
    let mut coarsest = Vec::new();
    for step in candidate_steps(dates_only) {
        let ticks = ticks_of(lo, hi, step, max_ticks + 1);
        if ticks.len() <= max_ticks {
            return ticks;
        }
        coarsest = ticks;
    }
    coarsest.truncate(max_ticks);
    coarsest
}

fn ticks_of(lo: f64, hi: f64, step: TimeStep, limit: usize) -> Vec<(f64, String)> {
    let Some(start) = DateTime::from_timestamp(lo.floor() as i64, 0).map(|d| d.naive_utc()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut t = first_tick(start, step);
    while let Some(at) = t {
        let secs = at.and_utc().timestamp() as f64;
        if secs > hi + 1e-6 || out.len() >= limit {
            break;
        }
        if secs >= lo - 1e-6 {
            out.push((secs, label(at, step)));
        }
        t = next_tick(at, step);
    }
    out
}

fn label(at: NaiveDateTime, step: TimeStep) -> String {
    let new_year = at.month() == 1 && at.day() == 1;
    match step {
        TimeStep::Hours(_) if at.hour() == 0 => at.format("%b %-d").to_string(),
        TimeStep::Hours(_) => at.format("%H:%M").to_string(),
        TimeStep::Days(_) if new_year => at.format("%Y").to_string(),
        TimeStep::Days(_) => at.format("%b %-d").to_string(),
        TimeStep::Months(_) if at.month() == 1 => at.format("%Y").to_string(),
        TimeStep::Months(3) => format!("Q{}", at.month0() / 3 + 1),
        TimeStep::Months(_) => at.format("%b").to_string(),
        TimeStep::Years(_) => at.format("%Y").to_string(),
    }
}

/// The first aligned tick at or before `t`: whole hours, days, Mondays, months whose number
/// is a multiple of the step, years divisible by it.
fn first_tick(t: NaiveDateTime, step: TimeStep) -> Option<NaiveDateTime> {
    let day = t.date();
    match step {
        TimeStep::Hours(n) => day.and_hms_opt(t.hour() / n * n, 0, 0),
        TimeStep::Days(7 | 14) => {
            let back = u64::from(day.weekday().num_days_from_monday());
            day.checked_sub_days(chrono::Days::new(back))?.and_hms_opt(0, 0, 0)
        }
        TimeStep::Days(_) => day.and_hms_opt(0, 0, 0),
        TimeStep::Months(n) => {
            let m0 = (day.month0() / n) * n;
            NaiveDate::from_ymd_opt(day.year(), m0 + 1, 1)?.and_hms_opt(0, 0, 0)
        }
        TimeStep::Years(n) => {
            let n = n as i32;
            NaiveDate::from_ymd_opt(day.year().div_euclid(n) * n, 1, 1)?.and_hms_opt(0, 0, 0)
        }
    }
}

fn next_tick(t: NaiveDateTime, step: TimeStep) -> Option<NaiveDateTime> {
    match step {
        TimeStep::Hours(n) => t.checked_add_signed(chrono::TimeDelta::hours(i64::from(n))),
        TimeStep::Days(n) => t.checked_add_days(chrono::Days::new(u64::from(n))),
        TimeStep::Months(n) => t.checked_add_months(chrono::Months::new(n)),
        TimeStep::Years(n) => t.checked_add_months(chrono::Months::new(n.saturating_mul(12))),
    }
}

/// The 1-2-2.5-5 step that puts at most `max_ticks` ticks on `lo..=hi`.
pub fn nice_step(lo: f64, hi: f64, max_ticks: usize) -> f64 {
    let span = (hi - lo).abs();
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let max_ticks = max_ticks.max(2) as f64;
    let mut mag = 10f64.powf((span / max_ticks).log10().floor() - 1.0);
    loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * mag;
            if (hi / step).floor() - (lo / step).ceil() + 1.0 <= max_ticks {
                return step;
            }
        }
        mag *= 10.0;
    }
}

/// Multiples of a nice step inside `lo..=hi`, with labels of matching precision.
pub fn number_ticks(lo: f64, hi: f64, max_ticks: usize, suffix: &str) -> Vec<(f64, String)> {
    let step = nice_step(lo, hi, max_ticks);
    let scale = lo.abs().max(hi.abs());
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .take(1000)
        .map(|k| {
            let v = k as f64 * step;
            (v, format!("{}{suffix}", format_value(v, step, scale)))
        })
        .collect()
}

/// Ticks of a log10 axis (`lo`, `hi` are log10 of the values): 1-2-5 per decade when that
/// fits, else powers of ten, else plain steps in value space.
pub fn log_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<(f64, String)> {
    let (vlo, vhi) = (10f64.powf(lo), 10f64.powf(hi));
    for mults in [&[1.0, 2.0, 5.0][..], &[1.0][..]] {
        let mut ticks = Vec::new();
        for k in (lo.floor() as i32 - 1)..=(hi.ceil() as i32 + 1) {
            for m in mults {
                let v = m * 10f64.powi(k);
                if v >= vlo * (1.0 - 1e-9) && v <= vhi * (1.0 + 1e-9) {
                    ticks.push((v.log10(), format_value(v, v, v)));
                }
            }
        }
        if ticks.len() >= 2 && ticks.len() <= max_ticks {
            return ticks;
        }
    }
    number_ticks(vlo, vhi, max_ticks, "").into_iter().filter(|(v, _)| *v > 0.0).map(|(v, l)| (v.log10(), l)).collect()
}

/// `v` with as many decimals as `step` needs; values whose scale reaches 10,000 are shown
/// in k, M or B.
pub fn format_value(v: f64, step: f64, scale: f64) -> String {
    let (unit, suffix) = if scale >= 1e9 {
        (1e9, "B")
    } else if scale >= 1e6 {
        (1e6, "M")
    } else if scale >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let step = (step / unit).abs();
    let decimals = if step > 0.0 && step.is_finite() {
        let d = (-step.log10()).ceil().max(0.0) as usize;
        // 2.5-style steps need one digit more than their power of ten.
        let frac = step * 10f64.powi(d as i32);
        if (frac - frac.round()).abs() > 1e-6 { d + 1 } else { d }
    } else {
        2
    };
    let x = v / unit;
    let x = if x.abs() < 0.5 * 10f64.powi(-(decimals.min(9) as i32)) { 0.0 } else { x };
    format!("{x:.*}{suffix}", decimals.min(9))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> f64 {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() as f64
    }

    #[test]
    fn date_steps_follow_the_span() {
        assert_eq!(time_step(10.0, 8, true), TimeStep::Days(2));
        assert_eq!(time_step(6.0, 8, true), TimeStep::Days(1));
        assert_eq!(time_step(45.0, 8, true), TimeStep::Days(7));
        assert_eq!(time_step(200.0, 8, true), TimeStep::Months(1));
        assert_eq!(time_step(730.0, 8, true), TimeStep::Months(6));
        assert_eq!(time_step(730.0, 14, true), TimeStep::Months(2));
        assert_eq!(time_step(20.0 * 365.0, 8, true), TimeStep::Years(5));
        assert_eq!(time_step(0.5, 8, false), TimeStep::Hours(2));
        assert_eq!(time_step(0.5, 8, true), TimeStep::Days(1), "dates never get hour ticks");
    }

    #[test]
    fn date_ticks_are_aligned_and_labelled_by_step() {
        let t = time_ticks(ts("2023-01-02"), ts("2024-12-31"), 8, true);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Q2", "Q3", "Q4", "2024", "Q2", "Q3", "Q4"], "quarters, the year at January");
        let t = time_ticks(ts("2024-03-01"), ts("2024-03-31"), 6, true);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Mar 4", "Mar 11", "Mar 18", "Mar 25"], "Mondays");
        let t = time_ticks(ts("2005-06-01"), ts("2024-12-31"), 6, true);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["2010", "2015", "2020"]);
        assert!(t.iter().all(|(x, _)| *x >= ts("2005-06-01") && *x <= ts("2024-12-31")));
    }

    #[test]
    fn every_span_gets_at_least_three_labelled_ticks() {
        for (from, to, want) in [
            ("2024-03-04", "2024-03-08", ["Mar 4", "Mar 5", "Mar 6"]),
            ("2024-01-02", "2024-04-01", ["Jan 15", "Jan 29", "Feb 12"]),
            ("2024-01-02", "2026-11-30", ["Q2", "Q3", "Q4"]),
            ("2005-01-03", "2024-12-31", ["2006", "2008", "2010"]),
        ] {
            let t = time_ticks(ts(from), ts(to), 12, true);
            let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
            assert!(labels.len() >= 3 && labels.len() <= 12, "{from}..{to}: {labels:?}");
            assert_eq!(&labels[..3], &want, "{from}..{to}: {labels:?}");
        }
        // Narrow: still three where the span allows.
        let t = time_ticks(ts("2024-01-02"), ts("2026-11-30"), 3, true);
        assert_eq!(t.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["2025", "2026"], "two years fit 3 ticks");
    }

    #[test]
    fn number_ticks_use_nice_steps_and_matching_precision() {
        let t = number_ticks(97.3, 131.9, 5, "");
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["100", "110", "120", "130"]);
        let t = number_ticks(0.013, 0.052, 5, "");
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0.02", "0.03", "0.04", "0.05"]);
        let t = number_ticks(-23.0, 0.0, 4, "%");
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["-20%", "-10%", "0%"]);
        let t = number_ticks(982_000.0, 1_310_000.0, 5, "");
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["1.0M", "1.1M", "1.2M", "1.3M"]);
        assert_eq!(format_value(2.5, 2.5, 10.0), "2.5");
        assert_eq!(format_value(12_345.0, 5_000.0, 20_000.0), "12k");
    }

    #[test]
    fn log_ticks_fall_back_when_a_decade_is_not_spanned() {
        let t = log_ticks(0.0, 3.0, 10);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"]);
        let t = log_ticks(100f64.log10(), 140f64.log10(), 5);
        assert!(t.len() >= 2, "{t:?}");
        assert!(t.iter().all(|(p, _)| *p >= 2.0 - 1e-9 && *p <= 140f64.log10() + 1e-9));
    }
}
