//! Charts of query results, drawn as text: series from Arrow batches (wide or long), LTTB
//! downsampling to the plot's dot resolution, views (raw, rebased, log, drawdown; zoom and
//! pan), and plotters drawing into a ratatui `Buffer` as braille, blocks or ASCII.
//!
//! For the TUI's chart pane, one call:
//!
//! ```ignore
//! let spec = header.chart.as_deref().map(ChartSpec::parse).transpose()?.unwrap_or_default();
//! let mut view = ChartView::default();          // keep it in State; keys call
//! view = view.zoom(0.5).pan(-0.25);             //   zoom / pan / reset / mode.next()
//! if let Err(e) = render_chart(&batches, &spec, &view, &ChartStyle::default(), area, buf) {
//!     // draw e.to_string() in the pane instead (no data, bad column, pane too small, ...)
//! }
//! ```
//!
//! Kinds: lines, bars, candles (open/high/low/close) and histograms; a spec may stack panes
//! that share the x axis (price over volume). A crosshair (`cursor`) draws a rule and
//! `readout` says every series' value there.
//!
//! Cost depends on the pane, not the rows: every series is cut to the window and reduced to
//! about one point per horizontal dot before it is drawn.

pub mod backend;
pub mod cache;
pub mod candle;
pub mod error;
pub mod hist;
pub mod lttb;
pub mod readout;
pub mod render;
pub mod series;
pub mod spec;
pub mod style;
pub mod text;
pub mod ticks;
pub mod view;

#[cfg(test)]
mod snapshot_tests;

use arrow::record_batch::RecordBatch;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub use error::ChartError;
pub use readout::{readout, x_stops};
pub use spec::{ChartKind, ChartSpec};
pub use style::{ChartStyle, GlyphMode};
pub use view::{ChartView, ViewMode};

/// One pane's data, extracted from the result once (the TUI caches it per result).
#[derive(Debug, Clone, PartialEq)]
pub enum PaneData {
    Lines(series::SeriesSet),
    Bars(series::SeriesSet),
    Candles(candle::CandleSet),
    Hist(hist::Values),
}

/// A result ready to draw: its panes, top to bottom, sharing x.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub panes: Vec<PaneData>,
}

/// Reads the panes `spec` asks for out of `batches`. Without a kind, a result with
/// open/high/low/close columns becomes candles, anything else lines.
pub fn extract(batches: &[RecordBatch], spec: &ChartSpec) -> Result<Chart, ChartError> {
    let mut panes = vec![extract_pane(batches, spec)?];
    for below in &spec.below {
        panes.push(extract_pane(batches, below)?);
    }
    Ok(Chart { panes })
}

fn extract_pane(batches: &[RecordBatch], spec: &ChartSpec) -> Result<PaneData, ChartError> {
    let kind = match spec.kind {
        Some(kind) => kind,
        None => {
            let ohlc = batches.iter().find(|b| b.num_rows() > 0).is_some_and(|b| candle::has_ohlc(&b.schema()));
            if ohlc && spec.y.is_empty() { ChartKind::Candle } else { ChartKind::Line }
        }
    };
    Ok(match kind {
        ChartKind::Line => PaneData::Lines(series::extract(batches, spec)?),
        ChartKind::Bar => PaneData::Bars(series::extract(batches, spec)?),
        ChartKind::Candle => PaneData::Candles(candle::extract(batches, spec)?),
        ChartKind::Hist => PaneData::Hist(hist::extract(batches, spec)?),
    })
}

/// The full x range the panes share (None for a histogram alone).
pub fn x_full(chart: &Chart) -> Option<(f64, f64)> {
    chart
        .panes
        .iter()
        .filter_map(|p| match p {
            PaneData::Lines(s) | PaneData::Bars(s) => Some(render::x_extent(s)),
            PaneData::Candles(c) => Some((c.candles[0].x, c.candles[c.candles.len() - 1].x)),
            PaneData::Hist(_) => None,
        })
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
}

/// Draws an extracted chart; `cursor` is the crosshair's x, if it is on.
pub fn draw(chart: &Chart, view: &ChartView, style: &ChartStyle, area: Rect, buf: &mut Buffer, cursor: Option<f64>) -> Result<(), ChartError> {
    let area = area.intersection(buf.area);
    if area.width < render::MIN_WIDTH || area.height < render::MIN_HEIGHT {
        return Err(ChartError::TooSmall {
            width: area.width,
            height: area.height,
            min_width: render::MIN_WIDTH,
            min_height: render::MIN_HEIGHT,
        });
    }
    let n = chart.panes.len() as u16;
    let stacked = n > 1;
    // The top pane gets half again the height of each pane below it.
    let unit = area.height * 2 / (2 * n + 1);
    let mut y = area.y;
    // Draw into a scratch buffer so an error leaves the pane as it was.
    let mut scratch = Buffer::empty(area);
    for (i, pane) in chart.panes.iter().enumerate() {
        let last = i + 1 == chart.panes.len();
        let h = if last { area.y + area.height - y } else if i == 0 { unit * 3 / 2 } else { unit };
        let rect = Rect { x: area.x, y, width: area.width, height: h };
        y += h;
        let opts = render::PaneOpts {
            x_full: x_full(chart),
            min_label_w: if stacked { 8 } else { 0 },
            x_labels: last,
            bars: matches!(pane, PaneData::Bars(_)),
            cursor,
            right_w: 0,
        };
        match pane {
            PaneData::Lines(s) | PaneData::Bars(s) => render::draw_pane(s, view, style, rect, &mut scratch, &opts)?,
            PaneData::Candles(c) => candle::draw(c, view, style, rect, &mut scratch, &opts)?,
            PaneData::Hist(v) => hist::draw(v, style, rect, &mut scratch, &opts)?,
        }
    }
    buf.merge(&scratch);
    Ok(())
}

/// Draws the chart of `batches` that `spec` describes into `area` of `buf`. On `Err`, the
/// area is left as it was and the message says what to fix; show it in the pane.
pub fn render_chart(
    batches: &[RecordBatch],
    spec: &ChartSpec,
    view: &ChartView,
    style: &ChartStyle,
    area: Rect,
    buf: &mut Buffer,
) -> Result<(), ChartError> {
    let chart = extract(batches, spec)?;
    draw(&chart, view, style, area, buf, None)
}

/// The chart as plain text of `width` x `height` cells (the headless `fathom chart`).
pub fn chart_text(
    batches: &[RecordBatch],
    spec: &ChartSpec,
    view: &ChartView,
    glyphs: GlyphMode,
    width: u16,
    height: u16,
) -> Result<String, ChartError> {
    chart_text_at(batches, spec, view, glyphs, width, height, None)
}

/// `chart_text` with a crosshair at `cursor` (seconds since the epoch for dates) and its
/// readout as the last line.
pub fn chart_text_at(
    batches: &[RecordBatch],
    spec: &ChartSpec,
    view: &ChartView,
    glyphs: GlyphMode,
    width: u16,
    height: u16,
    cursor: Option<f64>,
) -> Result<String, ChartError> {
    let chart = extract(batches, spec)?;
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    draw(&chart, view, &ChartStyle::mono(glyphs), area, &mut buf, cursor)?;
    let mut out = text::buffer_to_text(&buf);
    if let Some(x) = cursor {
        out.push_str(&readout(&chart, view, x)?);
        out.push('\n');
    }
    Ok(out)
}
