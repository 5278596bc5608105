//! `update(&mut State, Action) -> Vec<Effect>`: the one place state changes. No IO, no
//! `.await`; work is asked for as `Effect`s. Pane-specific keys live in `update_panes.rs`,
//! overlays (form, prompt, help) in `update_overlays.rs`, the list panes (catalog, quality,
//! history) in `update_lists.rs`, the budget check before a run in `update_budget.rs`.

use std::path::Path;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use crate::library::{ParamDecl, ParamType, parse_header};
use crate::tui::grid::ResultSet;
use crate::tui::keymap::{Cmd, Context};
use crate::tui::layout::{self, Areas};
use crate::tui::state::{
    AUTOSAVE_AFTER, Action, ESTIMATE_AFTER, Effect, EstimateFor, EstimatePurpose, EstimateState, Field, Focus, HistoryView,
    Overlay, ParamForm, PendingRun, Prompt, PromptKind, RunState, State, Tab,
};
use crate::tui::statements;
use crate::tui::update_budget;
use crate::tui::update_overlays;
use crate::tui::update_panes;

/// Applies `action` to `s` and returns the work it asks for.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Tick => tick(s, &mut fx),
        Action::Key(k) => {
            s.dirty = true;
            key(s, k, &mut fx);
        }
        Action::Paste(text) => {
            s.dirty = true;
            paste(s, &text);
        }
        Action::Resize(w, h) => {
            s.dirty = true;
            s.size = (w, h);
            keep_cursor_visible(s);
        }
        Action::QueryDone { id, result } => query_done(s, id, result),
        Action::QueryProgress { id, text } => {
            for tab in &mut s.tabs {
                if let RunState::Running { id: r, progress, .. } = &mut tab.run
                    && *r == id
                {
                    *progress = Some(text.clone());
                    s.dirty = true;
                }
            }
        }
        Action::NamedQueries { profile, result } => match result {
            Ok(list) => {
                let items = list.iter().map(|q| crate::tui::browser::SavedQuery::named(&profile, q)).collect();
                s.browser.set_named(&profile, items);
                s.dirty = true;
            }
            Err(e) => s.notify(format!("named queries of profile '{profile}' are not shown: {e}"), false),
        },
        Action::Sorted { query_id, sort, order } => {
            let target = s.tabs.iter_mut().find_map(|t| match &mut t.run {
                RunState::Ready(rs) if rs.query_id == query_id => Some(rs),
                _ => None,
            });
            if let Some(rs) = target {
                s.dirty = true;
                match order {
                    Ok(o) => {
                        rs.order = o;
                        rs.sort = sort;
                    }
                    Err(e) => s.notify(e, true),
                }
            }
        }
        Action::EstimateDone { tab, key, purpose, result } => update_budget::estimate_done(s, tab, key, purpose, result, &mut fx),
        Action::Catalog { profile, result } => {
            if let Some(Overlay::Catalog(c)) = &mut s.overlay
                && c.profile == profile
            {
                s.dirty = true;
                c.tables = Some(result);
            }
        }
        Action::Described { profile, schema, table, result } => {
            if let Some(Overlay::Catalog(c)) = &mut s.overlay
                && c.profile == profile
                && let Some(d) = &mut c.detail
                && d.schema == schema
                && d.name == table
            {
                s.dirty = true;
                d.detail = Some(result);
            }
        }
        Action::History(result) => {
            if let Some(Overlay::History(h)) = &mut s.overlay {
                s.dirty = true;
                h.runs = Some(result.map(|mut runs| {
                    runs.reverse(); // the ledger is in the order written: newest last
                    runs.sort_by_key(|r| std::cmp::Reverse(r.time));
                    runs
                }));
                h.selected = 0;
            }
        }
        Action::Checked { profile, result } => {
            if let Some(Overlay::Quality(q)) = &mut s.overlay
                && q.profile == profile
            {
                s.dirty = true;
                q.results = Some(result);
            }
        }
        Action::Saved { path, text } => {
            s.dirty = true;
            s.notify(format!("saved {}", path.display()), false);
            let group = "my queries".to_string();
            let q = crate::tui::browser::SavedQuery::from_text(path.clone(), group, text);
            match s.browser.items.iter_mut().find(|i| i.path == path) {
                Some(slot) => *slot = q,
                None => {
                    s.browser.items.push(q);
                    s.browser.items.sort_by(|a, b| (a.group.as_str(), a.stem.as_str()).cmp(&(b.group.as_str(), b.stem.as_str())));
                }
            }
        }
        Action::Notify { text, error } => {
            s.dirty = true;
            s.notify(text, error);
        }
    }
    fx
}

/// The clock: timers that are due fire; the screen is redrawn only if something shown moved.
fn tick(s: &mut State, fx: &mut Vec<Effect>) {
    if s.any_running() {
        s.dirty = true;
    }
    if s.notice.as_ref().is_some_and(|n| n.until <= s.now) {
        s.notice = None;
        s.dirty = true;
    }
    if s.autosave_due.is_some_and(|t| t <= s.now) {
        s.autosave_due = None;
        fx.push(Effect::Autosave(s.session()));
    }
    if s.estimate_due.is_some_and(|t| t <= s.now) {
        s.estimate_due = None;
        if let Some(tab) = s.tab_mut()
            && let Some(sql) = current_statement(tab)
        {
            // Bound as a run would bind it, so a run of the same statement reuses it.
            let decls = param_decls(tab, Some(&sql)).unwrap_or_default();
            let key = EstimateFor { profile: tab.profile.clone(), sql, given: tab.params.clone() };
            tab.estimate = EstimateState::Pending(key.clone());
            fx.push(Effect::Estimate { tab: tab.id, key, decls, purpose: EstimatePurpose::Live });
            s.dirty = true;
        }
    }
}

/// The current areas of the panes.
pub fn areas(s: &State) -> Areas {
    layout::areas(s.size.0, s.size.1, s.show_browser, s.focus == Focus::Browser, s.show_chart)
}

fn key(s: &mut State, k: KeyEvent, fx: &mut Vec<Effect>) {
    if k.kind == KeyEventKind::Release {
        return;
    }
    if s.overlay.is_some() {
        update_overlays::key(s, k, fx);
        return;
    }
    if s.focus == Focus::Browser && s.browser.filtering && update_panes::filter_key(s, &k) {
        return;
    }
    let ctx = match s.focus {
        Focus::Browser => Context::Browser,
        Focus::Editor => Context::Editor,
        Focus::Grid => Context::Grid,
    };
    match s.keymap.lookup(ctx, &k) {
        Some(cmd) => command(s, cmd, fx),
        None if s.focus == Focus::Editor => update_panes::editor_input(s, k),
        None => {}
    }
}

fn paste(s: &mut State, text: &str) {
    match &mut s.overlay {
        Some(Overlay::Prompt(p)) => p.input.push_str(text.trim_end_matches('\n')),
        Some(Overlay::Form(f)) => {
            if let Some(field) = f.fields.get_mut(f.focus) {
                field.value.push_str(text.trim());
            }
        }
        Some(Overlay::History(h)) if h.filtering => h.filter.push_str(text.trim()),
        Some(Overlay::Budget(d)) if d.refuse => d.input.push_str(text.trim()),
        Some(Overlay::Help { .. } | Overlay::Catalog(_) | Overlay::Quality(_) | Overlay::History(_) | Overlay::Budget(_)) => {}
        None => {
            if let Some(tab) = s.tab_mut() {
                tab.editor.insert_str(text.replace("\r\n", "\n"));
            }
            s.focus = Focus::Editor;
            edited(s);
        }
    }
}

/// Global commands, then the focused pane's.
fn command(s: &mut State, cmd: Cmd, fx: &mut Vec<Effect>) {
    match cmd {
        Cmd::Quit => {
            s.quit = true;
            fx.push(Effect::Autosave(s.session()));
            fx.push(Effect::Quit);
        }
        Cmd::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Cmd::Run => run(s, fx),
        Cmd::Cancel => cancel(s, fx),
        Cmd::FocusBrowser => {
            s.show_browser = true;
            s.focus = Focus::Browser;
        }
        Cmd::FocusEditor => s.focus = Focus::Editor,
        Cmd::FocusGrid => s.focus = Focus::Grid,
        Cmd::FocusNext => {
            s.focus = match s.focus {
                Focus::Browser => Focus::Editor,
                Focus::Editor => Focus::Grid,
                Focus::Grid if s.show_browser => Focus::Browser,
                Focus::Grid => Focus::Editor,
            }
        }
        Cmd::ToggleBrowser => {
            s.show_browser = !s.show_browser;
            if !s.show_browser && s.focus == Focus::Browser {
                s.focus = Focus::Editor;
            }
        }
        Cmd::NewTab => {
            let id = s.fresh_id();
            let profile = s.tab().map(|t| t.profile.clone()).unwrap_or_else(|| s.default_profile.clone());
            s.tabs.push(Tab::new(id, &format!("scratch {id}"), &profile, ""));
            s.active = s.tabs.len() - 1;
            s.focus = Focus::Editor;
            schedule_autosave(s);
        }
        Cmd::CloseTab => close_tab(s, fx),
        Cmd::NextTab | Cmd::PrevTab if !s.tabs.is_empty() => {
            let n = s.tabs.len();
            s.active = if cmd == Cmd::NextTab { (s.active + 1) % n } else { (s.active + n - 1) % n };
            schedule_autosave(s);
        }
        Cmd::NextProfile => next_profile(s),
        Cmd::EditParams => edit_params(s, false),
        Cmd::SaveQuery => {
            let input = s
                .tab()
                .and_then(|t| t.source.as_ref())
                .filter(|p| p.starts_with(&s.user_query_dir))
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| s.user_query_dir.join("untitled.sql").display().to_string());
            s.overlay = Some(Overlay::Prompt(Prompt { kind: PromptKind::SaveQuery, input, error: None }));
        }
        Cmd::ToggleChart => s.show_chart = !s.show_chart,
        Cmd::Catalog => {
            let profile = s.tab().map(|t| t.profile.clone()).unwrap_or_else(|| s.default_profile.clone());
            s.overlay = Some(Overlay::Catalog(crate::tui::state::CatalogView { profile: profile.clone(), tables: None, selected: 0, detail: None }));
            fx.push(Effect::LoadCatalog { profile });
        }
        Cmd::History => {
            s.overlay = Some(Overlay::History(HistoryView { runs: None, selected: 0, filter: String::new(), filtering: false }));
            fx.push(Effect::LoadHistory);
        }
        Cmd::Quality => {
            let profile = s.tab().map(|t| t.profile.clone()).unwrap_or_else(|| s.default_profile.clone());
            s.overlay = Some(Overlay::Quality(crate::tui::state::QualityView { profile: profile.clone(), results: None, selected: 0 }));
            fx.push(Effect::RunChecks { profile });
        }
        other => match s.focus {
            Focus::Browser => update_panes::browser_cmd(s, other),
            Focus::Grid => update_panes::grid_cmd(s, other, fx),
            Focus::Editor => update_panes::editor_cmd(s, other),
        },
    }
}

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
    let a = areas(s);
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
fn param_decls(tab: &Tab, sql: Option<&str>) -> Result<Vec<ParamDecl>, String> {
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

/// Runs the current statement of the active tab on a task.
pub fn run(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(tab) = s.tab() else { return };
    let Some(sql) = current_statement(tab) else {
        return s.notify("nothing to run: put the cursor on a statement (or select one)", false);
    };
    let decls = match param_decls(tab, Some(&sql)) {
        Ok(d) => d,
        Err(e) => return s.notify(e, true),
    };
    let missing = decls.iter().any(|d| d.default.is_none() && !tab.params.iter().any(|(n, _)| *n == d.name));
    if missing {
        return edit_params(s, true);
    }
    let header_engine = parse_header(&tab.text(), Path::new(&tab.title)).ok().and_then(|h| h.engine);
    let engine = s.engine_of(&tab.profile).to_string();
    if let Some(want) = header_engine.filter(|w| w != "any" && *w != engine) {
        let msg = format!("this query is for the {want} engine but the tab's profile uses {engine}; switch the profile with F8");
        return s.notify(msg, true);
    }
    let (given, profile, tab_id) = (tab.params.clone(), tab.profile.clone(), tab.id);
    let id = s.fresh_id();
    let pending = PendingRun { id, tab: tab_id, profile, sql, decls, given, row_cap: s.row_cap };
    update_budget::request(s, pending, fx);
}

fn cancel(s: &mut State, fx: &mut Vec<Effect>) {
    let now = s.now;
    if let Some(tab) = s.tab_mut() {
        if tab.pending.take().is_some() {
            return s.notify("run cancelled before it started (it was waiting for its estimate)", false);
        }
        match tab.run {
            RunState::Running { id, since, .. } => {
                tab.run = RunState::Cancelled { after: now.saturating_duration_since(since) };
                fx.push(Effect::Cancel { id });
            }
            _ => s.notify("nothing is running in this tab (Ctrl-Q quits)", false),
        }
    }
}

fn close_tab(s: &mut State, fx: &mut Vec<Effect>) {
    if s.tabs.is_empty() {
        return;
    }
    let tab = s.tabs.remove(s.active);
    if let RunState::Running { id, .. } = tab.run {
        fx.push(Effect::Cancel { id });
    }
    if s.tabs.is_empty() {
        let id = s.fresh_id();
        let profile = s.default_profile.clone();
        s.tabs.push(Tab::new(id, "scratch", &profile, ""));
    }
    s.active = s.active.min(s.tabs.len() - 1);
    schedule_autosave(s);
}

fn next_profile(s: &mut State) {
    let names: Vec<String> = s.engines.keys().cloned().collect();
    if let Some(tab) = s.tabs.get_mut(s.active) {
        let at = names.iter().position(|n| *n == tab.profile).map(|i| i + 1).unwrap_or(0);
        if let Some(next) = names.get(at % names.len().max(1)) {
            tab.profile = next.clone();
            let msg = format!("tab '{}' now runs on profile {next}", tab.title);
            schedule_autosave(s);
            s.notify(msg, false);
        }
    }
}

fn query_done(s: &mut State, id: u64, result: Result<crate::tui::grid::QueryOutput, String>) {
    let Some(tab) = s.tabs.iter_mut().find(|t| matches!(t.run, RunState::Running { id: r, .. } if r == id)) else {
        return; // a stale reply: the run was cancelled or replaced
    };
    s.dirty = true;
    tab.run = match result {
        Ok(out) => RunState::Ready(Box::new(ResultSet::new(id, out))),
        Err(e) => RunState::Failed(e),
    };
}
