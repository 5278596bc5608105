//! The runtime: takes the terminal (and gives it back on exit, panic, SIGTERM and SIGHUP),
//! turns terminal events, task replies and the clock into `Action`s, runs each `Effect` on a
//! tokio task that reports back over an mpsc channel, and draws only when something changed,
//! at most one frame per `FRAME`.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyEventKind};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, execute};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;

use crate::config::{Config, Profile};
use crate::engine::{Engine, collect};
use crate::error::{FathomError, Result};
use crate::estimate::Estimate;
use crate::export::{self, Format};
use crate::history;
use crate::library::{ParamDecl, bind};
use crate::tui::autosave;
use crate::tui::grid::{Priced, QueryOutput, sort_order};
use crate::tui::ledger::{self, RunInfo};
use crate::tui::state::{Action, Effect, EstimateFor, State};
use crate::tui::update::update;
use crate::tui::views;

/// At most one frame per this (yazi's 10 ms).
pub const FRAME: Duration = Duration::from_millis(10);
/// The clock: elapsed times, debounces, notices.
const TICK: Duration = Duration::from_millis(100);

type Term = Terminal<CrosstermBackend<std::io::Stdout>>;

/// Opens the workbench on the default profile and runs it until the user quits.
pub async fn run(config: Config, opts: super::Options) -> Result<()> {
    let (name, profile) = config.profile(None)?;
    if let Profile::Local(local) = profile {
        crate::commands::ensure_demo(&config, name, local).await?;
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        print!("{}", headless_guide(name));
        return Ok(());
    }
    let state = super::initial_state(&config, &opts, Instant::now());
    let config = Arc::new(config);
    let mut terminal = setup().map_err(|e| FathomError::io("taking over the terminal", e))?;
    install_panic_hook();
    let result = event_loop(&mut terminal, state, config).await;
    restore();
    result
}

/// What `fathom` prints instead of the workbench when it has no terminal (piped, cron).
fn headless_guide(profile: &str) -> String {
    format!(
        "fathom {}: the workbench needs a terminal; the lake is ready (profile '{profile}'). Without one:\n\
         \x20 fathom run \"SELECT ticker, name, sector FROM reference.tb_meta LIMIT 10\"\n\
         \x20 fathom run queries/market/daily_prices.sql --param ticker=AAPL\n\
         \x20 fathom estimate queries/cost/pruned.sql   what it would cost on Athena\n\
         \x20 fathom chart queries/portfolio/nav.sql --param port_id=1\n\
         \x20 fathom check        data-quality checks\n\
         \x20 fathom config        profiles and paths\n\
         \x20 fathom --help        all commands\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn setup() -> std::io::Result<Term> {
    enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen, EnableBracketedPaste, cursor::Hide)?;
    Terminal::new(CrosstermBackend::new(std::io::stdout()))
}

/// Gives the terminal back. Errors are ignored: after SIGHUP there is no terminal left.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), LeaveAlternateScreen, DisableBracketedPaste, cursor::Show);
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

fn to_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

async fn event_loop(terminal: &mut Term, mut state: State, config: Arc<Config>) -> Result<()> {
    let (tx, mut rx) = unbounded_channel::<Action>();
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let sig = |k: SignalKind| signal(k).map_err(|e| FathomError::io("installing signal handlers", e));
    let (mut hup, mut term) = (sig(SignalKind::hangup())?, sig(SignalKind::terminate())?);
    let engines = Arc::new(Engines { config: config.clone(), open: tokio::sync::Mutex::new(HashMap::new()) });
    let mut tasks: HashMap<u64, Tracked> = HashMap::new();
    warm(&engines, &state.default_profile);
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    let mut last_draw = Instant::now() - FRAME;
    let state_dir = config.paths.state_dir.clone();
    loop {
        if state.dirty && last_draw.elapsed() >= FRAME {
            if terminal.draw(|f| views::draw(f, &state)).is_err() {
                break; // the terminal is gone (e.g. a dropped SSH session): save and leave
            }
            state.dirty = false;
            last_draw = Instant::now();
        }
        if state.quit {
            break;
        }
        let draw_at = tokio::time::Instant::from_std(last_draw + FRAME);
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match to_action(ev) { Some(a) => a, None => continue },
                Some(Err(_)) | None => break, // the terminal is gone: save and leave
            },
            Some(a) = rx.recv() => a,
            _ = tick.tick() => Action::Tick,
            _ = hup.recv() => break,
            _ = term.recv() => break,
            _ = tokio::time::sleep_until(draw_at), if state.dirty => continue,
        };
        if let Action::QueryDone { id, result } = &action
            && let Some(t) = tasks.remove(id)
        {
            record(&state_dir, ledger::finished(t.entry, result, t.started.elapsed()), &tx);
        }
        state.now = Instant::now();
        for effect in update(&mut state, action) {
            run_effect(effect, &tx, &mut tasks, &engines, &state_dir);
        }
    }
    for (_, task) in tasks.drain() {
        task.abort.abort(); // dropping a query's stream cancels it
        let _ = history::append(&state_dir, &ledger::cancelled(task.entry, task.started.elapsed()));
    }
    autosave::save(&state_dir, &state.session()).map_err(FathomError::Other)
}

/// A query running on a task: how to stop it, and its ledger entry (written once, when it
/// reports back or is cancelled, whichever comes first).
struct Tracked {
    abort: AbortHandle,
    entry: history::Run,
    started: Instant,
}

/// Appends a run to the ledger off the event loop; a failure becomes a notice.
fn record(state_dir: &std::path::Path, entry: history::Run, tx: &UnboundedSender<Action>) {
    let (dir, tx) = (state_dir.to_path_buf(), tx.clone());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = history::append(&dir, &entry) {
            let _ = tx.send(Action::Notify { text: format!("{e}; the run was not recorded in the history"), error: true });
        }
    });
}

/// Open engines, one per profile, shared by the tasks.
struct Engines {
    config: Arc<Config>,
    open: tokio::sync::Mutex<HashMap<String, Arc<dyn Engine>>>,
}

impl Engines {
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

/// Opens the default profile's engine in the background so the first run starts at once.
fn warm(engines: &Arc<Engines>, profile: &str) {
    let (engines, profile) = (engines.clone(), profile.to_string());
    tokio::spawn(async move {
        let _ = engines.get(&profile).await;
    });
}

fn run_effect(
    effect: Effect,
    tx: &UnboundedSender<Action>,
    tasks: &mut HashMap<u64, Tracked>,
    engines: &Arc<Engines>,
    state_dir: &std::path::Path,
) {
    let engine_of = |profile: &str| engines.config.profile(Some(profile)).map(|(_, p)| p.engine_name()).unwrap_or("?");
    match effect {
        Effect::RunQuery { id, profile, sql, decls, given, row_cap, estimate } => {
            let info = RunInfo { time: chrono::Utc::now(), profile: &profile, engine: engine_of(&profile), sql: &sql, given: &given, estimate };
            let entry = ledger::begin(info);
            let (engines, tx) = (engines.clone(), tx.clone());
            let handle = tokio::spawn(async move {
                let result = run_query(&engines, &profile, &sql, &decls, &given, row_cap).await;
                let result = result.map(|mut out| {
                    out.estimate = estimate;
                    out
                });
                let _ = tx.send(Action::QueryDone { id, result });
            });
            tasks.insert(id, Tracked { abort: handle.abort_handle(), entry, started: Instant::now() });
        }
        Effect::Cancel { id } => {
            if let Some(task) = tasks.remove(&id) {
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

/// Effects that only start a task (or write to the terminal) and report back.
fn run_task(effect: Effect, tx: UnboundedSender<Action>, engines: &Arc<Engines>, state_dir: &std::path::Path) {
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
                            Ok(crate::quality::run_loaded(engine.as_ref(), &checks, today).await)
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

fn export_file(path: &std::path::Path, batch: &arrow::record_batch::RecordBatch) -> Result<()> {
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
) -> std::result::Result<QueryOutput, String> {
    let engine = engines.get(profile).await?;
    let bound = bind(sql, decls, given, engine.placeholder_style()).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let stream = engine.execute(&bound.sql, &bound.values).await.map_err(|e| e.to_string())?;
    let schema = stream.schema.clone();
    let collected = collect(stream, row_cap).await.map_err(|e| e.to_string())?;
    let (batches, truncated) = (collected.batches, collected.truncated);
    let elapsed = started.elapsed();
    let price = engines.config.budget.price_per_tb_usd;
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
        .estimate(&bound.sql, &bound.values, &engines.config.budget, false)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some(e))
}
