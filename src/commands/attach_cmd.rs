//! `fathom attach ID`: follows a query that an earlier fathom left running on its server (its
//! terminal went away) to its end, and prints or writes its rows like `fathom run`. The
//! ledger says which profile and SQL it was; the run is recorded again as `attached`.

use crate::config::Config;
use crate::error::{FathomError, Result};
use crate::history;
use crate::run::ledger::{self, RunInfo};

use super::run_cmd::{RunArgs, finish_output, out, pick_format, progress_line};

#[derive(Debug, Clone, Default)]
pub struct AttachArgs {
    /// The server's query id (Athena's QueryExecutionId), as `fathom history` shows it.
    pub query_id: String,
    pub format: Option<String>,
    pub output: Option<std::path::PathBuf>,
}

/// The ledger's entry for a query id: the detached run it came from.
pub fn find(runs: &[history::Run], query_id: &str) -> Result<history::Run> {
    let open = history::still_detached(runs);
    if let Some(r) = open.iter().find(|r| r.query_id.as_deref() == Some(query_id)) {
        return Ok(r.clone());
    }
    if runs.iter().any(|r| r.query_id.as_deref() == Some(query_id)) {
        return Err(FathomError::Other(format!(
            "query {query_id} was already followed to its end (see `fathom history`); run it again with `fathom run`"
        )));
    }
    let ids: Vec<String> = open.iter().filter_map(|r| r.query_id.clone()).collect();
    let hint = if ids.is_empty() { "no query is left running".to_string() } else { format!("left running: {}", ids.join(", ")) };
    Err(FathomError::Other(format!("no query {query_id} in the ledger ({hint}); `fathom history` lists the runs")))
}

pub async fn run(config: &Config, args: &AttachArgs) -> Result<()> {
    let runs = history::read(&config.paths.state_dir, None)?;
    let left = find(&runs, &args.query_id)?;
    let run_args = RunArgs { format: args.format.clone(), output: args.output.clone(), ..RunArgs::default() };
    let format = pick_format(&run_args)?;
    let (_, profile) = config.profile(Some(&left.profile))?;
    let budget = profile.budget(&config.budget);
    let (name, engine) = super::open_engine(config, Some(&left.profile)).await?;
    let info = RunInfo { time: chrono::Utc::now(), profile: &name, engine: engine.kind(), sql: &left.sql, given: &left.params, estimate: None };
    let mut entry = ledger::begin(info);
    entry.estimated_bytes = left.estimated_bytes;
    entry.estimated_cost_usd = left.estimated_cost_usd;
    entry.outcome = "attached".into();
    entry.query_id = Some(args.query_id.clone());
    let (spinner, progress) = progress_line(engine.as_ref());
    let start = engine.attach(&args.query_id, progress);
    let output = args.output.as_deref();
    let followed = super::follow(config, engine.as_ref(), entry, &budget, start, |schema| out(format, output, config.row_cap, schema)).await;
    if let Some(bar) = &spinner {
        bar.finish_and_clear();
    }
    let (sink, drained) = followed?;
    finish_output(sink, format, drained.rows)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn left(id: &str) -> history::Run {
        let info = RunInfo { time: chrono::Utc::now(), profile: "prod", engine: "athena", sql: "SELECT 1", given: &[], estimate: None };
        ledger::detached(ledger::begin(info), id, Duration::ZERO)
    }

    #[test]
    fn finds_what_was_left_running_and_says_what_was_not() {
        let runs = vec![left("q-1"), left("q-2")];
        assert_eq!(find(&runs, "q-2").unwrap().query_id.as_deref(), Some("q-2"));
        let err = find(&runs, "q-9").unwrap_err().to_string();
        assert!(err.contains("no query q-9") && err.contains("q-1, q-2"), "{err}");
        let mut done = left("q-1");
        done.outcome = "attached".into();
        let err = find(&[left("q-1"), done], "q-1").unwrap_err().to_string();
        assert!(err.contains("already followed"), "{err}");
    }
}
