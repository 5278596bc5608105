//! The keymap: a data file (`keymap.toml`, shipped with `include_str!`, overridable in the
//! user's config dir) mapping keys to commands per context. The help overlay is generated
//! from it, so what the help says is what the keys do.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tomlpos::{key_line, section_line};

/// The shipped default keymap.
pub const DEFAULT_KEYMAP: &str = include_str!("keymap.toml");

/// Where a binding applies. `Global` bindings apply everywhere unless the focused context
/// binds the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    Global,
    Browser,
    Editor,
    Grid,
    Form,
    Prompt,
    Help,
    Catalog,
    Budget,
    Dialog,
    Record,
    Completion,
    /// The editor in vim's normal and visual modes (`[editor] mode = "vim"`).
    Vim,
}

impl Context {
    pub const ALL: [Context; 13] = [
        Context::Global,
        Context::Browser,
        Context::Editor,
        Context::Grid,
        Context::Form,
        Context::Prompt,
        Context::Help,
        Context::Catalog,
        Context::Budget,
        Context::Dialog,
        Context::Record,
        Context::Completion,
        Context::Vim,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Browser => "browser",
            Context::Editor => "editor",
            Context::Grid => "grid",
            Context::Form => "form",
            Context::Prompt => "prompt",
            Context::Help => "help",
            Context::Catalog => "catalog",
            Context::Budget => "budget",
            Context::Dialog => "dialog",
            Context::Record => "record",
            Context::Completion => "completion",
            Context::Vim => "vim",
        }
    }

    fn parse(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }
}

macro_rules! commands {
    ($($variant:ident $name:literal $desc:literal,)*) => {
        /// Something a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Cmd { $($variant,)* }

        impl Cmd {
            pub const ALL: &'static [Cmd] = &[$(Cmd::$variant,)*];
            pub fn name(self) -> &'static str { match self { $(Cmd::$variant => $name,)* } }
            pub fn describe(self) -> &'static str { match self { $(Cmd::$variant => $desc,)* } }
            pub fn parse(s: &str) -> Option<Cmd> { Cmd::ALL.iter().copied().find(|c| c.name() == s) }
        }
    };
}

commands! {
    Quit "quit" "quit (tabs are kept and restored next time)",
    Help "help" "show or hide this help",
    Run "run" "run the statement under the cursor, or the selection",
    RunFresh "run_fresh" "run it reading the tables again, not the result cache (priced and asked as any run; refreshes the cached answer)",
    Cancel "cancel" "cancel the running query of this tab",
    FocusBrowser "focus_browser" "focus the saved-query browser",
    FocusEditor "focus_editor" "focus the editor",
    FocusGrid "focus_grid" "focus the result grid",
    FocusNext "focus_next" "focus the next pane",
    ToggleBrowser "toggle_browser" "show or hide the browser",
    NewTab "new_tab" "open a new editor tab",
    CloseTab "close_tab" "close the editor tab",
    NextTab "next_tab" "next editor tab",
    PrevTab "prev_tab" "previous editor tab",
    NextProfile "next_profile" "switch this tab to the next profile",
    EditParams "edit_params" "edit the parameters of this tab's query",
    SaveQuery "save_query" "save the tab as a saved query",
    ToggleChart "toggle_chart" "show or hide the chart pane",
    Catalog "catalog" "catalog: the tables of this tab's profile (enter shows columns, partitions, snapshots)",
    History "history" "history: the run ledger, newest first (enter opens the SQL in a new tab)",
    Quality "quality" "data-quality checks of this tab's profile (enter opens a check's drill-down)",
    Up "up" "move up",
    Down "down" "move down",
    Left "left" "move left",
    Right "right" "move right",
    PageUp "page_up" "page up",
    PageDown "page_down" "page down",
    Top "top" "go to the first row",
    Bottom "bottom" "go to the last row",
    Open "open" "open the saved query in a new tab (or fold a folder)",
    Filter "filter" "filter the list (saved queries, history)",
    Close "close" "close / clear",
    Undo "undo" "undo",
    Redo "redo" "redo",
    Sort "sort" "sort by this column (ascending, descending, off)",
    Jump "jump" "jump to a row number",
    CopyCell "copy_cell" "copy the cell (OSC 52, works over SSH)",
    CopyRow "copy_row" "copy the row, tab-separated",
    OpenRecord "open_record" "read the row vertically, one column a line, with the cell's full value (psql's \\x)",
    NextRow "next_row" "record: the next row",
    PrevRow "prev_row" "record: the previous row",
    Export "export" "export the result (.csv, .json, .parquet)",
    ChartView "chart_view" "chart: next view (raw, rebased to 100, log, drawdown)",
    ChartZoomIn "chart_zoom_in" "chart: zoom in on the date range",
    ChartZoomOut "chart_zoom_out" "chart: zoom out",
    ChartPanLeft "chart_pan_left" "chart: pan to earlier dates",
    ChartPanRight "chart_pan_right" "chart: pan to later dates",
    ChartReset "chart_reset" "chart: the whole range, raw values",
    ChartCursor "chart_cursor" "chart: crosshair on or off (then h/l or left/right move it a point, the grid row follows)",
    ChartCursorPageLeft "chart_cursor_page_left" "chart: crosshair a page earlier",
    ChartCursorPageRight "chart_cursor_page_right" "chart: crosshair a page later",
    NextField "next_field" "next field",
    PrevField "prev_field" "previous field",
    Submit "submit" "accept",
    InsertName "insert_name" "catalog: insert the table (or column) name at the cursor",
    InsertSelect "insert_select" "catalog: insert SELECT <columns> FROM the table LIMIT 100",
    Confirm "confirm" "budget: run it (above the refuse limit, type the amount first)",
    Leave "leave" "quit: leave the running queries running on their servers (recorded; offered again next start)",
    Reconnect "reconnect" "open this tab's profile again (after its connection failed)",
    Complete "complete" "complete the word at the cursor: table, column, function, keyword, :param (else indent)",
    Find "find" "find text in the editor (find_next repeats it)",
    FindNext "find_next" "find the next match",
    GoToLine "go_to_line" "go to a line of the editor",
    OpenFile "open_file" "open a .sql file into a new tab (tab completes the path)",
    Palette "palette" "command palette: search every command and run it",
    Format "format" "format the SQL: the selection, else the tab (header, comments and :params kept)",
}

/// A key with modifiers, as written in the keymap file (`ctrl-q`, `G`, `shift-tab`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub text: String,
}

impl Chord {
    pub fn parse(s: &str) -> Option<Chord> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if rest.chars().count() <= 1 {
                break;
            }
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?),
                _ => return None,
            },
        };
        let mods = if code == KeyCode::BackTab { mods - KeyModifiers::SHIFT } else { mods };
        Some(Chord { code, mods, text: s.to_string() })
    }

    /// True if the key event is this chord. Shift is part of the character for letters and
    /// symbols (`G`, `?`), so it is ignored there.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT;
        let mut got = key.modifiers & relevant;
        if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
            got -= KeyModifiers::SHIFT;
        }
        let code = match key.code {
            // Terminals report ctrl-letter in either case.
            KeyCode::Char(c) if got.contains(KeyModifiers::CONTROL) => KeyCode::Char(c.to_ascii_lowercase()),
            c => c,
        };
        code == self.code && got == self.mods
    }
}

/// Bindings per context, in file order.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    pub sections: BTreeMap<Context, Vec<(Cmd, Vec<Chord>)>>,
}

impl Keymap {
    /// Parses a keymap file; errors name the line, and the section, command or key.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let table: toml::Table = crate::tomlpos::parse(text)?;
        let at = |section: &str, cmd: Option<&str>, msg: String| {
            let line = cmd.and_then(|c| key_line(text, Some(section), c)).or_else(|| section_line(text, section));
            match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            }
        };
        let mut map = Keymap::default();
        for (section, body) in &table {
            let ctx = Context::parse(section).ok_or_else(|| {
                at(section, None, format!("unknown section [{section}]: expected one of global, browser, editor, grid, form, prompt, help, catalog, budget, dialog, record, completion, vim"))
            })?;
            let body = body.as_table().ok_or_else(|| at(section, Some(section), format!("[{section}] must be a table of command = [keys]")))?;
            let entries = map.sections.entry(ctx).or_default();
            for (cmd, keys) in body {
                let err = |msg: String| at(section, Some(cmd), msg);
                let c = Cmd::parse(cmd).ok_or_else(|| err(format!("[{section}] unknown command '{cmd}'")))?;
                let keys = keys.as_array().ok_or_else(|| err(format!("[{section}] {cmd}: expected a list of keys")))?;
                let mut chords = Vec::new();
                for k in keys {
                    let k = k.as_str().ok_or_else(|| err(format!("[{section}] {cmd}: keys are strings")))?;
                    chords.push(Chord::parse(k).ok_or_else(|| err(format!("[{section}] {cmd}: cannot read key '{k}'")))?);
                }
                entries.push((c, chords));
            }
            // Help lists commands in their declared order, not the file's key order.
            entries.sort_by_key(|(c, _)| Cmd::ALL.iter().position(|x| x == c));
        }
        Ok(map)
    }

    /// The shipped defaults, overridden by `user` (a command listed there replaces its keys).
    pub fn with_override(user: &str) -> Result<Keymap, String> {
        let mut map = Keymap::parse(DEFAULT_KEYMAP)?;
        for (ctx, entries) in Keymap::parse(user)?.sections {
            let section = map.sections.entry(ctx).or_default();
            for (cmd, chords) in entries {
                match section.iter_mut().find(|(c, _)| *c == cmd) {
                    Some(slot) => slot.1 = chords,
                    None => section.push((cmd, chords)),
                }
            }
        }
        Ok(map)
    }

    /// The defaults, with `<dir>/keymap.toml` applied if it exists. A broken user file
    /// yields the defaults and a message saying what to fix.
    pub fn load(config_dir: &Path) -> (Keymap, Option<String>) {
        let path = config_dir.join("keymap.toml");
        let defaults = Keymap::parse(DEFAULT_KEYMAP).unwrap_or_default();
        match std::fs::read_to_string(&path) {
            Ok(text) => match Keymap::with_override(&text) {
                Ok(m) => (m, None),
                Err(e) => (defaults, Some(format!("{}: {e}; using the default keys", path.display()))),
            },
            Err(_) => (defaults, None),
        }
    }

    /// The command `key` triggers in `ctx` (the context's own bindings first, then global).
    pub fn lookup(&self, ctx: Context, key: &KeyEvent) -> Option<Cmd> {
        let find = |c: Context| {
            self.sections
                .get(&c)
                .and_then(|entries| entries.iter().find(|(_, chords)| chords.iter().any(|ch| ch.matches(key))))
                .map(|(cmd, _)| *cmd)
        };
        find(ctx).or_else(|| if ctx == Context::Global { None } else { find(Context::Global) })
    }

    /// The first key bound to `cmd` in `ctx`, for hints ("F1 help").
    pub fn key_for(&self, ctx: Context, cmd: Cmd) -> Option<&str> {
        self.sections
            .get(&ctx)?
            .iter()
            .find(|(c, _)| *c == cmd)
            .and_then(|(_, chords)| chords.first())
            .map(|ch| ch.text.as_str())
    }

    /// Help lines: (context, keys joined, description), generated from the bindings.
    pub fn help_lines(&self) -> Vec<(&'static str, String, &'static str)> {
        let mut out = Vec::new();
        for ctx in Context::ALL {
            for (cmd, chords) in self.sections.get(&ctx).into_iter().flatten() {
                let keys = chords.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" ");
                out.push((ctx.name(), keys, cmd.describe()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn shipped_keymap_parses_and_binds_every_context() {
        let map = Keymap::parse(DEFAULT_KEYMAP).unwrap();
        for ctx in Context::ALL {
            assert!(map.sections.get(&ctx).is_some_and(|s| !s.is_empty()), "{ctx:?} has no bindings");
        }
        assert_eq!(map.lookup(Context::Editor, &key(KeyCode::F(5), KeyModifiers::NONE)), Some(Cmd::Run));
        assert_eq!(map.lookup(Context::Grid, &key(KeyCode::Char('G'), KeyModifiers::SHIFT)), Some(Cmd::Bottom));
        assert_eq!(map.lookup(Context::Grid, &key(KeyCode::Char('g'), KeyModifiers::NONE)), Some(Cmd::Top));
        assert_eq!(map.lookup(Context::Form, &key(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Cmd::PrevField));
        assert_eq!(map.lookup(Context::Browser, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Cmd::Cancel));
        // Plain letters typed in the editor are text, not commands.
        assert_eq!(map.lookup(Context::Editor, &key(KeyCode::Char('j'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn global_bindings_never_steal_plain_typing() {
        let map = Keymap::parse(DEFAULT_KEYMAP).unwrap();
        for (cmd, chords) in &map.sections[&Context::Global] {
            for ch in chords {
                let plain_char = matches!(ch.code, KeyCode::Char(_)) && ch.mods.is_empty();
                assert!(!plain_char, "global {cmd:?} bound to plain key {}", ch.text);
            }
        }
    }

    #[test]
    fn user_override_replaces_one_command_and_keeps_the_rest() {
        let map = Keymap::with_override("[global]\nrun = [\"f9\"]\n").unwrap();
        assert_eq!(map.lookup(Context::Editor, &key(KeyCode::F(9), KeyModifiers::NONE)), Some(Cmd::Run));
        assert_eq!(map.lookup(Context::Editor, &key(KeyCode::F(5), KeyModifiers::NONE)), None);
        assert_eq!(map.lookup(Context::Editor, &key(KeyCode::Char('q'), KeyModifiers::CONTROL)), Some(Cmd::Quit));
        let err = Keymap::with_override("[grid]\nsrot = [\"s\"]\n").unwrap_err();
        assert!(err.contains("unknown command 'srot'"), "{err}");
        let err = Keymap::with_override("[grid]\nsort = [\"hyper-s\"]\n").unwrap_err();
        assert!(err.contains("cannot read key 'hyper-s'"), "{err}");
    }

    #[test]
    fn errors_name_their_real_line() {
        let cases = [
            ("# my keys\n[grid]\nsort = [\"s\"]\nsrot = [\"x\"]\n", "line 4: [grid] unknown command 'srot'"),
            ("[grid]\nsort = [\"s\"]\n\n[editr]\nrun = [\"f5\"]\n", "line 4: unknown section [editr]"),
            ("[grid]\n\nsort = [\"hyper-s\"]\n", "line 3: [grid] sort: cannot read key 'hyper-s'"),
            ("[grid]\nsort = [\"s\"]\nsort = [\"t\"]\n", "line 3"),
            ("[grid]\nsort = [\"s\"\n", "line "),
        ];
        for (text, want) in cases {
            let err = Keymap::with_override(text).unwrap_err();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn help_is_generated_from_the_bindings() {
        let map = Keymap::with_override("[grid]\nexport = [\"ctrl-e\"]\n").unwrap();
        let lines = map.help_lines();
        assert!(lines.iter().any(|(ctx, keys, d)| *ctx == "grid" && keys == "ctrl-e" && d.starts_with("export")));
        assert!(lines.iter().any(|(ctx, keys, _)| *ctx == "global" && keys.contains("f5")));
    }
}
