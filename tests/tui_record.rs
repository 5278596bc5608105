//! Readable cells: floats in the grid cut to their significant digits and aligned on the
//! point (copy keeps the full value), and the record view (Enter on a cell): the row read
//! vertically, the cell's full value wrapped or pretty-printed, j/k through the rows, y copies.

mod tui_common;

use std::sync::Arc;
use std::time::Duration;

use arrow::array::{Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use fathom::tui::grid::{QueryOutput, ResultSet};
use fathom::tui::state::{Effect, Overlay, RunState, State};
use tui_common::{press, render, state, with_result};

fn with_batch(s: &mut State, batch: RecordBatch, digits: usize) {
    let id = s.fresh_id();
    let out = QueryOutput::new(batch, false, Duration::from_millis(5)).with_float_digits(digits);
    s.tab_mut().unwrap().run = RunState::Ready(Box::new(ResultSet::new(id, out)));
}

fn floats() -> RecordBatch {
    let schema = Schema::new(vec![Field::new("label", DataType::Utf8, false), Field::new("value", DataType::Float64, true)]);
    let values = vec![Some(186.92000000000002), Some(0.1 + 0.2), Some(3.0), Some(1234.5), None, Some(f64::NAN), Some(1.5e20), Some(-0.125)];
    let labels: Vec<String> = (0..values.len()).map(|i| format!("r{i}")).collect();
    RecordBatch::try_new(Arc::new(schema), vec![Arc::new(StringArray::from(labels)), Arc::new(Float64Array::from(values))]).unwrap()
}

fn copied(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Copy(t) => Some(t.clone()),
        _ => None,
    })
}

#[test]
fn floats_show_their_significant_digits_aligned_on_the_point_and_copy_in_full() {
    let mut s = state(false);
    with_batch(&mut s, floats(), 10);
    press(&mut s, "f4");
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("186.92") && !screen.contains("186.9200000"), "{screen}");
    assert!(screen.contains("0.3 ") && !screen.contains("0.30000000000000004"), "{screen}");
    // The points of the plain numbers sit in one screen column.
    let points: Vec<usize> = screen
        .lines()
        .filter(|l| ["186.92", "0.3 ", "1234.5", "-0.125"].iter().any(|v| l.contains(v)))
        .map(|l| l.chars().position(|c| c == '.').unwrap())
        .collect();
    assert_eq!(points.len(), 4, "{screen}");
    assert!(points.windows(2).all(|w| w[0] == w[1]), "points at {points:?}:\n{screen}");
    insta::assert_snapshot!("floats_80x24", screen);
    // Copy takes the value as stored, not as shown.
    press(&mut s, "l");
    assert_eq!(copied(&press(&mut s, "y")).as_deref(), Some("186.92000000000002"));
    // Fewer digits when the config asks.
    with_batch(&mut s, floats(), 4);
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("186.9 ") && (screen.contains("1234 ") || screen.contains("1235 ")), "{screen}");
}

#[test]
fn enter_opens_the_row_vertically_and_j_k_y_esc_work_in_it() {
    let mut s = state(false);
    with_result(&mut s, 5, false);
    press(&mut s, "f4");
    press(&mut s, "l"); // the name column
    press(&mut s, "enter");
    assert!(matches!(s.overlay, Some(Overlay::Record(v)) if v.field == 1), "{:?}", s.overlay);
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("Record 1 of 5") && screen.contains("Apple Inc."), "{screen}");
    insta::assert_snapshot!("record_80x24", screen);
    press(&mut s, "j");
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("Record 2 of 5") && screen.contains("삼성전자"), "{screen}");
    assert_eq!(copied(&press(&mut s, "y")).as_deref(), Some("삼성전자"));
    press(&mut s, "down"); // sector
    press(&mut s, "k");
    assert_eq!(copied(&press(&mut s, "y")).as_deref(), Some("Technology"));
    press(&mut s, "esc");
    assert!(s.overlay.is_none());
    let RunState::Ready(rs) = &s.tabs[s.active].run else { panic!("no result") };
    assert_eq!((rs.row, rs.col), (0, 2), "the grid's cursor is where the record view left it");
}

#[test]
fn long_text_wraps_at_display_width_and_json_is_pretty_printed() {
    let schema = Schema::new(vec![Field::new("id", DataType::Utf8, false), Field::new("payload", DataType::Utf8, true), Field::new("note", DataType::Utf8, true)]);
    let json = r#"{"ticker":"005930","name":"삼성전자","prices":[71200.5,71900,70800],"meta":{"exchange":"KRX","lot":1}}"#;
    let note = "삼성전자는 대한민국의 전자 기업이다. ".repeat(6);
    let batch = RecordBatch::try_new(
        Arc::new(schema),
        vec![Arc::new(StringArray::from(vec!["a"])), Arc::new(StringArray::from(vec![json])), Arc::new(StringArray::from(vec![note.as_str()]))],
    )
    .unwrap();
    let mut s = state(false);
    with_batch(&mut s, batch, 10);
    press(&mut s, "f4");
    press(&mut s, "l");
    press(&mut s, "enter");
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("\"exchange\": \"KRX\""), "JSON pretty-printed:\n{screen}");
    insta::assert_snapshot!("record_json_80x24", screen);
    press(&mut s, "down");
    let screen = render(&mut s, 80, 24);
    let wrapped: Vec<&str> = screen.lines().filter(|l| l.contains("기업")).collect();
    assert!(wrapped.len() >= 3, "the note wraps over lines:\n{screen}");
    assert!(screen.lines().all(|l| fathom::textwidth::width(l) <= 80), "{screen}");
    insta::assert_snapshot!("record_wrapped_80x24", screen);
}
