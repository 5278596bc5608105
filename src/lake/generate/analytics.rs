//! Derived analytics: monthly portfolio risk metrics (`analytics.tb_metrics`) from the NAV,
//! and weekly per-ticker momentum signals (`analytics.tb_signals`) from adjusted prices.

use chrono::NaiveDate;

use super::calendar::{month_ends, week_ends};
use super::portfolio::{Run, sample_sd};
use super::prices::MarketPrices;

const TRADING_DAYS: f64 = 252.0;
/// Window of the signal score, in trading days.
pub const SIGNAL_WINDOW: usize = 20;
/// Largest absolute signal score.
pub const SCORE_CLIP: f64 = 3.0;

/// A row of `analytics.tb_metrics`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricRow {
    pub port_id: i32,
    pub date: NaiveDate,
    pub sharpe: Option<f64>,
    pub mdd: f64,
    pub ann_ret: f64,
    pub ann_vol: f64,
}

/// Metrics of one portfolio on the last trading day of each month (the last month of the
/// history ends on its last day), over `total_value` from inception to that day:
/// `r_t = tv_t / tv_{t−1} − 1`, `ann_ret = mean(r)·252`, `ann_vol = sd(r)·√252` (sample sd),
/// `sharpe = ann_ret / ann_vol` (NULL if `ann_vol` is 0), `mdd = min_t(tv_t / max_{s≤t} tv_s − 1)`.
/// Months with fewer than 2 returns are skipped.
pub(crate) fn metrics(run: &Run, days: &[NaiveDate]) -> Vec<MetricRow> {
    let tv = &run.total;
    let r: Vec<f64> = tv.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    let mut peak = f64::MIN;
    let mut mdd = 0.0_f64;
    let mdd_to: Vec<f64> = tv
        .iter()
        .map(|&v| {
            peak = peak.max(v);
            mdd = mdd.min(v / peak - 1.0);
            mdd
        })
        .collect();
    month_ends(days)
        .into_iter()
        .filter(|&e| e >= 2 && e < tv.len())
        .map(|e| {
            let window = &r[..e];
            let mean = window.iter().sum::<f64>() / e as f64;
            let ann_ret = mean * TRADING_DAYS;
            let ann_vol = sample_sd(window) * TRADING_DAYS.sqrt();
            MetricRow {
                port_id: run.port_id,
                date: days[e],
                sharpe: (ann_vol > 0.0).then(|| ann_ret / ann_vol),
                mdd: mdd_to[e],
                ann_ret,
                ann_vol,
            }
        })
        .collect()
}

/// A row of `analytics.tb_signals` (the signal text follows from the score).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SignalRow {
    pub date: NaiveDate,
    pub meta_id: i32,
    pub score: f64,
}

/// "BUY" above 0.5, "SELL" below −0.5, else "HOLD".
pub fn signal_for(score: f64) -> &'static str {
    if score > 0.5 {
        "BUY"
    } else if score < -0.5 {
        "SELL"
    } else {
        "HOLD"
    }
}

/// Signals of every ticker of a market on the last trading day of each ISO week, once 21
/// days of history exist: `score = ln(adj_t / adj_{t−20}) / (sd·√20)`, clipped to ±3, with
/// `sd` the sample sd of the 20 daily log returns `ln(adj_k / adj_{k−1})`, k = t−19..=t
/// (score 0 if `sd` is 0). Appends to `out`.
pub(crate) fn signals(prices: &MarketPrices, out: &mut Vec<SignalRow>) {
    let ends: Vec<usize> = week_ends(&prices.days)
        .into_iter()
        .filter(|&e| e >= SIGNAL_WINDOW)
        .collect();
    let mut lr = Vec::with_capacity(prices.days.len());
    for s in &prices.series {
        lr.clear();
        lr.push(0.0);
        lr.extend(s.adj.windows(2).map(|w| (w[1] / w[0]).ln()));
        for &e in &ends {
            let total = (s.adj[e] / s.adj[e - SIGNAL_WINDOW]).ln();
            let sd = sample_sd(&lr[e + 1 - SIGNAL_WINDOW..=e]);
            let score = if sd > 0.0 {
                (total / (sd * (SIGNAL_WINDOW as f64).sqrt())).clamp(-SCORE_CLIP, SCORE_CLIP)
            } else {
                0.0
            };
            out.push(SignalRow {
                date: prices.days[e],
                meta_id: s.meta_id,
                score,
            });
        }
    }
}
