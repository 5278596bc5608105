//! The executor: runs each `Effect` on a tokio task that reports back as an `Action` over an
//! mpsc channel. It owns the engines (one per profile, opened on first use) and the running
//! queries: a cancel aborts the query's task, which drops its stream and so stops the engine;
//! every run is written to the ledger once, when it reports back or is cancelled.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::config::Config;
use crate::engine::{Engine, Progress, ProgressFn, collect};
use crate::error::{FathomError, Result};
use crate::estimate::Estimate;
use crate::export::{self, Format};
use crate::history;
use crate::library::{ParamDecl, bind};
use crate::tui::autosave;
use crate::tui::grid::{Priced, QueryOutput, sort_order};
use crate::tui::ledger::{self, RunInfo};
use crate::tui::state::{Action, Effect, EstimateFor};

/// Runs effects; see the module header.
pub struct Executor {
    tx: UnboundedSender<Action>,
    tasks: HashMap<u64, Tracked>,
    engines: Arc<Engines>,
    state_dir: PathBuf,
}

impl Executor {
    pub fn new(config: Arc<Config>, tx: UnboundedSender<Action>) -> Executor {
        let state_dir = config.paths.state_dir.clone();
        let engines = Arc::new(Engines { config, open: tokio::sync::Mutex::new(HashMap::new()) });
        Executor { tx, tasks: HashMap::new(), engines, state_dir }
    }

    /// Opens a profile's engine in the background so the first run starts at once.
    /// Loads the named queries of every Athena profile into the browser (in the background;
    /// a profile that cannot be reached says so in a notice).
    pub fn load_named_queries(&self) {
        for (name, p) in &self.engines.config.profiles {
            if !matches!(p, crate::config::Profile::Athena(_)) {
                continue;
            }
            let (engines, profile, tx) = (self.engines.clone(), name.clone(), self.tx.clone());
            tokio::spawn(async move {
                let result = match engines.get(&profile).await {
                    Ok(engine) => engine.named_queries().await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                let _ = tx.send(Action::NamedQueries { profile, result });
            });
        }
    }

    pub fn warm(&self, profile: &str) {
        let (engines, profile) = (self.engines.clone(), profile.to_string());
        tokio::spawn(async move {
            let _ = engines.get(&profile).await;
        });
    }

    /// Queries running now.
    pub fn running(&self) -> usize {
        self.tasks.len()
    }

    /// Sees an action before `update` does: a finished query goes to the ledger.
    pub fn observe(&mut self, action: &Action) {
        if let Action::QueryDone { id, result } = action
            && let Some(t) = self.tasks.remove(id)
        {
            record(&self.state_dir, ledger::finished(t.entry, result, t.started.elapsed()), &self.tx);
        }
    }

    /// Cancels every running query (on quit), recording each in the ledger before returning.
    pub fn shutdown(&mut self) {
        for (_, task) in self.tasks.drain() {
            task.abort.abort(); // dropping a query's stream cancels it
            let _ = history::append(&self.state_dir, &ledger::cancelled(task.entry, task.started.elapsed()));
        }
    }

    pub fn run(&mut self, effect: Effect) {
        let (tx, engines, state_dir) = (&self.tx, &self.engines, self.state_dir.as_path());
        let engine_of = |profile: &str| engines.config.profile(Some(profile)).map(|(_, p)| p.engine_name()).unwrap_or("?");
        match effect {
            Effect::RunQuery { id, profile, sql, decls, given, row_cap, estimate } => {
                let info = RunInfo { time: chrono::Utc::now(), profile: &profile, engine: engine_of(&profile), sql: &sql, given: &given, estimate };
                let entry = ledger::begin(info);
                let (engines, tx) = (engines.clone(), tx.clone());
                let handle = tokio::spawn(async move {
                    let progress = progress_to(tx.clone(), id);
                    let result = run_query(&engines, &profile, &sql, &decls, &given, row_cap, progress).await;
                    let result = result.map(|mut out| {
                        out.estimate = estimate;
                        out
                    });
                    let _ = tx.send(Action::QueryDone { id, result });
                });
                self.tasks.insert(id, Tracked { abort: handle.abort_handle(), entry, started: Instant::now() });
            }
            Effect::Cancel { id } => {
                if let Some(task) = self.tasks.remove(&id) {
                    task.abort.abort(); // the task owns the stream: dropping it stops the engine
                    record(state_dir, ledger::cancelled(task.entry, task.started.elapsed()), tx);
                }
            }
            Effect::NotRun { profile, sql, given, estimate, outcome } => {
                let info = RunInfo { time: chrono::Utc::now(), profile: &profile, engine: engine_of(&profile), sql: &sql, given: &given, estimate };
                record(state_dir, ledger::not_run(info, &outcome), tx);
            }
            other => run_task(other, tx.clone(), engines, state_dir),
        }
    }
}

/// A query running on a task: how to stop it, and its ledger entry (written once, when it
/// reports back or is cancelled, whichever comes first).
struct Tracked {
    abort: AbortHandle,
    entry: history::Run,
    started: Instant,
}

/// Appends a run to the ledger off the event loop; a failure becomes a notice.
fn record(state_dir: &Path, entry: history::Run, tx: &UnboundedSender<Action>) {
    let (dir, tx) = (state_dir.to_path_buf(), tx.clone());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = history::append(&dir, &entry) {
            let _ = tx.send(Action::Notify { text: format!("{e}; the run was not recorded in the history"), error: true });
        }
    });
}

/// A progress sink that sends a running query's state to `update`.
fn progress_to(tx: UnboundedSender<Action>, id: u64) -> ProgressFn {
    Arc::new(move |p: Progress| {
        let scanned = p.scanned_bytes.filter(|b| *b > 0).map(|b| format!(" · scanned {}", crate::estimate::bill::human_bytes(b))).unwrap_or_default();
        let _ = tx.send(Action::QueryProgress { id, text: format!("{}{scanned}", p.state) });
    })
}

/// Open engines, one per profile, shared by the tasks.
struct Engines {
    config: Arc<Config>,
    open: tokio::sync::Mutex<HashMap<String, Arc<dyn Engine>>>,
}

impl Engines {
    /// The budget of a profile (an Athena profile may set its own price per TB).
    fn budget(&self, profile: &str) -> crate::config::Budget {
        match self.config.profile(Some(profile)) {
            Ok((_, p)) => p.budget(&self.config.budget),
            Err(_) => self.config.budget.clone(),
        }
    }

    async fn get(&self, profile: &str) -> std::result::Result<Arc<dyn Engine>, String> {
        let mut open = self.open.lock().await;
        if let Some(e) = open.get(profile) {
            return Ok(e.clone());
        }
        let (_, engine) = crate::commands::open_engine(&self.config, Some(profile)).await.map_err(|e| e.to_string())?;
        let engine: Arc<dyn Engine> = Arc::from(engine);
        open.insert(profile.to_string(), engine.clone());
        Ok(engine)
    }
}

/// Effects that only start a task (or write to the terminal) and report back.
fn run_task(effect: Effect, tx: UnboundedSender<Action>, engines: &Arc<Engines>, state_dir: &Path) {
    match effect {
        Effect::RunQuery { .. } | Effect::Cancel { .. } | Effect::NotRun { .. } | Effect::Quit => {}
        Effect::LoadCatalog { profile } => {
            let engines = engines.clone();
            tokio::spawn(async move {
                let result = match engines.get(&profile).await {
                    Ok(engine) => engine.tables().await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                let _ = tx.send(Action::Catalog { profile, result });
            });
        }
        Effect::Describe { profile, schema, table } => {
            let engines = engines.clone();
            tokio::spawn(async move {
                let result = match engines.get(&profile).await {
                    Ok(engine) => engine.describe(&schema, &table).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                let _ = tx.send(Action::Described { profile, schema, table, result });
            });
        }
        Effect::LoadHistory => {
            let dir = state_dir.to_path_buf();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Action::History(history::read(&dir, None).map_err(|e| e.to_string())));
            });
        }
        Effect::RunChecks { profile } => {
            let engines = engines.clone();
            tokio::spawn(async move {
                let result = match engines.get(&profile).await {
                    Ok(engine) => match crate::quality::builtin_checks() {
                        Ok(checks) => {
                            let today = chrono::Local::now().date_naive();
                            Ok(crate::quality::run_loaded_within(engine.as_ref(), &checks, today, Some(&engines.budget(&profile))).await)
                        }
                        Err(e) => Err(e.to_string()),
                    },
                    Err(e) => Err(e),
                };
                let _ = tx.send(Action::Checked { profile, result });
            });
        }
        Effect::Estimate { tab, key, decls, purpose } => {
            let engines = engines.clone();
            tokio::spawn(async move {
                let result = estimate(&engines, &key, &decls).await;
                let _ = tx.send(Action::EstimateDone { tab, key, purpose, result });
            });
        }
        Effect::Sort { query_id, batch, sort } => {
            tokio::task::spawn_blocking(move || {
                let order = match sort {
                    Some((col, desc)) => sort_order(&batch, col, desc).map(Some),
                    None => Ok(None),
                };
                let _ = tx.send(Action::Sorted { query_id, sort, order });
            });
        }
        Effect::Autosave(session) => {
            let dir = state_dir.to_path_buf();
            tokio::task::spawn_blocking(move || {
                if let Err(text) = autosave::save(&dir, &session) {
                    let _ = tx.send(Action::Notify { text, error: true });
                }
            });
        }
        Effect::Copy(text) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(crate::tui::osc52::sequence(&text).as_bytes()).and_then(|_| out.flush());
        }
        Effect::Export { path, batch } => {
            tokio::task::spawn_blocking(move || {
                let (text, error) = match export_file(&path, &batch) {
                    Ok(()) => (format!("exported {} rows to {}", batch.num_rows(), path.display()), false),
                    Err(e) => (e.to_string(), true),
                };
                let _ = tx.send(Action::Notify { text, error });
            });
        }
        Effect::SaveFile { path, text } => {
            tokio::task::spawn_blocking(move || {
                let result = path.parent().map(std::fs::create_dir_all).unwrap_or(Ok(())).and_then(|_| std::fs::write(&path, &text));
                let _ = tx.send(match result {
                    Ok(()) => Action::Saved { path, text },
                    Err(e) => Action::Notify { text: format!("cannot save {}: {e}; pick another path (Ctrl-S)", path.display()), error: true },
                });
            });
        }
    }
}

fn export_file(path: &Path, batch: &arrow::record_batch::RecordBatch) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = Format::parse(ext).ok_or_else(|| FathomError::Other(format!("{}: use .csv, .json, .parquet or .arrow", path.display())))?;
    let file = std::fs::File::create(path).map_err(|e| FathomError::io(format!("creating {}", path.display()), e))?;
    export::write(format, &batch.schema(), std::slice::from_ref(batch), std::io::BufWriter::new(file))
}

/// One query: bind the parameters for this engine, execute, collect up to `row_cap` rows.
async fn run_query(
    engines: &Engines,
    profile: &str,
    sql: &str,
    decls: &[ParamDecl],
    given: &[(String, String)],
    row_cap: usize,
    progress: ProgressFn,
) -> std::result::Result<QueryOutput, String> {
    let engine = engines.get(profile).await?;
    let bound = bind(sql, decls, given, engine.placeholder_style()).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let stream = engine.execute_with_progress(&bound.sql, &bound.values, progress).await.map_err(|e| e.to_string())?;
    let schema = stream.schema.clone();
    let collected = collect(stream, row_cap).await.map_err(|e| e.to_string())?;
    let (batches, truncated) = (collected.batches, collected.truncated);
    let elapsed = started.elapsed();
    let price = engines.budget(profile).price_per_tb_usd;
    let actual = collected.scanned_bytes.map(|b| Priced::bill(b, price));
    tokio::task::spawn_blocking(move || {
        let batch = arrow::compute::concat_batches(&schema, &batches).map_err(|e| format!("cannot assemble the result: {e}"))?;
        Ok(QueryOutput::new(batch, truncated, elapsed).with_costs(actual, None))
    })
    .await
    .map_err(|e| format!("result task failed: {e}"))?
}

/// The estimate of a statement on a profile, bound as its run would be: what Athena would
/// scan and bill (or PostgreSQL's plan cost), for the status line and the budget before a
/// run; `Err(why)` when it cannot be estimated (a syntax error, a parameter without a value).
async fn estimate(engines: &Engines, key: &EstimateFor, decls: &[ParamDecl]) -> std::result::Result<Option<Estimate>, String> {
    let engine = engines.get(&key.profile).await?;
    let bound = bind(&key.sql, decls, &key.given, engine.placeholder_style()).map_err(|e| e.to_string())?;
    let e = engine
        .estimate(&bound.sql, &bound.values, &engines.budget(&key.profile), false)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some(e))
}
