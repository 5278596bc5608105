//! The run lifecycle in the workbench, pure: a run asks for its estimate (or reuses the live
//! one of the same statement), the gate decides (`crate::run::gate`, the same decision as
//! the CLI's) to start it or open the budget dialog; cancel, replies, quitting with queries
//! running, and re-attaching what an earlier session left running.

use std::path::Path;

use crate::estimate::Estimate;
use crate::library::parse_header;
use crate::run::{Gate, Priced, gate};
use crate::tui::grid::{QueryOutput, ResultSet};
use crate::tui::state::{
    BudgetDialog, DetachedOffer, Effect, EstimateFor, EstimatePurpose, EstimateState, Overlay, PendingRun, RunState, State, Tab,
};
use crate::tui::update::ctx::{current_statement, edit_params, param_decls, schedule_autosave};

/// Runs the current statement of the active tab: its parameters first, then its price.
pub fn run(s: &mut State, fx: &mut Vec<Effect>) {
    run_with(s, false, fx)
}

/// `run`, reading the tables even when the result cache holds the answer: priced and
/// gated as any run, and its answer replaces the cached one.
pub fn run_fresh(s: &mut State, fx: &mut Vec<Effect>) {
    run_with(s, true, fx)
}

fn run_with(s: &mut State, fresh: bool, fx: &mut Vec<Effect>) {
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
    let pending = PendingRun { id, tab: tab_id, profile, sql, decls, given, row_cap: s.row_cap, fresh };
    request(s, pending, fx);
}

/// Asks for the run's price first, or reuses the live estimate of the same statement.
fn request(s: &mut State, pending: PendingRun, fx: &mut Vec<Effect>) {
    let key = pending.key();
    let caps = s.caps.get(&pending.profile).copied();
    let Some(tab) = s.tabs.iter_mut().find(|t| t.id == pending.tab) else { return };
    if let (EstimateState::Ready(k, e), Some(caps)) = (&tab.estimate, caps)
        && *k == key
    {
        let result = Ok(e.as_ref().clone());
        return decide(s, pending, result, caps, fx);
    }
    fx.push(Effect::Estimate {
        tab: tab.id,
        key,
        decls: pending.decls.clone(),
        purpose: EstimatePurpose::PreRun { run: pending.id },
    });
    tab.pending = Some(pending);
}

/// An estimate arrived: the live one updates the status line (if still wanted); a pre-run
/// one decides the waiting run.
pub fn estimate_done(
    s: &mut State,
    tab_id: u64,
    key: EstimateFor,
    purpose: EstimatePurpose,
    result: Result<Estimate, String>,
    caps: Option<crate::engine::Caps>,
    fx: &mut Vec<Effect>,
) {
    if let Some(c) = caps {
        s.caps.insert(key.profile.clone(), c);
    }
    let Some(tab) = s.tabs.iter_mut().find(|t| t.id == tab_id) else { return };
    let waiting = |run: u64| tab.pending.as_ref().is_some_and(|p| p.id == run && p.key() == key);
    let wanted = match purpose {
        EstimatePurpose::Live => matches!(&tab.estimate, EstimateState::Pending(k) if *k == key),
        // A pre-run estimate is also the live one of the statement being run.
        EstimatePurpose::PreRun { run } => waiting(run),
    };
    if wanted {
        s.dirty = true;
        tab.estimate = match &result {
            Ok(e) => EstimateState::Ready(key.clone(), Box::new(e.clone())),
            Err(why) => EstimateState::Failed(key.clone(), why.clone()),
        };
    }
    if let EstimatePurpose::PreRun { .. } = purpose
        && wanted
        && let Some(pending) = tab.pending.take()
    {
        match caps {
            Some(caps) => decide(s, pending, result, caps, fx),
            // Nothing to run it on: say why, run nothing.
            None => s.notify(format!("not run: {}", result.err().unwrap_or_default()), true),
        }
    }
}

/// The gate's decision on a run: start it, or open the dialog that asks.
fn decide(s: &mut State, pending: PendingRun, estimate: Result<Estimate, String>, caps: crate::engine::Caps, fx: &mut Vec<Effect>) {
    // The result cache has the answer: it costs nothing, so nothing needs asking.
    let key = pending.key();
    if !pending.fresh && s.tabs.iter().any(|t| t.id == pending.tab && t.cached.as_ref() == Some(&key)) {
        return begin(s, pending, Some(Priced::default()), true, fx);
    }
    let decision = gate(&estimate, caps, &s.budget);
    let priced = estimate.as_ref().ok().filter(|_| caps.priced).and_then(Priced::of);
    if decision == Gate::Run {
        return start(s, pending, priced, fx);
    }
    let estimate = estimate.map(Box::new);
    s.overlay = Some(Overlay::Budget(BudgetDialog { run: pending, estimate, gate: decision, input: String::new(), error: None }));
}

/// Starts the run in its tab (replacing a running one there).
pub fn start(s: &mut State, p: PendingRun, estimate: Option<Priced>, fx: &mut Vec<Effect>) {
    begin(s, p, estimate, false, fx)
}

fn begin(s: &mut State, p: PendingRun, estimate: Option<Priced>, cached: bool, fx: &mut Vec<Effect>) {
    let now = s.now;
    let Some(tab) = s.tabs.iter_mut().find(|t| t.id == p.tab) else { return }; // the tab was closed
    if let RunState::Running { id: old, .. } = tab.run {
        fx.push(Effect::Cancel { id: old });
    }
    tab.pending = None;
    tab.run = RunState::Running { id: p.id, since: now, sql: p.sql.clone(), progress: None };
    let cache_key = tab.cache_key.as_ref().filter(|(k, _)| *k == p.key()).map(|(_, key)| key.clone());
    s.dirty = true;
    let fresh = p.fresh;
    fx.push(Effect::RunQuery { id: p.id, profile: p.profile, sql: p.sql, decls: p.decls, given: p.given, row_cap: p.row_cap, estimate, cached, fresh, cache_key });
}

/// Cancels the active tab's run (or the run waiting for its estimate).
pub fn cancel(s: &mut State, fx: &mut Vec<Effect>) {
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

/// Closes the active tab, cancelling its run.
pub fn close_tab(s: &mut State, fx: &mut Vec<Effect>) {
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

/// A run's task reported back (stale replies, of cancelled or replaced runs, are dropped).
pub fn query_done(s: &mut State, id: u64, result: Result<QueryOutput, String>) {
    let Some(tab) = s.tabs.iter_mut().find(|t| matches!(t.run, RunState::Running { id: r, .. } if r == id)) else {
        return;
    };
    s.dirty = true;
    tab.run = match result {
        Ok(out) => RunState::Ready(Box::new(ResultSet::new(id, out))),
        Err(e) => RunState::Failed(e),
    };
}

/// Quit: at once when nothing runs; else ask whether to stop the running queries.
pub fn quit(s: &mut State, fx: &mut Vec<Effect>) {
    match s.running() {
        0 => leave(s, false, fx),
        running => s.overlay = Some(Overlay::Quit { running }),
    }
}

/// Leaves the workbench: the tabs are saved, then the runtime stops (or detaches) the
/// running queries.
pub fn leave(s: &mut State, detach: bool, fx: &mut Vec<Effect>) {
    s.overlay = None;
    s.quit = true;
    let save = s.autosave();
    fx.push(save);
    fx.push(Effect::Quit { leave: detach });
}

/// The ledger's queries still running from an earlier session: offered for re-attaching.
pub fn offer_detached(s: &mut State, result: Result<Vec<crate::history::Run>, String>) {
    match result {
        Ok(runs) if runs.is_empty() => {}
        Ok(runs) => {
            s.dirty = true;
            s.overlay = Some(Overlay::Detached(DetachedOffer { runs }));
        }
        Err(e) => s.notify(format!("cannot read the ledger for queries left running: {e}"), true),
    }
}

/// Re-attaches every offered query, each in a new tab that shows its progress and rows.
pub fn attach_all(s: &mut State, offer: DetachedOffer, fx: &mut Vec<Effect>) {
    for r in offer.runs {
        let Some(query_id) = r.query_id.clone() else { continue };
        let (tab_id, id) = (s.fresh_id(), s.fresh_id());
        let mut tab = Tab::new(tab_id, &format!("attached {}", short(&query_id)), &r.profile, &r.sql);
        tab.params = r.params.clone();
        tab.run = RunState::Running { id, since: s.now, sql: r.sql.clone(), progress: Some("re-attaching".into()) };
        s.tabs.push(tab);
        s.active = s.tabs.len() - 1;
        fx.push(Effect::Attach { id, profile: r.profile, query_id, sql: r.sql, given: r.params, row_cap: s.row_cap });
    }
    s.dirty = true;
    schedule_autosave(s);
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
