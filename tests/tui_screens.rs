//! Snapshots of the workbench's main screens at 80×24 and 160×48, drawn from in-memory
//! states with ratatui's `TestBackend` (no terminal, no engine).

mod tui_common;

use std::time::Duration;

use fathom::tui::state::RunState;
use tui_common::{press, render, state, typ, with_result};

#[test]
fn start_screen_with_browser_and_header_preview() {
    let mut s = state(false);
    press(&mut s, "j");
    insta::assert_snapshot!("start_80x24", render(&mut s, 80, 24));
    insta::assert_snapshot!("start_160x48", render(&mut s, 160, 48));
}

#[test]
fn saved_query_with_its_parameter_form() {
    let mut s = state(false);
    press(&mut s, "/");
    typ(&mut s, "dailyprices\n");
    insta::assert_snapshot!("form_80x24", render(&mut s, 80, 24));
}

#[test]
fn result_grid_aligns_korean_names_and_shows_null_apart_from_empty() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT meta_id, name, sector, adj_close\nFROM reference.tb_meta -- the lake's names\nWHERE sector = 'Technology';");
    with_result(&mut s, 1000, true);
    press(&mut s, "f4");
    press(&mut s, "j");
    let small = render(&mut s, 80, 24);
    assert!(small.contains("truncated at 1,000 rows"), "{small}");
    insta::assert_snapshot!("grid_80x24", small);
    insta::assert_snapshot!("grid_160x48", render(&mut s, 160, 48));
}

#[test]
fn running_query_shows_elapsed_time_and_how_to_cancel() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 1");
    tui_common::press_run(&mut s, "f5");
    s.now += Duration::from_millis(2300);
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("running 2.3 s"), "{screen}");
    insta::assert_snapshot!("running_80x24", screen);
    if let Some(tab) = s.tab_mut() {
        tab.run = RunState::Failed("query failed: table 'reference.tb_mtea' not found; did you mean reference.tb_meta?".into());
    }
    insta::assert_snapshot!("failed_80x24", render(&mut s, 80, 24));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut s = state(false);
    press(&mut s, "f1");
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("run the statement under the cursor"), "{screen}");
    insta::assert_snapshot!("help_80x24", screen);
}

#[test]
fn ascii_mono_draws_without_box_characters() {
    let mut s = state(true);
    with_result(&mut s, 5, false);
    let screen = render(&mut s, 80, 24);
    assert!(screen.is_ascii() || screen.chars().filter(|c| !c.is_ascii()).all(|c| "삼성전자하이닉스".contains(c)), "{screen}");
    insta::assert_snapshot!("ascii_80x24", screen);
}

#[test]
fn null_is_styled_apart_from_an_empty_string() {
    use fathom::tui::state::Action;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut s = state(false);
    with_result(&mut s, 5, false);
    fathom::tui::update::update(&mut s, Action::Resize(160, 48));
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    term.draw(|f| fathom::tui::views::draw(f, &s)).unwrap();
    let buf = term.backend().buffer().clone();
    // Row 3 has sector NULL; row 4 has an empty name. Find the grid's "NULL" cell.
    let (x, y) = (0..48u16)
        .flat_map(|y| (0..157u16).map(move |x| (x, y)))
        .find(|&(x, y)| (0..4).map(|i| buf[(x + i, y)].symbol()).collect::<String>() == "NULL" && x > 40)
        .expect("a NULL cell");
    assert_eq!(buf[(x, y)].fg, s.theme.null.fg.unwrap());
    assert!(buf[(x, y)].modifier.contains(ratatui::style::Modifier::ITALIC));
    // The empty name of row 4 is blank under the `name` header, not "NULL".
    let line = |y: u16| (0..160u16).map(|x| buf[(x, y)].symbol()).collect::<String>();
    let header_y = (0..48u16).find(|&y| line(y).contains("meta_id")).unwrap();
    let header = line(header_y);
    let name_x = header[..header.find("name").unwrap()].chars().count() as u16;
    let row4_y = (0..48u16).find(|&y| line(y).contains("  4         4 ")).unwrap();
    let cell: String = (name_x..name_x + 10).map(|x| buf[(x, row4_y)].symbol()).collect();
    assert_eq!(cell, " ".repeat(10), "{}", line(row4_y));
}

/// The chart pane (F7) draws the active result with the chart module, or says why not.
#[test]
fn chart_pane_follows_the_result_and_explains_bad_input() {
    use std::sync::Arc;

    use arrow::array::{Date32Array, Float64Array};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;
    use fathom::tui::grid::{QueryOutput, ResultSet};

    let mut s = state(false);
    press(&mut s, "f7");
    with_result(&mut s, 50, false);
    let screen = render(&mut s, 160, 48);
    assert!(screen.contains("Chart") && screen.contains("date"), "no date column is explained:\n{screen}");

    let schema = Arc::new(Schema::new(vec![
        Field::new("trade_date", DataType::Date32, false),
        Field::new("total_value", DataType::Float64, false),
    ]));
    let days: Vec<i32> = (19_700..19_900).collect();
    let values: Vec<f64> = days.iter().map(|d| 1000.0 + f64::from(d % 37) * 3.0).collect();
    let batch = RecordBatch::try_new(schema, vec![Arc::new(Date32Array::from(days)), Arc::new(Float64Array::from(values))]).unwrap();
    let id = s.fresh_id();
    if let Some(tab) = s.tab_mut() {
        tab.run = RunState::Ready(Box::new(ResultSet::new(id, QueryOutput::new(batch, false, Duration::from_millis(5)))));
    }
    let screen = render(&mut s, 160, 48);
    let braille = screen.chars().filter(|c| ('\u{2801}'..='\u{28FF}').contains(c)).count();
    assert!(braille > 50, "the pane plots the series in braille:\n{screen}");
    assert!(screen.contains("* total_value  last 1090.0  min 1000.0") && screen.contains("1100┤"), "legend and value axis:\n{screen}");
}
