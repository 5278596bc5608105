//! The budget before a run: `Run` → the statement's estimate (the live one when it is for the
//! same SQL, parameters and profile, else an `Estimate` effect tagged `PreRun`) → below
//! `confirm_above_usd` the run starts; above it the budget dialog asks; above
//! `refuse_above_usd` it runs only when the amount shown is typed. Unpriced engines
//! (PostgreSQL's plan cost) and failed estimates run at once, the latter with the reason shown.
//! Pure: estimates and runs are effects.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::estimate::bill::{human_bytes, human_usd};
use crate::estimate::{Estimate, Verdict};
use crate::tui::keymap::Cmd;
use crate::tui::state::{
    BudgetDialog, Effect, EstimateFor, EstimatePurpose, EstimateState, Overlay, PendingRun, Priced, RunState, State,
};

/// The engine kinds whose estimate has no price (their runs are not checked first).
const UNPRICED_ENGINES: &[&str] = &["postgres"];

/// Asks for the run's price first (or reuses the live estimate of the same statement).
pub fn request(s: &mut State, pending: PendingRun, fx: &mut Vec<Effect>) {
    if UNPRICED_ENGINES.contains(&s.engine_of(&pending.profile)) {
        return start(s, pending, None, fx);
    }
    let key = pending.key();
    let Some(tab) = s.tabs.iter_mut().find(|t| t.id == pending.tab) else { return };
    if let EstimateState::Ready(k, e) = &tab.estimate
        && *k == key
    {
        let e = e.as_ref().clone();
        return decide(s, pending, Ok(Some(e)), fx);
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
    result: Result<Option<Estimate>, String>,
    fx: &mut Vec<Effect>,
) {
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
            Ok(Some(e)) => EstimateState::Ready(key.clone(), Box::new(e.clone())),
            Ok(None) => EstimateState::None,
            Err(why) => EstimateState::Failed(key.clone(), why.clone()),
        };
    }
    if let EstimatePurpose::PreRun { .. } = purpose
        && wanted
        && let Some(pending) = tab.pending.take()
    {
        decide(s, pending, result, fx);
    }
}

/// The budget's verdict on a run's estimate: start it, or open the dialog.
fn decide(s: &mut State, pending: PendingRun, result: Result<Option<Estimate>, String>, fx: &mut Vec<Effect>) {
    match result {
        Ok(Some(e)) if e.postgres.is_none() => {
            let priced = Priced { bytes: e.total_bytes, cost_usd: e.cost_usd };
            let (refuse, limit) = match e.verdict(&s.budget) {
                Verdict::Run => return start(s, pending, Some(priced), fx),
                Verdict::Confirm(limit) => (false, limit),
                Verdict::Refuse(limit) => (true, limit),
            };
            s.overlay = Some(Overlay::Budget(BudgetDialog { run: pending, estimate: Box::new(e), refuse, limit, input: String::new(), error: None }));
        }
        Ok(_) => start(s, pending, None, fx),
        Err(why) => {
            s.notify(format!("ran without a price: no estimate was possible ({why})"), true);
            start(s, pending, None, fx);
        }
    }
}

/// Starts the run in its tab (replacing a running one there).
pub fn start(s: &mut State, p: PendingRun, estimate: Option<Priced>, fx: &mut Vec<Effect>) {
    let now = s.now;
    let Some(tab) = s.tabs.iter_mut().find(|t| t.id == p.tab) else { return }; // the tab was closed
    if let RunState::Running { id: old, .. } = tab.run {
        fx.push(Effect::Cancel { id: old });
    }
    tab.pending = None;
    tab.run = RunState::Running { id: p.id, since: now, sql: p.sql.clone(), progress: None };
    s.dirty = true;
    fx.push(Effect::RunQuery { id: p.id, profile: p.profile, sql: p.sql, decls: p.decls, given: p.given, row_cap: p.row_cap, estimate });
}

/// The amount the dialog shows and asks to be typed: `12.40`, `0.1234`, `0.000048`.
pub fn amount(cost_usd: f64) -> String {
    human_usd(cost_usd).trim_start_matches('$').to_string()
}

/// True when `typed` is the amount shown (a leading `$`, thousands commas and trailing
/// zeros are forgiven: `$12.4` is `12.40`).
pub fn typed_amount_matches(typed: &str, cost_usd: f64) -> bool {
    let want = amount(cost_usd);
    let got = typed.trim().trim_start_matches('$').replace(',', "");
    if got == want {
        return true;
    }
    match (got.parse::<f64>(), want.parse::<f64>()) {
        (Ok(g), Ok(w)) => (g - w).abs() <= w.abs() * 1e-9,
        _ => false,
    }
}

/// Keys of the budget dialog: confirm (y, Enter), cancel (n, Esc); above the refuse limit
/// the amount is typed first.
pub fn dialog_key(s: &mut State, cmd: Option<Cmd>, k: &KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Overlay::Budget(d)) = &mut s.overlay else { return };
    let typing = d.refuse && matches!(k.code, KeyCode::Char(c) if c.is_ascii_digit() || ".$,".contains(c))
        && !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if typing {
        if let KeyCode::Char(c) = k.code {
            d.input.push(c);
            d.error = None;
        }
        return;
    }
    match cmd {
        Some(Cmd::Confirm) if d.refuse && !typed_amount_matches(&d.input, d.estimate.cost_usd) => {
            let want = amount(d.estimate.cost_usd);
            d.error = Some(if d.input.trim().is_empty() {
                format!("refused until you type the amount: type {want} and press Enter, or Esc to cancel")
            } else {
                format!("{} is not the amount: type {want} to run it, or Esc to cancel", d.input.trim())
            });
        }
        Some(Cmd::Confirm) => {
            let (run, e) = (d.run.clone(), Priced { bytes: d.estimate.total_bytes, cost_usd: d.estimate.cost_usd });
            s.overlay = None;
            start(s, run, Some(e), fx);
        }
        Some(Cmd::Close) => {
            let (run, e, refuse, limit) = (d.run.clone(), d.estimate.clone(), d.refuse, d.limit);
            s.overlay = None;
            let cost = human_usd(e.cost_usd);
            let outcome = if refuse {
                format!(
                    "refused: the estimate {cost} ({} scanned) is above refuse_above_usd {}; the amount was not typed",
                    human_bytes(e.total_bytes),
                    human_usd(limit)
                )
            } else {
                "error: not run: declined at the confirmation".to_string()
            };
            s.notify(format!("not run: {cost} {}", if refuse { "was refused" } else { "was declined" }), false);
            fx.push(Effect::NotRun {
                profile: run.profile,
                sql: run.sql,
                given: run.given,
                estimate: Some(Priced { bytes: e.total_bytes, cost_usd: e.cost_usd }),
                outcome,
            });
        }
        _ if d.refuse && k.code == KeyCode::Backspace => {
            d.input.pop();
            d.error = None;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_amount_must_be_the_one_shown() {
        assert_eq!(amount(12.4), "12.40");
        assert!(typed_amount_matches("12.40", 12.4));
        assert!(typed_amount_matches("$12.4", 12.4));
        assert!(typed_amount_matches(" 1,234.50 ", 1234.5));
        assert!(!typed_amount_matches("12", 12.4));
        assert!(!typed_amount_matches("", 12.4));
        // Small amounts are typed as shown (six decimals), not as the exact float.
        assert_eq!(amount(0.0000476837158203125), "0.000048");
        assert!(typed_amount_matches("0.000048", 0.0000476837158203125));
    }
}
