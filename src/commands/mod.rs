//! Headless commands (run, chart, demo, config, completions, man): the same library calls the workbench makes, printed instead of drawn.

pub mod check_cmd;
pub mod chart_cmd;
pub mod attach_cmd;
pub mod cache_cmd;
pub mod config_cmd;
pub mod demo_cmd;
pub mod estimate_cmd;
pub mod fmt_cmd;
pub mod history_cmd;
pub mod run_cmd;
pub mod shell_cmd;

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Config, LOCAL_PROFILE, LocalProfile, Profile};
use crate::engine::Engine;
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

/// Opens the engine of a profile (building the demo lake on first use of `local`), read-only.
pub async fn open_engine(config: &Config, profile: Option<&str>) -> Result<(String, Box<dyn Engine>)> {
    open_engine_for(config, profile, false).await
}

/// Opens the engine of a profile; `allow_write` is `fathom run --write`.
pub async fn open_engine_for(config: &Config, profile: Option<&str>, allow_write: bool) -> Result<(String, Box<dyn Engine>)> {
    let (name, p) = config.profile(profile)?;
    if let Profile::Local(local) = p {
        ensure_demo(config, name, local).await?;
    }
    Ok((name.to_string(), crate::run::engines::open(config, Some(name), allow_write).await?))
}

/// A saved query made for one engine runs only on a profile of that engine.
pub fn check_engine(query: &run_cmd::Query, profile: &Profile) -> Result<()> {
    match query.header.engine.as_deref() {
        Some(want) if want != "any" && want != profile.engine_name() => Err(crate::error::FathomError::Other(format!(
            "this saved query is for the {want} engine, but the profile uses {}; pick a {want} profile with --profile",
            profile.engine_name()
        ))),
        _ => Ok(()),
    }
}

/// The command line's consent to a run, as the gate asks for it: covered by `--yes` or
/// `--max-cost`, else asked on the terminal (y/N), else refused with what to pass.
pub fn consent(prepared: &crate::run::Prepared, allowance: crate::run::Allowance) -> Result<()> {
    use crate::run::{Gate, gate::explain};
    let gate = &prepared.gate;
    let why = explain(gate, &prepared.estimate, allowance);
    if allowance.covers(gate) {
        if let Gate::CannotPrice(_) = gate {
            eprintln!("fathom: warning: {why}; running it without an estimate (--yes)");
        }
        return Ok(());
    }
    let hint = match gate {
        Gate::Refuse { .. } | Gate::Run => return Err(crate::error::FathomError::Other(why)),
        Gate::Ask { usd, .. } => format!("pass --yes (or --max-cost {usd:.6}) to run it without asking"),
        Gate::CannotPrice(_) => "pass --yes to run it without an estimate".to_string(),
    };
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        eprint!("fathom: {why}. Run it? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            return Ok(());
        }
        return Err(crate::error::FathomError::Other("not run: declined at the confirmation".into()));
    }
    Err(crate::error::FathomError::Other(format!("not run: {why}; nobody to ask (no terminal): {hint}")))
}

/// What a headless command asks to run.
pub struct Request<'a> {
    pub query: &'a run_cmd::Query,
    pub params: &'a [String],
    pub profile: Option<&'a str>,
    /// `fathom run --write`.
    pub write: bool,
    pub allowance: crate::run::Allowance,
    /// Run it even when the result cache has it.
    pub no_cache: bool,
}

/// A finished headless run: its sink, what it returned, and what it was decided on.
pub struct Ran<S> {
    pub sink: S,
    pub drained: crate::run::Drained,
    pub prepared: crate::run::Prepared,
    /// What the run cost, as its ledger entry says (none from the cache, or when the engine
    /// does not say what it read).
    pub actual: Option<crate::run::Priced>,
    /// The cached result it was answered from, when it was.
    pub cached: Option<crate::cache::Entry>,
    /// Why its answer was not cached (`None`: it was, or it came from the cache).
    pub uncached: Option<String>,
}

/// Runs a query through the run pipeline: bind, estimate, the gate and the user's consent,
/// execute (Ctrl-C stops it on the server), the rows into the sink `make` builds from the
/// schema, and one ledger entry whatever happens.
pub async fn run_query<S: crate::run::Sink>(
    config: &Config,
    req: Request<'_>,
    progress: impl FnOnce(&dyn Engine) -> crate::engine::ProgressFn,
    make: impl FnOnce(&arrow::datatypes::SchemaRef) -> Result<S>,
) -> Result<Ran<S>> {
    use crate::run::{self, Priced, ledger};
    let (_, p) = config.profile(req.profile)?;
    check_engine(req.query, p)?;
    let budget = p.budget(&config.budget);
    let given = run_cmd::parse_params(req.params)?;
    let (name, engine) = open_engine_for(config, req.profile, req.write).await?;
    let prepared = run::prepare(engine.as_ref(), &req.query.sql, &req.query.header.params, &given, &budget).await?;
    let info = ledger::RunInfo {
        time: chrono::Utc::now(),
        profile: &name,
        engine: engine.kind(),
        sql: &req.query.sql,
        given: &given,
        estimate: prepared.estimate.as_ref().ok().and_then(Priced::of),
    };
    let record = |entry: &crate::history::Run| {
        if let Err(e) = crate::history::append(&config.paths.state_dir, entry) {
            eprintln!("fathom: warning: {e}");
        }
    };
    let store = crate::cache::Store::new(config.paths.cache_dir(), config.cache.max_mb);
    let key = match req.no_cache {
        true => Err("--no-cache".to_string()),
        false => run::cached::cache_key(engine.caps(), p, &prepared, config.cache.policy()),
    };
    // A hit is free: nothing runs, so nothing needs consent.
    if let Ok(k) = &key
        && let Some(hit) = store.get(k)
    {
        let started = std::time::Instant::now();
        let mut sink = make(&hit.schema)?;
        for b in &hit.batches {
            sink.push(b)?;
        }
        let drained = run::Drained { rows: hit.entry.rows, scanned: Some(0), get_requests: None, elapsed: started.elapsed() };
        record(&ledger::cached(ledger::begin(info), drained.rows, hit.entry.cost_usd, drained.elapsed));
        return Ok(Ran { sink, drained, prepared, actual: None, cached: Some(hit.entry), uncached: None });
    }
    if let Err(e) = consent(&prepared, req.allowance) {
        record(&ledger::not_run(info, &e.to_string()));
        return Err(e);
    }
    let entry = ledger::begin(info);
    let progress = progress(engine.as_ref());
    let start = run::start(engine.as_ref(), &prepared.bound, progress);
    let tee = |schema: &arrow::datatypes::SchemaRef| {
        let cache = key.as_ref().ok().and_then(|k| store.writer(k, schema));
        Ok(run::cached::Tee { inner: make(schema)?, cache })
    };
    let (tee, drained) = follow(config, engine.as_ref(), entry, &budget, start, tee).await?;
    let actual = drained.priced(&budget);
    if let Some(w) = tee.cache {
        let billed = actual.map(|p| p.cost_usd);
        let estimated = prepared.estimate.as_ref().map(|e| e.cost_usd).unwrap_or(0.0);
        w.commit(billed.filter(|c| *c > 0.0).unwrap_or(estimated));
    }
    Ok(Ran { sink: tee.inner, drained, prepared, actual, cached: None, uncached: key.err() })
}

/// Follows a started query to its end: rows into the sink `make` builds, Ctrl-C stops it on
/// the server, and its ledger entry `entry` is written once, whatever happens.
pub async fn follow<S: crate::run::Sink>(
    config: &Config,
    engine: &dyn Engine,
    entry: crate::history::Run,
    budget: &crate::config::Budget,
    start: impl std::future::Future<Output = Result<crate::engine::QueryStream>>,
    make: impl FnOnce(&arrow::datatypes::SchemaRef) -> Result<S>,
) -> Result<(S, crate::run::Drained)> {
    use crate::run::{self, ledger};
    let record = |entry: &crate::history::Run| {
        if let Err(e) = crate::history::append(&config.paths.state_dir, entry) {
            eprintln!("fathom: warning: {e}");
        }
    };
    let started = std::time::Instant::now();
    let result = async {
        let stream = start.await?;
        let mut sink = make(&stream.schema)?;
        let drained = run::drain(stream, &mut sink, started).await?;
        Ok::<_, crate::error::FathomError>((sink, drained))
    };
    let finished = tokio::select! {
        r = result => Some(r),
        _ = tokio::signal::ctrl_c() => None,
    };
    match finished {
        Some(Ok((sink, drained))) => {
            let actual = drained.priced(budget);
            record(&ledger::finished(entry, drained.rows, actual, drained.elapsed));
            Ok((sink, drained))
        }
        Some(Err(e)) => {
            engine.close(run::CLOSE_DEADLINE).await;
            record(&ledger::failed(entry, &e.to_string(), started.elapsed()));
            Err(e)
        }
        None => {
            engine.close(run::CLOSE_DEADLINE).await;
            record(&ledger::cancelled(entry, started.elapsed()));
            Err(crate::error::FathomError::Other("cancelled (Ctrl-C): the query was stopped".into()))
        }
    }
}
