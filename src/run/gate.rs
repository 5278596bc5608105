//! The decision before a run, as one pure function: run, ask, refuse, or say that the price
//! is unknown. The CLI and the workbench both call it and differ only in how they ask.

use crate::config::Budget;
use crate::engine::Caps;
use crate::estimate::Estimate;
use crate::estimate::bill::{human_bytes, human_usd};

/// What the budget says about a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    /// Below `confirm_above_usd`, or an engine whose runs are not billed per byte.
    Run,
    /// Above `confirm_above_usd` (the limit): run only when the user says so.
    Ask { usd: f64, limit: f64 },
    /// Above `refuse_above_usd` (the limit): run only with an allowance of at least `usd`
    /// (the amount typed in the workbench, `--max-cost` on the command line).
    Refuse { usd: f64, limit: f64 },
    /// A priced engine could not estimate the run: run it unpriced only when the user says so.
    CannotPrice(String),
}

/// The decision for a run on an engine with `caps`, given its estimate (or why there is none).
pub fn gate(estimate: &Result<Estimate, String>, caps: Caps, budget: &Budget) -> Gate {
    if !caps.priced {
        return Gate::Run;
    }
    let e = match estimate {
        Ok(e) => e,
        Err(why) => return Gate::CannotPrice(why.clone()),
    };
    match (budget.refuse_above_usd, budget.confirm_above_usd) {
        (Some(limit), _) if e.cost_usd > limit => Gate::Refuse { usd: e.cost_usd, limit },
        (_, Some(limit)) if e.cost_usd > limit => Gate::Ask { usd: e.cost_usd, limit },
        _ => Gate::Run,
    }
}

/// What a command line allows without asking: `--yes` and `--max-cost`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Allowance {
    /// Consent given in advance: above `confirm_above_usd`, and to run unpriced.
    pub yes: bool,
    /// Consent up to this many dollars, also above `refuse_above_usd`.
    pub max_cost: Option<f64>,
}

impl Allowance {
    /// True when the allowance already covers the gate (nobody needs to be asked).
    pub fn covers(&self, gate: &Gate) -> bool {
        let up_to = |usd: f64| self.max_cost.is_some_and(|m| m >= usd);
        match gate {
            Gate::Run => true,
            Gate::Ask { usd, .. } => self.yes || up_to(*usd),
            Gate::Refuse { usd, .. } => up_to(*usd),
            Gate::CannotPrice(_) => self.yes,
        }
    }
}

/// The question to ask (or the refusal to print) for a gate that stops a run, in words.
pub fn explain(gate: &Gate, estimate: &Result<Estimate, String>, allowance: Allowance) -> String {
    let scanned = estimate.as_ref().map(|e| human_bytes(e.total_bytes)).unwrap_or_default();
    match gate {
        Gate::Run => "runs without asking".into(),
        Gate::Ask { usd, limit } => format!(
            "the estimate is {} ({scanned} scanned), above confirm_above_usd {}",
            human_usd(*usd),
            human_usd(*limit)
        ),
        Gate::Refuse { usd, limit } => match allowance.max_cost {
            Some(max) => format!(
                "refused: the estimate {} is above --max-cost {}; raise --max-cost to at least {usd:.6}",
                human_usd(*usd),
                human_usd(max)
            ),
            None => format!(
                "refused: the estimate {} ({scanned} scanned) is above refuse_above_usd {}; run `fathom estimate` to see why, or pass --max-cost {usd:.6} to run it anyway",
                human_usd(*usd),
                human_usd(*limit)
            ),
        },
        Gate::CannotPrice(why) => format!("cannot estimate this query before running it: {why}"),
    }
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


    fn budget() -> Budget {
        Budget { price_per_tb_usd: 5.0, confirm_above_usd: Some(0.10), refuse_above_usd: Some(5.0), ..Budget::default() }
    }

    fn costing(usd: f64) -> Result<Estimate, String> {
        let mut e = Estimate::assemble(vec![], None, &budget());
        e.cost_usd = usd;
        Ok(e)
    }

    const PRICED: Caps = Caps { priced: true, bills: true, server_cancel: true, detachable: true, writable: false, named_queries: true, snapshots: true };
    const UNPRICED: Caps = Caps { priced: false, bills: false, server_cancel: true, detachable: false, writable: false, named_queries: false, snapshots: false };

    /// The one decision table: the CLI and the workbench tests check their paths against it.
    #[test]
    fn the_decision_table() {
        let failed: Result<Estimate, String> = Err("syntax error".into());
        let cases: [(&str, Result<Estimate, String>, Caps, Gate); 6] = [
            ("below confirm", costing(0.05), PRICED, Gate::Run),
            ("at confirm", costing(0.10), PRICED, Gate::Run),
            ("above confirm", costing(0.50), PRICED, Gate::Ask { usd: 0.50, limit: 0.10 }),
            ("above refuse", costing(12.0), PRICED, Gate::Refuse { usd: 12.0, limit: 5.0 }),
            ("estimate failed on a priced engine", failed.clone(), PRICED, Gate::CannotPrice("syntax error".into())),
            ("an unpriced engine", failed, UNPRICED, Gate::Run),
        ];
        for (what, estimate, caps, want) in cases {
            assert_eq!(gate(&estimate, caps, &budget()), want, "{what}");
        }
    }

    #[test]
    fn no_limits_means_no_questions() {
        let open = Budget { price_per_tb_usd: 5.0, confirm_above_usd: None, refuse_above_usd: None, ..Budget::default() };
        assert_eq!(gate(&costing(1e6), PRICED, &open), Gate::Run);
    }

    #[test]
    fn allowances_cover_only_what_they_say() {
        let ask = Gate::Ask { usd: 0.5, limit: 0.1 };
        let refuse = Gate::Refuse { usd: 12.0, limit: 5.0 };
        let unknown = Gate::CannotPrice("x".into());
        let none = Allowance::default();
        let yes = Allowance { yes: true, max_cost: None };
        let max = Allowance { yes: false, max_cost: Some(20.0) };
        assert!(none.covers(&Gate::Run));
        assert!(!none.covers(&ask) && !none.covers(&refuse) && !none.covers(&unknown));
        assert!(yes.covers(&ask) && !yes.covers(&refuse) && yes.covers(&unknown));
        assert!(max.covers(&ask) && max.covers(&refuse) && !max.covers(&unknown), "a price cap cannot cover an unknown price");
        assert!(!Allowance { yes: false, max_cost: Some(1.0) }.covers(&refuse));
    }

    #[test]
    fn refusals_say_what_to_do() {
        let refuse = Gate::Refuse { usd: 12.0, limit: 5.0 };
        let text = explain(&refuse, &costing(12.0), Allowance::default());
        assert!(text.contains("refuse_above_usd") && text.contains("--max-cost 12.000000"), "{text}");
        let text = explain(&refuse, &costing(12.0), Allowance { yes: false, max_cost: Some(1.0) });
        assert!(text.contains("above --max-cost"), "{text}");
        let text = explain(&Gate::CannotPrice("boom".into()), &Err("boom".into()), Allowance::default());
        assert!(text.contains("cannot estimate") && text.contains("boom"), "{text}");
    }
}
