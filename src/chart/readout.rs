//! The crosshair's readout: at an x, the date and each series' value at or before it, raw
//! and as the view shows it (rebased, log, drawdown), or a candle's open/high/low/close.
//! Also the x stops the crosshair moves between.

use super::candle;
use super::error::ChartError;
use super::render::{x_extent, x_label};
use super::series::{SeriesSet, XKind};
use super::view::{ChartView, ViewMode};
use super::{Chart, PaneData, x_full};

/// The distinct x values of the chart's panes, sorted: where the crosshair can stand.
pub fn x_stops(chart: &Chart) -> Vec<f64> {
    let mut xs: Vec<f64> = Vec::new();
    for pane in &chart.panes {
        match pane {
            PaneData::Lines(s) | PaneData::Bars(s) => xs.extend(s.series.iter().flat_map(|s| s.xs.iter().copied())),
            PaneData::Candles(c) => xs.extend(c.candles.iter().map(|c| c.x)),
            PaneData::Hist(_) => {}
        }
    }
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

/// A value with the digits a reader needs: cents for prices and NAV, more for small numbers.
pub fn number(v: f64) -> String {
    let decimals = if v.abs() >= 100.0 { 2 } else if v.abs() >= 1.0 { 4 } else { 6 };
    format!("{v:.decimals$}")
}

/// One line: the x, then every series (or candle) at that x.
pub fn readout(chart: &Chart, view: &ChartView, x: f64) -> Result<String, ChartError> {
    let full = x_full(chart);
    let mut parts: Vec<String> = Vec::new();
    let mut kind = XKind::Date;
    for pane in &chart.panes {
        match pane {
            PaneData::Lines(s) | PaneData::Bars(s) => {
                kind = s.x_kind;
                parts.extend(series_values(s, view, full, x)?);
            }
            PaneData::Candles(c) => {
                kind = c.x_kind;
                if let Some(k) = candle::at(c, x) {
                    let mut text = format!(
                        "{}: open {} high {} low {} close {}",
                        x_label(c.x_kind, k.x),
                        number(k.open),
                        number(k.high),
                        number(k.low),
                        number(k.close)
                    );
                    if let Some(v) = candle_close_in_view(c, view, full, k.x) {
                        text.push_str(&format!(" ({v})"));
                    }
                    parts.push(text);
                }
            }
            PaneData::Hist(_) => parts.push("(a histogram has no crosshair)".into()),
        }
    }
    Ok(format!("{}  {}", x_label(kind, x), parts.join("  ")))
}

/// The close of the candle at `x` as the view draws it (from the window's first candle), or
/// None in the raw view or where the view cannot apply.
fn candle_close_in_view(set: &candle::CandleSet, view: &ChartView, full: Option<(f64, f64)>, x: f64) -> Option<String> {
    let first = set.candles.first()?.x;
    let (lo, hi) = full.unwrap_or((first, set.candles.last()?.x));
    let (vlo, _) = view.visible(lo, hi);
    let from = set.candles.partition_point(|c| c.x < vlo);
    let to = set.candles.partition_point(|c| c.x <= x);
    if from >= to {
        return None;
    }
    let close = candle::in_view(view.mode, &set.candles[from..to]).ok()?.last()?.close;
    match view.mode {
        ViewMode::Raw => None,
        ViewMode::Rebased => Some(format!("rebased close {close:.2}")),
        ViewMode::Log => Some(format!("log10 close {close:.4}")),
        ViewMode::Drawdown => Some(format!("drawdown close {close:.2}%")),
    }
}

/// `name value` per series at or before `x` (with the view's value when not raw), read from
/// the series itself: no pass over the data but the drawdown's peak since the window's start.
fn series_values(set: &SeriesSet, view: &ChartView, full: Option<(f64, f64)>, x: f64) -> Result<Vec<String>, ChartError> {
    let (lo, hi) = full.unwrap_or_else(|| x_extent(set));
    let (vlo, _) = view.visible(lo, hi);
    let mut out = Vec::new();
    for s in &set.series {
        let i = s.xs.partition_point(|v| *v <= x);
        if i == 0 {
            out.push(format!("{} -", s.name));
            continue;
        }
        let raw = s.ys[i - 1];
        let mut text = format!("{} {}", s.name, number(raw));
        let from = s.xs.partition_point(|v| *v < vlo);
        let seen = (from < i).then(|| match view.mode {
            ViewMode::Raw => None,
            ViewMode::Rebased => (s.ys[from] > 0.0).then(|| format!("rebased {:.2}", raw / s.ys[from] * 100.0)),
            ViewMode::Log => (raw > 0.0).then(|| format!("log10 {:.4}", raw.log10())),
            ViewMode::Drawdown => {
                let peak = s.ys[from..i].iter().copied().fold(f64::MIN, f64::max);
                (peak > 0.0).then(|| format!("drawdown {:.2}%", (raw / peak - 1.0) * 100.0))
            }
        });
        if let Some(Some(v)) = seen {
            text.push_str(&format!(" ({v})"));
        }
        out.push(text);
    }
    Ok(out)
}
