//! One decision table, two front ends: for each case (below confirm, above confirm, above
//! refuse, an estimate that failed on a priced engine, an engine not billed per byte) the
//! gate's decision is computed once by the library, and both `fathom run` and the workbench
//! are shown to act on exactly that decision.

mod common;
mod tui_common;

use std::path::Path;

use fathom::config::{Config, Paths};
use fathom::engine::Caps;
use fathom::run::Gate;
use fathom::tui::state::{Effect, Overlay};

use common::Home;

const SQL: &str = "SELECT meta_id, adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'";

/// A home whose config has a `lake` profile on the shared small lake and `budget` lines.
fn home(name: &str, budget: &str, extra: &str) -> Home {
    let lake = common::lake("gate");
    let home = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gate-{name}")));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    let demo = lake.demo_dir();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "default_profile = \"lake\"\n[budget]\n{budget}\n[profiles.lake]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n{extra}",
            demo.display()
        ),
    )
    .unwrap();
    home
}

fn config(home: &Home) -> Config {
    let paths = Paths {
        config_file: home.root.join("config/fathom/config.toml"),
        data_dir: home.root.join("data/fathom"),
        state_dir: home.root.join("state/fathom"),
    };
    Config::load(None, paths).unwrap()
}

/// The library's decision for `sql` on `profile`: the estimate, the engine's caps, the gate.
async fn decided(config: &Config, profile: &str, sql: &str) -> (Result<fathom::estimate::Estimate, String>, Caps, Gate) {
    let engine = fathom::run::engines::open(config, Some(profile), false).await.unwrap();
    let budget = config.profile(Some(profile)).unwrap().1.budget(&config.budget);
    let p = fathom::run::prepare(engine.as_ref(), sql, &[], &[], &budget).await.unwrap();
    (p.estimate, engine.caps(), p.gate)
}

/// What `fathom run` (no terminal, no flags) did with a query, as a gate.
fn cli(home: &Home, profile: &str, sql: &str, want: &Gate) -> Gate {
    let out = home.cmd().args(["run", "--profile", profile, "--format", "csv", sql]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let got = if out.status.success() {
        Gate::Run
    } else if err.contains("above confirm_above_usd") && err.contains("--yes") {
        match want {
            Gate::Ask { usd, limit } => Gate::Ask { usd: *usd, limit: *limit },
            _ => panic!("asked for consent, but the gate is {want:?}: {err}"),
        }
    } else if err.contains("refused:") && err.contains("refuse_above_usd") {
        match want {
            Gate::Refuse { usd, limit } => Gate::Refuse { usd: *usd, limit: *limit },
            _ => panic!("refused, but the gate is {want:?}: {err}"),
        }
    } else if err.contains("cannot estimate this query") && err.contains("--yes") {
        match want {
            Gate::CannotPrice(why) => Gate::CannotPrice(why.clone()),
            _ => panic!("could not price, but the gate is {want:?}: {err}"),
        }
    } else {
        panic!("fathom run ended in an unexpected way: {err}");
    };
    // Whatever was decided is in the ledger.
    let ledger = std::fs::read_to_string(home.root.join("state/fathom/history.jsonl")).unwrap_or_default();
    let last: serde_json::Value = serde_json::from_str(ledger.lines().last().expect("a ledger entry")).unwrap();
    match got {
        Gate::Run => assert_eq!(last["outcome"], "ok", "{last}"),
        _ => assert_ne!(last["outcome"], "ok", "{last}"),
    }
    got
}

/// What the workbench did with the same estimate and caps, as a gate.
fn workbench(config: &Config, estimate: Result<fathom::estimate::Estimate, String>, caps: Caps, sql: &str) -> Gate {
    let mut s = tui_common::state(false);
    s.budget = config.budget.clone();
    tui_common::press(&mut s, "f3");
    tui_common::typ(&mut s, sql);
    let fx = tui_common::press(&mut s, "f5");
    let fx = tui_common::answer_with(&mut s, fx, estimate, Some(caps));
    match &s.overlay {
        Some(Overlay::Budget(d)) => d.gate.clone(),
        None if fx.iter().any(|e| matches!(e, Effect::RunQuery { .. })) => Gate::Run,
        other => panic!("neither a run nor a question: {other:?} {fx:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_and_the_workbench_make_the_same_decisions() {
    // The price of SQL on this lake, to put each case's limits around it.
    let probe = home("probe", "", "");
    let (est, _, _) = decided(&config(&probe), "lake", SQL).await;
    let usd = est.unwrap().cost_usd;
    assert!(usd > 0.0);
    let cases = [
        ("below confirm", format!("confirm_above_usd = {}\nrefuse_above_usd = {}", usd * 10.0, usd * 100.0), SQL, "run"),
        ("above confirm", format!("confirm_above_usd = {}\nrefuse_above_usd = {}", usd / 2.0, usd * 100.0), SQL, "ask"),
        ("above refuse", format!("confirm_above_usd = {}\nrefuse_above_usd = {}", usd / 4.0, usd / 2.0), SQL, "refuse"),
        ("estimate failed", String::new(), "SELECT * FROM market_data.no_such_table", "cannot price"),
    ];
    for (i, (what, budget, sql, kind)) in cases.into_iter().enumerate() {
        let home = home(&format!("case{i}"), &budget, "");
        let config = config(&home);
        let (estimate, caps, gate) = decided(&config, "lake", sql).await;
        let named = match &gate {
            Gate::Run => "run",
            Gate::Ask { .. } => "ask",
            Gate::Refuse { .. } => "refuse",
            Gate::CannotPrice(_) => "cannot price",
        };
        assert_eq!(named, kind, "{what}: the library decided {gate:?}");
        assert_eq!(cli(&home, "lake", sql, &gate), gate, "{what}: fathom run");
        assert_eq!(workbench(&config, estimate, caps, sql), gate, "{what}: the workbench");
    }
}

/// An engine not billed per byte (PostgreSQL) runs without asking, even with a zero budget.
#[tokio::test(flavor = "multi_thread")]
async fn an_unpriced_engine_runs_at_once_in_both() {
    let Some(url) = common::pg::pg_url() else { return };
    let home = home("pg", "confirm_above_usd = 0.0\nrefuse_above_usd = 0.0", &format!("[profiles.pg]\nengine = \"postgres\"\nurl = \"{url}\"\n"));
    let config = config(&home);
    let sql = "SELECT 1 AS one";
    let (estimate, caps, gate) = decided(&config, "pg", sql).await;
    assert!(!caps.priced);
    assert_eq!(gate, Gate::Run);
    assert_eq!(cli(&home, "pg", sql, &gate), Gate::Run);
    assert_eq!(workbench(&config, estimate, caps, sql), Gate::Run);
}

