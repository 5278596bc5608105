//! The runtime: takes the terminal (and gives it back on exit, panic, SIGTERM and SIGHUP),
//! turns terminal events, task replies and the clock into `Action`s, hands each `Effect` to
//! the executor (tasks that report back over an mpsc channel), and draws only when something
//! changed, at most one frame per `FRAME`.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyEventKind};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, execute};
use tokio::signal::unix::{SignalKind, signal};
use futures::FutureExt;
use std::io::Write as _;
use std::panic::AssertUnwindSafe;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::config::{Config, Profile};
use crate::error::{FathomError, Result};
use crate::tui::autosave;
use crate::tui::executor::Executor;
use crate::tui::state::{Action, Effect, State};
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
    let mut state = super::initial_state(&config, &opts, Instant::now());
    let config = Arc::new(config);
    let state_dir = config.paths.state_dir.clone();
    autosave::begin(&state_dir);
    let mut terminal = setup().map_err(|e| FathomError::io("taking over the terminal", e))?;
    install_panic_hook(&state_dir);
    let (tx, rx) = unbounded_channel::<Action>();
    let mut exec = Executor::new(config.clone(), tx);
    // A panic on this (the UI) thread unwinds to here: the terminal is given back by the
    // hook, then running queries are stopped and the tabs saved, as on any other exit.
    let ended = AssertUnwindSafe(event_loop(&mut terminal, &mut state, &mut exec, rx)).catch_unwind().await;
    restore();
    let (leave, result) = match ended {
        Ok(Ok(leave)) => (leave, Ok(())),
        Ok(Err(e)) => (false, Err(e)),
        Err(_) => (
            false,
            Err(FathomError::Other(format!(
                "fathom crashed (the report is above); running queries were stopped and your tabs saved to {}: start fathom again to get them back",
                autosave::session_file(&state_dir).display()
            ))),
        ),
    };
    exec.shutdown(leave).await;
    let saved = autosave::save_final(&state_dir, &state.session()).map_err(FathomError::Other);
    result.and(saved)
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

/// A panic on the UI thread gives the terminal back before the report prints. A panic in a
/// task leaves the screen alone (its run ends in an error on its tab) and is logged to
/// `<state dir>/crash.log`.
fn install_panic_hook(state_dir: &std::path::Path) {
    let ui = std::thread::current().id();
    let log = state_dir.join("crash.log");
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui {
            restore();
            previous(info);
        } else if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&log) {
            let _ = writeln!(f, "{} {info}", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"));
        }
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

/// Runs until the user quits or the terminal goes away; returns whether the running
/// queries are left running (a hangup, or the user's choice) rather than stopped.
async fn event_loop(terminal: &mut Term, state: &mut State, exec: &mut Executor, mut rx: UnboundedReceiver<Action>) -> Result<bool> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let sig = |k: SignalKind| signal(k).map_err(|e| FathomError::io("installing signal handlers", e));
    let (mut hup, mut term) = (sig(SignalKind::hangup())?, sig(SignalKind::terminate())?);
    exec.warm(&state.default_profile);
    exec.load_named_queries();
    exec.load_detached();
    for effect in crate::tui::update::complete::warm(state) {
        exec.run(effect);
    }
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if state.dirty && last_draw.elapsed() >= FRAME {
            let drawn = terminal.draw(|f| {
                if crate::run::panic_injected("draw") && state.tabs.iter().any(|t| t.text().contains("FATHOM_PANIC_NOW")) {
                    crate::run::injected_panic("draw");
                }
                views::draw(f, state)
            });
            if drawn.is_err() {
                return Ok(true); // the terminal is gone (a dropped SSH session): a hangup
            }
            state.dirty = false;
            last_draw = Instant::now();
        }
        let draw_at = tokio::time::Instant::from_std(last_draw + FRAME);
        let first = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match to_action(ev) { Some(a) => a, None => continue },
                Some(Err(_)) | None => return Ok(true), // the terminal is gone: a hangup
            },
            Some(a) = rx.recv() => a,
            _ = tick.tick() => Action::Tick,
            _ = hup.recv() => return Ok(true),
            _ = term.recv() => return Ok(false),
            _ = tokio::time::sleep_until(draw_at), if state.dirty => continue,
        };
        // Everything already waiting is applied before the next frame (yazi's drain).
        let mut next = Some(first);
        while let Some(action) = next.take() {
            exec.observe(&action);
            state.now = Instant::now();
            for effect in update(state, action) {
                if let Effect::Quit { leave } = effect {
                    return Ok(leave);
                }
                exec.run(effect);
            }
            next = rx.try_recv().ok();
        }
    }
}
