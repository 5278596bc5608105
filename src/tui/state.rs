//! The workbench's state, the actions that change it and the effects it asks the runtime
//! for. `update` (in `update.rs`) is the only thing that changes a `State`; it does no IO.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use crate::config::Budget;
use crate::engine::Caps;
use crate::engine::TableDetail;
use crate::estimate::Estimate;
use crate::library::ParamDecl;
use crate::run::Gate;
use crate::tui::autosave::{SavedTab, Session};
use crate::tui::browser::Browser;
pub use crate::run::Priced;
use crate::tui::grid::{QueryOutput, ResultSet};
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;


/// How long an edit may stay unsaved before the autosave runs.
pub const AUTOSAVE_AFTER: Duration = Duration::from_millis(700);
/// Quiet time after the last edit before the estimate is asked for.
pub const ESTIMATE_AFTER: Duration = Duration::from_millis(300);
/// How long a notice stays on the status line.
pub const NOTICE_FOR: Duration = Duration::from_secs(6);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Browser,
    Editor,
    Grid,
}

/// A pane whose content comes from a task (design principle 4).
#[derive(Debug, Clone)]
pub enum RunState {
    Idle,
    /// `progress`: what the engine last reported (Athena: QUEUED/RUNNING, bytes so far).
    Running { id: u64, since: Instant, sql: String, progress: Option<String> },
    Ready(Box<ResultSet>),
    Failed(String),
    Cancelled { after: Duration },
}

/// What an estimate was made for: the exact statement, parameter values and profile. A run
/// reuses the live estimate only when this matches.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateFor {
    pub profile: String,
    pub sql: String,
    pub given: Vec<(String, String)>,
}

/// Why an estimate was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimatePurpose {
    /// The status line's estimate of the statement under the cursor (latest wins).
    Live,
    /// The budget check of the run with this id, before it starts.
    PreRun { run: u64 },
}

/// The live estimate of the statement under the cursor.
#[derive(Debug, Clone, PartialEq)]
pub enum EstimateState {
    /// Nothing asked yet, or no estimator for this engine: the status shows "estimate: —".
    None,
    Pending(EstimateFor),
    Ready(EstimateFor, Box<Estimate>),
    Failed(EstimateFor, String),
}

/// A run asked for but not started: it waits for its estimate, then for the budget dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRun {
    pub id: u64,
    pub tab: u64,
    pub profile: String,
    pub sql: String,
    pub decls: Vec<ParamDecl>,
    pub given: Vec<(String, String)>,
    pub row_cap: usize,
    /// Asked to run fresh: the result cache is not read (its answer is written again).
    pub fresh: bool,
}

impl PendingRun {
    pub fn key(&self) -> EstimateFor {
        EstimateFor { profile: self.profile.clone(), sql: self.sql.clone(), given: self.given.clone() }
    }
}

/// One editor tab: its text, its profile, its run.
#[derive(Debug, Clone)]
pub struct Tab {
    pub id: u64,
    pub title: String,
    pub profile: String,
    pub editor: TextArea<'static>,
    /// The saved query it was opened from.
    pub source: Option<PathBuf>,
    /// Parameter values from the form, by name (raw text, validated).
    pub params: Vec<(String, String)>,
    /// First visible line and column of the editor.
    pub scroll: (usize, usize),
    pub run: RunState,
    pub estimate: EstimateState,
    /// A run waiting for its pre-run estimate.
    pub pending: Option<PendingRun>,
    /// The statement whose answer the result cache holds (from its last estimate).
    pub cached: Option<EstimateFor>,
    /// The result-cache key its last estimate gave (runs use it; nothing is planned twice).
    pub cache_key: Option<(EstimateFor, crate::cache::Key)>,
}

impl Tab {
    pub fn new(id: u64, title: &str, profile: &str, text: &str) -> Tab {
        let lines: Vec<String> = if text.is_empty() { vec![String::new()] } else { text.split('\n').map(str::to_string).collect() };
        let mut editor = TextArea::new(lines);
        editor.set_max_histories(200);
        Tab {
            id,
            title: title.to_string(),
            profile: profile.to_string(),
            editor,
            source: None,
            params: Vec::new(),
            scroll: (0, 0),
            run: RunState::Idle,
            estimate: EstimateState::None,
            pending: None,
            cached: None,
            cache_key: None,
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    pub fn saved(&self) -> SavedTab {
        SavedTab {
            title: self.title.clone(),
            profile: self.profile.clone(),
            text: self.text(),
            source: self.source.clone(),
            cursor: self.editor.cursor(),
            params: self.params.clone(),
        }
    }
}

/// A typed field of the parameter form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub decl: ParamDecl,
    pub value: String,
    pub error: Option<String>,
}

/// The parameter form of a tab's saved query.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamForm {
    pub tab: u64,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Run the statement once the form is accepted.
    pub then_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    JumpToRow,
    Export,
    SaveQuery,
    /// Find in the editor (issue 14: find, go to line, open a file).
    Find,
    GoToLine,
    OpenFile,
}

/// A one-line question.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    pub error: Option<String>,
}

/// The catalog pane: the tables a profile's engine can see, and one table's detail.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogView {
    pub profile: String,
    /// `None` while loading; the error says why it cannot list.
    pub tables: Option<Result<Vec<crate::engine::TableInfo>, String>>,
    pub selected: usize,
    /// The table opened from the list (its columns, partition spec, snapshots).
    pub detail: Option<TableDetailView>,
}

/// One table of the catalog pane, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDetailView {
    pub schema: String,
    pub name: String,
    /// `None` while loading.
    pub detail: Option<Result<TableDetail, String>>,
    /// The selected column.
    pub selected: usize,
}

/// The history pane: the run ledger, newest first, optionally filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    /// `None` while loading; the error says why the ledger cannot be read.
    pub runs: Option<Result<Vec<crate::history::Run>, String>>,
    /// Position in the filtered list.
    pub selected: usize,
    pub filter: String,
    pub filtering: bool,
}

impl HistoryView {
    /// The runs that match the filter (case-insensitive, in the SQL, profile or outcome).
    pub fn visible(&self) -> Vec<&crate::history::Run> {
        let want = self.filter.to_lowercase();
        match &self.runs {
            Some(Ok(runs)) => runs
                .iter()
                .filter(|r| want.is_empty() || [&r.sql, &r.profile, &r.outcome].iter().any(|f| f.to_lowercase().contains(&want)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The budget dialog before a run the gate stops: above `confirm_above_usd` confirm; above
/// `refuse_above_usd` type the amount to run it; no estimate on a priced engine: run it
/// unpriced only with `y` (Enter does not).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetDialog {
    pub run: PendingRun,
    /// The estimate, or why there is none.
    pub estimate: Result<Box<Estimate>, String>,
    /// The gate's decision: `Ask`, `Refuse` or `CannotPrice`.
    pub gate: Gate,
    pub input: String,
    pub error: Option<String>,
}

impl BudgetDialog {
    /// Above `refuse_above_usd`: runs only when the amount is typed.
    pub fn refuse(&self) -> bool {
        matches!(self.gate, Gate::Refuse { .. })
    }

    /// The price it was checked against, when there is one.
    pub fn priced(&self) -> Option<Priced> {
        self.estimate.as_ref().ok().and_then(|e| Priced::of(e))
    }
}

/// Queries left running on their servers by an earlier session (its terminal went away),
/// offered for re-attaching.
#[derive(Debug, Clone, PartialEq)]
pub struct DetachedOffer {
    pub runs: Vec<crate::history::Run>,
}

/// The quality panel: the data-quality checks run on a profile (enter opens a drill-down).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityView {
    pub profile: String,
    /// `None` while running; the error says why the checks could not run.
    pub results: Option<Result<Vec<crate::quality::CheckResult>, String>>,
    pub selected: usize,
}

/// What is drawn over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help { scroll: usize },
    Catalog(CatalogView),
    Quality(QualityView),
    Form(ParamForm),
    Prompt(Prompt),
    Budget(BudgetDialog),
    History(HistoryView),
    /// Quitting with queries running: stop them (Enter), leave them running (l), or stay.
    Quit { running: usize },
    Detached(DetachedOffer),
    /// The grid's row read vertically (psql's `\x`), on the grid's cursor row.
    Record(RecordView),
    /// The command palette: every keymap command, filtered as you type.
    Palette(crate::tui::palette::Palette),
}

/// The record view: which column is selected, and how far its full value is scrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordView {
    pub field: usize,
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub until: Instant,
}

/// Everything the workbench shows.
#[derive(Debug, Clone)]
pub struct State {
    /// The time the current action happens at (set by the runtime, or by tests).
    pub now: Instant,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub focus: Focus,
    pub browser: Browser,
    pub show_browser: bool,
    pub tabs: Vec<Tab>,
    pub active: usize,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub default_profile: String,
    /// Profile name → engine kind, for the status line and tab titles.
    pub engines: BTreeMap<String, String>,
    /// The profile last chosen (F8) for each saved query file: it opens on it again.
    pub query_profiles: BTreeMap<PathBuf, String>,
    pub row_cap: usize,
    /// The config's budget: when a run asks first, when it is refused.
    pub budget: Budget,
    /// What each opened profile's engine can do (learned from its first estimate).
    pub caps: BTreeMap<String, Caps>,
    /// Where "save as saved query" writes by default (the user's query dir).
    pub user_query_dir: PathBuf,
    /// The chart pane's slot (see `views/chart.rs`).
    pub show_chart: bool,
    /// The chart pane's view: mode and zoom/pan window.
    pub chart_view: crate::chart::ChartView,
    /// The active result's chart, extracted once per result by `update` (never in `draw`).
    pub chart_cache: Option<crate::chart::cache::ChartCache>,
    /// The result whose chart is being extracted on a task (`Effect::BuildChart`).
    pub chart_building: Option<(u64, u64, String)>,
    /// The crosshair was asked for while the chart was being extracted.
    pub chart_cursor_wanted: bool,
    /// The crosshair, when on: an index into the cache's x stops.
    pub chart_cursor: Option<usize>,
    pub next_id: u64,
    /// The generation of the next autosave (later writes win).
    pub autosave_generation: u64,
    pub autosave_due: Option<Instant>,
    pub estimate_due: Option<Instant>,
    /// Completion: names per profile and the popup.
    pub complete: crate::tui::complete::Completer,
    /// Vim mode's state (`[editor] mode = "vim"`); `None` in the standard editor.
    pub vim: Option<crate::tui::vim::Vim>,
    /// The last text searched for in the editor (find next repeats it).
    pub last_find: Option<String>,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
}

/// Something that happened: a key, a resize, a task's reply, the clock.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick,
    QueryDone { id: u64, result: Result<QueryOutput, String> },
    /// A running query's state, as its engine reports it.
    QueryProgress { id: u64, text: String },
    /// The named queries of an Athena profile's workgroup, for the browser.
    NamedQueries { profile: String, result: Result<Vec<crate::catalog::NamedQuery>, String> },
    Sorted { query_id: u64, sort: Option<(usize, bool)>, order: Result<Option<Vec<u32>>, String> },
    /// The estimate (or why there is none), with what the profile's engine can do (`None`:
    /// the engine did not open).
    /// `cached`: the result cache holds this statement's answer (a run costs nothing).
    /// `cache_key`: the key its answer is cached under (`None`: it is not cached).
    EstimateDone {
        tab: u64,
        key: EstimateFor,
        purpose: EstimatePurpose,
        result: Result<Estimate, String>,
        caps: Option<Caps>,
        cached: bool,
        cache_key: Option<crate::cache::Key>,
    },
    Catalog { profile: String, result: Result<Vec<crate::engine::TableInfo>, String> },
    Described { profile: String, schema: String, table: String, result: Result<TableDetail, String> },
    /// The run ledger, as written (oldest first).
    History(Result<Vec<crate::history::Run>, String>),
    Checked { profile: String, result: Result<Vec<crate::quality::CheckResult>, String> },
    /// A saved query was written: the browser shows it.
    Saved { path: PathBuf, text: String },
    /// Queries an earlier session left running on their servers (from the ledger).
    Detached(Result<Vec<crate::history::Run>, String>),
    Notify { text: String, error: bool },
    /// The chart of a result, extracted on a task.
    ChartBuilt(Box<crate::chart::cache::ChartCache>),
    /// Completion's names of a profile: from the disk cache (`cached`), then the engine.
    Names { profile: String, result: Result<Box<crate::complete::Names>, String>, cached: bool },
    /// A file asked for with "open file" was read (its text, or why not).
    Opened { path: PathBuf, result: Result<String, String> },
    /// The open-file prompt's path, completed; the error lists the choices or says none match.
    PathCompleted { input: String, result: Result<String, String> },
}

/// Work for the runtime. Each runs on a task and reports back as an `Action`.
#[derive(Debug, Clone)]
pub enum Effect {
    /// `estimate`: the priced estimate the run was checked against (for the ledger and the
    /// result header).
    RunQuery {
        id: u64,
        profile: String,
        sql: String,
        decls: Vec<ParamDecl>,
        given: Vec<(String, String)>,
        row_cap: usize,
        estimate: Option<Priced>,
        /// Started as a $0 cache hit: if the entry is gone by then it must not run unasked.
        cached: bool,
        /// Read the tables even when the cache holds the answer (and cache the new one).
        fresh: bool,
        /// The result-cache key from the estimate the run was checked against: the answer is
        /// read from or written to it (`None`: not cached).
        cache_key: Option<crate::cache::Key>,
    },
    Cancel { id: u64 },
    /// Follow a query an earlier session left running (`query_id` on `profile`) into run `id`.
    Attach { id: u64, profile: String, query_id: String, sql: String, given: Vec<(String, String)>, row_cap: usize },
    /// Open a profile again after its open failed (the failure is kept until then).
    Reconnect { profile: String },
    LoadCatalog { profile: String },
    Describe { profile: String, schema: String, table: String },
    LoadHistory,
    RunChecks { profile: String },
    Estimate { tab: u64, key: EstimateFor, decls: Vec<ParamDecl>, purpose: EstimatePurpose },
    /// A run the budget stopped: written to the ledger as `fathom run` writes it.
    NotRun { profile: String, sql: String, given: Vec<(String, String)>, estimate: Option<Priced>, outcome: String },
    Sort { query_id: u64, batch: arrow::record_batch::RecordBatch, sort: Option<(usize, bool)> },
    /// Write the session; `generation` orders the writes (an older one never wins).
    Autosave { session: Session, generation: u64 },
    Copy(String),
    /// Extract the chart of a result (tab, query, header chart line) off the UI thread.
    BuildChart { key: (u64, u64, String), batch: arrow::record_batch::RecordBatch },
    Export { path: PathBuf, batch: arrow::record_batch::RecordBatch },
    SaveFile { path: PathBuf, text: String },
    /// Read a .sql file into a new tab (answered by `Action::Opened`).
    OpenFile { path: PathBuf },
    /// Complete a typed path from the directory it names (answered by `Action::PathCompleted`).
    CompletePath { input: String },
    /// Leave: stop every running query on its server first, or (`leave`) let the queries
    /// that can outlive fathom run on, recorded as detached.
    Quit { leave: bool },
    /// Completion's names of a profile: the disk cache at once, then the engine's.
    LoadNames { profile: String },
    /// Keep completion's names of a profile in the disk cache.
    SaveNames { profile: String, names: Box<crate::complete::Names> },
}

impl State {
    pub fn new(keymap: Keymap, theme: Theme, browser: Browser, default_profile: &str, now: Instant) -> State {
        State {
            now,
            size: (80, 24),
            focus: Focus::Browser,
            browser,
            show_browser: true,
            tabs: Vec::new(),
            active: 0,
            overlay: None,
            notice: None,
            keymap,
            theme,
            default_profile: default_profile.to_string(),
            engines: BTreeMap::new(),
            row_cap: 1_000_000,
            budget: Budget::default(),
            caps: BTreeMap::new(),
            user_query_dir: PathBuf::from("queries"),
            show_chart: false,
            chart_view: crate::chart::ChartView::default(),
            chart_cache: None,
            chart_building: None,
            chart_cursor_wanted: false,
            chart_cursor: None,
            next_id: 1,
            autosave_generation: 0,
            query_profiles: BTreeMap::new(),
            autosave_due: None,
            estimate_due: None,
            complete: Default::default(),
            vim: None,
            last_find: None,
            dirty: true,
            quit: false,
        }
    }

    pub fn fresh_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Restores tabs from a session (or opens one empty tab).
    pub fn restore(&mut self, session: Option<Session>) {
        self.tabs.clear();
        self.query_profiles = session.as_ref().map(|s| s.profiles.clone()).unwrap_or_default();
        for saved in session.iter().flat_map(|s| s.tabs.iter()) {
            let id = self.fresh_id();
            let mut tab = Tab::new(id, &saved.title, &saved.profile, &saved.text);
            tab.source = saved.source.clone();
            tab.params = saved.params.clone();
            tab.editor.move_cursor(tui_textarea::CursorMove::Jump(
                u16::try_from(saved.cursor.0).unwrap_or(u16::MAX),
                u16::try_from(saved.cursor.1).unwrap_or(u16::MAX),
            ));
            self.tabs.push(tab);
        }
        if self.tabs.is_empty() {
            let id = self.fresh_id();
            let profile = self.default_profile.clone();
            self.tabs.push(Tab::new(id, "scratch", &profile, ""));
        }
        // First focus: the browser when there is nothing to edit yet, else the editor.
        let has_text = self.tabs.iter().any(|t| t.editor.lines().iter().any(|l| !l.trim().is_empty()));
        self.focus = if has_text { Focus::Editor } else { Focus::Browser };
        self.active = session.map(|s| s.active).unwrap_or(0).min(self.tabs.len() - 1);
    }

    pub fn tab(&self) -> Option<&Tab> {
        self.tabs.get(self.active)
    }

    pub fn tab_mut(&mut self) -> Option<&mut Tab> {
        self.tabs.get_mut(self.active)
    }

    pub fn session(&self) -> Session {
        Session { tabs: self.tabs.iter().map(Tab::saved).collect(), active: self.active, profiles: self.query_profiles.clone() }
    }

    /// The effect that saves the tabs now, ordered after every earlier save.
    pub fn autosave(&mut self) -> Effect {
        self.autosave_generation += 1;
        Effect::Autosave { session: self.session(), generation: self.autosave_generation }
    }

    /// How many tabs have a query running.
    pub fn running(&self) -> usize {
        self.tabs.iter().filter(|t| matches!(t.run, RunState::Running { .. })).count()
    }

    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice { text: text.into(), error, until: self.now + NOTICE_FOR });
    }

    /// The engine kind of a profile ("local", …), or "?" if unknown.
    pub fn engine_of(&self, profile: &str) -> &str {
        self.engines.get(profile).map(String::as_str).unwrap_or("?")
    }

    /// True while any tab has a query running (the clock on screen moves).
    pub fn any_running(&self) -> bool {
        self.tabs.iter().any(|t| matches!(t.run, RunState::Running { .. }))
    }
}
