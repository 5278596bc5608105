//! Chart rendering cost: 10 series x 5,000 points (long data, one series per ticker) drawn
//! into a 160x48 pane, from Arrow batches to a filled ratatui Buffer (target: 10 ms); and
//! a crosshair frame over a 1,000,000-row result extracted once (target: 2 ms).

use std::hint::black_box;
use std::sync::Arc;

use arrow::array::{Date32Array, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use criterion::{Criterion, criterion_group, criterion_main};
use fathom::chart::{ChartSpec, ChartStyle, ChartView, GlyphMode, ViewMode, draw, extract, readout, render_chart, x_stops};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn prices(series: usize, points: usize) -> RecordBatch {
    let (mut d, mut t, mut v) = (Vec::new(), Vec::new(), Vec::new());
    for s in 0..series {
        let mut p = 100.0 + s as f64 * 10.0;
        for i in 0..points {
            p *= 1.0 + 0.01 * ((i * (s + 3)) as f64 / 17.0).sin() + 0.0002;
            d.push(i as i32);
            t.push(format!("T{s}"));
            v.push(p);
        }
    }
    let schema = Schema::new(vec![
        Field::new("trade_date", DataType::Date32, false),
        Field::new("ticker", DataType::Utf8, false),
        Field::new("adj_close", DataType::Float64, false),
    ]);
    let cols: Vec<arrow::array::ArrayRef> =
        vec![Arc::new(Date32Array::from(d)), Arc::new(StringArray::from(t)), Arc::new(Float64Array::from(v))];
    match RecordBatch::try_new(Arc::new(schema), cols) {
        Ok(b) => b,
        Err(e) => panic!("bench data: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let batches = [prices(10, 5_000)];
    let spec = ChartSpec { series: Some("ticker".into()), ..ChartSpec::default() };
    let area = Rect::new(0, 0, 160, 48);
    for (name, glyphs, mode) in [
        ("chart 10x5000 into 160x48 braille raw", GlyphMode::Braille, ViewMode::Raw),
        ("chart 10x5000 into 160x48 braille rebased", GlyphMode::Braille, ViewMode::Rebased),
        ("chart 10x5000 into 160x48 ascii drawdown", GlyphMode::Ascii, ViewMode::Drawdown),
    ] {
        let style = ChartStyle { glyphs, ..ChartStyle::default() };
        let view = ChartView::with_mode(mode);
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut buf = Buffer::empty(area);
                let r = render_chart(black_box(&batches), &spec, &view, &style, area, &mut buf);
                black_box((r.is_ok(), buf))
            })
        });
    }
}

/// The workbench's frame with the crosshair on: the chart of a 1,000,000-row result is
/// extracted once (as the TUI's cache does); each frame draws it with the rule and the
/// readout at the next point (target: 2 ms).
fn crosshair(c: &mut Criterion) {
    let batches = [prices(1, 1_000_000)];
    let Ok(chart) = extract(&batches, &ChartSpec::default()) else { panic!("bench data: no chart") };
    let stops = x_stops(&chart);
    let area = Rect::new(0, 0, 160, 48);
    let style = ChartStyle::default();
    let view = ChartView::default();
    let mut at = 0;
    c.bench_function("crosshair frame, 1,000,000 rows into 160x48", |b| {
        b.iter(|| {
            at = (at + 1) % stops.len();
            let mut buf = Buffer::empty(area);
            let r = draw(black_box(&chart), &view, &style, area, &mut buf, Some(stops[at]));
            let line = readout(&chart, &view, stops[at]);
            black_box((r.is_ok(), line, buf))
        })
    });
}

criterion_group!(benches, bench, crosshair);
criterion_main!(benches);
