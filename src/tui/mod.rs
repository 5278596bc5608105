//! The workbench TUI. Data flows one way: a key becomes an `Action`; `update` changes the
//! `State` and returns `Effect`s; the runtime runs them on tasks that report back as
//! `Action`s; `views::draw` renders the state.

pub mod autosave;
pub mod browser;
pub mod cellfmt;
pub mod complete;
pub mod executor;
pub mod files;
pub mod grid;
pub mod highlight;
pub mod keymap;
pub mod layout;
pub mod osc52;
pub mod palette;
pub mod runtime;
pub mod state;
pub mod statements;
pub mod theme;
pub mod update;
pub mod vim;
pub mod views;

use std::path::PathBuf;
use std::time::Instant;

pub use runtime::run;

use crate::config::Config;
use crate::tui::browser::Browser;
use crate::tui::keymap::Keymap;
use crate::tui::state::State;

/// Command-line choices for the workbench.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Draw with ASCII only.
    pub ascii: bool,
    /// Theme name (dark, light, high-contrast, mono, or a user theme).
    pub theme: Option<String>,
    /// Why the config file could not be used (the workbench then runs on `local`).
    pub config_error: Option<String>,
}

/// `<config dir>` of fathom (where config.toml, keymap.toml, themes/ and queries/ live).
pub fn config_dir(config: &Config) -> PathBuf {
    config.paths.config_file.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}

/// The state the workbench starts with: keymap, theme, saved queries, restored tabs.
/// Reads files (before the first frame); problems become notices, never failures.
pub fn initial_state(config: &Config, opts: &Options, now: Instant) -> State {
    let dir = config_dir(config);
    let (keymap, keymap_warning) = Keymap::load(&dir);
    let wanted = opts.theme.clone().or_else(|| config.theme.clone());
    let (theme, theme_warning) = theme::select(wanted.as_deref(), opts.ascii, &theme::Env::from_process(), &dir);
    let user_queries = dir.join("queries");
    let mut dirs = Vec::new();
    if let Ok(cwd) = std::env::current_dir()
        && cwd.join("queries").is_dir()
    {
        dirs.push(("queries".to_string(), cwd.join("queries")));
    }
    dirs.push(("my queries".to_string(), user_queries.clone()));
    let browser = Browser::new(browser::load(&dirs));
    let mut s = State::new(keymap, theme, browser, &config.default_profile, now);
    s.row_cap = config.row_cap;
    s.budget = config.budget.clone();
    s.user_query_dir = user_queries;
    if config.editor.mode == crate::config::EditorMode::Vim {
        s.vim = Some(crate::tui::vim::Vim::new());
    }
    s.engines = config.profiles.iter().map(|(k, p)| (k.clone(), p.engine_name().to_string())).collect();
    let session = autosave::load(&config.paths.state_dir);
    let restored = matches!(session, Ok(Some(_)));
    match session {
        Ok(session) => s.restore(session),
        Err(e) => {
            s.restore(None);
            s.notify(e, true);
        }
    }
    s.browser.select_first_query();
    if let Some(w) = opts.config_error.clone().or(keymap_warning).or(theme_warning) {
        s.notify(w, true);
        if let (Some(n), true) = (s.notice.as_mut(), opts.config_error.is_some()) {
            n.until = now + std::time::Duration::from_secs(60); // long enough to read and act on
        }
    } else if restored && s.notice.is_none() {
        let file = autosave::session_file(&config.paths.state_dir);
        s.notify(format!("restored {} tab(s) from {}", s.tabs.len(), file.display()), false);
    }
    s
}
