//! Snapshots of whole charts as a person reads them (braille and ASCII, one and several
//! series, rebased, drawdown, log), and the messages bad input gets instead of a chart.

use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use super::*;

/// 2024-01-02 as days since the epoch.
const START: i32 = 19_724;

/// Deterministic prices: a drift, a cycle and a little LCG noise per ticker.
fn walk(seed: u64, n: usize, start: f64, drift: f64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut p = start;
    (0..n)
        .map(|i| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let noise = ((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.02;
            p *= 1.0 + drift + 0.004 * (i as f64 / 15.0).sin() + noise;
            p
        })
        .collect()
}

/// Weekday dates from 2024-01-02.
fn days(n: usize) -> Vec<i32> {
    (0..).map(|i| START + i).filter(|d| (d + 3).rem_euclid(7) < 5).take(n).collect()
}

fn long(tickers: &[(&str, f64, f64)], n: usize) -> RecordBatch {
    let (mut d, mut t, mut v) = (Vec::new(), Vec::new(), Vec::new());
    for (k, (name, start, drift)) in tickers.iter().enumerate() {
        for (day, p) in days(n).into_iter().zip(walk(k as u64 + 7, n, *start, *drift)) {
            d.push(day);
            t.push(*name);
            v.push(p);
        }
    }
    batch(vec![("trade_date", Arc::new(Date32Array::from(d))), ("ticker", Arc::new(StringArray::from(t))), ("adj_close", Arc::new(Float64Array::from(v)))])
}

fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let schema = Schema::new(cols.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Vec<_>>());
    RecordBatch::try_new(Arc::new(schema), cols.into_iter().map(|(_, a)| a).collect()).unwrap()
}

fn nav() -> RecordBatch {
    let n = 250;
    let values = walk(3, n, 1_000_000.0, 0.0006);
    batch(vec![("trade_date", Arc::new(Date32Array::from(days(n)))), ("total_value", Arc::new(Float64Array::from(values)))])
}

fn text(b: &RecordBatch, spec: &str, view: ChartView, glyphs: GlyphMode, w: u16, h: u16) -> String {
    chart_text(std::slice::from_ref(b), &ChartSpec::parse(spec).unwrap(), &view, glyphs, w, h).unwrap()
}

fn err(b: &RecordBatch, spec: &str, view: ChartView, w: u16, h: u16) -> String {
    chart_text(std::slice::from_ref(b), &ChartSpec::parse(spec).unwrap(), &view, GlyphMode::Ascii, w, h).unwrap_err().to_string()
}

#[test]
fn nav_one_series_ascii() {
    insta::assert_snapshot!(text(&nav(), "", ChartView::default(), GlyphMode::Ascii, 80, 20));
}

#[test]
fn nav_one_series_braille() {
    insta::assert_snapshot!(text(&nav(), "", ChartView::default(), GlyphMode::Braille, 80, 20));
}

#[test]
fn nav_drawdown_braille() {
    insta::assert_snapshot!(text(&nav(), "", ChartView::with_mode(ViewMode::Drawdown), GlyphMode::Braille, 80, 16));
}

#[test]
fn three_tickers_ascii() {
    let b = long(&[("AAPL", 180.0, 0.001), ("MSFT", 370.0, 0.0), ("NVDA", 50.0, 0.003)], 120);
    insta::assert_snapshot!(text(&b, "line x=trade_date y=adj_close series=ticker", ChartView::default(), GlyphMode::Ascii, 80, 20));
}

#[test]
fn three_tickers_rebased_braille() {
    let b = long(&[("AAPL", 180.0, 0.001), ("MSFT", 370.0, 0.0), ("NVDA", 50.0, 0.003)], 120);
    let view = ChartView::with_mode(ViewMode::Rebased);
    insta::assert_snapshot!(text(&b, "line y=adj_close series=ticker", view, GlyphMode::Braille, 80, 20));
}

#[test]
fn three_tickers_log_blocks_zoomed() {
    let b = long(&[("AAPL", 180.0, 0.001), ("NVDA", 20.0, 0.01)], 250);
    let view = ChartView::with_mode(ViewMode::Log).zoom(0.5).pan(1.0);
    insta::assert_snapshot!(text(&b, "series=ticker", view, GlyphMode::Block, 80, 16));
}

#[test]
fn rebased_series_start_at_100() {
    let b = long(&[("AAPL", 180.0, 0.001), ("MSFT", 370.0, 0.0)], 60);
    let set = series::extract(&[b], &ChartSpec::parse("series=ticker").unwrap()).unwrap();
    let p = render::prepare(&set, &ChartView::with_mode(ViewMode::Rebased).zoom(0.5)).unwrap();
    for s in &p.series {
        assert!((s.ys[0] - 100.0).abs() < 1e-9, "{} starts at {}", s.name, s.ys[0]);
    }
}

#[test]
fn single_point_and_flat_line_draw() {
    let one = batch(vec![("d", Arc::new(Date32Array::from(vec![START]))), ("v", Arc::new(Float64Array::from(vec![101.5])))]);
    let out = text(&one, "", ChartView::default(), GlyphMode::Ascii, 40, 10);
    assert!(out.contains("101.50 at 2024-01-02, one point"), "{out}");
    assert_eq!(out.matches('*').count(), 2, "legend marker and the point: {out}");
    let flat = batch(vec![("d", Arc::new(Date32Array::from(days(30)))), ("v", Arc::new(Float64Array::from(vec![7.0; 30])))]);
    insta::assert_snapshot!(text(&flat, "", ChartView::default(), GlyphMode::Ascii, 40, 10));
}

#[test]
fn bad_input_gets_a_message() {
    let nav = nav();
    let no_date = nav.project(&[1]).unwrap();
    assert!(err(&no_date, "", ChartView::default(), 80, 20).contains("no date or timestamp column"));
    let no_number = long(&[("A", 1.0, 0.0)], 5).project(&[0, 1]).unwrap();
    assert!(err(&no_number, "", ChartView::default(), 80, 20).contains("no numeric column"));
    let nulls = batch(vec![("d", Arc::new(Date32Array::from(days(3)))), ("v", Arc::new(Float64Array::from(vec![None, None, None])))]);
    let e = err(&nulls, "", ChartView::default(), 80, 20);
    assert!(e.contains("only NULLs") && e.contains('v'), "{e}");
    let negative = batch(vec![("d", Arc::new(Date32Array::from(days(3)))), ("pnl", Arc::new(Float64Array::from(vec![1.0, -2.0, 3.0])))]);
    let e = err(&negative, "", ChartView::with_mode(ViewMode::Log), 80, 20);
    assert!(e.contains("log view needs positive values") && e.contains("pnl goes down to -2"), "{e}");
    let e = err(&nav, "", ChartView::default(), 10, 4);
    assert!(e.contains("pane too small") && e.contains("10x4"), "{e}");
    let empty = nav.slice(0, 0);
    assert!(err(&empty, "", ChartView::default(), 80, 20).contains("no rows"));
    let s = ChartSpec::parse("x=trade_date y=ticker").unwrap();
    let e = chart_text(&[long(&[("A", 1.0, 0.0)], 5)], &s, &ChartView::default(), GlyphMode::Ascii, 80, 20).unwrap_err().to_string();
    assert!(e.contains("'ticker' is Utf8, not a number"), "{e}");
}

#[test]
fn errors_leave_the_pane_untouched() {
    let area = ratatui::layout::Rect::new(0, 0, 30, 10);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    let no_date = nav().project(&[1]).unwrap();
    let r = render_chart(&[no_date], &ChartSpec::default(), &ChartView::default(), &ChartStyle::default(), area, &mut buf);
    assert!(r.is_err());
    assert_eq!(buf, ratatui::buffer::Buffer::empty(area));
}

#[test]
fn many_series_are_capped_with_a_note() {
    let names: Vec<String> = (0..15).map(|i| format!("T{i:02}")).collect();
    let tickers: Vec<(&str, f64, f64)> = names.iter().map(|n| (n.as_str(), 100.0, 0.0)).collect();
    let out = text(&long(&tickers, 10), "series=ticker", ChartView::default(), GlyphMode::Ascii, 200, 12);
    assert!(out.contains("+3 more series not shown"), "{out}");
    let _ = DataType::Null;
}

#[test]
fn draws_only_inside_its_area_of_a_larger_buffer() {
    let whole = ratatui::layout::Rect::new(0, 0, 120, 40);
    let pane = ratatui::layout::Rect::new(50, 10, 60, 20);
    let mut buf = ratatui::buffer::Buffer::empty(whole);
    render_chart(&[nav()], &ChartSpec::default(), &ChartView::default(), &ChartStyle::default(), pane, &mut buf).unwrap();
    let mut inside = 0;
    for y in 0..40 {
        for x in 0..120 {
            let drawn = buf[(x, y)].symbol() != " ";
            if pane.contains(ratatui::layout::Position { x, y }) {
                inside += usize::from(drawn);
            } else {
                assert!(!drawn, "drew outside the pane at ({x}, {y})");
            }
        }
    }
    assert!(inside > 100, "{inside} cells drawn");
    // Series cells carry the theme colour of their series.
    let coloured = (pane.y..pane.bottom())
        .flat_map(|y| (pane.x..pane.right()).map(move |x| (x, y)))
        .filter(|&(x, y)| ('\u{2801}'..='\u{28ff}').contains(&buf[(x, y)].symbol().chars().next().unwrap_or(' ')))
        .all(|(x, y)| buf[(x, y)].fg == ratatui::style::Color::Cyan);
    assert!(coloured);
}

/// Weekly candles from daily closes (first, max, min, last of each 5 days), with two bad rows.
fn weekly_candles(weeks: usize) -> RecordBatch {
    let closes = walk(11, weeks * 5, 180.0, 0.001);
    let dates = days(weeks * 5);
    let (mut d, mut o, mut h, mut l, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for w in 0..weeks {
        let week = &closes[w * 5..w * 5 + 5];
        d.push(dates[w * 5]);
        o.push(Some(week[0]));
        h.push(week.iter().copied().fold(f64::MIN, f64::max));
        l.push(week.iter().copied().fold(f64::MAX, f64::min));
        c.push(week[4]);
    }
    // Bad rows: a NULL open and a high below the low.
    o[3] = None;
    (h[7], l[7]) = (l[7] - 1.0, h[7]);
    batch(vec![
        ("week", Arc::new(Date32Array::from(d))),
        ("Open", Arc::new(Float64Array::from(o))),
        ("High", Arc::new(Float64Array::from(h))),
        ("Low", Arc::new(Float64Array::from(l))),
        ("Close", Arc::new(Float64Array::from(c))),
    ])
}

#[test]
fn candles_ascii() {
    let out = text(&weekly_candles(30), "", ChartView::default(), GlyphMode::Ascii, 80, 20);
    assert!(out.contains("skipped 2 bad rows"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn candles_braille() {
    insta::assert_snapshot!(text(&weekly_candles(30), "candle", ChartView::default(), GlyphMode::Braille, 80, 20));
}

#[test]
fn candles_in_each_view_ascii() {
    let b = weekly_candles(30);
    let views = [ViewMode::Rebased, ViewMode::Log, ViewMode::Drawdown];
    let out: Vec<String> = views.iter().map(|m| text(&b, "candle", ChartView::with_mode(*m), GlyphMode::Ascii, 80, 14)).collect();
    assert_ne!(out[0], text(&b, "candle", ChartView::default(), GlyphMode::Ascii, 80, 14), "the rebased view draws other axes");
    insta::assert_snapshot!(out.join("\n"));

    let spec = ChartSpec::parse("candle").unwrap();
    let set = crate::chart::candle::extract(std::slice::from_ref(&b), &spec).unwrap();
    let k = set.candles[10];
    let view = ChartView::with_mode(ViewMode::Rebased);
    let out = chart_text_at(std::slice::from_ref(&b), &spec, &view, GlyphMode::Ascii, 80, 14, Some(k.x)).unwrap();
    let readout = out.lines().last().unwrap();
    let rebased = k.close / set.candles[0].open * 100.0;
    assert!(readout.contains(&format!("close {} (rebased close {rebased:.2})", readout::number(k.close))), "{readout}");
}

fn price_volume() -> RecordBatch {
    let n = 120;
    let volume: Vec<f64> = walk(5, n, 1.0, 0.0).iter().map(|v| (v * 3.0e7).round()).collect();
    batch(vec![
        ("trade_date", Arc::new(Date32Array::from(days(n)))),
        ("adj_close", Arc::new(Float64Array::from(walk(2, n, 180.0, 0.001)))),
        ("volume", Arc::new(Float64Array::from(volume))),
    ])
}

#[test]
fn price_over_volume_ascii() {
    insta::assert_snapshot!(text(&price_volume(), "line y=adj_close; bar y=volume", ChartView::default(), GlyphMode::Ascii, 80, 24));
}

#[test]
fn crosshair_readout_rebased() {
    let b = long(&[("AAPL", 180.0, 0.001), ("MSFT", 370.0, 0.0)], 60);
    let spec = ChartSpec::parse("series=ticker").unwrap();
    let at = f64::from(days(60)[20]) * 86_400.0;
    let out = chart_text_at(std::slice::from_ref(&b), &spec, &ChartView::with_mode(ViewMode::Rebased), GlyphMode::Ascii, 80, 16, Some(at)).unwrap();
    let readout = out.lines().last().unwrap();
    let set = series::extract(&[b], &spec).unwrap();
    let raw = set.series[0].ys[20];
    let rebased = raw / set.series[0].ys[0] * 100.0;
    assert!(readout.contains(&format!("AAPL {} (rebased {rebased:.2})", readout::number(raw))), "{readout}");
    insta::assert_snapshot!(out);
}

#[test]
fn crosshair_on_an_empty_chart_does_not_panic() {
    let empty = nav().slice(0, 0);
    let r = chart_text_at(&[empty], &ChartSpec::default(), &ChartView::default(), GlyphMode::Ascii, 80, 16, Some(0.0));
    assert_eq!(r.unwrap_err(), ChartError::NoRows);
    let one = batch(vec![("d", Arc::new(Date32Array::from(vec![START]))), ("v", Arc::new(Float64Array::from(vec![1.0])))]);
    let out = chart_text_at(&[one], &ChartSpec::default(), &ChartView::default(), GlyphMode::Ascii, 40, 10, Some(-1e9)).unwrap();
    assert!(out.trim_end().ends_with("v -"), "before the first point: no value\n{out}");
}

/// The x axis label line of a 100-wide chart of daily points from `from` over `n` days.
fn date_axis(from: &str, n: i64) -> String {
    let start = chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let d: Vec<i32> = (0..n).map(|k| i32::try_from((start - epoch).num_days() + k).unwrap()).collect();
    let v: Vec<f64> = (0..n).map(|k| 100.0 + (k as f64 / 7.0).sin()).collect();
    let b = batch(vec![("d", Arc::new(Date32Array::from(d))), ("v", Arc::new(Float64Array::from(v)))]);
    let out = text(&b, "", ChartView::default(), GlyphMode::Ascii, 100, 10);
    out.lines().last().unwrap().to_string()
}

#[test]
fn date_ticks_by_span() {
    let axes = [("5 days", date_axis("2024-03-04", 5)), ("3 months", date_axis("2024-01-02", 91)), ("2 years", date_axis("2024-01-02", 731)), ("20 years", date_axis("2005-01-03", 7305))];
    for (span, axis) in &axes {
        assert!(axis.split_whitespace().count() >= 3, "{span}: {axis}");
    }
    insta::assert_snapshot!(axes.iter().map(|(s, a)| format!("{s:>8}: {a}")).collect::<Vec<_>>().join("\n"));
}

#[test]
fn histogram_of_returns_and_of_a_constant() {
    let r: Vec<f64> = walk(9, 500, 100.0, 0.0).windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    let b = batch(vec![("d", Arc::new(Date32Array::from(days(499)))), ("ret", Arc::new(Float64Array::from(r)))]);
    insta::assert_snapshot!(text(&b, "hist", ChartView::default(), GlyphMode::Ascii, 80, 16));
    let flat = batch(vec![("d", Arc::new(Date32Array::from(days(30)))), ("v", Arc::new(Float64Array::from(vec![7.0; 30])))]);
    let out = text(&flat, "hist y=v", ChartView::default(), GlyphMode::Ascii, 60, 10);
    assert!(out.starts_with("histogram of v: all 30 values are 7") && out.contains("one bar"), "{out}");
    assert_eq!(out.lines().filter(|l| l.contains('#')).count(), 10 - 3, "one full-height bar\n{out}");
}

#[test]
fn very_different_scales_get_a_right_axis() {
    let out = text(&price_volume(), "", ChartView::default(), GlyphMode::Ascii, 80, 18);
    assert!(out.starts_with("* adj_close  o volume (right axis)"), "{out}");
    insta::assert_snapshot!(out);
    // Rebased, they share one scale again.
    let out = text(&price_volume(), "", ChartView::with_mode(ViewMode::Rebased), GlyphMode::Ascii, 80, 18);
    assert!(!out.contains("right axis"), "{out}");
}

#[test]
fn long_windows_are_cut_to_bucket_extremes_that_keep_first_last_min_and_max() {
    let n = 100_000;
    let values = walk(4, n, 100.0, 0.0001);
    let d: Vec<i32> = (0..n as i32).collect();
    let b = batch(vec![("d", Arc::new(Date32Array::from(d))), ("v", Arc::new(Float64Array::from(values.clone())))]);
    let set = series::extract(&[b], &ChartSpec::default()).unwrap();
    for mode in [ViewMode::Raw, ViewMode::Rebased, ViewMode::Log] {
        let view = ChartView::with_mode(mode);
        let full = render::prepare(&set, &view).unwrap();
        let cut = render::prepare_in(&set, &view, None, 1_000).unwrap();
        let (f, c) = (&full.series[0], &cut.series[0]);
        assert!(c.ys.len() <= 1_002 && c.ys.len() >= 500, "{}", c.ys.len());
        let ext = |v: &[f64]| v.iter().fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(*y), b.max(*y)));
        assert_eq!(ext(&f.ys), ext(&c.ys), "{mode:?}");
        assert_eq!((f.ys[0], f.ys[f.ys.len() - 1]), (c.ys[0], c.ys[c.ys.len() - 1]), "{mode:?}");
        assert!(c.xs.windows(2).all(|w| w[0] < w[1]), "in x order");
    }
    assert_eq!(render::min_max_buckets(&[3.0, 1.0, 2.0, 5.0, 4.0], 2), vec![0, 1, 3, 4], "each bucket: its low and high");
    assert_eq!(render::min_max_buckets(&[1.0], 4), vec![0]);
}
