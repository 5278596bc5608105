//! Pure `update` tests of the budget before a run: the priced estimate of the statement, then
//! run, ask (above `confirm_above_usd`), or refuse unless the amount is typed (above
//! `refuse_above_usd`).

mod tui_common;

use fathom::estimate::Estimate;
use fathom::run::Gate;
use fathom::tui::state::{Action, Effect, EstimatePurpose, EstimateState, Overlay, Priced, RunState, State};
use fathom::tui::update::update;

use tui_common::{UNPRICED, answer, answer_with, estimate, press, state, typ};

const GIB: u64 = 1 << 30;

/// A workbench with `sql` typed and run (F5): the effects, before any estimate answer.
fn typed_and_run(sql: &str) -> (State, Vec<Effect>) {
    let mut s = state(false);
    press(&mut s, "f3");
    typ(&mut s, sql);
    let fx = press(&mut s, "f5");
    (s, fx)
}

fn runs(fx: &[Effect]) -> Vec<Option<Priced>> {
    fx.iter().filter_map(|e| if let Effect::RunQuery { estimate, .. } = e { Some(*estimate) } else { None }).collect()
}

fn dialog(s: &State) -> &fathom::tui::state::BudgetDialog {
    match &s.overlay {
        Some(Overlay::Budget(d)) => d,
        other => panic!("no budget dialog: {other:?}"),
    }
}

fn priced(e: &Estimate) -> Option<Priced> {
    Some(Priced { bytes: e.total_bytes, cost_usd: e.cost_usd, get_requests: None })
}

#[test]
fn below_confirm_runs_once_the_estimate_is_in_and_reuses_the_live_one() {
    let (mut s, fx) = typed_and_run("SELECT adj_close FROM market_data.us_stocks_price");
    // Nothing runs yet: the statement is estimated first, for exactly this SQL and profile.
    assert!(runs(&fx).is_empty(), "{fx:?}");
    let pre = fx.iter().find_map(|e| match e {
        Effect::Estimate { key, purpose: EstimatePurpose::PreRun { run }, .. } => Some((key.clone(), *run)),
        _ => None,
    });
    let (key, run) = pre.expect("a pre-run estimate");
    assert_eq!((key.sql.as_str(), key.profile.as_str()), ("SELECT adj_close FROM market_data.us_stocks_price", "local"));
    assert!(s.tabs[0].pending.as_ref().is_some_and(|p| p.id == run));
    assert!(matches!(s.tabs[0].run, RunState::Idle));
    let cheap = estimate(&[("market_data.us_stocks_price", 66 * 1024)], &s.budget);
    let fx = answer(&mut s, fx, Ok(cheap.clone()));
    assert_eq!(runs(&fx), vec![priced(&cheap)]);
    assert!(s.overlay.is_none() && s.tabs[0].pending.is_none());
    assert!(matches!(s.tabs[0].run, RunState::Running { id, .. } if id == run));
    // The estimate is now the status line's too, and the next run of the same statement
    // reuses it: no second estimate.
    assert!(matches!(&s.tabs[0].estimate, EstimateState::Ready(k, _) if *k == key));
    let fx = press(&mut s, "f5");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Estimate { .. })), "{fx:?}");
    assert_eq!(runs(&fx), vec![priced(&cheap)]);
    // Other parameter values are another estimate.
    s.tabs[0].params.push(("x".into(), "1".into()));
    assert!(press(&mut s, "f5").iter().any(|e| matches!(e, Effect::Estimate { purpose: EstimatePurpose::PreRun { .. }, .. })));
}

#[test]
fn above_confirm_asks_y_runs_and_n_runs_nothing() {
    let (mut s, fx) = typed_and_run("SELECT * FROM market_data.us_stocks_price");
    let dear = estimate(&[("market_data.us_stocks_price", 30 * GIB), ("reference.tb_meta", 4096)], &s.budget);
    assert!(dear.cost_usd > 0.10 && dear.cost_usd < 5.0, "{}", dear.cost_usd);
    let fx = answer(&mut s, fx, Ok(dear.clone()));
    assert!(runs(&fx).is_empty(), "{fx:?}");
    let d = dialog(&s);
    assert!(!d.refuse() && d.gate == Gate::Ask { usd: dear.cost_usd, limit: 0.10 });
    assert_eq!(d.estimate.as_ref().map(|e| e.tables.len()), Ok(2));
    // n: nothing runs; the ledger gets the declined run, as `fathom run` writes it.
    let fx = press(&mut s, "n");
    assert!(s.overlay.is_none() && runs(&fx).is_empty());
    assert!(matches!(&fx[..], [Effect::NotRun { outcome, estimate, .. }] if outcome == "error: not run: declined at the confirmation" && *estimate == priced(&dear)), "{fx:?}");
    assert!(matches!(s.tabs[0].run, RunState::Idle));
    // Again: the same statement asks again at once (its estimate is known); Esc cancels too.
    assert!(runs(&press(&mut s, "f5")).is_empty());
    press(&mut s, "esc");
    assert!(s.overlay.is_none());
    press(&mut s, "f5");
    dialog(&s);
    let fx = press(&mut s, "y");
    assert_eq!(runs(&fx), vec![priced(&dear)]);
    assert!(s.overlay.is_none() && matches!(s.tabs[0].run, RunState::Running { .. }));
    // Enter confirms as well.
    press(&mut s, "f5");
    assert_eq!(runs(&press(&mut s, "enter")), vec![priced(&dear)]);
}

#[test]
fn above_refuse_runs_only_when_the_amount_shown_is_typed() {
    let (mut s, fx) = typed_and_run("SELECT * FROM market_data.us_stocks_price");
    let huge = estimate(&[("market_data.us_stocks_price", 2560 * GIB)], &s.budget);
    assert_eq!(fathom::estimate::bill::human_usd(huge.cost_usd), "$12.50");
    answer(&mut s, fx, Ok(huge.clone()));
    assert!(dialog(&s).refuse());
    // y alone does not run it: the amount must be typed.
    assert!(runs(&press(&mut s, "y")).is_empty());
    assert!(dialog(&s).error.as_deref().is_some_and(|e| e.contains("type 12.50")), "{:?}", dialog(&s).error);
    typ(&mut s, "12.00");
    assert!(runs(&press(&mut s, "enter")).is_empty());
    let d = dialog(&s);
    assert_eq!(d.input, "12.00");
    assert!(d.error.as_deref().is_some_and(|e| e.contains("12.00 is not the amount")), "{:?}", d.error);
    for _ in 0..5 {
        press(&mut s, "backspace");
    }
    typ(&mut s, "12.50");
    assert_eq!(runs(&press(&mut s, "enter")), vec![priced(&huge)]);
    assert!(s.overlay.is_none());
    // Closing a refused run records it as refused.
    press(&mut s, "f5");
    let fx = press(&mut s, "esc");
    assert!(matches!(&fx[..], [Effect::NotRun { outcome, .. }] if outcome.starts_with("refused: the estimate $12.50")), "{fx:?}");
}

#[test]
fn unpriced_engines_run_at_once_and_failed_estimates_ask_first() {
    // A PostgreSQL profile: its engine is not billed per byte, so the run starts at once,
    // whatever its plan cost.
    let mut s = state(false);
    s.engines.insert("meta".into(), "postgres".into());
    s.tabs[0].profile = "meta".into();
    s.budget.confirm_above_usd = Some(0.0);
    press(&mut s, "f3");
    typ(&mut s, "SELECT * FROM tb_universe");
    let fx = press(&mut s, "f5");
    let plan = fathom::estimate::PgPlanCost { rows: 1_000_000, total_cost: 1e9 };
    let unpriced = Estimate::postgres(Some(plan), &s.budget, None);
    let fx = answer_with(&mut s, fx, Ok(unpriced), Some(UNPRICED));
    assert_eq!(runs(&fx), vec![None]);
    assert!(s.overlay.is_none());
    // Known now: the next run of it reuses the live estimate and starts at once.
    assert_eq!(runs(&press(&mut s, "f5")), vec![None]);

    // A priced engine that cannot estimate: it fails closed, the dialog asks first.
    let (mut s, fx) = typed_and_run("SELECT nonsense(");
    let fx = answer(&mut s, fx, Err("SQL syntax error at line 1:16: Expected: an expression".into()));
    assert!(runs(&fx).is_empty(), "never runs unpriced without asking: {fx:?}");
    assert!(matches!(&dialog(&s).gate, Gate::CannotPrice(why) if why.contains("syntax error")));
    assert!(matches!(&s.tabs[0].estimate, EstimateState::Failed(_, e) if e.contains("syntax error")));
    // Enter (the reflex) does not run it; only y does.
    assert!(runs(&press(&mut s, "enter")).is_empty());
    assert!(dialog(&s).error.as_deref().is_some_and(|e| e.contains("press y")));
    assert_eq!(runs(&press(&mut s, "y")), vec![None]);
    // Declining records it.
    let (mut s, fx) = typed_and_run("SELECT nonsense(");
    answer(&mut s, fx, Err("boom".into()));
    let fx = press(&mut s, "esc");
    assert!(matches!(&fx[..], [Effect::NotRun { outcome, estimate: None, .. }] if outcome.contains("declined to run it unpriced")), "{fx:?}");

    // The engine did not open: nothing to run on, nothing runs; the notice says why.
    let (mut s, fx) = typed_and_run("SELECT 1");
    let fx = answer_with(&mut s, fx, Err("profile 'meta' did not open: connection refused".into()), None);
    assert!(runs(&fx).is_empty() && s.overlay.is_none());
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("connection refused")));
}

#[test]
fn cancel_while_the_price_is_checked_runs_nothing() {
    let (mut s, fx) = typed_and_run("SELECT 1");
    assert!(s.tabs[0].pending.is_some());
    assert!(press(&mut s, "ctrl-c").is_empty());
    assert!(s.tabs[0].pending.is_none());
    let cheap = estimate(&[("reference.tb_meta", 1)], &s.budget);
    assert!(runs(&answer(&mut s, fx, Ok(cheap))).is_empty(), "the late estimate starts nothing");
    assert!(matches!(s.tabs[0].run, RunState::Idle));
    // A stale pre-run reply (the run was asked again since) is dropped too.
    let first = press(&mut s, "f5");
    let second = press(&mut s, "f5");
    let cheap = estimate(&[("reference.tb_meta", 1)], &s.budget);
    assert!(runs(&answer(&mut s, first, Ok(cheap.clone()))).is_empty());
    assert_eq!(runs(&answer(&mut s, second, Ok(cheap))).len(), 1);
    let _ = update(&mut s, Action::Tick);
}

#[test]
fn a_cached_answer_runs_at_once_for_nothing() {
    let (mut s, fx) = typed_and_run("SELECT * FROM market_data.us_stocks_price");
    let dear = estimate(&[("market_data.us_stocks_price", 30 * GIB)], &s.budget);
    assert!(dear.cost_usd > 0.10, "above confirm_above_usd");
    let mut out = Vec::new();
    for e in fx {
        match e {
            Effect::Estimate { tab, key, purpose: purpose @ EstimatePurpose::PreRun { .. }, .. } => {
                let caps = Some(tui_common::PRICED);
                let cache_key = Some(fathom::cache::Key { hex: "ab12".into(), snapshots: vec![("market_data.us_stocks_price".into(), 7)], max_age_secs: None });
                out.extend(update(&mut s, Action::EstimateDone { tab, key, purpose, result: Ok(dear.clone()), caps, cached: true, cache_key }));
            }
            other => out.push(other),
        }
    }
    assert!(s.overlay.is_none(), "no question for a cached answer");
    let started: Vec<(Option<Priced>, bool)> =
        out.iter().filter_map(|e| if let Effect::RunQuery { estimate, cached, .. } = e { Some((*estimate, *cached)) } else { None }).collect();
    assert_eq!(started, vec![(Some(Priced::default()), true)]);
    let key_of = |fx: &[Effect]| fx.iter().find_map(|e| if let Effect::RunQuery { cache_key, fresh, .. } = e { Some((cache_key.clone().map(|k| k.hex), *fresh)) } else { None });
    assert_eq!(key_of(&out), Some((Some("ab12".into()), false)), "the run reads the key its estimate found");

    // Run fresh (shift-F5): the tables are read again, so it is priced and asked as any run.
    press(&mut s, "esc");
    let fx = press(&mut s, "shift-f5");
    assert!(fx.iter().all(|e| !matches!(e, Effect::RunQuery { .. })), "a fresh run of a dear query asks first: {fx:?}");
    assert!(matches!(s.overlay, Some(fathom::tui::state::Overlay::Budget(_))), "{:?}", s.overlay);
    let fx = press(&mut s, "y");
    let started: Vec<(Option<Priced>, bool, bool)> =
        fx.iter().filter_map(|e| if let Effect::RunQuery { estimate, cached, fresh, .. } = e { Some((*estimate, *cached, *fresh)) } else { None }).collect();
    assert_eq!(started, vec![(Priced::of(&dear), false, true)], "charged at the estimate, not cached, fresh");
    assert_eq!(key_of(&fx), Some((Some("ab12".into()), true)), "its answer refreshes the cache entry");
}
