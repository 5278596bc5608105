//! Keys of the list panes: the catalog (tables, then one table's columns, partition spec and
//! snapshots; names and a SELECT go into the editor), the quality panel (a check's
//! drill-down opens in a new tab) and the history pane (the run ledger; a run's SQL opens in
//! a new tab, `/` filters).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::keymap::Cmd;
use crate::tui::state::{Effect, Focus, HistoryView, Overlay, State, Tab, TableDetailView};
use crate::tui::update::ctx::edited;

/// Rows a page key moves in a list overlay.
fn page(s: &State) -> usize {
    s.size.1.saturating_sub(6).max(1) as usize
}

/// `selected` moved by a list command within `n` items.
fn moved(selected: usize, cmd: Cmd, n: usize, page: usize) -> usize {
    let last = n.saturating_sub(1);
    match cmd {
        Cmd::Up => selected.saturating_sub(1),
        Cmd::Down => (selected + 1).min(last),
        Cmd::PageUp => selected.saturating_sub(page),
        Cmd::PageDown => (selected + page).min(last),
        Cmd::Top => 0,
        Cmd::Bottom => last,
        _ => selected,
    }
}

fn is_move(cmd: Cmd) -> bool {
    matches!(cmd, Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom)
}

/// An identifier as SQL needs it: plain when lower-case letters, digits and `_`, else quoted.
pub fn ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain { name.to_string() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

/// Closes the overlay and types `text` at the editor's cursor.
fn insert(s: &mut State, text: String) {
    s.overlay = None;
    if let Some(tab) = s.tabs.get_mut(s.active) {
        tab.editor.insert_str(text);
        s.focus = Focus::Editor;
        edited(s);
    }
}

pub fn catalog_key(s: &mut State, cmd: Option<Cmd>, fx: &mut Vec<Effect>) {
    let page = page(s);
    let Some(Overlay::Catalog(c)) = &mut s.overlay else { return };
    let Some(cmd) = cmd else { return };
    if matches!(cmd, Cmd::Close | Cmd::Catalog) {
        s.overlay = None;
        return;
    }
    if let Some(d) = &mut c.detail {
        let columns: Vec<String> = match &d.detail {
            Some(Ok(detail)) => detail.columns.iter().map(|col| ident(&col.name)).collect(),
            _ => Vec::new(),
        };
        let table = format!("{}.{}", ident(&d.schema), ident(&d.name));
        match cmd {
            _ if is_move(cmd) => d.selected = moved(d.selected, cmd, columns.len(), page),
            Cmd::Left => c.detail = None,
            Cmd::Submit | Cmd::InsertName => {
                let name = columns.get(d.selected).cloned().unwrap_or(table);
                insert(s, name);
            }
            Cmd::InsertSelect => {
                let list = if columns.is_empty() { "*".to_string() } else { columns.join(", ") };
                insert(s, format!("SELECT {list} FROM {table} LIMIT 100"));
            }
            _ => {}
        }
        return;
    }
    let tables = match &c.tables {
        Some(Ok(t)) => t.clone(),
        _ => Vec::new(),
    };
    let picked = tables.get(c.selected).cloned();
    match (cmd, picked) {
        (cmd, _) if is_move(cmd) => c.selected = moved(c.selected, cmd, tables.len(), page),
        (Cmd::Submit | Cmd::Right, Some(t)) => {
            c.detail = Some(TableDetailView { schema: t.schema.clone(), name: t.name.clone(), detail: None, selected: 0 });
            fx.push(Effect::Describe { profile: c.profile.clone(), schema: t.schema, table: t.name });
        }
        (Cmd::InsertName, Some(t)) => insert(s, format!("{}.{}", ident(&t.schema), ident(&t.name))),
        (Cmd::InsertSelect, Some(t)) => insert(s, format!("SELECT * FROM {}.{} LIMIT 100", ident(&t.schema), ident(&t.name))),
        _ => {}
    }
}

/// The quality panel: move, close, or open the selected check's drill-down SQL in a new tab.
pub fn quality_key(s: &mut State, cmd: Option<Cmd>) {
    let page = page(s);
    let Some(Overlay::Quality(q)) = &mut s.overlay else { return };
    let n = match &q.results {
        Some(Ok(r)) => r.len(),
        _ => 0,
    };
    match cmd {
        Some(cmd) if is_move(cmd) => q.selected = moved(q.selected, cmd, n, page),
        Some(Cmd::Close | Cmd::Quality) => s.overlay = None,
        Some(Cmd::Submit) => {
            let picked = match &q.results {
                Some(Ok(r)) => r.get(q.selected).map(|c| (format!("check {}", c.id), c.drilldown.clone(), q.profile.clone())),
                _ => None,
            };
            s.overlay = None;
            if let Some((title, sql, profile)) = picked {
                open_tab(s, &title, &profile, &sql, Vec::new());
            }
        }
        _ => {}
    }
}

/// Opens `sql` in a new editor tab on `profile` (the default one if it is not configured).
fn open_tab(s: &mut State, title: &str, profile: &str, sql: &str, params: Vec<(String, String)>) {
    let profile = if s.engines.contains_key(profile) { profile.to_string() } else { s.default_profile.clone() };
    let id = s.fresh_id();
    let mut tab = Tab::new(id, title, &profile, sql);
    tab.params = params;
    s.tabs.push(tab);
    s.active = s.tabs.len() - 1;
    s.focus = Focus::Editor;
    edited(s);
}

/// The history pane: move, filter, close, or open the selected run's SQL (with its
/// parameter values) in a new tab on its profile.
pub fn history_key(s: &mut State, cmd: Option<Cmd>) {
    let page = page(s);
    let Some(Overlay::History(h)) = &mut s.overlay else { return };
    let n = h.visible().len();
    match cmd {
        Some(cmd) if is_move(cmd) => h.selected = moved(h.selected, cmd, n, page),
        Some(Cmd::Filter) => h.filtering = true,
        Some(Cmd::Close) if !h.filter.is_empty() => {
            h.filter.clear();
            h.selected = 0;
        }
        Some(Cmd::Close | Cmd::History) => s.overlay = None,
        Some(Cmd::Submit) => {
            let picked = h.visible().get(h.selected).map(|r| {
                (format!("run {}", r.time.format("%m-%d %H:%M")), r.profile.clone(), r.sql.clone(), r.params.clone())
            });
            if let Some((title, profile, sql, params)) = picked {
                s.overlay = None;
                open_tab(s, &title, &profile, &sql, params);
            }
        }
        _ => {}
    }
}

/// Typing into the history filter. Returns false for keys the filter does not take (moves).
pub fn history_filter_key(h: &mut HistoryView, k: &KeyEvent) -> bool {
    match k.code {
        KeyCode::Char(c) if !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => h.filter.push(c),
        KeyCode::Backspace => {
            h.filter.pop();
        }
        KeyCode::Enter => h.filtering = false,
        KeyCode::Esc => {
            h.filtering = false;
            h.filter.clear();
        }
        _ => return false,
    }
    h.selected = 0;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(ident("trade_date"), "trade_date");
        assert_eq!(ident("Trade Date"), "\"Trade Date\"");
        assert_eq!(ident("1st"), "\"1st\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }
}
