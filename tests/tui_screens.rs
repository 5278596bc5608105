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

/// The budget dialog: amount, bytes, the limit, each table's share and the warnings; above
/// the refuse limit, why and where to type the amount.
#[test]
fn budget_dialog_shows_the_amount_tables_and_warnings() {
    use fathom::tui::state::Overlay;
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT * FROM market_data.us_stocks_price p\nJOIN reference.tb_meta m USING (meta_id)");
    let fx = press(&mut s, "f5");
    let mut dear = tui_common::estimate(&[("market_data.us_stocks_price", 30 << 30), ("reference.tb_meta", 5_321)], &s.budget);
    dear.tables[0].star = true;
    dear.tables[0].files_kept = 27;
    dear.tables[0].partitions_kept = 24;
    dear.warnings.insert(0, "no filter on partition column trade_month of market_data.us_stocks_price: all 24 partitions are read".into());
    dear.warnings.insert(1, "SELECT * reads all 7 columns of market_data.us_stocks_price; name only the columns you need".into());
    tui_common::answer(&mut s, fx, Ok(dear));
    assert!(matches!(s.overlay, Some(Overlay::Budget(_))));
    let small = render(&mut s, 80, 24);
    assert!(small.contains("$0.1465 to scan 30.0 GB") && small.contains("above confirm_above_usd $0.1000"), "{small}");
    assert!(small.contains("market_data.us_stocks_price") && small.contains("27/27") && small.contains("y run · n cancel"), "{small}");
    insta::assert_snapshot!("budget_confirm_80x24", small);
    insta::assert_snapshot!("budget_confirm_160x48", render(&mut s, 160, 48));

    press(&mut s, "esc");
    press(&mut s, "f3");
    typ(&mut s, " -- all of it");
    let fx = press(&mut s, "f5");
    let huge = tui_common::estimate(&[("market_data.us_stocks_price", 2560 << 30)], &s.budget);
    tui_common::answer(&mut s, fx, Ok(huge));
    typ(&mut s, "12");
    press(&mut s, "enter");
    let small = render(&mut s, 80, 24);
    assert!(small.contains("above refuse_above_usd $5.00") && small.contains("type 12.50 to run it: 12_"), "{small}");
    assert!(small.contains("12 is not the amount"), "{small}");
    insta::assert_snapshot!("budget_refuse_80x24", small);
    insta::assert_snapshot!("budget_refuse_160x48", render(&mut s, 160, 48));
}

/// On an Athena profile with a Glue-local twin, the dialog and the status line price Athena's
/// bill and name the twin profile for the direct read.
#[test]
fn an_athena_estimate_names_the_glue_local_twin_beside_its_bill() {
    use fathom::tui::state::Overlay;
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT adj_close FROM market_data.us_stocks_price");
    let fx = press(&mut s, "f5");
    let mut dear = tui_common::estimate(&[("market_data.us_stocks_price", 30 << 30)], &s.budget);
    dear.tables[0].get_requests = 2_100;
    let dear = dear.with_twin("lake", &s.budget);
    tui_common::answer(&mut s, fx, Ok(dear.clone()));
    assert!(matches!(s.overlay, Some(Overlay::Budget(_))));
    let wide = render(&mut s, 160, 48);
    assert!(wide.contains("$0.1465 to scan 30.0 GB"), "the Athena bill is the amount asked: {wide}");
    assert!(wide.contains("here (profile lake): 30.0 GB read, ≈ 2100 GET requests ≈ $0.000840"), "{wide}");
    assert!(!wide.contains("directly"), "{wide}");
    // Declined, the estimate stays on the status line.
    press(&mut s, "n");
    let wide = render(&mut s, 160, 48);
    assert!(wide.contains("estimate: Athena $0.1465 · here (profile lake): 30.0 GB read, ≈ 2100 GET requests ≈ $0.000840"), "{wide}");
}

/// After a run, the result header shows what it read and cost next to the estimate.
#[test]
fn result_header_shows_actual_bytes_and_cost_next_to_the_estimate() {
    use fathom::tui::grid::{Priced, QueryOutput, ResultSet};
    let mut s = state(false);
    let out = QueryOutput::new(tui_common::sample_batch(1234), false, Duration::from_millis(210))
        .with_costs(Some(Priced::bill(67_700, 5.0)), Some(Priced::bill(67_800, 5.0)));
    if let Some(tab) = s.tab_mut() {
        tab.run = RunState::Ready(Box::new(ResultSet::new(9, out)));
    }
    let wide = render(&mut s, 160, 48);
    assert!(wide.contains("1,234 rows · 210 ms · read 66.1 KB ($0.000048) · est 66.2 KB ($0.000048)"), "{wide}");
}

/// The history pane: the ledger newest first, and the selected run in full.
#[test]
fn history_pane_lists_the_ledger_and_the_selected_run() {
    use fathom::history::Run;
    use fathom::tui::state::Action;
    let mut s = state(false);
    press(&mut s, "f12");
    let run = |time: &str, sql: &str, rows: Option<u64>, actual: Option<u64>, outcome: &str| Run {
        time: time.parse().unwrap(),
        profile: "local".into(),
        engine: "local".into(),
        sql: sql.into(),
        params: vec![],
        rows,
        duration_ms: 210,
        estimated_bytes: Some(67_800),
        actual_bytes: actual,
        cost_usd: actual.map(|b| fathom::estimate::bill::cost_usd(b, 5.0)),
        estimated_cost_usd: Some(0.0000476837158203125),
        outcome: outcome.into(),
        query_id: None,
        saved_usd: None,
        get_requests: None,
    };
    let ledger = vec![
        run("2024-12-30T08:00:00Z", "SELECT ticker, name FROM reference.tb_meta", Some(120), Some(5_321), "ok"),
        run("2024-12-30T08:05:00Z", "-- daily prices\nSELECT trade_date, adj_close\nFROM market_data.us_stocks_price\nWHERE meta_id = 1", Some(1234), Some(67_700), "ok"),
        run("2024-12-31T09:30:00Z", "SELECT sum(value) FROM generate_series(1, 100000000000)", None, None, "cancelled"),
        run("2024-12-31T09:45:00Z", "SELECT * FROM market_data.us_stocks_price", None, None, "error: not run: declined at the confirmation"),
    ];
    fathom::tui::update::update(&mut s, Action::History(Ok(ledger)));
    press(&mut s, "j");
    press(&mut s, "j");
    let small = render(&mut s, 80, 24);
    assert!(small.contains("12-31 09:45 not run") && small.contains("12-30 08:05 ok"), "{small}");
    assert!(small.contains("FROM market_data.us_stocks_price") && small.contains("estimate off by +0.1%"), "{small}");
    insta::assert_snapshot!("history_80x24", small);
    insta::assert_snapshot!("history_160x48", render(&mut s, 160, 48));
}

/// The catalog pane's table detail: partition spec, snapshots, totals, columns.
#[test]
fn catalog_detail_shows_partitioning_snapshots_and_columns() {
    use fathom::engine::{ColumnDetail, TableDetail, TableInfo};
    use fathom::tui::state::Action;
    let mut s = state(false);
    press(&mut s, "f9");
    let tables = vec![TableInfo { schema: "market_data".into(), name: "us_stocks_price".into() }];
    fathom::tui::update::update(&mut s, Action::Catalog { profile: "local".into(), result: Ok(tables) });
    press(&mut s, "enter");
    let col = |n: &str, t: &str, nullable: bool| ColumnDetail { name: n.into(), data_type: t.into(), nullable };
    let detail = TableDetail {
        columns: vec![
            col("meta_id", "int", false),
            col("trade_date", "date", false),
            col("close", "double", true),
            col("adj_close", "double", true),
            col("gross_return", "double", true),
            col("volume", "long", true),
            col("updated_at", "timestamp", true),
        ],
        partition_spec: Some(vec!["month(trade_date)".into()]),
        snapshots: Some(8),
        current_snapshot: Some(3006465963777558975),
        data_files: Some(27),
        records: Some(18_144),
        bytes: Some(1_234_567),
    };
    let result = Ok(detail);
    fathom::tui::update::update(&mut s, Action::Described { profile: "local".into(), schema: "market_data".into(), table: "us_stocks_price".into(), result });
    press(&mut s, "j");
    let small = render(&mut s, 80, 24);
    assert!(small.contains("partitioned by month(trade_date)") && small.contains("8 snapshots · current 3006465963777558975"), "{small}");
    assert!(small.contains("27 data files · 18,144 rows · 1.2 MB") && small.contains("trade_date") && small.contains("timestamp"), "{small}");
    insta::assert_snapshot!("catalog_detail_80x24", small);
    insta::assert_snapshot!("catalog_detail_160x48", render(&mut s, 160, 48));
}
