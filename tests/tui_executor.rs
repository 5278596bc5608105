//! The workbench's executor against the small demo lake, without a terminal: a run reports
//! back with the bytes it read and the estimate it was checked against, and goes to the
//! ledger; a cancelled run stops the engine's work at once (the process stops burning CPU),
//! nothing more arrives for it, and the ledger records it as cancelled.

mod common;

use std::sync::Arc;
use std::time::Duration;

use fathom::config::{Config, Paths};
use fathom::tui::executor::Executor;
use fathom::tui::state::{Action, Effect, Priced};
use tokio::sync::mpsc::unbounded_channel;

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // Fields 14 and 15 of stat(5), counted from the state field (3).
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// CPU seconds used over `d` of wall time.
async fn cpu_over(d: Duration) -> f64 {
    let before = cpu_seconds();
    tokio::time::sleep(d).await;
    cpu_seconds() - before
}

fn run(id: u64, sql: &str, estimate: Option<Priced>) -> Effect {
    Effect::RunQuery { id, profile: "local".into(), sql: sql.into(), decls: vec![], given: vec![], row_cap: 1000, estimate, cached: false, fresh: false, cache_key: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_report_actuals_and_a_cancelled_run_stops_at_once() {
    let home = common::lake("executor");
    let state_dir = home.root.join("state/fathom");
    let _ = std::fs::remove_dir_all(&state_dir);
    let paths = Paths {
        config_file: home.root.join("config/fathom/config.toml"),
        data_dir: home.root.join("data/fathom"),
        state_dir: state_dir.clone(),
    };
    let config = Config::load(None, paths).unwrap();
    let (tx, mut rx) = unbounded_channel();
    let mut exec = Executor::new(Arc::new(config), tx);

    // A run reports back with what it read, priced, next to its estimate.
    let est = Priced::bill(5_000, 5.0);
    exec.run(run(1, "SELECT ticker, name FROM reference.tb_meta", Some(est)));
    let done = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await.expect("the run reports back").unwrap();
    let Action::QueryDone { id: 1, result: Ok(out) } = &done else { panic!("{done:?}") };
    assert!(out.batch.num_rows() > 10);
    let actual = out.actual.expect("the local engine reports the bytes it read");
    assert!(actual.bytes > 0 && actual.cost_usd == fathom::estimate::bill::cost_usd(actual.bytes, 5.0), "{actual:?}");
    assert_eq!(out.estimate, Some(est));
    exec.observe(&done);
    assert_eq!(exec.running(), 0);

    // A query that would run for minutes keeps a core busy ...
    exec.run(run(2, "SELECT sum(value) AS s FROM generate_series(1, 100000000000)", None));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let busy = cpu_over(Duration::from_secs(2)).await;
    assert!(busy > 0.5, "the query works: {busy:.2} CPU s in 2 s");
    // ... until it is cancelled: the work stops, and nothing more arrives for it.
    exec.run(Effect::Cancel { id: 2 });
    assert_eq!(exec.running(), 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = cpu_over(Duration::from_secs(2)).await;
    assert!(idle < 0.25 && idle < busy / 4.0, "the engine stopped: {idle:.2} CPU s in 2 s after cancel ({busy:.2} before)");
    assert!(rx.try_recv().is_err(), "no reply for a cancelled run");

    // The ledger has both runs, as `fathom run` writes them.
    let mut runs = Vec::new();
    for _ in 0..50 {
        runs = fathom::history::read(&state_dir, None).unwrap();
        if runs.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let outcomes: Vec<&str> = runs.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes.len(), 2, "{runs:?}");
    assert!(outcomes.contains(&"ok") && outcomes.contains(&"cancelled"), "{outcomes:?}");
    let ok = runs.iter().find(|r| r.outcome == "ok").unwrap();
    assert_eq!((ok.estimated_bytes, ok.actual_bytes, ok.engine.as_str()), (Some(5_000), Some(actual.bytes), "local"));
    assert!(ok.rows.is_some_and(|n| n > 10));
}
