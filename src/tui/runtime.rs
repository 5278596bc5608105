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
use tokio::sync::mpsc::unbounded_channel;

use crate::config::{Config, Profile};
use crate::error::{FathomError, Result};
use crate::tui::autosave;
use crate::tui::executor::Executor;
use crate::tui::state::{Action, State};
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
    let mut exec = Executor::new(config.clone(), tx.clone());
    exec.warm(&state.default_profile);
    exec.load_named_queries();
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
        exec.observe(&action);
        state.now = Instant::now();
        for effect in update(&mut state, action) {
            exec.run(effect);
        }
    }
    exec.shutdown();
    autosave::save(&state_dir, &state.session()).map_err(FathomError::Other)
}
