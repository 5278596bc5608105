//! The executor: runs each `Effect` on a tokio task that reports back as an `Action` over an
//! mpsc channel. Queries go through the run pipeline (`crate::run`): engines open lazily, one
//! per profile; each run has a supervisor task that awaits the query's task, turns a panic
//! into a failed run on its tab, and writes the ledger entry exactly once. On the way out
//! `shutdown` stops what is running on the servers (or leaves it running, recorded as
//! detached) and waits for that, with a bound.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::{AbortHandle, JoinError};

use crate::config::Config;
use crate::engine::{Progress, ProgressFn};
use crate::error::{FathomError, Result};
use crate::export::{self, Format};
use crate::history::{self, Run};
use crate::library::{ParamDecl, bind};
use crate::run::ledger::{self, RunInfo};
use crate::run::sink::Capped;
use crate::run::{CLOSE_DEADLINE, Engines, Priced};
use crate::tui::autosave;
use crate::tui::grid::{QueryOutput, sort_order};
use crate::tui::state::{Action, Effect, EstimateFor, EstimatePurpose};

/// Runs effects; see the module header.
pub struct Executor {
    tx: UnboundedSender<Action>,
    runs: HashMap<u64, Tracked>,
    /// The live estimate's task per tab: a newer request aborts the older (latest wins).
    live: HashMap<u64, AbortHandle>,
    engines: Arc<Engines>,
    state_dir: PathBuf,
    /// Completion's names on disk: the generation last written per profile.
    names_saved: Arc<Mutex<HashMap<String, u64>>>,
    names_generation: u64,
}

/// A run in flight: how to stop its query, and its ledger entry, written once by whoever
/// claims it first (the supervisor when the task ends, or `cancel`/`shutdown`).
struct Tracked {
    abort: AbortHandle,
    entry: Arc<Entry>,
}

struct Entry {
    run: Run,
    started: Instant,
    written: AtomicBool,
    /// The server's id for the query, as its progress reports it.
    query_id: Mutex<Option<String>>,
    /// Answered from the result cache, saving this much.
    saved_usd: Mutex<Option<f64>>,
}

impl Entry {
    fn cached(&self, saved_usd: f64) {
        *self.saved_usd.lock().unwrap_or_else(|e| e.into_inner()) = Some(saved_usd);
    }

    /// Writes the ledger entry if nobody has yet.
    fn write(&self, state_dir: &Path, end: impl FnOnce(Run) -> Run) -> bool {
        if self.written.swap(true, Ordering::SeqCst) {
            return false;
        }
        let _ = history::append(state_dir, &end(self.run.clone()));
        true
    }
}

impl Executor {
    pub fn new(config: Arc<Config>, tx: UnboundedSender<Action>) -> Executor {
        let state_dir = config.paths.state_dir.clone();
        Executor {
            tx,
            runs: HashMap::new(),
            live: HashMap::new(),
            engines: Arc::new(Engines::new(config)),
            state_dir,
            names_saved: Arc::default(),
            names_generation: 0,
        }
    }

    /// Loads the named queries of every profile whose engine has them into the browser (in
    /// the background; a profile whose engine has them but cannot list them says so in a
    /// notice; one that does not open says so when it is used).
    pub fn load_named_queries(&self) {
        for name in self.engines.config().profiles.keys() {
            let (engines, profile, tx) = (self.engines.clone(), name.clone(), self.tx.clone());
            tokio::spawn(async move {
                let engine = match engines.get(&profile).await {
                    Ok(engine) if engine.caps().named_queries => engine,
                    _ => return,
                };
                let result = engine.named_queries().await.map_err(|e| e.to_string());
                let _ = tx.send(Action::NamedQueries { profile, result });
            });
        }
    }

    /// Opens a profile's engine in the background so the first run starts at once.
    pub fn warm(&self, profile: &str) {
        let (engines, profile) = (self.engines.clone(), profile.to_string());
        tokio::spawn(async move {
            let _ = engines.get(&profile).await;
        });
    }

    /// Reads the ledger for queries an earlier session left running (offered at start).
    pub fn load_detached(&self) {
        let (dir, tx) = (self.state_dir.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let result = history::read(&dir, None).map(|runs| history::still_detached(&runs)).map_err(|e| e.to_string());
            let _ = tx.send(Action::Detached(result));
        });
    }

    /// Queries running now.
    pub fn running(&self) -> usize {
        self.runs.len()
    }

    /// Sees an action before `update` does: a finished run is no longer tracked.
    pub fn observe(&mut self, action: &Action) {
        if let Action::QueryDone { id, .. } = action {
            self.runs.remove(id);
        }
    }

    /// On the way out: stops every running query on its server (or, with `leave`, lets the
    /// queries that can outlive fathom run on, recorded as detached) and waits for the
    /// stops, at most `CLOSE_DEADLINE`. Every run gets its ledger entry.
    pub async fn shutdown(&mut self, leave: bool) {
        let detached = if leave { self.engines.detach_all().await } else { Vec::new() };
        for (_, t) in self.runs.drain() {
            let id = t.entry.query_id.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let elapsed = t.entry.started.elapsed();
            match id.filter(|id| detached.iter().any(|(_, d)| d.query_id == *id)) {
                Some(id) => t.entry.write(&self.state_dir, |r| ledger::detached(r, &id, elapsed)),
                None => t.entry.write(&self.state_dir, |r| ledger::cancelled(r, elapsed)),
            };
            t.abort.abort();
        }
        self.engines.close_all(CLOSE_DEADLINE).await;
    }

    pub fn run(&mut self, effect: Effect) {
        let (tx, engines, state_dir) = (&self.tx, &self.engines, self.state_dir.as_path());
        let engine_of = |profile: &str| engines.config().profile(Some(profile)).map(|(_, p)| p.engine_name()).unwrap_or("?");
        match effect {
            Effect::RunQuery { id, profile, sql, decls, given, row_cap, estimate, cached, fresh, cache_key: key } => {
                let info = RunInfo { time: chrono::Utc::now(), profile: &profile, engine: engine_of(&profile), sql: &sql, given: &given, estimate };
                let entry = self.begin(info);
                let engines = engines.clone();
                let progress = progress_to(tx.clone(), id, entry.clone());
                let slot = entry.clone();
                let digits = engines.config().grid.float_digits;
                let query = async move {
                    crate::run::injected_panic("query");
                    let engine = engines.get(&profile).await?;
                    let (budget, store) = (engines.budget(&profile), engines.cache());
                    if let Some(hit) = key.as_ref().filter(|_| !fresh).and_then(|k| store.get(k)) {
                        slot.cached(hit.entry.cost_usd);
                        let started = Instant::now();
                        let batch = arrow::compute::concat_batches(&hit.schema, &hit.batches).map_err(|e| e.to_string())?;
                        let rows = batch.num_rows() as u64;
                        let out = QueryOutput::new(batch, false, started.elapsed()).with_costs(Some(Priced::default()), estimate);
                        return Ok(out.with_total(rows).with_float_digits(digits));
                    }
                    if cached {
                        return Err("the cached result this run was started from is gone (evicted or damaged); run it again to see its price".into());
                    }
                    let bound = bind(&sql, &decls, &given, engine.placeholder_style()).map_err(|e| e.to_string())?;
                    let stream = crate::run::start(engine.as_ref(), &bound, progress).await.map_err(|e| e.to_string())?;
                    let writer = key.as_ref().and_then(|k| store.writer(k, &stream.schema));
                    let (out, writer) = collect_into(stream, row_cap, &budget, writer).await?;
                    if let Some(w) = writer {
                        w.commit(out.actual.map(|a| a.cost_usd).filter(|c| *c > 0.0).or(estimate.map(|e| e.cost_usd)).unwrap_or(0.0));
                    }
                    let actual = out.actual;
                    Ok(out.with_costs(actual, estimate).with_float_digits(digits))
                };
                self.supervise(id, entry, query);
            }
            Effect::Attach { id, profile, query_id, sql, given, row_cap } => {
                let info = RunInfo { time: chrono::Utc::now(), profile: &profile, engine: engine_of(&profile), sql: &sql, given: &given, estimate: None };
                let mut run = ledger::begin(info);
                run.outcome = "attached".into();
                run.query_id = Some(query_id.clone());
                let entry = Arc::new(Entry { run, started: Instant::now(), written: AtomicBool::new(false), query_id: Mutex::new(Some(query_id.clone())), saved_usd: Mutex::new(None) });
                let engines = engines.clone();
                let progress = progress_to(tx.clone(), id, entry.clone());
                let query = async move {
                    let engine = engines.get(&profile).await?;
                    let stream = engine.attach(&query_id, progress).await.map_err(|e| e.to_string())?;
                    let out = collect(stream, row_cap, &engines.budget(&profile)).await?;
                    Ok(out.with_float_digits(engines.config().grid.float_digits))
                };
                self.supervise(id, entry, query);
            }
            Effect::Cancel { id } => {
                if let Some(t) = self.runs.remove(&id) {
                    let elapsed = t.entry.started.elapsed();
                    let entry = t.entry.clone();
                    let dir = state_dir.to_path_buf();
                    tokio::task::spawn_blocking(move || entry.write(&dir, |r| ledger::cancelled(r, elapsed)));
                    t.abort.abort(); // the task owns the stream: dropping it stops the engine
                }
            }
            Effect::NotRun { profile, sql, given, estimate, outcome } => {
                let info = RunInfo { time: chrono::Utc::now(), profile: &profile, engine: engine_of(&profile), sql: &sql, given: &given, estimate };
                record(state_dir, ledger::not_run(info, &outcome), tx);
            }
            Effect::Estimate { tab, key, decls, purpose } => {
                let (engines, tx) = (engines.clone(), tx.clone());
                let task = tokio::spawn(async move {
                    let (result, caps, cache_key) = estimate(&engines, &key, &decls).await;
                    let cached = cache_key.as_ref().is_some_and(|k| engines.cache().contains(k));
                    let _ = tx.send(Action::EstimateDone { tab, key, purpose, result, caps, cached, cache_key });
                });
                if purpose == EstimatePurpose::Live
                    && let Some(old) = self.live.insert(tab, task.abort_handle())
                {
                    old.abort();
                }
            }
            Effect::SaveNames { profile, names } => {
                let dir = engines.config().paths.names_cache_dir();
                let (tx, saved) = (tx.clone(), self.names_saved.clone());
                self.names_generation += 1;
                let generation = self.names_generation;
                tokio::task::spawn_blocking(move || {
                    // The newest names win: a save that finds a newer one written skips.
                    let mut newest = saved.lock().unwrap_or_else(|e| e.into_inner());
                    if newest.get(&profile).is_some_and(|g| *g > generation) {
                        return;
                    }
                    newest.insert(profile.clone(), generation);
                    if let Err(e) = crate::cache::names::save(&dir, &profile, &names, crate::cache::names::now_secs()) {
                        let text = format!("cannot keep completion names in {}: {e}; they load again next start", dir.display());
                        let _ = tx.send(Action::Notify { text, error: false });
                    }
                });
            }
            Effect::Reconnect { profile } => {
                engines.reset(&profile);
                self.warm(&profile);
            }
            other => run_task(other, tx.clone(), engines, state_dir),
        }
    }

    fn begin(&self, info: RunInfo<'_>) -> Arc<Entry> {
        Arc::new(Entry { run: ledger::begin(info), started: Instant::now(), written: AtomicBool::new(false), query_id: Mutex::new(None), saved_usd: Mutex::new(None) })
    }

    /// Runs `query` on its own task under a supervisor that reports its end (a panic as a
    /// failed run) and writes its ledger entry once.
    fn supervise<F>(&mut self, id: u64, entry: Arc<Entry>, query: F)
    where
        F: std::future::Future<Output = std::result::Result<QueryOutput, String>> + Send + 'static,
    {
        let task = tokio::spawn(query);
        self.runs.insert(id, Tracked { abort: task.abort_handle(), entry: entry.clone() });
        let (tx, dir) = (self.tx.clone(), self.state_dir.clone());
        tokio::spawn(async move {
            let elapsed = || entry.started.elapsed();
            let result = match task.await {
                Ok(result) => result,
                Err(e) if e.is_cancelled() => return, // cancelled: whoever cancelled it wrote the entry
                Err(e) => Err(panicked(e)),
            };
            let written = match &result {
                Ok(out) => match *entry.saved_usd.lock().unwrap_or_else(|e| e.into_inner()) {
                    Some(saved) => entry.write(&dir, |r| ledger::cached(r, out.total, saved, elapsed())),
                    None => entry.write(&dir, |r| ledger::finished(r, out.total, out.actual, elapsed())),
                },
                Err(e) => entry.write(&dir, |r| ledger::failed(r, e, elapsed())),
            };
            if written {
                let _ = tx.send(Action::QueryDone { id, result });
            }
        });
    }
}

/// What a panicked task said, as the run's error.
fn panicked(e: JoinError) -> String {
    let payload = e.into_panic();
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    format!("the query's task crashed ({msg}); nothing else was affected: run it again, and report it if it repeats")
}

/// Appends a run to the ledger off the event loop; a failure becomes a notice.
fn record(state_dir: &Path, entry: Run, tx: &UnboundedSender<Action>) {
    let (dir, tx) = (state_dir.to_path_buf(), tx.clone());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = history::append(&dir, &entry) {
            let _ = tx.send(Action::Notify { text: format!("{e}; the run was not recorded in the history"), error: true });
        }
    });
}

/// A progress sink that sends a running query's state to `update` and keeps its server id.
fn progress_to(tx: UnboundedSender<Action>, id: u64, entry: Arc<Entry>) -> ProgressFn {
    Arc::new(move |p: Progress| {
        if let Some(qid) = &p.query_id {
            let mut slot = entry.query_id.lock().unwrap_or_else(|e| e.into_inner());
            if slot.as_ref() != Some(qid) {
                *slot = Some(qid.clone());
            }
        }
        let scanned = p.scanned_bytes.filter(|b| *b > 0).map(|b| format!(" · scanned {}", crate::estimate::bill::human_bytes(b))).unwrap_or_default();
        let _ = tx.send(Action::QueryProgress { id, text: format!("{}{scanned}", p.state) });
    })
}

/// Keeps the first `row_cap` rows (counting all) and builds the grid's result off the UI thread.
async fn collect(stream: crate::engine::QueryStream, row_cap: usize, budget: &crate::config::Budget) -> std::result::Result<QueryOutput, String> {
    collect_into(stream, row_cap, budget, None).await.map(|(out, _)| out)
}

/// `collect`, teeing every batch into the result cache's `writer` on the way.
async fn collect_into(
    stream: crate::engine::QueryStream,
    row_cap: usize,
    budget: &crate::config::Budget,
    writer: Option<crate::cache::store::Writer>,
) -> std::result::Result<(QueryOutput, Option<crate::cache::store::Writer>), String> {
    let started = Instant::now();
    let mut tee = crate::run::cached::Tee { inner: Capped::new(row_cap, stream.schema.clone()), cache: writer };
    let drained = crate::run::drain(stream, &mut tee, started).await.map_err(|e| e.to_string())?;
    let (grid, writer) = (tee.inner, tee.cache);
    let actual = drained.priced(budget);
    tokio::task::spawn_blocking(move || {
        let truncated = grid.truncated();
        let batch = arrow::compute::concat_batches(&grid.schema, &grid.batches).map_err(|e| format!("cannot assemble the result: {e}"))?;
        Ok(QueryOutput::new(batch, truncated, drained.elapsed).with_costs(actual, None).with_total(drained.rows))
    })
    .await
    .map_err(|e| format!("result task failed: {e}"))?
    .map(|out| (out, writer))
}

/// The estimate of a statement on a profile, bound as its run would be, and what the
/// profile's engine can do (`None` when it did not open).
/// And the key the result cache keeps its answer under (`None`: not cached), which the run
/// then uses as it is: the statement is planned once, at the price the user agreed to.
async fn estimate(engines: &Engines, key: &EstimateFor, decls: &[ParamDecl]) -> (std::result::Result<crate::estimate::Estimate, String>, Option<crate::engine::Caps>, Option<crate::cache::Key>) {
    let engine = match engines.get(&key.profile).await {
        Ok(e) => e,
        Err(e) => return (Err(e), None, None),
    };
    let budget = engines.budget(&key.profile);
    let prepared = match crate::run::prepare(engine.as_ref(), &key.sql, decls, &key.given, &budget).await {
        Ok(p) => p,
        Err(e) => return (Err(e.to_string()), Some(engine.caps()), None),
    };
    let cache_key = match engines.config().profile(Some(&key.profile)) {
        Ok((_, p)) => crate::run::cached::cache_key(engine.caps(), p, &prepared, engines.config().cache.policy()).ok(),
        Err(_) => None,
    };
    (prepared.estimate, Some(engine.caps()), cache_key)
}

/// Effects that only start a task (or write to the terminal) and report back.
fn run_task(effect: Effect, tx: UnboundedSender<Action>, engines: &Arc<Engines>, state_dir: &Path) {
    match effect {
        Effect::RunQuery { .. }
        | Effect::Attach { .. }
        | Effect::Cancel { .. }
        | Effect::NotRun { .. }
        | Effect::Estimate { .. }
        | Effect::Reconnect { .. }
        | Effect::SaveNames { .. }
        | Effect::Quit { .. } => {}
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
        Effect::LoadNames { profile } => load_names(profile, tx, engines.clone()),
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
        Effect::Sort { query_id, batch, sort } => {
            tokio::task::spawn_blocking(move || {
                let order = match sort {
                    Some((col, desc)) => sort_order(&batch, col, desc).map(Some),
                    None => Ok(None),
                };
                let _ = tx.send(Action::Sorted { query_id, sort, order });
            });
        }
        Effect::Autosave { session, generation } => {
            let dir = state_dir.to_path_buf();
            tokio::task::spawn_blocking(move || {
                if let Err(text) = autosave::save(&dir, &session, generation) {
                    let _ = tx.send(Action::Notify { text, error: true });
                }
            });
        }
        Effect::BuildChart { key, batch } => {
            tokio::task::spawn_blocking(move || {
                let cache = crate::chart::cache::ChartCache::for_result(key, batch);
                let _ = tx.send(Action::ChartBuilt(Box::new(cache)));
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
        Effect::OpenFile { path } => {
            tokio::task::spawn_blocking(move || {
                let result = crate::tui::files::read_sql(&path);
                let _ = tx.send(Action::Opened { path, result });
            });
        }
        Effect::CompletePath { input } => {
            tokio::task::spawn_blocking(move || {
                let result = crate::tui::files::complete_path(&input);
                let _ = tx.send(Action::PathCompleted { input, result });
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

/// Completion's names of `profile`: the disk cache's at once (if any), then the engine's
/// tables (paginated by the engine) and functions. Columns load per table, on demand.
fn load_names(profile: String, tx: UnboundedSender<Action>, engines: Arc<Engines>) {
    tokio::spawn(async move {
        let dir = engines.config().paths.names_cache_dir();
        let p = profile.clone();
        let disk = tokio::task::spawn_blocking(move || crate::cache::names::load(&dir, &p, crate::cache::names::now_secs())).await;
        if let Ok(Some(names)) = disk {
            let _ = tx.send(Action::Names { profile: profile.clone(), result: Ok(Box::new(names)), cached: true });
        }
        let result = match engines.get(&profile).await {
            Ok(engine) => match engine.tables().await {
                Ok(tables) => {
                    let functions = engine.functions().await.unwrap_or_default();
                    Ok(Box::new(crate::complete::Names { tables, functions, ..Default::default() }))
                }
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e),
        };
        let _ = tx.send(Action::Names { profile, result, cached: false });
    });
}

fn export_file(path: &Path, batch: &arrow::record_batch::RecordBatch) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = Format::parse(ext).ok_or_else(|| FathomError::Other(format!("{}: use .csv, .json, .parquet or .arrow", path.display())))?;
    let file = std::fs::File::create(path).map_err(|e| FathomError::io(format!("creating {}", path.display()), e))?;
    export::write(format, &batch.schema(), std::slice::from_ref(batch), std::io::BufWriter::new(file))
}
