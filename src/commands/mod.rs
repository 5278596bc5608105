//! Headless commands (run, chart, demo, config): the same library calls the workbench makes, printed instead of drawn.

pub mod check_cmd;
pub mod chart_cmd;
pub mod config_cmd;
pub mod demo_cmd;
pub mod estimate_cmd;
pub mod run_cmd;

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Config, LOCAL_PROFILE, LocalProfile, Profile};
use crate::engine::Engine;
use crate::engine::local::LocalEngine;
use crate::engine::postgres::PostgresEngine;
use crate::error::Result;
use crate::lake::demo::{self, DemoOptions};
use crate::lake::generate::Scale;

/// A ticking spinner on stderr (for a running query's state).
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A `(message, done, total)` progress callback that moves `bar`.
pub fn steps(bar: &ProgressBar) -> impl FnMut(&str, usize, usize) + Send + '_ {
    move |msg, done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(msg.to_string());
    }
}

/// A progress bar on stderr when it is a terminal; silent when piped.
pub fn progress_bar() -> ProgressBar {
    let target = if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(0), target);
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// Builds the demo lake of the built-in profile if it is missing (first use).
pub async fn ensure_demo(config: &Config, name: &str, profile: &LocalProfile) -> Result<()> {
    let demo_dir = config.paths.demo_dir();
    if name != LOCAL_PROFILE || *profile != LocalProfile::demo(&demo_dir) {
        return Ok(());
    }
    if profile.sqlite_path().is_some_and(|p| p.exists()) {
        return Ok(());
    }
    let scale = match std::env::var("FATHOM_DEMO_SCALE") {
        Ok(s) => demo::parse_scale(&s).ok_or_else(|| {
            crate::error::FathomError::Other(format!("FATHOM_DEMO_SCALE='{s}': expected small, seed or large"))
        })?,
        Err(_) => Scale::Seed,
    };
    eprintln!(
        "fathom: no demo lake yet; building one ({} scale) at {} (once; `fathom demo --help` for options)",
        demo::scale_name(scale),
        demo_dir.display()
    );
    let opts = DemoOptions { scale, seed: 42, end: demo::default_end(), dir: demo_dir, force: false, inject_faults: false };
    let bar = progress_bar();
    let mut report = steps(&bar);
    let summary = demo::build(&opts, &mut report).await;
    bar.finish_and_clear();
    summary.map(|_| ())
}

/// A query ready to run: its engine, the SQL with placeholders and values, and the raw
/// `--param` pairs (for the ledger).
pub struct Prepared {
    pub engine: Box<dyn Engine>,
    pub bound: crate::library::Bound,
    pub given: Vec<(String, String)>,
}

/// Parses `--param` values, opens the profile's engine and binds the query for it: the
/// steps every headless command that runs SQL shares.
pub async fn prepare(
    config: &Config,
    query: &run_cmd::Query,
    params: &[String],
    profile: Option<&str>,
    allow_write: bool,
) -> Result<Prepared> {
    let given = run_cmd::parse_params(params)?;
    let (_, engine) = open_engine_for(config, profile, allow_write).await?;
    let bound = crate::library::bind(&query.sql, &query.header.params, &given, engine.placeholder_style())?;
    Ok(Prepared { engine, bound, given })
}

/// Opens the engine of a profile (building the demo lake on first use of `local`), read-only.
pub async fn open_engine(config: &Config, profile: Option<&str>) -> Result<(String, Box<dyn Engine>)> {
    open_engine_for(config, profile, false).await
}

/// Opens the engine of a profile; `allow_write` is `fathom run --write` (PostgreSQL only).
pub async fn open_engine_for(config: &Config, profile: Option<&str>, allow_write: bool) -> Result<(String, Box<dyn Engine>)> {
    let (name, p) = config.profile(profile)?;
    let name = name.to_string();
    match p {
        Profile::Local(local) => {
            ensure_demo(config, &name, local).await?;
            Ok((name, Box::new(LocalEngine::open(local).await?)))
        }
        Profile::Postgres(pg) => {
            let engine = PostgresEngine::connect(&name, pg, allow_write).await?;
            Ok((name, Box::new(engine)))
        }
        Profile::Athena(a) => {
            let engine = crate::engine::athena::AthenaEngine::connect(&name, a, allow_write).await?;
            Ok((name, Box::new(engine)))
        }
    }
}
