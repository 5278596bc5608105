//! The everyday editor keys, as pure updates over an in-memory workbench: find and find
//! next, go to line, open a file (its effects answered by hand), the command palette (and a
//! snapshot of it), formatting, vim mode through the keymap, and the first focus.

mod tui_common;

use std::path::PathBuf;

use fathom::tui::keymap::Cmd;
use fathom::tui::state::{Action, Effect, Focus, Overlay, PromptKind, State};
use fathom::tui::update::update;
use fathom::tui::vim::{Mode, Vim};
use tui_common::{press, render, state, typ};

const SQL: &str = "SELECT ticker\nFROM reference.tb_meta\nWHERE sector = 'Technology'\nORDER BY ticker";

/// A workbench whose one tab holds `text`, the editor focused, the cursor at the start.
fn editing(text: &str) -> State {
    let mut s = state(false);
    press(&mut s, "f3");
    s.dirty = false;
    let _ = update(&mut s, Action::Paste(text.to_string()));
    if let Some(t) = s.tab_mut() {
        t.editor.move_cursor(tui_textarea::CursorMove::Jump(0, 0));
    }
    s
}

fn cursor(s: &State) -> (usize, usize) {
    s.tab().unwrap().editor.cursor()
}

fn prompt(s: &State) -> (PromptKind, String, Option<String>) {
    match &s.overlay {
        Some(Overlay::Prompt(p)) => (p.kind, p.input.clone(), p.error.clone()),
        other => panic!("no prompt: {other:?}"),
    }
}

#[test]
fn find_then_find_next_wraps_around() {
    let mut s = editing(SQL);
    press(&mut s, "ctrl-f");
    assert_eq!(prompt(&s).0, PromptKind::Find);
    typ(&mut s, "TICKER\n");
    assert!(s.overlay.is_none());
    assert_eq!(cursor(&s), (0, 7), "case-insensitive, after the cursor");
    press(&mut s, "alt-n");
    assert_eq!(cursor(&s), (3, 9));
    press(&mut s, "alt-n");
    assert_eq!(cursor(&s), (0, 7), "wrapped to the top");
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("back at the top")));
    // Not found: the prompt stays, saying so.
    press(&mut s, "ctrl-f");
    assert_eq!(prompt(&s).1, "TICKER", "the last search is offered again");
    for _ in 0..6 {
        press(&mut s, "backspace");
    }
    typ(&mut s, "nowhere\n");
    assert_eq!(prompt(&s).2.as_deref(), Some("'nowhere' is not in this tab"));
    press(&mut s, "esc");
    assert_eq!(cursor(&s), (0, 7));
}

#[test]
fn go_to_line_moves_and_refuses_a_line_that_is_not_there() {
    let mut s = editing(SQL);
    press(&mut s, "ctrl-g");
    typ(&mut s, "3\n");
    assert_eq!((cursor(&s), s.overlay.is_none()), ((2, 0), true));
    press(&mut s, "ctrl-g");
    typ(&mut s, "9\n");
    assert_eq!(prompt(&s).2.as_deref(), Some("this tab has lines 1 to 4"));
    press(&mut s, "backspace");
    typ(&mut s, "x\n");
    assert!(prompt(&s).2.unwrap().contains("'x' is not a line number"));
}

#[test]
fn open_file_completes_the_path_and_opens_a_new_tab() {
    let mut s = editing(SQL);
    press(&mut s, "ctrl-o");
    assert_eq!(prompt(&s).0, PromptKind::OpenFile);
    typ(&mut s, "queries/mar");
    let fx = press(&mut s, "tab");
    let input = match fx.as_slice() {
        [Effect::CompletePath { input }] => input.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(input, "queries/mar");
    // The executor's answer (the real completion, on the repo's queries/).
    let result = fathom::tui::files::complete_path(&input);
    update(&mut s, Action::PathCompleted { input, result });
    assert_eq!(prompt(&s).1, "queries/market/");
    typ(&mut s, "daily_p");
    let fx = press(&mut s, "tab");
    let Some(Effect::CompletePath { input }) = fx.into_iter().next() else { panic!("no completion asked") };
    let result = fathom::tui::files::complete_path(&input);
    update(&mut s, Action::PathCompleted { input, result });
    assert_eq!(prompt(&s).1, "queries/market/daily_prices.sql");
    let fx = press(&mut s, "enter");
    let path = match fx.as_slice() {
        [Effect::OpenFile { path }] => path.clone(),
        other => panic!("{other:?}"),
    };
    let tabs = s.tabs.len();
    let result = fathom::tui::files::read_sql(&path);
    update(&mut s, Action::Opened { path: path.clone(), result });
    assert_eq!(s.tabs.len(), tabs + 1);
    let tab = s.tab().unwrap();
    assert_eq!((tab.title.as_str(), tab.source.as_ref()), ("daily_prices", Some(&path)));
    assert!(tab.text().starts_with("-- name: Daily prices"));
    assert_eq!(s.focus, Focus::Editor);

    // A bad path: a clear notice, no tab.
    press(&mut s, "ctrl-o");
    typ(&mut s, "queries/nope.sql\n");
    let missing = PathBuf::from("queries/nope.sql");
    let result = fathom::tui::files::read_sql(&missing);
    update(&mut s, Action::Opened { path: missing, result });
    let n = s.notice.clone().unwrap();
    assert!(n.error && n.text.contains("queries/nope.sql does not exist"), "{}", n.text);
    assert_eq!(s.tabs.len(), tabs + 1);
    press(&mut s, "ctrl-o");
    press(&mut s, "enter");
    assert!(prompt(&s).2.unwrap().contains("name a .sql file"));
}

#[test]
fn palette_filters_fuzzily_and_runs_the_chosen_command() {
    let mut s = editing(SQL);
    press(&mut s, "alt-p");
    let Some(Overlay::Palette(p)) = &s.overlay else { panic!("no palette") };
    let all = p.matches(&s.keymap).len();
    assert!(all > 40, "every pane command is listed: {all}");
    typ(&mut s, "gotoline");
    let Some(Overlay::Palette(p)) = &s.overlay else { panic!("no palette") };
    let matches = p.matches(&s.keymap);
    assert_eq!(matches[0].cmd, Cmd::GoToLine);
    assert!(matches.len() < all);
    press(&mut s, "enter");
    assert_eq!(prompt(&s).0, PromptKind::GoToLine, "the palette ran go to line");

    // Down picks the next match; a grid command focuses the grid.
    press(&mut s, "esc");
    press(&mut s, "alt-p");
    typ(&mut s, "focus grid");
    press(&mut s, "enter");
    assert_eq!((s.focus, s.overlay.is_none()), (Focus::Grid, true));
    press(&mut s, "alt-p");
    typ(&mut s, "zzzzqqq");
    press(&mut s, "enter");
    assert!(s.overlay.is_none(), "nothing matches: enter only closes");
}

#[test]
fn palette_snapshot() {
    let mut s = editing(SQL);
    press(&mut s, "alt-p");
    typ(&mut s, "tab");
    insta::assert_snapshot!("palette_80x24", render(&mut s, 80, 24));
}

#[test]
fn format_key_formats_the_buffer_and_keeps_the_header() {
    let mut s = editing("-- name: q\n-- param: t text = A\nselect a, b from t where x = :t -- keep");
    press(&mut s, "alt-f");
    let text = s.tab().unwrap().text();
    assert!(text.starts_with("-- name: q\n-- param: t text = A\nSELECT\n"), "{text}");
    assert!(text.contains(":t") && text.contains("-- keep"), "{text}");
    press(&mut s, "alt-f");
    assert_eq!(s.tab().unwrap().text(), text, "formatting twice changes nothing");
    assert!(s.notice.as_ref().is_some_and(|n| n.text == "already formatted"));
    press(&mut s, "ctrl-z");
    press(&mut s, "ctrl-z");
    assert!(s.tab().unwrap().text().contains("select a, b from t"), "undo brings the old text back");
}

#[test]
fn vim_mode_through_the_keymap() {
    let mut s = editing(SQL);
    s.vim = Some(Vim::new());
    typ(&mut s, "jdd");
    assert_eq!(s.tab().unwrap().text(), "SELECT ticker\nWHERE sector = 'Technology'\nORDER BY ticker");
    // ctrl-r is redo in vim mode, never run.
    typ(&mut s, "u");
    let fx = press(&mut s, "ctrl-r");
    assert!(fx.iter().all(|e| !matches!(e, Effect::RunQuery { .. } | Effect::Estimate { .. })));
    assert_eq!(s.tab().unwrap().text().lines().count(), 3);
    // n repeats the last search ([vim] keymap section); / opens find.
    press(&mut s, "/");
    typ(&mut s, "ticker\n");
    assert_eq!(cursor(&s), (2, 9));
    press(&mut s, "n");
    assert_eq!(cursor(&s), (0, 7));
    // A visual selection is what runs: the status shows the mode.
    typ(&mut s, "0ve");
    assert_eq!(s.vim.as_ref().unwrap().mode, Mode::Visual);
    let screen = render(&mut s, 80, 24);
    assert!(screen.contains("-- VISUAL --"), "{screen}");
    let fx = press(&mut s, "f5");
    let key = fx.iter().find_map(|e| match e {
        Effect::Estimate { key, .. } => Some(key.sql.clone()),
        Effect::RunQuery { sql, .. } => Some(sql.clone()),
        _ => None,
    });
    assert_eq!(key.as_deref(), Some("SELECT"));
    // Insert mode types; esc leaves it.
    press(&mut s, "esc");
    typ(&mut s, "Oselect 1");
    assert_eq!(s.vim.as_ref().unwrap().mode, Mode::Insert);
    assert!(s.tab().unwrap().text().starts_with("select 1\nSELECT"));
}

#[test]
fn first_focus_is_the_browser_with_nothing_to_edit_else_the_editor() {
    let s = state(false);
    assert_eq!(s.focus, Focus::Browser);
    let mut s = state(false);
    let saved = fathom::tui::autosave::Session {
        tabs: vec![fathom::tui::autosave::SavedTab {
            title: "t".into(),
            profile: "local".into(),
            text: "SELECT 1".into(),
            source: None,
            cursor: (0, 0),
            params: vec![],
        }],
        active: 0,
        profiles: Default::default(),
    };
    s.restore(Some(saved.clone()));
    assert_eq!(s.focus, Focus::Editor);
    let mut empty = saved;
    empty.tabs[0].text = "  ".into();
    s.restore(Some(empty));
    assert_eq!(s.focus, Focus::Browser);
}

#[test]
fn the_focused_pane_shows_without_colour_in_ascii() {
    let mut s = tui_common::state(true);
    let screen = render(&mut s, 80, 24);
    assert!(screen.lines().next().unwrap().starts_with("#>"), "{screen}");
    press(&mut s, "f3");
    let screen = render(&mut s, 80, 24);
    assert!(!screen.lines().next().unwrap().starts_with("#>"), "{screen}");
    assert!(screen.contains("#> "), "{screen}");
}
