//! Trading calendars of the two markets (weekends plus fixed holiday rules), the history
//! window of a demo lake, and the period boundaries (month ends, week ends, quarter starts)
//! that rebalancing, metrics and signals are scheduled on.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::GenerateError;

/// A stock market of the lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Market {
    Us,
    Kr,
}

impl Market {
    pub const ALL: [Market; 2] = [Market::Us, Market::Kr];

    /// The code stored in `tb_meta.iso_code` and `tb_calendar.market`: "US" or "KR".
    pub fn code(self) -> &'static str {
        match self {
            Market::Us => "US",
            Market::Kr => "KR",
        }
    }

    /// Hour (UTC) of the daily load: US prices 09:00, KR prices 21:00.
    pub fn load_hour(self) -> u32 {
        match self {
            Market::Us => 9,
            Market::Kr => 21,
        }
    }
}

/// Whether `market` trades on `d`: not a weekend, not a holiday.
///
/// US (NYSE rules): New Year's Day (Sunday → Monday; a Saturday New Year is not made up),
/// MLK Day (3rd Monday of January), Presidents Day (3rd Monday of February), Memorial Day
/// (last Monday of May), Juneteenth (from 2022), Independence Day, Labor Day (1st Monday of
/// September), Thanksgiving (4th Thursday of November), Christmas; fixed-date holidays on a
/// Saturday are observed the Friday before, on a Sunday the Monday after.
/// KR: Jan 1, Mar 1, May 5, Jun 6, Aug 15, Oct 3, Oct 9, Dec 25 (fixed dates, not moved).
pub fn is_open(market: Market, d: NaiveDate) -> bool {
    if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        return false;
    }
    match market {
        Market::Us => !us_holiday(d),
        Market::Kr => !kr_holiday(d),
    }
}

/// The open days of `market` from `from` to `to`, both inclusive (empty if `from > to`).
pub fn trading_days(market: Market, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| is_open(market, *d))
        .collect()
}

fn kr_holiday(d: NaiveDate) -> bool {
    const FIXED: [(u32, u32); 8] = [
        (1, 1),
        (3, 1),
        (5, 5),
        (6, 6),
        (8, 15),
        (10, 3),
        (10, 9),
        (12, 25),
    ];
    FIXED.contains(&(d.month(), d.day()))
}

fn us_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let nth = |month, wd, n| NaiveDate::from_weekday_of_month_opt(y, month, wd, n);
    let fixed = |month, day| NaiveDate::from_ymd_opt(y, month, day).map(observed);
    let new_year = NaiveDate::from_ymd_opt(y, 1, 1).and_then(|j| match j.weekday() {
        Weekday::Sat => None,
        Weekday::Sun => j.succ_opt(),
        _ => Some(j),
    });
    let memorial = nth(5, Weekday::Mon, 5).or_else(|| nth(5, Weekday::Mon, 4));
    let juneteenth = if y >= 2022 { fixed(6, 19) } else { None };
    [
        new_year,
        nth(1, Weekday::Mon, 3),
        nth(2, Weekday::Mon, 3),
        memorial,
        juneteenth,
        fixed(7, 4),
        nth(9, Weekday::Mon, 1),
        nth(11, Weekday::Thu, 4),
        fixed(12, 25),
    ]
    .contains(&Some(d))
}

/// A fixed-date holiday on a Saturday is observed on Friday, on a Sunday on Monday.
fn observed(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d.pred_opt().unwrap_or(d),
        Weekday::Sun => d.succ_opt().unwrap_or(d),
        _ => d,
    }
}

/// Days `reference.tb_calendar` runs past the end of the history.
pub const CALENDAR_AHEAD_DAYS: u64 = 31;

/// The history window of a demo lake.
#[derive(Debug, Clone)]
pub(crate) struct History {
    /// First calendar day of the window: the day after `end` minus N years.
    pub first: NaiveDate,
    /// The spec's `end` (the last calendar day).
    pub end: NaiveDate,
    /// Open days of each market within `first..=end` (index by `Market as usize`).
    days: [Vec<NaiveDate>; 2],
}

impl History {
    /// The window of `years` years ending on `end`; each market's history runs from its first
    /// trading day after `end - years` through its last trading day on or before `end`.
    pub fn new(end: NaiveDate, years: u32) -> Result<Self, GenerateError> {
        let anchor = end
            .checked_sub_months(Months::new(12 * years))
            .ok_or_else(|| GenerateError::Spec(format!("end {end} minus {years} years")))?;
        let first = anchor
            .succ_opt()
            .ok_or_else(|| GenerateError::Spec(format!("no day after {anchor}")))?;
        let us = trading_days(Market::Us, first, end);
        let kr = trading_days(Market::Kr, first, end);
        if us.len() < 2 || kr.len() < 2 {
            return Err(GenerateError::Spec(format!(
                "history {first}..={end} has too few trading days"
            )));
        }
        Ok(Self {
            first,
            end,
            days: [us, kr],
        })
    }

    /// The open days of `market`, ascending.
    pub fn days(&self, market: Market) -> &[NaiveDate] {
        &self.days[market as usize]
    }

    /// Every calendar day of the window, ascending.
    pub fn calendar_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first.iter_days().take_while(|d| *d <= self.end)
    }

    /// The days `reference.tb_calendar` lists: the window and `CALENDAR_AHEAD_DAYS` after it,
    /// as exchanges publish their calendars ahead. So a lake built today is checked against
    /// a calendar that reaches today, tomorrow and the weeks after.
    pub fn published_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let last = self.end.checked_add_days(Days::new(CALENDAR_AHEAD_DAYS)).unwrap_or(self.end);
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    /// The first of each month within the window (monthly macro series).
    pub fn month_firsts(&self) -> Vec<NaiveDate> {
        self.calendar_days().filter(|d| d.day() == 1).collect()
    }
}

/// Indices of the last day of each period in `days` (ascending), where `key` names the
/// period of a day. The final, possibly partial, period ends on the last day of `days`.
pub(crate) fn period_ends<K: PartialEq>(
    days: &[NaiveDate],
    key: impl Fn(NaiveDate) -> K,
) -> Vec<usize> {
    let mut ends = Vec::new();
    for i in 0..days.len() {
        let last = i + 1 == days.len() || key(days[i]) != key(days[i + 1]);
        if last {
            ends.push(i);
        }
    }
    ends
}

/// Indices of the last trading day of each month (calendar month) in `days`.
pub(crate) fn month_ends(days: &[NaiveDate]) -> Vec<usize> {
    period_ends(days, |d| (d.year(), d.month()))
}

/// Indices of the last trading day of each ISO week in `days`.
pub(crate) fn week_ends(days: &[NaiveDate]) -> Vec<usize> {
    period_ends(days, |d| {
        let w = d.iso_week();
        (w.year(), w.week())
    })
}

/// Indices of the rebalance days in `days`: index 0 (inception) and the first trading day
/// of each calendar quarter after it.
pub(crate) fn quarter_starts(days: &[NaiveDate]) -> Vec<usize> {
    let quarter = |d: NaiveDate| (d.year(), (d.month() - 1) / 3);
    (0..days.len())
        .filter(|&i| i == 0 || quarter(days[i]) != quarter(days[i - 1]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn us_holidays_2024() {
        for (m, d) in [
            (1, 1),
            (1, 15),
            (2, 19),
            (5, 27),
            (6, 19),
            (7, 4),
            (9, 2),
            (11, 28),
            (12, 25),
        ] {
            assert!(!is_open(Market::Us, ymd(2024, m, d)), "2024-{m}-{d}");
        }
        assert!(is_open(Market::Us, ymd(2024, 12, 24)));
        assert!(is_open(Market::Us, ymd(2024, 7, 5)));
        assert!(!is_open(Market::Us, ymd(2024, 12, 28)), "Saturday");
    }

    #[test]
    fn us_observed_rules() {
        // 2021-07-04 was a Sunday: observed Monday 5th.
        assert!(!is_open(Market::Us, ymd(2021, 7, 5)));
        // 2021-12-25 was a Saturday: observed Friday 24th.
        assert!(!is_open(Market::Us, ymd(2021, 12, 24)));
        // 2022-01-01 was a Saturday: NYSE stayed open on 2021-12-31.
        assert!(is_open(Market::Us, ymd(2021, 12, 31)));
        // 2023-01-01 was a Sunday: observed Monday 2nd.
        assert!(!is_open(Market::Us, ymd(2023, 1, 2)));
        // Juneteenth only from 2022.
        assert!(is_open(Market::Us, ymd(2020, 6, 19)));
        assert!(!is_open(Market::Us, ymd(2023, 6, 19)));
    }

    #[test]
    fn kr_holidays() {
        assert!(!is_open(Market::Kr, ymd(2024, 10, 3)));
        assert!(!is_open(Market::Kr, ymd(2024, 8, 15)));
        assert!(is_open(Market::Kr, ymd(2024, 7, 4)));
        assert!(is_open(Market::Us, ymd(2024, 10, 3)));
    }

    #[test]
    fn trading_days_are_inclusive_and_skip_closed_days() {
        let days = trading_days(Market::Us, ymd(2024, 12, 23), ymd(2024, 12, 31));
        let expect = [23, 24, 26, 27, 30, 31].map(|d| ymd(2024, 12, d));
        assert_eq!(days, expect);
        assert!(trading_days(Market::Us, ymd(2024, 2, 2), ymd(2024, 2, 1)).is_empty());
    }

    #[test]
    fn history_window_and_periods() {
        let h = History::new(ymd(2024, 12, 31), 2).expect("history");
        assert_eq!(h.first, ymd(2023, 1, 1));
        assert_eq!(h.days(Market::Us)[0], ymd(2023, 1, 3));
        assert_eq!(h.days(Market::Kr)[0], ymd(2023, 1, 2));
        assert_eq!(h.calendar_days().count(), 731);
        assert_eq!(h.month_firsts().len(), 24);
        let us = h.days(Market::Us);
        let ends = month_ends(us);
        assert_eq!(ends.len(), 24);
        assert_eq!(us[ends[0]], ymd(2023, 1, 31));
        let q = quarter_starts(us);
        assert_eq!(q.len(), 8);
        assert_eq!(us[q[1]], ymd(2023, 4, 3));
        let w = week_ends(us);
        assert!(w.len() >= 104 && w.len() <= 106);
        assert!(w.iter().all(|&i| us[i].weekday() != Weekday::Sat));
    }
}
