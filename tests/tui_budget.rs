//! Pure `update` tests of the budget before a run: the priced estimate of the statement, then
//! run, ask (above `confirm_above_usd`), or refuse unless the amount is typed (above
//! `refuse_above_usd`).

mod tui_common;

use fathom::estimate::Estimate;
use fathom::tui::state::{Action, Effect, EstimatePurpose, EstimateState, Overlay, Priced, RunState, State};
use fathom::tui::update::update;

use tui_common::{answer, estimate, press, state, typ};

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
    Some(Priced { bytes: e.total_bytes, cost_usd: e.cost_usd })
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
    let fx = answer(&mut s, fx, Ok(Some(cheap.clone())));
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
    let fx = answer(&mut s, fx, Ok(Some(dear.clone())));
    assert!(runs(&fx).is_empty(), "{fx:?}");
    let d = dialog(&s);
    assert!(!d.refuse && d.limit == 0.10 && d.estimate.tables.len() == 2);
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
    answer(&mut s, fx, Ok(Some(huge.clone())));
    assert!(dialog(&s).refuse);
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
fn unpriced_and_failed_estimates_run_without_a_dialog() {
    // A PostgreSQL profile: its estimate has no price, so the run starts at once.
    let mut s = state(false);
    s.engines.insert("meta".into(), "postgres".into());
    s.tabs[0].profile = "meta".into();
    press(&mut s, "f3");
    typ(&mut s, "SELECT * FROM tb_universe");
    let fx = press(&mut s, "f5");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Estimate { .. })), "{fx:?}");
    assert_eq!(runs(&fx), vec![None]);

    // An estimate without dollars (PostgreSQL's plan cost) never asks.
    let (mut s, fx) = typed_and_run("SELECT 1");
    s.budget.confirm_above_usd = Some(0.0);
    let plan = fathom::estimate::PgPlanCost { rows: 1_000_000, total_cost: 1e9 };
    let unpriced = Estimate::postgres(Some(plan), &s.budget, None);
    let fx = answer(&mut s, fx, Ok(Some(unpriced)));
    assert_eq!(runs(&fx), vec![None]);
    assert!(s.overlay.is_none());

    // A failed estimate runs as before, and says why there was no price.
    let (mut s, fx) = typed_and_run("SELECT nonsense(");
    let fx = answer(&mut s, fx, Err("SQL syntax error at line 1:16: Expected: an expression".into()));
    assert_eq!(runs(&fx), vec![None]);
    let notice = s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("no estimate was possible") && notice.contains("syntax error"), "{notice}");
    assert!(matches!(&s.tabs[0].estimate, EstimateState::Failed(_, e) if e.contains("syntax error")));
}

#[test]
fn cancel_while_the_price_is_checked_runs_nothing() {
    let (mut s, fx) = typed_and_run("SELECT 1");
    assert!(s.tabs[0].pending.is_some());
    assert!(press(&mut s, "ctrl-c").is_empty());
    assert!(s.tabs[0].pending.is_none());
    let cheap = estimate(&[("reference.tb_meta", 1)], &s.budget);
    assert!(runs(&answer(&mut s, fx, Ok(Some(cheap)))).is_empty(), "the late estimate starts nothing");
    assert!(matches!(s.tabs[0].run, RunState::Idle));
    // A stale pre-run reply (the run was asked again since) is dropped too.
    let first = press(&mut s, "f5");
    let second = press(&mut s, "f5");
    let cheap = estimate(&[("reference.tb_meta", 1)], &s.budget);
    assert!(runs(&answer(&mut s, first, Ok(Some(cheap.clone())))).is_empty());
    assert_eq!(runs(&answer(&mut s, second, Ok(Some(cheap)))).len(), 1);
    let _ = update(&mut s, Action::Tick);
}
