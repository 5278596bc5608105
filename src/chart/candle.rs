//! Candles: open/high/low/close per x from columns named `open`, `high`, `low`, `close`
//! (any case; or the four `y=` columns in that order). Rows with a NULL part or
//! `high < low` are skipped and counted. When there are more candles than plot columns,
//! neighbours merge into one (first open, highest high, lowest low, last close), so the
//! drawn extremes stay the data's.
//!
//! Glyphs: a wick through the low-high range and a body between open and close; up bodies
//! (close >= open) are solid, down bodies shaded (`o` and `#` in ASCII, `|` wicks).

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float64Type, SchemaRef};
use arrow::record_batch::RecordBatch;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::error::ChartError;
use super::render::{PaneOpts, clamp_cell, draw_axes, draw_cursor, frame, max_y_ticks, x_label};
use super::series::{XKind, find_column, floats, pick_x, x_values};
use super::spec::ChartSpec;
use super::style::{ChartStyle, GlyphMode};
use super::readout::number;
use super::ticks::{log_ticks, number_ticks};
use super::view::{ChartView, ViewMode, transform};

/// The OHLC column names, in order.
pub const OHLC: [&str; 4] = ["open", "high", "low", "close"];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candle {
    pub x: f64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
}

impl Candle {
    fn merge(self, next: Candle) -> Candle {
        Candle { x: self.x, open: self.open, high: self.high.max(next.high), low: self.low.min(next.low), close: next.close }
    }
}

/// Candles sorted by x, and how many rows were bad.
#[derive(Debug, Clone, PartialEq)]
pub struct CandleSet {
    pub x_name: String,
    pub x_kind: XKind,
    pub candles: Vec<Candle>,
    pub skipped: usize,
}

/// True when the result has all four OHLC columns (any case).
pub fn has_ohlc(schema: &SchemaRef) -> bool {
    OHLC.iter().all(|c| find_column(schema, c).is_ok())
}

/// Builds the candles of `batches`.
pub fn extract(batches: &[RecordBatch], spec: &ChartSpec) -> Result<CandleSet, ChartError> {
    let Some(first) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Err(ChartError::NoRows);
    };
    let schema = first.schema();
    let (x, kind) = pick_x(&schema, spec)?;
    let names: Vec<&str> = if spec.y.len() == 4 { spec.y.iter().map(String::as_str).collect() } else { OHLC.to_vec() };
    let cols = names.iter().map(|n| find_column(&schema, n)).collect::<Result<Vec<_>, _>>().map_err(|e| match e {
        ChartError::UnknownColumn { name, columns } => ChartError::NoOhlc { missing: name, columns },
        other => other,
    })?;
    let mut candles = Vec::new();
    let mut skipped = 0;
    for batch in batches.iter().filter(|b| b.num_rows() > 0) {
        let xs = x_values(batch.column(x), kind)?;
        let parts = cols.iter().map(|&c| floats(batch.column(c))).collect::<Result<Vec<_>, _>>()?;
        let parts: Vec<_> = parts.iter().map(|a| a.as_primitive::<Float64Type>()).collect();
        for (row, xv) in xs.iter().enumerate() {
            let v = |k: usize| (!parts[k].is_null(row)).then(|| parts[k].value(row)).filter(|v| v.is_finite());
            match (xv, v(0), v(1), v(2), v(3)) {
                (Some(x), Some(open), Some(high), Some(low), Some(close)) if high >= low && x.is_finite() => {
                    candles.push(Candle { x: *x, open, high, low, close });
                }
                _ => skipped += 1,
            }
        }
    }
    if candles.is_empty() {
        return Err(ChartError::AllNull { what: format!("every row's {} (or high < low)", names.join("/")) });
    }
    candles.sort_by(|a, b| a.x.total_cmp(&b.x));
    Ok(CandleSet { x_name: schema.field(x).name().clone(), x_kind: kind, candles, skipped })
}

/// The candle at or before `x` (else the first), as the crosshair reads it.
pub fn at(set: &CandleSet, x: f64) -> Option<&Candle> {
    let i = set.candles.partition_point(|c| c.x <= x);
    set.candles.get(i.saturating_sub(1))
}

/// What a cell of a candle column holds, by dot row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Wick,
    Up,
    Down,
}

/// The candles as the view shows them. Each open, high, low and close goes through the same
/// transform as a line's values, in that order: rebased divides by the first shown open, log
/// takes log10 of each, and drawdown is below the running high (this candle's high included),
/// so a drawn high stays at or above its low.
pub fn in_view(mode: ViewMode, shown: &[Candle]) -> Result<Vec<Candle>, ChartError> {
    if mode == ViewMode::Raw {
        return Ok(shown.to_vec());
    }
    let flat: Vec<f64> = shown.iter().flat_map(|c| [c.open, c.high, c.low, c.close]).collect();
    let seen = transform(mode, "the candles", &flat)?;
    Ok(shown
        .iter()
        .zip(seen.chunks_exact(4))
        .map(|(c, v)| Candle { x: c.x, open: v[0], high: v[1], low: v[2], close: v[3] })
        .collect())
}

/// Draws the candles in the view's window, in the view's mode (the legend keeps raw prices).
pub fn draw(set: &CandleSet, view: &ChartView, style: &ChartStyle, area: Rect, buf: &mut Buffer, opts: &PaneOpts) -> Result<(), ChartError> {
    let area = area.intersection(buf.area);
    let full = opts.x_full.unwrap_or_else(|| (set.candles[0].x, set.candles[set.candles.len() - 1].x));
    let (vlo, vhi) = view.visible(full.0, full.1);
    let from = set.candles.partition_point(|c| c.x < vlo);
    let to = set.candles.partition_point(|c| c.x <= vhi);
    let shown = &set.candles[from..to];
    if shown.is_empty() {
        return Err(ChartError::EmptyWindow);
    }
    let drawn = in_view(view.mode, shown)?;
    let (mut y0, mut y1) = drawn.iter().fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.low), b.max(c.high)));
    if y1 <= y0 {
        let pad = if view.mode == ViewMode::Log { 0.05 } else { (y0.abs() * 0.05).max(1.0) };
        (y0, y1) = (y0 - pad, y1 + pad);
    }
    let (mut x0, mut x1) = (vlo, vhi);
    if x1 <= x0 {
        (x0, x1) = (x0 - 86_400.0, x1 + 86_400.0);
    }
    let y_ticks = match view.mode {
        ViewMode::Log => log_ticks(y0, y1, max_y_ticks(area)),
        ViewMode::Drawdown => number_ticks(y0, y1, max_y_ticks(area), "%"),
        _ => number_ticks(y0, y1, max_y_ticks(area), ""),
    };
    let fr = frame(area, &y_ticks, (x0, x1), set.x_kind, opts)?;
    let plot = fr.plot;
    let (_, dy) = style.glyphs.dots();
    let dots_h = i32::from(plot.height) * i32::from(dy);
    let col_of = |x: f64| -> u16 {
        let f = (x - x0) / (x1 - x0) * f64::from(plot.width.saturating_sub(1));
        (f.round().max(0.0) as u16).min(plot.width.saturating_sub(1))
    };
    let dot_of = |y: f64| -> i32 { (((y1 - y) / (y1 - y0)) * f64::from(dots_h - 1)).round() as i32 };

    // One candle per column: neighbours that land in the same column merge.
    let mut columns: Vec<(u16, Candle)> = Vec::new();
    for c in &drawn {
        let col = col_of(c.x);
        match columns.last_mut() {
            Some((last, merged)) if *last == col => *merged = merged.merge(*c),
            _ => columns.push((col, *c)),
        }
    }
    let axis = style.axis.map(|c| Style::default().fg(c)).unwrap_or_default();
    let ascii = style.glyphs == GlyphMode::Ascii;
    let x_cols: Vec<(u16, &str)> = fr.x_ticks.iter().map(|(x, l)| (col_of(*x), l.as_str())).collect();
    let y_rows: Vec<(u16, &str)> = y_ticks.iter().map(|(y, l)| (clamp_cell(dot_of(*y), dy, plot.height), l.as_str())).collect();
    draw_axes(buf, area, plot, &x_cols, &y_rows, ascii, axis, opts.x_labels);
    if let Some(c) = opts.cursor {
        draw_cursor(buf, plot, col_of(c), ascii, axis);
    }
    let (mut up, mut down) = (0, 0);
    for (col, c) in &columns {
        let is_up = c.close >= c.open;
        if is_up { up += 1 } else { down += 1 }
        let body = if is_up { Part::Up } else { Part::Down };
        let (hi, lo) = (dot_of(c.high), dot_of(c.low));
        let (b_top, b_bot) = (dot_of(c.open.max(c.close)), dot_of(c.open.min(c.close)));
        let color = if style.colors.is_empty() { None } else { Some(if is_up { Color::Green } else { Color::Red }) };
        for row in 0..plot.height {
            let parts: Vec<Option<Part>> = (0..i32::from(dy))
                .map(|k| {
                    let d = i32::from(row) * i32::from(dy) + k;
                    if d >= b_top && d <= b_bot {
                        Some(body)
                    } else if d >= hi && d <= lo {
                        Some(Part::Wick)
                    } else {
                        None
                    }
                })
                .collect();
            let Some(ch) = glyph(style.glyphs, &parts) else { continue };
            if let Some(cell) = buf.cell_mut((plot.x + col, plot.y + row)) {
                cell.set_char(ch);
                if let Some(fg) = color {
                    cell.set_fg(fg);
                }
            }
        }
    }
    let last = shown[shown.len() - 1];
    let hi = shown.iter().fold(shown[0], |b, c| if c.high > b.high { *c } else { b });
    let lo = shown.iter().fold(shown[0], |b, c| if c.low < b.low { *c } else { b });
    let v = |y: f64| number(y);
    let bad = match set.skipped {
        0 => String::new(),
        n => format!(", skipped {n} bad rows (NULL or high < low)"),
    };
    let mode = match view.mode {
        ViewMode::Raw => String::new(),
        ViewMode::Rebased => format!(" (rebased to 100 at {})", x_label(set.x_kind, shown[0].x)),
        ViewMode::Log => " (log scale)".to_string(),
        ViewMode::Drawdown => " (drawdown from peak, %)".to_string(),
    };
    let mut legend = format!(
        "candles {}{mode}{bad}  up {up} down {down}  high {} {}  low {} {}  last {}",
        shown.len(),
        v(hi.high),
        x_label(set.x_kind, hi.x),
        v(lo.low),
        x_label(set.x_kind, lo.x),
        v(last.close)
    );
    if view.is_zoomed() {
        legend.push_str(&format!("  {} to {}", x_label(set.x_kind, x0), x_label(set.x_kind, x1)));
    }
    let legend: String = legend.chars().take(usize::from(area.width)).collect();
    buf.set_string(area.x, area.y, legend, Style::default());
    Ok(())
}

/// The character of one cell from its dot rows (top first).
fn glyph(mode: GlyphMode, parts: &[Option<Part>]) -> Option<char> {
    let body = parts.iter().flatten().find(|p| **p != Part::Wick).copied();
    if parts.iter().all(Option::is_none) {
        return None;
    }
    Some(match (mode, body) {
        (GlyphMode::Ascii, Some(Part::Up)) => 'o',
        (GlyphMode::Ascii, Some(_)) => '#',
        (GlyphMode::Ascii, None) => '|',
        (GlyphMode::Block, None) => '│',
        (GlyphMode::Block, Some(Part::Up)) => match (parts[0] == Some(Part::Up), parts.get(1).copied().flatten() == Some(Part::Up)) {
            (true, false) => '▀',
            (false, true) => '▄',
            _ => '█',
        },
        (GlyphMode::Block, Some(_)) => '▒',
        (GlyphMode::Braille, _) => {
            // Left column: bits 0x01 0x02 0x04 0x40; right: 0x08 0x10 0x20 0x80.
            const LEFT: [u32; 4] = [0x01, 0x02, 0x04, 0x40];
            const RIGHT: [u32; 4] = [0x08, 0x10, 0x20, 0x80];
            let mut bits = 0;
            for (k, p) in parts.iter().enumerate().take(4) {
                bits |= match p {
                    Some(Part::Wick) => LEFT[k],
                    Some(Part::Up) => LEFT[k] | RIGHT[k],
                    // Down bodies: a checker, so they differ from up bodies without colour.
                    Some(Part::Down) if k % 2 == 0 => LEFT[k],
                    Some(Part::Down) => RIGHT[k],
                    None => 0,
                };
            }
            char::from_u32(0x2800 + bits).unwrap_or('⣿')
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Date32Array, Float64Array};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn ohlc(rows: &[(i32, Option<f64>, f64, f64, f64)]) -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("Week", DataType::Date32, false),
            Field::new("Open", DataType::Float64, true),
            Field::new("HIGH", DataType::Float64, true),
            Field::new("low", DataType::Float64, true),
            Field::new("Close", DataType::Float64, true),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Date32Array::from(rows.iter().map(|r| r.0).collect::<Vec<_>>())),
                Arc::new(Float64Array::from(rows.iter().map(|r| r.1).collect::<Vec<_>>())),
                Arc::new(Float64Array::from(rows.iter().map(|r| r.2).collect::<Vec<_>>())),
                Arc::new(Float64Array::from(rows.iter().map(|r| r.3).collect::<Vec<_>>())),
                Arc::new(Float64Array::from(rows.iter().map(|r| r.4).collect::<Vec<_>>())),
            ],
        )
        .unwrap()
    }

    #[test]
    fn any_case_columns_bad_rows_skipped_and_counted() {
        let b = ohlc(&[(10, Some(1.0), 2.0, 0.5, 1.5), (3, None, 2.0, 1.0, 1.0), (5, Some(1.0), 0.5, 2.0, 1.0), (7, Some(2.0), 3.0, 1.0, 1.2)]);
        assert!(has_ohlc(&b.schema()));
        let set = extract(&[b], &ChartSpec::default()).unwrap();
        assert_eq!(set.skipped, 2, "NULL open and high < low");
        assert_eq!(set.candles.iter().map(|c| c.x / 86_400.0).collect::<Vec<_>>(), vec![7.0, 10.0], "sorted by x");
        assert_eq!(at(&set, 9.0 * 86_400.0).map(|c| c.close), Some(1.2));
        assert_eq!(at(&set, 0.0).map(|c| c.close), Some(1.2), "before the first: the first");
    }

    #[test]
    fn merged_candles_keep_the_extremes() {
        let a = Candle { x: 0.0, open: 1.0, high: 3.0, low: 0.5, close: 2.0 };
        let b = Candle { x: 1.0, open: 2.0, high: 2.5, low: 0.1, close: 1.0 };
        assert_eq!(a.merge(b), Candle { x: 0.0, open: 1.0, high: 3.0, low: 0.1, close: 1.0 });
    }

    #[test]
    fn views_move_every_part_of_a_candle_together() {
        let cs = [
            Candle { x: 0.0, open: 50.0, high: 60.0, low: 40.0, close: 55.0 },
            Candle { x: 1.0, open: 55.0, high: 80.0, low: 45.0, close: 70.0 },
        ];
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let rebased = in_view(ViewMode::Rebased, &cs).unwrap();
        let r0 = rebased[0];
        assert!(near(r0.open, 100.0) && near(r0.high, 120.0) && near(r0.low, 80.0) && near(r0.close, 110.0), "the first open is 100: {r0:?}");
        assert!(near(rebased[1].high, 160.0) && near(rebased[1].close, 140.0), "{:?}", rebased[1]);
        let log = in_view(ViewMode::Log, &cs).unwrap();
        assert!((log[1].high - 80f64.log10()).abs() < 1e-12 && log[1].low < log[1].high);
        let dd = in_view(ViewMode::Drawdown, &cs).unwrap();
        assert_eq!(dd[0].high, 0.0, "a new high is no drawdown");
        assert!((dd[1].low - (45.0 / 80.0 - 1.0) * 100.0).abs() < 1e-9, "below this candle's own high: {:?}", dd[1]);
        assert!(dd.iter().all(|c| c.low <= c.open.min(c.close) && c.high >= c.open.max(c.close)), "{dd:?}");
        assert_eq!(in_view(ViewMode::Raw, &cs).unwrap(), cs.to_vec());
        let negative = [Candle { x: 0.0, open: -1.0, high: 1.0, low: -2.0, close: 0.5 }];
        let e = in_view(ViewMode::Log, &negative).unwrap_err().to_string();
        assert!(e.contains("log view needs positive values") && e.contains("the candles"), "{e}");
    }

    #[test]
    fn missing_columns_are_named() {
        let b = ohlc(&[(1, Some(1.0), 2.0, 0.5, 1.5)]).project(&[0, 1, 2, 3]).unwrap();
        let e = extract(&[b], &ChartSpec::default()).unwrap_err().to_string();
        assert!(e.contains("'close' is missing") && e.contains("open, high, low and close") && e.contains("Week, Open"), "{e}");
    }
}
