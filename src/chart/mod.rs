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
//! Cost depends on the pane, not the rows: every series is cut to the window and reduced to
//! about one point per horizontal dot before it is drawn.

pub mod backend;
pub mod error;
pub mod lttb;
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
pub use spec::ChartSpec;
pub use style::{ChartStyle, GlyphMode};
pub use view::{ChartView, ViewMode};

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
    let area = area.intersection(buf.area);
    if area.width < render::MIN_WIDTH || area.height < render::MIN_HEIGHT {
        return Err(ChartError::TooSmall {
            width: area.width,
            height: area.height,
            min_width: render::MIN_WIDTH,
            min_height: render::MIN_HEIGHT,
        });
    }
    let set = series::extract(batches, spec)?;
    render::draw(&set, view, style, area, buf)
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
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    render_chart(batches, spec, view, &ChartStyle::mono(glyphs), area, &mut buf)?;
    Ok(text::buffer_to_text(&buf))
}
