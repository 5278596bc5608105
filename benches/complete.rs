//! Completion bench: the popup after a keypress with a synthetic catalog of 2,000 tables ×
//! 30 columns (every column list loaded, the worst case for memory; completion only reads
//! the tables in scope). Each sample is one `update` of a typed character with the popup
//! open (the candidates recomputed and ranked), as the workbench does it. Prints p50/p99/max
//! per case, then criterion's own figures. Under `cargo test --benches` it runs a few samples.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fathom::catalog::TableInfo;
use fathom::complete::{Columns, Names, key};
use fathom::tui::browser::{self, Browser};
use fathom::tui::keymap::{Chord, DEFAULT_KEYMAP, Keymap};
use fathom::tui::state::{Action, State};
use fathom::tui::theme::{Glyphs, SHIPPED, Theme};
use fathom::tui::update::update;
use ratatui::crossterm::event::KeyEvent;

const SCHEMAS: usize = 20;
const TABLES_PER_SCHEMA: usize = 100;
const COLUMNS: usize = 30;

fn catalog() -> Names {
    let mut names = Names::default();
    for s in 0..SCHEMAS {
        for t in 0..TABLES_PER_SCHEMA {
            let (schema, table) = (format!("schema_{s:02}"), format!("table_{t:03}_prices"));
            let cols = (0..COLUMNS).map(|c| format!("column_{c:02}_value")).collect();
            names.columns.insert(key(&schema, &table), Columns { names: cols, stale: false, at: 1 });
            names.tables.push(TableInfo { schema, name: table });
        }
    }
    names.functions = (0..300).map(|i| format!("function_{i:03}")).collect();
    names
}

fn key_of(k: &str) -> Action {
    let c = Chord::parse(k).unwrap_or_else(|| panic!("{k}"));
    Action::Key(KeyEvent::new(c.code, c.mods))
}

/// A workbench with the catalog loaded, `text` typed in the editor and the popup opened.
fn state(text: &str) -> State {
    let keymap = Keymap::parse(DEFAULT_KEYMAP).unwrap_or_default();
    let theme = Theme::parse(SHIPPED[0].1, Glyphs::unicode()).unwrap_or_else(|e| panic!("{e}"));
    let items = browser::load(&[("queries".into(), PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries"))]);
    let mut s = State::new(keymap, theme, Browser::new(items), "local", Instant::now());
    s.restore(None);
    update(&mut s, key_of("f3"));
    // As the disk cache hands them over: a fresh answer from the engine carries tables and
    // functions only (columns are described lazily), so it would drop the column lists.
    update(&mut s, Action::Names { profile: "local".into(), result: Ok(Box::new(catalog())), cached: true });
    if let Some(tab) = s.tab_mut() {
        tab.editor.insert_str(text);
    }
    update(&mut s, key_of("tab"));
    assert!(s.complete.popup.as_ref().is_some_and(|p| !p.items.is_empty()), "the popup opened with candidates for {text:?}");
    s
}

/// The cases: what is typed before the popup opens, and the character typed with it open.
const CASES: [(&str, &str, char); 3] = [
    ("bare word (all tables, columns in scope, functions, keywords)", "SELECT * FROM schema_07.table_001_prices a WHERE tab", 'l'),
    ("alias column (a.col)", "SELECT * FROM schema_07.table_001_prices a JOIN schema_09.table_042_prices b ON a.column_01_value = b.col", 'u'),
    // Tab puts in what the schema's 100 tables share (`table_`), so the next key narrows that.
    ("schema's table (schema_07.tab)", "SELECT * FROM schema_07.tab", '0'),
];

/// Times `n` keypresses (the character, then an untimed backspace to undo it).
fn samples(s: &mut State, c: char, n: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        update(s, key_of(&c.to_string()));
        out.push(t.elapsed());
        update(s, key_of("backspace"));
    }
    out
}

fn percentiles(name: &str, mut d: Vec<Duration>) {
    d.sort();
    let at = |p: f64| d[((d.len() as f64 * p).ceil() as usize).clamp(1, d.len()) - 1];
    println!("{name:<64} n={:<5} p50 {:>9.3?}  p99 {:>9.3?}  max {:>9.3?}", d.len(), at(0.50), at(0.99), at(1.0));
}

fn bench(c: &mut Criterion) {
    let test_mode = std::env::args().any(|a| a == "--test");
    let n = if test_mode { 5 } else { 1_000 };
    println!("completion popup after a keypress, {} tables x {COLUMNS} columns", SCHEMAS * TABLES_PER_SCHEMA);
    for (name, text, ch) in CASES {
        let mut s = state(text);
        let got = samples(&mut s, ch, n);
        assert!(s.complete.popup.as_ref().is_some_and(|p| !p.items.is_empty()), "{name}: the popup has candidates");
        percentiles(name, got);
    }
    let mut group = c.benchmark_group("complete");
    for (name, text, ch) in CASES {
        let mut s = state(text);
        group.bench_function(name, |b| {
            b.iter(|| {
                update(&mut s, key_of(&ch.to_string()));
                update(&mut s, key_of("backspace"));
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
