//! Pure `update` tests of the workbench's key flows: keys and task replies in, state and
//! effects out. No terminal, no engine, no files written.

mod tui_common;

use std::time::Duration;

use fathom::library::ParamValue;
use fathom::tui::grid::{Cell, QueryOutput};
use fathom::tui::state::{Action, Effect, EstimatePurpose, EstimateState, Focus, Overlay, PromptKind, RunState};
use fathom::tui::update::update;
use tui_common::{press, press_run, state, tick_after, typ, with_result};

/// A run effect's query id, SQL and parameter values.
type Run = (u64, String, Vec<(String, String)>);

fn run_effect(fx: &[Effect]) -> Option<Run> {
    fx.iter().find_map(|e| match e {
        Effect::RunQuery { id, sql, given, .. } => Some((*id, sql.clone(), given.clone())),
        _ => None,
    })
}

#[test]
fn browser_filter_opens_a_saved_query_whose_typed_form_validates_then_runs_with_bound_values() {
    let mut s = state(false);
    assert_eq!(s.focus, Focus::Browser);
    press(&mut s, "/");
    typ(&mut s, "dailyprices");
    assert_eq!(s.browser.selected_query().unwrap().stem, "daily_prices");
    press(&mut s, "enter");
    // A new tab with the saved query's text, its profile, and the parameter form.
    assert_eq!(s.tabs.len(), 2);
    assert_eq!((s.active, s.focus), (1, Focus::Editor));
    let tab = &s.tabs[1];
    assert_eq!((tab.title.as_str(), tab.profile.as_str()), ("daily_prices", "local"));
    assert!(tab.text().contains("WHERE m.ticker = :ticker"));
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("no form: {:?}", s.overlay) };
    let values: Vec<(&str, &str)> = form.fields.iter().map(|f| (f.decl.name.as_str(), f.value.as_str())).collect();
    assert_eq!(values, vec![("ticker", "AAPL"), ("start_date", "2024-01-01")]);

    // A bad date is refused in place, with the reason, and nothing runs.
    press(&mut s, "tab");
    for _ in 0..10 {
        press(&mut s, "backspace");
    }
    typ(&mut s, "2024-13-01");
    let fx = press(&mut s, "enter");
    assert!(fx.is_empty());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("form closed on a bad date") };
    assert!(form.fields[1].error.as_deref().unwrap().contains("not a date"), "{:?}", form.fields[1].error);

    // Fixed: accepted; the values are kept on the tab.
    for _ in 0..5 {
        press(&mut s, "backspace");
    }
    typ(&mut s, "06-01");
    press(&mut s, "shift-tab");
    typ(&mut s, "' OR 1=1 --");
    assert!(press(&mut s, "enter").is_empty());
    assert!(s.overlay.is_none());

    // F5 runs the statement with :placeholders intact; values travel separately.
    let fx = press_run(&mut s, "f5");
    let (id, sql, given) = run_effect(&fx).expect("a RunQuery effect");
    assert!(sql.starts_with("-- name: Daily prices") || sql.contains("SELECT p.trade_date"), "{sql}");
    assert!(sql.contains(":ticker") && sql.contains(":start_date") && !sql.contains("OR 1=1"), "{sql}");
    assert_eq!(given, vec![("ticker".into(), "AAPL' OR 1=1 --".into()), ("start_date".into(), "2024-06-01".into())]);
    assert!(matches!(s.tabs[1].run, RunState::Running { id: r, .. } if r == id));
}

#[test]
fn binding_the_form_values_keeps_them_out_of_the_sql() {
    // What the runtime does with a RunQuery effect: `library::bind`.
    let decls = vec![fathom::library::ParamDecl { name: "t".into(), ty: fathom::library::ParamType::Text, default: None }];
    let b = fathom::library::bind("SELECT 1 WHERE x = :t", &decls, &[("t".into(), "' OR 1=1 --".into())], fathom::library::PlaceholderStyle::Dollar).unwrap();
    assert_eq!(b.sql, "SELECT 1 WHERE x = $1");
    assert_eq!(b.values, vec![ParamValue::Text("' OR 1=1 --".into())]);
}

#[test]
fn runs_the_statement_under_the_cursor_or_the_selection() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 1 AS a;\nSELECT ';' AS b; -- two\n");
    // The cursor is on the empty last line: the statement before it runs.
    let (_, sql, _) = run_effect(&press_run(&mut s, "f5")).unwrap();
    assert_eq!(sql, "SELECT ';' AS b");
    press(&mut s, "up");
    press(&mut s, "up");
    let (_, sql, _) = run_effect(&press_run(&mut s, "ctrl-r")).unwrap();
    assert_eq!(sql, "SELECT 1 AS a");
    // A selection wins: select "SELECT 1" with shift-right.
    press(&mut s, "home");
    for _ in 0.."SELECT 1".len() {
        press(&mut s, "shift-right");
    }
    let (_, sql, _) = run_effect(&press_run(&mut s, "f5")).unwrap();
    assert_eq!(sql, "SELECT 1");
}

#[test]
fn undeclared_parameters_ask_before_running() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT * FROM reference.tb_meta WHERE ticker = :ticker");
    assert!(run_effect(&press(&mut s, "f5")).is_none());
    let Some(Overlay::Form(form)) = &s.overlay else { panic!("expected the form") };
    assert!(form.then_run);
    assert_eq!(form.fields[0].decl.name, "ticker");
    typ(&mut s, "MSFT");
    let (_, _, given) = run_effect(&press_run(&mut s, "enter")).expect("runs once accepted");
    assert_eq!(given, vec![("ticker".into(), "MSFT".into())]);
}

#[test]
fn stale_replies_are_dropped_and_cancel_drops_the_run() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 1");
    let (first, _, _) = run_effect(&press_run(&mut s, "f5")).unwrap();
    let fx = press_run(&mut s, "f5");
    let (second, _, _) = run_effect(&fx).unwrap();
    assert!(fx.iter().any(|e| matches!(e, Effect::Cancel { id } if *id == first)), "{fx:?}");
    let out = QueryOutput::new(tui_common::sample_batch(3), false, Duration::from_millis(5));
    update(&mut s, Action::QueryDone { id: first, result: Ok(out.clone()) });
    assert!(matches!(s.tabs[0].run, RunState::Running { id, .. } if id == second), "a stale reply replaced the run");
    update(&mut s, Action::QueryDone { id: second, result: Ok(out.clone()) });
    assert!(matches!(&s.tabs[0].run, RunState::Ready(rs) if rs.rows() == 3));

    let (third, _, _) = run_effect(&press_run(&mut s, "f5")).unwrap();
    s.now += Duration::from_millis(1500);
    let fx = press(&mut s, "ctrl-c");
    assert!(fx.iter().any(|e| matches!(e, Effect::Cancel { id } if *id == third)));
    assert!(matches!(s.tabs[0].run, RunState::Cancelled { after } if after == Duration::from_millis(1500)));
    update(&mut s, Action::QueryDone { id: third, result: Ok(out) });
    assert!(matches!(s.tabs[0].run, RunState::Cancelled { .. }));
    // Failures show in place.
    let (fourth, _, _) = run_effect(&press_run(&mut s, "f5")).unwrap();
    update(&mut s, Action::QueryDone { id: fourth, result: Err("query failed: no such table".into()) });
    assert!(matches!(&s.tabs[0].run, RunState::Failed(e) if e.contains("no such table")));
}

#[test]
fn grid_moves_jumps_sorts_copies_and_exports() {
    let mut s = state(false);
    with_result(&mut s, 100, false);
    press(&mut s, "f4");
    press(&mut s, "j");
    press(&mut s, "j");
    press(&mut s, "l");
    let rs = |s: &fathom::tui::state::State| match &s.tabs[0].run {
        RunState::Ready(rs) => (rs.row, rs.col, rs.top),
        _ => panic!("no result"),
    };
    assert_eq!(rs(&s), (2, 1, 0));
    press(&mut s, "G");
    let (row, _, top) = rs(&s);
    assert_eq!(row, 99);
    assert!(top > 0, "the window scrolled to the end");
    press(&mut s, ":");
    typ(&mut s, "49");
    press(&mut s, "enter");
    assert_eq!(rs(&s).0, 48);
    press(&mut s, ":");
    typ(&mut s, "500");
    press(&mut s, "enter");
    assert!(matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.error.as_deref() == Some("rows are numbered 1 to 100")));
    press(&mut s, "esc");

    // Copy a cell: row 49 (index 48) of `name` is names[48 % 5] = "" (empty, not NULL).
    let fx = press(&mut s, "y");
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t.is_empty()), "{fx:?}");
    let fx = press(&mut s, "Y");
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t == "49\t\tTechnology\t112.0"), "{fx:?}");

    // Sort asks a task; the reply reorders the rows.
    let fx = press(&mut s, "s");
    let Some(Effect::Sort { query_id, sort, batch }) = fx.into_iter().next() else { panic!("no sort effect") };
    assert_eq!(sort, Some((1, false)));
    let order = fathom::tui::grid::sort_order(&batch, 1, false).map(Some);
    update(&mut s, Action::Sorted { query_id, sort, order });
    match &s.tabs[0].run {
        RunState::Ready(rs) => {
            assert_eq!(rs.sort, Some((1, false)));
            assert_eq!(rs.cell(0, 1), Cell::Value(String::new()));
            assert_eq!(rs.cell(99, 1), Cell::Value("삼성전자".into()));
        }
        _ => panic!("no result"),
    }

    // Export: the file name picks the format; a bad one is explained.
    press(&mut s, "e");
    assert!(matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.kind == PromptKind::Export && p.input == "result.csv"));
    for _ in 0..3 {
        press(&mut s, "backspace");
    }
    typ(&mut s, "txt");
    assert!(press(&mut s, "enter").is_empty());
    assert!(matches!(&s.overlay, Some(Overlay::Prompt(p)) if p.error.as_deref().unwrap_or("").contains(".parquet")));
    for _ in 0..3 {
        press(&mut s, "backspace");
    }
    typ(&mut s, "parquet");
    let fx = press(&mut s, "enter");
    assert!(matches!(&fx[..], [Effect::Export { path, batch }] if path.to_str() == Some("result.parquet") && batch.num_rows() == 100 && batch.column(1).is_valid(0)), "{fx:?}");
    assert!(s.overlay.is_none());
}

#[test]
fn edits_are_autosaved_soon_and_estimated_after_a_pause() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 42");
    assert!(tick_after(&mut s, Duration::from_millis(100)).is_empty());
    let fx = tick_after(&mut s, Duration::from_millis(300));
    let estimate = fx.iter().find_map(|e| match e {
        Effect::Estimate { key, purpose: EstimatePurpose::Live, .. } => Some((key.sql.clone(), key.profile.clone())),
        _ => None,
    });
    assert_eq!(estimate, Some(("SELECT 42".into(), "local".into())));
    assert!(matches!(&s.tabs[0].estimate, EstimateState::Pending(k) if k.sql == "SELECT 42"), "{:?}", s.tabs[0].estimate);
    let fx = tick_after(&mut s, Duration::from_millis(400));
    let saved = fx.iter().find_map(|e| match e {
        Effect::Autosave { session, .. } => Some(session.clone()),
        _ => None,
    });
    let saved = saved.expect("autosave within a second of the edit");
    assert_eq!(saved.tabs[0].text, "SELECT 42");
    assert!(tick_after(&mut s, Duration::from_secs(5)).is_empty(), "nothing new to save");
    // The estimate slot: only the reply for the current text counts.
    let tab = s.tabs[0].id;
    let EstimateState::Pending(key) = s.tabs[0].estimate.clone() else { panic!("pending") };
    let purpose = EstimatePurpose::Live;
    let mut stale = key.clone();
    stale.sql = "SELECT 4".into();
    update(&mut s, Action::EstimateDone { tab, key: stale, purpose, result: Err("old".into()), caps: None, cached: false, cache_key: None });
    assert!(matches!(s.tabs[0].estimate, EstimateState::Pending(_)), "a reply for an older text is dropped");
    update(&mut s, Action::EstimateDone { tab, key, purpose, result: Err("no table".into()), caps: None, cached: false, cache_key: None });
    assert!(matches!(&s.tabs[0].estimate, EstimateState::Failed(_, why) if why == "no table"));
}

#[test]
fn idle_ticks_do_not_redraw_and_running_ones_do() {
    let mut s = state(false);
    s.dirty = false;
    tick_after(&mut s, Duration::from_millis(100));
    assert!(!s.dirty);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 1");
    press_run(&mut s, "f5");
    s.dirty = false;
    tick_after(&mut s, Duration::from_millis(100));
    assert!(s.dirty, "the elapsed time on screen moves");
}

#[test]
fn tabs_help_profiles_and_quit() {
    let mut s = state(false);
    s.engines.insert("research".into(), "local".into());
    press(&mut s, "ctrl-t");
    assert_eq!((s.tabs.len(), s.active), (2, 1));
    press(&mut s, "f8");
    assert_eq!(s.tabs[1].profile, "research");
    press(&mut s, "alt-left");
    assert_eq!(s.active, 0);
    press(&mut s, "ctrl-w");
    assert_eq!((s.tabs.len(), s.tabs[0].profile.as_str()), (1, "research"));
    press(&mut s, "f1");
    assert!(matches!(s.overlay, Some(Overlay::Help { .. })));
    press(&mut s, "j");
    assert!(matches!(s.overlay, Some(Overlay::Help { scroll: 1 })));
    press(&mut s, "esc");
    assert!(s.overlay.is_none());
    let fx = press(&mut s, "ctrl-q");
    assert!(s.quit);
    assert!(matches!(&fx[..], [Effect::Autosave { .. }, Effect::Quit { leave: false }]), "{fx:?}");
}

#[test]
fn save_as_writes_a_saved_query_with_a_header() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 1");
    press(&mut s, "ctrl-s");
    for _ in 0.."my-queries/untitled.sql".len() {
        press(&mut s, "backspace");
    }
    typ(&mut s, "ones");
    let fx = press(&mut s, "enter");
    let Some(Effect::SaveFile { path, text }) = fx.into_iter().next() else { panic!("no save effect") };
    assert_eq!(path.to_str(), Some("my-queries/ones.sql"));
    assert_eq!(text, "-- name: ones\n-- engine: any\nSELECT 1\n");
    assert_eq!(s.tabs[0].title, "ones");
}

#[test]
fn a_saved_query_appears_in_the_browser() {
    let mut s = state(false);
    let before = s.browser.items.len();
    let path = std::path::PathBuf::from("my-queries/ones.sql");
    update(&mut s, Action::Saved { path: path.clone(), text: "-- name: Ones\nSELECT 1\n".into() });
    assert_eq!(s.browser.items.len(), before + 1);
    let q = s.browser.items.iter().find(|q| q.path == path).unwrap();
    assert_eq!((q.title(), q.group.as_str()), ("Ones", "my queries"));
    update(&mut s, Action::Saved { path: path.clone(), text: "-- name: Ones again\nSELECT 1\n".into() });
    assert_eq!(s.browser.items.len(), before + 1, "saving again replaces the entry");
}

#[test]
fn catalog_lists_tables_opens_one_and_inserts_names_and_a_select() {
    use fathom::engine::{ColumnDetail, TableDetail, TableInfo};
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT * FROM ");
    let fx = press(&mut s, "f9");
    assert!(matches!(&fx[..], [Effect::LoadCatalog { profile }] if profile == "local"), "{fx:?}");
    assert!(matches!(&s.overlay, Some(Overlay::Catalog(c)) if c.tables.is_none()));
    let tables = vec![
        TableInfo { schema: "market_data".into(), name: "us_stocks_price".into() },
        TableInfo { schema: "reference".into(), name: "tb_meta".into() },
    ];
    update(&mut s, Action::Catalog { profile: "other".into(), result: Ok(vec![]) });
    assert!(matches!(&s.overlay, Some(Overlay::Catalog(c)) if c.tables.is_none()), "a reply for another profile is dropped");
    update(&mut s, Action::Catalog { profile: "local".into(), result: Ok(tables.clone()) });
    press(&mut s, "j");
    // `i` inserts the table's name.
    press(&mut s, "i");
    assert!(s.overlay.is_none());
    assert_eq!(s.tabs[0].text(), "SELECT * FROM reference.tb_meta");

    // Enter (or l, right) opens a table: its detail is asked for, and shown when it arrives.
    typ(&mut s, "\n");
    press(&mut s, "f9");
    update(&mut s, Action::Catalog { profile: "local".into(), result: Ok(tables) });
    let fx = press(&mut s, "enter");
    assert!(
        matches!(&fx[..], [Effect::Describe { profile, schema, table }] if profile == "local" && schema == "market_data" && table == "us_stocks_price"),
        "{fx:?}"
    );
    let Some(Overlay::Catalog(c)) = &s.overlay else { panic!("catalog closed") };
    assert!(c.detail.as_ref().is_some_and(|d| d.detail.is_none()), "loading");
    let col = |n: &str, t: &str| ColumnDetail { name: n.into(), data_type: t.into(), nullable: true };
    let detail = TableDetail {
        columns: vec![col("meta_id", "int"), col("trade_date", "date"), col("adj_close", "double")],
        partition_spec: Some(vec!["month(trade_date)".into()]),
        snapshots: Some(8),
        current_snapshot: Some(42),
        ..TableDetail::default()
    };
    let described = |table: &str| Action::Described {
        profile: "local".into(),
        schema: "market_data".into(),
        table: table.into(),
        result: Ok(detail.clone()),
    };
    update(&mut s, described("kr_stocks_price"));
    let Some(Overlay::Catalog(c)) = &s.overlay else { panic!("catalog closed") };
    assert!(c.detail.as_ref().is_some_and(|d| d.detail.is_none()), "a reply for another table is dropped");
    update(&mut s, described("us_stocks_price"));
    let Some(Overlay::Catalog(c)) = &s.overlay else { panic!("catalog closed") };
    assert_eq!(c.detail.as_ref().and_then(|d| d.detail.clone()), Some(Ok(detail.clone())));
    // h goes back to the list, l opens the table again.
    press(&mut s, "h");
    assert!(matches!(&s.overlay, Some(Overlay::Catalog(c)) if c.detail.is_none()));
    assert!(matches!(&press(&mut s, "l")[..], [Effect::Describe { .. }]));
    update(&mut s, described("us_stocks_price"));
    // Enter on a column inserts its name; `s` a SELECT of the columns.
    press(&mut s, "j");
    press(&mut s, "j");
    press(&mut s, "enter");
    assert!(s.overlay.is_none());
    assert_eq!(s.tabs[0].text(), "SELECT * FROM reference.tb_meta\nadj_close");
    typ(&mut s, "\n");
    press(&mut s, "f9");
    update(&mut s, Action::Catalog { profile: "local".into(), result: Ok(vec![TableInfo { schema: "market_data".into(), name: "us_stocks_price".into() }]) });
    press(&mut s, "enter");
    update(&mut s, described("us_stocks_price"));
    press(&mut s, "s");
    assert!(s.tabs[0].text().ends_with("\nSELECT meta_id, trade_date, adj_close FROM market_data.us_stocks_price LIMIT 100"), "{}", s.tabs[0].text());
}

#[test]
fn chart_view_keys_cycle_the_view_zoom_and_pan_from_the_grid() {
    use fathom::chart::ViewMode;
    let mut s = state(false);
    tui_common::with_result(&mut s, 20, false);
    press(&mut s, "f4");
    assert!(!s.show_chart);
    press(&mut s, "v");
    assert!(s.show_chart, "a chart key shows the pane");
    assert_eq!(s.chart_view.mode, ViewMode::Rebased);
    press(&mut s, "+");
    assert_eq!(s.chart_view.window, (0.25, 0.75));
    press(&mut s, "<");
    assert_eq!(s.chart_view.window, (0.125, 0.625));
    press(&mut s, "v");
    press(&mut s, "v");
    assert_eq!(s.chart_view.mode, ViewMode::Drawdown);
    press(&mut s, "0");
    assert_eq!((s.chart_view.mode, s.chart_view.window), (ViewMode::Raw, (0.0, 1.0)));
}

#[test]
fn quality_panel_runs_checks_and_opens_a_drill_down() {
    use fathom::quality::{CheckResult, Status};
    let mut s = state(false);
    let fx = press(&mut s, "f10");
    assert!(matches!(fx.as_slice(), [Effect::RunChecks { profile }] if profile == "local"), "{fx:?}");
    assert!(matches!(s.overlay, Some(Overlay::Quality(_))));
    let result = |id: &str, status: Status| CheckResult {
        id: id.into(),
        name: id.into(),
        description: None,
        file: format!("queries/quality/{id}.sql"),
        status,
        count: 3,
        warn_above: None,
        fail_above: Some(0),
        columns: vec![],
        sample: vec![],
        drilldown: format!("SELECT * FROM {id}"),
        params: vec![],
        error: None,
    };
    update(&mut s, Action::Checked { profile: "local".into(), result: Ok(vec![result("a", Status::Pass), result("freshness", Status::Fail)]) });
    press(&mut s, "j");
    press(&mut s, "enter");
    assert!(s.overlay.is_none());
    let tab = s.tab().unwrap();
    assert_eq!(tab.title, "check freshness");
    assert_eq!(tab.text(), "SELECT * FROM freshness");
}

/// The history pane (F12): the ledger newest first; Enter opens a run's SQL in a new tab.
mod history {
    use fathom::history::Run;
    use fathom::tui::state::{Action, Effect, Focus, Overlay};
    use fathom::tui::update::update;

    use crate::tui_common::{press, state, typ};

    pub fn run(day: &str, profile: &str, sql: &str, outcome: &str) -> Run {
        Run {
            time: format!("{day}T09:30:00Z").parse().unwrap(),
            profile: profile.into(),
            engine: "local".into(),
            sql: sql.into(),
            params: vec![("ticker".into(), "MSFT".into())],
            rows: Some(12),
            duration_ms: 210,
            estimated_bytes: Some(67_800),
            actual_bytes: Some(67_700),
            cost_usd: Some(0.000048),
            estimated_cost_usd: Some(0.000048),
            outcome: outcome.into(),
            query_id: None,
            saved_usd: None,
            get_requests: None,
        }
    }

    #[test]
    fn loads_the_ledger_newest_first_moves_filters_and_opens_a_run() {
        let mut s = state(false);
        let fx = press(&mut s, "f12");
        assert!(matches!(&fx[..], [Effect::LoadHistory]), "{fx:?}");
        assert!(matches!(&s.overlay, Some(Overlay::History(h)) if h.runs.is_none()));
        let ledger = vec![
            run("2024-12-01", "local", "SELECT 1", "ok"),
            run("2024-12-03", "research", "SELECT 3", "cancelled"),
            run("2024-12-02", "local", "-- prices\nSELECT adj_close\nFROM market_data.us_stocks_price WHERE ticker = :ticker", "ok"),
        ];
        update(&mut s, Action::History(Ok(ledger)));
        let Some(Overlay::History(h)) = &s.overlay else { panic!("closed") };
        let order: Vec<&str> = h.visible().iter().map(|r| r.sql.lines().last().unwrap()).collect();
        assert_eq!(order, ["SELECT 3", "FROM market_data.us_stocks_price WHERE ticker = :ticker", "SELECT 1"]);
        press(&mut s, "j");
        press(&mut s, "down");
        press(&mut s, "k");
        let Some(Overlay::History(h)) = &s.overlay else { panic!("closed") };
        assert_eq!(h.selected, 1);
        // Enter: the SQL in a new tab, on its profile, with its parameter values.
        let tabs = s.tabs.len();
        press(&mut s, "enter");
        assert!(s.overlay.is_none());
        assert_eq!((s.tabs.len(), s.active, s.focus), (tabs + 1, tabs, Focus::Editor));
        let tab = &s.tabs[tabs];
        assert!(tab.text().contains("FROM market_data.us_stocks_price"));
        assert_eq!((tab.title.as_str(), tab.profile.as_str()), ("run 12-02 09:30", "local"));
        assert_eq!(tab.params, vec![("ticker".to_string(), "MSFT".to_string())]);

        // `/` filters (q is typed, not quit); Esc clears the filter, then closes.
        press(&mut s, "f12");
        update(&mut s, Action::History(Ok(vec![run("2024-12-01", "local", "SELECT 1", "ok"), run("2024-12-03", "research", "SELECT 3", "ok")])));
        press(&mut s, "/");
        typ(&mut s, "research");
        let Some(Overlay::History(h)) = &s.overlay else { panic!("closed") };
        assert_eq!(h.visible().len(), 1);
        press(&mut s, "enter");
        // The research profile is unknown here: the tab opens on the default profile.
        press(&mut s, "enter");
        assert_eq!(s.tab().unwrap().profile, "local");
        press(&mut s, "f12");
        update(&mut s, Action::History(Err("reading the run ledger: permission denied".into())));
        assert!(matches!(&s.overlay, Some(Overlay::History(h)) if matches!(&h.runs, Some(Err(e)) if e.contains("permission"))));
        press(&mut s, "esc");
        assert!(s.overlay.is_none());
    }
}

#[test]
fn a_running_query_shows_what_its_engine_reports_and_named_queries_join_the_browser() {
    use fathom::engine::athena::NamedQuery;
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT 1 AS a");
    let fx = press_run(&mut s, "f5");
    let Some((id, _, _)) = run_effect(&fx) else { panic!("no run: {fx:?}") };
    update(&mut s, Action::QueryProgress { id, text: "QUEUED".into() });
    update(&mut s, Action::QueryProgress { id: id + 100, text: "RUNNING".into() });
    let tab = s.tab().unwrap();
    assert!(matches!(&tab.run, RunState::Running { progress: Some(p), .. } if p == "QUEUED"), "{:?}", tab.run);

    let q = NamedQuery {
        id: "nq-1".into(),
        name: "nav by day".into(),
        description: Some("from the workgroup".into()),
        database: "portfolio".into(),
        sql: "SELECT * FROM portfolio.tb_nav".into(),
    };
    update(&mut s, Action::NamedQueries { profile: "prod".into(), result: Ok(vec![q.clone()]) });
    update(&mut s, Action::NamedQueries { profile: "prod".into(), result: Ok(vec![q]) });
    let found: Vec<usize> = s.browser.items.iter().enumerate().filter(|(_, i)| i.group == "athena:prod").map(|(n, _)| n).collect();
    assert_eq!(found.len(), 1, "a reload replaces, never duplicates");
    fathom::tui::update::panes::open_query(&mut s, found[0]);
    let tab = s.tab().unwrap();
    assert_eq!((tab.title.as_str(), tab.profile.as_str()), ("nav by day", "prod"), "opens on its own profile");
    assert!(tab.text().ends_with("SELECT * FROM portfolio.tb_nav"));
    assert!(tab.source.is_none(), "saving writes a local file, not the server's query");
    update(&mut s, Action::NamedQueries { profile: "dev".into(), result: Err("no AWS credentials found".into()) });
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("dev")), "{:?}", s.notice);
}

#[test]
fn a_saved_query_reopens_on_the_profile_last_chosen_for_it_even_after_a_restart() {
    use fathom::tui::update::panes::open_query;
    let mut s = state(false);
    s.engines.insert("lake".into(), "local".into());
    let item = s.browser.items.iter().position(|q| q.stem == "portfolios").unwrap();
    let path = s.browser.items[item].path.clone();
    open_query(&mut s, item);
    assert_eq!(s.tab().unwrap().profile, "local", "first opened on the default profile");
    press(&mut s, "f8");
    assert_eq!(s.tab().unwrap().profile, "lake");
    assert!(s.notice.as_ref().unwrap().text.contains("portfolios.sql opens on it next time"), "{:?}", s.notice);
    // A scratch tab's F8 remembers nothing.
    press(&mut s, "ctrl-t");
    press(&mut s, "f8");
    assert_eq!(s.query_profiles.len(), 1);
    // Closed and opened again: the choice holds.
    press(&mut s, "ctrl-w");
    press(&mut s, "alt-left");
    press(&mut s, "ctrl-w");
    open_query(&mut s, item);
    assert_eq!(s.tab().unwrap().profile, "lake");
    assert!(s.notice.as_ref().unwrap().text.contains("your last choice"), "{:?}", s.notice);
    // The choice is in the autosaved session, and a restarted workbench reads it back.
    let fx = tick_after(&mut s, Duration::from_secs(5));
    let session = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::Autosave { session, .. } => Some(session),
            _ => None,
        })
        .expect("F8 schedules an autosave");
    assert_eq!(session.profiles.get(&path).map(String::as_str), Some("lake"));
    let json = serde_json::to_string(&session).unwrap();
    let mut again = state(false);
    again.engines.insert("lake".into(), "local".into());
    again.restore(Some(serde_json::from_str(&json).unwrap()));
    open_query(&mut again, item);
    assert_eq!(again.tab().unwrap().profile, "lake");
    // A profile taken out of the config: the default, and the user is told why.
    let mut gone = state(false);
    gone.restore(Some(serde_json::from_str(&json).unwrap()));
    open_query(&mut gone, item);
    assert_eq!(gone.tab().unwrap().profile, "local");
    let notice = gone.notice.as_ref().unwrap();
    assert!(notice.text.contains("profile lake, which is no longer in the config"), "{}", notice.text);
}
