//! Histograms of one numeric column (the `y=` column, else the first numeric non-key
//! column): equal-width bins between the minimum and maximum, bars of counts. A constant
//! column gets one bar and a message saying so; NULLs and non-finite values are counted.

use arrow::array::{Array, AsArray};
use arrow::datatypes::Float64Type;
use arrow::record_batch::RecordBatch;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::error::ChartError;
use super::render::{PaneOpts, draw_axes, max_y_ticks};
use super::series::{find_column, floats, is_key_like};
use super::spec::ChartSpec;
use super::style::{ChartStyle, GlyphMode};
use super::ticks::{format_value, nice_step, number_ticks};

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub name: String,
    pub values: Vec<f64>,
    /// NULL or non-finite rows, not counted.
    pub skipped: usize,
}

/// Picks the column and reads its values.
pub fn extract(batches: &[RecordBatch], spec: &ChartSpec) -> Result<Values, ChartError> {
    let Some(first) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Err(ChartError::NoRows);
    };
    let schema = first.schema();
    let col = match spec.y.first() {
        Some(name) => {
            let i = find_column(&schema, name)?;
            let f = schema.field(i);
            if !f.data_type().is_numeric() {
                return Err(ChartError::NotNumeric { name: f.name().clone(), kind: f.data_type().to_string() });
            }
            i
        }
        None => (0..schema.fields().len())
            .find(|&i| schema.field(i).data_type().is_numeric() && !is_key_like(&schema, i))
            .ok_or_else(|| ChartError::NoNumericColumn { columns: super::series::column_list(&schema) })?,
    };
    let mut values = Vec::new();
    let mut skipped = 0;
    for batch in batches.iter().filter(|b| b.num_rows() > 0) {
        let a = floats(batch.column(col))?;
        let a = a.as_primitive::<Float64Type>();
        for row in 0..a.len() {
            match (!a.is_null(row)).then(|| a.value(row)).filter(|v| v.is_finite()) {
                Some(v) => values.push(v),
                None => skipped += 1,
            }
        }
    }
    let name = schema.field(col).name().clone();
    if values.is_empty() {
        return Err(ChartError::AllNull { what: name });
    }
    Ok(Values { name, values, skipped })
}

/// Counts per bin: `bins` equal bins over `lo..=hi` (the last bin includes `hi`).
pub fn bin(values: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins.max(1)];
    let width = (hi - lo) / counts.len() as f64;
    for v in values {
        let k = if width > 0.0 { ((v - lo) / width).floor() as usize } else { 0 };
        let last = counts.len() - 1;
        counts[k.min(last)] += 1;
    }
    counts
}

/// Draws the histogram into `area`.
pub fn draw(v: &Values, style: &ChartStyle, area: Rect, buf: &mut Buffer, opts: &PaneOpts) -> Result<(), ChartError> {
    let area = area.intersection(buf.area);
    let (lo, hi) = v.values.iter().fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    let constant = hi <= lo;
    let width_guess = area.width.saturating_sub(10);
    let bins = if constant { 1 } else { (((v.values.len() as f64).sqrt().ceil() as usize).clamp(5, 40)).min(usize::from(width_guess / 2).max(1)) };
    let counts = bin(&v.values, lo, hi, bins);
    let top = counts.iter().copied().max().unwrap_or(0) as f64;
    let y_ticks = number_ticks(0.0, top.max(1.0), max_y_ticks(area), "");
    let y_ticks: Vec<(f64, String)> = y_ticks.into_iter().filter(|(y, _)| y.fract() == 0.0).collect();
    let (x0, x1) = if constant { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
    let fr = super::render::frame(area, &y_ticks, (x0, x1), super::series::XKind::Number, &PaneOpts { x_labels: true, ..*opts })?;
    let plot = fr.plot;
    let per_bin = plot.width as f64 / counts.len() as f64;
    let col_of = |x: f64| -> u16 { ((((x - x0) / (x1 - x0)) * f64::from(plot.width)).floor().max(0.0) as u16).min(plot.width - 1) };
    let rows = f64::from(plot.height);
    let row_of = |y: f64| -> u16 { ((rows - 1.0) - (y / top.max(1.0)) * (rows - 1.0)).round().max(0.0) as u16 };
    let x_cols: Vec<(u16, &str)> = fr.x_ticks.iter().map(|(x, l)| (col_of(*x), l.as_str())).collect();
    let y_rows: Vec<(u16, &str)> = y_ticks.iter().map(|(y, l)| (row_of(*y), l.as_str())).collect();
    let axis = style.axis.map(|c| Style::default().fg(c)).unwrap_or_default();
    draw_axes(buf, area, plot, &x_cols, &y_rows, style.glyphs == GlyphMode::Ascii, axis, true);
    let eighths = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let bar_style = style.color(0).map(|c| Style::default().fg(c)).unwrap_or_default();
    for (k, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let (c0, c1) = ((k as f64 * per_bin).round() as u16, (((k + 1) as f64 * per_bin).round() as u16).min(plot.width));
        // Leave a gap between bars when there is room.
        let c1 = if c1 > c0 + 1 { c1 - 1 } else { c1 };
        let height = n as f64 / top * rows;
        for col in c0..c1 {
            for row in 0..plot.height {
                let from_bottom = f64::from(plot.height - row - 1);
                let fill = (height - from_bottom).clamp(0.0, 1.0);
                let ch = match style.glyphs {
                    GlyphMode::Ascii if fill >= 0.5 => '#',
                    GlyphMode::Ascii => continue,
                    _ if fill <= 0.0 => continue,
                    _ => eighths[((fill * 8.0).ceil() as usize).clamp(1, 8) - 1],
                };
                buf.set_string(plot.x + col, plot.y + row, ch.to_string(), bar_style);
            }
        }
    }
    let scale = lo.abs().max(hi.abs());
    let step = nice_step(lo, hi, 10) / 10.0;
    let mean = v.values.iter().sum::<f64>() / v.values.len() as f64;
    let mut legend = if constant {
        format!("histogram of {}: all {} values are {}: one bar", v.name, v.values.len(), format_value(lo, scale.max(1.0) / 1e4, scale))
    } else {
        format!(
            "histogram of {}: {} values in {} bins of {}  min {}  max {}  mean {}",
            v.name,
            v.values.len(),
            counts.len(),
            format_value((hi - lo) / counts.len() as f64, step, scale),
            format_value(lo, step, scale),
            format_value(hi, step, scale),
            format_value(mean, step, scale)
        )
    };
    if v.skipped > 0 {
        legend.push_str(&format!("  {} NULL rows skipped", v.skipped));
    }
    let legend: String = legend.chars().take(usize::from(area.width)).collect();
    buf.set_string(area.x, area.y, legend, Style::default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_min_to_max() {
        assert_eq!(bin(&[0.0, 0.1, 0.5, 0.9, 1.0], 0.0, 1.0, 2), vec![2, 3]);
        assert_eq!(bin(&[3.0, 3.0], 3.0, 3.0, 1), vec![2], "constant: one bar");
        let counts = bin(&[-1.0, 2.0, 2.5, 7.0], -1.0, 7.0, 4);
        assert_eq!(counts.iter().sum::<usize>(), 4);
    }
}
