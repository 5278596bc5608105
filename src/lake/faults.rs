//! Known faults for the demo lake (`fathom demo --inject-faults`), applied to the generated
//! data before it is written, so the data-quality checks can be shown to catch each one.
//! Every fault names the check (a file stem of `queries/quality/`) that must report it and
//! how many offending rows that check must count when run as of the demo's end date.
//!
//! Each fault touches its own ticker, so no fault hides or inflates another's count:
//! a stale KR table (its last [`STALE_DAYS`] trading days dropped), NULL `adj_close` over the
//! last 7 days of one US ticker, one duplicated (meta_id, trade_date) row, one missing
//! ticker-day, one zero price, one unflagged doubling of a price (an extreme return), and one
//! rebalance whose weights sum to 0.9.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, TimestampMicrosecondArray};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::lake::generate::{DemoData, date32};

/// Trading days cut off the end of the KR price table.
pub const STALE_DAYS: usize = 3;
const US: &str = "market_data.us_stocks_price";
const KR: &str = "market_data.kr_stocks_price";
const REBALANCE: &str = "portfolio.tb_rebalance";

/// One injected fault, as recorded in `demo.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// The check that must catch it: a file stem of `queries/quality/`, e.g. `freshness`.
    pub check: String,
    pub table: String,
    /// What was done, for people.
    pub what: String,
    /// Offending rows the check reports when run as of the demo's end date.
    pub offending: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    #[error("cannot inject faults: the generated data has no table {0}")]
    MissingTable(String),
    #[error("cannot inject faults: {table} has no {column} column of the expected type")]
    Column { table: String, column: String },
    #[error("cannot inject faults: {0}; build a larger demo lake")]
    TooSmall(String),
    #[error("cannot inject faults: rebuilding a batch: {0}")]
    Arrow(#[from] ArrowError),
}

/// One row of a price table.
#[derive(Debug, Clone, PartialEq)]
struct PriceRow {
    meta_id: i32,
    date: i32,
    close: Option<f64>,
    adj: Option<f64>,
    ret: Option<f64>,
    volume: Option<i64>,
    updated: Option<i64>,
}

fn batch_mut<'a>(data: &'a mut DemoData, table: &str) -> Result<&'a mut RecordBatch, FaultError> {
    data.tables
        .iter_mut()
        .find(|t| t.table.qualified() == table)
        .map(|t| &mut t.batch)
        .ok_or_else(|| FaultError::MissingTable(table.to_string()))
}

fn column<'a, A: Array + 'static>(b: &'a RecordBatch, table: &str, name: &str) -> Result<&'a A, FaultError> {
    let bad = || FaultError::Column { table: table.to_string(), column: name.to_string() };
    let idx = b.schema().index_of(name).map_err(|_| bad())?;
    b.column(idx).as_any().downcast_ref::<A>().ok_or_else(bad)
}

fn read_prices(b: &RecordBatch, table: &str) -> Result<Vec<PriceRow>, FaultError> {
    let meta = column::<Int32Array>(b, table, "meta_id")?;
    let date = column::<Date32Array>(b, table, "trade_date")?;
    let close = column::<Float64Array>(b, table, "close")?;
    let adj = column::<Float64Array>(b, table, "adj_close")?;
    let ret = column::<Float64Array>(b, table, "gross_return")?;
    let volume = column::<Int64Array>(b, table, "volume")?;
    let updated = column::<TimestampMicrosecondArray>(b, table, "updated_at")?;
    let opt_f = |a: &Float64Array, i: usize| (!a.is_null(i)).then(|| a.value(i));
    Ok((0..b.num_rows())
        .map(|i| PriceRow {
            meta_id: meta.value(i),
            date: date.value(i),
            close: opt_f(close, i),
            adj: opt_f(adj, i),
            ret: opt_f(ret, i),
            volume: (!volume.is_null(i)).then(|| volume.value(i)),
            updated: (!updated.is_null(i)).then(|| updated.value(i)),
        })
        .collect())
}

fn write_prices(b: &RecordBatch, mut rows: Vec<PriceRow>) -> Result<RecordBatch, FaultError> {
    rows.sort_by_key(|r| (r.date, r.meta_id));
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from_iter_values(rows.iter().map(|r| r.meta_id))),
        Arc::new(Date32Array::from_iter_values(rows.iter().map(|r| r.date))),
        Arc::new(rows.iter().map(|r| r.close).collect::<Float64Array>()),
        Arc::new(rows.iter().map(|r| r.adj).collect::<Float64Array>()),
        Arc::new(rows.iter().map(|r| r.ret).collect::<Float64Array>()),
        Arc::new(rows.iter().map(|r| r.volume).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.updated).collect::<TimestampMicrosecondArray>()),
    ];
    Ok(RecordBatch::try_new(b.schema(), cols)?)
}

/// The distinct dates and meta_ids of price rows, ascending.
fn days_and_ids(rows: &[PriceRow]) -> (Vec<i32>, Vec<i32>) {
    let mut days: Vec<i32> = rows.iter().map(|r| r.date).collect();
    let mut ids: Vec<i32> = rows.iter().map(|r| r.meta_id).collect();
    for v in [&mut days, &mut ids] {
        v.sort_unstable();
        v.dedup();
    }
    (days, ids)
}

fn day_text(d: i32) -> String {
    // Date32 counts days from 1970-01-01, day 719,163 of the common era.
    NaiveDate::from_num_days_from_ce_opt(d + 719_163)
        .map(|d| d.to_string())
        .unwrap_or_else(|| d.to_string())
}

fn fault(check: &str, table: &str, what: String, offending: u64) -> Fault {
    Fault { check: check.into(), table: table.into(), what, offending }
}

/// Injects every fault into `data` (generated through `end`); returns what was done.
pub fn inject(data: &mut DemoData, end: NaiveDate) -> Result<Vec<Fault>, FaultError> {
    let mut faults = us_price_faults(data, end)?;
    faults.push(stale_kr(data)?);
    faults.push(bad_weights(data, end)?);
    Ok(faults)
}

fn us_price_faults(data: &mut DemoData, end: NaiveDate) -> Result<Vec<Fault>, FaultError> {
    let batch = batch_mut(data, US)?;
    let mut rows = read_prices(batch, US)?;
    let (days, ids) = days_and_ids(&rows);
    if days.len() < 20 || ids.len() < 5 {
        return Err(FaultError::TooSmall(format!("{US} has {} days and {} tickers (20 and 5 needed)", days.len(), ids.len())));
    }
    let back = |k: usize| days[days.len() - 1 - k];
    let mut faults = Vec::new();

    // NULL adj_close over the 7 days up to the end, as the check counts them.
    let week_start = date32(end.checked_sub_days(Days::new(7)).unwrap_or(end));
    let last = date32(end);
    let mut nulled = 0;
    for r in rows.iter_mut().filter(|r| r.meta_id == ids[0] && r.date > week_start && r.date <= last) {
        r.adj = None;
        nulled += 1;
    }
    faults.push(fault("null_adj_close", US, format!("adj_close set to NULL for meta_id {} in the 7 days through {end}", ids[0]), nulled));

    // One duplicated key.
    let dup = rows.iter().find(|r| r.meta_id == ids[1] && r.date == back(5)).cloned();
    if let Some(r) = dup {
        rows.push(r);
    }
    faults.push(fault("duplicate_prices", US, format!("the row of meta_id {} on {} written twice", ids[1], day_text(back(5))), 1));

    // One missing ticker-day.
    rows.retain(|r| !(r.meta_id == ids[2] && r.date == back(6)));
    faults.push(fault("calendar_gaps", US, format!("no row for meta_id {} on {}", ids[2], day_text(back(6))), 1));

    // One zero price.
    for r in rows.iter_mut().filter(|r| r.meta_id == ids[3] && r.date == back(4)) {
        r.close = Some(0.0);
        r.adj = Some(0.0);
    }
    faults.push(fault("non_positive_prices", US, format!("close and adj_close of meta_id {} on {} set to 0", ids[3], day_text(back(4))), 1));

    // An unflagged doubling (like an unrecorded reverse split): one return above +60%,
    // since one day's return is above −18% (|log return| ≤ 0.2 in the generator).
    let jump = back(8);
    let prev_adj = rows.iter().find(|r| r.meta_id == ids[4] && r.date == back(9)).and_then(|r| r.adj);
    for r in rows.iter_mut().filter(|r| r.meta_id == ids[4] && r.date >= jump) {
        r.close = r.close.map(|c| c * 2.0);
        r.adj = r.adj.map(|a| a * 2.0);
        if r.date == jump {
            r.ret = r.adj.zip(prev_adj).map(|(a, p)| a / p - 1.0);
        }
    }
    faults.push(fault("extreme_returns", US, format!("prices of meta_id {} doubled from {} on, without a flag", ids[4], day_text(jump)), 1));

    *batch = write_prices(batch, rows)?;
    Ok(faults)
}

fn stale_kr(data: &mut DemoData) -> Result<Fault, FaultError> {
    let batch = batch_mut(data, KR)?;
    let mut rows = read_prices(batch, KR)?;
    let (days, _) = days_and_ids(&rows);
    if days.len() <= STALE_DAYS + 1 {
        return Err(FaultError::TooSmall(format!("{KR} has {} days", days.len())));
    }
    let keep_through = days[days.len() - 1 - STALE_DAYS];
    rows.retain(|r| r.date <= keep_through);
    *batch = write_prices(batch, rows)?;
    Ok(fault(
        "freshness",
        KR,
        format!("the last {STALE_DAYS} trading days dropped: the table ends on {}", day_text(keep_through)),
        1,
    ))
}

fn bad_weights(data: &mut DemoData, end: NaiveDate) -> Result<Fault, FaultError> {
    let batch = batch_mut(data, REBALANCE)?;
    let dates = column::<Date32Array>(batch, REBALANCE, "rebal_date")?;
    let ports = column::<Int32Array>(batch, REBALANCE, "port_id")?;
    let weights = column::<Float64Array>(batch, REBALANCE, "weight")?;
    let last = date32(end);
    let target = (0..batch.num_rows())
        .map(|i| (dates.value(i), ports.value(i)))
        .filter(|(d, _)| *d <= last)
        .max_by_key(|(d, p)| (*d, -p))
        .ok_or_else(|| FaultError::TooSmall(format!("{REBALANCE} has no rebalance on or before {end}")))?;
    let scaled: Float64Array = (0..batch.num_rows())
        .map(|i| {
            let w = weights.value(i);
            Some(if (dates.value(i), ports.value(i)) == target { w * 0.9 } else { w })
        })
        .collect();
    let idx = batch.schema().index_of("weight")?;
    let mut cols = batch.columns().to_vec();
    cols[idx] = Arc::new(scaled);
    *batch = RecordBatch::try_new(batch.schema(), cols)?;
    Ok(fault(
        "rebalance_weights",
        REBALANCE,
        format!("weights of port_id {} on {} scaled to sum to 0.9", target.1, day_text(target.0)),
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::generate::{DemoSpec, Scale, generate};

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn each_fault_changes_exactly_what_it_records() {
        let end = ymd(2024, 12, 31);
        let clean = generate(&DemoSpec { scale: Scale::Small, seed: 42, end }).unwrap();
        let mut data = clean.clone();
        let faults = inject(&mut data, end).unwrap();
        let checks: Vec<&str> = faults.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(
            checks,
            ["null_adj_close", "duplicate_prices", "calendar_gaps", "non_positive_prices", "extreme_returns", "freshness", "rebalance_weights"]
        );
        let before = read_prices(clean.table(US).unwrap(), US).unwrap();
        let after = read_prices(data.table(US).unwrap(), US).unwrap();
        // One row duplicated, one removed.
        assert_eq!(after.len(), before.len());
        // Nulls: exactly the recorded count, all in the last week (US trades 12-26, 27, 30, 31).
        let nulls: Vec<&PriceRow> = after.iter().filter(|r| r.adj.is_none()).collect();
        assert_eq!(nulls.len() as u64, faults[0].offending);
        assert_eq!(nulls.len(), 4);
        assert!(nulls.iter().all(|r| r.date > date32(ymd(2024, 12, 24)) && r.meta_id == nulls[0].meta_id));
        assert_eq!(after.iter().filter(|r| r.close.is_some_and(|c| c <= 0.0)).count(), 1);
        // The doubling makes one return above 50%, and none elsewhere.
        let mut extreme = 0;
        for r in after.iter().filter(|r| r.date > date32(ymd(2024, 11, 30))) {
            let prev = after.iter().filter(|p| p.meta_id == r.meta_id && p.date < r.date).max_by_key(|p| p.date);
            let ret = r.adj.zip(prev.and_then(|p| p.adj)).filter(|(a, p)| *a > 0.0 && *p > 0.0).map(|(a, p)| a / p - 1.0);
            if ret.is_some_and(|x| x.abs() > 0.5) {
                extreme += 1;
            }
        }
        assert_eq!(extreme, 1);
        // KR loses its last three trading days.
        let kr_days = |d: &DemoData| days_and_ids(&read_prices(d.table(KR).unwrap(), KR).unwrap()).0;
        let (k0, k1) = (kr_days(&clean), kr_days(&data));
        assert_eq!(k1.len() + STALE_DAYS, k0.len());
        assert_eq!(k1[..], k0[..k1.len()]);
        // One rebalance sums to 0.9.
        let b = data.table(REBALANCE).unwrap();
        let (d, p, w) = (
            column::<Date32Array>(b, REBALANCE, "rebal_date").unwrap(),
            column::<Int32Array>(b, REBALANCE, "port_id").unwrap(),
            column::<Float64Array>(b, REBALANCE, "weight").unwrap(),
        );
        let mut sums: std::collections::BTreeMap<(i32, i32), f64> = Default::default();
        for i in 0..b.num_rows() {
            *sums.entry((d.value(i), p.value(i))).or_default() += w.value(i);
        }
        let off: Vec<f64> = sums.values().copied().filter(|s| (s - 1.0).abs() > 1e-6).collect();
        assert_eq!(off.len(), 1);
        assert!((off[0] - 0.9).abs() < 1e-9, "{off:?}");
    }

    #[test]
    fn tiny_data_is_refused_with_a_reason() {
        let end = ymd(2024, 12, 31);
        let mut data = generate(&DemoSpec { scale: Scale::Small, seed: 1, end }).unwrap();
        data.tables.retain(|t| t.table.qualified() != KR);
        let err = inject(&mut data, end).unwrap_err().to_string();
        assert!(err.contains(KR), "{err}");
    }
}
