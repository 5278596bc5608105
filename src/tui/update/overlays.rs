//! Keys of the overlays: the parameter form (typed fields, validated with the declared
//! type before anything runs), one-line prompts (jump, export, save) and the help screen;
//! `mod.rs` routes each overlay's keys here, to `lists.rs`, `budget.rs` or `questions.rs`.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::export::Format;
use crate::library::ParamType;
use crate::tui::keymap::Cmd;
use crate::tui::state::{Effect, Overlay, ParamForm, Prompt, PromptKind, RunState, State};
use crate::tui::layout::areas_of as areas;
use crate::tui::update::ctx::schedule_autosave;
use crate::tui::update::run::run;

pub fn help_key(s: &mut State, cmd: Option<Cmd>) {
    let page = s.size.1.saturating_sub(6) as usize;
    let total = s.keymap.help_lines().len() + 1 + crate::tui::vim::BUILTIN.len();
    let Some(Overlay::Help { scroll }) = &mut s.overlay else { return };
    match cmd {
        Some(Cmd::Up) => *scroll = scroll.saturating_sub(1),
        Some(Cmd::Down) => *scroll = (*scroll + 1).min(total.saturating_sub(1)),
        Some(Cmd::PageUp) => *scroll = scroll.saturating_sub(page),
        Some(Cmd::PageDown) => *scroll = (*scroll + page).min(total.saturating_sub(1)),
        Some(Cmd::Close | Cmd::Help) => s.overlay = None,
        _ => {}
    }
}

/// A printable character (no ctrl/alt).
fn typed(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c) if !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}

pub fn form_key(s: &mut State, cmd: Option<Cmd>, k: &KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Overlay::Form(form)) = &mut s.overlay else { return };
    let n = form.fields.len().max(1);
    match cmd {
        Some(Cmd::NextField) => form.focus = (form.focus + 1) % n,
        Some(Cmd::PrevField) => form.focus = (form.focus + n - 1) % n,
        Some(Cmd::Close) => s.overlay = None,
        Some(Cmd::Submit) => {
            let form = form.clone();
            submit_form(s, form, fx);
        }
        _ => {
            let Some(field) = form.fields.get_mut(form.focus) else { return };
            field.error = None;
            match (&field.decl.ty, k.code) {
                (ParamType::Choice(choices), KeyCode::Left | KeyCode::Right) => {
                    let at = choices.iter().position(|c| *c == field.value);
                    let len = choices.len();
                    let next = match (at, k.code) {
                        (Some(i), KeyCode::Right) => (i + 1) % len,
                        (Some(i), _) => (i + len - 1) % len,
                        (None, _) => 0,
                    };
                    field.value = choices.get(next).cloned().unwrap_or_default();
                }
                (ParamType::Bool, KeyCode::Left | KeyCode::Right) => {
                    field.value = if field.value == "true" { "false".into() } else { "true".into() };
                }
                (_, KeyCode::Backspace) => {
                    field.value.pop();
                }
                _ => {
                    if let Some(c) = typed(k) {
                        field.value.push(c);
                    }
                }
            }
        }
    }
}

/// Validates every field with its declared type; on success the values go to the tab
/// (bound at run time, never pasted into the SQL).
fn submit_form(s: &mut State, mut form: ParamForm, fx: &mut Vec<Effect>) {
    let mut first_bad = None;
    for (i, f) in form.fields.iter_mut().enumerate() {
        f.error = f.decl.ty.parse_value(&f.value).err();
        if f.error.is_some() && first_bad.is_none() {
            first_bad = Some(i);
        }
    }
    if let Some(i) = first_bad {
        form.focus = i;
        s.overlay = Some(Overlay::Form(form));
        return;
    }
    s.overlay = None;
    let Some(tab) = s.tabs.iter_mut().find(|t| t.id == form.tab) else { return };
    for f in &form.fields {
        match tab.params.iter_mut().find(|(n, _)| *n == f.decl.name) {
            Some(slot) => slot.1 = f.value.clone(),
            None => tab.params.push((f.decl.name.clone(), f.value.clone())),
        }
    }
    schedule_autosave(s);
    if form.then_run {
        run(s, fx);
    }
}

pub fn prompt_key(s: &mut State, cmd: Option<Cmd>, k: &KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Overlay::Prompt(p)) = &mut s.overlay else { return };
    match cmd {
        Some(Cmd::Close) => s.overlay = None,
        Some(Cmd::Submit) => {
            let p = p.clone();
            submit_prompt(s, p, fx);
        }
        _ => {
            p.error = None;
            if k.code == KeyCode::Backspace {
                p.input.pop();
            } else if let Some(c) = typed(k) {
                p.input.push(c);
            }
        }
    }
}

fn submit_prompt(s: &mut State, mut p: Prompt, fx: &mut Vec<Effect>) {
    let input = p.input.trim().to_string();
    let result: Result<(), String> = match p.kind {
        PromptKind::JumpToRow => jump(s, &input),
        PromptKind::Export => export(s, &input, fx),
        PromptKind::SaveQuery => save(s, &input, fx),
        // Find, go to line, open a file.
        kind => crate::tui::update::editing::submit(s, kind, &input, fx).unwrap_or(Ok(())),
    };
    match result {
        Ok(()) => {
            if matches!(s.overlay, Some(Overlay::Prompt(_))) {
                s.overlay = None;
            }
        }
        Err(e) => {
            p.error = Some(e);
            s.overlay = Some(Overlay::Prompt(p));
        }
    }
}

fn jump(s: &mut State, input: &str) -> Result<(), String> {
    let n: usize = input.parse().map_err(|_| format!("'{input}' is not a row number"))?;
    let height = areas(s).grid_rows();
    match s.tabs.get_mut(s.active).map(|t| &mut t.run) {
        Some(RunState::Ready(rs)) => {
            if n == 0 || n > rs.rows() {
                return Err(format!("rows are numbered 1 to {}", rs.rows()));
            }
            let col = rs.col as isize;
            rs.move_to(n as isize - 1, col, height);
            Ok(())
        }
        _ => Err("no result to jump in".into()),
    }
}

fn export(s: &mut State, input: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
    let path = PathBuf::from(input);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = Format::parse(ext).filter(|f| *f != Format::Table);
    if input.is_empty() || format.is_none() {
        return Err("name a file ending in .csv, .json, .parquet or .arrow".into());
    }
    let Some(RunState::Ready(rs)) = s.tab().map(|t| &t.run) else {
        return Err("no result to export".into());
    };
    let batch = match &rs.order {
        Some(order) => {
            let idx = arrow::array::UInt32Array::from(order.clone());
            let cols = rs
                .out
                .batch
                .columns()
                .iter()
                .map(|c| arrow::compute::take(c.as_ref(), &idx, None))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("cannot apply the sort for export: {e}"))?;
            arrow::record_batch::RecordBatch::try_new(rs.out.batch.schema(), cols).map_err(|e| e.to_string())?
        }
        None => rs.out.batch.clone(),
    };
    fx.push(Effect::Export { path, batch });
    Ok(())
}

fn save(s: &mut State, input: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
    if input.is_empty() {
        return Err("name the file, e.g. my_query.sql".into());
    }
    let mut path = PathBuf::from(input);
    if path.is_relative() && path.parent().is_none_or(|p| p.as_os_str().is_empty()) {
        path = s.user_query_dir.join(path);
    }
    if path.extension().is_none() {
        path.set_extension("sql");
    }
    let Some(tab) = s.tab_mut() else { return Err("no tab".into()) };
    let mut text = tab.text();
    if !text.trim_start().starts_with("--") {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        text = format!("-- name: {name}\n-- engine: any\n{text}");
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    tab.source = Some(path.clone());
    tab.title = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    fx.push(Effect::SaveFile { path, text });
    schedule_autosave(s);
    Ok(())
}
