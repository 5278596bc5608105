//! Reference series: FRED-style macro data (`reference.tb_macro_data`) and daily exchange
//! rates (`reference.tb_exchange_rates`), as bounded mean-reverting random walks.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::calendar::{History, Market};
use super::rng::{Stream, rng};

/// FRED series ids; `macro_id` is the 1-based position.
pub const MACRO_SERIES: [&str; 5] = ["DGS10", "VIXCLS", "FEDFUNDS", "CPIAUCSL", "UNRATE"];

/// Currency pairs of `tb_exchange_rates`, in the order rows are sorted.
pub const FX_PAIRS: [&str; 4] = ["EURUSD", "USDCNY", "USDJPY", "USDKRW"];

/// A row of `tb_macro_data` (the series id follows from `macro_id`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MacroRow {
    pub macro_id: i32,
    pub date: NaiveDate,
    pub value: f64,
}

/// A row of `tb_exchange_rates`; `pair` indexes `FX_PAIRS`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FxRow {
    pub date: NaiveDate,
    pub pair: usize,
    pub rate: f64,
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (x * k).round() / k
}

/// Macro series, sorted by (base_date, macro_id): DGS10 and VIXCLS daily on US open days,
/// FEDFUNDS, CPIAUCSL and UNRATE monthly on the 1st.
pub(crate) fn macro_data(seed: u64, history: &History) -> Vec<MacroRow> {
    let daily = history.days(Market::Us);
    let monthly = history.month_firsts();
    let mut rows = Vec::with_capacity(2 * daily.len() + 3 * monthly.len());
    let mut push = |id: i32, dates: &[NaiveDate], values: Vec<f64>| {
        for (d, v) in dates.iter().zip(values) {
            rows.push(MacroRow {
                macro_id: id,
                date: *d,
                value: v,
            });
        }
    };
    push(1, daily, dgs10(seed, daily.len()));
    push(2, daily, vix(seed, daily.len()));
    push(3, &monthly, fed_funds(seed, monthly.len()));
    push(4, &monthly, cpi(seed, monthly.len()));
    push(5, &monthly, unrate(seed, monthly.len()));
    rows.sort_by_key(|r| (r.date, r.macro_id));
    rows
}

/// 10-year Treasury yield, %: mean-reverting around 3.2 within 1.5–5.
fn dgs10(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = rng(seed, Stream::Macro, 1);
    let mut x: f64 = rng.random_range(2.0..4.5);
    (0..n)
        .map(|_| {
            x = (x + 0.01 * (3.2 - x) + 0.05 * normal(&mut rng)).clamp(1.5, 5.0);
            round_to(x, 2)
        })
        .collect()
}

/// VIX close: log mean-reverting around 18 with rare spikes, within 10–60.
fn vix(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = rng(seed, Stream::Macro, 2);
    let center = 18f64.ln();
    let (lo, hi) = (10f64.ln(), 60f64.ln());
    let mut h: f64 = rng.random_range(13f64..22.0).ln();
    (0..n)
        .map(|_| {
            h += 0.03 * (center - h) + 0.055 * normal(&mut rng);
            if rng.random_bool(0.004) {
                h += rng.random_range(0.3..0.8);
            }
            h = h.clamp(lo, hi);
            round_to(h.exp(), 2)
        })
        .collect()
}

/// Effective federal funds rate, %: moves in 25 bp steps, within 0.05–5.5.
fn fed_funds(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = rng(seed, Stream::Macro, 3);
    let mut x = (rng.random_range(0.0..5.0f64) / 0.25).round() * 0.25 + 0.08;
    (0..n)
        .map(|_| {
            if rng.random_bool(0.3) {
                let up = (0.5 + 0.08 * (2.5 - x)).clamp(0.1, 0.9);
                x += if rng.random_bool(up) { 0.25 } else { -0.25 };
                x = x.clamp(0.05, 5.5);
            }
            round_to(x, 2)
        })
        .collect()
}

/// CPI index: built backwards from ~305–318 at the end with ~1%/yr inflation.
fn cpi(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = rng(seed, Stream::Macro, 4);
    let mut level: f64 = rng.random_range(305.0..318.0);
    let mut a = 0.0;
    let mut out = vec![0.0; n];
    for slot in out.iter_mut().rev() {
        *slot = round_to(level, 3);
        a = 0.6 * a + 0.0012 * normal(&mut rng);
        let inflation = (0.0008 + a).clamp(-0.004, 0.008);
        level /= 1.0 + inflation;
    }
    out
}

/// Unemployment rate, %: mean-reverting around 5 within 3–10.
fn unrate(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = rng(seed, Stream::Macro, 5);
    let mut x: f64 = rng.random_range(3.5..8.0);
    (0..n)
        .map(|_| {
            x = (x + 0.05 * (5.0 - x) + 0.2 * normal(&mut rng)).clamp(3.0, 10.0);
            round_to(x, 1)
        })
        .collect()
}

/// (center, low, high, daily vol, decimals) of each pair in `FX_PAIRS`.
const FX_PARAMS: [(f64, f64, f64, f64, i32); 4] = [
    (1.12, 1.0, 1.25, 0.005, 4),
    (6.8, 6.1, 7.35, 0.002, 4),
    (125.0, 100.0, 155.0, 0.0055, 3),
    (1250.0, 1100.0, 1450.0, 0.005, 2),
];

/// Daily rates on US open days, sorted by (base_date, pair).
pub(crate) fn exchange_rates(seed: u64, history: &History) -> Vec<FxRow> {
    let days = history.days(Market::Us);
    let series: Vec<Vec<f64>> = FX_PARAMS
        .iter()
        .enumerate()
        .map(|(k, &(center, lo, hi, vol, decimals))| {
            let mut rng = rng(seed, Stream::Fx, k as u64);
            let (c, l, h) = (center.ln(), lo.ln(), hi.ln());
            let mut x: f64 = rng.random_range((lo * 1.05).ln()..(hi * 0.95).ln());
            days.iter()
                .map(|_| {
                    x = (x + 0.01 * (c - x) + vol * normal(&mut rng)).clamp(l, h);
                    round_to(x.exp(), decimals)
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::with_capacity(days.len() * FX_PAIRS.len());
    for (i, d) in days.iter().enumerate() {
        for (pair, s) in series.iter().enumerate() {
            rows.push(FxRow {
                date: *d,
                pair,
                rate: s[i],
            });
        }
    }
    rows
}
