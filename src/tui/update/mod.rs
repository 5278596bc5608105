//! `update(&mut State, Action) -> Vec<Effect>`: the one place state changes. No IO, no
//! `.await`; work is asked for as `Effect`s. This file only dispatches: the panes' keys are
//! in `panes.rs`, the overlays' in `overlays.rs` (form, prompt, help), `lists.rs` (catalog,
//! quality, history), `budget.rs` and `questions.rs`; the run lifecycle in `run.rs`; what
//! they share in `ctx.rs`. None of them imports another pane's or overlay's file.

pub mod budget;
pub mod chart;
pub mod complete;
pub mod ctx;
pub mod editing;
pub mod lists;
pub mod overlays;
pub mod panes;
pub mod questions;
pub mod record;
pub mod run;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{Action, Effect, EstimateFor, EstimatePurpose, EstimateState, Focus, HistoryView, Overlay, Prompt, PromptKind, RunState, State, Tab};
use ctx::{current_statement, edit_params, edited, keep_cursor_visible, param_decls, schedule_autosave};

/// Applies `action` to `s` and returns the work it asks for.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    let ticking = matches!(action, Action::Tick);
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
        Action::QueryDone { id, result } => run::query_done(s, id, result),
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
        Action::EstimateDone { tab, key, purpose, result, caps, cached, cache_key } => {
            if let Some(t) = s.tabs.iter_mut().find(|t| t.id == tab) {
                t.cached = cached.then(|| key.clone());
                t.cache_key = cache_key.map(|k| (key.clone(), k));
            }
            run::estimate_done(s, tab, key, purpose, result, caps, &mut fx)
        }
        Action::Detached(result) => run::offer_detached(s, result),
        Action::Catalog { profile, result } => {
            if let Some(Overlay::Catalog(c)) = &mut s.overlay
                && c.profile == profile
            {
                s.dirty = true;
                c.tables = Some(result);
            }
        }
        Action::Described { profile, schema, table, result } => {
            complete::described(s, &profile, &schema, &table, &result, &mut fx);
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
        Action::ChartBuilt(cache) => chart::built(s, *cache),
        a @ (Action::Opened { .. } | Action::PathCompleted { .. }) => editing::reply(s, a),
        Action::Notify { text, error } => {
            s.dirty = true;
            s.notify(text, error);
        }
        Action::Names { profile, result, cached } => complete::names_arrived(s, &profile, result, cached, &mut fx),
    }
    if !ticking && (s.show_chart || s.chart_cache.is_some()) {
        chart::refresh(s, &mut fx);
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
        let save = s.autosave();
        fx.push(save);
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

fn key(s: &mut State, k: KeyEvent, fx: &mut Vec<Effect>) {
    if k.kind == KeyEventKind::Release {
        return;
    }
    if s.overlay.is_some() {
        overlay_key(s, k, fx);
        return;
    }
    if s.focus == Focus::Browser && s.browser.filtering && panes::filter_key(s, &k) {
        return;
    }
    let ctx = match s.focus {
        Focus::Browser => Context::Browser,
        Focus::Editor => Context::Editor,
        Focus::Grid => Context::Grid,
    };
    if s.focus == Focus::Editor && complete::popup_key(s, &k) {
        return;
    }
    let route = if s.focus == Focus::Editor { editing::vim_key(s, &k) } else { None };
    let typing = match route {
        Some(editing::VimRoute::Done) => return,
        Some(editing::VimRoute::Command(cmd)) => return command(s, cmd, fx),
        Some(editing::VimRoute::Keymap { typing }) => typing,
        None => s.focus == Focus::Editor,
    };
    match s.keymap.lookup(ctx, &k) {
        Some(Cmd::Complete) if s.focus == Focus::Editor => return complete::open(s, fx),
        Some(cmd) => command(s, cmd, fx),
        None if typing => panes::editor_input(s, k),
        None => {}
    }
    complete::follow(s, fx);
}

fn paste(s: &mut State, text: &str) {
    match &mut s.overlay {
        Some(Overlay::Prompt(p)) => p.input.push_str(text.trim_end_matches('\n')),
        Some(Overlay::Palette(p)) => p.query.push_str(text.trim()),
        Some(Overlay::Form(f)) => {
            if let Some(field) = f.fields.get_mut(f.focus) {
                field.value.push_str(text.trim());
            }
        }
        Some(Overlay::History(h)) if h.filtering => h.filter.push_str(text.trim()),
        Some(Overlay::Budget(d)) if d.refuse() => d.input.push_str(text.trim()),
        Some(
            Overlay::Help { .. }
            | Overlay::Catalog(_)
            | Overlay::Quality(_)
            | Overlay::History(_)
            | Overlay::Budget(_)
            | Overlay::Quit { .. }
            | Overlay::Detached(_)
            | Overlay::Record(_),
        ) => {}
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
        Cmd::Quit => run::quit(s, fx),
        Cmd::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Cmd::Run => run::run(s, fx),
        Cmd::RunFresh => run::run_fresh(s, fx),
        Cmd::Cancel => run::cancel(s, fx),
        Cmd::Reconnect => {
            let profile = s.tab().map(|t| t.profile.clone()).unwrap_or_else(|| s.default_profile.clone());
            s.caps.remove(&profile);
            s.notify(format!("opening profile '{profile}' again"), false);
            fx.push(Effect::Reconnect { profile });
        }
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
        Cmd::CloseTab => run::close_tab(s, fx),
        Cmd::NextTab | Cmd::PrevTab if !s.tabs.is_empty() => {
            let n = s.tabs.len();
            s.active = if cmd == Cmd::NextTab { (s.active + 1) % n } else { (s.active + n - 1) % n };
            schedule_autosave(s);
        }
        Cmd::NextProfile => {
            next_profile(s);
            let profile = s.tab().map(|t| t.profile.clone()).unwrap_or_else(|| s.default_profile.clone());
            complete::ensure(s, &profile, fx);
        }
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
        Cmd::Palette => editing::open_palette(s),
        Cmd::OpenFile => {
            s.overlay = Some(Overlay::Prompt(Prompt { kind: PromptKind::OpenFile, input: String::new(), error: None }));
        }
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
            Focus::Browser => panes::browser_cmd(s, other),
            Focus::Grid if chart::takes(s, other) => chart::key(s, other, fx),
            Focus::Grid => {
                panes::grid_cmd(s, other, fx);
                chart::follow_grid(s);
            }
            Focus::Editor => {
                if !editing::editor_cmd(s, other) {
                    panes::editor_cmd(s, other);
                }
            }
        },
    }
}


/// Keys of the overlay on top: quit and help stay reachable from every overlay but the
/// questions, which answer quit themselves.
fn overlay_key(s: &mut State, k: KeyEvent, fx: &mut Vec<Effect>) {
    let ctx = match s.overlay {
        Some(Overlay::Help { .. }) => Context::Help,
        Some(Overlay::Form(_)) => Context::Form,
        Some(Overlay::Prompt(_) | Overlay::Palette(_)) => Context::Prompt,
        Some(Overlay::Catalog(_) | Overlay::Quality(_) | Overlay::History(_)) => Context::Catalog,
        Some(Overlay::Budget(_)) => Context::Budget,
        Some(Overlay::Quit { .. } | Overlay::Detached(_)) => Context::Dialog,
        Some(Overlay::Record(_)) => Context::Record,
        None => return,
    };
    if let Some(Overlay::History(h)) = &mut s.overlay
        && h.filtering
        && lists::history_filter_key(h, &k)
    {
        return;
    }
    if editing::complete_key(s, &k, fx) {
        return;
    }
    let cmd = s.keymap.lookup(ctx, &k);
    if matches!(cmd, Some(Cmd::Quit)) && ctx != Context::Dialog {
        s.overlay = None;
        return run::quit(s, fx);
    }
    match ctx {
        Context::Help => overlays::help_key(s, cmd),
        Context::Form => overlays::form_key(s, cmd, &k, fx),
        Context::Budget => budget::dialog_key(s, cmd, &k, fx),
        Context::Dialog => questions::key(s, cmd, fx),
        Context::Record => record::key(s, cmd, fx),
        Context::Catalog if matches!(s.overlay, Some(Overlay::Quality(_))) => lists::quality_key(s, cmd),
        Context::Catalog if matches!(s.overlay, Some(Overlay::History(_))) => lists::history_key(s, cmd),
        Context::Catalog => lists::catalog_key(s, cmd, fx),
        Context::Prompt if matches!(s.overlay, Some(Overlay::Palette(_))) => {
            if let Some((ctx, cmd)) = editing::palette_key(s, cmd, &k) {
                s.focus = match ctx {
                    Context::Browser => Focus::Browser,
                    Context::Editor => Focus::Editor,
                    Context::Grid => Focus::Grid,
                    _ => s.focus,
                };
                if s.focus == Focus::Browser {
                    s.show_browser = true;
                }
                command(s, cmd, fx);
            }
        }
        _ => overlays::prompt_key(s, cmd, &k, fx),
    }
}

fn next_profile(s: &mut State) {
    let names: Vec<String> = s.engines.keys().cloned().collect();
    if let Some(tab) = s.tabs.get_mut(s.active) {
        let at = names.iter().position(|n| *n == tab.profile).map(|i| i + 1).unwrap_or(0);
        if let Some(next) = names.get(at % names.len().max(1)) {
            tab.profile = next.clone();
            let mut msg = format!("tab '{}' now runs on profile {next}", tab.title);
            // A saved query remembers the choice: it opens on this profile next time.
            if let Some(path) = tab.source.clone() {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                msg.push_str(&format!("; {name} opens on it next time"));
                s.query_profiles.insert(path, next.clone());
            }
            schedule_autosave(s);
            s.notify(msg, false);
        }
    }
}
