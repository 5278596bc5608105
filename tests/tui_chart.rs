//! The workbench's chart crosshair, through `update` and the real views: `x` turns it on,
//! h/l and H/L move it, the grid row follows it and it follows the grid row, and its
//! readout at the drawdown low says the NAV there and the deepest drawdown.

mod tui_common;

use std::sync::Arc;
use std::time::Duration;

use arrow::array::{Date32Array, Float64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use fathom::tui::grid::{QueryOutput, ResultSet};
use fathom::tui::state::{RunState, State};
use tui_common::{press, render, state};

/// A NAV that rises, falls about 20% and recovers, on consecutive days from 2024-01-02.
fn nav_batch(n: usize) -> (RecordBatch, Vec<f64>) {
    let nav: Vec<f64> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64;
            1_000_000.0 * (1.0 + 0.3 * t - 0.25 * (-((t - 0.55) * 9.0).powi(2)).exp()) + (i % 7) as f64 * 917.0
        })
        .collect();
    let days: Vec<i32> = (0..n as i32).map(|i| 19_724 + i).collect();
    let schema = Schema::new(vec![Field::new("trade_date", DataType::Date32, false), Field::new("total_value", DataType::Float64, false)]);
    let b = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(Date32Array::from(days)), Arc::new(Float64Array::from(nav.clone()))]).unwrap();
    (b, nav)
}

fn with(s: &mut State, batch: RecordBatch) {
    let id = s.fresh_id();
    let out = QueryOutput::new(batch, false, Duration::from_millis(5));
    s.tab_mut().unwrap().run = RunState::Ready(Box::new(ResultSet::new(id, out)));
}

fn grid_row(s: &State) -> usize {
    match &s.tabs[s.active].run {
        RunState::Ready(rs) => rs.row,
        _ => panic!("no result"),
    }
}

#[test]
fn crosshair_and_grid_row_follow_each_other() {
    let mut s = state(false);
    with(&mut s, nav_batch(200).0);
    press(&mut s, "f4");
    press(&mut s, "x");
    assert!(s.show_chart, "x shows the chart");
    assert_eq!(s.chart_cursor, Some(0));
    for _ in 0..5 {
        press(&mut s, "l");
    }
    assert_eq!((s.chart_cursor, grid_row(&s)), (Some(5), 5), "the grid row follows the crosshair");
    press(&mut s, "L");
    assert_eq!((s.chart_cursor, grid_row(&s)), (Some(25), 25), "a page is a tenth of the points");
    press(&mut s, "h");
    press(&mut s, "left");
    assert_eq!(s.chart_cursor, Some(23));
    press(&mut s, "j");
    press(&mut s, "down");
    assert_eq!((grid_row(&s), s.chart_cursor), (25, Some(25)), "the crosshair follows the grid row");
    press(&mut s, "+");
    press(&mut s, "+");
    assert_eq!(s.chart_view.window, (0.375, 0.625), "zoomed in on the middle");
    press(&mut s, "G");
    assert_eq!(s.chart_cursor, Some(199));
    assert_eq!(s.chart_view.window, (0.75, 1.0), "the view pans to keep the crosshair in sight");
    press(&mut s, "l");
    assert_eq!(s.chart_cursor, Some(199), "stops at the last point");
    press(&mut s, "x");
    assert_eq!(s.chart_cursor, None);
    press(&mut s, "l");
    assert_eq!(s.chart_cursor, None, "off: l moves the grid column again");
    // A new result turns the crosshair off; one without dates says why it has none.
    press(&mut s, "x");
    tui_common::with_result(&mut s, 10, false);
    press(&mut s, "v");
    assert_eq!(s.chart_cursor, None);
    press(&mut s, "x");
    assert_eq!(s.chart_cursor, None, "no date column: no crosshair");
    let screen = render(&mut s, 120, 40);
    assert!(screen.contains("no date or timestamp column"), "{screen}");
}

#[test]
fn readout_at_the_drawdown_low_is_the_nav_there() {
    let (batch, nav) = nav_batch(300);
    let mut peak = f64::MIN;
    let dd: Vec<f64> = nav
        .iter()
        .map(|v| {
            peak = peak.max(*v);
            (v / peak - 1.0) * 100.0
        })
        .collect();
    let low = (0..dd.len()).fold(0, |b, i| if dd[i] < dd[b] { i } else { b });
    let mut s = state(false);
    with(&mut s, batch);
    press(&mut s, "f4");
    for _ in 0..3 {
        press(&mut s, "v");
    }
    assert_eq!(s.chart_view.mode, fathom::chart::ViewMode::Drawdown);
    press(&mut s, "x");
    for _ in 0..low {
        press(&mut s, "j");
    }
    assert_eq!(s.chart_cursor, Some(low));
    let screen = render(&mut s, 160, 48);
    let line = screen.lines().find(|l| l.contains("total_value ") && l.contains("(drawdown ")).unwrap_or_else(|| panic!("no readout:\n{screen}"));
    let after = |key: &str| -> f64 {
        let word = line.split(key).nth(1).unwrap().split_whitespace().next().unwrap();
        word.trim_end_matches([')', '%']).parse().unwrap()
    };
    assert!((after("total_value ") - nav[low]).abs() < 0.006, "{line} vs NAV {}", nav[low]);
    let min_dd = dd.iter().copied().fold(f64::MAX, f64::min);
    assert!((after("(drawdown ") - min_dd).abs() < 0.006, "{line} vs MIN drawdown {min_dd}");
    assert!(line.contains("2024-"), "{line}");
}

#[test]
fn crosshair_on_an_empty_result_does_not_panic() {
    let mut s = state(true);
    let (b, _) = nav_batch(10);
    with(&mut s, b.slice(0, 0));
    press(&mut s, "f4");
    press(&mut s, "x");
    press(&mut s, "l");
    press(&mut s, "L");
    assert_eq!(s.chart_cursor, None);
    let screen = render(&mut s, 100, 30);
    assert!(screen.contains("no rows to chart"), "{screen}");
}

#[test]
fn workbench_with_the_crosshair_120x36() {
    let mut s = state(true);
    with(&mut s, nav_batch(120).0);
    press(&mut s, "f4");
    press(&mut s, "x");
    for _ in 0..4 {
        press(&mut s, "L");
    }
    let screen = render(&mut s, 120, 36);
    assert!(screen.contains("2024-02-19  total_value "), "{screen}");
    insta::assert_snapshot!(screen);
}
