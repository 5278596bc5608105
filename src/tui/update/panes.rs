//! Keys of the three panes: the browser (moving, folding, filtering, opening a saved query),
//! the editor (text goes to tui-textarea) and the grid (moving, sorting, copying, exporting).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::CursorMove;

use crate::tui::browser::Row;
use crate::tui::grid::Cell;
use crate::tui::keymap::Cmd;
use crate::tui::state::{Effect, Focus, Overlay, Prompt, PromptKind, RunState, State, Tab};
use crate::tui::layout::areas_of as areas;
use crate::tui::update::ctx::{edit_params, edited, keep_cursor_visible};

/// Typing into the browser's filter. Returns false for keys the filter does not take.
pub fn filter_key(s: &mut State, k: &KeyEvent) -> bool {
    let b = &mut s.browser;
    match k.code {
        KeyCode::Char(c) if !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            b.filter.push(c);
            b.select_first_query();
        }
        KeyCode::Backspace => {
            b.filter.pop();
            b.select_first_query();
        }
        KeyCode::Enter => {
            b.filtering = false;
            if b.selected_query().is_some() {
                browser_cmd(s, Cmd::Open);
            }
        }
        KeyCode::Esc => {
            b.filtering = false;
            b.filter.clear();
            b.select_first_query();
        }
        KeyCode::Up => b.move_by(-1),
        KeyCode::Down => b.move_by(1),
        _ => return false,
    }
    true
}

pub fn browser_cmd(s: &mut State, cmd: Cmd) {
    let page = areas(s).browser.map(|r| r.height.saturating_sub(2) as isize).unwrap_or(10).max(1);
    let b = &mut s.browser;
    match cmd {
        Cmd::Up => b.move_by(-1),
        Cmd::Down => b.move_by(1),
        Cmd::PageUp => b.move_by(-page),
        Cmd::PageDown => b.move_by(page),
        Cmd::Top => b.selected = 0,
        Cmd::Bottom => b.move_by(isize::MAX / 2),
        Cmd::Filter => b.filtering = true,
        Cmd::Close => {
            b.filter.clear();
            b.select_first_query();
        }
        Cmd::Open => match b.rows().get(b.selected).copied() {
            Some(Row::Group(i)) => b.toggle_group(i),
            Some(Row::Query(i)) => open_query(s, i),
            None => {}
        },
        _ => {}
    }
}

/// Opens saved query `item` in a new tab; a query with parameters opens its form.
pub fn open_query(s: &mut State, item: usize) {
    let Some(q) = s.browser.items.get(item).cloned() else { return };
    let id = s.fresh_id();
    let profile = match &q.profile {
        Some(server) => server.clone(),
        None => remembered_profile(s, &q.path).unwrap_or_else(|| s.default_profile.clone()),
    };
    let mut tab = Tab::new(id, &q.stem, &profile, &q.text);
    // A named query lives on the server: saving writes a new local file.
    tab.source = q.profile.is_none().then(|| q.path.clone());
    let first_sql_line = q.text.lines().position(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--")).unwrap_or(0);
    tab.editor.move_cursor(CursorMove::Jump(u16::try_from(first_sql_line).unwrap_or(0), 0));
    s.tabs.push(tab);
    s.active = s.tabs.len() - 1;
    s.focus = Focus::Editor;
    edited(s);
    match &q.header {
        Err(e) => s.notify(format!("{e} (the text is open; fix the header and save)"), true),
        Ok(h) if !h.params.is_empty() => edit_params(s, false),
        Ok(_) => {}
    }
}

/// The profile the user last chose (F8) for the saved query at `path`, when it is still
/// configured; says so, or that it is gone.
pub fn remembered_profile(s: &mut State, path: &std::path::Path) -> Option<String> {
    let chosen = s.query_profiles.get(path)?.clone();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if s.engines.contains_key(&chosen) {
        s.notify(format!("{name} opens on profile {chosen}, your last choice for it (F8 switches)"), false);
        Some(chosen)
    } else {
        s.notify(format!("{name} was last run on profile {chosen}, which is no longer in the config; it opens on {}", s.default_profile), true);
        None
    }
}

/// A key the keymap does not claim: text for tui-textarea.
pub fn editor_input(s: &mut State, k: KeyEvent) {
    let Some(tab) = s.tab_mut() else { return };
    let before = tab.editor.cursor();
    let changed = tab.editor.input(k);
    let moved = tab.editor.cursor() != before;
    if changed {
        edited(s);
    } else if moved {
        s.estimate_due = Some(s.now + crate::tui::state::ESTIMATE_AFTER);
        keep_cursor_visible(s);
    }
}

pub fn editor_cmd(s: &mut State, cmd: Cmd) {
    let Some(tab) = s.tab_mut() else { return };
    let changed = match cmd {
        Cmd::Undo => tab.editor.undo(),
        Cmd::Redo => tab.editor.redo(),
        _ => false,
    };
    if changed {
        edited(s);
    }
}

pub fn grid_cmd(s: &mut State, cmd: Cmd, fx: &mut Vec<Effect>) {
    let a = areas(s);
    let (height, width) = (a.grid_rows().max(1), a.grid_cols());
    let Some(RunState::Ready(rs)) = s.tabs.get_mut(s.active).map(|t| &mut t.run) else {
        if matches!(cmd, Cmd::Up | Cmd::Down | Cmd::Left | Cmd::Right) {
            return;
        }
        return s.notify("no result in this tab yet: run a statement first (F5)", false);
    };
    let (r, c, h) = (rs.row as isize, rs.col as isize, height as isize);
    match cmd {
        Cmd::Up => rs.move_to(r - 1, c, height),
        Cmd::Down => rs.move_to(r + 1, c, height),
        Cmd::Left => rs.move_to(r, c - 1, height),
        Cmd::Right => rs.move_to(r, c + 1, height),
        Cmd::PageUp => rs.move_to(r - h, c, height),
        Cmd::PageDown => rs.move_to(r + h, c, height),
        Cmd::Top => rs.move_to(0, c, height),
        Cmd::Bottom => rs.move_to(isize::MAX / 2, c, height),
        Cmd::Sort if rs.cols() > 0 => {
            let sort = rs.next_sort(rs.col);
            fx.push(Effect::Sort { query_id: rs.query_id, batch: rs.out.batch.clone(), sort });
        }
        Cmd::Jump => {
            s.overlay = Some(Overlay::Prompt(Prompt { kind: PromptKind::JumpToRow, input: String::new(), error: None }));
        }
        Cmd::CopyCell if rs.rows() > 0 => {
            let text = match rs.cell(rs.row, rs.col) {
                Cell::Null => String::new(),
                Cell::Value(v) => v,
            };
            let msg = format!("copied the cell ({} characters) to the clipboard", text.chars().count());
            fx.push(Effect::Copy(text));
            s.notify(msg, false);
        }
        Cmd::CopyRow if rs.rows() > 0 => {
            fx.push(Effect::Copy(rs.row_text(rs.row)));
            let msg = format!("copied row {} to the clipboard (tab-separated)", rs.row + 1);
            s.notify(msg, false);
        }
        Cmd::OpenRecord => super::record::open(s),
        Cmd::Export => {
            let input = "result.csv".to_string();
            s.overlay = Some(Overlay::Prompt(Prompt { kind: PromptKind::Export, input, error: None }));
        }
        _ => {}
    }
    if let Some(RunState::Ready(rs)) = s.tabs.get_mut(s.active).map(|t| &mut t.run) {
        rs.scroll_to_col(width);
    }
}
