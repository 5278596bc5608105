//! Completion's keys and replies. Tab after a word character or `.` completes the word at
//! the cursor: a single candidate is put in at once, several open the popup (Up/Down or
//! ctrl-n/ctrl-p move, Enter/Tab accept, Esc closes, typing narrows it). Tab anywhere else
//! indents, as before. Names load per profile in the background (`Effect::LoadNames`); the
//! columns of a table are described when it is in scope of a completion, never up front.

use ratatui::crossterm::event::KeyEvent;

use crate::complete::{self, Columns, Completion, Names, key};
use crate::tui::complete::{Known, Popup};
use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{Effect, State};
use crate::tui::statements;
use crate::tui::update::ctx::{edited, param_decls};

/// Asks for the names of `profile` unless they are loaded or loading.
pub fn ensure(s: &mut State, profile: &str, fx: &mut Vec<Effect>) {
    if !s.complete.profiles.contains_key(profile) {
        s.complete.profiles.insert(profile.to_string(), Known { loading: true, ..Known::default() });
        fx.push(Effect::LoadNames { profile: profile.to_string() });
        s.dirty = true;
    }
}

/// At start: the names of every open tab's profile.
pub fn warm(s: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    let profiles: Vec<String> = s.tabs.iter().map(|t| t.profile.clone()).collect();
    for p in profiles {
        ensure(s, &p, &mut fx);
    }
    fx
}

/// A key while the popup is open: true if the popup took it.
pub fn popup_key(s: &mut State, k: &KeyEvent) -> bool {
    let Some(p) = &mut s.complete.popup else { return false };
    if s.tabs.get(s.active).map(|t| t.id) != Some(p.tab) {
        s.complete.popup = None;
        return false;
    }
    let n = p.items.len().max(1);
    match s.keymap.lookup(Context::Completion, k) {
        Some(Cmd::Up) => p.selected = (p.selected + n - 1) % n,
        Some(Cmd::Down) => p.selected = (p.selected + 1) % n,
        Some(Cmd::Close) => s.complete.popup = None,
        Some(Cmd::Submit) => match p.items.get(p.selected).cloned() {
            Some(item) => accept(s, &item.text),
            // Still loading: accept a lone candidate when it comes.
            None if p.waiting => p.accept_when_ready = true,
            None => s.complete.popup = None,
        },
        _ => {
            p.accept_when_ready = false;
            return false;
        }
    }
    true
}

/// After a key the popup did not take: follow the word, or close when the cursor left it.
pub fn follow(s: &mut State, fx: &mut Vec<Effect>) {
    if s.complete.popup.is_some() {
        refresh(s, fx);
    }
}

/// Tab in the editor: complete the word before the cursor, or indent.
pub fn open(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(tab) = s.tabs.get_mut(s.active) else { return };
    let (row, col) = tab.editor.cursor();
    let before = tab.editor.lines().get(row).and_then(|l| l.chars().take(col).last());
    if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == ':') {
        tab.editor.insert_tab();
        return edited(s);
    }
    let (id, profile) = (tab.id, tab.profile.clone());
    ensure(s, &profile, fx);
    s.complete.popup = Some(Popup { tab: id, row, col, items: vec![], selected: 0, waiting: false, accept_when_ready: true });
    refresh(s, fx);
}

/// The completion at the active tab's cursor, with the statement it was made in.
fn at_cursor(s: &State) -> Option<(Completion, String, usize)> {
    let tab = s.tabs.get(s.active)?;
    let lines = tab.editor.lines();
    let text = lines.join("\n");
    let (row, col) = tab.editor.cursor();
    let at = statements::offset_of(lines, row, col);
    let (start, end) = statements::split(&text).into_iter().find(|&(a, b)| at >= a && at <= b).unwrap_or((0, text.len()));
    let statement = &text[start..end];
    let params: Vec<String> = param_decls(tab, None).unwrap_or_default().into_iter().map(|d| d.name).collect();
    let empty = Names::default();
    let names = s.complete.profiles.get(&tab.profile).map(|k| &k.names).unwrap_or(&empty);
    Some((complete::complete(statement, at - start, names, &params), tab.profile.clone(), col))
}

/// Recomputes the popup's candidates; describes tables in scope whose columns are missing;
/// accepts a lone candidate when Tab asked for it.
fn refresh(s: &mut State, fx: &mut Vec<Effect>) {
    s.dirty = true;
    let Some(popup) = s.complete.popup.clone() else { return };
    let Some(tab) = s.tabs.get(s.active) else { return };
    let (row, _) = tab.editor.cursor();
    let Some((c, profile, col)) = at_cursor(s).filter(|_| tab.id == popup.tab && row == popup.row) else {
        s.complete.popup = None;
        return;
    };
    let typed = c.word.typed.chars().count();
    let word_start = col - typed;
    let bare = typed == 0 && c.word.qualifier.is_none() && !c.word.param;
    if bare && !popup.accept_when_ready {
        s.complete.popup = None;
        return;
    }
    let waiting = describe_missing(s, &profile, &c, fx);
    if popup.accept_when_ready && c.items.len() == 1 {
        return accept(s, &c.items[0].text);
    }
    if c.items.is_empty() && !waiting {
        s.complete.popup = None;
        if popup.accept_when_ready {
            s.notify(format!("nothing to complete for '{}'", c.word.typed), false);
        }
        return;
    }
    // Several candidates that all go on the same way: Tab puts that much in, as a shell does,
    // and the popup stays open on what is left.
    if popup.accept_when_ready && !waiting
        && let Some(prefix) = complete::rank::common_prefix(&c.word.typed, &c.items)
    {
        extend(s, typed, &prefix);
        s.complete.popup = Some(Popup { col: word_start, accept_when_ready: false, ..popup });
        return refresh(s, fx);
    }
    // Several candidates: Tab has opened the popup; the next Tab accepts.
    let accept_when_ready = popup.accept_when_ready && c.items.is_empty();
    let selected = popup.selected.min(c.items.len().saturating_sub(1));
    s.complete.popup = Some(Popup { col: word_start, items: c.items, selected, waiting, accept_when_ready, ..popup });
}

/// Asks for the columns of the tables in scope not loaded yet; true while any of the names
/// this completion needs are still coming (the table list, or those columns).
fn describe_missing(s: &mut State, profile: &str, c: &Completion, fx: &mut Vec<Effect>) -> bool {
    let Some(known) = s.complete.profiles.get_mut(profile) else { return false };
    for (schema, table) in known.names.missing(&c.scope) {
        // Once a session each: a table that cannot be described is not asked on every key.
        if known.asked.insert(key(&schema, &table)) {
            known.describing.insert(key(&schema, &table));
            fx.push(Effect::Describe { profile: profile.to_string(), schema, table });
        }
    }
    let columns_pending = c.scope.iter().filter_map(|r| known.names.resolve(r)).any(|(a, b)| known.describing.contains(&key(&a, &b)));
    known.loading || columns_pending
}

/// Replaces the typed word with `text` and closes the popup.
fn accept(s: &mut State, text: &str) {
    s.complete.popup = None;
    let typed = at_cursor(s).map(|(c, ..)| c.word.typed.chars().count()).unwrap_or(0);
    extend(s, typed, text);
}

/// Replaces the `typed` characters before the cursor with `text`.
fn extend(s: &mut State, typed: usize, text: &str) {
    let Some(tab) = s.tabs.get_mut(s.active) else { return };
    for _ in 0..typed {
        tab.editor.delete_char();
    }
    tab.editor.insert_str(text);
    edited(s);
}

/// The names of `profile` arrived: from the disk cache (`cached`) or the engine.
pub fn names_arrived(s: &mut State, profile: &str, result: Result<Box<Names>, String>, cached: bool, fx: &mut Vec<Effect>) {
    let known = s.complete.profiles.entry(profile.to_string()).or_default();
    match result {
        Ok(names) if cached => {
            if !known.have {
                let described = std::mem::take(&mut known.names.columns);
                known.names = *names;
                known.names.columns.extend(described);
                known.have = true;
            }
        }
        Ok(names) => {
            known.loading = false;
            known.have = true;
            known.names.tables = names.tables;
            known.names.functions = names.functions;
            fx.push(Effect::SaveNames { profile: profile.to_string(), names: Box::new(known.names.clone()) });
        }
        Err(e) => {
            known.loading = false;
            s.notify(format!("completion has no table names for profile '{profile}': {e}"), true);
        }
    }
    after_load(s, profile, fx);
}

/// A table's columns arrived (asked by completion or by the catalog pane).
pub fn described(s: &mut State, profile: &str, schema: &str, table: &str, result: &Result<crate::engine::TableDetail, String>, fx: &mut Vec<Effect>) {
    let Some(known) = s.complete.profiles.get_mut(profile) else { return };
    let k = key(schema, table);
    let asked = known.describing.remove(&k);
    if let Ok(detail) = result {
        let names = detail.columns.iter().map(|c| c.name.clone()).collect();
        known.names.columns.insert(k, Columns { names, stale: false, at: 0 });
        fx.push(Effect::SaveNames { profile: profile.to_string(), names: Box::new(known.names.clone()) });
    }
    if asked {
        after_load(s, profile, fx);
    }
}

/// Names of `profile` changed: the popup of a tab on it shows them.
fn after_load(s: &mut State, profile: &str, fx: &mut Vec<Effect>) {
    s.dirty = true;
    let on_profile = s.complete.popup.as_ref().is_some_and(|p| s.tabs.iter().any(|t| t.id == p.tab && t.profile == profile));
    if on_profile {
        refresh(s, fx);
    }
}
