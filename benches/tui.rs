//! Workbench benches: one frame of the whole screen with 1,000,000 rows in the grid
//! (TestBackend 160×48; the cost must not depend on the row count), the same after paging,
//! and building the start state (keymap, theme, saved queries) plus its first frame.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Float64Array, Int32Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use criterion::{Criterion, criterion_group, criterion_main};
use fathom::tui::browser::{self, Browser};
use fathom::tui::grid::{QueryOutput, ResultSet};
use fathom::tui::keymap::{Chord, DEFAULT_KEYMAP, Keymap};
use fathom::tui::state::{Action, RunState, State};
use fathom::tui::theme::{Glyphs, SHIPPED, Theme};
use fathom::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyEvent;

fn batch(rows: usize) -> RecordBatch {
    let names = ["Apple Inc.", "삼성전자", "SK하이닉스", "", "Microsoft Corporation"];
    let schema = Schema::new(vec![
        Field::new("meta_id", DataType::Int32, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("adj_close", DataType::Float64, true),
        Field::new("volume", DataType::Int64, true),
        Field::new("sector", DataType::Utf8, true),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(Int32Array::from_iter_values((0..rows).map(|i| i as i32))),
            Arc::new(StringArray::from_iter((0..rows).map(|i| Some(names[i % names.len()])))),
            Arc::new(Float64Array::from_iter((0..rows).map(|i| (i % 7 != 3).then_some(100.0 + i as f64 * 0.01)))),
            Arc::new(Int64Array::from_iter_values((0..rows).map(|i| (i * 37) as i64))),
            Arc::new(StringArray::from_iter((0..rows).map(|i| (i % 3 != 0).then_some("Technology")))),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn state() -> State {
    let keymap = Keymap::parse(DEFAULT_KEYMAP).unwrap_or_default();
    let theme = Theme::parse(SHIPPED[0].1, Glyphs::unicode()).unwrap_or_else(|e| panic!("{e}"));
    let items = browser::load(&[("queries".into(), PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries"))]);
    let mut s = State::new(keymap, theme, Browser::new(items), "local", Instant::now());
    s.restore(None);
    s
}

fn key(k: &str) -> Action {
    let c = Chord::parse(k).unwrap_or_else(|| panic!("{k}"));
    Action::Key(KeyEvent::new(c.code, c.mods))
}

/// A state with `rows` rows loaded, the grid focused and the cursor in the middle.
fn loaded(rows: usize) -> State {
    let mut s = state();
    let out = QueryOutput::new(batch(rows), true, Duration::from_millis(1234));
    if let Some(tab) = s.tab_mut() {
        tab.run = RunState::Ready(Box::new(ResultSet::new(1, out)));
    }
    update(&mut s, Action::Resize(160, 48));
    update(&mut s, key("f4"));
    update(&mut s, key(":"));
    for ch in (rows / 2).to_string().chars() {
        update(&mut s, key(&ch.to_string()));
    }
    update(&mut s, key("enter"));
    s
}

fn benches(c: &mut Criterion) {
    let small = loaded(1_000);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("grid frame, 1,000 rows, 160x48", |b| {
        b.iter(|| term.draw(|f| fathom::tui::views::draw(f, &small)).map(|_| ()))
    });
    let mut s = loaded(1_000_000);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("grid frame, 1,000,000 rows, 160x48", |b| {
        b.iter(|| term.draw(|f| fathom::tui::views::draw(f, &s)).map(|_| ()))
    });
    c.bench_function("page down + frame, 1,000,000 rows, 160x48", |b| {
        b.iter(|| {
            update(&mut s, key("pagedown"));
            term.draw(|f| fathom::tui::views::draw(f, &s)).map(|_| ())
        })
    });
    c.bench_function("start state + first frame, 160x48", |b| {
        b.iter(|| {
            let mut s = state();
            update(&mut s, Action::Resize(160, 48));
            let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap_or_else(|e| panic!("{e}"));
            term.draw(|f| fathom::tui::views::draw(f, &s)).map(|_| ())
        })
    });
}

criterion_group!(name = tui; config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3)); targets = benches);
criterion_main!(tui);
