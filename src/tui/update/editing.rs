//! The everyday editor keys (issue 14): find and find next, go to line, formatting the
//! buffer or the selection, opening a .sql file into a new tab, the command palette, and
//! routing keys through vim mode. `mod.rs` calls these; they import only `ctx.rs`.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::CursorMove;

use crate::library::format::{format_fragment, format_sql};
use crate::tui::keymap::{Cmd, Context};
use crate::tui::palette::Palette;
use crate::tui::state::{Action, Effect, Focus, Overlay, Prompt, PromptKind, State, Tab};
use crate::tui::update::ctx::{edited, keep_cursor_visible};
use crate::tui::vim::{Handled, Mode};

fn prompt(s: &mut State, kind: PromptKind, input: String) {
    s.overlay = Some(Overlay::Prompt(Prompt { kind, input, error: None }));
}

/// The editor commands of this file; false for any other command.
pub fn editor_cmd(s: &mut State, cmd: Cmd) -> bool {
    match cmd {
        Cmd::Find => {
            let input = selected_text(s).filter(|t| !t.contains('\n')).or_else(|| s.last_find.clone()).unwrap_or_default();
            prompt(s, PromptKind::Find, input);
        }
        Cmd::FindNext => match s.last_find.clone() {
            Some(needle) => {
                if let Err(e) = find_next(s, &needle) {
                    s.notify(e, false);
                }
            }
            None => prompt(s, PromptKind::Find, String::new()),
        },
        Cmd::GoToLine => prompt(s, PromptKind::GoToLine, String::new()),
        Cmd::Format => format(s),
        _ => return false,
    }
    true
}

fn selected_text(s: &State) -> Option<String> {
    let tab = s.tab()?;
    let ((r1, c1), (r2, c2)) = tab.editor.selection_range()?;
    let lines = tab.editor.lines();
    let text = lines.join("\n");
    let (a, b) = (crate::tui::statements::offset_of(lines, r1, c1), crate::tui::statements::offset_of(lines, r2, c2));
    text.get(a..b).map(str::to_string).filter(|t| !t.is_empty())
}

/// Lowercased characters, for a case-insensitive search by character positions.
fn folded(text: &str) -> Vec<char> {
    text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

/// The next match of `needle` after the cursor (case-insensitive, wrapping at the end).
pub fn find_next(s: &mut State, needle: &str) -> Result<(), String> {
    let want = folded(needle);
    if want.is_empty() {
        return Err("type the text to find".into());
    }
    let Some(tab) = s.tab_mut() else { return Err("no tab".into()) };
    let (row, col) = tab.editor.cursor();
    let lines: Vec<Vec<char>> = tab.editor.lines().iter().map(|l| folded(l)).collect();
    let n = lines.len();
    let found_in = |line: &[char], from: usize| (from..=line.len().saturating_sub(want.len())).find(|&i| line[i..].starts_with(&want));
    let mut hit = None;
    for step in 0..=n {
        let r = (row + step) % n;
        let from = if step == 0 { col + 1 } else { 0 };
        if let Some(c) = found_in(&lines[r], from) {
            if step == n && c > col {
                break;
            }
            hit = Some((r, c));
            break;
        }
    }
    let Some((r, c)) = hit else { return Err(format!("'{needle}' is not in this tab")) };
    tab.editor.cancel_selection();
    tab.editor.move_cursor(CursorMove::Jump(u16::try_from(r).unwrap_or(u16::MAX), u16::try_from(c).unwrap_or(u16::MAX)));
    let wrapped = (r, c) <= (row, col);
    s.last_find = Some(needle.to_string());
    keep_cursor_visible(s);
    if wrapped {
        s.notify(format!("'{needle}': back at the top"), false);
    }
    Ok(())
}

pub fn go_to_line(s: &mut State, input: &str) -> Result<(), String> {
    let Some(tab) = s.tab_mut() else { return Err("no tab".into()) };
    let total = tab.editor.lines().len();
    let n: usize = input.parse().map_err(|_| format!("'{input}' is not a line number: type 1 to {total}"))?;
    if n == 0 || n > total {
        return Err(format!("this tab has lines 1 to {total}"));
    }
    tab.editor.cancel_selection();
    tab.editor.move_cursor(CursorMove::Jump(u16::try_from(n - 1).unwrap_or(u16::MAX), 0));
    keep_cursor_visible(s);
    Ok(())
}

/// Formats the selection, else the whole tab; the yank buffer is kept as it was.
fn format(s: &mut State) {
    let Some(tab) = s.tab_mut() else { return };
    let yank = tab.editor.yank_text();
    let result = match tab.editor.selection_range() {
        Some(_) => replace_selection(tab),
        None => replace_all(tab),
    };
    tab.editor.set_yank_text(yank);
    if let Some(vim) = &mut s.vim
        && vim.mode != Mode::Insert
    {
        vim.mode = Mode::Normal;
    }
    match result {
        Ok(true) => {
            edited(s);
            s.notify("formatted", false);
        }
        Ok(false) => s.notify("already formatted", false),
        Err(e) => s.notify(format!("not formatted: {e}"), true),
    }
}

fn replace_selection(tab: &mut Tab) -> Result<bool, String> {
    let Some(((r1, c1), (r2, c2))) = tab.editor.selection_range() else { return Ok(false) };
    let lines = tab.editor.lines();
    let text = lines.join("\n");
    let (a, b) = (crate::tui::statements::offset_of(lines, r1, c1), crate::tui::statements::offset_of(lines, r2, c2));
    let old = text.get(a..b).unwrap_or("").to_string();
    let new = format_fragment(&old).map_err(|e| e.to_string())?;
    if new == old {
        tab.editor.cancel_selection();
        return Ok(false);
    }
    tab.editor.cut();
    tab.editor.insert_str(&new);
    Ok(true)
}

fn replace_all(tab: &mut Tab) -> Result<bool, String> {
    let old = tab.text();
    let new = format_sql(&old).map_err(|e| e.to_string())?;
    if new == old {
        return Ok(false);
    }
    let (row, _) = tab.editor.cursor();
    tab.editor.select_all();
    tab.editor.cut();
    tab.editor.insert_str(&new);
    let last = tab.editor.lines().len().saturating_sub(1);
    tab.editor.move_cursor(CursorMove::Jump(u16::try_from(row.min(last)).unwrap_or(u16::MAX), 0));
    Ok(true)
}

/// Submits the prompts of this file; `None` for the other prompts.
pub fn submit(s: &mut State, kind: PromptKind, input: &str, fx: &mut Vec<Effect>) -> Option<Result<(), String>> {
    Some(match kind {
        PromptKind::Find => find_next(s, input),
        PromptKind::GoToLine => go_to_line(s, input),
        PromptKind::OpenFile => open_file(input, fx),
        _ => return None,
    })
}

fn open_file(input: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
    if input.is_empty() {
        return Err("name a .sql file (Tab completes the path)".into());
    }
    if input.ends_with('/') {
        return Err(format!("{input} is a folder: name a .sql file in it (Tab completes)"));
    }
    let path = match input.strip_prefix("~/").zip(std::env::var_os("HOME")) {
        Some((rest, home)) => PathBuf::from(home).join(rest),
        None => PathBuf::from(input),
    };
    fx.push(Effect::OpenFile { path });
    Ok(())
}

/// Tab in the open-file prompt: asks for the path completed.
pub fn complete_key(s: &mut State, k: &KeyEvent, fx: &mut Vec<Effect>) -> bool {
    match &s.overlay {
        Some(Overlay::Prompt(p)) if p.kind == PromptKind::OpenFile && k.code == KeyCode::Tab => {
            fx.push(Effect::CompletePath { input: p.input.clone() });
            true
        }
        _ => false,
    }
}

/// The replies to open-file's effects.
pub fn reply(s: &mut State, action: Action) {
    s.dirty = true;
    match action {
        Action::Opened { path, result: Ok(text) } => {
            let id = s.fresh_id();
            let title = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
            let current = s.tab().map(|t| t.profile.clone()).unwrap_or_else(|| s.default_profile.clone());
            let profile = super::panes::remembered_profile(s, &path);
            let mut tab = Tab::new(id, &title, profile.as_deref().unwrap_or(&current), text.trim_end_matches('\n'));
            tab.source = Some(path.clone());
            s.tabs.push(tab);
            s.active = s.tabs.len() - 1;
            s.focus = Focus::Editor;
            edited(s);
            if profile.is_none() {
                s.notify(format!("opened {}", path.display()), false);
            }
        }
        Action::Opened { result: Err(e), .. } => s.notify(e, true),
        Action::PathCompleted { input, result } => {
            if let Some(Overlay::Prompt(p)) = &mut s.overlay
                && p.kind == PromptKind::OpenFile
                && p.input == input
            {
                match result {
                    Ok(done) => {
                        p.error = (done == input).then(|| "nothing more to complete".to_string());
                        p.input = done;
                    }
                    Err(e) => p.error = Some(e),
                }
            }
        }
        _ => {}
    }
}

/// Opens the palette.
pub fn open_palette(s: &mut State) {
    s.overlay = Some(Overlay::Palette(Palette::default()));
}

/// A key in the palette; returns the command to run (and the pane it belongs to) on Enter.
pub fn palette_key(s: &mut State, cmd: Option<Cmd>, k: &KeyEvent) -> Option<(Context, Cmd)> {
    let keymap = s.keymap.clone();
    let Some(Overlay::Palette(p)) = &mut s.overlay else { return None };
    let len = p.matches(&keymap).len();
    match (cmd, k.code) {
        (Some(Cmd::Close), _) => s.overlay = None,
        (Some(Cmd::Submit), _) => {
            let chosen = p.chosen(&keymap);
            s.overlay = None;
            return chosen.map(|e| (e.ctx, e.cmd));
        }
        (_, KeyCode::Up) => p.move_by(-1, len),
        (_, KeyCode::Down) => p.move_by(1, len),
        (_, KeyCode::PageUp) => p.move_by(-10, len),
        (_, KeyCode::PageDown) => p.move_by(10, len),
        (_, KeyCode::Backspace) => p.backspace(),
        (_, KeyCode::Char(c)) if !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => p.type_char(c),
        _ => {}
    }
    None
}

/// A key in the editor with vim mode on: where it goes (`None`: vim mode is off).
pub fn vim_key(s: &mut State, k: &KeyEvent) -> Option<VimRoute> {
    let vim = s.vim.as_mut()?;
    if vim.mode != Mode::Insert
        && let Some((cmd, _)) = s.keymap.sections.get(&Context::Vim).and_then(|e| e.iter().find(|(_, ch)| ch.iter().any(|c| c.matches(k))))
    {
        return Some(VimRoute::Command(*cmd));
    }
    let tab = s.tabs.get_mut(s.active)?;
    match vim.key(&mut tab.editor, k) {
        Handled::No if vim.mode == Mode::Insert => Some(VimRoute::Keymap { typing: true }),
        Handled::No => Some(VimRoute::Keymap { typing: false }),
        Handled::Moved => {
            keep_cursor_visible(s);
            s.estimate_due = Some(s.now + crate::tui::state::ESTIMATE_AFTER);
            Some(VimRoute::Done)
        }
        Handled::Edited => {
            edited(s);
            Some(VimRoute::Done)
        }
    }
}

/// Where a key goes after vim mode saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VimRoute {
    /// Vim did it.
    Done,
    /// A `[vim]` keymap command.
    Command(Cmd),
    /// The keymap's; `typing`: a key the keymap does not bind types text (insert mode).
    Keymap { typing: bool },
}
