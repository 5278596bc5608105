//! Shared by the workbench tests: a `State` built in memory (shipped keymap and theme, the
//! repo's `queries/`), key helpers, a result batch with Korean names, NULL and empty strings,
//! and rendering to text with ratatui's `TestBackend`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Float64Array, Int32Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use fathom::tui::browser::{self, Browser};
use fathom::tui::grid::{QueryOutput, ResultSet};
use fathom::tui::keymap::{Chord, DEFAULT_KEYMAP, Keymap};
use fathom::config::Budget;
use fathom::engine::Caps;
use fathom::estimate::{Estimate, TableEstimate};
use fathom::tui::state::{Action, Effect, EstimatePurpose, RunState, State};
use fathom::tui::theme::{Glyphs, SHIPPED, Theme};

/// `update`, with the chart extractions it asks for done at once (the executor does them on
/// a task), so a test sees the workbench as it is once they are back.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut out = Vec::new();
    let mut fx = fathom::tui::update::update(s, action);
    while !fx.is_empty() {
        let mut more = Vec::new();
        for e in fx {
            match e {
                Effect::BuildChart { key, batch } => {
                    let cache = fathom::chart::cache::ChartCache::for_result(key, batch);
                    more.extend(fathom::tui::update::update(s, Action::ChartBuilt(Box::new(cache))));
                }
                other => out.push(other),
            }
        }
        fx = more;
    }
    out
}
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyEvent;

/// A workbench as it starts: the repo's saved queries, one empty tab, profile `local`.
pub fn state(ascii: bool) -> State {
    let keymap = Keymap::parse(DEFAULT_KEYMAP).unwrap();
    let glyphs = if ascii { Glyphs::ascii() } else { Glyphs::unicode() };
    let theme_text = if ascii { SHIPPED[3].1 } else { SHIPPED[0].1 };
    let theme = Theme::parse(theme_text, glyphs).unwrap();
    let items = browser::load(&[("queries".into(), PathBuf::from("queries"))]);
    let mut s = State::new(keymap, theme, Browser::new(items), "local", Instant::now());
    s.engines.insert("local".into(), "local".into());
    s.user_query_dir = PathBuf::from("my-queries");
    s.restore(None);
    s.browser.select_first_query();
    s
}

/// A key as the keymap writes it: "ctrl-q", "f5", "G", "enter".
pub fn k(s: &str) -> KeyEvent {
    let c = Chord::parse(s).unwrap_or_else(|| panic!("bad key {s}"));
    KeyEvent::new(c.code, c.mods)
}

/// Presses one key; returns the effects.
pub fn press(s: &mut State, key: &str) -> Vec<Effect> {
    update(s, Action::Key(k(key)))
}

/// One table's share of an estimate (as the local engine's planner reports it).
pub fn table_estimate(table: &str, bytes: u64) -> TableEstimate {
    TableEstimate {
        table: table.into(),
        snapshot_id: Some(3006465963777558975),
        files_kept: 3,
        files_total: 27,
        partitions_kept: 1,
        partitions_total: 24,
        columns: vec!["meta_id".into(), "trade_date".into(), "adj_close".into()],
        bytes,
        get_requests: 0,
        metadata_get_requests: 0,
            files_without_column_sizes: 0,
        files: vec![],
        partition_column: Some("trade_month".into()),
        filter_columns: ["trade_date".to_string()].into_iter().collect(),
        star: false,
        all_columns: 7,
    }
}

/// A priced estimate of the given tables' bytes, assembled with `budget` as the engine does.
pub fn estimate(tables: &[(&str, u64)], budget: &Budget) -> Estimate {
    Estimate::assemble(tables.iter().map(|(t, b)| table_estimate(t, *b)).collect(), None, budget)
}

/// Answers the pre-run estimates among `fx` with `result`; returns every other effect and
/// the ones that follow from the answers.
pub fn answer(s: &mut State, fx: Vec<Effect>, result: Result<Estimate, String>) -> Vec<Effect> {
    answer_with(s, fx, result, Some(PRICED))
}

/// What the local engine can do: priced like Athena, nothing to stop on a server.
pub const PRICED: Caps = Caps { priced: true, bills: false, server_cancel: false, detachable: false, writable: false, named_queries: false, snapshots: false };
/// What a PostgreSQL engine can do: not billed per byte.
pub const UNPRICED: Caps = Caps { priced: false, bills: false, server_cancel: true, detachable: false, writable: false, named_queries: false, snapshots: false };

/// `answer`, from an engine with `caps` (`None`: the engine did not open).
pub fn answer_with(s: &mut State, fx: Vec<Effect>, result: Result<Estimate, String>, caps: Option<Caps>) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in fx {
        match e {
            Effect::Estimate { tab, key, purpose: purpose @ EstimatePurpose::PreRun { .. }, .. } => {
                out.extend(update(s, Action::EstimateDone { tab, key, purpose, result: result.clone(), caps, cached: false, cache_key: None }));
            }
            other => out.push(other),
        }
    }
    out
}

/// Presses a run key and answers its pre-run estimate with a cheap one (below every limit).
pub fn press_run(s: &mut State, key: &str) -> Vec<Effect> {
    let fx = press(s, key);
    let cheap = estimate(&[("reference.tb_meta", 4096)], &s.budget.clone());
    answer(s, fx, Ok(cheap))
}

/// Types text, one character at a time.
pub fn typ(s: &mut State, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        let key = if c == '\n' { "enter".to_string() } else { c.to_string() };
        fx.extend(press(s, &key));
    }
    fx
}

/// Advances the clock and ticks.
pub fn tick_after(s: &mut State, d: Duration) -> Vec<Effect> {
    s.now += d;
    update(s, Action::Tick)
}

/// Rows with a Korean name, a NULL and an empty string.
pub fn sample_batch(rows: usize) -> RecordBatch {
    let names = ["Apple Inc.", "삼성전자", "SK하이닉스", "", "Microsoft Corporation with a very long name indeed"];
    let schema = Schema::new(vec![
        Field::new("meta_id", DataType::Int32, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("sector", DataType::Utf8, true),
        Field::new("adj_close", DataType::Float64, true),
    ]);
    let ids: Vec<i32> = (1..=rows as i32).collect();
    let name: Vec<Option<&str>> = (0..rows).map(|i| Some(names[i % names.len()])).collect();
    let sector: Vec<Option<&str>> = (0..rows).map(|i| if i % 3 == 2 { None } else { Some("Technology") }).collect();
    let price: Vec<Option<f64>> = (0..rows).map(|i| if i % 4 == 3 { None } else { Some(100.0 + i as f64 * 0.25) }).collect();
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(Int32Array::from(ids)),
            Arc::new(StringArray::from(name)),
            Arc::new(StringArray::from(sector)),
            Arc::new(Float64Array::from(price)),
        ],
    )
    .unwrap()
}

/// Puts a finished result into the active tab.
pub fn with_result(s: &mut State, rows: usize, truncated: bool) {
    let out = QueryOutput::new(sample_batch(rows), truncated, Duration::from_millis(420));
    let id = s.fresh_id();
    if let Some(tab) = s.tab_mut() {
        tab.run = RunState::Ready(Box::new(ResultSet::new(id, out)));
    }
}

/// The screen as text, one line per row.
pub fn render(s: &mut State, w: u16, h: u16) -> String {
    update(s, Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| fathom::tui::views::draw(f, s)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..w {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
