//! Keys of the budget dialog, which the gate opens before a run it stops: confirm (y,
//! Enter) above `confirm_above_usd`; above `refuse_above_usd` type the amount shown first;
//! with no estimate on a priced engine only `y` runs it unpriced (Enter does not, so a
//! run never bills by reflex). Declined and refused runs go to the ledger.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::estimate::bill::{human_bytes, human_usd};
use crate::run::Gate;
use crate::run::gate::{amount, typed_amount_matches};
use crate::tui::keymap::Cmd;
use crate::tui::state::{Effect, Overlay, State};
use crate::tui::update::run::start;

/// Keys of the budget dialog: confirm (y, Enter), cancel (n, Esc); above the refuse limit
/// the amount is typed first; without a price only `y` runs it.
pub fn dialog_key(s: &mut State, cmd: Option<Cmd>, k: &KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Overlay::Budget(d)) = &mut s.overlay else { return };
    let refuse = d.refuse();
    let typing = refuse
        && matches!(k.code, KeyCode::Char(c) if c.is_ascii_digit() || ".$,".contains(c))
        && !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if typing {
        if let KeyCode::Char(c) = k.code {
            d.input.push(c);
            d.error = None;
        }
        return;
    }
    let usd = match d.gate {
        Gate::Ask { usd, .. } | Gate::Refuse { usd, .. } => usd,
        Gate::Run | Gate::CannotPrice(_) => 0.0,
    };
    let unpriced = matches!(d.gate, Gate::CannotPrice(_));
    match cmd {
        Some(Cmd::Confirm) if refuse && !typed_amount_matches(&d.input, usd) => {
            let want = amount(usd);
            d.error = Some(if d.input.trim().is_empty() {
                format!("refused until you type the amount: type {want} and press Enter, or Esc to cancel")
            } else {
                format!("{} is not the amount: type {want} to run it, or Esc to cancel", d.input.trim())
            });
        }
        Some(Cmd::Confirm) if unpriced && k.code != KeyCode::Char('y') => {
            d.error = Some("no price: press y to run it without one, or Esc to cancel".into());
        }
        Some(Cmd::Confirm) => {
            let (run, priced) = (d.run.clone(), d.priced());
            s.overlay = None;
            start(s, run, priced, fx);
        }
        Some(Cmd::Close) => {
            let (run, priced, gate) = (d.run.clone(), d.priced(), d.gate.clone());
            let scanned = d.estimate.as_ref().map(|e| human_bytes(e.total_bytes)).unwrap_or_default();
            s.overlay = None;
            let (outcome, notice) = match gate {
                Gate::Refuse { usd, limit } => (
                    format!(
                        "refused: the estimate {} ({scanned} scanned) is above refuse_above_usd {}; the amount was not typed",
                        human_usd(usd),
                        human_usd(limit)
                    ),
                    format!("not run: {} was refused", human_usd(usd)),
                ),
                Gate::CannotPrice(why) => (
                    format!("error: not run: no estimate ({why}); declined to run it unpriced"),
                    "not run: it could not be priced, and was declined".to_string(),
                ),
                _ => ("error: not run: declined at the confirmation".to_string(), format!("not run: {} was declined", human_usd(usd))),
            };
            s.notify(notice, false);
            fx.push(Effect::NotRun { profile: run.profile, sql: run.sql, given: run.given, estimate: priced, outcome });
        }
        _ if refuse && k.code == KeyCode::Backspace => {
            d.input.pop();
            d.error = None;
        }
        _ => {}
    }
}
