//! One chart into a `Rect` of a ratatui `Buffer`: legend on the first row, y labels on the
//! left, the plot (drawn by plotters through `DotBackend`), the x axis and its date labels
//! at the bottom. Labels are placed by cell so they stay crisp; their positions come from
//! the same plotters coordinate mapping the lines use.

use chrono::DateTime;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{Cartesian2d, DrawingArea, IntoDrawingArea, PathElement, Pixel};
use plotters::style::ShapeStyle;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::backend::{DotBackend, DotGrid, pen};
use super::error::ChartError;
use super::lttb::lttb;
use super::series::{Series, SeriesSet, XKind};
use super::style::{ChartStyle, GlyphMode};
use super::ticks::{format_value, log_ticks, number_ticks, time_ticks};
use super::view::{ChartView, ViewMode, transform};

/// The smallest pane a chart is drawn in.
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 8;

/// What is drawn: the visible, transformed series and the ranges of both axes.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub series: Vec<Series>,
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// The x value the view is relative to (rebased: first visible point).
    pub since: f64,
}

/// How one pane is placed among others: the full x range shared by stacked panes, the
/// y label width that aligns their plots, whether this pane labels the x axis, bars
/// instead of lines, and the crosshair's x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaneOpts {
    pub x_full: Option<(f64, f64)>,
    pub min_label_w: u16,
    pub x_labels: bool,
    pub bars: bool,
    pub cursor: Option<f64>,
    /// Room for labels right of the plot (a second y axis).
    pub right_w: u16,
}

impl Default for PaneOpts {
    fn default() -> Self {
        PaneOpts { x_full: None, min_label_w: 0, x_labels: true, bars: false, cursor: None, right_w: 0 }
    }
}

/// The smallest and largest x of all series.
pub fn x_extent(set: &SeriesSet) -> (f64, f64) {
    let all_x = set.series.iter().flat_map(|s| s.xs.first().into_iter().chain(s.xs.last()).copied());
    all_x.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)))
}

/// Cuts the series to the view's window and applies its mode.
pub fn prepare(set: &SeriesSet, view: &ChartView) -> Result<Prepared, ChartError> {
    prepare_in(set, view, None, usize::MAX)
}

/// `prepare` with the full x range given (stacked panes share one). A window of more than
/// `max_points` points is first cut to each bucket's lowest and highest point (and the
/// first and last), so a frame costs one pass over the window and no copy of it; the
/// extremes, the first point (rebased) and the last stay exact. Drawdown needs every point.
pub fn prepare_in(set: &SeriesSet, view: &ChartView, x_full: Option<(f64, f64)>, max_points: usize) -> Result<Prepared, ChartError> {
    let (lo, hi) = x_full.unwrap_or_else(|| x_extent(set));
    let (vlo, vhi) = view.visible(lo, hi);
    let mut series = Vec::new();
    for s in &set.series {
        let from = s.xs.partition_point(|x| *x < vlo);
        let to = s.xs.partition_point(|x| *x <= vhi);
        if from >= to {
            continue;
        }
        let (xs, ys) = (&s.xs[from..to], &s.ys[from..to]);
        let (xs, ys) = if xs.len() > max_points.max(4) && view.mode != ViewMode::Drawdown {
            let keep = min_max_buckets(ys, max_points.max(4) / 2);
            (keep.iter().map(|&k| xs[k]).collect(), transform(view.mode, &s.name, &keep.iter().map(|&k| ys[k]).collect::<Vec<_>>())?)
        } else {
            (xs.to_vec(), transform(view.mode, &s.name, ys)?)
        };
        series.push(Series { name: s.name.clone(), xs, ys });
    }
    if series.is_empty() {
        return Err(ChartError::EmptyWindow);
    }
    let (mut x0, mut x1) = (vlo, vhi);
    if x1 <= x0 {
        let pad = if set.x_kind == XKind::Number { 1.0 } else { 86_400.0 };
        (x0, x1) = (x0 - pad, x1 + pad);
    }
    let ys = series.iter().flat_map(|s| s.ys.iter().copied());
    let (mut y0, mut y1) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    if y1 <= y0 {
        let pad = if view.mode == ViewMode::Log { 0.05 } else { (y0.abs() * 0.05).max(1.0) };
        (y0, y1) = (y0 - pad, y1 + pad);
    }
    let since = series.iter().filter_map(|s| s.xs.first().copied()).fold(f64::MAX, f64::min);
    Ok(Prepared { series, x: (x0, x1), y: (y0, y1), since })
}

/// Indices of the first and last point and of each bucket's lowest and highest, in order.
pub fn min_max_buckets(ys: &[f64], buckets: usize) -> Vec<usize> {
    let n = ys.len();
    let size = n.div_ceil(buckets.max(1)).max(1);
    let mut keep = Vec::with_capacity(2 * buckets + 2);
    keep.push(0);
    for start in (0..n).step_by(size) {
        let end = (start + size).min(n);
        let (mut lo, mut hi) = (start, start);
        for k in start..end {
            if ys[k] < ys[lo] {
                lo = k;
            }
            if ys[k] > ys[hi] {
                hi = k;
            }
        }
        keep.extend(if lo <= hi { [lo, hi] } else { [hi, lo] });
    }
    keep.push(n - 1);
    keep.dedup();
    keep
}

/// Draws `set` as `view` shows it into `area` of `buf`.
pub fn draw(set: &SeriesSet, view: &ChartView, style: &ChartStyle, area: Rect, buf: &mut Buffer) -> Result<(), ChartError> {
    draw_pane(set, view, style, area, buf, &PaneOpts::default())
}

/// Where the plot goes in `area` once the y labels are known, and the x ticks it gets.
pub struct Frame {
    pub plot: Rect,
    pub x_ticks: Vec<(f64, String)>,
}

/// The plot rectangle right of the y labels, above the x axis (and its labels, if any).
pub fn frame(area: Rect, y_ticks: &[(f64, String)], x: (f64, f64), x_kind: XKind, opts: &PaneOpts) -> Result<Frame, ChartError> {
    let label_w = (y_ticks.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(1) as u16).max(opts.min_label_w);
    let right_pad = if opts.right_w > 0 { opts.right_w + 1 } else { 2 };
    let plot_w = area.width.saturating_sub(label_w + 1 + right_pad);
    let plot_h = area.height.saturating_sub(if opts.x_labels { 3 } else { 2 });
    if plot_w < 8 || plot_h < 2 {
        return Err(ChartError::TooSmall { width: area.width, height: area.height, min_width: label_w + 11, min_height: MIN_HEIGHT });
    }
    let plot = Rect { x: area.x + label_w + 1, y: area.y + 1, width: plot_w, height: plot_h };
    let x_ticks = if !opts.x_labels {
        Vec::new()
    } else {
        match x_kind {
            XKind::Number => number_ticks(x.0, x.1, usize::from(plot_w / 10).max(2), ""),
            kind => time_ticks(x.0, x.1, usize::from(plot_w / 8).max(2), kind == XKind::Date),
        }
    };
    Ok(Frame { plot, x_ticks })
}

/// Rows of the y axis a pane of `area` gets ticks for.
pub fn max_y_ticks(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3) / 3).max(2)
}

/// `draw` as one pane of a stack, or with a crosshair.
pub fn draw_pane(set: &SeriesSet, view: &ChartView, style: &ChartStyle, area: Rect, buf: &mut Buffer, opts: &PaneOpts) -> Result<(), ChartError> {
    let area = area.intersection(buf.area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT.min(6) {
        return Err(ChartError::TooSmall { width: area.width, height: area.height, min_width: MIN_WIDTH, min_height: MIN_HEIGHT });
    }
    // Four points a horizontal dot keep every column's extremes for LTTB to choose from.
    let dots_w = usize::from(area.width) * usize::from(style.glyphs.dots().0);
    let mut p = prepare_in(set, view, opts.x_full, dots_w * 4)?;
    if opts.bars && view.mode != ViewMode::Log {
        (p.y.0, p.y.1) = (p.y.0.min(0.0), p.y.1.max(0.0));
    }
    // Series far larger than the others go on a second y axis, on the right.
    let split = if opts.bars { None } else { split_scales(&p, view) };
    let right_y = split.as_ref().map(|(_, left, right)| {
        p.y = *left;
        *right
    });
    let right_ticks = right_y.map(|r| number_ticks(r.0, r.1, max_y_ticks(area), "")).unwrap_or_default();
    let right_w = right_ticks.iter().map(|(_, l)| l.chars().count() as u16 + 1).max().unwrap_or(0);
    let opts = &PaneOpts { right_w, ..*opts };
    let on_right = |i: usize| split.as_ref().is_some_and(|(m, _, _)| m[i]);
    let suffix = if view.mode == ViewMode::Drawdown { "%" } else { "" };
    let y_ticks = if view.mode == ViewMode::Log {
        log_ticks(p.y.0, p.y.1, max_y_ticks(area))
    } else {
        number_ticks(p.y.0, p.y.1, max_y_ticks(area), suffix)
    };
    let Frame { plot, x_ticks } = frame(area, &y_ticks, p.x, set.x_kind, opts)?;
    let (plot_w, plot_h) = (plot.width, plot.height);

    let mut grid = DotGrid::new(style.glyphs, plot_w, plot_h);
    let (dw, dh) = grid.size();
    let (dx, dy) = style.glyphs.dots();
    let (x_cols, y_rows, ends, cursor_col, right_rows) = {
        let root = DotBackend { grid: &mut grid }.into_drawing_area();
        let left_chart = on_axes(&root, p.x, p.y, dw, dh);
        let right_chart = on_axes(&root, p.x, right_y.unwrap_or(p.y), dw, dh);
        let mut ends = Vec::new();
        for (i, s) in p.series.iter().enumerate() {
            let chart = if on_right(i) { &right_chart } else { &left_chart };
            let keep = lttb(&s.xs, &s.ys, dw as usize);
            let points: Vec<(f64, f64)> = keep.iter().map(|&k| (s.xs[k], s.ys[k])).collect();
            let shape = ShapeStyle::from(&pen(i));
            let drawn = if opts.bars {
                let base = if view.mode == ViewMode::Log { p.y.0 } else { 0f64.clamp(p.y.0, p.y.1) };
                points.iter().try_for_each(|&(x, y)| chart.draw(&PathElement::new(vec![(x, base), (x, y)], shape)))
            } else if points.len() == 1 {
                chart.draw(&Pixel::new(points[0], shape))
            } else {
                chart.draw(&PathElement::new(points.clone(), shape))
            };
            drawn.map_err(|e| ChartError::Draw(e.to_string()))?;
            if let Some(last) = points.last() {
                ends.push(chart.map_coordinate(last));
            }
        }
        let chart = &left_chart;
        let right_rows: Vec<(u16, &str)> = right_ticks
            .iter()
            .map(|(y, l)| (clamp_cell(right_chart.map_coordinate(&(p.x.0, *y)).1, dy, plot_h), l.as_str()))
            .collect();
        let x_cols: Vec<(u16, &str)> = x_ticks
            .iter()
            .map(|(x, l)| (clamp_cell(chart.map_coordinate(&(*x, p.y.0)).0, dx, plot_w), l.as_str()))
            .collect();
        let y_rows: Vec<(u16, &str)> = y_ticks
            .iter()
            .map(|(y, l)| (clamp_cell(chart.map_coordinate(&(p.x.0, *y)).1, dy, plot_h), l.as_str()))
            .collect();
        let cursor_col = opts.cursor.map(|c| clamp_cell(chart.map_coordinate(&(c, p.y.0)).0, dx, plot_w));
        (x_cols, y_rows, ends, cursor_col, right_rows)
    };

    let axis = style.axis.map(|c| Style::default().fg(c)).unwrap_or_default();
    let ascii = style.glyphs == GlyphMode::Ascii;
    draw_axes(buf, area, plot, &x_cols, &y_rows, ascii, axis, opts.x_labels);
    if split.is_some() {
        draw_right_axis(buf, plot, &right_rows, ascii, axis);
    }
    if let Some(col) = cursor_col {
        draw_cursor(buf, plot, col, ascii, axis);
    }
    grid.paint(buf, plot, style);
    if style.colors.is_empty() && p.series.len() > 1 && style.glyphs != GlyphMode::Ascii && !opts.bars {
        // No colour to tell the lines apart: each line ends in its marker.
        for (i, (ex, ey)) in ends.iter().enumerate() {
            let (col, row) = (clamp_cell(*ex, dx, plot_w), clamp_cell(*ey, dy, plot_h));
            buf.set_string(plot.x + col, plot.y + row, ChartStyle::marker(i).to_string(), Style::default());
        }
    }
    let step = y_ticks.get(1).zip(y_ticks.first()).map(|(b, a)| (b.0 - a.0).abs()).unwrap_or(1.0);
    let right: Vec<bool> = (0..p.series.len()).map(on_right).collect();
    draw_legend(buf, area, set, &p, view, style, step, &right);
    Ok(())
}

/// The second y axis: a rule right of the plot with its ticks and labels.
fn draw_right_axis(buf: &mut Buffer, plot: Rect, rows: &[(u16, &str)], ascii: bool, axis: Style) {
    let (vert, tick, corner) = if ascii { ("|", "+", "+") } else { ("│", "├", "┘") };
    let col = plot.x + plot.width;
    for row in plot.y..plot.y + plot.height {
        buf.set_string(col, row, vert, axis);
    }
    buf.set_string(col, plot.y + plot.height, corner, axis);
    let mut last = None;
    for (row, label) in rows {
        if last == Some(*row) {
            continue;
        }
        last = Some(*row);
        buf.set_string(col, plot.y + row, tick, axis);
        buf.set_string(col + 1, plot.y + row, label, axis);
    }
}

/// Which series go on the right axis, and the left and right y ranges.
type Split = (Vec<bool>, (f64, f64), (f64, f64));

/// In the raw view, series whose sizes differ `SCALE_RATIO` times or more: which go right
/// (the large ones, above the geometric middle of the sizes), and the left and right ranges.
fn split_scales(p: &Prepared, view: &ChartView) -> Option<Split> {
    if view.mode != ViewMode::Raw || p.series.len() < 2 {
        return None;
    }
    let sizes: Vec<f64> = p.series.iter().map(|s| s.ys.iter().fold(0f64, |m, y| m.max(y.abs()))).collect();
    let (small, big) = sizes.iter().fold((f64::MAX, 0f64), |(a, b), v| (a.min(*v), b.max(*v)));
    if small <= 0.0 || big / small < SCALE_RATIO {
        return None;
    }
    let middle = (small * big).sqrt();
    let right: Vec<bool> = sizes.iter().map(|v| *v > middle).collect();
    let range = |side: bool| {
        let ys = p.series.iter().zip(&right).filter(|(_, r)| **r == side).flat_map(|(s, _)| s.ys.iter().copied());
        let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        if hi > lo { (lo, hi) } else { (lo - (lo.abs() * 0.05).max(1.0), hi + (hi.abs() * 0.05).max(1.0)) }
    };
    Some((right.clone(), range(false), range(true)))
}

/// The crosshair: a vertical rule through the plot at `col`, under the drawn dots.
pub fn draw_cursor(buf: &mut Buffer, plot: Rect, col: u16, ascii: bool, axis: Style) {
    let glyph = if ascii { ":" } else { "┊" };
    for row in plot.y..plot.y + plot.height {
        buf.set_string(plot.x + col.min(plot.width.saturating_sub(1)), row, glyph, axis);
    }
}

pub fn on_axes<'a>(
    root: &DrawingArea<DotBackend<'a>, Shift>,
    x: (f64, f64),
    y: (f64, f64),
    dw: u32,
    dh: u32,
) -> DrawingArea<DotBackend<'a>, Cartesian2d<RangedCoordf64, RangedCoordf64>> {
    let (w, h) = (dw.saturating_sub(1) as i32, dh.saturating_sub(1) as i32);
    root.apply_coord_spec(Cartesian2d::<RangedCoordf64, RangedCoordf64>::new(x.0..x.1, y.0..y.1, (0..w, h..0)))
}

pub fn clamp_cell(dot: i32, per_cell: u16, cells: u16) -> u16 {
    let cell = dot.max(0) / i32::from(per_cell.max(1));
    u16::try_from(cell).unwrap_or(u16::MAX).min(cells.saturating_sub(1))
}

#[allow(clippy::too_many_arguments)]
pub fn draw_axes(buf: &mut Buffer, area: Rect, plot: Rect, x_cols: &[(u16, &str)], y_rows: &[(u16, &str)], ascii: bool, axis: Style, x_labels: bool) {
    let (vert, horiz, corner, ytick, xtick) = if ascii { ('|', '-', '+', '+', '+') } else { ('│', '─', '└', '┤', '┬') };
    let axis_x = plot.x - 1;
    let axis_y = plot.y + plot.height;
    for row in plot.y..axis_y {
        buf.set_string(axis_x, row, vert.to_string(), axis);
    }
    for col in plot.x..plot.x + plot.width {
        buf.set_string(col, axis_y, horiz.to_string(), axis);
    }
    buf.set_string(axis_x, axis_y, corner.to_string(), axis);
    let mut last_row = None;
    for (row, label) in y_rows {
        if last_row == Some(*row) {
            continue;
        }
        last_row = Some(*row);
        buf.set_string(axis_x, plot.y + row, ytick.to_string(), axis);
        let w = label.chars().count() as u16;
        buf.set_string(axis_x.saturating_sub(w), plot.y + row, label, axis);
    }
    let mut free_from = area.x;
    let right = area.x + area.width;
    for (col, label) in x_cols {
        let at = plot.x + col;
        buf.set_string(at, axis_y, xtick.to_string(), axis);
        let w = label.chars().count() as u16;
        let start = at.saturating_sub(w / 2).min(right.saturating_sub(w));
        if start < free_from || !x_labels {
            continue;
        }
        buf.set_string(start, axis_y + 1, label, axis);
        free_from = start + w + 1;
    }
}

pub fn x_label(kind: XKind, x: f64) -> String {
    let t = || DateTime::from_timestamp(x.floor() as i64, 0).map(|d| d.naive_utc());
    match kind {
        XKind::Date => t().map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        XKind::Timestamp => t().map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
        XKind::Number => format!("{}", (x * 1e6).round() / 1e6),
    }
}

/// Row 0: a marker and name per series (with last/min/max for a lone series), and the view.
#[allow(clippy::too_many_arguments)]
fn draw_legend(buf: &mut Buffer, area: Rect, set: &SeriesSet, p: &Prepared, view: &ChartView, style: &ChartStyle, step: f64, right: &[bool]) {
    let scale = p.y.0.abs().max(p.y.1.abs());
    let shown = |y: f64| -> String {
        let (v, step, scale) = if view.mode == ViewMode::Log {
            let v = 10f64.powf(y);
            (v, v / 1e4, v)
        } else {
            (y, step / 100.0, scale)
        };
        let suffix = if view.mode == ViewMode::Drawdown { "%" } else { "" };
        format!("{}{suffix}", format_value(v, step, scale))
    };
    let mut parts: Vec<(String, Style)> = Vec::new();
    for (i, s) in p.series.iter().enumerate() {
        let color = style.color(i).map(|c| Style::default().fg(c)).unwrap_or_default();
        let mut text = format!("{} {}", ChartStyle::marker(i), s.name);
        if right.get(i).copied().unwrap_or(false) {
            text.push_str(" (right axis)");
        }
        if p.series.len() == 1 {
            let at = |pick: fn(f64, f64) -> bool| {
                let mut best = 0;
                for (k, y) in s.ys.iter().enumerate() {
                    if pick(*y, s.ys[best]) {
                        best = k;
                    }
                }
                best
            };
            let (lo, hi) = (at(|a, b| a < b), at(|a, b| a > b));
            let last = s.ys.len() - 1;
            let stats = if s.ys.len() == 1 {
                format!("  {} at {}, one point", shown(s.ys[0]), x_label(set.x_kind, s.xs[0]))
            } else if view.mode == ViewMode::Drawdown {
                format!("  last {}  worst {} {}", shown(s.ys[last]), shown(s.ys[lo]), x_label(set.x_kind, s.xs[lo]))
            } else {
                format!(
                    "  last {}  min {} {}  max {} {}",
                    shown(s.ys[last]),
                    shown(s.ys[lo]),
                    x_label(set.x_kind, s.xs[lo]),
                    shown(s.ys[hi]),
                    x_label(set.x_kind, s.xs[hi])
                )
            };
            text.push_str(&stats);
        }
        parts.push((text, color));
    }
    if set.dropped > 0 {
        parts.push((format!("+{} more series not shown", set.dropped), Style::default()));
    }
    let mut tag = match view.mode {
        ViewMode::Raw => String::new(),
        ViewMode::Rebased => format!("rebased to 100 at {}", x_label(set.x_kind, p.since)),
        ViewMode::Log => "log scale".to_string(),
        ViewMode::Drawdown => "drawdown from peak, %".to_string(),
    };
    if let Some(note) = scale_note(p, view).filter(|_| !right.contains(&true)) {
        tag = if tag.is_empty() { note } else { format!("{tag}, {note}") };
    }
    if view.is_zoomed() {
        let range = format!("{} to {}", x_label(set.x_kind, p.x.0), x_label(set.x_kind, p.x.1));
        tag = if tag.is_empty() { range } else { format!("{tag}, {range}") };
    }
    let right = area.x + area.width;
    let tag_w = if tag.is_empty() { 0 } else { tag.chars().count() as u16 + 2 };
    let limit = right.saturating_sub(tag_w);
    let mut x = area.x;
    for (text, st) in parts {
        let room = limit.saturating_sub(x) as usize;
        if room < 3 {
            break;
        }
        let fits = text.chars().count() <= room;
        let text: String = if fits { text } else { text.chars().take(room - 1).chain(['…']).collect() };
        buf.set_string(x, area.y, &text, st);
        x += text.chars().count() as u16 + 2;
    }
    if !tag.is_empty() && tag_w < area.width {
        buf.set_string(right - tag_w + 2, area.y, &tag, Style::default());
    }
}

/// Series whose sizes differ a lot share one raw scale badly: say so and name the fix.
fn scale_note(p: &Prepared, view: &ChartView) -> Option<String> {
    if view.mode != ViewMode::Raw || p.series.len() < 2 {
        return None;
    }
    let sizes: Vec<f64> = p.series.iter().map(|s| s.ys.iter().fold(0f64, |m, y| m.max(y.abs()))).collect();
    let (small, big) = sizes.iter().fold((f64::MAX, 0f64), |(a, b), v| (a.min(*v), b.max(*v)));
    let ratio = big / small;
    (small > 0.0 && ratio >= SCALE_RATIO).then(|| format!("scales differ {}x: try the rebased view", format_value(ratio, 1.0, ratio)))
}

/// Series this many times larger than others make the others flat lines.
pub const SCALE_RATIO: f64 = 20.0;
