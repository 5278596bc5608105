//! Completion in the editor, as pure updates (keys and replies in, state and effects out):
//! tables of a schema, columns through an alias (described lazily when the table is in
//! scope), a narrowing popup, a profile switch, a catalog still loading, Tab that indents;
//! and, in process against the demo lake, the disk cache: a second start completes from it
//! before any load finishes.

mod common;
mod tui_common;

use std::sync::Arc;
use std::time::Duration;

use fathom::catalog::{ColumnDetail, TableDetail, TableInfo};
use fathom::complete::Names;
use fathom::config::Config;
use fathom::tui::executor::Executor;
use fathom::tui::state::{Action, Effect, State};
use fathom::tui::update::update;
use tui_common::{press, render, state, typ};


fn names(tables: &[(&str, &str)]) -> Names {
    let tables = tables.iter().map(|(s, n)| TableInfo { schema: s.to_string(), name: n.to_string() }).collect();
    Names { tables, functions: vec!["date_trunc".into(), "sum".into()], ..Names::default() }
}

fn lake_names() -> Names {
    names(&[
        ("market_data", "kr_stocks_price"),
        ("market_data", "us_stocks_price"),
        ("portfolio", "tb_nav"),
        ("portfolio", "tb_rebalance"),
        ("reference", "tb_calendar"),
        ("reference", "tb_meta"),
    ])
}

fn arrive(s: &mut State, profile: &str, n: Names) -> Vec<Effect> {
    update(s, Action::Names { profile: profile.into(), result: Ok(Box::new(n)), cached: false })
}

fn described(s: &mut State, profile: &str, schema: &str, table: &str, cols: &[&str]) -> Vec<Effect> {
    let columns = cols.iter().map(|c| ColumnDetail { name: c.to_string(), data_type: "string".into(), nullable: true }).collect();
    let result = Ok(TableDetail { columns, ..TableDetail::default() });
    update(s, Action::Described { profile: profile.into(), schema: schema.into(), table: table.into(), result })
}

/// A workbench with the editor focused and the local profile's names loaded.
fn ready() -> State {
    let mut s = state(false);
    press(&mut s, "f3");
    arrive(&mut s, "local", lake_names());
    s
}

fn text(s: &State) -> String {
    s.tabs[s.active].text()
}

/// Several candidates that go on the same way: Tab puts the shared part in, as a shell does,
/// and the popup stays open on the rest; the next Tab accepts the selected one.
#[test]
fn tab_puts_in_what_the_candidates_share_then_the_popup_picks() {
    let mut s = ready();
    typ(&mut s, "SELECT * FROM portfolio.tb");
    press(&mut s, "tab");
    assert_eq!(text(&s), "SELECT * FROM portfolio.tb_", "tb_nav and tb_rebalance share tb_");
    let popup = s.complete.popup.as_ref().expect("the popup stays open");
    let items: Vec<&str> = popup.items.iter().map(|i| i.text.as_str()).collect();
    assert!(items.contains(&"portfolio.tb_nav") || items.contains(&"tb_nav"), "{items:?}");
    typ(&mut s, "r");
    press(&mut s, "tab");
    assert_eq!(text(&s), "SELECT * FROM portfolio.tb_rebalance");
}

#[test]
fn tab_completes_a_schemas_table_and_a_column_through_its_alias() {
    let mut s = ready();
    typ(&mut s, "SELECT * FROM market_data.us_sto");
    press(&mut s, "tab");
    assert_eq!(text(&s), "SELECT * FROM market_data.us_stocks_price");
    assert!(s.complete.popup.is_none());

    // The alias's table is described when it is in scope, never before.
    let mut s = ready();
    typ(&mut s, "SELECT * FROM reference.tb_meta m WHERE m.sec");
    let fx = press(&mut s, "tab");
    let asked: Vec<_> = fx.iter().filter_map(|f| match f {
        Effect::Describe { profile, schema, table } => Some((profile.as_str(), schema.as_str(), table.as_str())),
        _ => None,
    }).collect();
    assert_eq!(asked, vec![("local", "reference", "tb_meta")]);
    assert!(s.complete.popup.as_ref().is_some_and(|p| p.waiting), "the popup waits for the columns");
    let fx = described(&mut s, "local", "reference", "tb_meta", &["meta_id", "ticker", "name", "sector", "iso_code"]);
    assert_eq!(text(&s), "SELECT * FROM reference.tb_meta m WHERE m.sector", "Tab's completion lands once the columns arrive");
    assert!(fx.iter().any(|f| matches!(f, Effect::SaveNames { profile, names } if profile == "local" && names.columns.len() == 1)), "{fx:?}");

    // The FROM after the cursor counts; known columns are not described again.
    press(&mut s, "ctrl-t");
    typ(&mut s, "SELECT m.tic FROM reference.tb_meta AS m");
    for _ in 0.." FROM reference.tb_meta AS m".len() {
        press(&mut s, "left");
    }
    let fx = press(&mut s, "tab");
    assert!(!fx.iter().any(|f| matches!(f, Effect::Describe { .. })), "{fx:?}");
    assert_eq!(text(&s), "SELECT m.ticker FROM reference.tb_meta AS m");
}

#[test]
fn the_popup_narrows_as_you_type_moves_accepts_and_closes() {
    let mut s = ready();
    typ(&mut s, "SELECT * FROM reference.tb_");
    press(&mut s, "tab");
    let items = |s: &State| s.complete.popup.as_ref().map(|p| p.items.iter().map(|i| i.text.clone()).collect::<Vec<_>>());
    let mut got = items(&s).unwrap_or_default();
    got.sort();
    assert_eq!(got, vec!["tb_calendar".to_string(), "tb_meta".into()]);
    let screen = render(&mut s, 100, 24);
    assert!(screen.contains("tb_calendar") && screen.contains("tb_meta") && screen.contains("1/2"), "the popup is drawn:\n{screen}");
    typ(&mut s, "m");
    assert_eq!(items(&s), Some(vec!["tb_meta".into()]), "typing narrows");
    assert_eq!(text(&s), "SELECT * FROM reference.tb_m", "typing goes to the editor");
    press(&mut s, "backspace");
    assert_eq!(items(&s).map(|v| v.len()), Some(2), "deleting widens it again");
    press(&mut s, "down");
    assert_eq!(s.complete.popup.as_ref().map(|p| p.selected), Some(1));
    press(&mut s, "ctrl-p");
    press(&mut s, "ctrl-n");
    let second = items(&s).unwrap_or_default()[1].clone();
    press(&mut s, "enter");
    assert_eq!(text(&s), format!("SELECT * FROM reference.{second}"), "Enter accepts the selected one, not a new line");
    assert!(s.complete.popup.is_none());

    // Esc closes it; a space ends the word and closes it too.
    typ(&mut s, " JOIN portfolio.tb");
    press(&mut s, "tab");
    assert!(s.complete.popup.is_some());
    press(&mut s, "esc");
    assert!(s.complete.popup.is_none());
    assert_eq!(text(&s), format!("SELECT * FROM reference.{second} JOIN portfolio.tb"));
    press(&mut s, "tab");
    typ(&mut s, " ");
    assert!(s.complete.popup.is_none());
    // Tab opens it, a second Tab accepts the top entry.
    typ(&mut s, "n JOIN portfolio.tb");
    press(&mut s, "tab");
    let top = items(&s).unwrap_or_default()[0].clone();
    press(&mut s, "tab");
    assert_eq!(text(&s), format!("SELECT * FROM reference.{second} JOIN portfolio.tb n JOIN portfolio.{top}"));
}

#[test]
fn tab_indents_where_there_is_no_word_to_complete() {
    let mut s = state(false);
    press(&mut s, "f3");
    let fx = press(&mut s, "tab");
    let indent = s.tabs[0].editor.indent().to_string();
    assert_eq!(text(&s), indent);
    assert!(!fx.iter().any(|f| matches!(f, Effect::LoadNames { .. })), "{fx:?}");
    typ(&mut s, "SELECT ");
    let before = text(&s);
    press(&mut s, "tab");
    let after = text(&s);
    assert!(after.len() > before.len() && after.starts_with(&before) && after[before.len()..].trim().is_empty(), "{after:?}");
    assert!(s.complete.popup.is_none());
}

#[test]
fn switching_profile_completes_from_the_other_profiles_names() {
    let mut s = ready();
    s.engines.insert("pg".into(), "postgres".into());
    let fx = press(&mut s, "f8");
    assert_eq!(s.tabs[0].profile, "pg");
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadNames { profile } if profile == "pg")), "{fx:?}");
    arrive(&mut s, "pg", names(&[("public", "tb_meta"), ("public", "tb_portfolio")]));
    typ(&mut s, "SELECT * FROM tb_po");
    press(&mut s, "tab");
    assert_eq!(text(&s), "SELECT * FROM public.tb_portfolio");
    // Unqualified tables resolve to their schema for columns too.
    typ(&mut s, " p WHERE p.po");
    let fx = press(&mut s, "tab");
    assert!(fx.iter().any(|f| matches!(f, Effect::Describe { profile, schema, table } if profile == "pg" && schema == "public" && table == "tb_portfolio")));
    described(&mut s, "pg", "public", "tb_portfolio", &["port_id", "port_name", "strategy_id"]);
    let items: Vec<String> = s.complete.popup.as_ref().map(|p| p.items.iter().map(|i| i.text.clone()).collect()).unwrap_or_default();
    assert_eq!(items, vec!["port_id".to_string(), "port_name".into()], "two candidates: the popup opens");
    // Back on local: local's names, not pg's.
    press(&mut s, "esc");
    press(&mut s, "f8");
    assert_eq!(s.tabs[0].profile, "local");
    typ(&mut s, " AND tb_rebal");
    press(&mut s, "tab");
    assert!(text(&s).ends_with("AND portfolio.tb_rebalance"), "{}", text(&s));
}

#[test]
fn a_catalog_still_loading_never_blocks_typing_and_completes_when_it_arrives() {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELECT date_t");
    let fx = press(&mut s, "tab");
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadNames { profile } if profile == "local")), "{fx:?}");
    assert!(s.complete.popup.as_ref().is_some_and(|p| p.waiting && p.items.is_empty()));
    let screen = render(&mut s, 110, 24);
    assert!(screen.contains("loading names"), "the popup and the status line say so:\n{screen}");
    assert!(screen.lines().last().is_some_and(|l| l.contains("loading names…")), "the status line shows the first load:\n{screen}");
    // Typing goes on while the names load, and narrows what will be offered.
    typ(&mut s, "r");
    assert_eq!(text(&s), "SELECT date_tr");
    assert!(s.complete.popup.as_ref().is_some_and(|p| p.waiting), "still waiting, still open");
    // A second Tab does not ask again.
    let fx = press(&mut s, "tab");
    assert!(!fx.iter().any(|f| matches!(f, Effect::LoadNames { .. })));
    arrive(&mut s, "local", lake_names());
    assert_eq!(text(&s), "SELECT date_trunc", "the single candidate is put in once it arrives");
    let screen = render(&mut s, 110, 24);
    assert!(!screen.contains("loading names"), "{screen}");
    // A failed load says why, and completion offers what it knows (keywords).
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, "SELEC");
    press(&mut s, "tab");
    update(&mut s, Action::Names { profile: "local".into(), result: Err("cannot open the catalog".into()), cached: false });
    assert_eq!(text(&s), "SELECT");
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("cannot open the catalog")));
}

#[test]
fn the_popup_draws_in_ascii_mode() {
    let mut s = state(true);
    press(&mut s, "f3");
    arrive(&mut s, "local", lake_names());
    typ(&mut s, "SELECT * FROM market_data.");
    press(&mut s, "tab");
    let screen = render(&mut s, 100, 24);
    let popup: Vec<&str> = screen.lines().filter(|l| l.contains("_stocks_price ")).collect();
    assert!(popup.iter().any(|l| l.contains("> kr_stocks_price")) && popup.len() == 2, "{screen}");
    assert!(popup.iter().all(|l| l.is_ascii()), "{screen}");
}

/// The executor's next reply (generous: the machine may be loaded).
async fn recv(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>) -> Action {
    tokio::time::timeout(Duration::from_secs(120), rx.recv()).await.expect("the executor answers").unwrap()
}

/// A workbench and its executor as they start: the editor focused, the names asked for.
fn start(config: &Arc<Config>) -> (Executor, tokio::sync::mpsc::UnboundedReceiver<Action>, State) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut exec = Executor::new(config.clone(), tx);
    let mut s = state(false);
    press(&mut s, "f3");
    for f in fathom::tui::update::complete::warm(&mut s) {
        exec.run(f);
    }
    (exec, rx, s)
}

/// In process, against the demo lake: the first start loads from the engine and keeps the
/// names on disk; a second start offers them from the disk before the engine answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_completes_from_the_disk_cache_at_once() {
    let home = common::lake("complete");
    let cache = home.root.join("cache-complete");
    let _ = std::fs::remove_dir_all(&cache);
    // This binary's only test that reads the cache dir from the environment.
    unsafe { std::env::set_var("XDG_CACHE_HOME", &cache) };
    let config = Arc::new(Config::load(None, home.paths()).unwrap());

    // First start: nothing on disk; the engine's names, then the columns of one table.
    let (mut exec, mut rx, mut s) = start(&config);
    let first = recv(&mut rx).await;
    let Action::Names { cached: false, result: Ok(n), .. } = &first else { panic!("{first:?}") };
    assert!(n.tables.iter().any(|t| t.schema == "market_data" && t.name == "us_stocks_price"), "{:?}", n.tables);
    assert!(["date_trunc", "variance", "corr"].iter().all(|f| n.functions.iter().any(|x| x == f)), "DataFusion's registry: {:?}", n.functions);
    for f in update(&mut s, first) {
        exec.run(f);
    }
    typ(&mut s, "SELECT * FROM reference.tb_meta m WHERE m.sec");
    for f in press(&mut s, "tab") {
        exec.run(f);
    }
    let cols = recv(&mut rx).await;
    assert!(matches!(&cols, Action::Described { table, result: Ok(_), .. } if table == "tb_meta"), "{cols:?}");
    for f in update(&mut s, cols) {
        exec.run(f);
    }
    assert_eq!(text(&s), "SELECT * FROM reference.tb_meta m WHERE m.sector");
    let file = fathom::cache::names::path(&config.paths.names_cache_dir(), "local");
    let end = std::time::Instant::now() + Duration::from_secs(120);
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.contains("sector")) {
        assert!(std::time::Instant::now() < end, "the names never reached {}", file.display());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Second start: the disk's names come first and complete before the engine answers.
    let (_exec, mut rx, mut s) = start(&config);
    let first = recv(&mut rx).await;
    assert!(matches!(&first, Action::Names { cached: true, result: Ok(_), .. }), "the disk cache answers first: {first:?}");
    update(&mut s, first);
    assert_eq!(s.complete.status("local"), None, "no first-load progress once names are known");
    typ(&mut s, "SELECT * FROM reference.tb_meta m WHERE m.sec");
    let fx = press(&mut s, "tab");
    assert!(!fx.iter().any(|f| matches!(f, Effect::Describe { .. })), "{fx:?}");
    assert_eq!(text(&s), "SELECT * FROM reference.tb_meta m WHERE m.sector");

    // A corrupt cache file is a miss: the engine's names still come.
    std::fs::write(&file, b"{ not json").unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut exec = Executor::new(config, tx);
    exec.run(Effect::LoadNames { profile: "local".into() });
    let first = recv(&mut rx).await;
    assert!(matches!(&first, Action::Names { cached: false, result: Ok(_), .. }), "{first:?}");
}
