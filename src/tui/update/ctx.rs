//! Helpers every pane and overlay of `update` shares: after-edit bookkeeping, the statement
//! under the cursor, the parameter form. Imports no other `update` file.

use std::path::Path;

use crate::library::{ParamDecl, ParamType, parse_header};
use crate::tui::layout;
use crate::tui::state::{AUTOSAVE_AFTER, ESTIMATE_AFTER, Field, Overlay, ParamForm, State, Tab};
use crate::tui::statements;

/// After an edit: autosave soon, estimate once typing pauses.
pub fn edited(s: &mut State) {
    schedule_autosave(s);
    s.estimate_due = Some(s.now + ESTIMATE_AFTER);
    keep_cursor_visible(s);
}

/// Autosave within `AUTOSAVE_AFTER` of the first unsaved change (a steady typist is saved
/// every interval, not only when they stop).
pub fn schedule_autosave(s: &mut State) {
    if s.autosave_due.is_none() {
        s.autosave_due = Some(s.now + AUTOSAVE_AFTER);
    }
}

/// Scrolls the editor so the cursor is on screen.
pub fn keep_cursor_visible(s: &mut State) {
    let a = layout::areas_of(s);
    let (rows, cols) = (a.editor_rows().max(1), a.editor_cols().saturating_sub(5).max(1));
    if let Some(tab) = s.tab_mut() {
        let (r, c) = tab.editor.cursor();
        let (top, left) = &mut tab.scroll;
        if r < *top {
            *top = r;
        } else if r >= *top + rows {
            *top = r + 1 - rows;
        }
        if c < *left {
            *left = c;
        } else if c >= *left + cols {
            *left = c + 1 - cols;
        }
    }
}

/// The selection, else the statement under the cursor.
pub fn current_statement(tab: &Tab) -> Option<String> {
    let lines = tab.editor.lines();
    let text = lines.join("\n");
    if let Some(((r1, c1), (r2, c2))) = tab.editor.selection_range() {
        let (a, b) = (statements::offset_of(lines, r1, c1), statements::offset_of(lines, r2, c2));
        let sel = text.get(a..b).unwrap_or("").trim().trim_end_matches(';').trim();
        return (!sel.is_empty()).then(|| sel.to_string());
    }
    let (r, c) = tab.editor.cursor();
    statements::at_offset(&text, statements::offset_of(lines, r, c)).map(str::to_string)
}

/// The tab's declared params plus any `:name` in its text that is not declared.
pub fn param_decls(tab: &Tab, sql: Option<&str>) -> Result<Vec<ParamDecl>, String> {
    let text = tab.text();
    let source = tab.source.clone().unwrap_or_else(|| Path::new(&tab.title).to_path_buf());
    let mut decls = parse_header(&text, &source).map_err(|e| e.to_string())?.params;
    let scan = sql.unwrap_or(&text);
    for p in crate::library::params::placeholders(scan).unwrap_or_default() {
        if !decls.iter().any(|d| d.name == p.name) {
            let ty = if p.in_list { ParamType::List(Box::new(ParamType::Text)) } else { ParamType::Text };
            decls.push(ParamDecl { name: p.name, ty, default: None });
        }
    }
    if sql.is_some() {
        let used: Vec<String> =
            crate::library::params::placeholders(scan).unwrap_or_default().into_iter().map(|p| p.name).collect();
        decls.retain(|d| used.contains(&d.name));
    }
    Ok(decls)
}

/// Opens the parameter form of the active tab.
pub fn edit_params(s: &mut State, then_run: bool) {
    let Some(tab) = s.tab() else { return };
    let sql = if then_run { current_statement(tab) } else { None };
    let decls = match param_decls(tab, sql.as_deref()) {
        Ok(d) => d,
        Err(e) => return s.notify(e, true),
    };
    if decls.is_empty() {
        return s.notify("this tab's SQL has no :parameters", false);
    }
    let fields = decls
        .into_iter()
        .map(|decl| {
            let value = tab
                .params
                .iter()
                .find(|(n, _)| *n == decl.name)
                .map(|(_, v)| v.clone())
                .or_else(|| decl.default.clone())
                .unwrap_or_default();
            Field { decl, value, error: None }
        })
        .collect();
    s.overlay = Some(Overlay::Form(ParamForm { tab: tab.id, fields, focus: 0, then_run }));
}

